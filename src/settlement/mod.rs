//! Settlement at designated institutions (issue 9). So far: the rules that split a bill into
//! pooled fund, personal account and cash, in one place, over the parameters in `[settlement]`,
//! and pre-settlement (2206) over HTTP. Settlement, reversal and the e-voucher build on them.

mod card_read;
mod card_read_routes;
mod certificate;
mod consumptions;
mod preview;
mod reversal;
mod routes;
mod rules;
mod settle;
mod settle_routes;
mod store;

pub use crate::domain::MedType;
pub use certificate::{Certificate, Presented};
pub use consumptions::Consumption;
pub use preview::{Preview, SettlementRequest};
pub use rules::{Accumulated, Bill, Split, SplitError, Visit, split, with_mutual_aid};
pub use store::SettlementRow;
pub use store::{import_accumulators, import_settlements};

crate::service! {
    /// Pre-settlement (and, to come, settlement and reversal).
    Settlements
}

/// The settlement routes.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::platform::http::AppState> {
    routes::router().merge(settle_routes::router()).merge(card_read_routes::router())
}
