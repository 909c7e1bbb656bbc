//! The public keys channels sign identity assertions with: registered per client (PEM SPKI or
//! the raw 32-byte key in base64url), read when a channel presents an assertion.

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use ed25519_dalek::VerifyingKey;
use ed25519_dalek::pkcs8::DecodePublicKey;
use serde_json::json;

use super::Auth;
use crate::auth::store::clients;
use crate::domain::ClientId;
use crate::platform::audit::Subject;
use crate::platform::caller::Actor;
use crate::platform::error::{Error, Result};

/// An Ed25519 public key, parsed and checked to be a valid curve point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssertionKey([u8; 32]);

impl AssertionKey {
    /// Parses a PEM `PUBLIC KEY` (SPKI) or the base64url (padded or not) of the raw 32 bytes.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        let key = if raw.starts_with("-----BEGIN") {
            VerifyingKey::from_public_key_pem(raw).ok()
        } else {
            let bytes = URL_SAFE_NO_PAD.decode(raw).or_else(|_| URL_SAFE.decode(raw)).ok();
            bytes.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()).and_then(|b| VerifyingKey::from_bytes(&b).ok())
        };
        key.map(|k| Self(k.to_bytes())).ok_or_else(|| {
            Error::invalid_field(
                "client.assertion_key",
                "assertion_key",
                "an Ed25519 public key as PEM (SPKI) or the base64url of its 32 bytes",
            )
        })
    }

    /// The raw key.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl Auth<'_> {
    /// The key the client signs assertions with, if one is registered.
    pub async fn assertion_key(&self, client_id: &ClientId) -> Result<Option<[u8; 32]>> {
        let mut conn = self.pool.acquire().await?;
        let stored = clients::assertion_key(&mut conn, client_id).await?;
        Ok(stored.and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok()))
    }

    /// Registers (or replaces) a client's assertion key, audited.
    pub async fn register_assertion_key(&self, actor: &Actor, client_id: &str, key: &AssertionKey) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        if !clients::set_assertion_key(&mut tx, client_id, key.bytes()).await? {
            return Err(Error::not_found("client.not_found", "no client has this id"));
        }
        let subject = Subject { kind: "client", id: client_id };
        self.audit(&mut tx, actor, "client.assertion_key", Some(subject), json!({})).await?;
        tx.commit().await?;
        Ok(())
    }
}
