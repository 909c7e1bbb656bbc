//! The `sms_codes` table.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A code to store.
#[derive(Debug)]
pub struct NewCode<'a> {
    pub code_id: Uuid,
    pub phone: &'a str,
    pub purpose: &'a str,
    pub salt: &'a [u8],
    pub hash: &'a [u8],
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The latest code for a phone and purpose, as a check sees it.
#[derive(Debug, sqlx::FromRow)]
pub struct CodeRow {
    pub code_id: Uuid,
    pub code_salt: Vec<u8>,
    pub code_hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
    /// Checks made, this one included.
    pub checks: i32,
    pub consumed_at: Option<DateTime<Utc>>,
}

/// Serialises sends to one phone for the rest of the transaction, so two concurrent sends
/// cannot both pass the interval and daily checks.
pub async fn lock_phone(conn: &mut PgConnection, phone: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('sms_codes:' || $1))").bind(phone).execute(conn).await?;
    Ok(())
}

/// The last send to `phone` since `since`, and the number of sends since `day_start`.
pub async fn recent_sends(
    conn: &mut PgConnection,
    phone: &str,
    day_start: DateTime<Utc>,
    since: DateTime<Utc>,
) -> sqlx::Result<(Option<DateTime<Utc>>, i64)> {
    sqlx::query_as(
        "SELECT max(sent_at), count(*) FILTER (WHERE sent_at >= $2) FROM sms_codes
          WHERE phone = $1 AND sent_at >= least($2, $3)",
    )
    .bind(phone)
    .bind(day_start)
    .bind(since)
    .fetch_one(conn)
    .await
}

/// Stores a code.
pub async fn insert(conn: &mut PgConnection, code: &NewCode<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sms_codes (code_id, phone, purpose, code_salt, code_hash, sent_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(code.code_id)
    .bind(code.phone)
    .bind(code.purpose)
    .bind(code.salt)
    .bind(code.hash)
    .bind(code.sent_at)
    .bind(code.expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts one more check against the latest code for `phone` and `purpose` and returns it;
/// committed on its own so a wrong guess counts even when the operation it guarded fails.
pub async fn count_check(conn: &mut PgConnection, phone: &str, purpose: &str) -> sqlx::Result<Option<CodeRow>> {
    sqlx::query_as(
        "UPDATE sms_codes SET checks = checks + 1
          WHERE code_id = (SELECT code_id FROM sms_codes WHERE phone = $1 AND purpose = $2
                            ORDER BY sent_at DESC, code_id LIMIT 1)
         RETURNING code_id, code_salt, code_hash, expires_at, checks, consumed_at",
    )
    .bind(phone)
    .bind(purpose)
    .fetch_optional(conn)
    .await
}

/// Marks a code used; false if another request used it first.
pub async fn consume(conn: &mut PgConnection, code_id: Uuid, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE sms_codes SET consumed_at = $2 WHERE code_id = $1 AND consumed_at IS NULL")
        .bind(code_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
