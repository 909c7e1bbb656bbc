//! Registering API clients (channels).

use super::Auth;
use serde_json::json;

use crate::auth::store::clients::{self as store, ClientRow};
use crate::auth::token::{CLIENT_SECRET_PREFIX, PlainSecret};
use crate::domain::ClientId;
use crate::platform::caller::{Actor, ClientKind};
use crate::platform::error::{Error, Result};
use crate::registries::{banks, institutions};

/// A registered client with its secret, shown this one time only.
#[derive(Debug)]
pub struct RegisteredClient {
    pub client_id: ClientId,
    pub client_secret: PlainSecret,
    pub kind: ClientKind,
    pub name: String,
}

/// What a client acts for: a bank client for its bank, an institution client for its
/// institution; other kinds for nothing in particular.
#[derive(Debug, Clone, Default)]
pub struct ClientBinding {
    pub bank_code: Option<String>,
    pub institution_code: Option<String>,
}

impl Auth<'_> {
    /// Registers a client of `kind`; the secret is returned once and stored only hashed.
    pub async fn register_client(
        &self,
        actor: &Actor,
        kind: ClientKind,
        name: &str,
        binding: &ClientBinding,
    ) -> Result<RegisteredClient> {
        check_binding(kind, binding)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid_field("client.name", "name", "a client name has 1 to 100 characters"));
        }
        let secret = PlainSecret::generate(CLIENT_SECRET_PREFIX);
        let client_id = ClientId::generate();
        let row = ClientRow {
            client_id: client_id.clone(),
            name: name.to_owned(),
            kind: kind.as_str().to_owned(),
            secret_hash: secret.hash(),
            bank_code: binding.bank_code.clone(),
            institution_code: binding.institution_code.clone(),
            created_at: self.clock.now(),
            disabled_at: None,
            assertion_key: None,
        };
        let mut tx = self.pool.begin().await?;
        self.check_binding_exists(&mut tx, binding).await?;
        store::insert(&mut tx, &row).await?;
        let subject = crate::platform::audit::Subject { kind: "client", id: client_id.as_str() };
        self.audit(&mut tx, actor, "client.register", Some(subject), json!({ "kind": kind.as_str(), "name": name }))
            .await?;
        tx.commit().await?;
        Ok(RegisteredClient { client_id, client_secret: secret, kind, name: name.to_owned() })
    }
}

impl Auth<'_> {
    /// Every registered client (admin).
    pub async fn clients(&self) -> Result<Vec<ClientRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::list(&mut conn).await?)
    }

    /// Disables a client: its tokens, person sessions included, stop working at once.
    pub async fn disable_client(&self, actor: &Actor, client_id: &str) -> Result<ClientRow> {
        let mut tx = self.pool.begin().await?;
        let row = store::disable(&mut tx, client_id, self.clock.now()).await?.ok_or_else(client_not_found)?;
        let subject = crate::platform::audit::Subject { kind: "client", id: client_id };
        self.audit(&mut tx, actor, "client.disable", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Gives a client a new secret (shown once); the old one stops working, tokens already
    /// issued live out their short lifetime.
    pub async fn rotate_client_secret(&self, actor: &Actor, client_id: &str) -> Result<(ClientRow, PlainSecret)> {
        let secret = PlainSecret::generate(CLIENT_SECRET_PREFIX);
        let mut tx = self.pool.begin().await?;
        let row = store::set_secret(&mut tx, client_id, &secret.hash()).await?.ok_or_else(client_not_found)?;
        let subject = crate::platform::audit::Subject { kind: "client", id: client_id };
        self.audit(&mut tx, actor, "client.rotate_secret", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok((row, secret))
    }

    async fn check_binding_exists(&self, conn: &mut sqlx::PgConnection, binding: &ClientBinding) -> Result<()> {
        if let Some(code) = &binding.bank_code
            && banks::find(conn, code).await?.is_none()
        {
            return Err(Error::invalid_field("client.unknown_bank", "bank", format!("no bank {code}")));
        }
        if let Some(code) = &binding.institution_code
            && institutions::find(conn, code).await?.is_none()
        {
            return Err(Error::invalid_field(
                "client.unknown_institution",
                "institution",
                format!("no institution {code}"),
            ));
        }
        Ok(())
    }
}

fn client_not_found() -> Error {
    Error::not_found("client.not_found", "no client has this id")
}

/// Bank clients name their bank and institution clients their institution; nobody else names
/// either.
fn check_binding(kind: ClientKind, binding: &ClientBinding) -> Result<()> {
    let wants_bank = kind == ClientKind::Bank;
    let wants_institution = kind == ClientKind::Institution;
    if wants_bank != binding.bank_code.is_some() {
        let detail = if wants_bank { "a bank client names its bank (--bank)" } else { "only bank clients name a bank" };
        return Err(Error::invalid_field("client.bank_binding", "bank", detail));
    }
    if wants_institution != binding.institution_code.is_some() {
        let detail = if wants_institution {
            "an institution client names its institution (--institution)"
        } else {
            "only institution clients name an institution"
        };
        return Err(Error::invalid_field("client.institution_binding", "institution", detail));
    }
    Ok(())
}
