//! Filings over HTTP: filing and revocation by the person (`POST /v1/remote-filings`, their own
//! list and revocation under `/v1/me`) and by the hall; reads by number and by person; the
//! national platform's push (`PUT /v1/remote-filings/{filing_no}`), its confirmation of the ones
//! made here and the hall's pull (`POST …/sync`), and the open pull requests.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{FilingKind, FilingRow, FilingState, NationalFiling, NewFiling, RemoteFilings, Synced};
use crate::domain::{IdNumber, PersonName, Phone, ProofKind, RegionCode, Relationship, mask_id_number, mask_phone};
use crate::persons::parse_person_no;
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path, Query};
use crate::platform::http::paging::{Limit, check_days, hall_days, time_id_cursor};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(file))
        .routes(routes!(get_filing, push_national))
        .routes(routes!(sync))
        .routes(routes!(revoke))
        .routes(routes!(revoke_own))
        .routes(routes!(own_filings))
        .routes(routes!(person_filings))
        .routes(routes!(sync_requests))
}

/// Who filed for the person at the hall (代办).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingAgentBody {
    pub name: String,
    pub id_number: String,
    pub relationship: Relationship,
    pub proof: ProofKind,
}

/// A filing to make.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilingBody {
    /// The hall names the person; a person session files for its own person and omits it.
    pub person_no: Option<String>,
    pub kind: FilingKind,
    /// Where the person is treated: a 6-digit region code outside Zhengzhou.
    #[schema(example = "110105")]
    pub target_region: String,
    pub begin_date: NaiveDate,
    /// Temporary kinds default to six months; long-term kinds stay until changed.
    pub end_date: Option<NaiveDate>,
    #[schema(example = "13812345678")]
    pub contact_phone: String,
    /// The address there.
    pub address: String,
    /// Referral only: the referring Zhengzhou institution and the diagnosis.
    pub referral_institution: Option<String>,
    pub diagnosis: Option<String>,
    /// Hall only: who files for the person.
    pub agent: Option<FilingAgentBody>,
}

/// A filing; the phone (and an agent's ID number) masked unless the caller may read PII.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingResponse {
    pub filing_no: String,
    pub person_no: String,
    pub kind: FilingKind,
    pub kind_label: &'static str,
    pub long_term: bool,
    pub target_region: String,
    pub begin_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub state: FilingState,
    pub state_label: &'static str,
    /// `local` (filed here) or `national` (the national app, delivered by the national platform).
    pub source: String,
    pub contact_phone: String,
    pub address: String,
    pub referral_institution: Option<String>,
    pub diagnosis: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub agent: Option<serde_json::Value>,
    pub filed_at: DateTime<Utc>,
    pub effective_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
}

fn shaped(caller: &Caller, row: FilingRow) -> FilingResponse {
    let pii = caller.may_read_pii();
    let agent = row.agent.map(|mut agent| {
        if let (false, Some(id)) = (pii, agent.get("id_number").and_then(|v| v.as_str()).map(mask_id_number)) {
            agent["id_number"] = json!(id);
        }
        agent
    });
    FilingResponse {
        filing_no: row.filing_no,
        person_no: row.person_no.to_string(),
        kind: row.kind,
        kind_label: row.kind.label_zh(),
        long_term: row.kind.is_long_term(),
        target_region: row.target_region,
        begin_date: row.begin_date,
        end_date: row.end_date,
        state: row.state,
        state_label: row.state.label_zh(),
        source: row.source,
        contact_phone: if pii { row.contact_phone } else { mask_phone(&row.contact_phone) },
        address: row.address,
        referral_institution: row.referral_institution,
        diagnosis: row.diagnosis,
        agent,
        filed_at: row.filed_at,
        effective_at: row.effective_at,
        ended_at: row.ended_at,
        revocation_reason: row.revocation_reason,
    }
}

/// The particulars of a body, parsed.
fn particulars(body: FilingBody, today: NaiveDate) -> Result<(Option<String>, NewFiling)> {
    let target_region = RegionCode::parse_elsewhere(&body.target_region)
        .map_err(|e| Error::invalid_field("remote_filing.target_region", "target_region", e))?;
    let contact_phone =
        Phone::parse(&body.contact_phone).map_err(|e| Error::invalid_field("person.phone", "contact_phone", e))?;
    let address = body.address.trim().to_owned();
    if !(1..=200).contains(&address.chars().count()) {
        return Err(Error::invalid_field("remote_filing.address", "address", "an address has 1 to 200 characters"));
    }
    let agent = body.agent.map(|a| agent_record(a, today)).transpose()?;
    let text = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let new = NewFiling {
        kind: body.kind,
        target_region,
        begin_date: body.begin_date,
        end_date: body.end_date,
        contact_phone,
        address,
        referral_institution: text(body.referral_institution),
        diagnosis: text(body.diagnosis),
        agent,
    };
    Ok((body.person_no, new))
}

