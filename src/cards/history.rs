//! The append-only `card_transitions` table.

use crate::platform::actor_sql::BindActor;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgConnection;

use crate::cards::CardState;
use crate::domain::{CardNo, PersonNo};
use crate::platform::caller::Actor;

/// One history row to write.
#[derive(Debug)]
pub struct NewCardTransition<'a> {
    pub card_no: &'a CardNo,
    pub person_no: &'a PersonNo,
    pub from: Option<CardState>,
    pub to: CardState,
    pub reason_code: &'a str,
    pub reason: &'a str,
    pub actor: &'a Actor,
    pub details: Value,
    pub at: DateTime<Utc>,
}

/// A stored history row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CardTransitionRow {
    pub id: i64,
    pub card_no: CardNo,
    pub person_no: PersonNo,
    pub from_state: Option<CardState>,
    pub to_state: CardState,
    pub reason_code: String,
    pub reason: String,
    pub actor_kind: String,
    pub actor_id: String,
    pub client_id: Option<String>,
    pub channel: String,
    pub request_id: Option<String>,
    pub details: Value,
    pub occurred_at: DateTime<Utc>,
}

/// Appends a history row.
pub async fn insert(conn: &mut PgConnection, t: &NewCardTransition<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO card_transitions (card_no, person_no, from_state, to_state, reason_code, reason,
             actor_kind, actor_id, client_id, channel, request_id, details, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(t.card_no)
    .bind(t.person_no)
    .bind(t.from)
    .bind(t.to)
    .bind(t.reason_code)
    .bind(t.reason)
    .bind_actor(t.actor)
    .bind(&t.details)
    .bind(t.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A card's whole history, oldest first.
pub async fn list(conn: &mut PgConnection, card_no: &CardNo) -> sqlx::Result<Vec<CardTransitionRow>> {
    sqlx::query_as("SELECT * FROM card_transitions WHERE card_no = $1 ORDER BY id").bind(card_no).fetch_all(conn).await
}

/// Bulk-loads card transitions, each card's in the order they happened (the demo data set): one row per line, fields in the order
/// `card_no, person_no, from_state, to_state, reason_code, reason, actor_kind, actor_id, client_id, channel, request_id, details, occurred_at`.
pub async fn import_card_transitions(
    conn: &mut PgConnection,
    rows: crate::platform::copy::CopyRows,
) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "card_transitions (card_no, person_no, from_state, to_state, reason_code, reason, actor_kind, actor_id, client_id, channel, request_id, details, occurred_at)", rows).await
}
