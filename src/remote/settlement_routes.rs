//! Remote settlements over HTTP: the national platform's delivery (`POST /v1/remote-settlements`),
//! the hall's lists (`?state=exception` is the clearing-exception list) and a row's resolution.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::RemoteSettlements;
use super::clearing::Resolution;
use super::settlements::{DeliveredRow, RowOutcome};
use super::settlements_store::RemoteRow;
use crate::domain::{MedType, Money, RegionCode};
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::{Idempotent, Json, Path, Query, Replayable};
use crate::platform::http::paging::{Limit, time_id_cursor};

/// Rows a delivery may carry.
const MAX_ROWS: usize = 500;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(deliver, list)).routes(routes!(get_row)).routes(routes!(resolve))
}

/// One settlement made elsewhere (national names; amounts in yuan with two decimals).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveredRowBody {
    /// The national settlement serial number: the same row twice is one effect.
    pub setl_sn: String,
    pub psn_no: String,
    /// Where it was settled: a region code outside Zhengzhou.
    #[schema(example = "110105")]
    pub treating_region: String,
    pub fixmedins_code: String,
    pub fixmedins_name: String,
    pub setl_time: DateTime<Utc>,
    pub med_type: MedType,
    pub medfee_sumamt: String,
    pub fund_pay_sumamt: String,
    pub acct_pay: String,
    pub psn_cash_pay: String,
    /// The filing the treating region settled under, if it named one.
    pub filing_no: Option<String>,
}

/// A delivery of remote settlements (1–500 rows).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryBody {
    pub rows: Vec<DeliveredRowBody>,
}

/// What became of each row, in the order delivered.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryResponse {
    pub results: Vec<RowOutcome>,
}

/// A remote settlement.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemoteSettlementView {
    pub setl_sn: String,
    pub psn_no: String,
    pub treating_region: String,
    pub fixmedins_code: String,
    pub fixmedins_name: String,
    /// When it was settled there.
    pub setl_time: DateTime<Utc>,
    /// When it arrived here.
    pub recorded_at: DateTime<Utc>,
    pub med_type: String,
    #[schema(value_type = String)]
    pub medfee_sumamt: Money,
    #[schema(value_type = String)]
    pub fund_pay_sumamt: Money,
    #[schema(value_type = String)]
    pub acct_pay: Money,
    #[schema(value_type = String)]
    pub psn_cash_pay: Money,
    pub filing_no: Option<String>,
    pub filing_covered: bool,
    /// `posted`, `exception` or `resolved`.
    pub state: String,
    /// `posted_late` or `recovered_elsewhere`.
    pub resolution: Option<String>,
    pub resolution_note: Option<String>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl From<RemoteRow> for RemoteSettlementView {
    fn from(r: RemoteRow) -> Self {
        Self {
            setl_sn: r.setl_sn,
            psn_no: r.person_no.to_string(),
            treating_region: r.treating_region,
            fixmedins_code: r.fixmedins_code,
            fixmedins_name: r.fixmedins_name,
            setl_time: r.setl_time,
            recorded_at: r.recorded_at,
            med_type: r.med_type,
            medfee_sumamt: r.medfee_sumamt,
            fund_pay_sumamt: r.fund_pay_sumamt,
            acct_pay: r.acct_pay,
            psn_cash_pay: r.psn_cash_pay,
            filing_no: r.filing_no,
            filing_covered: r.filing_covered,
            state: r.state,
            resolution: r.resolution,
            resolution_note: r.resolution_note,
            resolved_at: r.resolved_at,
        }
    }
}

/// Deliver settlements made elsewhere (national platform); needs `Idempotency-Key`. Each row is
/// answered: `posted`, `exception` (the balance did not cover its account part), `duplicate` or
/// `refused` with a `code`. A malformed row refuses the whole delivery (422 naming `row`).
#[utoipa::path(
    post, path = "/v1/remote-settlements", tag = "remote treatment", security(("bearer" = ["remote_settlements:post"])),
    params(("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = DeliveryBody,
    responses(
        (status = 200, description = "Each row's outcome", body = DeliveryResponse),
        (status = 422, description = "`remote_settlement.rows`, `remote_settlement.split`, `remote_settlement.setl_sn`, `remote_settlement.setl_time`, `remote_settlement.institution`, `remote_settlement.treating_region`, `money.format`, `person.number`"),
    )
)]
async fn deliver(
    State(state): State<AppState>,
    caller: Caller,
    Idempotent { request, body }: Idempotent<DeliveryBody>,
) -> Result<Replayable<DeliveryResponse>, Error> {
    if body.rows.is_empty() || body.rows.len() > MAX_ROWS {
        return Err(Error::invalid_field("remote_settlement.rows", "rows", "a delivery carries 1 to 500 rows"));
    }
    let now = state.core.clock.now();
    let rows = body
        .rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| parse_row(row, now).map_err(|e| e.with_param("row", i)))
        .collect::<Result<Vec<_>>>()?;
    let outcome = RemoteSettlements::new(&state.core).receive(&caller, rows, &request).await?;
    Ok(Replayable(StatusCode::OK, outcome.map(|results| DeliveryResponse { results })))
}