fn agent_record(agent: FilingAgentBody, today: NaiveDate) -> Result<serde_json::Value> {
    let id =
        IdNumber::parse(&agent.id_number, today).map_err(|e| Error::invalid_field(e.code(), "agent.id_number", e))?;
    let name = PersonName::parse(&agent.name).map_err(|e| Error::invalid_field("person.name", "agent.name", e))?;
    if !agent.relationship.accepted_proofs().contains(&agent.proof) {
        return Err(Error::invalid_field(
            "remote_filing.agent_proof",
            "agent.proof",
            "this document does not prove that relation",
        ));
    }
    Ok(
        json!({ "name": name.as_str(), "id_number": id.as_str(), "relationship": agent.relationship, "proof": agent.proof }),
    )
}

/// File a remote-treatment filing: in a 豫事办 or national-app person session for oneself, or at
/// the hall for `person_no` (with `agent` when someone files for them). It is `filed` until the
/// national platform confirms it.
#[utoipa::path(
    post, path = "/v1/remote-filings", tag = "remote treatment", security(("bearer" = ["remote_filings:write"])),
    request_body = FilingBody,
    responses(
        (status = 201, description = "Filed", body = FilingResponse),
        (status = 404, description = "`person.not_found`"),
        (status = 409, description = "`remote_filing.overlap` (names the filing), `person.transferred_out`"),
        (status = 422, description = "`remote_filing.target_region`, `remote_filing.end_before_begin`, `remote_filing.begin_date`, `remote_filing.referral_details`, `remote_filing.person_no`, `remote_filing.address`, `remote_filing.agent_proof`, `person.phone`"),
    )
)]
async fn file(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<FilingBody>,
) -> Result<(StatusCode, Json<FilingResponse>), Error> {
    let (person_no, new) = particulars(body, state.core.clock.today())?;
    if caller.person.is_some() && new.agent.is_some() {
        return Err(Error::invalid_field("remote_filing.agent", "agent", "only the hall records an agent"));
    }
    let person_no = person_no
        .as_deref()
        .map(|p| {
            parse_person_no(p).map_err(|_| {
                Error::invalid_field("remote_filing.person_no", "person_no", "a person number has 16 digits")
            })
        })
        .transpose()?;
    let row = RemoteFilings::new(&state.core).file(&caller, person_no, new).await?;
    Ok((StatusCode::CREATED, Json(shaped(&caller, row))))
}

/// One filing by its number (hall, national platform). A number not here answers 404
/// `remote_filing.not_synchronised`, whose detail tells staff how to pull it.
#[utoipa::path(
    get, path = "/v1/remote-filings/{filing_no}", tag = "remote treatment", security(("bearer" = ["persons:read", "remote_filings:sync"])),
    params(("filing_no" = String, Path, description = "Filing number")),
    responses(
        (status = 200, description = "The filing", body = FilingResponse),
        (status = 404, description = "`remote_filing.not_synchronised`"),
        (status = 422, description = "`remote_filing.number`"),
    )
)]
async fn get_filing(
    State(state): State<AppState>,
    caller: Caller,
    Path(filing_no): Path<String>,
) -> Result<Json<FilingResponse>, Error> {
    let filing_no = parse_filing_no(&filing_no)?;
    Ok(Json(shaped(&caller, RemoteFilings::new(&state.core).filing(&filing_no).await?)))
}

/// A filing number: 1 to 40 ASCII letters and digits.
fn parse_filing_no(raw: &str) -> Result<String> {
    let raw = raw.trim();
    if (1..=40).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Ok(raw.to_ascii_uppercase());
    }
    Err(Error::invalid_field("remote_filing.number", "filing_no", "a filing number has 1 to 40 letters and digits"))
}

/// A filing made in the national app, as the national platform holds it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalFilingBody {
    /// The person's ID number.
    pub id_number: String,
    #[serde(flatten)]
    pub filing: NationalParticulars,
    /// When it was filed in the national app.
    pub filed_at: DateTime<Utc>,
    /// Set when the filing was revoked there.
    pub revocation_reason: Option<String>,
}

/// The particulars of a national filing.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NationalParticulars {
    pub kind: FilingKind,
    pub target_region: String,
    pub begin_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub contact_phone: String,
    pub address: String,
    pub referral_institution: Option<String>,
    pub diagnosis: Option<String>,
}

