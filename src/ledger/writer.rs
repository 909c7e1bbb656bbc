//! The one writer of `accounts` and `account_entries`. Every movement of personal-account money
//! — one at a time or a set-based batch — goes through [`post_batch`] (a single movement is a
//! batch of one): one statement that moves each balance once, refuses the whole batch if any
//! balance would go below zero, writes one entry per movement with the balance after it, and
//! writes each entry's audit row through the audit writer's fragment.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::EntryKind;
use super::store::EntryRow;
use crate::domain::{Money, PaymentId, PersonNo};
use crate::params;
use crate::platform::actor_sql::{BindActor, actor_columns};
use crate::platform::audit;
use crate::platform::caller::Actor;
use crate::platform::error::{Error, Result};

/// One movement of a personal account: signed (credits positive, debits negative).
#[derive(Debug, Clone)]
pub struct Movement {
    pub person_no: PersonNo,
    pub kind: EntryKind,
    pub amount: Money,
    pub period: Option<String>,
    pub payment_id: Option<PaymentId>,
    pub reason: Option<String>,
    pub approver: Option<String>,
    /// When the money moved at its source, if earlier than its recording (a remote settlement's
    /// `setl_time`); the entry still takes its place in recording order.
    pub value_at: Option<DateTime<Utc>>,
}

