//! `POST /v1/bindings`, the person's own bindings under `/v1/me/bindings`, and the hall's view
//! of a person's bindings.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::sessions::SessionResponse;
use crate::auth::fence::FenceIssued;
use crate::cards::parse_card_no;
use crate::domain::BindingId;
use crate::persons::fields::{parse_id_number, parse_name, parse_phone};
use crate::persons::parse_person_no;
use crate::platform::caller::{Caller, OwnView};
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};
use crate::sessions::{BindingRequest, BindingRow, ChannelUserRef, Sessions};
use crate::sms::PresentedCode;

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(bind))
        .routes(routes!(own_bindings))
        .routes(routes!(unbind_own))
        .routes(routes!(person_bindings))
        .routes(routes!(remove_binding))
}

/// What a person presents to bind this channel's account.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BindingBody {
    pub id_number: String,
    pub name: String,
    /// The number of a card of this person that is not lost, replaced, expired or damaged.
    #[schema(example = "A58570797")]
    pub card_no: String,
    /// The phone on record; the SMS code (purpose `binding`) was sent to it.
    pub phone: String,
    pub sms_code: String,
    /// The channel's reference of its user, e.g. the WeChat openid.
    pub channel_user_ref: String,
}

/// A binding of a channel account to a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingView {
    #[schema(value_type = Uuid)]
    pub binding_id: BindingId,
    pub person_no: String,
    /// The client kind of the channel.
    pub channel: String,
    pub channel_user_ref: String,
    pub bound_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    /// `unbound`, `replaced`, `removed_by_hall` or `transferred_out`.
    pub end_reason: Option<String>,
}

impl From<BindingRow> for BindingView {
    fn from(b: BindingRow) -> Self {
        Self {
            binding_id: b.binding_id,
            person_no: b.person_no.to_string(),
            channel: b.channel,
            channel_user_ref: b.channel_user_ref,
            bound_at: b.bound_at,
            ended_at: b.ended_at,
            end_reason: b.end_reason,
        }
    }
}

/// A binding and the session it opened.
#[derive(Serialize, ToSchema)]
pub struct BoundResponse {
    pub binding: BindingView,
    pub session: SessionResponse,
}

/// Bind this channel's account to a person and open a person session.
///
/// ID number, name and card must match the person on record (one error, `binding.identity_mismatch`,
/// whichever is wrong), the phone must be the one on record, and the SMS code (purpose `binding`)
/// must have been sent to it. Failed attempts are audited and limited per ID number and per client.
#[utoipa::path(
    post, path = "/v1/bindings", tag = "person sessions", security(("bearer" = ["person_sessions:open"])),
    request_body = BindingBody,
    responses(
        (status = 201, description = "Bound", body = BoundResponse),
        (status = 200, description = "This account was already bound to this person; a new session", body = BoundResponse),
        (status = 403, description = "`binding.channel_not_allowed` for channels that do not bind"),
        (status = 409, description = "`binding.ref_taken` or `session.person_transferred_out`"),
        (status = 422, description = "`binding.identity_mismatch`, `binding.phone_not_on_record`, an SMS code refusal, or a bad field"),
        (status = 429, description = "`binding.too_many_failures` or `sms.code_checks_exhausted`"),
    )
)]
async fn bind(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<BindingBody>,
) -> Result<(StatusCode, Extension<FenceIssued>, Json<BoundResponse>), Error> {
    let today = state.core.clock.today();
    let request = BindingRequest {
        id_number: parse_id_number(&body.id_number, "id_number", today)?,
        name: parse_name(&body.name, "name")?,
        card_no: parse_card_no(&body.card_no)?,
        phone: parse_phone(&body.phone, "phone")?,
        sms_code: PresentedCode::parse(&body.sms_code)?,
        channel_user_ref: ChannelUserRef::parse(&body.channel_user_ref)?,
    };
    let bound = Sessions::new(&state.core).bind(&caller, &request).await?;
    let status = if bound.created { StatusCode::CREATED } else { StatusCode::OK };
    let fence = FenceIssued::part_for(&bound.session.token);
    Ok((status, fence, Json(BoundResponse { binding: bound.binding.into(), session: bound.session.into() })))
}

