//! The personal account: balance, entries, staff adjustments.

use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{Idempotent, Json, Path, Query, RequestId};
use super::persons::parse_person_no;
use crate::auth::Principal;
use crate::domain::Money;
use crate::error::Error;
use crate::services::idempotency::StoredResponse;
use crate::services::ledger::{AccountView, Adjustment, EntryView};
use crate::storage::ledger::EntryFilter;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(account)).routes(routes!(entries)).routes(routes!(adjust))
}

/// Date range and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct EntryQuery {
    /// First day (Zhengzhou time), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A page of entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryPage {
    pub items: Vec<EntryView>,
    pub next_cursor: Option<String>,
}

/// A staff adjustment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentBody {
    /// Signed amount, e.g. `"12.00"` or `"-3.50"`.
    pub amount: String,
    pub reason: String,
    /// Username of the approving supervisor (not the poster).
    pub approver: String,
}

/// The personal account (employees only; residents have none).
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/account", tag = "accounts", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 404, description = "No such person, or a resident (`account.resident_has_none`)"),
    )
)]
async fn account(
    State(state): State<AppState>,
    principal: Principal,
    Path(person_no): Path<String>,
) -> Result<Json<AccountView>, Error> {
    Ok(Json(state.services.account(&principal, &parse_person_no(&person_no)?).await?))
}

/// The account's entries, newest first.
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/account/entries", tag = "accounts", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number"), EntryQuery),
    responses(
        (status = 200, description = "A page", body = EntryPage),
        (status = 400, description = "Bad query or cursor"),
        (status = 404, description = "No such person, or a resident"),
    )
)]
async fn entries(
    State(state): State<AppState>,
    principal: Principal,
    Path(person_no): Path<String>,
    Query(query): Query<EntryQuery>,
) -> Result<Json<EntryPage>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let limit = query.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::Malformed { code: "request.bad_query", detail: "limit is between 1 and 200".into() });
    }
    let before_id = query
        .cursor
        .map(|c| c.parse::<i64>())
        .transpose()
        .map_err(|_| Error::Malformed { code: "request.bad_cursor", detail: "not a cursor of this list".into() })?;
    let filter = EntryFilter { person_no: &person_no, from: query.from, to: query.to, before_id, limit: limit + 1 };
    let mut rows = state.services.account_entries(&principal, &filter).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = if more { rows.last().map(|r| r.id.to_string()) } else { None };
    Ok(Json(EntryPage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
}

/// Post a staff adjustment (supervisor; approved by another supervisor). Needs `Idempotency-Key`.
#[utoipa::path(
    post, path = "/v1/persons/{person_no}/account/adjustments", tag = "accounts",
    security(("bearer" = ["accounts:adjust"])),
    params(("person_no" = String, Path, description = "Person number"),
           ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = AdjustmentBody,
    responses(
        (status = 201, description = "Posted", body = EntryView),
        (status = 409, description = "Would make the balance negative, or the account is closed"),
        (status = 422, description = "Bad amount, reason or approver"),
    )
)]
async fn adjust(
    State(state): State<AppState>,
    principal: Principal,
    RequestId(request_id): RequestId,
    Path(person_no): Path<String>,
    Idempotent { request, body }: Idempotent<AdjustmentBody>,
) -> Result<StoredResponse, Error> {
    let person_no = parse_person_no(&person_no)?;
    let adjustment = Adjustment {
        amount: Money::parse(&body.amount).map_err(|e| Error::invalid_field("money.format", "amount", e))?,
        reason: body.reason,
        approver: body.approver,
    };
    state.services.adjust_account(&principal, request_id, &person_no, adjustment, &request).await
}
