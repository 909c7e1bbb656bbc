//! Insured persons: enrolment, reading, lookup by ID number, and status transitions.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{Json, Path, Query, RequestId};
use crate::auth::Principal;
use crate::domain::{
    CreditCode, Gender, IdNumber, InsuranceType, InsuredStatus, Money, PersonName, PersonNo, Phone, RegionCode,
    mask_id_number, mask_phone,
};
use crate::error::Error;
use crate::services::persons::{Disclosure, Employer, Enrolment, PersonRecord};
use crate::services::status::StatusRequest;
use crate::storage::status_history::StatusEntryRow;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(enrol, lookup)).routes(routes!(get_person)).routes(routes!(transition, history))
}

/// Enrolment of an insured person by hall staff.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// 18-character citizen ID number (GB 11643).
    #[schema(example = "11010519491231002X")]
    pub id_number: String,
    #[schema(example = "张三")]
    pub name: String,
    /// Mainland mobile number.
    #[schema(example = "13812345678")]
    pub phone: String,
    /// `310` employee or `390` resident insurance.
    #[schema(example = "310")]
    pub insurance_type: String,
    /// Insured region in Zhengzhou (4101xx).
    #[schema(example = "410105")]
    pub region_code: String,
    /// Required for `310`, refused for `390`.
    pub employer: Option<EmployerBody>,
    /// For a transfer in (转接) of someone new here: the region (outside Zhengzhou) they come from.
    pub transferred_in_from: Option<String>,
    /// Monthly contribution base (缴费基数) for `310`, e.g. `"6000.00"`; refused for `390`.
    #[schema(example = "6000.00")]
    pub contribution_base: Option<String>,
    /// With `transferred_in_from`, for `310`: the personal-account balance carried over.
    #[schema(example = "1520.30")]
    pub carried_over_balance: Option<String>,
}

/// An employer.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerBody {
    /// Unified social credit code (GB 32100).
    #[schema(example = "91410100MA44XXXX0X")]
    pub credit_code: String,
    pub name: String,
}

/// An insured person. ID number and phone are masked unless the reader holds `pii:read`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonResponse {
    pub person_no: String,
    #[schema(example = "410105********1234")]
    pub id_number: String,
    pub name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    #[schema(example = "138****5678")]
    pub phone: String,
    pub insurance_type: InsuranceType,
    pub region_code: String,
    pub region_name: Option<&'static str>,
    pub employer: Option<EmployerBody>,
    pub status: InsuredStatus,
    /// 正常 / 欠费 / 封存 / 转出.
    pub status_label: &'static str,
    /// National code: 1 正常参保, 2 暂停参保, 4 终止参保.
    pub psn_insu_stas: &'static str,
    pub benefits_suspended_from: Option<NaiveDate>,
    /// The other region of the last transfer (target when out, source when in).
    pub other_region: Option<String>,
    pub enrolled_at: DateTime<Utc>,
    pub status_changed_at: DateTime<Utc>,
    /// Employees' monthly contribution base.
    #[schema(value_type = Option<String>, example = "6000.00")]
    pub contribution_base: Option<Money>,
    /// `masked` or `full`.
    pub pii: &'static str,
}

impl From<PersonRecord> for PersonResponse {
    fn from(record: PersonRecord) -> Self {
        let row = record.row;
        let full = record.disclosure == Disclosure::Full;
        let region_name = RegionCode::parse_zhengzhou(&row.region_code).ok().and_then(|r| r.zhengzhou_name());
        Self {
            person_no: row.person_no.to_string(),
            id_number: if full { row.id_number } else { mask_id_number(&row.id_number) },
            name: row.name,
            gender: row.gender,
            birth_date: row.birth_date,
            phone: if full { row.phone } else { mask_phone(&row.phone) },
            insurance_type: InsuranceType::parse(&row.insurance_type).unwrap_or(InsuranceType::Resident),
            region_code: row.region_code,
            region_name,
            employer: row
                .employer_credit_code
                .zip(row.employer_name)
                .map(|(credit_code, name)| EmployerBody { credit_code, name }),
            status: row.status,
            status_label: row.status.label_zh(),
            psn_insu_stas: row.status.psn_insu_stas(),
            benefits_suspended_from: row.benefits_suspended_from,
            other_region: row.other_region,
            enrolled_at: row.enrolled_at,
            status_changed_at: row.status_changed_at,
            contribution_base: row.contribution_base,
            pii: if full { "full" } else { "masked" },
        }
    }
}

/// A list of persons.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonList {
    pub items: Vec<PersonResponse>,
}

/// Exact lookup.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    /// The full 18-character ID number.
    pub id_number: String,
}

