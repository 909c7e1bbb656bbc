//! The `contribution_payments` table and the set-based arrival of payments.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::Actor;
use crate::domain::{Money, PersonNo};

/// A stored payment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub payment_id: Uuid,
    pub person_no: PersonNo,
    pub periods: Vec<String>,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub channel: String,
    pub reference: String,
    pub client_id: String,
    pub state: String,
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrival_kind: Option<String>,
    pub receipt_no: Option<String>,
    pub arrived_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Inserts a payment.
pub async fn insert(conn: &mut PgConnection, row: &PaymentRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contribution_payments (payment_id, person_no, periods, amount, paid_at, channel, reference,
                                            client_id, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(row.payment_id)
    .bind(&row.person_no)
    .bind(&row.periods)
    .bind(row.amount)
    .bind(row.paid_at)
    .bind(&row.channel)
    .bind(&row.reference)
    .bind(&row.client_id)
    .bind(&row.state)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds and locks a payment.
pub async fn find_for_update(conn: &mut PgConnection, payment_id: Uuid) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as("SELECT * FROM contribution_payments WHERE payment_id = $1 FOR UPDATE")
        .bind(payment_id)
        .fetch_optional(conn)
        .await
}

/// Locks the persons who made these payments, in person-number order (no deadlocks between
/// batches).
pub async fn lock_payers(conn: &mut PgConnection, ids: &[Uuid]) -> sqlx::Result<()> {
    sqlx::query(
        "SELECT count(*) FROM (
             SELECT p.person_no FROM persons p
              WHERE p.person_no IN (SELECT person_no FROM contribution_payments WHERE payment_id = ANY($1))
              ORDER BY p.person_no
              FOR NO KEY UPDATE OF p
         ) locked",
    )
    .bind(ids)
    .execute(conn)
    .await?;
    Ok(())
}

/// How payments arrive.
#[derive(Debug)]
pub struct Arrival<'a> {
    pub at: DateTime<Utc>,
    /// `automatic` or `manual`.
    pub kind: &'a str,
    pub receipt_no: Option<&'a str>,
    pub actor: &'a Actor,
}

/// Marks payments and their contributions arrived; returns how many payments arrived. Only
/// payments still `paid` move, so repeating an arrival changes nothing.
pub async fn mark_arrived(conn: &mut PgConnection, ids: &[Uuid], arrival: &Arrival<'_>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "WITH arrived AS (
             UPDATE contribution_payments
                SET state = 'arrived', arrived_at = $2, arrival_kind = $3, receipt_no = $4, arrived_by = $5
              WHERE payment_id = ANY($1) AND state = 'paid'
              RETURNING payment_id
         )
         UPDATE contributions c SET state = 'arrived', arrived_at = $2, arrival_kind = $3
           FROM arrived WHERE c.payment_id = arrived.payment_id",
    )
    .bind(ids)
    .bind(arrival.at)
    .bind(arrival.kind)
    .bind(arrival.receipt_no)
    .bind(&arrival.actor.id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Credits the allocation of every contribution of these payments to the personal accounts of
/// employees who are not sealed or transferred out: one ledger entry (and one audit row) per
/// period, balances moved once per person. Returns the number of entries.
pub async fn allocate(conn: &mut PgConnection, ids: &[Uuid], actor: &Actor, at: DateTime<Utc>) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "WITH due AS (
             SELECT c.person_no, c.period, c.payment_id, c.allocation
               FROM contributions c JOIN persons p ON p.person_no = c.person_no
              WHERE c.payment_id = ANY($1) AND c.allocation > 0
                AND p.insurance_type = '310' AND p.status IN ('normal', 'in_arrears')
         ), totals AS (
             SELECT person_no, sum(allocation) AS total FROM due GROUP BY person_no
         ), moved AS (
             UPDATE accounts a SET balance = a.balance + t.total, last_entry_at = $2
               FROM totals t WHERE a.person_no = t.person_no
             RETURNING a.person_no, a.balance
         ), entries AS (
             INSERT INTO account_entries (person_no, kind, amount, balance_after, period, payment_id, reason,
                                          actor_kind, actor_id, channel, request_id, occurred_at)
             SELECT d.person_no, 'allocation', d.allocation,
                    m.balance - coalesce(sum(d.allocation) OVER (PARTITION BY d.person_no ORDER BY d.period
                                          ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0),
                    d.period, d.payment_id, 'contribution arrived', $3, $4, $5, $6, $2
               FROM due d JOIN moved m ON m.person_no = d.person_no
              ORDER BY d.person_no, d.period
             RETURNING id, person_no, amount, balance_after, period
         )
         -- Every movement is audited, as post_entry audits single ones.
         INSERT INTO audit_events (occurred_at, actor_kind, actor_id, client_id, channel, request_id, action,
                                   subject_kind, subject_id, details)
         SELECT $2, $3, $4, $7, $5, $6, 'account.entry', 'person', person_no,
                jsonb_build_object('kind', 'allocation', 'entry_id', id, 'period', period,
                                   'amount', amount, 'balance_after', balance_after)
           FROM entries",
    )
    .bind(ids)
    .bind(at)
    .bind(actor.kind.as_str())
    .bind(&actor.id)
    .bind(&actor.channel)
    .bind(&actor.request_id)
    .bind(&actor.client_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