/// A person's bindings, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingList {
    pub items: Vec<BindingView>,
    /// When this answer was made (our data is real-time).
    pub as_of: Option<DateTime<Utc>>,
}

/// The session person's bindings, active and ended, newest first; other channels' user
/// references are shown as `****`.
#[utoipa::path(
    get, path = "/v1/me/bindings", tag = "me", security(("bearer" = ["self:read"])),
    responses((status = 200, description = "The bindings", body = BindingList))
)]
async fn own_bindings(State(state): State<AppState>, caller: Caller) -> Result<Json<BindingList>, Error> {
    let view = OwnView::of(&caller, &state.core)?;
    let rows = Sessions::new(&state.core.reading(&caller)).bindings_of(&view.person_no).await?;
    // Another channel's reference of its user (e.g. a WeChat openid) is that channel's business.
    let shown = |b: BindingRow| {
        let own = b.client_id == caller.client_id;
        let mut view: BindingView = b.into();
        if !own {
            view.channel_user_ref = "****".to_owned();
        }
        view
    };
    Ok(Json(BindingList { items: rows.into_iter().map(shown).collect(), as_of: Some(view.as_of) }))
}

/// Unbind one of the session person's bindings; sessions opened through it end.
#[utoipa::path(
    delete, path = "/v1/me/bindings/{binding_id}", tag = "me", security(("bearer" = ["self:contact"])),
    params(("binding_id" = Uuid, Path, description = "Binding id")),
    responses(
        (status = 200, description = "Ended", body = BindingView),
        (status = 404, description = "`binding.not_found` (also for another person's binding)"),
        (status = 409, description = "`binding.ended`"),
    )
)]
async fn unbind_own(
    State(state): State<AppState>,
    caller: Caller,
    Path(binding_id): Path<Uuid>,
) -> Result<Json<BindingView>, Error> {
    let ended = Sessions::new(&state.core).unbind_own(&caller, BindingId(binding_id)).await?;
    Ok(Json(ended.into()))
}

/// A person's bindings (hall).
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/bindings", tag = "person sessions", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses(
        (status = 200, description = "The bindings", body = BindingList),
        (status = 404, description = "No such person"),
    )
)]
async fn person_bindings(
    State(state): State<AppState>,
    _admitted: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<BindingList>, Error> {
    let rows = Sessions::new(&state.core).bindings_of(&parse_person_no(&person_no)?).await?;
    Ok(Json(BindingList { items: rows.into_iter().map(Into::into).collect(), as_of: None }))
}

/// Why the hall removes a binding.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemovalBody {
    pub reason: String,
}

/// Remove a person's binding at the hall, with the reason; sessions opened through it end.
#[utoipa::path(
    delete, path = "/v1/persons/{person_no}/bindings/{binding_id}", tag = "person sessions",
    security(("bearer" = ["bindings:manage"])),
    params(("person_no" = String, Path, description = "Person number"), ("binding_id" = Uuid, Path, description = "Binding id")),
    request_body = RemovalBody,
    responses(
        (status = 200, description = "Ended", body = BindingView),
        (status = 404, description = "`binding.not_found`"),
        (status = 409, description = "`binding.ended`"),
        (status = 422, description = "`binding.reason` missing"),
    )
)]
async fn remove_binding(
    State(state): State<AppState>,
    caller: Caller,
    Path((person_no, binding_id)): Path<(String, Uuid)>,
    Json(body): Json<RemovalBody>,
) -> Result<Json<BindingView>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let reason = body.reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid_field("binding.reason", "reason", "say why the binding is removed"));
    }
    let ended = Sessions::new(&state.core).remove_binding(&caller, &person_no, BindingId(binding_id), reason).await?;
    Ok(Json(ended.into()))
}
