//! Cards: issuance, reading, activation, loss reports, replacement, fulfilment, freeze and the
//! history over HTTP. The card password's routes are in `password_routes`.

use super::Cards;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::cards::CardState;
use crate::cards::history::CardTransitionRow;
use crate::cards::store::CardRow;
use crate::cards::{Activation, AgentInfo, LossKind, PresentedIdentity, ReplacementReason};
use crate::domain::{BranchCode, CardNo, ProofKind, Relationship};
use crate::persons::parse_person_no;
use crate::platform::caller::Caller;
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue, list_for_person))
        .routes(routes!(get_card))
        .routes(routes!(activate))
        .routes(routes!(report_loss, cancel_temporary_loss))
        .routes(routes!(replace))
        .routes(routes!(advance_fulfilment))
        .routes(routes!(freeze, unfreeze))
        .routes(routes!(history))
}

/// A card.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardResponse {
    #[schema(example = "A58570797")]
    pub card_no: String,
    pub person_no: String,
    pub bank_code: String,
    /// 1 for the first card, +1 for each replacement.
    pub generation: i32,
    pub issued_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub state: CardState,
    pub state_label: &'static str,
    /// Set while frozen: the state an unfreeze returns to.
    pub frozen_from: Option<CardState>,
    pub replacement_for: Option<String>,
    pub replaced_by: Option<String>,
    /// Replacement cards: `ordered`, `produced`, `ready_for_collection`, `collected`.
    pub fulfilment: Option<String>,
    pub expected_ready_on: Option<NaiveDate>,
    pub activated_at: Option<DateTime<Utc>>,
    /// From when the personal account can be used with the card (next working day for some banks).
    pub usable_from: Option<DateTime<Utc>>,
    pub activation_channel: Option<String>,
    pub activation_branch: Option<String>,
    /// While temporarily lost: the last day the loss protects the card before it lapses.
    pub temporary_loss_until: Option<NaiveDate>,
    pub password_set: bool,
    pub password_locked: bool,
    pub state_changed_at: DateTime<Utc>,
}

impl CardResponse {
    fn from_row(row: CardRow, password_locked: bool) -> Self {
        Self {
            card_no: row.card_no.to_string(),
            person_no: row.person_no.to_string(),
            bank_code: row.bank_code,
            generation: row.generation,
            issued_on: row.issued_on,
            expires_on: row.expires_on,
            state: row.state,
            state_label: row.state.label_zh(),
            frozen_from: row.frozen_from,
            replacement_for: row.replacement_for.map(|c| c.to_string()),
            replaced_by: row.replaced_by.map(|c| c.to_string()),
            fulfilment: row.fulfilment,
            expected_ready_on: row.expected_ready_on,
            activated_at: row.activated_at,
            usable_from: row.usable_from,
            activation_channel: row.activation_channel,
            activation_branch: row.activation_branch,
            temporary_loss_until: row.temporary_loss_until,
            password_set: row.password_hash.is_some(),
            password_locked,
            state_changed_at: row.state_changed_at,
        }
    }
}

/// Shapes a card for the response.
fn card_json(state: &AppState, row: CardRow) -> Json<CardResponse> {
    Json(shaped(state, row))
}

/// A card as shown, with its password lock worked out.
pub(super) fn shaped(state: &AppState, row: CardRow) -> CardResponse {
    let locked = Cards::new(&state.core).password_locked(&row);
    CardResponse::from_row(row, locked)
}

/// A list of cards.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardList {
    pub items: Vec<CardResponse>,
}

/// Issue a card.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueRequest {
    /// Issuing bank: `ICBC`, `CCB`, `ABC`, `BOC`, `BOCOM`, `ZZBANK`, `ZYBANK`. A bank client may only name itself.
    pub bank_code: String,
}

/// The holder's identity as presented.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityBody {
    pub id_number: String,
    pub name: String,
}

impl From<IdentityBody> for PresentedIdentity {
    fn from(body: IdentityBody) -> Self {
        Self { id_number: body.id_number, name: body.name }
    }
}

/// The agent of a proxy activation (代办).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentBody {
    pub id_number: String,
    pub name: String,
    pub relationship: Relationship,
    /// 户口本 `household_register`, 结婚证 `marriage_certificate`, 委托书 `power_of_attorney`, 出生证明 `birth_certificate`.
    pub proof: ProofKind,
}

