//! `POST /v1/settlements` (2207), `GET /v1/settlements/{setl_id}`,
//! `POST /v1/settlements/{setl_id}/reversal` (2208), and the consumption lists of a person.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::routes::{SettlementBody, SplitAmounts, parse};
use super::{Consumption, SettlementRow, Settlements};
use crate::domain::PersonNo;
use crate::persons::parse_person_no;
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::{Idempotent, Json, Path, Query, Replayable};
use crate::platform::http::paging::{Limit, check_days, hall_days, time_id_cursor};
use crate::remote::RemoteSettlementView;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(settle))
        .routes(routes!(get_settlement))
        .routes(routes!(reverse))
        .routes(routes!(reverse_by_message))
        .routes(routes!(own_consumptions))
        .routes(routes!(person_consumptions))
}

/// A settlement (national names); amounts are yuan with two decimals.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettlementView {
    pub setl_id: String,
    pub psn_no: String,
    /// The institution's code (`fixmedins_code`).
    pub fixmedins_code: String,
    #[schema(example = "郑州大学第一附属医院")]
    pub fixmedins_name: Option<String>,
    /// The institution's level: 1 一级, 2 二级, 3 三级.
    pub fixmedins_level: Option<i16>,
    pub msgid: String,
    pub mdtrt_cert_type: String,
    pub med_type: String,
    pub insutype: String,
    #[serde(flatten)]
    pub amounts: SplitAmounts,
    /// When it was settled (`setl_time`).
    pub setl_time: DateTime<Utc>,
    /// `settled` or `reversed`.
    pub state: String,
    pub reversed_at: Option<DateTime<Utc>>,
}

impl From<SettlementRow> for SettlementView {
    fn from(r: SettlementRow) -> Self {
        Self {
            setl_id: r.setl_id,
            psn_no: r.person_no.to_string(),
            fixmedins_code: r.institution_code,
            fixmedins_name: r.fixmedins_name,
            fixmedins_level: r.fixmedins_level,
            msgid: r.msgid,
            mdtrt_cert_type: r.mdtrt_cert_type,
            med_type: r.med_type,
            insutype: r.insutype,
            amounts: SplitAmounts {
                medfee_sumamt: r.medfee_sumamt,
                fulamt_ownpay_amt: r.fulamt_ownpay_amt,
                inscp_scp_amt: r.inscp_scp_amt,
                act_pay_dedc: r.act_pay_dedc,
                hifp_pay: r.fund_pay_sumamt,
                fund_pay_sumamt: r.fund_pay_sumamt,
                psn_part_amt: r.psn_part_amt,
                acct_pay: r.acct_pay,
                acct_mulaid_pay: r.acct_mulaid_pay,
                psn_cash_pay: r.psn_cash_pay,
                balc: r.balc,
            },
            setl_time: r.settled_at,
            state: r.state,
            reversed_at: r.reversed_at,
        }
    }
}

/// Settle a bill (2207); needs `Idempotency-Key` and the institution's `msgid`.
#[utoipa::path(
    post, path = "/v1/settlements", tag = "settlement", security(("bearer" = ["settlements:write"])),
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = SettlementBody,
    responses(
        (status = 201, description = "Settled", body = SettlementView),
        (status = 404, description = "`card.not_found`, `person.not_found`, `e_voucher.token_unknown`"),
        (status = 409, description = "`settlement.msgid_used`, `settlement.card_not_usable`, `account.insufficient_balance`; `e_voucher.token_used`, `e_voucher.token_expired`, `e_voucher.token_elsewhere`, `e_voucher.suspended`"),
        (status = 422, description = "`settlement.msgid`, `settlement.cert_type`, `e_voucher.token_format`, `settlement.bill`, `money.format`, `card.password_wrong`"),
        (status = 423, description = "`card.password_locked`"),
    )
)]
async fn settle(
    State(state): State<AppState>,
    caller: Caller,
    Idempotent { request, body }: Idempotent<SettlementBody>,
) -> Result<Replayable<SettlementView>, Error> {
    let msgid = msgid_of(body.msgid.as_deref())?;
    let parsed = parse(body, state.core.clock.today())?;
    let outcome = Settlements::new(&state.core).settle(&caller, parsed, &msgid, &request).await?;
    Ok(Replayable(StatusCode::CREATED, outcome.map(SettlementView::from)))
}

/// An institution's message id: 1–64 visible ASCII characters.
fn msgid_of(raw: Option<&str>) -> Result<String> {
    let msgid = raw.map(str::trim).unwrap_or_default();
    if (1..=64).contains(&msgid.len()) && msgid.bytes().all(|b| b.is_ascii_graphic()) {
        return Ok(msgid.to_owned());
    }
    Err(Error::invalid_field("settlement.msgid", "msgid", "a settlement names its msgid: 1 to 64 visible characters"))
}

/// A settlement (the institution that made it, or the hall).
#[utoipa::path(
    get, path = "/v1/settlements/{setl_id}", tag = "settlement", security(("bearer" = ["settlements:write"]), ("bearer" = ["persons:read"])),
    params(("setl_id" = String, Path, description = "Settlement id")),
    responses(
        (status = 200, description = "The settlement", body = SettlementView),
        (status = 404, description = "`settlement.not_found` (also another institution's)"),
    )
)]
async fn get_settlement(
    State(state): State<AppState>,
    caller: Caller,
    Path(setl_id): Path<String>,
) -> Result<Json<SettlementView>, Error> {
    Ok(Json(Settlements::new(&state.core.reading(&caller)).settlement(&caller, &setl_id).await?.into()))
}

