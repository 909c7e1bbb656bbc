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
