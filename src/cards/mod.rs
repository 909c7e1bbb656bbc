//! Cards (医保卡 / 社保卡): issuance, activation, temporary and formal loss, replacement, freeze,
//! the card password and the card's history. Every change of state goes through one lifecycle
//! table ([`next_card_state`]) and one writer of the card's history.

mod history;
mod lifecycle;
mod me_routes;
mod password_routes;
mod routes;
mod service;
mod store;

pub use history::import_card_transitions;
pub use lifecycle::{CardAction, CardState, card_transitions, next_card_state};
pub use routes::parse_card_no;
pub use service::{Activation, AgentInfo, LossKind, PasswordCheck, PresentedIdentity, ReplacementReason, holds_card};
pub use store::import_cards;

crate::service! {
    /// The card operations.
    Cards
}

/// The card routes (lifecycle and password).
pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::platform::http::AppState> {
    routes::router().merge(password_routes::router()).merge(me_routes::router())
}