/// Activate a card.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActivationRequest {
    /// The holder's ID number, as on the presented ID card.
    pub id_number: String,
    /// The holder's name, as on the presented ID card.
    pub name: String,
    /// The financial password to set: six digits, not trivial, not the birth date or ID tail.
    #[schema(value_type = String, format = Password, example = "583920")]
    pub password: SecretString,
    /// Required when a bank activates: its branch.
    pub branch_code: Option<String>,
    /// When someone acts for the holder (required for holders under 16).
    pub agent: Option<AgentBody>,
}

/// Report a loss.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LossRequest {
    /// `temporary` (online channels and hall) or `formal` (hall or issuing bank; final).
    pub kind: String,
    pub id_number: String,
    pub name: String,
}

/// Order a replacement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplacementRequest {
    /// `lost`, `damaged` or `expired`.
    pub reason: String,
    pub id_number: String,
    pub name: String,
}

/// The old and the new card.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReplacementResponse {
    pub replaced: CardResponse,
    pub replacement: CardResponse,
}

/// Move fulfilment on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FulfilmentRequest {
    /// The next step: `produced`, `ready_for_collection` or `collected`.
    pub step: String,
}

/// A reason for the file.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

/// One row of a card's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardTransitionResponse {
    pub id: i64,
    pub from: Option<CardState>,
    pub to: CardState,
    pub reason_code: String,
    pub reason: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub client_id: Option<String>,
    pub channel: String,
    pub request_id: Option<String>,
    pub details: Value,
    pub occurred_at: DateTime<Utc>,
}

impl From<CardTransitionRow> for CardTransitionResponse {
    fn from(r: CardTransitionRow) -> Self {
        Self {
            id: r.id,
            from: r.from_state,
            to: r.to_state,
            reason_code: r.reason_code,
            reason: r.reason,
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            client_id: r.client_id,
            channel: r.channel,
            request_id: r.request_id,
            details: r.details,
            occurred_at: r.occurred_at,
        }
    }
}

/// A card's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardTransitionList {
    pub items: Vec<CardTransitionResponse>,
}

/// A card number from a path, or 400.
pub fn parse_card_no(raw: &str) -> Result<CardNo, Error> {
    CardNo::parse(raw).ok_or_else(|| Error::Malformed {
        code: "request.bad_path",
        detail: "a card number is a letter and 8 digits".into(),
    })
}

/// Issue a card to a person without a usable card.
#[utoipa::path(
    post, path = "/v1/persons/{person_no}/cards", tag = "cards", security(("bearer" = ["cards:issue"])),
    params(("person_no" = String, Path, description = "Person number")),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "Issued, unactivated", body = CardResponse),
        (status = 403, description = "Missing scope, or a bank issuing for another bank"),
        (status = 404, description = "No such person"),
        (status = 409, description = "The person has a usable card (`card.usable_card_exists`) or transferred out"),
        (status = 422, description = "Unknown bank"),
    )
)]
async fn issue(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
    Json(body): Json<IssueRequest>,
) -> Result<(StatusCode, Json<CardResponse>), Error> {
    let person_no = parse_person_no(&person_no)?;
    let card = Cards::new(&state.core).issue_card(&caller, &person_no, &body.bank_code).await?;
    Ok((StatusCode::CREATED, card_json(&state, card)))
}

/// A person's cards, oldest first.
#[utoipa::path(
    get, path = "/v1/persons/{person_no}/cards", tag = "cards", security(("bearer" = ["persons:read"])),
    params(("person_no" = String, Path, description = "Person number")),
    responses((status = 200, description = "Cards", body = CardList), (status = 404, description = "No such person"))
)]
async fn list_for_person(
    State(state): State<AppState>,
    caller: Caller,
    Path(person_no): Path<String>,
) -> Result<Json<CardList>, Error> {
    let person_no = parse_person_no(&person_no)?;
    let cards = Cards::new(&state.core.reading(&caller)).person_cards(&person_no).await?;
    Ok(Json(CardList { items: cards.into_iter().map(|c| shaped(&state, c)).collect() }))
}

