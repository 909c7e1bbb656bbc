//! The bearer principal as an extractor: every authenticated handler starts here.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::Auth;
use crate::platform::caller::Principal;
use crate::platform::error::Error;
use crate::platform::http::AppState;

impl FromRequestParts<AppState> for Principal {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let value =
            parts.headers.get(header::AUTHORIZATION).ok_or(Error::Unauthenticated { code: "auth.missing_token" })?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Error::Unauthenticated { code: "auth.invalid_token" })?;
        Auth::new(&state.core).authenticate(token).await
    }
}