/// A reversal; `msgid` is the institution's message id of the reversal itself.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReversalBody {
    pub msgid: Option<String>,
}

/// Reverse a settlement (2208, the institution that settled); needs `Idempotency-Key`.
#[utoipa::path(
    post, path = "/v1/settlements/{setl_id}/reversal", tag = "settlement", security(("bearer" = ["settlements:write"])),
    params(("setl_id" = String, Path, description = "Settlement id"),
           ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = ReversalBody,
    responses(
        (status = 200, description = "Reversed; the account payment is back", body = SettlementView),
        (status = 404, description = "`settlement.not_found` (also another institution's)"),
        (status = 409, description = "`settlement.already_reversed`, `settlement.account_closed` (the person transferred out since)"),
    )
)]
async fn reverse(
    State(state): State<AppState>,
    caller: Caller,
    Path(setl_id): Path<String>,
    Idempotent { request, body }: Idempotent<ReversalBody>,
) -> Result<Replayable<SettlementView>, Error> {
    let msgid = body.msgid.as_deref().map(|m| msgid_of(Some(m))).transpose()?;
    let outcome = Settlements::new(&state.core).reverse(&caller, &setl_id, msgid.as_deref(), &request).await?;
    Ok(Replayable(StatusCode::OK, outcome.map(SettlementView::from)))
}

/// A reversal by the institution's message id of the settlement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageReversalBody {
    /// The `msgid` of the settlement to reverse.
    pub omsgid: String,
    /// This reversal's own message id.
    pub msgid: Option<String>,
}

/// Reverse a settlement by its message id (2601): for when the institution never got the answer
/// to its settlement. Needs `Idempotency-Key`.
#[utoipa::path(
    post, path = "/v1/settlements/reversals", tag = "settlement", security(("bearer" = ["settlements:write"])),
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = MessageReversalBody,
    responses(
        (status = 200, description = "Reversed", body = SettlementView),
        (status = 404, description = "`settlement.nothing_to_reverse`: that message never settled"),
        (status = 409, description = "`settlement.already_reversed`, `settlement.account_closed` (the person transferred out since)"),
    )
)]
async fn reverse_by_message(
    State(state): State<AppState>,
    caller: Caller,
    Idempotent { request, body }: Idempotent<MessageReversalBody>,
) -> Result<Replayable<SettlementView>, Error> {
    let omsgid = msgid_of(Some(&body.omsgid))?;
    let msgid = body.msgid.as_deref().map(|m| msgid_of(Some(m))).transpose()?;
    let outcome =
        Settlements::new(&state.core).reverse_by_message(&caller, &omsgid, msgid.as_deref(), &request).await?;
    Ok(Replayable(StatusCode::OK, outcome.map(SettlementView::from)))
}

/// Date range and paging.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsumptionQuery {
    /// First day, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day, inclusive.
    pub to: Option<NaiveDate>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A page of consumption records, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsumptionPage {
    pub items: Vec<ConsumptionItem>,
    pub next_cursor: Option<String>,
    pub as_of: DateTime<Utc>,
}

/// One consumption record: `place` `local` (a settlement here, national names) or `remote`
/// (settled elsewhere: `setl_time` when, `recorded_at` when it arrived here).
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "place", rename_all = "snake_case")]
pub enum ConsumptionItem {
    Local(SettlementView),
    Remote(RemoteSettlementView),
}

impl From<Consumption> for ConsumptionItem {
    fn from(c: Consumption) -> Self {
        match c {
            Consumption::Local(row) => Self::Local(row.into()),
            Consumption::Remote(row) => Self::Remote(row.into()),
        }
    }
}

/// The session person's consumption here and elsewhere, newest first, within the channel's
/// look-back.
#[utoipa::path(
    get, path = "/v1/me/consumptions", tag = "me", security(("bearer" = ["self:read"])),
    params(ConsumptionQuery),
    responses(
        (status = 200, description = "A page", body = ConsumptionPage),
        (status = 422, description = "`me.lookback_exceeded`"),
    )
)]
async fn own_consumptions(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ConsumptionQuery>,
) -> Result<Json<ConsumptionPage>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let from = view.from_day(query.from)?;
    page(&state, &caller, &view.person_no, (from, query.to), &query).await
}

/// A person's consumption (hall).
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/consumptions", tag = "persons", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number"), ConsumptionQuery),
    responses(
        (status = 200, description = "A page", body = ConsumptionPage),
        (status = 404, description = "No such person"),
    )
)]
async fn person_consumptions(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Query(query): Query<ConsumptionQuery>,
) -> Result<Json<ConsumptionPage>, Error> {
    let person_no = parse_person_no(&person_no)?;
    page(&state, &caller, &person_no, hall_days(query.from, query.to), &query).await
}

async fn page(
    state: &AppState,
    caller: &Caller,
    person_no: &PersonNo,
    days: (NaiveDate, Option<NaiveDate>),
    query: &ConsumptionQuery,
) -> Result<Json<ConsumptionPage>> {
    let limit = Limit::parse(query.limit)?;
    check_days(days)?;
    let after = query.cursor.as_deref().map(time_id_cursor).transpose()?;
    let rows =
        Settlements::new(&state.core.reading(caller)).consumptions(person_no, days, after, limit.fetch()).await?;
    let (rows, next_cursor) = limit.page(rows, |r| {
        let (at, id) = r.key();
        format!("{}|{id}", at.to_rfc3339())
    });
    let items = rows.into_iter().map(Into::into).collect();
    Ok(Json(ConsumptionPage { items, next_cursor, as_of: state.core.clock.now() }))
}
