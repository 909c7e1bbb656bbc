//! The voucher over HTTP: activation (`POST /v1/e-vouchers`) and the person's own view
//! (`/v1/me/e-voucher…`) in national-app and 郑好办 sessions; the hall's read, suspension and
//! resumption (`/v1/e-vouchers/{person_no}…`).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::codes::IssuedCode;
use super::store::VoucherRow;
use super::{EVouchers, HallAction, VoucherState};
use crate::domain::PersonNo;
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(activate))
        .routes(routes!(own_voucher))
        .routes(routes!(issue_code))
        .routes(routes!(set_pin))
        .routes(routes!(voucher_of))
        .routes(routes!(suspend, resume))
}

/// A person's electronic voucher.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoucherResponse {
    pub person_no: String,
    pub state: VoucherState,
    pub state_label: &'static str,
    pub activated_at: Option<DateTime<Utc>>,
    /// The client (national app or 郑好办) it was activated through.
    pub activated_by: Option<String>,
    /// Wrong PINs in a row reached the limit: set a new PIN after a face check.
    pub pin_locked: bool,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspension_reason: Option<String>,
}

fn shaped(state: &AppState, person_no: &PersonNo, row: Option<VoucherRow>) -> VoucherResponse {
    let voucher_state = row.as_ref().map_or(VoucherState::NotActivated, |r| r.state);
    let max = state.core.settings.vouchers.pin_max_failures;
    VoucherResponse {
        person_no: person_no.to_string(),
        state: voucher_state,
        state_label: voucher_state.label_zh(),
        activated_at: row.as_ref().map(|r| r.activated_at),
        activated_by: row.as_ref().map(|r| r.activated_by.clone()),
        pin_locked: row.as_ref().is_some_and(|r| crate::platform::counted_secret::is_locked(r.pin_failures, max)),
        suspended_at: row.as_ref().and_then(|r| r.suspended_at),
        suspension_reason: row.and_then(|r| r.suspension_reason),
    }
}

/// A voucher PIN.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PinBody {
    /// Six digits, under the card password's rules (no repeated digit, no run, not the birth
    /// date or the ID number's end).
    #[schema(value_type = String, format = Password, example = "402817")]
    pub pin: SecretString,
}

/// Activate the session person's electronic voucher with a PIN. Needs a national-app or 郑好办
/// session opened by `verified_identity` (real-name + face check). A lost or frozen card does
/// not matter.
#[utoipa::path(
    post, path = "/v1/e-vouchers", tag = "e-voucher", security(("bearer" = ["e_vouchers:activate"])),
    request_body = PinBody,
    responses(
        (status = 201, description = "Active", body = VoucherResponse),
        (status = 403, description = "`e_voucher.verified_identity_required`, `session.not_a_person_session`"),
        (status = 409, description = "`e_voucher.already_activated`, `person.transferred_out`"),
        (status = 422, description = "`card_password.*`: the PIN is refused"),
    )
)]
async fn activate(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<PinBody>,
) -> Result<(StatusCode, Json<VoucherResponse>), Error> {
    let row = EVouchers::new(&state.core).activate(&caller, body.pin).await?;
    let person_no = row.person_no.clone();
    Ok((StatusCode::CREATED, Json(shaped(&state, &person_no, Some(row)))))
}

/// The session person's voucher (`not_activated` until it is).
#[utoipa::path(
    get, path = "/v1/me/e-voucher", tag = "me", security(("bearer" = ["self:read"])),
    responses((status = 200, description = "The voucher", body = VoucherResponse))
)]
async fn own_voucher(State(state): State<AppState>, caller: Caller) -> Result<Json<VoucherResponse>, Error> {
    let person_no = caller.person_session()?.person_no.clone();
    let row = EVouchers::new(&state.core.reading(&caller)).voucher_of(&person_no).await?;
    Ok(Json(shaped(&state, &person_no, row)))
}

/// A QR token for the person's screen (no `Debug`: it would print a live token).
#[derive(Serialize, ToSchema)]
pub struct CodeResponse {
    /// 40 characters; the institution sends it as `mdtrt_cert_no` with `mdtrt_cert_type` `01`.
    #[schema(example = "41019F3A0C2B7D14E5F60718293A4B5C6D7E8F90")]
    pub ec_token: String,
    pub expires_at: DateTime<Utc>,
    pub valid_secs: i64,
}

