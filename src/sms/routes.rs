//! `POST /v1/sms-codes`: a channel asks for a code to be sent to a phone.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{SmsCodes, SmsPurpose};
use crate::domain::mask_phone;
use crate::persons::fields::parse_phone;
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(send_code))
}

/// Where to send a code, and what for.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsCodeRequest {
    #[schema(example = "13800138000")]
    pub phone: String,
    pub purpose: SmsPurpose,
}

/// A code is on its way (the same answer whether or not the phone belongs to anyone).
#[derive(Debug, Serialize, ToSchema)]
pub struct SmsCodeSent {
    #[schema(example = "138****8000")]
    pub phone: String,
    pub purpose: SmsPurpose,
    /// Seconds the code stays valid.
    pub expires_in: i64,
    /// Seconds before another code may be sent to this phone.
    pub resend_after: i64,
}

/// Send a six-digit code to a phone (valid 5 minutes, single use, at most 5 checks; at least
/// 60 s between sends and at most 10 a day per phone).
#[utoipa::path(
    post, path = "/v1/sms-codes", tag = "person sessions", security(("bearer" = ["person_sessions:open"])),
    request_body = SmsCodeRequest,
    responses(
        (status = 202, description = "Queued for sending", body = SmsCodeSent),
        (status = 422, description = "Not a mobile phone number (`person.phone`)"),
        (status = 429, description = "Sent too recently (`sms.resend_too_soon`) or too often today (`sms.daily_limit`); see Retry-After"),
    )
)]
async fn send_code(
    State(state): State<AppState>,
    _admitted: Caller,
    Json(body): Json<SmsCodeRequest>,
) -> Result<(StatusCode, Json<SmsCodeSent>), Error> {
    let phone = parse_phone(&body.phone, "phone")?;
    let sent = SmsCodes::new(&state.core).send_code(&phone, body.purpose).await?;
    let answer = SmsCodeSent {
        phone: mask_phone(sent.phone.as_str()),
        purpose: sent.purpose,
        expires_in: sent.expires_in,
        resend_after: sent.resend_after,
    };
    Ok((StatusCode::ACCEPTED, Json(answer)))
}
