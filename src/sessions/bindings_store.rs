//! The `channel_bindings` and `binding_failures` tables.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::{BindingId, ClientId, PersonNo};

/// A stored binding.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct BindingRow {
    /// The binding's id.
    pub binding_id: BindingId,
    /// The client (channel) the account belongs to.
    pub client_id: ClientId,
    /// That client's kind.
    pub channel: String,
    /// The channel's reference of its user (e.g. a WeChat openid).
    pub channel_user_ref: String,
    /// The person bound.
    pub person_no: PersonNo,
    /// When it was made.
    pub bound_at: DateTime<Utc>,
    /// When it ended, if it has.
    pub ended_at: Option<DateTime<Utc>>,
    /// `unbound`, `replaced`, `removed_by_hall` or `transferred_out`.
    pub end_reason: Option<String>,
    /// Who ended it (person number, staff username, client id).
    pub ended_by: Option<String>,
}

/// Stores a new binding.
pub async fn insert(conn: &mut PgConnection, row: &BindingRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO channel_bindings (binding_id, client_id, channel, channel_user_ref, person_no, bound_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(row.binding_id)
    .bind(&row.client_id)
    .bind(&row.channel)
    .bind(&row.channel_user_ref)
    .bind(&row.person_no)
    .bind(row.bound_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The live binding of a channel account on a client.
pub async fn find_live_by_ref(
    conn: &mut PgConnection,
    client_id: &ClientId,
    channel_user_ref: &str,
) -> sqlx::Result<Option<BindingRow>> {
    sqlx::query_as("SELECT * FROM channel_bindings WHERE client_id = $1 AND channel_user_ref = $2 AND ended_at IS NULL")
        .bind(client_id)
        .bind(channel_user_ref)
        .fetch_optional(conn)
        .await
}

/// One binding, locked for a change.
pub async fn find_for_update(conn: &mut PgConnection, binding_id: BindingId) -> sqlx::Result<Option<BindingRow>> {
    sqlx::query_as("SELECT * FROM channel_bindings WHERE binding_id = $1 FOR UPDATE")
        .bind(binding_id)
        .fetch_optional(conn)
        .await
}

/// A person's bindings, newest first.
pub async fn list_for_person(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Vec<BindingRow>> {
    sqlx::query_as("SELECT * FROM channel_bindings WHERE person_no = $1 ORDER BY bound_at DESC, binding_id")
        .bind(person_no)
        .fetch_all(conn)
        .await
}

/// Why and by whom live bindings end.
#[derive(Debug, Clone, Copy)]
pub struct Ending<'a> {
    pub reason: &'a str,
    pub by: &'a str,
    pub at: DateTime<Utc>,
}

/// Ends one live binding; returns it as ended, or `None` if it had already ended.
pub async fn end(
    conn: &mut PgConnection,
    binding_id: BindingId,
    ending: Ending<'_>,
) -> sqlx::Result<Option<BindingRow>> {
    sqlx::query_as(
        "UPDATE channel_bindings SET ended_at = $2, end_reason = $3, ended_by = $4
          WHERE binding_id = $1 AND ended_at IS NULL RETURNING *",
    )
    .bind(binding_id)
    .bind(ending.at)
    .bind(ending.reason)
    .bind(ending.by)
    .fetch_optional(conn)
    .await
}

/// Ends a person's live bindings, on one client or (with `None`) on all; returns them.
pub async fn end_for_person(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    client_id: Option<&ClientId>,
    ending: Ending<'_>,
) -> sqlx::Result<Vec<BindingRow>> {
    sqlx::query_as(
        "UPDATE channel_bindings SET ended_at = $3, end_reason = $4, ended_by = $5
          WHERE person_no = $1 AND ended_at IS NULL AND ($2::text IS NULL OR client_id = $2) RETURNING *",
    )
    .bind(person_no)
    .bind(client_id)
    .bind(ending.at)
    .bind(ending.reason)
    .bind(ending.by)
    .fetch_all(conn)
    .await
}

/// Records a failed binding attempt.
pub async fn insert_failure(
    conn: &mut PgConnection,
    client_id: &ClientId,
    id_number_hash: &[u8],
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO binding_failures (client_id, id_number_hash, failed_at) VALUES ($1, $2, $3)")
        .bind(client_id)
        .bind(id_number_hash)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Failed attempts since `since`: for this ID number, and through this client.
pub async fn count_failures(
    conn: &mut PgConnection,
    client_id: &ClientId,
    id_number_hash: &[u8],
    since: DateTime<Utc>,
) -> sqlx::Result<(i64, i64)> {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM binding_failures WHERE id_number_hash = $2 AND failed_at >= $3),
                (SELECT count(*) FROM binding_failures WHERE client_id = $1 AND failed_at >= $3)",
    )
    .bind(client_id)
    .bind(id_number_hash)
    .bind(since)
    .fetch_one(conn)
    .await
}
