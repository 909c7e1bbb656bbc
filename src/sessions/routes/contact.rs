//! `PATCH /v1/me/contact`: the person changes their own phone (confirmed by an SMS code sent
//! to the new phone) or address.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::persons::fields::{parse_address, parse_phone};
use crate::persons::{ContactChange, Disclosure, PersonRecord, PersonResponse};
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;
use crate::sessions::Sessions;
use crate::sms::PresentedCode;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(change_contact))
}

/// A contact change; fields left out stay as they are.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnContactChange {
    /// The new phone; needs `sms_code`, a `phone_change` code sent to this new phone.
    pub phone: Option<String>,
    pub sms_code: Option<String>,
    /// Up to 200 characters; `""` clears it.
    pub address: Option<String>,
}

/// The person after the change, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnContact {
    #[serde(flatten)]
    pub person: PersonResponse,
    pub address: Option<String>,
    pub as_of: DateTime<Utc>,
}

/// Change one's own phone or address.
#[utoipa::path(
    patch, path = "/v1/me/contact", tag = "me", security(("bearer" = ["self:contact"])),
    request_body = OwnContactChange,
    responses(
        (status = 200, description = "Changed", body = OwnContact),
        (status = 403, description = "`session.stronger_sign_in_required`: a phone change in a session opened by binding"),
        (status = 422, description = "Bad phone or address, a phone without its code, or an SMS code refusal"),
        (status = 429, description = "`sms.code_checks_exhausted`"),
    )
)]
async fn change_contact(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<OwnContactChange>,
) -> Result<Json<OwnContact>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let change = ContactChange {
        phone: body.phone.as_deref().map(|p| parse_phone(p, "phone")).transpose()?,
        address: body.address.as_deref().map(|a| parse_address(a, "address")).transpose()?,
    };
    let code = body.sms_code.as_deref().map(PresentedCode::parse).transpose()?;
    let row = Sessions::new(&state.core).change_own_contact(&caller, &change, code.as_ref()).await?;
    let address = row.address.clone();
    let person = PersonRecord { row, disclosure: Disclosure::Masked }.into();
    Ok(Json(OwnContact { person, address, as_of: view.as_of }))
}
