//! Contributions: the schedule per person, payments (banks, tax bureau), arrival (tax bureau)
//! and manual arrival (hall), and the contribution base.

use super::Contributions;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::contributions::store::contributions::ContributionRow;
use crate::contributions::{ArrivalKind, ContributionState, Payment, PaymentChannel, PaymentRequest, PaymentState};
use crate::domain::{Money, PaymentId, PersonNo};
use crate::persons::{Disclosure, PersonRecord};
use crate::persons::{PersonResponse, parse_person_no};
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Idempotent, Json, Path, Query, Replayable};
use crate::platform::http::paging::Limit;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(change_base))
        .routes(routes!(pay))
        .routes(routes!(arrival))
        .routes(routes!(manual_arrival))
}

/// One period's contribution.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionResponse {
    /// `YYYY-MM` (employees) or `YYYY` (residents).
    pub period: String,
    #[schema(value_type = Option<String>)]
    pub base: Option<Money>,
    #[schema(value_type = String)]
    pub employer_part: Money,
    #[schema(value_type = String)]
    pub personal_part: Money,
    #[schema(value_type = String)]
    pub amount_due: Money,
    /// What arrival credits to the personal account.
    #[schema(value_type = String)]
    pub allocation: Money,
    /// `due`, `paid` (awaiting arrival) or `arrived`.
    pub state: ContributionState,
    #[schema(value_type = Option<Uuid>)]
    pub payment_id: Option<PaymentId>,
    pub paid_at: Option<DateTime<Utc>>,
    pub paid_channel: Option<PaymentChannel>,
    pub arrived_at: Option<DateTime<Utc>>,
    /// `automatic` or `manual`.
    pub arrival_kind: Option<ArrivalKind>,
}

impl From<ContributionRow> for ContributionResponse {
    fn from(r: ContributionRow) -> Self {
        Self {
            period: r.period,
            base: r.base,
            employer_part: r.employer_part,
            personal_part: r.personal_part,
            amount_due: r.amount_due,
            allocation: r.allocation,
            state: r.state,
            payment_id: r.payment_id,
            paid_at: r.paid_at,
            paid_channel: r.paid_channel,
            arrived_at: r.arrived_at,
            arrival_kind: r.arrival_kind,
        }
    }
}

/// A payment as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PaymentView {
    #[schema(value_type = Uuid)]
    pub payment_id: PaymentId,
    pub person_no: String,
    pub periods: Vec<String>,
    #[schema(value_type = String, example = "512.00")]
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub channel: PaymentChannel,
    pub reference: String,
    /// `paid` (awaiting arrival) or `arrived`.
    pub state: PaymentState,
    pub arrived_at: Option<DateTime<Utc>>,
    /// `automatic` or `manual`.
    pub arrival_kind: Option<ArrivalKind>,
    pub receipt_no: Option<String>,
}

impl From<Payment> for PaymentView {
    fn from(p: Payment) -> Self {
        Self {
            payment_id: p.payment_id,
            person_no: p.person_no.to_string(),
            periods: p.periods,
            amount: p.amount,
            paid_at: p.paid_at,
            channel: p.channel,
            reference: p.reference,
            state: p.state,
            arrived_at: p.arrived_at,
            arrival_kind: p.arrival_kind,
            receipt_no: p.receipt_no,
        }
    }
}

/// A page of contributions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContributionPage {
    pub items: Vec<ContributionResponse>,
    pub next_cursor: Option<String>,
}

/// Range and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ContributionQuery {
    /// First period (`YYYY-MM` or `YYYY`), inclusive.
    pub from: Option<String>,
    /// Last period, inclusive.
    pub to: Option<String>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A payment from a bank or the tax bureau.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    pub person_no: String,
    /// The periods paid, e.g. `["2026-10"]` (residents: `["2026"]`).
    pub periods: Vec<String>,
    /// Exactly what the periods owe, e.g. `"512.00"`.
    pub amount: String,
    pub paid_at: DateTime<Utc>,
    /// `bank_withholding`, `tax_bureau` or `counter`.
    pub channel: String,
    /// The payer's own reference, unique per client.
    pub reference: String,
}

/// An arrival confirmation (the body may be empty).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalBody {}

/// A manual arrival.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ManualArrivalBody {
    /// The bank receipt number (银行缴费凭证).
    pub receipt_no: String,
}

/// A new contribution base.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BaseBody {
    #[schema(example = "7500.00")]
    pub contribution_base: String,
}

/// A person's contributions, oldest first.
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/contributions", tag = "contributions", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number"), ContributionQuery),
    responses(
        (status = 200, description = "A page", body = ContributionPage),
        (status = 400, description = "Bad range, limit or cursor"),
        (status = 404, description = "No such person"),
    )
)]
async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Query(query): Query<ContributionQuery>,
) -> Result<Json<ContributionPage>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let limit = Limit::parse(query.limit)?;
    for bound in [&query.from, &query.to, &query.cursor].into_iter().flatten() {
        if !is_period(bound) {
            return Err(Error::Malformed {
                code: "request.bad_query",
                detail: format!("{bound} is not YYYY-MM or YYYY"),
            });
        }
    }
    let range = (query.from.as_deref(), query.to.as_deref());
    let rows = Contributions::new(&state.core.reading(&caller))
        .contributions(&person_no, range, query.cursor.as_deref(), limit.fetch())
        .await?;
    let (rows, next_cursor) = limit.page(rows, |r| r.period.clone());
    Ok(Json(ContributionPage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
}

fn is_period(raw: &str) -> bool {
    crate::domain::Month::parse(raw).is_some() || (raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()))
}

