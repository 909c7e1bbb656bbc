//! The append-only `audit_events` table.

use crate::platform::actor_sql::BindActor;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::platform::caller::Actor;

/// One audit row to write.
#[derive(Debug)]
pub struct NewAuditEvent<'a> {
    pub actor: &'a Actor,
    pub action: &'a str,
    pub subject_kind: Option<&'a str>,
    pub subject_id: Option<&'a str>,
    pub details: Value,
    pub at: DateTime<Utc>,
}

/// A stored audit row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: String,
    pub client_id: Option<String>,
    pub channel: String,
    pub request_id: Option<String>,
    pub action: String,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub details: Value,
}

/// Filters for listing audit rows, newest first.
#[derive(Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub subject_id: Option<String>,
    pub actor_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only rows with an id below this (the cursor).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// The columns of an audit row, in the order [`insert_from`] selects them.
const COLUMNS: &str =
    "occurred_at, actor_kind, actor_id, client_id, channel, request_id, action, subject_kind, subject_id, details";

/// The one statement that writes audit rows: every row `source` (a table expression exposing
/// the columns above by name) becomes one audit row. Single events and set-based batches both
/// write through it, so the audit trail has one shape.
pub fn insert_from(source: &str) -> String {
    format!("INSERT INTO audit_events ({COLUMNS}) SELECT {COLUMNS} FROM {source}")
}

/// The single-row insert, built once from the same fragment (every operation writes one).
static INSERT_ONE: LazyLock<String> = LazyLock::new(|| {
    insert_from(&format!(
        "(VALUES ($1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text,
                  $9::text, $10::jsonb)) AS event ({COLUMNS})"
    ))
});

/// Appends one audit row.
pub async fn insert(conn: &mut PgConnection, event: &NewAuditEvent<'_>) -> sqlx::Result<()> {
    sqlx::query(&INSERT_ONE)
        .bind(event.at)
        .bind_actor(event.actor)
        .bind(event.action)
        .bind(event.subject_kind)
        .bind(event.subject_id)
        .bind(&event.details)
        .execute(conn)
        .await?;
    Ok(())
}

/// Lists audit rows matching `filter`, newest first.
pub async fn list(conn: &mut PgConnection, filter: &AuditFilter) -> sqlx::Result<Vec<AuditRow>> {
    sqlx::query_as(
        "SELECT * FROM audit_events
          WHERE ($1::text IS NULL OR action = $1)
            AND ($2::text IS NULL OR subject_id = $2)
            AND ($3::text IS NULL OR actor_id = $3)
            AND ($4::timestamptz IS NULL OR occurred_at >= $4)
            AND ($5::timestamptz IS NULL OR occurred_at < $5)
            AND ($6::bigint IS NULL OR id < $6)
          ORDER BY id DESC
          LIMIT $7",
    )
    .bind(&filter.action)
    .bind(&filter.subject_id)
    .bind(&filter.actor_id)
    .bind(filter.from)
    .bind(filter.to)
    .bind(filter.before_id)
    .bind(filter.limit)
    .fetch_all(conn)
    .await
}
