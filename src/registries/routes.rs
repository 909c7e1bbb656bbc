//! `GET /v1/institutions` and `GET /v1/banks`: the registries channels need; `POST
//! /v1/institutions` (admin) registers a designated institution.

use super::institutions::InstitutionRow;
use super::{InstitutionLevel, NewInstitution, Registries};
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_institutions, create_institution)).routes(routes!(list_banks))
}

/// A designated institution.
#[derive(Debug, Serialize, ToSchema)]
pub struct Institution {
    pub institution_code: String,
    pub name: String,
    /// `hospital` or `pharmacy`.
    pub kind: String,
    pub offers_activation: bool,
    /// 1, 2 or 3.
    #[schema(value_type = i16, minimum = 1, maximum = 3)]
    pub level: InstitutionLevel,
    /// 一级 / 二级 / 三级.
    pub level_label: &'static str,
    pub region_code: String,
}

impl From<InstitutionRow> for Institution {
    fn from(r: InstitutionRow) -> Self {
        let level = InstitutionLevel::new(r.level).unwrap_or(InstitutionLevel::new(1).expect("1 is a level"));
        Self {
            institution_code: r.institution_code,
            name: r.name,
            kind: r.kind,
            offers_activation: r.offers_activation,
            level,
            level_label: level.label_zh(),
            region_code: r.region_code,
        }
    }
}

/// A designated institution to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInstitutionBody {
    /// 2 to 20 letters and digits, e.g. the national institution code.
    #[schema(example = "H41010500001")]
    pub institution_code: String,
    pub name: String,
    /// `hospital` or `pharmacy`.
    pub kind: String,
    #[serde(default)]
    pub offers_activation: bool,
    /// 1, 2 or 3 (一级, 二级, 三级).
    #[schema(value_type = i16, minimum = 1, maximum = 3)]
    pub level: InstitutionLevel,
    /// Zhengzhou region code (4101xx).
    pub region_code: String,
}

/// An issuing bank.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bank {
    pub bank_code: String,
    pub name: String,
    /// `immediate` or `next_working_day`.
    pub activation_effect: String,
}

/// Institutions.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstitutionList {
    pub items: Vec<Institution>,
}

/// Banks.
#[derive(Debug, Serialize, ToSchema)]
pub struct BankList {
    pub items: Vec<Bank>,
}

/// Designated institutions and whether they activate cards.
#[utoipa::path(
    get, path = "/v1/institutions", tag = "registries", security(("bearer" = [])),
    responses((status = 200, description = "Institutions", body = InstitutionList), (status = 401, description = "No token"))
)]
async fn list_institutions(State(state): State<AppState>, caller: Caller) -> Result<Json<InstitutionList>, Error> {
    let rows = Registries::new(&state.core).institutions(&caller).await?;
    Ok(Json(InstitutionList { items: rows.into_iter().map(Into::into).collect() }))
}

/// Register a designated hospital or pharmacy (admin).
#[utoipa::path(
    post, path = "/v1/institutions", tag = "registries", security(("bearer" = ["clients:manage"])),
    request_body = NewInstitutionBody,
    responses(
        (status = 201, description = "Registered", body = Institution),
        (status = 409, description = "`institution.code_taken`"),
        (status = 422, description = "Bad code, name, kind, level or region"),
    )
)]
async fn create_institution(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewInstitutionBody>,
) -> Result<(StatusCode, Json<Institution>), Error> {
    let new = NewInstitution {
        code: body.institution_code,
        name: body.name,
        kind: body.kind,
        offers_activation: body.offers_activation,
        level: body.level,
        region_code: body.region_code,
    };
    let row = Registries::new(&state.core).create_institution(caller.actor(), new).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Issuing banks and when their activations take effect.
#[utoipa::path(
    get, path = "/v1/banks", tag = "registries", security(("bearer" = [])),
    responses((status = 200, description = "Banks", body = BankList), (status = 401, description = "No token"))
)]
async fn list_banks(State(state): State<AppState>, caller: Caller) -> Result<Json<BankList>, Error> {
    let rows = Registries::new(&state.core).banks(&caller).await?;
    let items = rows
        .into_iter()
        .map(|r| Bank { bank_code: r.bank_code, name: r.name, activation_effect: r.activation_effect })
        .collect();
    Ok(Json(BankList { items }))
}
