//! Insured persons over HTTP: reading one, lookup by ID number, and the status history.

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Persons;
use super::history::StatusEntryRow;
use crate::domain::{Gender, IdNumber, InsuranceType, Money, PersonNo, RegionCode, mask_id_number, mask_phone};
use crate::persons::InsuredStatus;
use crate::persons::{Disclosure, PersonRecord};
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path, Query};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(lookup)).routes(routes!(get_person)).routes(routes!(history))
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
            insurance_type: row.insurance_type,
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
    caller: Caller,
    Query(query): Query<LookupQuery>,
) -> Result<Json<PersonList>, Error> {
    let id_number = IdNumber::parse(&query.id_number, state.core.clock.today())
        .map_err(|e| Error::invalid_field(e.code(), "id_number", e))?;
    let found = Persons::new(&state.core).find_person_by_id_number(&caller, &id_number).await?;
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
    caller: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<PersonResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let record = Persons::new(&state.core).person(&caller, &person_no).await?;
    Ok(Json(record.into()))
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

/// The status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionList {
    pub items: Vec<TransitionResponse>,
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
    _admitted: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<TransitionList>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let rows = Persons::new(&state.core).status_history(&person_no).await?;
    Ok(Json(TransitionList { items: rows.into_iter().map(Into::into).collect() }))
}

/// A person number from a path, or 400.
pub fn parse_person_no(raw: &str) -> Result<PersonNo, Error> {
    PersonNo::parse(raw).ok_or_else(|| Error::Malformed {
        code: "request.bad_path",
        detail: "a person number is 4101 followed by 12 digits".into(),
    })
}

/// An optional amount field, or 422 naming it.
pub fn parse_money_field(raw: Option<&str>, field: &str) -> Result<Option<Money>, Error> {
    raw.map(|r| Money::parse(r).map_err(|e| Error::invalid_field("money.format", field, e))).transpose()
}
