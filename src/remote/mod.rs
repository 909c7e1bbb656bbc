//! Treatment outside Zhengzhou (issue 10): remote-treatment filings (异地就医备案, SPEC §2: filed →
//! effective → expired | revoked), made here by the person (豫事办, national app) or the hall, or
//! made in the national app and delivered by the national platform's sync; the hall's pull of one
//! not yet delivered; the expiry job; and the settlements made elsewhere that the national
//! platform delivers days later, with the hall's clearing exceptions.

mod clearing;
mod filing;
mod lifecycle;
mod national;
mod routes;
mod rules;
mod settlement_routes;
mod settlements;
mod settlements_store;
mod store;
mod types;

pub use clearing::Resolution;
pub use filing::NewFiling;
pub use lifecycle::Synced;
pub use national::NationalFiling;
pub use settlement_routes::RemoteSettlementView;
pub use settlements::{DeliveredRow, RowOutcome, RowResult};
pub use settlements_store::RemoteRow;
pub use store::FilingRow;
pub use store::{filing_no, import_filings};
pub use types::{FilingKind, FilingState};

crate::service! {
    /// Remote-treatment filings.
    RemoteFilings
}

crate::service! {
    /// Settlements made elsewhere and their clearing exceptions.
    RemoteSettlements
}

/// The routes of this context.
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::platform::http::AppState> {
    routes::router().merge(settlement_routes::router())
}
