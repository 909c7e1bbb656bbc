//! The session person's own cards: `GET /v1/me/cards` and the online temporary loss report and
//! its cancellation, `/v1/me/cards/{card_no}/loss-reports`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Cards;
use super::routes::{CardResponse, parse_card_no, shaped};
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(own_cards)).routes(routes!(report_own_loss, cancel_own_loss))
}

/// The person's own cards.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnCardList {
    pub items: Vec<CardResponse>,
    pub as_of: DateTime<Utc>,
}

/// The session person's cards, oldest first (replaced and lost ones included).
#[utoipa::path(
    get, path = "/v1/me/cards", tag = "me", security(("bearer" = ["self:read"])),
    responses((status = 200, description = "The cards", body = OwnCardList))
)]
async fn own_cards(State(state): State<AppState>, caller: Caller) -> Result<Json<OwnCardList>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let rows = Cards::new(&state.core.reading(&caller)).person_cards(&view.person_no).await?;
    Ok(Json(OwnCardList { items: rows.into_iter().map(|c| shaped(&state, c)).collect(), as_of: view.as_of }))
}

/// Report one's own card temporarily lost (it lapses back to active after the configured
/// working days unless made formal at the hall or the issuing bank).
#[utoipa::path(
    post, path = "/v1/me/cards/{card_no}/loss-reports", tag = "me", security(("bearer" = ["self:cards_loss"])),
    params(("card_no" = String, Path, description = "Card number")),
    responses(
        (status = 201, description = "Temporarily lost", body = CardResponse),
        (status = 404, description = "`card.not_found` (also for another person's card)"),
        (status = 409, description = "Not possible from the card's state"),
    )
)]
async fn report_own_loss(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
) -> Result<(StatusCode, Json<CardResponse>), Error> {
    let card_no = parse_card_no(&card_no)?;
    let card = Cards::new(&state.core).own_temporary_loss(&caller, &card_no, true).await?;
    Ok((StatusCode::CREATED, Json(shaped(&state, card))))
}

/// Cancel one's own temporary loss (the card was found).
#[utoipa::path(
    delete, path = "/v1/me/cards/{card_no}/loss-reports", tag = "me", security(("bearer" = ["self:cards_loss"])),
    params(("card_no" = String, Path, description = "Card number")),
    responses(
        (status = 200, description = "Active again", body = CardResponse),
        (status = 404, description = "`card.not_found` (also for another person's card)"),
        (status = 409, description = "The card is not temporarily lost"),
    )
)]
async fn cancel_own_loss(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
) -> Result<Json<CardResponse>, Error> {
    let card_no = parse_card_no(&card_no)?;
    let card = Cards::new(&state.core).own_temporary_loss(&caller, &card_no, false).await?;
    Ok(Json(shaped(&state, card)))
}
