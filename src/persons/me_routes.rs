//! `GET /v1/me`: the session person's own record, masked like any channel's view. Consumption is
//! the settlement context's, filings the remote context's.

use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::routes::PersonResponse;
use super::{Disclosure, PersonRecord, Persons};
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(me))
}

/// The session person, masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[serde(flatten)]
    pub person: PersonResponse,
    pub address: Option<String>,
    /// When this answer was made: our data is real-time on every channel.
    pub as_of: DateTime<Utc>,
}

/// The session person's own record (ID number and phone masked).
#[utoipa::path(
    get, path = "/v1/me", tag = "me", security(("bearer" = ["self:read"])),
    responses(
        (status = 200, description = "The person", body = MeResponse),
        (status = 403, description = "Not a person session"),
    )
)]
async fn me(State(state): State<AppState>, caller: Caller) -> Result<Json<MeResponse>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let row = Persons::new(&state.core.reading(&caller)).own_record(&view.person_no).await?;
    let address = row.address.clone();
    let person = PersonRecord { row, disclosure: Disclosure::Masked }.into();
    Ok(Json(MeResponse { person, address, as_of: view.as_of }))
}
