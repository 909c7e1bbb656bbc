//! Reading the `accounts` and `account_entries` tables; every write is in `writer`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::EntryKind;
use crate::domain::{Money, PaymentId, PersonNo};

/// A stored account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub person_no: PersonNo,
    pub balance: Money,
    pub last_entry_at: Option<DateTime<Utc>>,
}

/// A stored ledger entry.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub person_no: PersonNo,
    pub kind: EntryKind,
    pub amount: Money,
    pub balance_after: Money,
    pub period: Option<String>,
    pub payment_id: Option<PaymentId>,
    pub reason: Option<String>,
    pub approver: Option<String>,
    pub actor_kind: String,
    pub actor_id: String,
    pub channel: String,
    pub request_id: Option<String>,
    pub occurred_at: DateTime<Utc>,
    pub value_at: Option<DateTime<Utc>>,
}

/// Finds an account.
pub async fn find(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as("SELECT * FROM accounts WHERE person_no = $1").bind(person_no).fetch_optional(conn).await
}

/// Finds and locks an account.
pub async fn find_for_update(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Option<AccountRow>> {
    sqlx::query_as("SELECT * FROM accounts WHERE person_no = $1 FOR UPDATE").bind(person_no).fetch_optional(conn).await
}

/// Filters and paging for a person's entries, newest first.
#[derive(Debug)]
pub struct EntryFilter<'a> {
    pub person_no: &'a PersonNo,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// A page of entries, newest first; dates are Zhengzhou calendar days, `to` inclusive.
pub async fn list(conn: &mut PgConnection, filter: &EntryFilter<'_>) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(
        "SELECT * FROM account_entries
          WHERE person_no = $1
            AND ($2::date IS NULL OR (occurred_at AT TIME ZONE 'Asia/Shanghai')::date >= $2)
            AND ($3::date IS NULL OR (occurred_at AT TIME ZONE 'Asia/Shanghai')::date <= $3)
            AND ($4::bigint IS NULL OR id < $4)
          ORDER BY id DESC
          LIMIT $5",
    )
    .bind(filter.person_no)
    .bind(filter.from)
    .bind(filter.to)
    .bind(filter.before_id)
    .bind(filter.limit)
    .fetch_all(conn)
    .await
}

/// The balance at the start of Zhengzhou day `from`: the balance before the first entry on or
/// after it (by entry order, which is the order balances were computed in), else the balance
/// after the last entry.
pub async fn balance_before(conn: &mut PgConnection, person_no: &PersonNo, from: NaiveDate) -> sqlx::Result<Money> {
    let balance: Option<Money> = sqlx::query_scalar(
        "SELECT coalesce(
            (SELECT balance_after - amount FROM account_entries
              WHERE person_no = $1 AND (occurred_at AT TIME ZONE 'Asia/Shanghai')::date >= $2
              ORDER BY id LIMIT 1),
            (SELECT balance_after FROM account_entries WHERE person_no = $1 ORDER BY id DESC LIMIT 1))",
    )
    .bind(person_no)
    .bind(from)
    .fetch_one(conn)
    .await?;
    Ok(balance.unwrap_or(Money::ZERO))
}

/// A page of entries in `[from, to]` (Zhengzhou days) after entry `after_id`, oldest first.
pub async fn list_ascending(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    (from, to): (NaiveDate, NaiveDate),
    after_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<EntryRow>> {
    sqlx::query_as(
        "SELECT * FROM account_entries
          WHERE person_no = $1 AND id > $4
            AND (occurred_at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $2 AND $3
          ORDER BY id LIMIT $5",
    )
    .bind(person_no)
    .bind(from)
    .bind(to)
    .bind(after_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// What `medcard ledger check` finds.
#[derive(Debug, Clone, Default)]
pub struct LedgerCheck {
    pub accounts: i64,
    pub entries: i64,
    pub mismatched: Vec<Mismatch>,
}

/// An account that does not reconcile.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mismatch {
    pub person_no: String,
    pub balance: i64,
    pub sum_of_entries: i64,
    pub last_balance_after: Option<i64>,
}

/// Verifies every account: balance = sum of entries = the last entry's balance after, never
/// negative. Returns the person numbers that break it.
pub async fn check(conn: &mut PgConnection) -> sqlx::Result<LedgerCheck> {
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&mut *conn).await?;
    let entries: i64 = sqlx::query_scalar("SELECT count(*) FROM account_entries").fetch_one(&mut *conn).await?;
    let mismatched: Vec<Mismatch> = sqlx::query_as(
        "SELECT a.person_no, a.balance, COALESCE(s.total, 0)::bigint AS sum_of_entries,
                last.balance_after AS last_balance_after
           FROM accounts a
           LEFT JOIN (SELECT person_no, sum(amount) AS total, max(id) AS last_id
                        FROM account_entries GROUP BY person_no) s ON s.person_no = a.person_no
           LEFT JOIN account_entries last ON last.id = s.last_id
          WHERE a.balance < 0
             OR a.balance <> COALESCE(s.total, 0)
             OR a.balance <> COALESCE(last.balance_after, 0)
          ORDER BY a.person_no",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(LedgerCheck { accounts, entries, mismatched })
}
