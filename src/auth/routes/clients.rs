//! `/v1/clients` (admin): registering channels, listing, disabling, rotating a secret, and the
//! public key a channel signs identity assertions with.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{AssertionKey, Auth, ClientBinding, ClientRow};
use crate::platform::caller::{Caller, ClientKind};
use crate::platform::error::Error;
use crate::platform::http::AppState;
use crate::platform::http::extract::{Json, Path};

/// The routes of this module.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(disable))
        .routes(routes!(rotate_secret))
        .routes(routes!(set_assertion_key))
}

/// A registered client; its secret is never shown again.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientView {
    pub client_id: String,
    pub name: String,
    pub kind: String,
    pub bank_code: Option<String>,
    pub institution_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// Whether an Ed25519 key for identity assertions is registered.
    pub assertion_key_registered: bool,
}

impl From<ClientRow> for ClientView {
    fn from(c: ClientRow) -> Self {
        Self {
            client_id: c.client_id.to_string(),
            name: c.name,
            kind: c.kind,
            bank_code: c.bank_code,
            institution_code: c.institution_code,
            created_at: c.created_at,
            disabled_at: c.disabled_at,
            assertion_key_registered: c.assertion_key.is_some(),
        }
    }
}

/// Every client.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientList {
    pub items: Vec<ClientView>,
}

/// A client to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClientBody {
    pub kind: ClientKind,
    pub name: String,
    /// Bank clients: the bank they act for.
    pub bank_code: Option<String>,
    /// Institution clients: the institution they act for.
    pub institution_code: Option<String>,
}

/// A client with its secret, shown this once.
#[derive(Serialize, ToSchema)]
pub struct ClientWithSecret {
    pub client_id: String,
    pub client_secret: String,
    pub kind: ClientKind,
    pub name: String,
}

/// List the registered clients (admin).
#[utoipa::path(
    get, path = "/v1/clients", tag = "auth", security(("bearer" = ["clients:manage"])),
    responses((status = 200, description = "The clients", body = ClientList))
)]
async fn list(State(state): State<AppState>, _admitted: Caller) -> Result<Json<ClientList>, Error> {
    let rows = Auth::new(&state.core).clients().await?;
    Ok(Json(ClientList { items: rows.into_iter().map(Into::into).collect() }))
}

/// Register a client (admin); the secret is shown once.
#[utoipa::path(
    post, path = "/v1/clients", tag = "auth", security(("bearer" = ["clients:manage"])),
    request_body = NewClientBody,
    responses(
        (status = 201, description = "Registered", body = ClientWithSecret),
        (status = 422, description = "Bad name, or a bank or institution named where it must not be (or missing)"),
    )
)]
async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Json(body): Json<NewClientBody>,
) -> Result<(StatusCode, Json<ClientWithSecret>), Error> {
    let binding = ClientBinding { bank_code: body.bank_code, institution_code: body.institution_code };
    let client = Auth::new(&state.core).register_client(caller.actor(), body.kind, &body.name, &binding).await?;
    let answer = ClientWithSecret {
        client_id: client.client_id.to_string(),
        client_secret: client.client_secret.expose().to_owned(),
        kind: client.kind,
        name: client.name,
    };
    Ok((StatusCode::CREATED, Json(answer)))
}

/// Disable a client (admin): its tokens and person sessions stop working at once.
#[utoipa::path(
    post, path = "/v1/clients/{client_id}/disable", tag = "auth", security(("bearer" = ["clients:manage"])),
    params(("client_id" = String, Path, description = "Client id")),
    responses(
        (status = 200, description = "Disabled", body = ClientView),
        (status = 404, description = "`client.not_found`"),
    )
)]
async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> Result<Json<ClientView>, Error> {
    Ok(Json(Auth::new(&state.core).disable_client(caller.actor(), &client_id).await?.into()))
}

/// Give a client a new secret (admin), shown once; the old secret stops working.
#[utoipa::path(
    post, path = "/v1/clients/{client_id}/secret", tag = "auth", security(("bearer" = ["clients:manage"])),
    params(("client_id" = String, Path, description = "Client id")),
    responses(
        (status = 200, description = "Rotated", body = ClientWithSecret),
        (status = 404, description = "`client.not_found`"),
    )
)]
async fn rotate_secret(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
) -> Result<Json<ClientWithSecret>, Error> {
    let (row, secret) = Auth::new(&state.core).rotate_client_secret(caller.actor(), &client_id).await?;
    let kind = ClientKind::parse(&row.kind).ok_or_else(|| anyhow::anyhow!("unknown stored kind"))?;
    Ok(Json(ClientWithSecret {
        client_id: row.client_id.to_string(),
        client_secret: secret.expose().to_owned(),
        kind,
        name: row.name,
    }))
}

/// The channel's assertion public key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssertionKeyBody {
    /// Ed25519 public key: PEM (`-----BEGIN PUBLIC KEY-----`, SPKI) or base64url of the 32 raw bytes.
    pub assertion_key: String,
}

/// Register (or replace) the Ed25519 key a channel signs verified-identity or e-social-card
/// assertions with (admin).
#[utoipa::path(
    put, path = "/v1/clients/{client_id}/assertion-key", tag = "auth", security(("bearer" = ["clients:manage"])),
    params(("client_id" = String, Path, description = "Client id")),
    request_body = AssertionKeyBody,
    responses(
        (status = 204, description = "Registered"),
        (status = 404, description = "`client.not_found`"),
        (status = 422, description = "`client.assertion_key`: not an Ed25519 public key"),
    )
)]
async fn set_assertion_key(
    State(state): State<AppState>,
    caller: Caller,
    Path(client_id): Path<String>,
    Json(body): Json<AssertionKeyBody>,
) -> Result<StatusCode, Error> {
    let key = AssertionKey::parse(&body.assertion_key)?;
    Auth::new(&state.core).register_assertion_key(caller.actor(), &client_id, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}