/// Read a card by its number (hall staff, and the issuing bank for its own cards).
///
/// Staff whose role carries `persons:read` (clerk, supervisor, auditor, admin) read any card; a
/// bank client reads the cards it issued, and another bank's card is 403 `card.not_issuing_bank`.
/// Every other client (the online card-holder channels, institutions, terminals, the tax bureau)
/// gets 403 `auth.insufficient_scope`: institutions and terminals read a card only when its
/// holder presents it (with the password or an e-voucher), never by number alone.
#[utoipa::path(
    get, path = "/v1/cards/{card_no}", tag = "cards", security(("bearer" = [])),
    params(("card_no" = String, Path, description = "Card number")),
    responses(
        (status = 200, description = "The card", body = CardResponse),
        (status = 403, description = "`auth.insufficient_scope`, or `card.not_issuing_bank` for another bank's card"),
        (status = 404, description = "No such card"),
    )
)]
async fn get_card(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
) -> Result<Json<CardResponse>, Error> {
    let card = Cards::new(&state.core.reading(&caller)).card(&caller, &parse_card_no(&card_no)?).await?;
    Ok(card_json(&state, card))
}

/// Activate a card and set its financial password.
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/activation", tag = "cards", security(("bearer" = ["cards:activate"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = ActivationRequest,
    responses(
        (status = 200, description = "Activated; `usable_from` says from when", body = CardResponse),
        (status = 403, description = "Not the issuing bank, or an institution that does not activate"),
        (status = 409, description = "Not unactivated (`card.illegal_transition` names the state) or not yet collected"),
        (status = 422, description = "Identity mismatch, weak password, missing branch, agent or proof problems"),
    )
)]
async fn activate(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<ActivationRequest>,
) -> Result<Json<CardResponse>, Error> {
    let card_no = parse_card_no(&card_no)?;
    let activation = Activation {
        holder: PresentedIdentity { id_number: body.id_number, name: body.name },
        password: body.password,
        branch_code: body
            .branch_code
            .map(|b| {
                BranchCode::parse(&b).ok_or_else(|| {
                    Error::invalid_field("card.branch_code", "branch_code", "1 to 20 letters, digits or '-'")
                })
            })
            .transpose()?,
        agent: body.agent.map(|a| AgentInfo {
            id_number: a.id_number,
            name: a.name,
            relationship: a.relationship,
            proof: a.proof,
        }),
    };
    let card = Cards::new(&state.core).activate_card(&caller, &card_no, activation).await?;
    Ok(card_json(&state, card))
}

/// Report a card lost: `temporary` or `formal`.
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/loss-reports", tag = "cards",
    security(("bearer" = ["cards:loss_temporary"]), ("bearer" = ["cards:loss_formal"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = LossRequest,
    responses(
        (status = 201, description = "Reported", body = CardResponse),
        (status = 403, description = "This channel may not report this kind of loss"),
        (status = 409, description = "Not possible from the card's state"),
        (status = 422, description = "Unknown kind or identity mismatch"),
    )
)]
async fn report_loss(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<LossRequest>,
) -> Result<(StatusCode, Json<CardResponse>), Error> {
    let card_no = parse_card_no(&card_no)?;
    let kind = match body.kind.trim() {
        "temporary" => LossKind::Temporary,
        "formal" => LossKind::Formal,
        _ => return Err(Error::invalid_field("card.loss_kind", "kind", "temporary or formal")),
    };
    let holder = PresentedIdentity { id_number: body.id_number, name: body.name };
    let card = Cards::new(&state.core).report_loss(&caller, &card_no, kind, &holder).await?;
    Ok((StatusCode::CREATED, card_json(&state, card)))
}

/// Cancel a temporary loss (the card was found).
#[utoipa::path(
    delete, path = "/v1/cards/{card_no}/loss-reports", tag = "cards", security(("bearer" = ["cards:loss_temporary"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = IdentityBody,
    responses(
        (status = 200, description = "Active again", body = CardResponse),
        (status = 409, description = "The card is not temporarily lost"),
        (status = 422, description = "Identity mismatch"),
    )
)]
async fn cancel_temporary_loss(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<IdentityBody>,
) -> Result<Json<CardResponse>, Error> {
    let card_no = parse_card_no(&card_no)?;
    let card = Cards::new(&state.core).cancel_temporary_loss(&caller, &card_no, &body.into()).await?;
    Ok(card_json(&state, card))
}

/// Order a replacement card (lost, damaged, expired).
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/replacements", tag = "cards", security(("bearer" = ["cards:replace"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = ReplacementRequest,
    responses(
        (status = 201, description = "Ordered", body = ReplacementResponse),
        (status = 409, description = "Already replaced, or not possible from the card's state"),
        (status = 422, description = "Unknown reason, identity mismatch, or not yet expiring"),
    )
)]
async fn replace(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<ReplacementRequest>,
) -> Result<(StatusCode, Json<ReplacementResponse>), Error> {
    let card_no = parse_card_no(&card_no)?;
    let reason = match body.reason.trim() {
        "lost" => ReplacementReason::Lost,
        "damaged" => ReplacementReason::Damaged,
        "expired" => ReplacementReason::Expired,
        _ => return Err(Error::invalid_field("card.replacement_reason", "reason", "lost, damaged or expired")),
    };
    let holder = PresentedIdentity { id_number: body.id_number, name: body.name };
    let (old, new) = Cards::new(&state.core).replace_card(&caller, &card_no, reason, &holder).await?;
    let body = ReplacementResponse { replaced: shaped(&state, old), replacement: shaped(&state, new) };
    Ok((StatusCode::CREATED, Json(body)))
}

