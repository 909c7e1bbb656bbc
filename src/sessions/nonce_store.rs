//! The `assertion_nonces` table: each assertion nonce is accepted once per client.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::ClientId;

/// Claims a nonce; false when it was seen before. Nonces of long-expired assertions are
/// pruned on the way (a stale assertion is refused anyway).
pub async fn claim(
    conn: &mut PgConnection,
    client_id: &ClientId,
    nonce: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<bool> {
    sqlx::query("DELETE FROM assertion_nonces WHERE client_id = $1 AND expires_at < $2 - interval '1 day'")
        .bind(client_id)
        .bind(expires_at)
        .execute(&mut *conn)
        .await?;
    let done = sqlx::query(
        "INSERT INTO assertion_nonces (client_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
    .bind(client_id)
    .bind(nonce)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
