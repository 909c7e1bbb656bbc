//! `POST /v1/sessions` (open a person session), `DELETE /v1/sessions/current` (end it) and
//! `PUT /v1/me/password` (the provincial platform's account password).

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Auth;
use crate::auth::fence::FenceIssued;
use crate::cards::parse_card_no;
use crate::persons::fields::{parse_id_number, parse_phone};
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::http::AppState;
use crate::platform::http::extract::Json;
use crate::sessions::{ChannelUserRef, Credentials, OpenedSession, PresentedCard, SessionMethod, Sessions};
use crate::sms::{PresentedCode, SmsPurpose};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(open)).routes(routes!(end)).routes(routes!(set_password))
}

/// How the person signs in; `method` chooses the other fields.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum SessionRequest {
    /// The channel account of an existing binding (official account and other binding channels).
    Binding { channel_user_ref: String },
    /// Phone and a `login` (default) or `password_reset` code; `id_number` chooses among
    /// persons sharing the phone.
    Sms { phone: String, sms_code: String, purpose: Option<SmsPurpose>, id_number: Option<String> },
    /// The provincial platform's account password.
    Password {
        id_number: String,
        #[schema(value_type = String, format = Password)]
        password: SecretString,
    },
    /// Self-service terminal: the card (or the ID number, meaning the active card) and its password.
    CardPassword {
        card_no: Option<String>,
        id_number: Option<String>,
        #[schema(value_type = String, format = Password)]
        password: SecretString,
    },
    /// 豫事办 / national app / 郑好办: a compact JWS (EdDSA) of the channel's face or real-name check.
    VerifiedIdentity { assertion: String },
    /// The provincial platform's e-social-card QR login: a compact JWS (EdDSA) by the issuer.
    ESocialCard { assertion: String },
}

/// A person session.
#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the session ends whatever happens.
    pub expires_in: i64,
    /// Seconds of disuse after which it ends.
    pub idle_timeout_secs: i32,
    /// Space-separated self scopes.
    pub scope: String,
    pub person_no: String,
    pub method: SessionMethod,
}

impl From<OpenedSession> for SessionResponse {
    fn from(s: OpenedSession) -> Self {
        Self {
            access_token: s.token.access_token.expose().to_owned(),
            token_type: "Bearer",
            expires_in: s.token.expires_in,
            idle_timeout_secs: s.idle_timeout_secs,
            scope: s.token.scope_string(),
            person_no: s.person_no.to_string(),
            method: s.method,
        }
    }
}

/// Open a person session (an online channel's client token with `person_sessions:open`, or a
/// terminal's with `terminal_sessions:open`).
///
/// Methods by channel: `binding` and `sms` on every person-facing online channel; `password`
/// and `e_social_card` on the provincial platform; `verified_identity` on 豫事办, the national
/// app and 郑好办; `card_password` on self-service terminals. Sessions end after
/// `expires_in`, after `idle_timeout_secs` unused, or at `DELETE /v1/sessions/current`.
#[utoipa::path(
    post, path = "/v1/sessions", tag = "person sessions",
    security(("bearer" = ["person_sessions:open"]), ("bearer" = ["terminal_sessions:open"])),
    request_body = SessionRequest,
    responses(
        (status = 201, description = "Signed in", body = SessionResponse),
        (status = 401, description = "Unknown binding, phone not on record, or an assertion that is malformed, stale, replayed or badly signed"),
        (status = 403, description = "`session.method_not_allowed` for this channel"),
        (status = 409, description = "`session.person_transferred_out`, `session.insured_elsewhere`, `session.phone_shared`, `card.not_active`"),
        (status = 422, description = "Wrong SMS code, wrong password (`session.wrong_password`, `card.password_wrong`) or a bad field"),
        (status = 423, description = "`session.password_locked` or `card.password_locked`"),
        (status = 429, description = "`sms.code_checks_exhausted`"),
    )
)]
async fn open(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<SessionRequest>,
) -> Result<(StatusCode, Extension<FenceIssued>, Json<SessionResponse>), Error> {
    let credentials = credentials(body, state.core.clock.today())?;
    let session = Sessions::new(&state.core).sign_in(&caller, credentials).await?;
    Ok((StatusCode::CREATED, FenceIssued::part_for(&session.token), Json(session.into())))
}

/// Parses the request into credentials.
fn credentials(body: SessionRequest, today: chrono::NaiveDate) -> Result<Credentials> {
    Ok(match body {
        SessionRequest::Binding { channel_user_ref } => {
            Credentials::Binding { channel_user_ref: ChannelUserRef::parse(&channel_user_ref)? }
        }
        SessionRequest::Sms { phone, sms_code, purpose, id_number } => Credentials::Sms {
            phone: parse_phone(&phone, "phone")?,
            sms_code: PresentedCode::parse(&sms_code)?,
            purpose: purpose.unwrap_or(SmsPurpose::Login),
            id_number: id_number.map(|id| parse_id_number(&id, "id_number", today)).transpose()?,
        },
        SessionRequest::Password { id_number, password } => {
            Credentials::Password { id_number: parse_id_number(&id_number, "id_number", today)?, password }
        }
        SessionRequest::CardPassword { card_no, id_number, password } => {
            let card = match (card_no, id_number) {
                (Some(card_no), None) => PresentedCard::Card(parse_card_no(&card_no)?),
                (None, Some(id)) => PresentedCard::IdNumber(parse_id_number(&id, "id_number", today)?),
                _ => {
                    return Err(Error::invalid_field(
                        "session.card_or_id_number",
                        "card_no",
                        "give either card_no or id_number",
                    ));
                }
            };
            Credentials::CardPassword { card, password }
        }
        SessionRequest::VerifiedIdentity { assertion } => {
            Credentials::Assertion { method: SessionMethod::VerifiedIdentity, compact: assertion }
        }
        SessionRequest::ESocialCard { assertion } => {
            Credentials::Assertion { method: SessionMethod::ESocialCard, compact: assertion }
        }
    })
}

/// End the current person session (only a person session; client tokens are revoked with
/// `DELETE /v1/oauth/token`, staff sessions with `DELETE /v1/staff/sessions/current`).
#[utoipa::path(
    delete, path = "/v1/sessions/current", tag = "person sessions", security(("bearer" = [])),
    responses(
        (status = 204, description = "Ended; the token no longer works"),
        (status = 403, description = "`session.not_a_person_session`"),
    )
)]
async fn end(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Error> {
    Auth::new(&state.core).end_person_session(caller.principal()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new account password.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordBody {
    /// 8 to 64 characters with letters and digits.
    #[schema(value_type = String, format = Password)]
    pub password: SecretString,
}

/// Set the account password used by `method: password` sign-ins on the provincial platform;
/// needs a session opened by SMS, and is how a locked or forgotten password is reset.
#[utoipa::path(
    put, path = "/v1/me/password", tag = "person sessions", security(("bearer" = ["self:password"])),
    request_body = PasswordBody,
    responses(
        (status = 204, description = "Set; the password is unlocked"),
        (status = 403, description = "`session.sms_required` for sessions not opened by SMS"),
        (status = 422, description = "`session.weak_password`"),
    )
)]
async fn set_password(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<PasswordBody>,
) -> Result<StatusCode, Error> {
    Sessions::new(&state.core).set_account_password(&caller, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
