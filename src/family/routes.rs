//! Family bindings over HTTP: the person's side under `/v1/me/family-members` (豫事办, national
//! app) and the hall's under `/v1/persons/{person_no}/family-members`.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::store::{BindingRow, PaymentRow};
use super::{BindingState, Families, FamilyRelation, NewBinding};
use crate::domain::{IdNumber, Money, PersonNo, ProofKind, REASON_RULE, mask_name, reason_text};
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::{Idempotent, Json, Path, Replayable};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(own_bindings, request_binding))
        .routes(routes!(confirm))
        .routes(routes!(unbind_own))
        .routes(routes!(set_order))
        .routes(routes!(payments))
        .routes(routes!(person_bindings, bind_at_hall))
        .routes(routes!(unbind_at_hall))
        .routes(routes!(confirm_at_hall))
        .routes(routes!(pay_contribution))
}

/// A binding as one side sees it; the other side's name masked.
#[derive(Debug, Serialize, ToSchema)]
pub struct BindingResponse {
    pub binding_id: Uuid,
    /// `holder` or `relative`: the side of the person the answer is for.
    pub role: &'static str,
    pub holder_person_no: String,
    pub relative_person_no: String,
    /// What the relative is to the holder.
    pub relationship: FamilyRelation,
    pub state: BindingState,
    pub state_label: &'static str,
    /// The relative's order among their holders (1 pays first).
    pub priority: i32,
    pub requested_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub unbound_at: Option<DateTime<Utc>>,
}

fn shaped(row: BindingRow, for_person: &PersonNo) -> BindingResponse {
    BindingResponse {
        binding_id: row.binding_id,
        role: if row.holder_person_no == *for_person { "holder" } else { "relative" },
        holder_person_no: row.holder_person_no.to_string(),
        relative_person_no: row.relative_person_no.to_string(),
        relationship: row.relationship,
        state: row.state,
        state_label: row.state.label_zh(),
        priority: row.priority,
        requested_at: row.requested_at,
        confirmed_at: row.confirmed_at,
        unbound_at: row.unbound_at,
    }
}

fn session_person(caller: &Caller) -> Result<PersonNo> {
    Ok(caller.person_session()?.person_no.clone())
}

/// The session person's live family bindings, as holder and as relative.
#[utoipa::path(
    get, path = "/v1/me/family-members", tag = "me", security(("bearer" = ["self:read"])),
    responses((status = 200, description = "The bindings", body = Vec<BindingResponse>))
)]
async fn own_bindings(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<BindingResponse>>, Error> {
    let me = session_person(&caller)?;
    let rows = Families::new(&state.core.reading(&caller)).bindings_of(&me).await?;
    Ok(Json(rows.into_iter().map(|r| shaped(r, &me)).collect()))
}

/// A relative to bind, as the holder names them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelativeBody {
    pub relative_id_number: String,
    pub relative_name: String,
    /// What the relative is to the holder.
    pub relationship: FamilyRelation,
}

/// Bind a near relative insured here (the session person is the holder): `requested` until the
/// relative confirms.
#[utoipa::path(
    post, path = "/v1/me/family-members", tag = "me", security(("bearer" = ["family:write"])),
    request_body = RelativeBody,
    responses(
        (status = 201, description = "Requested", body = BindingResponse),
        (status = 404, description = "`family.relative_not_found`"),
        (status = 409, description = "`family.too_many`, `family.already_bound`, `family.holder_without_account`, `person.transferred_out`"),
        (status = 422, description = "`family.self`, `id_number.*`"),
    )
)]
async fn request_binding(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<RelativeBody>,
) -> Result<(StatusCode, Json<BindingResponse>), Error> {
    let me = session_person(&caller)?;
    let id = IdNumber::parse(&body.relative_id_number, state.core.clock.today())
        .map_err(|e| Error::invalid_field(e.code(), "relative_id_number", e))?;
    let families = Families::new(&state.core);
    let relative = families.find_relative(&id, &body.relative_name).await?;
    let new = NewBinding { holder: me.clone(), relative, relationship: body.relationship, proof: None };
    let row = families.bind(&caller, new).await?;
    Ok((StatusCode::CREATED, Json(shaped(row, &me))))
}

/// Confirm a binding in which the session person is the relative.
#[utoipa::path(
    post, path = "/v1/me/family-members/{binding_id}/confirmation", tag = "me", security(("bearer" = ["family:write"])),
    params(("binding_id" = Uuid, Path, description = "Binding id")),
    responses(
        (status = 200, description = "Active", body = BindingResponse),
        (status = 404, description = "`family.not_found` (also when the session person is the holder)"),
        (status = 409, description = "`family.not_requested`"),
    )
)]
async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(binding_id): Path<Uuid>,
) -> Result<Json<BindingResponse>, Error> {
    let me = session_person(&caller)?;
    Ok(Json(shaped(Families::new(&state.core).confirm(&caller, binding_id, None).await?, &me)))
}

