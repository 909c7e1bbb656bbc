//! Set-based insured-status changes driven by contributions: the arrears sweep and the end of
//! arrears on arrival. Each writes the status, one history row and one audit row per person in
//! a single statement. The service layer decides the edge (domain::StatusRule); these apply it.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::Actor;

/// One status change applied to many persons.
#[derive(Debug)]
pub struct BulkChange<'a> {
    pub reason_code: &'a str,
    pub reason: &'a str,
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
    pub effective_date: NaiveDate,
}

/// Locks every normal employee with an unpaid month up to `period`. The sweep runs after this
/// in a second statement, whose fresh snapshot sees any payment that committed meanwhile, and no
/// payment or status change can slip in between (they lock the person too).
pub async fn lock_sweep_candidates(conn: &mut PgConnection, period: &str) -> sqlx::Result<()> {
    sqlx::query(
        "SELECT count(*) FROM (
             SELECT p.person_no FROM persons p
              WHERE p.status = 'normal' AND p.insurance_type = '310'
                AND EXISTS (SELECT 1 FROM contributions c
                             WHERE c.person_no = p.person_no AND c.state = 'due'
                               AND length(c.period) = 7 AND c.period <= $1)
              FOR UPDATE OF p
         ) locked",
    )
    .bind(period)
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves every normal employee with a month up to `period` still unpaid (`due`) into arrears.
/// Returns how many moved.
pub async fn sweep(
    conn: &mut PgConnection,
    period: &str,
    suspended_from: NaiveDate,
    change: &BulkChange<'_>,
) -> sqlx::Result<u64> {
    let moved: i64 = sqlx::query_scalar(
        "WITH owing AS (
             SELECT p.person_no FROM persons p
              WHERE p.status = 'normal' AND p.insurance_type = '310'
                AND EXISTS (SELECT 1 FROM contributions c
                             WHERE c.person_no = p.person_no AND c.state = 'due'
                               AND length(c.period) = 7 AND c.period <= $1)
              FOR UPDATE SKIP LOCKED
         ), moved AS (
             UPDATE persons p SET status = 'in_arrears', benefits_suspended_from = $2, status_changed_at = $3
               FROM owing WHERE p.person_no = owing.person_no
             RETURNING p.person_no
         ), history AS (
             INSERT INTO person_status_history (person_no, from_status, to_status, reason_code, reason, actor_kind,
                                                actor_id, client_id, channel, request_id, occurred_at, effective_date)
             SELECT person_no, 'normal', 'in_arrears', $4, $5, $6, $7, $8, $9, $10, $3, $2 FROM moved
         ), audit AS (
             INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action,
                                       subject_kind, subject_id, details)
             SELECT $3, $6, $7, $8, $9, $10, 'person.status_change', 'person', person_no,
                    jsonb_build_object('from', 'normal', 'to', 'in_arrears', 'reason_code', $4::text, 'period', $1::text)
               FROM moved
         )
         SELECT count(*) FROM moved",
    )
    .bind(period)
    .bind(suspended_from)
    .bind(change.at)
    .bind(change.reason_code)
    .bind(change.reason)
    .bind(change.actor.kind.as_str())
    .bind(&change.actor.id)
    .bind(&change.actor.client_id)
    .bind(&change.actor.channel)
    .bind(&change.actor.request_id)
    .fetch_one(conn)
    .await?;
    Ok(moved as u64)
}

/// Returns to normal every person in arrears among the payers of `payment_ids` who no longer
/// owes an unarrived month up to `closed_through`. Returns how many were restored.
pub async fn restore(
    conn: &mut PgConnection,
    payment_ids: &[Uuid],
    closed_through: &str,
    change: &BulkChange<'_>,
) -> sqlx::Result<u64> {
    let restored: i64 = sqlx::query_scalar(
        "WITH candidates AS (
             SELECT DISTINCT p.person_no FROM persons p
               JOIN contribution_payments cp ON cp.person_no = p.person_no
              WHERE cp.payment_id = ANY($1) AND p.status = 'in_arrears'
                AND NOT EXISTS (SELECT 1 FROM contributions c
                                 WHERE c.person_no = p.person_no AND c.state <> 'arrived'
                                   AND length(c.period) = 7 AND c.period <= $2)
         ), restored AS (
             UPDATE persons p SET status = 'normal', benefits_suspended_from = NULL, status_changed_at = $3
               FROM candidates WHERE p.person_no = candidates.person_no AND p.status = 'in_arrears'
             RETURNING p.person_no
         ), history AS (
             INSERT INTO person_status_history (person_no, from_status, to_status, reason_code, reason, actor_kind,
                                                actor_id, client_id, channel, request_id, occurred_at, effective_date)
             SELECT person_no, 'in_arrears', 'normal', $4, $5, $6, $7, $8, $9, $10, $3, $11 FROM restored
         ), audit AS (
             INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action,
                                       subject_kind, subject_id, details)
             SELECT $3, $6, $7, $8, $9, $10, 'person.status_change', 'person', person_no,
                    jsonb_build_object('from', 'in_arrears', 'to', 'normal', 'reason_code', $4::text)
               FROM restored
         )
         SELECT count(*) FROM restored",
    )
    .bind(payment_ids)
    .bind(closed_through)
    .bind(change.at)
    .bind(change.reason_code)
    .bind(change.reason)
    .bind(change.actor.kind.as_str())
    .bind(&change.actor.id)
    .bind(&change.actor.client_id)
    .bind(&change.actor.channel)
    .bind(&change.actor.request_id)
    .bind(change.effective_date)
    .fetch_one(conn)
    .await?;
    Ok(restored as u64)
}