/// Deliver (or re-deliver, changed) a filing made in the national app (national platform). It
/// is effective here from now on; a pull request for it is answered.
#[utoipa::path(
    put, path = "/v1/remote-filings/{filing_no}", tag = "remote treatment", security(("bearer" = ["remote_filings:sync"])),
    params(("filing_no" = String, Path, description = "The national filing number")),
    request_body = NationalFilingBody,
    responses(
        (status = 201, description = "Received", body = FilingResponse),
        (status = 200, description = "Changed", body = FilingResponse),
        (status = 404, description = "`person.not_found`"),
        (status = 409, description = "`remote_filing.not_national`"),
        (status = 422, description = "`remote_filing.number` and the particulars' codes as for `POST /v1/remote-filings`"),
    )
)]
async fn push_national(
    State(state): State<AppState>,
    caller: Caller,
    Path(filing_no): Path<String>,
    Json(body): Json<NationalFilingBody>,
) -> Result<(StatusCode, Json<FilingResponse>), Error> {
    let today = state.core.clock.today();
    let filing_no = parse_filing_no(&filing_no)?;
    let id_number =
        IdNumber::parse(&body.id_number, today).map_err(|e| Error::invalid_field(e.code(), "id_number", e))?;
    let p = body.filing;
    let local = FilingBody {
        person_no: None,
        kind: p.kind,
        target_region: p.target_region,
        begin_date: p.begin_date,
        end_date: p.end_date,
        contact_phone: p.contact_phone,
        address: p.address,
        referral_institution: p.referral_institution,
        diagnosis: p.diagnosis,
        agent: None,
    };
    let (_, filing) = particulars(local, today)?;
    let revoked = body.revocation_reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
    let pushed = NationalFiling { filing_no, id_number, filing, revoked, filed_at: body.filed_at };
    let (row, created) = RemoteFilings::new(&state.core).receive_national(&caller, pushed).await?;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(shaped(&caller, row))))
}

/// A pull request the hall made for a filing not here yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRequested {
    pub filing_no: String,
    /// `sync_requested`: the national platform delivers it on its next sync.
    pub state: &'static str,
}

/// Confirm a filing synchronised (national platform for the filings made here; the hall after
/// checking): `filed` → `effective`. For a number not here yet, the hall's call asks the
/// national platform to deliver it (202).
#[utoipa::path(
    post, path = "/v1/remote-filings/{filing_no}/sync", tag = "remote treatment", security(("bearer" = ["remote_filings:write", "remote_filings:sync"])),
    params(("filing_no" = String, Path, description = "Filing number")),
    responses(
        (status = 200, description = "Effective", body = FilingResponse),
        (status = 202, description = "Not here yet: pull requested", body = SyncRequested),
        (status = 404, description = "`remote_filing.not_synchronised` (national platform, unknown number)"),
        (status = 409, description = "`remote_filing.ended`"),
        (status = 422, description = "`remote_filing.number`"),
    )
)]
async fn sync(State(state): State<AppState>, caller: Caller, Path(filing_no): Path<String>) -> Result<Response, Error> {
    let filing_no = parse_filing_no(&filing_no)?;
    Ok(match RemoteFilings::new(&state.core).sync(&caller, &filing_no).await? {
        Synced::Filing(row) => Json(shaped(&caller, *row)).into_response(),
        Synced::Requested { filing_no } => {
            (StatusCode::ACCEPTED, Json(SyncRequested { filing_no, state: "sync_requested" })).into_response()
        }
    })
}

/// A reason for the file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevocationBody {
    /// Required at the hall; optional for the person.
    pub reason: Option<String>,
}

/// Revoke a filing at the hall (with a reason), at any time while it stands.
#[utoipa::path(
    post, path = "/v1/remote-filings/{filing_no}/revocation", tag = "remote treatment", security(("bearer" = ["remote_filings:write"])),
    params(("filing_no" = String, Path, description = "Filing number")),
    request_body = RevocationBody,
    responses(
        (status = 200, description = "Revoked", body = FilingResponse),
        (status = 404, description = "`remote_filing.not_synchronised`"),
        (status = 409, description = "`remote_filing.ended`"),
        (status = 422, description = "`remote_filing.reason_text`, `remote_filing.number`"),
    )
)]
async fn revoke(
    State(state): State<AppState>,
    caller: Caller,
    Path(filing_no): Path<String>,
    Json(body): Json<RevocationBody>,
) -> Result<Json<FilingResponse>, Error> {
    let filing_no = parse_filing_no(&filing_no)?;
    let row = RemoteFilings::new(&state.core).revoke(&caller, &filing_no, body.reason.as_deref()).await?;
    Ok(Json(shaped(&caller, row)))
}

