//! The `access_tokens` table.

use crate::domain::{BindingId, ClientId, PersonNo, StaffId};
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
    pub person: Option<PersonToken<'a>>,
}

/// What binds a person session's token to its person.
#[derive(Debug, Clone, Copy)]
pub struct PersonToken<'a> {
    pub person_no: &'a PersonNo,
    pub method: &'a str,
    pub binding_id: Option<BindingId>,
    pub idle_timeout_secs: i32,
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
    pub person_no: Option<PersonNo>,
    pub session_method: Option<String>,
    pub binding_id: Option<BindingId>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// The primary's WAL position after the token's last write (see [`fence`]).
    pub read_fence: Option<i64>,
}

/// Stores a token.
pub async fn insert(conn: &mut PgConnection, token: &NewToken<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO access_tokens (token_hash, client_id, staff_id, scopes, issued_at, expires_at,
                                    person_no, session_method, binding_id, idle_timeout_secs, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $7::text IS NULL THEN NULL ELSE $5 END)",
    )
    .bind(token.token_hash)
    .bind(token.client_id)
    .bind(token.staff_id)
    .bind(&token.scopes)
    .bind(token.issued_at)
    .bind(token.expires_at)
    .bind(token.person.map(|p| p.person_no))
    .bind(token.person.map(|p| p.method))
    .bind(token.person.and_then(|p| p.binding_id))
    .bind(token.person.map(|p| p.idle_timeout_secs))
    .execute(conn)
    .await?;
    Ok(())
}

/// The grant behind a token that is unexpired at `now`, unrevoked, not idle past its limit
/// (person sessions), opened through a binding that is still live (if any), and whose client
/// is enabled.
pub async fn find_live(
    conn: &mut PgConnection,
    token_hash: &[u8],
    now: DateTime<Utc>,
) -> sqlx::Result<Option<TokenGrant>> {
    sqlx::query_as(
        "SELECT t.client_id, c.kind AS client_kind, c.bank_code, c.institution_code, t.scopes, t.staff_id,
                s.username AS staff_username, s.role AS staff_role, s.id_number IS NOT NULL AS staff_identified,
                t.person_no, t.session_method, t.binding_id, t.last_used_at,
                (t.read_fence_lsn - '0/0'::pg_lsn)::int8 AS read_fence
           FROM access_tokens t
           JOIN clients c ON c.client_id = t.client_id
           LEFT JOIN staff_users s ON s.staff_id = t.staff_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2
            AND c.disabled_at IS NULL
            AND (t.idle_timeout_secs IS NULL OR t.last_used_at + make_interval(secs => t.idle_timeout_secs) > $2)
            AND (t.binding_id IS NULL OR EXISTS (SELECT 1 FROM channel_bindings b
                                                   WHERE b.binding_id = t.binding_id AND b.ended_at IS NULL))",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// Moves the read fence of these tokens to the primary's WAL insert position now: called after a
/// write has committed, so a replica that has replayed past the fence holds the write. The insert
/// position, not the write position: with `synchronous_commit = off` a commit record may not be
/// written yet when the commit returns, but it is always inserted.
pub async fn fence(conn: &mut PgConnection, token_hashes: &[Vec<u8>]) -> sqlx::Result<()> {
    sqlx::query("UPDATE access_tokens SET read_fence_lsn = pg_current_wal_insert_lsn() WHERE token_hash = ANY($1)")
        .bind(token_hashes)
        .execute(conn)
        .await?;
    Ok(())
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

/// Records that a person session was used at `now` (for its idle limit).
pub async fn touch(conn: &mut PgConnection, token_hash: &[u8], now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE access_tokens SET last_used_at = $2 WHERE token_hash = $1 AND last_used_at < $2")
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every live session of a person (a transfer out), or only those opened through
/// `binding_id` (an unbinding); returns how many.
pub async fn revoke_person_sessions(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    binding_id: Option<BindingId>,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "UPDATE access_tokens SET revoked_at = $3
          WHERE person_no = $1 AND revoked_at IS NULL AND expires_at > $3
            AND ($2::uuid IS NULL OR binding_id = $2)",
    )
    .bind(person_no)
    .bind(binding_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