/// Enrol an insured person.
#[utoipa::path(
    post, path = "/v1/persons", tag = "persons", security(("bearer" = ["persons:enrol"])),
    request_body = EnrolRequest,
    responses(
        (status = 201, description = "Enrolled", body = PersonResponse),
        (status = 400, description = "Malformed JSON"),
        (status = 403, description = "Missing `persons:enrol`"),
        (status = 409, description = "ID number already enrolled (`person.id_number_taken`)"),
        (status = 422, description = "A field breaks a rule (bad ID number, phone, region, employer...)"),
    )
)]
async fn enrol(
    State(state): State<AppState>,
    principal: Principal,
    RequestId(request_id): RequestId,
    Json(body): Json<EnrolRequest>,
) -> Result<(StatusCode, Json<PersonResponse>), Error> {
    let enrolment = parse_enrolment(body, state.services.clock.today())?;
    let record = state.services.enrol_person(&principal, request_id, enrolment).await?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// Look a person up by ID number (exact match; zero or one item).
#[utoipa::path(
    get, path = "/v1/persons", tag = "persons", security(("bearer" = ["persons:read"])),
    params(LookupQuery),
    responses(
        (status = 200, description = "Matches", body = PersonList),
        (status = 422, description = "Not a valid ID number"),
    )
)]
async fn lookup(
    State(state): State<AppState>,
    principal: Principal,
    RequestId(request_id): RequestId,
    Query(query): Query<LookupQuery>,
) -> Result<Json<PersonList>, Error> {
    let id_number = IdNumber::parse(&query.id_number, state.services.clock.today())
        .map_err(|e| Error::invalid_field(e.code(), "id_number", e))?;
    let found = state.services.find_person_by_id_number(&principal, request_id, &id_number).await?;
    Ok(Json(PersonList { items: found.into_iter().map(Into::into).collect() }))
}

/// Read one person.
#[utoipa::path(
    get, path = "/v1/persons/{person_no}", tag = "persons", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses(
        (status = 200, description = "The person", body = PersonResponse),
        (status = 404, description = "No such person"),
    )
)]
async fn get_person(
    State(state): State<AppState>,
    principal: Principal,
    RequestId(request_id): RequestId,
    Path(person_no): Path<String>,
) -> Result<Json<PersonResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let record = state.services.person(&principal, request_id, &person_no).await?;
    Ok(Json(record.into()))
}

/// A requested change of insured status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// Target status: `normal`, `sealed`, `transferred_out` (hall); `in_arrears` follows contributions.
    pub to: String,
    /// Seal: `employment_ended`, `retired`; unseal: `contributions_resumed`, `new_employer`;
    /// transfer out: `relocation`, `new_employer_elsewhere`; transfer in: `transfer_in`.
    pub reason_code: String,
    /// Free text for the file.
    pub reason: String,
    /// Transfer out: the region (outside Zhengzhou) the person moves to.
    pub target_region: Option<String>,
    /// Transfer in from `transferred_out`: the region the person comes back from.
    pub source_region: Option<String>,
    /// Transfer in of an employee: the personal-account balance carried over, e.g. `"880.00"`.
    pub carried_over_balance: Option<String>,
}

/// One row of the status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionResponse {
    pub id: i64,
    /// `null` for the enrolment row.
    pub from: Option<InsuredStatus>,
    pub to: InsuredStatus,
    pub to_label: &'static str,
    pub psn_insu_stas: &'static str,
    pub reason_code: String,
    pub reason: String,
    pub other_region: Option<String>,
    /// `staff`, `client` or `system`.
    pub actor_kind: String,
    pub actor_id: String,
    pub client_id: Option<String>,
    pub channel: String,
    pub request_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub effective_date: NaiveDate,
}

impl From<StatusEntryRow> for TransitionResponse {
    fn from(row: StatusEntryRow) -> Self {
        Self {
            id: row.id,
            from: row.from_status,
            to: row.to_status,
            to_label: row.to_status.label_zh(),
            psn_insu_stas: row.to_status.psn_insu_stas(),
            reason_code: row.reason_code,
            reason: row.reason,
            other_region: row.other_region,
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            client_id: row.client_id,
            channel: row.channel,
            request_id: row.request_id,
            occurred_at: row.occurred_at,
            effective_date: row.effective_date,
        }
    }
}

/// The outcome of a transition.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOutcome {
    pub transition: TransitionResponse,
    pub person: PersonResponse,
}

/// The status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionList {
    pub items: Vec<TransitionResponse>,
}

