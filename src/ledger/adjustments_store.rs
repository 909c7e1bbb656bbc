//! The `account_adjustments` table: requested, then approved or rejected by another person,
//! or closed unapproved (expired, voided).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use super::{Adjustment, AdjustmentState};
use crate::domain::{AdjustmentId, PersonNo, StaffId};
use crate::platform::actor_sql::{BindActor, actor_columns};
use crate::platform::audit;
use crate::platform::caller::Actor;

/// Stores a new pending request.
pub async fn insert(conn: &mut PgConnection, row: &Adjustment) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO account_adjustments (adjustment_id, person_no, amount, reason, requested_by, requester_staff_id,
                                          requested_at, expires_on, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')",
    )
    .bind(row.adjustment_id)
    .bind(&row.person_no)
    .bind(row.amount)
    .bind(&row.reason)
    .bind(&row.requested_by)
    .bind(row.requester_staff_id)
    .bind(row.requested_at)
    .bind(row.expires_on)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds a request.
pub async fn find(conn: &mut PgConnection, id: AdjustmentId) -> sqlx::Result<Option<Adjustment>> {
    sqlx::query_as("SELECT * FROM account_adjustments WHERE adjustment_id = $1").bind(id).fetch_optional(conn).await
}

/// Finds and locks a request.
pub async fn find_for_update(conn: &mut PgConnection, id: AdjustmentId) -> sqlx::Result<Option<Adjustment>> {
    sqlx::query_as("SELECT * FROM account_adjustments WHERE adjustment_id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Who decides a request: the staff account.
#[derive(Debug, Clone, Copy)]
pub struct Decider<'a> {
    pub username: &'a str,
    pub staff_id: StaffId,
}

/// Records the decision (and, for an approval, the ledger entry it posted) on a request that is
/// still pending; returns whether it was.
pub async fn decide(
    conn: &mut PgConnection,
    id: AdjustmentId,
    state: AdjustmentState,
    by: Decider<'_>,
    at: DateTime<Utc>,
    entry_id: Option<i64>,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE account_adjustments SET state = $2, decided_by = $3, decider_staff_id = $4, decided_at = $5, entry_id = $6
          WHERE adjustment_id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(by.username)
    .bind(by.staff_id)
    .bind(at)
    .bind(entry_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How pending requests are closed without a decision by a person: expired or voided.
#[derive(Debug)]
pub struct Closing<'a> {
    pub state: AdjustmentState,
    /// What closed them (`system:adjustment_expiry`, `system:transfer_out`), recorded as the
    /// decider; no username has a colon, so it is never a staff user.
    pub by: &'a str,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
}

/// Closes the pending requests of one person; returns how many.
pub async fn close_pending_of(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    closing: &Closing<'_>,
) -> sqlx::Result<u64> {
    let sql = close_statement("person_no = $9");
    bind_closing(sqlx::query_scalar(&sql), closing).bind(person_no).fetch_one(conn).await.map(|n| n as u64)
}

/// Closes every pending request whose expiry date is before `today`; returns how many.
pub async fn close_expired(conn: &mut PgConnection, today: NaiveDate, closing: &Closing<'_>) -> sqlx::Result<u64> {
    let sql = close_statement("expires_on < $9");
    bind_closing(sqlx::query_scalar(&sql), closing).bind(today).fetch_one(conn).await.map(|n| n as u64)
}

/// Closes the pending requests matching `condition` (on `$9`) and writes an audit row for each.
fn close_statement(condition: &str) -> String {
    let audit_source = format!(
        "(SELECT $3::timestamptz AS occurred_at, {}, 'account.adjustment_' || $1::text AS action,
                 'person'::text AS subject_kind, person_no AS subject_id,
                 jsonb_build_object('adjustment_id', adjustment_id) AS details FROM closed) AS closing",
        actor_columns(4)
    );
    format!(
        "WITH closed AS (
             UPDATE account_adjustments SET state = $1, decided_by = $2, decided_at = $3
              WHERE state = 'pending' AND {condition}
             RETURNING adjustment_id, person_no
         ), audit AS ({})
         SELECT count(*) FROM closed",
        audit::store::insert_from(&audit_source)
    )
}

type CountQuery<'q> = sqlx::query::QueryScalar<'q, sqlx::Postgres, i64, sqlx::postgres::PgArguments>;

fn bind_closing<'q>(query: CountQuery<'q>, closing: &'q Closing<'q>) -> CountQuery<'q> {
    query.bind(closing.state).bind(closing.by).bind(closing.at).bind_actor(closing.actor)
}