/// Opens an empty account (idempotent).
pub async fn open(conn: &mut PgConnection, person_no: &PersonNo, at: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO accounts (person_no, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(person_no)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Posts one movement; refused with `account.insufficient_balance` if the balance would go
/// negative.
pub async fn post(conn: &mut PgConnection, movement: Movement, actor: &Actor, at: DateTime<Utc>) -> Result<EntryRow> {
    let amount = movement.amount;
    let mut posted = post_batch(conn, std::slice::from_ref(&movement), actor, at).await.map_err(|e| match e {
        Error::Conflict { code: "account.insufficient_balance", .. } => insufficient(amount),
        other => other,
    })?;
    posted.pop().ok_or_else(|| insufficient(amount))
}

/// Posts many movements in one statement, in their order within each person; all or none (the
/// statement undoes itself if any balance would go below zero at any entry). Returns the entries
/// written, in person and input order.
pub async fn post_batch(
    conn: &mut PgConnection,
    movements: &[Movement],
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<Vec<EntryRow>> {
    if movements.is_empty() {
        return Ok(Vec::new());
    }
    let columns = Columns::of(movements);
    let entries: Vec<EntryRow> = sqlx::query_as(&STATEMENT)
        .bind(&columns.person_nos)
        .bind(&columns.kinds)
        .bind(&columns.amounts)
        .bind(&columns.periods)
        .bind(&columns.payment_ids)
        .bind(&columns.reasons)
        .bind(&columns.approvers)
        .bind(&columns.value_ats)
        .bind_actor(actor)
        .bind(at)
        .fetch_all(conn)
        .await
        .map_err(refusal)?;
    if entries.len() != movements.len() {
        // Nothing moved (had anything moved, the statement would have undone itself).
        return Err(batch_refused());
    }
    Ok(entries)
}

/// The statement's own refusal (SQLSTATE MC001) as a conflict; anything else stays internal.
fn refusal(err: sqlx::Error) -> Error {
    match err.as_database_error() {
        Some(db) if db.code().as_deref() == Some("MC001") => batch_refused(),
        _ => Error::from(err),
    }
}

fn batch_refused() -> Error {
    Error::conflict(
        "account.insufficient_balance",
        "a movement in this batch would take a personal account below zero, so none was posted",
        params! {},
    )
}

fn insufficient(amount: Money) -> Error {
    Error::conflict(
        "account.insufficient_balance",
        format!("a personal account never goes below zero, and its balance does not cover {amount}"),
        params! { "amount" => amount.to_string() },
    )
}

/// The movements as parallel arrays, for `unnest`.
struct Columns {
    person_nos: Vec<String>,
    kinds: Vec<&'static str>,
    amounts: Vec<i64>,
    periods: Vec<Option<String>>,
    payment_ids: Vec<Option<Uuid>>,
    reasons: Vec<Option<String>>,
    approvers: Vec<Option<String>>,
    value_ats: Vec<Option<DateTime<Utc>>>,
}

impl Columns {
    fn of(movements: &[Movement]) -> Self {
        Self {
            person_nos: movements.iter().map(|m| m.person_no.as_str().to_owned()).collect(),
            kinds: movements.iter().map(|m| m.kind.as_str()).collect(),
            amounts: movements.iter().map(|m| m.amount.fen()).collect(),
            periods: movements.iter().map(|m| m.period.clone()).collect(),
            payment_ids: movements.iter().map(|m| m.payment_id.map(|id| id.0)).collect(),
            reasons: movements.iter().map(|m| m.reason.clone()).collect(),
            approvers: movements.iter().map(|m| m.approver.clone()).collect(),
            value_ats: movements.iter().map(|m| m.value_at).collect(),
        }
    }
}

/// The statement: `$1..$8` the movements, `$9..$13` the actor, `$14` the time. A person's
/// balance moves once by the sum of their movements, and only if the running balance stays
/// non-negative at every one of them (re-checked on the locked row); each entry's
/// `balance_after` is that running balance. If some person's balance did not move, the final
/// `medcard_require` aborts the statement, undoing the others.
static STATEMENT: LazyLock<String> = LazyLock::new(statement);

fn statement() -> String {
    let audit_source = format!(
        "(SELECT $14::timestamptz AS occurred_at, {}, 'account.entry'::text AS action,
                 'person'::text AS subject_kind, person_no AS subject_id,
                 jsonb_build_object('kind', kind, 'entry_id', id, 'period', period, 'amount', amount,
                                    'balance_after', balance_after) AS details
            FROM entries) AS entry_audit",
        actor_columns(9)
    );
    format!(
        "WITH input AS (
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::uuid[], $6::text[], $7::text[],
                           $8::timestamptz[])
                    WITH ORDINALITY AS i (person_no, kind, amount, period, payment_id, reason, approver, value_at, seq)
         ), running AS (
             SELECT person_no, sum(amount) OVER (PARTITION BY person_no ORDER BY seq) AS so_far FROM input
         ), totals AS (
             SELECT i.person_no, i.total, least(0, r.lowest) AS lowest
               FROM (SELECT person_no, sum(amount) AS total FROM input GROUP BY person_no) i
               JOIN (SELECT person_no, min(so_far) AS lowest FROM running GROUP BY person_no) r USING (person_no)
         ), moved AS (
             UPDATE accounts a SET balance = a.balance + t.total, last_entry_at = $14
               FROM totals t WHERE a.person_no = t.person_no AND a.balance + t.lowest >= 0
             RETURNING a.person_no, a.balance
         ), entries AS (
             INSERT INTO account_entries (person_no, kind, amount, balance_after, period, payment_id, reason,
                                          approver, actor_kind, actor_id, channel, request_id, occurred_at,
                                          value_at)
             SELECT i.person_no, i.kind, i.amount,
                    m.balance - coalesce(sum(i.amount) OVER (PARTITION BY i.person_no ORDER BY i.seq
                                          ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0),
                    i.period, i.payment_id, i.reason, i.approver, $9, $10, $12, $13, $14,
                    CASE WHEN i.value_at < $14 THEN i.value_at END
               FROM input i JOIN moved m ON m.person_no = i.person_no
              ORDER BY i.person_no, i.seq
             RETURNING *
         ), audited AS (
             {}
         )
         SELECT entries.* FROM entries
          WHERE medcard_require((SELECT count(*) FROM moved) = (SELECT count(*) FROM totals),
                                'account.insufficient_balance')
          ORDER BY id",
        audit::store::insert_from(&audit_source)
    )
}

/// Bulk-loads accounts, each with its final balance (which must equal the sum of its imported entries: `medcard ledger check` verifies it) (the demo data set): one row per line, fields in the order
/// `person_no, balance, last_entry_at, created_at`.
pub async fn import_accounts(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "accounts (person_no, balance, last_entry_at, created_at)", rows).await
}

/// Bulk-loads account entries, each person's in the order they happened (the id sequence then orders them), each with its running balance after (the demo data set): one row per line, fields in the order
/// `person_no, kind, amount, balance_after, period, payment_id, reason, approver, actor_kind, actor_id, channel, request_id, occurred_at, value_at`.
pub async fn import_entries(conn: &mut PgConnection, rows: crate::platform::copy::CopyRows) -> sqlx::Result<u64> {
    crate::platform::copy::copy_in(conn, "account_entries (person_no, kind, amount, balance_after, period, payment_id, reason, approver, actor_kind, actor_id, channel, request_id, occurred_at, value_at)", rows).await
}
