//! Set-based insured-status changes driven by contributions: the arrears sweep and the end of
//! arrears on arrival. Each writes the status, one history row and one audit row per person in
//! a single statement. The service layer decides the edge (domain::StatusRule) and passes its
//! states and dates in; these functions only select the persons and apply it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::Actor;
use crate::domain::InsuredStatus;

/// One status change applied to many persons.
#[derive(Debug)]
pub struct BulkChange<'a> {
    pub from: InsuredStatus,
    pub to: InsuredStatus,
    pub reason_code: &'a str,
    pub reason: &'a str,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
    pub effective_date: NaiveDate,
    /// Set when entering arrears; cleared otherwise.
    pub benefits_suspended_from: Option<NaiveDate>,
}

/// Persons of insurance type `$2` (employees) in `normal` with an unpaid (`due`) month up to `$1`.
const OWING: &str = "SELECT p.person_no FROM persons p
              WHERE p.status = 'normal' AND p.insurance_type = $2
                AND EXISTS (SELECT 1 FROM contributions c
                             WHERE c.person_no = p.person_no AND c.state = 'due'
                               AND length(c.period) = 7 AND c.period <= $1)";

/// Persons in arrears among the payers of the payments `$1` who owe no unarrived month up to `$2`.
const SETTLED: &str = "SELECT DISTINCT p.person_no FROM persons p
               JOIN contribution_payments cp ON cp.person_no = p.person_no
              WHERE cp.payment_id = ANY($1) AND p.status = 'in_arrears'
                AND NOT EXISTS (SELECT 1 FROM contributions c
                                 WHERE c.person_no = p.person_no AND c.state <> 'arrived'
                                   AND length(c.period) = 7 AND c.period <= $2)";

/// Locks every normal employee with an unpaid month up to `period`. The sweep runs after this
/// in a second statement, whose fresh snapshot sees any payment that committed meanwhile, and no
/// payment or status change can slip in between (they lock the person too).
pub async fn lock_sweep_candidates(conn: &mut PgConnection, period: &str) -> sqlx::Result<()> {
    let sql = format!("SELECT count(*) FROM ({OWING} ORDER BY p.person_no FOR NO KEY UPDATE OF p) locked");
    sqlx::query(&sql).bind(period).bind(EMPLOYEE).execute(conn).await?;
    Ok(())
}

/// Only employees owe months; residents' yearly contribution is not swept.
const EMPLOYEE: &str = "310";

/// Moves every normal employee with a month up to `period` still unpaid into arrears.
pub async fn sweep(conn: &mut PgConnection, period: &str, change: &BulkChange<'_>) -> sqlx::Result<u64> {
    let sql = statement(OWING);
    let query = sqlx::query_scalar::<_, i64>(&sql).bind(period).bind(EMPLOYEE);
    bind_change(query, change).fetch_one(conn).await.map(|n| n as u64)
}

/// Ends the arrears of the payers of `payment_ids` who no longer owe a month up to
/// `closed_through`.
pub async fn restore(
    conn: &mut PgConnection,
    payment_ids: &[Uuid],
    closed_through: &str,
    change: &BulkChange<'_>,
) -> sqlx::Result<u64> {
    let sql = statement(SETTLED);
    let query = sqlx::query_scalar::<_, i64>(&sql).bind(payment_ids).bind(closed_through);
    bind_change(query, change).fetch_one(conn).await.map(|n| n as u64)
}

/// The one statement both changes share: update the selected persons still in `change.from`
/// (re-checked on the row, so a change committed meanwhile wins), then write their history and
/// audit rows. `$1` and `$2` belong to the selection.
fn statement(selection: &str) -> String {
    format!(
        "WITH candidates AS ({selection}), moved AS (
             UPDATE persons p SET status = $4, benefits_suspended_from = $5, status_changed_at = $6
               FROM candidates WHERE p.person_no = candidates.person_no AND p.status = $3
             RETURNING p.person_no
         ), history AS (
             INSERT INTO person_status_history (person_no, from_status, to_status, reason_code, reason, actor_kind,
                                                actor_id, client_id, channel, request_id, occurred_at, effective_date)
             SELECT person_no, $3, $4, $7, $8, $9, $10, $11, $12, $13, $6, $14 FROM moved
         ), audit AS (
             INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action,
                                       subject_kind, subject_id, details)
             SELECT $6, $9, $10, $11, $12, $13, 'person.status_change', 'person', person_no,
                    jsonb_build_object('from', $3::text, 'to', $4::text, 'reason_code', $7::text)
               FROM moved
         )
         SELECT count(*) FROM moved"
    )
}

type ScalarQuery<'q> = sqlx::query::QueryScalar<'q, sqlx::Postgres, i64, sqlx::postgres::PgArguments>;

/// Binds `$3` onwards: the edge, the dates and the actor.
fn bind_change<'q>(query: ScalarQuery<'q>, change: &'q BulkChange<'q>) -> ScalarQuery<'q> {
    query
        .bind(change.from)
        .bind(change.to)
        .bind(change.benefits_suspended_from)
        .bind(change.at)
        .bind(change.reason_code)
        .bind(change.reason)
        .bind(change.actor.kind.as_str())
        .bind(&change.actor.id)
        .bind(&change.actor.client_id)
        .bind(&change.actor.channel)
        .bind(&change.actor.request_id)
        .bind(change.effective_date)
}