/// Show a QR token: good for one settlement at the first institution that reads it, until it
/// expires (60 s by default). Needs the voucher PIN (5 wrong in a row lock it).
#[utoipa::path(
    post, path = "/v1/me/e-voucher/codes", tag = "me", security(("bearer" = ["e_vouchers:activate"])),
    request_body = PinBody,
    responses(
        (status = 201, description = "A token", body = CodeResponse),
        (status = 409, description = "`e_voucher.not_activated`, `e_voucher.suspended`"),
        (status = 422, description = "`e_voucher.pin_format` (not counted), `e_voucher.pin_wrong` with `remaining_attempts`"),
        (status = 423, description = "`e_voucher.pin_locked`"),
    )
)]
async fn issue_code(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<PinBody>,
) -> Result<(StatusCode, Json<CodeResponse>), Error> {
    let IssuedCode { token, expires_at } = EVouchers::new(&state.core).issue_code(&caller, body.pin).await?;
    let valid_secs = state.core.settings.vouchers.code_ttl_secs;
    Ok((StatusCode::CREATED, Json(CodeResponse { ec_token: token.as_str().to_owned(), expires_at, valid_secs })))
}

/// Set a new voucher PIN (also unlocks a locked one). Needs a session opened by
/// `verified_identity`.
#[utoipa::path(
    put, path = "/v1/me/e-voucher/pin", tag = "me", security(("bearer" = ["e_vouchers:activate"])),
    request_body = PinBody,
    responses(
        (status = 204, description = "Set; the PIN is unlocked"),
        (status = 403, description = "`e_voucher.verified_identity_required`"),
        (status = 409, description = "`e_voucher.not_activated`"),
        (status = 422, description = "`card_password.*`: the PIN is refused"),
    )
)]
async fn set_pin(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<PinBody>,
) -> Result<StatusCode, Error> {
    EVouchers::new(&state.core).change_pin(&caller, body.pin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's voucher (hall).
#[utoipa::path(
    get, path = "/v1/e-vouchers/{person_no}", tag = "e-voucher", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses(
        (status = 200, description = "The voucher", body = VoucherResponse),
        (status = 404, description = "`person.not_found`"),
    )
)]
async fn voucher_of(
    State(state): State<AppState>,
    _caller: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<VoucherResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let row = EVouchers::new(&state.core).voucher_of(&person_no).await?;
    Ok(Json(shaped(&state, &person_no, row)))
}

/// A reason for the file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

/// Suspend a voucher after an anomaly (hall): no token is issued or accepted until resumed.
#[utoipa::path(
    post, path = "/v1/e-vouchers/{person_no}/suspension", tag = "e-voucher", security(("bearer" = ["e_vouchers:manage"])),
    params(("person_no" = String, Path, description = "Person number")),
    request_body = ReasonBody,
    responses(
        (status = 201, description = "Suspended", body = VoucherResponse),
        (status = 404, description = "`person.not_found`"),
        (status = 409, description = "`e_voucher.not_activated`, `e_voucher.transition_not_allowed`"),
        (status = 422, description = "`e_voucher.reason_text`"),
    )
)]
async fn suspend(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Json(body): Json<ReasonBody>,
) -> Result<(StatusCode, Json<VoucherResponse>), Error> {
    let response = hall_action(&state, &caller, &person_no, HallAction::Suspend, &body.reason).await?;
    Ok((StatusCode::CREATED, response))
}

/// Resume a suspended voucher (hall).
#[utoipa::path(
    delete, path = "/v1/e-vouchers/{person_no}/suspension", tag = "e-voucher", security(("bearer" = ["e_vouchers:manage"])),
    params(("person_no" = String, Path, description = "Person number")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "Active again", body = VoucherResponse),
        (status = 404, description = "`person.not_found`"),
        (status = 409, description = "`e_voucher.not_activated`, `e_voucher.transition_not_allowed`"),
        (status = 422, description = "`e_voucher.reason_text`"),
    )
)]
async fn resume(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Json(body): Json<ReasonBody>,
) -> Result<Json<VoucherResponse>, Error> {
    hall_action(&state, &caller, &person_no, HallAction::Resume, &body.reason).await
}

async fn hall_action(
    state: &AppState,
    caller: &Caller,
    person_no: &str,
    action: HallAction,
    reason: &str,
) -> Result<Json<VoucherResponse>, Error> {
    let person_no = parse_person_no(person_no)?;
    let row = EVouchers::new(&state.core).hall_action(caller, &person_no, action, reason).await?;
    Ok(Json(shaped(state, &person_no, Some(row))))
}
