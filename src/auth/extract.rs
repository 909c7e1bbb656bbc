//! The caller context as an extractor: every authenticated handler starts here. The bearer
//! token is authenticated, and the operation's scope (from the one table in
//! `platform::caller::operations`) is checked before any body or parameter is parsed.

use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};

use super::Auth;
use sqlx::PgConnection;

use crate::platform::caller::{Caller, Connected, Principal, Scope, operations};
use crate::platform::error::Error;
use crate::platform::http::AppState;

impl FromRequestParts<AppState> for Caller {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let mut conn = state.core.pool.acquire().await?;
        admitted(parts, state, &mut conn, token).await
    }
}

impl FromRequestParts<AppState> for Connected {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = bearer(parts)?;
        let mut conn = state.core.pool.acquire().await?;
        let caller = admitted(parts, state, &mut conn, token).await?;
        Ok(Connected { caller, conn })
    }
}

/// The caller behind `token`, once its token is live and the route's scope admits it.
async fn admitted(parts: &Parts, state: &AppState, conn: &mut PgConnection, token: &str) -> Result<Caller, Error> {
    let principal = Auth::new(&state.core).authenticate(conn, token).await?;
    let route = parts.extensions.get::<MatchedPath>().map_or("", MatchedPath::as_str);
    let scopes = operations::admitting_scopes(&parts.method, route).ok_or_else(|| {
        Error::forbidden("auth.operation_unlisted", format!("{} {route} is not open to tokens", parts.method))
    })?;
    confine_person_session(&principal, &parts.method, route)?;
    admit(&principal, scopes)?;
    let request_id = parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    Ok(Caller::new(principal, request_id))
}

/// The request's bearer token (before any database work).
fn bearer(parts: &Parts) -> Result<&str, Error> {
    if !parts.headers.contains_key(header::AUTHORIZATION) {
        return Err(Error::unauthenticated("auth.missing_token", "send Authorization: Bearer <token>"));
    }
    presented_token(&parts.headers).ok_or(Error::unauthenticated(
        "auth.invalid_token",
        "the bearer token is unknown, expired or revoked; get a new one",
    ))
}

/// The bearer token of `Authorization: Bearer <token>`, if the header has that shape.
pub(super) fn presented_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// A person session reaches only the person's own view (`/v1/me...`, and the voucher activation
/// and the filing, `POST /v1/e-vouchers` and `POST /v1/remote-filings`, which act on the
/// session's person) and its own end, never a route that names
/// a person or a card by number, whatever scopes it carries; and the own view is only for
/// person sessions.
fn confine_person_session(principal: &Principal, method: &Method, route: &str) -> Result<(), Error> {
    let own_view = route == "/v1/me" || route.starts_with("/v1/me/");
    let acts_on_own_person = *method == Method::POST && matches!(route, "/v1/e-vouchers" | "/v1/remote-filings");
    match (&principal.person, own_view || acts_on_own_person || route == "/v1/sessions/current") {
        (Some(_), false) => Err(Error::forbidden(
            "auth.person_session_confined",
            "a person session reaches only /v1/me and its own end",
        )),
        (None, _) if own_view => {
            Err(Error::forbidden("session.not_a_person_session", "this needs a person session (POST /v1/sessions)"))
        }
        _ => Ok(()),
    }
}

/// Admits the principal if it holds one of `scopes` (any authenticated caller when empty).
fn admit(principal: &Principal, scopes: &[Scope]) -> Result<(), Error> {
    match scopes {
        [] => Ok(()),
        [only] => principal.require(*only),
        _ if scopes.iter().any(|s| principal.has(*s)) => Ok(()),
        _ => {
            let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
            Err(Error::forbidden(
                "auth.insufficient_scope",
                format!("this operation needs one of the scopes {}", names.join(", ")),
            ))
        }
    }
}
