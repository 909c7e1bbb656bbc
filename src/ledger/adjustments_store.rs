//! The `account_adjustments` table: requested, then approved or rejected by someone else.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Adjustment, AdjustmentState};

/// Stores a new pending request.
pub async fn insert(conn: &mut PgConnection, row: &Adjustment) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_adjustments (adjustment_id, person_no, amount, reason, requested_by, requested_at, state)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending')",
    )
    .bind(row.adjustment_id)
    .bind(&row.person_no)
    .bind(row.amount)
    .bind(&row.reason)
    .bind(&row.requested_by)
    .bind(row.requested_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds and locks a request.
pub async fn find_for_update(conn: &mut PgConnection, id: Uuid) -> sqlx::Result<Option<Adjustment>> {
    sqlx::query_as("SELECT * FROM account_adjustments WHERE adjustment_id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Records the decision (and, for an approval, the ledger entry it posted) on a request that is
/// still pending; returns whether it was.
pub async fn decide(
    conn: &mut PgConnection,
    id: Uuid,
    state: AdjustmentState,
    by: &str,
    at: DateTime<Utc>,
    entry_id: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE account_adjustments SET state = $2, decided_by = $3, decided_at = $4, entry_id = $5
          WHERE adjustment_id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(by)
    .bind(at)
    .bind(entry_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