/// Change an employee's contribution base (hall); unpaid months from this one are repriced.
#[utoipa::path(
    put, path = "/v1/persons/{person_no}/contribution-base", tag = "contributions",
    security(("bearer" = ["persons:enrol"])),
    params(("person_no" = String, Path, description = "Person number")),
    request_body = BaseBody,
    responses(
        (status = 200, description = "Changed", body = PersonResponse),
        (status = 404, description = "No such person"),
        (status = 422, description = "Out of range, or a resident"),
    )
)]
async fn change_base(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Json(body): Json<BaseBody>,
) -> Result<Json<PersonResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let base = Money::parse(&body.contribution_base)
        .map_err(|e| Error::invalid_field("money.format", "contribution_base", e))?;
    let row = Contributions::new(&state.core).change_contribution_base(&caller, &person_no, base).await?;
    Ok(Json(PersonRecord { row, disclosure: Disclosure::for_principal(&caller) }.into()))
}

/// Post a contribution payment (banks, tax bureau). Needs `Idempotency-Key`.
#[utoipa::path(
    post, path = "/v1/contribution-payments", tag = "contributions", security(("bearer" = ["contributions:pay"])),
    params(("Idempotency-Key" = String, Header, description = "Unique per request; a retry with the same key replays the answer")),
    request_body = PaymentBody,
    responses(
        (status = 201, description = "Recorded, awaiting arrival", body = PaymentView),
        (status = 400, description = "No Idempotency-Key, or malformed JSON"),
        (status = 404, description = "No such person"),
        (status = 409, description = "A period is already paid, or the reference was posted before"),
        (status = 422, description = "Unknown period, amount not exactly owed (`expected_amount`), key reused with another body"),
    )
)]
async fn pay(
    State(state): State<AppState>,
    caller: Caller,
    Idempotent { request, body }: Idempotent<PaymentBody>,
) -> Result<Replayable<PaymentView>, Error> {
    let person_no = PersonNo::parse(&body.person_no)
        .ok_or_else(|| Error::invalid_field("person.person_no", "person_no", "4101 followed by 12 digits"))?;
    let payment = PaymentRequest {
        person_no,
        periods: body.periods.iter().map(|p| p.trim().to_owned()).collect(),
        amount: Money::parse(&body.amount).map_err(|e| Error::invalid_field("money.format", "amount", e))?,
        paid_at: body.paid_at,
        channel: PaymentChannel::parse(&body.channel).ok_or_else(|| {
            Error::invalid_field("contribution.channel", "channel", "bank_withholding, tax_bureau or counter")
        })?,
        reference: body.reference.trim().to_owned(),
    };
    let outcome = Contributions::new(&state.core).pay_contribution(&caller, payment, &request).await?;
    Ok(Replayable(StatusCode::CREATED, outcome.map(PaymentView::from)))
}

/// Confirm a payment arrived (the tax bureau, or the bank that took it): credits the allocation
/// and may end arrears.
#[utoipa::path(
    post, path = "/v1/contribution-payments/{id}/arrival", tag = "contributions",
    security(("bearer" = ["contributions:arrive"])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = ArrivalBody,
    responses(
        (status = 200, description = "Arrived", body = PaymentView),
        (status = 404, description = "No such payment"),
        (status = 409, description = "Already arrived"),
    )
)]
async fn arrival(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<PaymentId>,
    Idempotent { request, body: ArrivalBody {} }: Idempotent<ArrivalBody>,
) -> Result<Replayable<PaymentView>, Error> {
    let outcome = Contributions::new(&state.core).confirm_arrival(&caller, id, &request).await?;
    Ok(Replayable(StatusCode::OK, outcome.map(PaymentView::from)))
}

/// Post a manual arrival with the bank receipt (hall supervisor), once the payment has gone
/// unarrived for more than 3 working days.
#[utoipa::path(
    post, path = "/v1/contribution-payments/{id}/manual-arrival", tag = "contributions",
    security(("bearer" = ["contributions:manual_arrival"])),
    params(("id" = Uuid, Path, description = "Payment id"),
           ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = ManualArrivalBody,
    responses(
        (status = 200, description = "Arrived (manual)", body = PaymentView),
        (status = 404, description = "No such payment"),
        (status = 409, description = "Already arrived, or not yet overdue (`manual_arrival_from`)"),
    )
)]
async fn manual_arrival(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<PaymentId>,
    Idempotent { request, body }: Idempotent<ManualArrivalBody>,
) -> Result<Replayable<PaymentView>, Error> {
    let outcome = Contributions::new(&state.core).manual_arrival(&caller, id, &body.receipt_no, &request).await?;
    Ok(Replayable(StatusCode::OK, outcome.map(PaymentView::from)))
}
