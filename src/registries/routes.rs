//! `GET /v1/institutions` and `GET /v1/banks`: the registries channels need.

use super::Registries;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_institutions)).routes(routes!(list_banks))
}

/// A designated institution.
#[derive(Debug, Serialize, ToSchema)]
pub struct Institution {
    pub institution_code: String,
    pub name: String,
    /// `hospital` or `pharmacy`.
    pub kind: String,
    pub offers_activation: bool,
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
    let items = rows
        .into_iter()
        .map(|r| Institution {
            institution_code: r.institution_code,
            name: r.name,
            kind: r.kind,
            offers_activation: r.offers_activation,
        })
        .collect();
    Ok(Json(InstitutionList { items }))
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