/// End a binding, from either side.
#[utoipa::path(
    delete, path = "/v1/me/family-members/{binding_id}", tag = "me", security(("bearer" = ["family:write"])),
    params(("binding_id" = Uuid, Path, description = "Binding id")),
    responses(
        (status = 200, description = "Unbound", body = BindingResponse),
        (status = 404, description = "`family.not_found`"),
        (status = 409, description = "`family.unbound`"),
    )
)]
async fn unbind_own(
    State(state): State<AppState>,
    caller: Caller,
    Path(binding_id): Path<Uuid>,
) -> Result<Json<BindingResponse>, Error> {
    let me = session_person(&caller)?;
    let row = Families::new(&state.core).unbind(&caller, binding_id, None, "by_person").await?;
    Ok(Json(shaped(row, &me)))
}

/// The order in which a relative's holders pay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    /// Every live binding in which the session person is the relative, first payer first.
    pub binding_ids: Vec<Uuid>,
}

/// Set the order in which one's holders pay (the session person as relative).
#[utoipa::path(
    put, path = "/v1/me/family-members/order", tag = "me", security(("bearer" = ["family:write"])),
    request_body = OrderBody,
    responses(
        (status = 200, description = "The bindings in their new order", body = Vec<BindingResponse>),
        (status = 422, description = "`family.order`"),
    )
)]
async fn set_order(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<OrderBody>,
) -> Result<Json<Vec<BindingResponse>>, Error> {
    let me = session_person(&caller)?;
    let rows = Families::new(&state.core).set_order(&caller, &body.binding_ids).await?;
    let mut rows: Vec<BindingResponse> = rows.into_iter().map(|r| shaped(r, &me)).collect();
    rows.sort_by_key(|r| r.priority);
    Ok(Json(rows))
}

/// One mutual-aid payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    /// The settlement it paid part of, or (`period`) the resident contribution year it paid.
    pub setl_id: Option<String>,
    pub period: Option<String>,
    #[schema(value_type = String)]
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    /// When a reversal gave it back to the holder.
    pub returned_at: Option<DateTime<Utc>>,
}

/// What a holder paid for a relative through one binding.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentsResponse {
    pub binding_id: Uuid,
    /// The holder who paid (name masked) and the relative paid for.
    pub holder_person_no: String,
    pub holder_name: String,
    pub relative_person_no: String,
    pub relative_name: String,
    pub items: Vec<PaymentResponse>,
}

/// What was paid through a binding: the holder sees for whom, the relative who paid (never the
/// holder's balance).
#[utoipa::path(
    get, path = "/v1/me/family-members/{binding_id}/payments", tag = "me", security(("bearer" = ["self:read"])),
    params(("binding_id" = Uuid, Path, description = "Binding id")),
    responses(
        (status = 200, description = "The payments, newest first", body = PaymentsResponse),
        (status = 404, description = "`family.not_found`"),
    )
)]
async fn payments(
    State(state): State<AppState>,
    caller: Caller,
    Path(binding_id): Path<Uuid>,
) -> Result<Json<PaymentsResponse>, Error> {
    let core = state.core.reading(&caller);
    let families = Families::new(&core);
    let (binding, rows) = families.payments(&caller, binding_id).await?;
    let (holder_name, relative_name) = families.names_of(&binding).await?;
    let items = rows.into_iter().map(payment).collect();
    Ok(Json(PaymentsResponse {
        binding_id,
        holder_person_no: binding.holder_person_no.to_string(),
        holder_name: mask_name(&holder_name),
        relative_person_no: binding.relative_person_no.to_string(),
        relative_name: mask_name(&relative_name),
        items,
    }))
}

fn payment(row: PaymentRow) -> PaymentResponse {
    PaymentResponse {
        setl_id: row.setl_id,
        period: row.period,
        amount: row.amount,
        paid_at: row.paid_at,
        returned_at: row.returned_at,
    }
}

/// A person's live family bindings (hall).
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/family-members", tag = "persons", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses(
        (status = 200, description = "The bindings", body = Vec<BindingResponse>),
        (status = 404, description = "`person.not_found`"),
    )
)]
async fn person_bindings(
    State(state): State<AppState>,
    _caller: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<Vec<BindingResponse>>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let rows = Families::new(&state.core).bindings_of(&person_no).await?;
    Ok(Json(rows.into_iter().map(|r| shaped(r, &person_no)).collect()))
}

/// A binding the hall makes on proof of the relation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HallBindingBody {
    pub relative_person_no: String,
    pub relationship: FamilyRelation,
    /// The document seen at the counter.
    pub proof_kind: ProofKind,
}

