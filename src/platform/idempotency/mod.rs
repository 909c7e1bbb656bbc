//! Idempotent money-moving requests: the first response per client and key is stored in the
//! same transaction as the effect and replayed for retries; the same key with another request
//! is refused; concurrent duplicates wait on the key's row, so one effect results.

use serde_json::Value;
use sqlx::PgConnection;

use crate::params;
use crate::platform::Core;
use crate::platform::caller::Principal;
use crate::platform::error::{Error, Result};
mod store;

/// The key a client sent and a fingerprint of what it asked.
#[derive(Debug, Clone)]
pub struct IdempotentRequest {
    pub key: String,
    /// SHA-256 of the method, path and canonical JSON body.
    pub fingerprint: Vec<u8>,
}

/// A response as stored for replay.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: Value,
    /// Whether this is the replay of an earlier request's response.
    pub replayed: bool,
}

impl StoredResponse {
    /// A fresh response.
    pub fn new(status: u16, body: Value) -> Self {
        Self { status, body, replayed: false }
    }
}

impl Core {
    /// Claims the key inside the operation's transaction. `Some` is the stored response of an
    /// earlier identical request, to be answered as is.
    pub(crate) async fn claim_idempotency(
        &self,
        conn: &mut PgConnection,
        principal: &Principal,
        request: &IdempotentRequest,
    ) -> Result<Option<StoredResponse>> {
        let now = self.clock.now();
        if store::claim(conn, &key_owner(principal), &request.key, &request.fingerprint, now).await? {
            return Ok(None);
        }
        let stored = store::find(conn, &key_owner(principal), &request.key)
            .await?
            .ok_or_else(|| anyhow::anyhow!("idempotency key vanished after a conflict"))?;
        if stored.request_hash != request.fingerprint {
            return Err(Error::invalid_field(
                "idempotency.key_reused",
                "Idempotency-Key",
                "this key was used for a different request",
            ));
        }
        match (stored.response_status, stored.response_body) {
            (Some(status), Some(body)) => Ok(Some(StoredResponse { status: status as u16, body, replayed: true })),
            _ => Err(Error::conflict(
                "idempotency.in_progress",
                "the first request with this key is still running",
                params! {},
            )),
        }
    }

    /// Stores the response under the claimed key, in the same transaction as the effect.
    pub(crate) async fn complete_idempotency(
        &self,
        conn: &mut PgConnection,
        principal: &Principal,
        request: &IdempotentRequest,
        response: &StoredResponse,
    ) -> Result<()> {
        store::complete(conn, &key_owner(principal), &request.key, response.status, &response.body).await?;
        Ok(())
    }
}

/// Whose keys these are: the client, and within a hall client each staff user separately, so
/// two clerks at the same hall never replay each other's answers.
fn key_owner(principal: &Principal) -> String {
    match &principal.staff {
        Some(staff) => format!("{}/{}", principal.client_id, staff.staff_id),
        None => principal.client_id.clone(),
    }
}
