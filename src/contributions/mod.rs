//! Contributions (缴费): the schedule of what each person owes per period, payments by banks
//! and the tax bureau, their arrival (到账, automatic or manual at the hall), the allocation to
//! the personal account on arrival, and the arrears that follow from unpaid months.

mod me_routes;
mod routes;
mod service;
mod store;
mod types;

pub use service::PaymentRequest;
pub use service::arrival::ArrivalOutcome;
pub use store::contributions::import_contributions;
pub use store::contributions::{ContributionRow, MonthParts, Rates};
pub use store::payments::Arrival;
pub use store::payments::import_payments;
pub use types::{ArrivalKind, ContributionState, Payment, PaymentChannel, PaymentState};

crate::service! {
    /// The contribution operations and jobs.
    Contributions
}

/// This capability's routes: the hall's and channels', and the person's own view.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::platform::http::AppState> {
    routes::router().merge(me_routes::router())
}
