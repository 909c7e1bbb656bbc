//! `POST /v1/staff/sessions` (staff login through a hall client) and
//! `DELETE /v1/staff/sessions/current` (logout).

use crate::auth::Auth;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::platform::caller::{Caller, Role};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(login)).routes(routes!(logout))
}

/// Staff credentials.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// A staff session token.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSessionResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    pub expires_in: i64,
    /// Space-separated permissions of the role.
    pub scope: String,
    pub username: String,
    pub role: Role,
}

/// Log a staff user in (needs a hall client's token with `staff_sessions:open`).
#[utoipa::path(
    post, path = "/v1/staff/sessions", tag = "auth", security(("bearer" = ["staff_sessions:open"])),
    request_body = LoginRequest,
    responses(
        (status = 201, description = "Logged in", body = StaffSessionResponse),
        (status = 401, description = "Wrong username or password"),
        (status = 403, description = "The calling client may not open staff sessions"),
        (status = 423, description = "Locked after repeated failures; `locked_until` says until when"),
    )
)]
async fn login(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<LoginRequest>,
) -> Result<Response, Error> {
    let session = Auth::new(&state.core).staff_login(&caller, &body.username, body.password).await?;
    let body = StaffSessionResponse {
        access_token: session.token.access_token.expose().to_owned(),
        token_type: "Bearer",
        expires_in: session.token.expires_in,
        scope: session.token.scope_string(),
        username: session.username,
        role: session.role,
    };
    let mut response = (StatusCode::CREATED, axum::Json(body)).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// End the current staff session: revokes the staff session token presented, and only a staff
/// session token (a client token is revoked with `DELETE /v1/oauth/token`).
#[utoipa::path(
    delete, path = "/v1/staff/sessions/current", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "No valid token"),
        (status = 403, description = "A client token, not a staff session (`staff.not_a_session`)"),
    )
)]
async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Error> {
    Auth::new(&state.core).end_staff_session(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
