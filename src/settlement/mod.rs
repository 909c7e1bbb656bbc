//! Settlement at designated institutions (issue 9). So far: the rules that split a bill into
//! pooled fund, personal account and cash, in one place, over the parameters in `[settlement]`,
//! and pre-settlement (2206) over HTTP. Settlement, reversal and the e-voucher build on them.

mod certificate;
mod med_type;
mod preview;
mod routes;
mod rules;
mod store;

pub use certificate::{Certificate, Presented};
pub use med_type::MedType;
pub use preview::{Preview, SettlementRequest};
pub use routes::router;
pub use rules::{Accumulated, Bill, Split, SplitError, Visit, split};

crate::service! {
    /// Pre-settlement (and, to come, settlement and reversal).
    Settlements
}
