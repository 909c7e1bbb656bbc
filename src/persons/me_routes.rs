//! `GET /v1/me`: the session person's own record, masked like any channel's view; and the
//! person's remote-filing list, which stays empty until filings exist (issue 10 fills it from its
//! own table). Consumption is the settlement context's.

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::routes::PersonResponse;
use super::{Disclosure, PersonRecord, Persons};
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Query};
use crate::platform::http::paging::{Limit, id_cursor};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me)).routes(routes!(remote_filings))
}

/// The session person, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub person: PersonResponse,
    pub address: Option<String>,
    /// When this answer was made: our data is real-time on every channel.
    pub as_of: DateTime<Utc>,
}

/// The session person's own record (ID number and phone masked).
#[utoipa::path(
    get, path = "/v1/me", tag = "me", security(("bearer" = ["self:read"])),
    responses(
        (status = 200, description = "The person", body = MeResponse),
        (status = 403, description = "Not a person session"),
    )
)]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<MeResponse>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let row = Persons::new(&state.core).own_record(&view.person_no).await?;
    let address = row.address.clone();
    let person = PersonRecord { row, disclosure: Disclosure::Masked }.into();
    Ok(Json(MeResponse { person, address, as_of: view.as_of }))
}

/// Date range and paging of the person's own lists.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OwnListQuery {
    /// First day, inclusive; at most one year back (three on the provincial platform).
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A page of the person's own records.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnPage {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Value>,
    pub next_cursor: Option<String>,
    pub as_of: DateTime<Utc>,
}

/// The session person's remote-treatment filings (empty until filings land).
#[utoipa::path(
    get, path = "/v1/me/remote-filings", tag = "me", security(("bearer" = ["self:read"])),
    params(OwnListQuery),
    responses(
        (status = 200, description = "A page", body = OwnPage),
        (status = 422, description = "`me.lookback_exceeded`"),
    )
)]
async fn remote_filings(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OwnListQuery>,
) -> Result<Json<OwnPage>, Error> {
    empty_page(&state, &caller, &query)
}

/// The query is checked as the real lists will check it, so clients see the same rules now.
fn empty_page(state: &AppState, caller: &Caller, query: &OwnListQuery) -> Result<Json<OwnPage>, Error> {
    let view = OwnView::of(caller, &state.core)?;
    let from = view.from_day(query.from)?;
    if query.to.is_some_and(|to| to < from) {
        return Err(Error::Malformed { code: "request.bad_query", detail: "to is before from".into() });
    }
    Limit::parse(query.limit)?;
    id_cursor(query.cursor.as_deref())?;
    Ok(Json(OwnPage { items: Vec::new(), next_cursor: None, as_of: view.as_of }))
}
