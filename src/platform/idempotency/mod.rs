//! Idempotent money-moving operations: [`Core::idempotent`] claims the client's key inside the
//! operation's transaction, runs the operation, stores its result and commits, all at once; a
//! retry with the same request gets the stored result back, the same key with another request
//! is refused, and a concurrent duplicate waits on the key's row, so one effect results.

mod store;

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{PgConnection, Postgres, Transaction};

use crate::params;
use crate::platform::Core;
use crate::platform::caller::Principal;
use crate::platform::error::{Error, Result};

/// The key a client sent and a fingerprint of what it asked.
#[derive(Debug, Clone)]
pub struct IdempotentRequest {
    pub key: String,
    /// SHA-256 of the method, path and canonical JSON body.
    pub fingerprint: Vec<u8>,
}

/// The result of an idempotent operation, and whether it is the replay of an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<T> {
    pub value: T,
    pub replayed: bool,
}

impl<T> Outcome<T> {
    /// The same outcome with its value shaped by `f` (a domain value into its response).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome { value: f(self.value), replayed: self.replayed }
    }
}

/// The transaction an idempotent operation runs in; it hands it back with its result.
pub type Tx = Transaction<'static, Postgres>;

impl Core {
    /// Runs `operation` at most once per key: in one transaction with the key's claim and the
    /// stored result. `operation` gets the transaction and gives it back with its value.
    pub async fn idempotent<T, F, Fut>(
        &self,
        principal: &Principal,
        request: &IdempotentRequest,
        operation: F,
    ) -> Result<Outcome<T>>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce(Tx) -> Fut,
        Fut: Future<Output = Result<(Tx, T)>>,
    {
        let mut tx = self.pool.begin().await?;
        if let Some(value) = self.claim(&mut tx, principal, request).await? {
            return Ok(Outcome { value, replayed: true });
        }
        let (mut tx, value) = operation(tx).await?;
        store::complete(&mut tx, &key_owner(principal), &request.key, &serde_json::to_value(&value)?).await?;
        tx.commit().await?;
        Ok(Outcome { value, replayed: false })
    }

    /// The stored result of an earlier identical, finished request, looked up without claiming
    /// the key: for operations with checks outside their transaction (a card password) that a
    /// replay must not run again.
    pub async fn finished<T: DeserializeOwned>(
        &self,
        principal: &Principal,
        request: &IdempotentRequest,
    ) -> Result<Option<T>> {
        let mut conn = self.pool.acquire().await?;
        self.finished_on(&mut conn, principal, request).await
    }

    /// The same on a connection the request already holds.
    pub async fn finished_on<T: DeserializeOwned>(
        &self,
        conn: &mut PgConnection,
        principal: &Principal,
        request: &IdempotentRequest,
    ) -> Result<Option<T>> {
        let stored = store::find(conn, &key_owner(principal), &request.key).await?;
        match stored {
            Some(stored) if stored.request_hash == request.fingerprint => match stored.response_body {
                Some(body) => Ok(Some(serde_json::from_value(body).map_err(anyhow::Error::from)?)),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// Claims the key. `Some` is the stored result of an earlier identical request.
    async fn claim<T: DeserializeOwned>(
        &self,
        conn: &mut PgConnection,
        principal: &Principal,
        request: &IdempotentRequest,
    ) -> Result<Option<T>> {
        let owner = key_owner(principal);
        if store::claim(conn, &owner, &request.key, &request.fingerprint, self.clock.now()).await? {
            return Ok(None);
        }
        let stored = store::find(conn, &owner, &request.key)
            .await?
            .ok_or_else(|| anyhow::anyhow!("idempotency key vanished after a conflict"))?;
        if stored.request_hash != request.fingerprint {
            return Err(Error::invalid_field(
                "idempotency.key_reused",
                "Idempotency-Key",
                "this key was first used with another method, path or body; use a new key for a new request",
            ));
        }
        match stored.response_body {
            Some(body) => Ok(Some(serde_json::from_value(body).map_err(anyhow::Error::from)?)),
            None => Err(Error::conflict(
                "idempotency.in_progress",
                "another request with this key has not finished; retry later to get its answer",
                params! {},
            )),
        }
    }
}

/// Whose keys these are: the client, and within a hall client each staff user separately, so
/// two clerks at the same hall never replay each other's answers.
fn key_owner(principal: &Principal) -> String {
    match &principal.staff {
        Some(staff) => format!("{}/{}", principal.client_id, staff.staff_id),
        None => principal.client_id.to_string(),
    }
}
