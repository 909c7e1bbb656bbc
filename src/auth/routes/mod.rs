//! The auth routes: OAuth2 client credentials and staff sessions.

mod oauth;
mod staff_sessions;

use utoipa_axum::router::OpenApiRouter;

use crate::platform::http::AppState;

/// The token and staff-session routes.
pub fn router() -> OpenApiRouter<AppState> {
    oauth::router().merge(staff_sessions::router())
}
