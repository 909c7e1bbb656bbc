//! Bindings and person sessions over HTTP.

mod bindings;
mod contact;
mod sessions;

use utoipa_axum::router::OpenApiRouter;

use crate::platform::http::AppState;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    bindings::router().merge(sessions::router()).merge(contact::router())
}
