//! Enrolment and hall status changes over HTTP.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Employer, Enrolment, Enrolments};
use crate::domain::{CreditCode, IdNumber, InsuranceType, Money, PersonName, Phone, RegionCode};
use crate::persons::StatusRequest;
use crate::persons::{
    EmployerBody, InsuredStatus, PersonResponse, TransitionResponse, parse_money_field, parse_person_no,
};
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(enrol)).routes(routes!(transition))
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

/// The outcome of a transition.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOutcome {
    pub transition: TransitionResponse,
    pub person: PersonResponse,
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
    caller: Caller,
    Json(body): Json<EnrolRequest>,
) -> Result<(StatusCode, Json<PersonResponse>), Error> {
    let enrolment = parse_enrolment(body, state.core.clock.today())?;
    let record = Enrolments::new(&state.core).enrol_person(&caller, enrolment).await?;
    Ok((StatusCode::CREATED, Json(record.into())))
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
    caller: Caller,
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
    let outcome = Enrolments::new(&state.core).change_status(&caller, &person_no, request).await?;
    let body = TransitionOutcome { transition: outcome.entry.into(), person: outcome.person.into() };
    Ok((StatusCode::CREATED, Json(body)))
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
