//! The session person's own personal account: `GET /v1/me/account` and its entries.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Ledger;
use super::routes::{AccountView, EntryQuery, EntryView};
use super::store::EntryFilter;
use crate::platform::caller::{Caller, Connected, OwnView};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Query};
use crate::platform::http::paging::{Limit, id_cursor};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(own_account)).routes(routes!(own_entries))
}

/// The person's own account, with the instant it describes.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnAccount {
    #[serde(flatten)]
    pub account: AccountView,
    pub as_of: DateTime<Utc>,
}

/// A page of the person's own entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnEntryPage {
    pub items: Vec<EntryView>,
    pub next_cursor: Option<String>,
    pub as_of: DateTime<Utc>,
}

/// The session person's personal account (employees; residents have none).
#[utoipa::path(
    get, path = "/v1/me/account", tag = "me", security(("bearer" = ["self:read"])),
    responses(
        (status = 200, description = "The account", body = OwnAccount),
        (status = 404, description = "`account.resident_has_none`"),
    )
)]
async fn own_account(State(state): State<AppState>, connected: Connected) -> Result<Json<OwnAccount>, Error> {
    let view = OwnView::of(&connected.caller, &state.core)?;
    let (_, mut conn) = connected.reading(&state.core).await?;
    let account = Ledger::new(&state.core).account_on(&mut conn, &view.person_no).await?.into();
    Ok(Json(OwnAccount { account, as_of: view.as_of }))
}

/// The session person's account entries, newest first, within the channel's look-back.
#[utoipa::path(
    get, path = "/v1/me/account/entries", tag = "me", security(("bearer" = ["self:read"])),
    params(EntryQuery),
    responses(
        (status = 200, description = "A page", body = OwnEntryPage),
        (status = 400, description = "Bad query or cursor"),
        (status = 404, description = "`account.resident_has_none`"),
        (status = 422, description = "`me.lookback_exceeded`"),
    )
)]
async fn own_entries(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<EntryQuery>,
) -> Result<Json<OwnEntryPage>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let from = view.from_day(query.from)?;
    let limit = Limit::parse(query.limit)?;
    let before_id = id_cursor(query.cursor.as_deref())?;
    let filter =
        EntryFilter { person_no: &view.person_no, from: Some(from), to: query.to, before_id, limit: limit.fetch() };
    let rows = Ledger::new(&state.core.reading(&caller)).account_entries(&filter).await?;
    let (rows, next_cursor) = limit.page(rows, |r| r.id.to_string());
    Ok(Json(OwnEntryPage { items: rows.into_iter().map(Into::into).collect(), next_cursor, as_of: view.as_of }))
}