/// Move a replacement card's fulfilment to its next step.
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/fulfilment", tag = "cards", security(("bearer" = ["cards:replace"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = FulfilmentRequest,
    responses(
        (status = 200, description = "Moved on", body = CardResponse),
        (status = 409, description = "Not a replacement card, or not the next step"),
    )
)]
async fn advance_fulfilment(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<FulfilmentRequest>,
) -> Result<Json<CardResponse>, Error> {
    let card_no = parse_card_no(&card_no)?;
    let card = Cards::new(&state.core).advance_fulfilment(&caller, &card_no, body.step.trim()).await?;
    Ok(card_json(&state, card))
}

/// Freeze a card (hall).
#[utoipa::path(
    post, path = "/v1/cards/{card_no}/freeze", tag = "cards", security(("bearer" = ["cards:freeze"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = ReasonRequest,
    responses(
        (status = 201, description = "Frozen", body = CardResponse),
        (status = 409, description = "Not possible from the card's state"),
    )
)]
async fn freeze(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<ReasonRequest>,
) -> Result<(StatusCode, Json<CardResponse>), Error> {
    let card_no = parse_card_no(&card_no)?;
    let card = Cards::new(&state.core).freeze_card(&caller, &card_no, &body.reason).await?;
    Ok((StatusCode::CREATED, card_json(&state, card)))
}

/// Unfreeze a card (hall): back to the state it was frozen from.
#[utoipa::path(
    delete, path = "/v1/cards/{card_no}/freeze", tag = "cards", security(("bearer" = ["cards:freeze"])),
    params(("card_no" = String, Path, description = "Card number")),
    request_body = ReasonRequest,
    responses(
        (status = 200, description = "Unfrozen", body = CardResponse),
        (status = 409, description = "The card is not frozen"),
    )
)]
async fn unfreeze(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
    Json(body): Json<ReasonRequest>,
) -> Result<Json<CardResponse>, Error> {
    let card_no = parse_card_no(&card_no)?;
    let card = Cards::new(&state.core).unfreeze_card(&caller, &card_no, &body.reason).await?;
    Ok(card_json(&state, card))
}

/// A card's history, oldest first (hall staff, and the issuing bank for its own cards).
///
/// Read as the card itself is: staff whose role carries `persons:read` read any card's history;
/// a bank client reads the history of the cards it issued, and another bank's card is 403
/// `card.not_issuing_bank`. Every other client (the online card-holder channels, institutions,
/// terminals, the tax bureau) gets 403 `auth.insufficient_scope`.
#[utoipa::path(
    get, path = "/v1/cards/{card_no}/transitions", tag = "cards", security(("bearer" = [])),
    params(("card_no" = String, Path, description = "Card number")),
    responses(
        (status = 200, description = "History", body = CardTransitionList),
        (status = 403, description = "`auth.insufficient_scope`, or `card.not_issuing_bank` for another bank's card"),
        (status = 404, description = "No such card"),
    )
)]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(card_no): Path<String>,
) -> Result<Json<CardTransitionList>, Error> {
    let rows = Cards::new(&state.core).card_history(&caller, &parse_card_no(&card_no)?).await?;
    Ok(Json(CardTransitionList { items: rows.into_iter().map(Into::into).collect() }))
}
