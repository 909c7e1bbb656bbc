//! The `access_tokens` table.

use crate::domain::{ClientId, StaffId};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A token to store.
#[derive(Debug)]
pub struct NewToken<'a> {
    pub token_hash: &'a [u8],
    pub client_id: &'a ClientId,
    pub staff_id: Option<StaffId>,
    pub scopes: Vec<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A live token with what it takes to build the principal.
#[derive(Debug, sqlx::FromRow)]
pub struct TokenGrant {
    pub client_id: ClientId,
    pub client_kind: String,
    pub bank_code: Option<String>,
    pub institution_code: Option<String>,
    pub scopes: Vec<String>,
    pub staff_id: Option<StaffId>,
    pub staff_username: Option<String>,
    pub staff_role: Option<String>,
    pub staff_identified: Option<bool>,
}

/// Stores a token.
pub async fn insert(conn: &mut PgConnection, token: &NewToken<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, client_id, staff_id, scopes, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.token_hash)
    .bind(token.client_id)
    .bind(token.staff_id)
    .bind(&token.scopes)
    .bind(token.issued_at)
    .bind(token.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The grant behind a token that is unexpired at `now`, unrevoked, and whose client is enabled.
pub async fn find_live(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<TokenGrant>> {
    sqlx::query_as(
        "SELECT t.client_id, c.kind AS client_kind, c.bank_code, c.institution_code, t.scopes, t.staff_id,
                s.username AS staff_username, s.role AS staff_role, s.id_number IS NOT NULL AS staff_identified
           FROM access_tokens t
           JOIN clients c ON c.client_id = t.client_id
           LEFT JOIN staff_users s ON s.staff_id = t.staff_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2
            AND c.disabled_at IS NULL",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Revokes a token; returns whether a live one was revoked.
pub async fn revoke(conn: &mut PgConnection, token_hash: &[u8], now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE access_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
