//! Family mutual aid (家庭共济, issue 10 items 4–5; SPEC §2 family binding: requested → active →
//! unbound): a holder with an employee personal account binds up to five near relatives insured
//! here; the relative (or the hall, on proof) confirms; the holder's account then pays what the
//! relative's own account cannot of their part of a bill (`acct_mulaid_pay`), and a reversal
//! gives it back to the holder.

pub mod aid;
mod binding;
mod contribution;
mod reading;
mod routes;
mod store;
mod types;

pub use aid::HolderFunds;
pub use binding::NewBinding;
pub use routes::router;
pub use store::import_bindings;
pub use store::{BindingRow, PaymentRow};
pub use types::{BindingState, FamilyRelation, MAX_RELATIVES};

crate::service! {
    /// Family bindings and mutual-aid payments.
    Families
}
