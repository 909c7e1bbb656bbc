//! The auth routes: OAuth2 client credentials, staff sessions and the client registry.

mod clients;
mod oauth;
mod staff_sessions;

use utoipa_axum::router::OpenApiRouter;

use crate::platform::http::AppState;

/// The token and staff-session routes.
pub fn router() -> OpenApiRouter<AppState> {
    oauth::router().merge(staff_sessions::router()).merge(clients::router())
}
