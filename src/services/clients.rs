//! Registering API clients (channels).

use serde_json::json;

use super::Services;
use crate::auth::token::{CLIENT_SECRET_PREFIX, PlainSecret, to_hex};
use crate::auth::{Actor, ClientKind};
use crate::error::{Error, Result};
use crate::storage::clients::{self as store, ClientRow};

/// A registered client with its secret, shown this one time only.
#[derive(Debug)]
pub struct RegisteredClient {
    pub client_id: String,
    pub client_secret: PlainSecret,
    pub kind: ClientKind,
    pub name: String,
}

impl Services {
    /// Registers a client of `kind`; the secret is returned once and stored only hashed.
    pub async fn register_client(
        &self,
        actor: &Actor,
        kind: ClientKind,
        name: &str,
    ) -> Result<RegisteredClient> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid_field(
                "client.name",
                "name",
                "a client name has 1 to 100 characters",
            ));
        }
        let secret = PlainSecret::generate(CLIENT_SECRET_PREFIX);
        let client_id = format!("mc_{}", &to_hex(&uuid::Uuid::new_v4().into_bytes())[..20]);
        let row = ClientRow {
            client_id: client_id.clone(),
            name: name.to_owned(),
            kind: kind.as_str().to_owned(),
            secret_hash: secret.hash(),
            created_at: self.clock.now(),
            disabled_at: None,
        };
        let mut tx = self.pool.begin().await?;
        store::insert(&mut tx, &row).await?;
        let subject = super::audit::Subject {
            kind: "client",
            id: &client_id,
        };
        self.audit(
            &mut tx,
            actor,
            "client.register",
            Some(subject),
            json!({ "kind": kind.as_str(), "name": name }),
        )
        .await?;
        tx.commit().await?;
        Ok(RegisteredClient {
            client_id,
            client_secret: secret,
            kind,
            name: name.to_owned(),
        })
    }
}
