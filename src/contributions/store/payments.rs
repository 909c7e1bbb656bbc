//! The `contribution_payments` table and the set-based arrival of payments.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::contributions::{ArrivalKind, Payment};
use crate::domain::{Money, PaymentId, PersonNo};
use crate::ledger::{EntryKind, Movement};
use crate::platform::caller::Actor;

/// Inserts a payment.
pub async fn insert(conn: &mut PgConnection, row: &Payment) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO contribution_payments (payment_id, person_no, periods, amount, paid_at, channel, reference,
                                            client_id, bank_code, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(row.payment_id)
    .bind(&row.person_no)
    .bind(&row.periods)
    .bind(row.amount)
    .bind(row.paid_at)
    .bind(row.channel)
    .bind(&row.reference)
    .bind(&row.client_id)
    .bind(&row.bank_code)
    .bind(row.state)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds and locks a payment.
pub async fn find_for_update(conn: &mut PgConnection, payment_id: PaymentId) -> sqlx::Result<Option<Payment>> {
    sqlx::query_as("SELECT * FROM contribution_payments WHERE payment_id = $1 FOR UPDATE")
        .bind(payment_id)
        .fetch_optional(conn)
        .await
}

/// Locks the persons who made these payments, in person-number order (no deadlocks between
/// batches).
pub async fn lock_payers(conn: &mut PgConnection, ids: &[PaymentId]) -> sqlx::Result<()> {
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
    pub kind: ArrivalKind,
    pub receipt_no: Option<&'a str>,
    pub actor: &'a Actor,
}

/// Marks payments and their contributions arrived; returns the payments that arrived. Only
/// payments still `paid` move, so repeating an arrival changes nothing.
pub async fn mark_arrived(
    conn: &mut PgConnection,
    ids: &[PaymentId],
    arrival: &Arrival<'_>,
) -> sqlx::Result<Vec<PaymentId>> {
    sqlx::query_scalar(
        "WITH arrived AS (
             UPDATE contribution_payments
                SET state = 'arrived', arrived_at = $2, arrival_kind = $3, receipt_no = $4, arrived_by = $5
              WHERE payment_id = ANY($1) AND state = 'paid'
              RETURNING payment_id
         ), periods AS (
             UPDATE contributions c SET state = 'arrived', arrived_at = $2, arrival_kind = $3
               FROM arrived WHERE c.payment_id = arrived.payment_id
         )
         SELECT payment_id FROM arrived",
    )
    .bind(ids)
    .bind(arrival.at)
    .bind(arrival.kind)
    .bind(arrival.receipt_no)
    .bind(&arrival.actor.id)
    .fetch_all(conn)
    .await
}

/// What arrival of these payments credits: the allocation of every contribution they paid, for
/// employees who are not sealed or transferred out, in person and period order. Pass only the
/// payments that have just arrived ([`mark_arrived`]'s answer): a payment's months are credited
/// once.
pub async fn allocations_due(conn: &mut PgConnection, ids: &[PaymentId]) -> sqlx::Result<Vec<Movement>> {
    let rows: Vec<(PersonNo, String, PaymentId, Money)> = sqlx::query_as(
        "SELECT c.person_no, c.period, c.payment_id, c.allocation
           FROM contributions c JOIN persons p ON p.person_no = c.person_no
          WHERE c.payment_id = ANY($1) AND c.allocation > 0
            AND p.insurance_type = '310' AND p.status IN ('normal', 'in_arrears')
          ORDER BY c.person_no, c.period",
    )
    .bind(ids)
    .fetch_all(conn)
    .await?;
    let movement = |(person_no, period, payment_id, amount): (PersonNo, String, PaymentId, Money)| Movement {
        person_no,
        kind: EntryKind::Allocation,
        amount,
        period: Some(period),
        payment_id: Some(payment_id),
        reason: Some("contribution arrived".to_owned()),
        approver: None,
        value_at: None,
    };
    Ok(rows.into_iter().map(movement).collect())
}

/// Bulk-loads contribution payments (the demo data set): one row per line, fields in the order
/// `payment_id, person_no, periods, amount, paid_at, channel, reference, client_id, state, arrived_at, arrival_kind, receipt_no, arrived_by, created_at, bank_code`.
pub async fn import_payments(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "contribution_payments (payment_id, person_no, periods, amount, paid_at, channel, reference, client_id, state, arrived_at, arrival_kind, receipt_no, arrived_by, created_at, bank_code)", rows).await
}