/// Bind a relative to the holder `person_no` at the hall, on proof: active at once.
#[utoipa::path(
    post, path = "/v1/persons/{person_no}/family-members", tag = "persons", security(("bearer" = ["family:write"])),
    params(("person_no" = String, Path, description = "The holder's person number")),
    request_body = HallBindingBody,
    responses(
        (status = 201, description = "Active", body = BindingResponse),
        (status = 404, description = "`person.not_found`"),
        (status = 409, description = "`family.too_many`, `family.already_bound`, `family.holder_without_account`, `person.transferred_out`"),
        (status = 422, description = "`family.self`, `family.relative_no`"),
    )
)]
async fn bind_at_hall(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Json(body): Json<HallBindingBody>,
) -> Result<(StatusCode, Json<BindingResponse>), Error> {
    let holder = parse_person_no(&person_no)?;
    let relative = PersonNo::parse(&body.relative_person_no).ok_or_else(|| {
        Error::invalid_field("family.relative_no", "relative_person_no", "a person number has 16 digits")
    })?;
    let new =
        NewBinding { holder: holder.clone(), relative, relationship: body.relationship, proof: Some(body.proof_kind) };
    let row = Families::new(&state.core).bind(&caller, new).await?;
    Ok((StatusCode::CREATED, Json(shaped(row, &holder))))
}

/// A reason for the file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnbindBody {
    pub reason: String,
}

/// End a binding of `person_no` at the hall (with a reason).
#[utoipa::path(
    delete, path = "/v1/persons/{person_no}/family-members/{binding_id}", tag = "persons", security(("bearer" = ["family:write"])),
    params(("person_no" = String, Path, description = "Person number"), ("binding_id" = Uuid, Path, description = "Binding id")),
    request_body = UnbindBody,
    responses(
        (status = 200, description = "Unbound", body = BindingResponse),
        (status = 404, description = "`family.not_found`"),
        (status = 409, description = "`family.unbound`"),
        (status = 422, description = "`family.reason_text`"),
    )
)]
async fn unbind_at_hall(
    State(state): State<AppState>,
    caller: Caller,
    Path((person_no, binding_id)): Path<(String, Uuid)>,
    Json(body): Json<UnbindBody>,
) -> Result<Json<BindingResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let reason =
        reason_text(&body.reason).ok_or_else(|| Error::invalid_field("family.reason_text", "reason", REASON_RULE))?;
    let row = Families::new(&state.core).unbind(&caller, binding_id, Some(&person_no), reason).await?;
    Ok(Json(shaped(row, &person_no)))
}

/// The proof the hall saw.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProofBody {
    pub proof_kind: ProofKind,
}

/// Confirm a requested binding of `person_no` at the hall, on proof of the relation.
#[utoipa::path(
    post, path = "/v1/persons/{person_no}/family-members/{binding_id}/confirmation", tag = "persons", security(("bearer" = ["family:write"])),
    params(("person_no" = String, Path, description = "Person number"), ("binding_id" = Uuid, Path, description = "Binding id")),
    request_body = ProofBody,
    responses(
        (status = 200, description = "Active", body = BindingResponse),
        (status = 404, description = "`family.not_found`"),
        (status = 409, description = "`family.not_requested`, `family.holder_without_account`, `person.transferred_out`"),
    )
)]
async fn confirm_at_hall(
    State(state): State<AppState>,
    caller: Caller,
    Path((person_no, binding_id)): Path<(String, Uuid)>,
    Json(body): Json<ProofBody>,
) -> Result<Json<BindingResponse>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let row = Families::new(&state.core).confirm(&caller, binding_id, Some((&person_no, body.proof_kind))).await?;
    Ok(Json(shaped(row, &person_no)))
}

/// A resident contribution year to pay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContributionBody {
    /// The year (`YYYY`) the relative owes.
    #[schema(example = "2027")]
    pub period: String,
}

/// Pay a bound resident (390) relative's yearly contribution from the session person's account
/// (the holder); needs `Idempotency-Key`. The year is paid and arrived at once.
#[utoipa::path(
    post, path = "/v1/me/family-members/{binding_id}/contribution-payments", tag = "me", security(("bearer" = ["family:write"])),
    params(("binding_id" = Uuid, Path, description = "Binding id"), ("Idempotency-Key" = String, Header, description = "Unique per request")),
    request_body = ContributionBody,
    responses(
        (status = 201, description = "Paid", body = PaymentResponse),
        (status = 404, description = "`family.not_found` (also when the session person is the relative)"),
        (status = 409, description = "`family.not_active`, `family.not_a_resident`, `contribution.already_paid`, `account.insufficient_balance`"),
        (status = 422, description = "`contribution.period_format`, `contribution.period_not_due`"),
    )
)]
async fn pay_contribution(
    State(state): State<AppState>,
    caller: Caller,
    Path(binding_id): Path<Uuid>,
    Idempotent { request, body }: Idempotent<ContributionBody>,
) -> Result<Replayable<PaymentResponse>, Error> {
    let outcome =
        Families::new(&state.core).pay_contribution(&caller, binding_id, body.period.trim(), &request).await?;
    Ok(Replayable(StatusCode::CREATED, outcome.map(payment)))
}
