//! The card password: change, reset at the hall, and verification.

use super::Cards;
use axum::extract::State;
use axum::http::StatusCode;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::routes::parse_card_no;
use crate::cards::PresentedIdentity;
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(change)).routes(routes!(reset)).routes(routes!(verify))
}

/// Change the password.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequest {
    #[schema(value_type = String, format = Password)]
    pub old_password: SecretString,
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// Reset the password with the holder's identity.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    pub id_number: String,
    pub name: String,
    #[schema(value_type = String, format = Password)]
    pub new_password: SecretString,
}

/// A password to check.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// The password was right.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResponse {
    pub verified: bool,
}

/// Change the card password (old and new).
#[utoipa::path(
    put, path = "/v1/cards/{card_no}/password", tag = "card password", security(("bearer" = ["cards:password"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = ChangeRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 409, description = "The card is not active"),
        (status = 422, description = "Old password wrong (`remaining_attempts`) or new one weak"),
        (status = 423, description = "Locked after repeated wrong passwords"),
    )
)]
async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<ChangeRequest>,
) -> Result<StatusCode, Error> {
    let card_no = parse_card_no(&card_no)?;
    Cards::new(&state.core).change_card_password(&caller, &card_no, body.old_password, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Reset the card password at the hall with identity verified; this also unlocks it.
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/password/reset", tag = "card password",
    security(("bearer" = ["cards:password_reset"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = ResetRequest,
    responses(
        (status = 204, description = "Reset and unlocked"),
        (status = 409, description = "The card is not active"),
        (status = 422, description = "Identity mismatch or weak password"),
    )
)]
async fn reset(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<ResetRequest>,
) -> Result<StatusCode, Error> {
    let card_no = parse_card_no(&card_no)?;
    let holder = PresentedIdentity { id_number: body.id_number, name: body.name };
    Cards::new(&state.core).reset_card_password(&caller, &card_no, &holder, body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check a card password (institutions, terminals). Three wrong in a row lock it.
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/password/verifications", tag = "card password",
    security(("bearer" = ["cards:verify_password"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Right", body = VerifyResponse),
        (status = 409, description = "The card is not active"),
        (status = 422, description = "Wrong (`card.password_wrong`, with `remaining_attempts`)"),
        (status = 423, description = "Locked (`card.password_locked`)"),
    )
)]
async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<VerifyRequest>,
) -> Result<Json<VerifyResponse>, Error> {
    let card_no = parse_card_no(&card_no)?;
    let check = Cards::new(&state.core).verify_card_password(&caller, &card_no, body.password).await?;
    Ok(Json(VerifyResponse { verified: check.verified }))
}
