//! The `clients` table.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::ClientId;

/// A stored API client.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRow {
    pub client_id: ClientId,
    pub name: String,
    pub kind: String,
    pub secret_hash: Vec<u8>,
    pub bank_code: Option<String>,
    pub institution_code: Option<String>,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    /// The raw Ed25519 key the client signs identity assertions with.
    pub assertion_key: Option<Vec<u8>>,
}

/// Inserts a client.
pub async fn insert(conn: &mut PgConnection, row: &ClientRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO clients (client_id, name, kind, secret_hash, bank_code, institution_code, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.client_id)
    .bind(&row.name)
    .bind(&row.kind)
    .bind(&row.secret_hash)
    .bind(&row.bank_code)
    .bind(&row.institution_code)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds a client by id.
pub async fn find(conn: &mut PgConnection, client_id: &str) -> sqlx::Result<Option<ClientRow>> {
    sqlx::query_as("SELECT * FROM clients WHERE client_id = $1").bind(client_id).fetch_optional(conn).await
}

/// The raw Ed25519 key a client signs assertions with, if registered.
pub async fn assertion_key(conn: &mut PgConnection, client_id: &ClientId) -> sqlx::Result<Option<Vec<u8>>> {
    let key: Option<Option<Vec<u8>>> = sqlx::query_scalar("SELECT assertion_key FROM clients WHERE client_id = $1")
        .bind(client_id)
        .fetch_optional(conn)
        .await?;
    Ok(key.flatten())
}

/// Registers (or replaces) a client's assertion key; false for an unknown client.
pub async fn set_assertion_key(conn: &mut PgConnection, client_id: &str, key: &[u8]) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE clients SET assertion_key = $2 WHERE client_id = $1")
        .bind(client_id)
        .bind(key)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Every client, oldest first.
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<ClientRow>> {
    sqlx::query_as("SELECT * FROM clients ORDER BY created_at, client_id").fetch_all(conn).await
}

/// Disables a client (its tokens stop working at once); returns it, or `None` if unknown.
pub async fn disable(conn: &mut PgConnection, client_id: &str, at: DateTime<Utc>) -> sqlx::Result<Option<ClientRow>> {
    sqlx::query_as("UPDATE clients SET disabled_at = coalesce(disabled_at, $2) WHERE client_id = $1 RETURNING *")
        .bind(client_id)
        .bind(at)
        .fetch_optional(conn)
        .await
}

/// Replaces a client's secret digest; returns it, or `None` if unknown.
pub async fn set_secret(
    conn: &mut PgConnection,
    client_id: &str,
    secret_hash: &[u8],
) -> sqlx::Result<Option<ClientRow>> {
    sqlx::query_as("UPDATE clients SET secret_hash = $2 WHERE client_id = $1 RETURNING *")
        .bind(client_id)
        .bind(secret_hash)
        .fetch_optional(conn)
        .await
}
