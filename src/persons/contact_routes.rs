//! `PATCH /v1/persons/{person_no}`: the hall corrects a person's contact data, with a reason.

use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::fields::{parse_address, parse_phone};
use super::routes::{PersonResponse, parse_person_no};
use super::{ContactChange, Disclosure, PersonRecord, Persons};
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(correct_contact))
}

/// Contact corrections; fields left out stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactCorrection {
    pub phone: Option<String>,
    /// Up to 200 characters; `""` clears it.
    pub address: Option<String>,
    /// Why (e.g. the person's request at the window, with the proof seen).
    pub reason: String,
}

/// Correct a person's phone or address at the hall; audited, the old values kept in the
/// contact history.
#[utoipa::path(
    patch, path = "/v1/persons/{person_no}", tag = "persons", security(("bearer" = ["persons:enrol"])),
    params(("person_no" = String, Path, description = "Person number")),
    request_body = ContactCorrection,
    responses(
        (status = 200, description = "Corrected", body = PersonResponse),
        (status = 404, description = "No such person"),
        (status = 409, description = "`person.transferred_out`: the record is read-only"),
        (status = 422, description = "Bad phone or address, nothing to change, or no reason"),
    )
)]
async fn correct_contact(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Json(body): Json<ContactCorrection>,
) -> Result<Json<PersonResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(Error::invalid_field("person.contact_reason", "reason", "a reason has 1 to 500 characters"));
    }
    let change = ContactChange {
        phone: body.phone.as_deref().map(|p| parse_phone(p, "phone")).transpose()?,
        address: body.address.as_deref().map(|a| parse_address(a, "address")).transpose()?,
    };
    let row = Persons::new(&state.core).correct_contact(caller.actor(), &person_no, &change, reason).await?;
    Ok(Json(PersonRecord { row, disclosure: Disclosure::for_principal(&caller) }.into()))
}
