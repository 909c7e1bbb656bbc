//! The personal account: balance, entries, staff adjustments.

use super::Ledger;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::store::{EntryFilter, EntryRow};
use super::{Account, AdjustmentOutcome, AdjustmentState, EntryKind};
use crate::domain::{AdjustmentId, Money, PaymentId};
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Idempotent, Json, Path, Query, Replayable};
use crate::platform::http::paging::{Limit, id_cursor};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(account))
        .routes(routes!(entries))
        .routes(routes!(request_adjustment))
        .routes(routes!(approve_adjustment))
        .routes(routes!(reject_adjustment))
}

/// A personal account as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccountView {
    pub person_no: String,
    #[schema(value_type = String, example = "1024.00")]
    pub balance: Money,
    pub last_entry_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Whether arriving contributions are currently not credited.
    pub allocations_stopped: bool,
    /// `sealed` (封存: balance usable, no allocations) or `transferred_out` (account closed).
    pub allocations_stopped_reason: Option<&'static str>,
    /// Whether the account takes no more movements (transferred out).
    pub frozen: bool,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        Self {
            person_no: a.person_no.to_string(),
            balance: a.balance,
            last_entry_at: a.last_entry_at,
            allocations_stopped: a.allocations_stopped_reason.is_some(),
            allocations_stopped_reason: a.allocations_stopped_reason,
            frozen: a.frozen,
        }
    }
}

/// A ledger entry as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub kind: EntryKind,
    /// Signed: credits positive, debits negative.
    #[schema(value_type = String, example = "102.40")]
    pub amount: Money,
    #[schema(value_type = String, example = "1126.40")]
    pub balance_after: Money,
    pub period: Option<String>,
    #[schema(value_type = Option<Uuid>)]
    pub payment_id: Option<PaymentId>,
    pub reason: Option<String>,
    pub approver: Option<String>,
    pub actor_kind: String,
    pub actor_id: String,
    pub channel: String,
    pub request_id: Option<String>,
    /// When the entry was recorded; entries are numbered, and balances run, in this order.
    pub occurred_at: chrono::DateTime<chrono::Utc>,
    /// When the money moved at its source: the same as `occurred_at`, except for a remote
    /// settlement, which is paid elsewhere (`setl_time`) and recorded when it arrives, days later.
    pub value_at: chrono::DateTime<chrono::Utc>,
}

impl From<EntryRow> for EntryView {
    fn from(r: EntryRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            amount: r.amount,
            balance_after: r.balance_after,
            period: r.period,
            payment_id: r.payment_id,
            reason: r.reason,
            approver: r.approver,
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            channel: r.channel,
            request_id: r.request_id,
            occurred_at: r.occurred_at,
            value_at: r.value_at.unwrap_or(r.occurred_at),
        }
    }
}

/// An adjustment request as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdjustmentView {
    #[schema(value_type = Uuid)]
    pub adjustment_id: AdjustmentId,
    pub person_no: String,
    /// Signed: credits positive, debits negative.
    #[schema(value_type = String, example = "-3.50")]
    pub amount: Money,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// The last day it may be approved or rejected; after it, it expires.
    pub expires_on: chrono::NaiveDate,
    /// `pending`, `approved`, `rejected`, `expired` or `voided` (by a transfer out).
    pub state: AdjustmentState,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The ledger entry an approval posted.
    pub entry: Option<EntryView>,
}

impl From<AdjustmentOutcome> for AdjustmentView {
    fn from(outcome: AdjustmentOutcome) -> Self {
        let a = outcome.adjustment;
        Self {
            adjustment_id: a.adjustment_id,
            person_no: a.person_no.to_string(),
            amount: a.amount,
            reason: a.reason,
            requested_by: a.requested_by,
            requested_at: a.requested_at,
            expires_on: a.expires_on,
            state: a.state,
            decided_by: a.decided_by,
            decided_at: a.decided_at,
            entry: outcome.entry.map(Into::into),
        }
    }
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
    caller: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<AccountView>, Error> {
    Ok(Json(Ledger::new(&state.core.reading(&caller)).account(&parse_person_no(&person_no)?).await?.into()))
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
    caller: Caller,
    Path(person_no): Path<String>,
    Query(query): Query<EntryQuery>,
) -> Result<Json<EntryPage>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let limit = Limit::parse(query.limit)?;
    let before_id = id_cursor(query.cursor.as_deref())?;
    let filter = EntryFilter { person_no: &person_no, from: query.from, to: query.to, before_id, limit: limit.fetch() };
    let rows = Ledger::new(&state.core.reading(&caller)).account_entries(&filter).await?;
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
) -> Result<Replayable<AdjustmentView>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let amount = Money::parse(&body.amount).map_err(|e| Error::invalid_field("money.format", "amount", e))?;
    let outcome =
        Ledger::new(&state.core).request_adjustment(&caller, &person_no, amount, &body.reason, &request).await?;
    Ok(Replayable(StatusCode::CREATED, outcome.map(AdjustmentView::from)))
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
    Path(id): Path<AdjustmentId>,
    Idempotent { request, body: DecisionBody {} }: Idempotent<DecisionBody>,
) -> Result<Replayable<AdjustmentView>, Error> {
    let outcome = Ledger::new(&state.core).approve_adjustment(&caller, id, &request).await?;
    Ok(Replayable(StatusCode::OK, outcome.map(AdjustmentView::from)))
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
    Path(id): Path<AdjustmentId>,
) -> Result<Json<AdjustmentView>, Error> {
    Ok(Json(Ledger::new(&state.core).reject_adjustment(&caller, id).await?.into()))
}
