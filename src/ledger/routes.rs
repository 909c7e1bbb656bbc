//! The personal account: balance, entries, staff adjustments.

use super::Ledger;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::Money;
use crate::ledger::adjustments::AdjustmentView;
use crate::ledger::store::EntryFilter;
use crate::ledger::{AccountView, EntryView};
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Idempotent, Json, Path, Query};
use crate::platform::http::paging::{Limit, id_cursor};
use crate::platform::idempotency::StoredResponse;
use uuid::Uuid;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(account))
        .routes(routes!(entries))
        .routes(routes!(request_adjustment))
        .routes(routes!(approve_adjustment))
        .routes(routes!(reject_adjustment))
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

/// A requested adjustment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentBody {
    /// Signed amount, e.g. `"12.00"` or `"-3.50"`.
    pub amount: String,
    pub reason: String,
}

/// An approval (the body may be empty).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {}

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
    _admitted: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<AccountView>, Error> {
    Ok(Json(Ledger::new(&state.core).account(&parse_person_no(&person_no)?).await?))
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
    _admitted: Caller,
    Path(person_no): Path<String>,
    Query(query): Query<EntryQuery>,
) -> Result<Json<EntryPage>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let limit = Limit::parse(query.limit)?;
    let before_id = id_cursor(query.cursor.as_deref())?;
    let filter = EntryFilter { person_no: &person_no, from: query.from, to: query.to, before_id, limit: limit.fetch() };
    let rows = Ledger::new(&state.core).account_entries(&filter).await?;
    let (rows, next_cursor) = limit.page(rows, |r| r.id.to_string());
    Ok(Json(EntryPage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
}

/// Request a staff adjustment (supervisor). Nothing moves until another supervisor approves it.
#[utoipa::path(
    post, path = "/v1/persons/{person_no}/account/adjustments", tag = "accounts",
    security(("bearer" = ["accounts:adjust"])),
    params(("person_no" = String, Path, description = "Person number"),
           ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = AdjustmentBody,
    responses(
        (status = 201, description = "Requested, pending approval", body = AdjustmentView),
        (status = 409, description = "The account is closed (transferred out)"),
        (status = 422, description = "Bad amount or reason"),
    )
)]
async fn request_adjustment(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Idempotent { request, body }: Idempotent<AdjustmentBody>,
) -> Result<StoredResponse, Error> {
    let person_no = parse_person_no(&person_no)?;
    let amount = Money::parse(&body.amount).map_err(|e| Error::invalid_field("money.format", "amount", e))?;
    Ledger::new(&state.core).request_adjustment(&caller, &person_no, amount, &body.reason, &request).await
}

/// Approve an adjustment requested by someone else; posts the ledger entry. Needs `Idempotency-Key`.
#[utoipa::path(
    post, path = "/v1/account-adjustments/{id}/approval", tag = "accounts",
    security(("bearer" = ["accounts:adjust"])),
    params(("id" = Uuid, Path, description = "Adjustment id"),
           ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = DecisionBody,
    responses(
        (status = 200, description = "Approved and posted", body = AdjustmentView),
        (status = 403, description = "One's own request (`account.self_approval`) or no scope"),
        (status = 404, description = "No such adjustment"),
        (status = 409, description = "Already decided, the balance would go negative, or the account is closed"),
    )
)]
async fn approve_adjustment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Idempotent { request, body: DecisionBody {} }: Idempotent<DecisionBody>,
) -> Result<StoredResponse, Error> {
    Ledger::new(&state.core).approve_adjustment(&caller, id, &request).await
}

/// Reject an adjustment requested by someone else; nothing moves.
#[utoipa::path(
    post, path = "/v1/account-adjustments/{id}/rejection", tag = "accounts",
    security(("bearer" = ["accounts:adjust"])),
    params(("id" = Uuid, Path, description = "Adjustment id")),
    responses(
        (status = 200, description = "Rejected", body = AdjustmentView),
        (status = 403, description = "One's own request, or no scope"),
        (status = 404, description = "No such adjustment"),
        (status = 409, description = "Already decided"),
    )
)]
async fn reject_adjustment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> Result<Json<AdjustmentView>, Error> {
    Ok(Json(Ledger::new(&state.core).reject_adjustment(&caller, id).await?))
}
