//! Enrolment (参保登记) and the hall's changes of insured status (封存, 启封, 转出, 转入): the
//! workflows that span persons, the ledger and contributions in one transaction.

mod enrol;
mod routes;
mod transitions;

pub use enrol::{Employer, Enrolment};
pub use routes::router;
pub use transitions::StatusOutcome;

crate::service! {
    /// Enrolment and hall status changes.
    Enrolments
}
