//! The `e_vouchers` and `e_voucher_codes` tables.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::VoucherState;
use crate::domain::PersonNo;
use crate::platform::counted_secret::{self, CountedSecret, Reservation};

/// The voucher PIN's counted checks.
const PIN: CountedSecret = CountedSecret {
    table: "e_vouchers",
    key: "person_no",
    hash: "pin_hash",
    failures: "pin_failures",
    in_flight: "pin_checks_in_flight",
    since: "pin_checks_since",
};

/// Reserves one PIN check (see [`counted_secret::reserve`]).
pub async fn reserve_pin_check(
    pool: &sqlx::PgPool,
    person_no: &PersonNo,
    max: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Reservation> {
    counted_secret::reserve(pool, &PIN, person_no.as_str(), max, now).await
}

/// Settles a reserved PIN check; returns the failures after it.
pub async fn settle_pin_check(conn: &mut PgConnection, person_no: &PersonNo, right: bool) -> sqlx::Result<i32> {
    counted_secret::settle(conn, &PIN, person_no.as_str(), right).await
}

/// A stored voucher.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VoucherRow {
    pub person_no: PersonNo,
    pub state: VoucherState,
    /// Wrong PINs in a row.
    pub pin_failures: i32,
    pub activated_at: DateTime<Utc>,
    /// The client it was activated through.
    pub activated_by: String,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspension_reason: Option<String>,
}

const COLUMNS: &str = "person_no, state, pin_failures, activated_at, activated_by, suspended_at, suspension_reason";

/// The person's voucher, if activated.
pub async fn find(conn: &mut PgConnection, person_no: &PersonNo) -> sqlx::Result<Option<VoucherRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM e_vouchers WHERE person_no = $1"))
        .bind(person_no)
        .fetch_optional(conn)
        .await
}

/// The person's voucher, locked: for update by the hall, for share while a token is issued.
pub async fn lock(conn: &mut PgConnection, person_no: &PersonNo, exclusive: bool) -> sqlx::Result<Option<VoucherRow>> {
    let mode = if exclusive { "UPDATE" } else { "SHARE" };
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM e_vouchers WHERE person_no = $1 FOR {mode}"))
        .bind(person_no)
        .fetch_optional(conn)
        .await
}

/// Activates the person's voucher; `None` when it already was.
pub async fn activate(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    pin_hash: &str,
    client_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<VoucherRow>> {
    sqlx::query_as(&format!(
        "INSERT INTO e_vouchers (person_no, state, pin_hash, activated_at, activated_by)
         VALUES ($1, 'active', $2, $3, $4) ON CONFLICT (person_no) DO NOTHING RETURNING {COLUMNS}"
    ))
    .bind(person_no)
    .bind(pin_hash)
    .bind(now)
    .bind(client_id)
    .fetch_optional(conn)
    .await
}

/// Replaces the PIN and clears its failures: the one way to unlock it.
pub async fn set_pin(conn: &mut PgConnection, person_no: &PersonNo, pin_hash: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE e_vouchers SET pin_hash = $2, pin_failures = 0, pin_checks_in_flight = 0, pin_checks_since = NULL
          WHERE person_no = $1",
    )
    .bind(person_no)
    .bind(pin_hash)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves a locked voucher to `state`, with the suspension's time and reason while suspended.
pub async fn set_state(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    state: VoucherState,
    suspension: Option<(DateTime<Utc>, &str)>,
) -> sqlx::Result<VoucherRow> {
    sqlx::query_as(&format!(
        "UPDATE e_vouchers SET state = $2, suspended_at = $3, suspension_reason = $4
          WHERE person_no = $1 RETURNING {COLUMNS}"
    ))
    .bind(person_no)
    .bind(state)
    .bind(suspension.map(|s| s.0))
    .bind(suspension.map(|s| s.1))
    .fetch_one(conn)
    .await
}

/// A new token, with the person's long-expired unused ones cleared away.
pub async fn insert_code(
    conn: &mut PgConnection,
    digest: &[u8],
    person_no: &PersonNo,
    client_id: &str,
    life: (DateTime<Utc>, DateTime<Utc>),
) -> sqlx::Result<()> {
    sqlx::query(
        "DELETE FROM e_voucher_codes WHERE person_no = $1 AND used_at IS NULL AND expires_at < $2 - interval '1 day'",
    )
    .bind(person_no)
    .bind(life.0)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO e_voucher_codes (token_hash, person_no, client_id, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(digest)
    .bind(person_no)
    .bind(client_id)
    .bind(life.0)
    .bind(life.1)
    .execute(conn)
    .await?;
    Ok(())
}

/// A presented token with its voucher's state.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CodeRow {
    /// Whose voucher showed it.
    pub person_no: PersonNo,
    pub expires_at: DateTime<Utc>,
    /// The institution it was first shown at, which alone may use it.
    pub institution_code: Option<String>,
    /// When the settlement it paid used it up.
    pub used_at: Option<DateTime<Utc>>,
    pub voucher_state: VoucherState,
}

/// The token, locked (and its voucher held against a suspension) until the transaction ends.
pub async fn lock_code(conn: &mut PgConnection, digest: &[u8]) -> sqlx::Result<Option<CodeRow>> {
    sqlx::query_as(
        "SELECT c.person_no, c.expires_at, c.institution_code, c.used_at, v.state AS voucher_state
           FROM e_voucher_codes c JOIN e_vouchers v ON v.person_no = c.person_no
          WHERE c.token_hash = $1
          FOR UPDATE OF c FOR SHARE OF v",
    )
    .bind(digest)
    .fetch_optional(conn)
    .await
}

/// Binds a token to the institution it was first shown at.
pub async fn claim(conn: &mut PgConnection, digest: &[u8], institution_code: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE e_voucher_codes SET institution_code = $2 WHERE token_hash = $1 AND institution_code IS NULL")
        .bind(digest)
        .bind(institution_code)
        .execute(conn)
        .await?;
    Ok(())
}

/// Uses a locked token up for the settlement it pays; false when it was used already.
pub async fn mark_used(
    conn: &mut PgConnection,
    digest: &[u8],
    setl_id: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done =
        sqlx::query("UPDATE e_voucher_codes SET used_at = $3, setl_id = $2 WHERE token_hash = $1 AND used_at IS NULL")
            .bind(digest)
            .bind(setl_id)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}
