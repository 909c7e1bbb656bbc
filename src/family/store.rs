//! The `family_bindings` and `family_payments` tables.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{BindingState, FamilyRelation};
use crate::domain::{Money, PersonNo};

/// A stored binding.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BindingRow {
    pub binding_id: Uuid,
    /// Whose account helps pay.
    pub holder_person_no: PersonNo,
    /// Whose bills it helps pay.
    pub relative_person_no: PersonNo,
    /// What the relative is to the holder.
    pub relationship: FamilyRelation,
    pub state: BindingState,
    /// The relative's order among their holders (1 pays first).
    pub priority: i32,
    pub requested_by: String,
    pub requested_via: String,
    pub proof_kind: Option<String>,
    pub requested_at: DateTime<Utc>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub unbound_at: Option<DateTime<Utc>>,
    pub unbound_by: Option<String>,
    pub unbound_reason: Option<String>,
}

/// Stores a new binding; false when the two already have a live one.
pub async fn insert(conn: &mut PgConnection, row: &BindingRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "INSERT INTO family_bindings (binding_id, holder_person_no, relative_person_no, relationship, state, priority,
                                      requested_by, requested_via, proof_kind, requested_at, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (holder_person_no, relative_person_no) WHERE state <> 'unbound' DO NOTHING",
    )
    .bind(row.binding_id)
    .bind(&row.holder_person_no)
    .bind(&row.relative_person_no)
    .bind(row.relationship)
    .bind(row.state)
    .bind(row.priority)
    .bind(&row.requested_by)
    .bind(&row.requested_via)
    .bind(&row.proof_kind)
    .bind(row.requested_at)
    .bind(row.confirmed_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One binding.
pub async fn find(conn: &mut PgConnection, binding_id: Uuid) -> sqlx::Result<Option<BindingRow>> {
    sqlx::query_as("SELECT * FROM family_bindings WHERE binding_id = $1").bind(binding_id).fetch_optional(conn).await
}

/// How many live bindings a holder has.
pub async fn live_count(conn: &mut PgConnection, holder: &PersonNo) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM family_bindings WHERE holder_person_no = $1 AND state <> 'unbound'")
        .bind(holder)
        .fetch_one(conn)
        .await
}

/// The priority after the relative's last live binding.
pub async fn next_priority(conn: &mut PgConnection, relative: &PersonNo) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "SELECT coalesce(max(priority), 0) + 1 FROM family_bindings WHERE relative_person_no = $1 AND state <> 'unbound'",
    )
    .bind(relative)
    .fetch_one(conn)
    .await
}

