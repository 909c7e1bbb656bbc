//! The personal account (个人账户, employees only) as a ledger: balances, their immutable
//! entries, staff adjustments under four eyes, the money side of transfers, and the
//! reconciliation check. [`writer`] is the only code that writes `accounts` and
//! `account_entries`.

mod adjustment;
mod adjustments;
mod adjustments_store;
mod entry_kind;
mod me_routes;
mod routes;
mod service;
mod store;
pub mod writer;

pub use adjustment::{Adjustment, AdjustmentState};
pub use adjustments::AdjustmentOutcome;
pub use entry_kind::EntryKind;
pub use service::{Account, check_carry_over};
pub use store::{EntryRow, LedgerCheck, Mismatch};
pub use writer::Movement;

crate::service! {
    /// The personal-account operations.
    Ledger
}

/// This capability's routes: the hall's and channels', and the person's own view.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::platform::http::AppState> {
    routes::router().merge(me_routes::router())
}