/// Change a person's insured status (seal, unseal, transfer out, transfer in).
#[utoipa::path(
    post, path = "/v1/persons/{person_no}/status-transitions", tag = "persons",
    security(("bearer" = ["persons:status"])),
    params(("person_no" = String, Path, description = "Person number")),
    request_body = TransitionRequest,
    responses(
        (status = 201, description = "Changed", body = TransitionOutcome),
        (status = 404, description = "No such person"),
        (status = 409, description = "Illegal from the current status (`status.illegal_transition`, `current_status` named) or system-only"),
        (status = 422, description = "Unknown status, reason code not allowed, region missing or wrong"),
    )
)]
async fn transition(
    State(state): State<AppState>,
    principal: Principal,
    RequestId(request_id): RequestId,
    Path(person_no): Path<String>,
    Json(body): Json<TransitionRequest>,
) -> Result<(StatusCode, Json<TransitionOutcome>), Error> {
    let person_no = parse_person_no(&person_no)?;
    let to = InsuredStatus::parse(body.to.trim()).ok_or_else(|| {
        Error::invalid_field("status.unknown", "to", "one of normal, in_arrears, sealed, transferred_out")
    })?;
    let request = StatusRequest {
        to,
        reason_code: body.reason_code.trim().to_owned(),
        reason: body.reason,
        target_region: body.target_region,
        source_region: body.source_region,
        carried_over_balance: parse_money_field(body.carried_over_balance.as_deref(), "carried_over_balance")?,
    };
    let outcome = state.services.change_status(&principal, request_id, &person_no, request).await?;
    let body = TransitionOutcome { transition: outcome.entry.into(), person: outcome.person.into() };
    Ok((StatusCode::CREATED, Json(body)))
}

/// A person's status history, oldest first (the first row is the enrolment or transfer in).
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/status-transitions", tag = "persons",
    security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses(
        (status = 200, description = "History", body = TransitionList),
        (status = 404, description = "No such person"),
    )
)]
async fn history(
    State(state): State<AppState>,
    principal: Principal,
    Path(person_no): Path<String>,
) -> Result<Json<TransitionList>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let rows = state.services.status_history(&principal, &person_no).await?;
    Ok(Json(TransitionList { items: rows.into_iter().map(Into::into).collect() }))
}

/// A person number from a path, or 400.
pub fn parse_person_no(raw: &str) -> Result<PersonNo, Error> {
    PersonNo::parse(raw).ok_or_else(|| Error::Malformed {
        code: "request.bad_path",
        detail: "a person number is 4101 followed by 12 digits".into(),
    })
}

/// Turns the raw body into a parsed enrolment, naming the first bad field.
fn parse_enrolment(body: EnrolRequest, today: NaiveDate) -> Result<Enrolment, Error> {
    let field = |code: &'static str, name: &str, err: &dyn std::fmt::Display| Error::invalid_field(code, name, err);
    let employer = body
        .employer
        .map(|e| -> Result<Employer, Error> {
            let credit_code =
                CreditCode::parse(&e.credit_code).map_err(|err| field(err.code(), "employer.credit_code", &err))?;
            let name = PersonName::parse(&e.name)
                .map_err(|err| field("person.employer_name", "employer.name", &err))?
                .as_str()
                .to_owned();
            Ok(Employer { credit_code, name })
        })
        .transpose()?;
    Ok(Enrolment {
        id_number: IdNumber::parse(&body.id_number, today).map_err(|e| field(e.code(), "id_number", &e))?,
        name: PersonName::parse(&body.name).map_err(|e| field("person.name", "name", &e))?,
        phone: Phone::parse(&body.phone).map_err(|e| field("person.phone", "phone", &e))?,
        insurance_type: InsuranceType::parse(&body.insurance_type)
            .ok_or_else(|| field("person.insurance_type", "insurance_type", &"310 or 390"))?,
        region: RegionCode::parse_zhengzhou(&body.region_code).map_err(|e| field(e.code(), "region_code", &e))?,
        employer,
        transferred_in_from: body
            .transferred_in_from
            .map(|r| RegionCode::parse_elsewhere(&r).map_err(|e| field(e.code(), "transferred_in_from", &e)))
            .transpose()?,
        contribution_base: parse_money_field(body.contribution_base.as_deref(), "contribution_base")?,
        carried_over_balance: parse_money_field(body.carried_over_balance.as_deref(), "carried_over_balance")?
            .unwrap_or(Money::ZERO),
    })
}

/// An optional amount field, or 422 naming it.
pub fn parse_money_field(raw: Option<&str>, field: &str) -> Result<Option<Money>, Error> {
    raw.map(|r| Money::parse(r).map_err(|e| Error::invalid_field("money.format", field, e))).transpose()
}