/// Confirms a requested binding (with the hall's proof, when the hall confirms).
pub async fn confirm(
    conn: &mut PgConnection,
    binding_id: Uuid,
    proof: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<BindingRow> {
    sqlx::query_as(
        "UPDATE family_bindings SET state = 'active', confirmed_at = $2, proof_kind = coalesce($3, proof_kind)
          WHERE binding_id = $1 RETURNING *",
    )
    .bind(binding_id)
    .bind(now)
    .bind(proof)
    .fetch_one(conn)
    .await
}

/// Ends a live binding.
pub async fn unbind(
    conn: &mut PgConnection,
    binding_id: Uuid,
    (by, reason): (&str, &str),
    now: DateTime<Utc>,
) -> sqlx::Result<BindingRow> {
    sqlx::query_as(
        "UPDATE family_bindings SET state = 'unbound', unbound_at = $2, unbound_by = $3, unbound_reason = $4
          WHERE binding_id = $1 RETURNING *",
    )
    .bind(binding_id)
    .bind(now)
    .bind(by)
    .bind(reason)
    .fetch_one(conn)
    .await
}

/// Ends every live binding the person is either side of (a transfer out); returns them.
pub async fn unbind_all_of(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<BindingRow>> {
    sqlx::query_as(
        "UPDATE family_bindings SET state = 'unbound', unbound_at = $2, unbound_by = $3, unbound_reason = 'transferred_out'
          WHERE (holder_person_no = $1 OR relative_person_no = $1) AND state <> 'unbound' RETURNING *",
    )
    .bind(person_no)
    .bind(now)
    .bind(by)
    .fetch_all(conn)
    .await
}

/// Sets the relative's order of a binding.
pub async fn set_priority(conn: &mut PgConnection, binding_id: Uuid, priority: i32) -> sqlx::Result<()> {
    sqlx::query("UPDATE family_bindings SET priority = $2 WHERE binding_id = $1")
        .bind(binding_id)
        .bind(priority)
        .execute(conn)
        .await?;
    Ok(())
}

/// A person's live bindings on either side, oldest first.
pub async fn live_of(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Vec<BindingRow>> {
    sqlx::query_as(
        "SELECT * FROM family_bindings WHERE (holder_person_no = $1 OR relative_person_no = $1) AND state <> 'unbound'
          ORDER BY requested_at, binding_id",
    )
    .bind(person_no)
    .fetch_all(conn)
    .await
}

/// The relative's active bindings in the order their holders pay.
pub async fn active_for_relative(conn: &mut PgConnection, relative: &PersonNo) -> sqlx::Result<Vec<BindingRow>> {
    sqlx::query_as(
        "SELECT * FROM family_bindings WHERE relative_person_no = $1 AND state = 'active' ORDER BY priority, confirmed_at",
    )
    .bind(relative)
    .fetch_all(conn)
    .await
}

/// A payment a holder's account made for a relative (the settlement's mutual-aid part).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    /// The binding it was paid through, its two sides, the settlement and the amount.
    pub binding_id: Uuid,
    pub holder_person_no: PersonNo,
    pub relative_person_no: PersonNo,
    /// The settlement it paid part of, or the resident contribution year it paid.
    pub setl_id: Option<String>,
    pub period: Option<String>,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    /// When a reversal gave it back, and where to (`account`, or `outside` for a holder who had
    /// transferred out: the institution refunds them directly).
    pub returned_at: Option<DateTime<Utc>>,
    pub returned_to: Option<String>,
}

/// Records a payment.
pub async fn insert_payment(
    conn: &mut PgConnection,
    binding: &BindingRow,
    setl_id: &str,
    amount: Money,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO family_payments (binding_id, holder_person_no, relative_person_no, setl_id, amount, paid_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(binding.binding_id)
    .bind(&binding.holder_person_no)
    .bind(&binding.relative_person_no)
    .bind(setl_id)
    .bind(amount)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a resident contribution year paid for the relative.
pub async fn insert_period_payment(
    conn: &mut PgConnection,
    binding: &BindingRow,
    period: &str,
    amount: Money,
    now: DateTime<Utc>,
) -> sqlx::Result<PaymentRow> {
    sqlx::query_as(
        "INSERT INTO family_payments (binding_id, holder_person_no, relative_person_no, period, amount, paid_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING *",
    )
    .bind(binding.binding_id)
    .bind(&binding.holder_person_no)
    .bind(&binding.relative_person_no)
    .bind(period)
    .bind(amount)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// The payments of a settlement not returned yet, locked for their return.
pub async fn unreturned_for(conn: &mut PgConnection, setl_id: &str) -> sqlx::Result<Vec<PaymentRow>> {
    sqlx::query_as(
        "SELECT * FROM family_payments WHERE setl_id = $1 AND returned_at IS NULL ORDER BY holder_person_no FOR UPDATE",
    )
    .bind(setl_id)
    .fetch_all(conn)
    .await
}

/// Marks a payment returned to its holder: `account` or, for a holder who transferred out,
/// `outside`.
pub async fn mark_returned(conn: &mut PgConnection, id: i64, to: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("UPDATE family_payments SET returned_at = $2, returned_to = $3 WHERE id = $1")
        .bind(id)
        .bind(now)
        .bind(to)
        .execute(conn)
        .await?;
    Ok(())
}

/// A binding's payments, newest first.
pub async fn payments_of(conn: &mut PgConnection, binding_id: Uuid, limit: i64) -> sqlx::Result<Vec<PaymentRow>> {
    sqlx::query_as("SELECT * FROM family_payments WHERE binding_id = $1 ORDER BY paid_at DESC, id DESC LIMIT $2")
        .bind(binding_id)
        .bind(limit)
        .fetch_all(conn)
        .await
}

/// Bulk-loads family bindings (the demo data set): one row per line, fields in the order
/// `binding_id, holder_person_no, relative_person_no, relationship, state, priority, requested_by, requested_via, proof_kind, requested_at, confirmed_at`.
pub async fn import_bindings(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "family_bindings (binding_id, holder_person_no, relative_person_no, relationship, state, priority, requested_by, requested_via, proof_kind, requested_at, confirmed_at)", rows).await
}
