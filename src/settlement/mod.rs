//! Settlement at designated institutions (issue 9). So far: the rules that split a bill into
//! pooled fund, personal account and cash, in one place, over the parameters in `[settlement]`.
//! Pre-settlement, settlement, reversal and the e-voucher build on them.

mod med_type;
mod rules;

pub use med_type::MedType;
pub use rules::{Accumulated, Bill, Split, SplitError, Visit, split};
