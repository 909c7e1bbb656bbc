//! The `idempotency_keys` table.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

/// A finished request stored under its key.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredKey {
    pub request_hash: Vec<u8>,
    pub response_body: Option<Value>,
}

/// Claims a key for this request. Waits while another transaction holds the same key, so of
/// concurrent duplicates exactly one claims it; `false` when the key was already used.
pub async fn claim(
    conn: &mut PgConnection,
    client_id: &str,
    key: &str,
    request_hash: &[u8],
    at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (client_id, idempotency_key, request_hash, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(client_id)
    .bind(key)
    .bind(request_hash)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The stored request and response of a used key.
pub async fn find(conn: &mut PgConnection, client_id: &str, key: &str) -> sqlx::Result<Option<StoredKey>> {
    sqlx::query_as(
        "SELECT request_hash, response_body FROM idempotency_keys
          WHERE client_id = $1 AND idempotency_key = $2",
    )
    .bind(client_id)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Stores the result of a claimed key.
pub async fn complete(conn: &mut PgConnection, client_id: &str, key: &str, body: &Value) -> sqlx::Result<()> {
    sqlx::query("UPDATE idempotency_keys SET response_body = $3 WHERE client_id = $1 AND idempotency_key = $2")
        .bind(client_id)
        .bind(key)
        .bind(body)
        .execute(conn)
        .await?;
    Ok(())
}
