//! The append-only `person_status_history` table and its one writer.

use crate::platform::actor_sql::BindActor;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::PersonNo;
use crate::persons::InsuredStatus;
use crate::platform::caller::Actor;

/// One history row to write.
#[derive(Debug)]
pub struct NewStatusEntry<'a> {
    pub person_no: &'a PersonNo,
    pub from: Option<InsuredStatus>,
    pub to: InsuredStatus,
    pub reason_code: &'a str,
    pub reason: &'a str,
    pub other_region: Option<&'a str>,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
    pub effective_date: NaiveDate,
}

/// A stored history row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatusEntryRow {
    pub id: i64,
    pub person_no: PersonNo,
    pub from_status: Option<InsuredStatus>,
    pub to_status: InsuredStatus,
    pub reason_code: String,
    pub reason: String,
    pub other_region: Option<String>,
    pub actor_kind: String,
    pub actor_id: String,
    pub client_id: Option<String>,
    pub channel: String,
    pub request_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub effective_date: NaiveDate,
}

/// The columns of a history row, in the order [`insert_from`] selects them.
const COLUMNS: &str = "person_no, from_status, to_status, reason_code, reason, other_region, actor_kind, actor_id, \
                       client_id, channel, request_id, occurred_at, effective_date";

/// The one statement that writes status history: every row of `source` (a table expression
/// exposing the columns above by name) becomes a history row. Single transitions and the
/// set-based arrears changes both write through it.
pub fn insert_from(source: &str) -> String {
    format!("INSERT INTO person_status_history ({COLUMNS}) SELECT {COLUMNS} FROM {source}")
}

/// The single-row insert, built once from the same fragment.
static INSERT_ONE: LazyLock<String> = LazyLock::new(|| {
    let source = format!(
        "(VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,
                  $10::text, $11::text, $12::timestamptz, $13::date)) AS entry ({COLUMNS})"
    );
    format!("{} RETURNING *", insert_from(&source))
});

/// Appends a history row and returns it as stored.
pub async fn insert(conn: &mut PgConnection, entry: &NewStatusEntry<'_>) -> sqlx::Result<StatusEntryRow> {
    sqlx::query_as(&INSERT_ONE)
        .bind(entry.person_no)
        .bind(entry.from)
        .bind(entry.to)
        .bind(entry.reason_code)
        .bind(entry.reason)
        .bind(entry.other_region)
        .bind_actor(entry.actor)
        .bind(entry.at)
        .bind(entry.effective_date)
        .fetch_one(conn)
        .await
}

/// A person's whole history, oldest first.
pub async fn list(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Vec<StatusEntryRow>> {
    sqlx::query_as("SELECT * FROM person_status_history WHERE person_no = $1 ORDER BY id")
        .bind(person_no)
        .fetch_all(conn)
        .await
}

/// Bulk-loads person status history rows (the demo data set): one row per line, fields in the order
/// `person_no, from_status, to_status, reason_code, reason, other_region, actor_kind, actor_id, client_id, channel, request_id, occurred_at, effective_date`.
pub async fn import_status_history(
    conn: &mut PgConnection,
    rows: crate::platform::copy::CopyRows,
) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "person_status_history (person_no, from_status, to_status, reason_code, reason, other_region, actor_kind, actor_id, client_id, channel, request_id, occurred_at, effective_date)", rows).await
}