fn parse_row(row: DeliveredRowBody, now: DateTime<Utc>) -> Result<DeliveredRow> {
    let code_like =
        |raw: &str| (1..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !code_like(row.setl_sn.trim()) {
        return Err(Error::invalid_field("remote_settlement.setl_sn", "setl_sn", "1 to 64 letters, digits or dashes"));
    }
    let named = |raw: &str| (1..=100).contains(&raw.trim().chars().count());
    if !code_like(row.fixmedins_code.trim()) || !named(&row.fixmedins_name) {
        return Err(Error::invalid_field(
            "remote_settlement.institution",
            "fixmedins_code",
            "the institution's code and name",
        ));
    }
    if row.setl_time > now + chrono::Duration::minutes(5) {
        return Err(Error::invalid_field(
            "remote_settlement.setl_time",
            "setl_time",
            "a settlement delivered cannot be in the future",
        ));
    }
    let treating_region = RegionCode::parse_elsewhere(&row.treating_region)
        .map_err(|e| Error::invalid_field("remote_settlement.treating_region", "treating_region", e))?;
    let money = |raw: &str, field: &str| match Money::parse(raw) {
        Ok(amount) if amount.is_negative() => {
            Err(Error::invalid_field("money.format", field, "an amount is not negative"))
        }
        Ok(amount) => Ok(amount),
        Err(e) => Err(Error::invalid_field("money.format", field, e)),
    };
    let (total, fund) = (money(&row.medfee_sumamt, "medfee_sumamt")?, money(&row.fund_pay_sumamt, "fund_pay_sumamt")?);
    let (acct, cash) = (money(&row.acct_pay, "acct_pay")?, money(&row.psn_cash_pay, "psn_cash_pay")?);
    if fund + acct + cash != total {
        return Err(Error::invalid_field(
            "remote_settlement.split",
            "medfee_sumamt",
            "medfee_sumamt = fund_pay_sumamt + acct_pay + psn_cash_pay",
        ));
    }
    let filing_no = row.filing_no.map(|f| f.trim().to_ascii_uppercase()).filter(|f| !f.is_empty());
    Ok(DeliveredRow {
        setl_sn: row.setl_sn.trim().to_owned(),
        psn_no: parse_person_no(&row.psn_no)?,
        treating_region: treating_region.as_str().to_owned(),
        fixmedins_code: row.fixmedins_code.trim().to_owned(),
        fixmedins_name: row.fixmedins_name.trim().to_owned(),
        setl_time: row.setl_time,
        med_type: row.med_type,
        medfee_sumamt: total,
        fund_pay_sumamt: fund,
        acct_pay: acct,
        psn_cash_pay: cash,
        filing_no,
    })
}

/// The state and paging of a list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RemoteListQuery {
    /// `exception` (the clearing-exception list), `posted` or `resolved`.
    pub state: String,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// A page of remote settlements, oldest recorded first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RemotePage {
    pub items: Vec<RemoteSettlementView>,
    pub next_cursor: Option<String>,
}

/// Remote settlements in a state (hall): `?state=exception` is the clearing-exception list.
#[utoipa::path(
    get, path = "/v1/remote-settlements", tag = "remote treatment", security(("bearer" = ["persons:read"])),
    params(RemoteListQuery),
    responses(
        (status = 200, description = "A page", body = RemotePage),
        (status = 400, description = "`request.bad_query`"),
    )
)]
async fn list(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<RemoteListQuery>,
) -> Result<Json<RemotePage>, Error> {
    let wanted = query.state.trim();
    if !matches!(wanted, "exception" | "posted" | "resolved") {
        return Err(Error::Malformed {
            code: "request.bad_query",
            detail: "state is exception, posted or resolved".into(),
        });
    }
    let limit = Limit::parse(query.limit)?;
    let after = query.cursor.as_deref().map(time_id_cursor).transpose()?;
    let rows = RemoteSettlements::new(&state.core).in_state(wanted, after, limit.fetch()).await?;
    let (rows, next_cursor) = limit.page(rows, |r| format!("{}|{}", r.recorded_at.to_rfc3339(), r.setl_sn));
    Ok(Json(RemotePage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
}

/// One remote settlement (hall, national platform).
#[utoipa::path(
    get, path = "/v1/remote-settlements/{setl_sn}", tag = "remote treatment", security(("bearer" = ["persons:read", "remote_settlements:post"])),
    params(("setl_sn" = String, Path, description = "The national settlement serial number")),
    responses(
        (status = 200, description = "The row", body = RemoteSettlementView),
        (status = 404, description = "`remote_settlement.not_found`"),
    )
)]
async fn get_row(
    State(state): State<AppState>,
    _caller: Caller,
    Path(setl_sn): Path<String>,
) -> Result<Json<RemoteSettlementView>, Error> {
    Ok(Json(RemoteSettlements::new(&state.core).row(setl_sn.trim()).await?.into()))
}

/// How the hall resolves an exception.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolutionBody {
    pub resolution: Resolution,
    /// What was done, for the file (1–500 characters).
    pub note: String,
}

/// Resolve a clearing exception (supervisor, with `Idempotency-Key`): post the account part now,
/// or record that it was recovered elsewhere.
#[utoipa::path(
    post, path = "/v1/remote-settlements/{setl_sn}/resolution", tag = "remote treatment", security(("bearer" = ["accounts:adjust"])),
    params(("setl_sn" = String, Path, description = "The national settlement serial number"), ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = ResolutionBody,
    responses(
        (status = 200, description = "Resolved", body = RemoteSettlementView),
        (status = 404, description = "`remote_settlement.not_found`"),
        (status = 409, description = "`remote_settlement.not_an_exception`, `account.insufficient_balance`"),
        (status = 422, description = "`remote_settlement.note`"),
    )
)]
async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(setl_sn): Path<String>,
    Idempotent { request, body }: Idempotent<ResolutionBody>,
) -> Result<Replayable<RemoteSettlementView>, Error> {
    let outcome = RemoteSettlements::new(&state.core)
        .resolve(&caller, setl_sn.trim(), (body.resolution, &body.note), &request)
        .await?;
    Ok(Replayable(StatusCode::OK, outcome.map(Into::into)))
}
