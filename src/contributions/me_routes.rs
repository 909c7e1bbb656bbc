//! The session person's own contributions: `GET /v1/me/contributions`.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Contributions;
use super::routes::ContributionResponse;
use crate::domain::Month;
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Query};
use crate::platform::http::paging::Limit;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(own_contributions))
}

/// Month range and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OwnContributionQuery {
    /// First month `YYYY-MM`, inclusive; at most one year back (three on the provincial platform).
    pub from: Option<String>,
    /// Last month `YYYY-MM`, inclusive.
    pub to: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of the person's own contributions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnContributionPage {
    pub items: Vec<ContributionResponse>,
    pub next_cursor: Option<String>,
    pub as_of: DateTime<Utc>,
}

/// The session person's contributions: base, due, paid, channel, arrival and its kind.
#[utoipa::path(
    get, path = "/v1/me/contributions", tag = "me", security(("bearer" = ["self:read"])),
    params(OwnContributionQuery),
    responses(
        (status = 200, description = "A page", body = OwnContributionPage),
        (status = 400, description = "A month that is not `YYYY-MM`, or a bad limit or cursor"),
        (status = 422, description = "`me.lookback_exceeded`"),
    )
)]
async fn own_contributions(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<OwnContributionQuery>,
) -> Result<Json<OwnContributionPage>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let limit = Limit::parse(query.limit)?;
    let month = |raw: Option<&String>| {
        raw.map(|r| {
            Month::parse(r)
                .ok_or_else(|| Error::Malformed { code: "request.bad_query", detail: format!("{r} is not YYYY-MM") })
        })
        .transpose()
    };
    let from = view.from_month(month(query.from.as_ref())?)?.to_string();
    let to = month(query.to.as_ref())?.map(|m| m.to_string());
    let cursor = month(query.cursor.as_ref())?.map(|m| m.to_string());
    let rows = Contributions::new(&state.core.reading(&caller))
        .contributions(&view.person_no, (Some(&from), to.as_deref()), cursor.as_deref(), limit.fetch())
        .await?;
    let (rows, next_cursor) = limit.page(rows, |r| r.period.clone());
    Ok(Json(OwnContributionPage { items: rows.into_iter().map(Into::into).collect(), next_cursor, as_of: view.as_of }))
}