/// Revoke one's own filing, before any settlement was made under it.
#[utoipa::path(
    post, path = "/v1/me/remote-filings/{filing_no}/revocation", tag = "me", security(("bearer" = ["remote_filings:write"])),
    params(("filing_no" = String, Path, description = "Filing number")),
    request_body = RevocationBody,
    responses(
        (status = 200, description = "Revoked", body = FilingResponse),
        (status = 404, description = "`remote_filing.not_synchronised` (also for another person's)"),
        (status = 409, description = "`remote_filing.ended`, `remote_filing.used`"),
        (status = 422, description = "`remote_filing.number`"),
    )
)]
async fn revoke_own(
    State(state): State<AppState>,
    caller: Caller,
    Path(filing_no): Path<String>,
    Json(body): Json<RevocationBody>,
) -> Result<Json<FilingResponse>, Error> {
    revoke(State(state), caller, Path(filing_no), Json(body)).await
}

/// A page of filings.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingPage {
    pub items: Vec<FilingResponse>,
    pub next_cursor: Option<String>,
    pub as_of: DateTime<Utc>,
}

/// Paging of a filing list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilingQuery {
    /// Filings that stood on or after this day (the person's own list: within the look-back).
    pub from: Option<NaiveDate>,
    /// Filings filed by this day.
    pub to: Option<NaiveDate>,
    /// 1–200, default 50.
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The session person's filings, newest first.
#[utoipa::path(
    get, path = "/v1/me/remote-filings", tag = "me", security(("bearer" = ["self:read"])),
    params(FilingQuery),
    responses(
        (status = 200, description = "A page", body = FilingPage),
        (status = 422, description = "`me.lookback_exceeded`"),
    )
)]
async fn own_filings(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<FilingQuery>,
) -> Result<Json<FilingPage>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let from = view.from_day(query.from)?;
    page(&state, &caller, &view.person_no, (from, query.to), &query).await
}

/// A person's filings, newest first (hall).
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/remote-filings", tag = "remote treatment", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number"), FilingQuery),
    responses(
        (status = 200, description = "A page", body = FilingPage),
        (status = 404, description = "`person.not_found`"),
    )
)]
async fn person_filings(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Query(query): Query<FilingQuery>,
) -> Result<Json<FilingPage>, Error> {
    let person_no = parse_person_no(&person_no)?;
    page(&state, &caller, &person_no, hall_days(query.from, query.to), &query).await
}

async fn page(
    state: &AppState,
    caller: &Caller,
    person_no: &crate::domain::PersonNo,
    days: (NaiveDate, Option<NaiveDate>),
    query: &FilingQuery,
) -> Result<Json<FilingPage>> {
    let limit = Limit::parse(query.limit)?;
    check_days(days)?;
    let after = query.cursor.as_deref().map(time_id_cursor).transpose()?;
    let rows =
        RemoteFilings::new(&state.core.reading(caller)).filings_of(person_no, days, after, limit.fetch()).await?;
    let (rows, next_cursor) = limit.page(rows, |r| format!("{}|{}", r.filed_at.to_rfc3339(), r.filing_no));
    let items = rows.into_iter().map(|r| shaped(caller, r)).collect();
    Ok(Json(FilingPage { items, next_cursor, as_of: state.core.clock.now() }))
}

/// A page of open pull requests, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRequestPage {
    pub items: Vec<SyncRequestResponse>,
    pub next_cursor: Option<String>,
}

/// An open pull request.
#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRequestResponse {
    pub filing_no: String,
    pub requested_at: DateTime<Utc>,
}

/// The hall's open pull requests, oldest first (national platform): answer each by delivering
/// the filing with `PUT /v1/remote-filings/{filing_no}`.
#[utoipa::path(
    get, path = "/v1/remote-filings/sync-requests", tag = "remote treatment", security(("bearer" = ["remote_filings:sync"])),
    params(FilingQuery),
    responses((status = 200, description = "Open requests", body = SyncRequestPage))
)]
async fn sync_requests(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<FilingQuery>,
) -> Result<Json<SyncRequestPage>, Error> {
    let limit = Limit::parse(query.limit)?;
    let after = query.cursor.as_deref().map(time_id_cursor).transpose()?;
    let open = RemoteFilings::new(&state.core).sync_requests(after, limit.fetch()).await?;
    let (open, next_cursor) = limit.page(open, |(filing_no, at)| format!("{}|{filing_no}", at.to_rfc3339()));
    let items =
        open.into_iter().map(|(filing_no, requested_at)| SyncRequestResponse { filing_no, requested_at }).collect();
    Ok(Json(SyncRequestPage { items, next_cursor }))
}
