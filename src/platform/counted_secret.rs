//! A hashed secret whose wrong tries are counted: card passwords, the provincial account
//! password, the e-voucher PIN. One check reserves a slot (failures plus checks in flight stay
//! under the limit), compares the hash off the database, then settles the slot: a right secret
//! clears the failures, a wrong one adds one. So concurrent wrong guesses are evaluated at most
//! the limit, and concurrent right ones wait for a slot instead of being told it is locked.
//!
//! The table is its store's; the store describes its columns in a [`CountedSecret`] and this
//! module writes the statements.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// Where a counted secret lives: the table, the column its key is in and its counter columns.
/// Every name is a constant of the owning store, never input.
#[derive(Debug, Clone, Copy)]
pub struct CountedSecret {
    /// The owning table.
    pub table: &'static str,
    /// The column a row is found by (a card number, a person number).
    pub key: &'static str,
    /// The argon2 hash; a row whose hash is NULL has no secret set.
    pub hash: &'static str,
    /// Wrong tries in a row.
    pub failures: &'static str,
    /// Checks reserved and not yet settled.
    pub in_flight: &'static str,
    /// When the last check was reserved (stale reservations stop counting after a minute).
    pub since: &'static str,
}

/// Whether `failures` wrong tries in a row lock a secret allowed `max`.
pub fn is_locked(failures: i32, max: i32) -> bool {
    failures >= max
}

/// What reserving a check found.
#[derive(Debug)]
pub enum Reservation {
    /// Compare against this hash, then [`settle`].
    Reserved { hash: String },
    /// As many wrong tries in a row as the limit.
    Locked,
    /// Every free slot is taken by checks in flight.
    Busy,
    /// No row, or no secret set on it.
    NotSet,
}

/// How long a check waits for a free slot before the caller is told to retry.
const WAIT_FOR_SLOT: Duration = Duration::from_secs(5);

/// Reserves a slot for one check, waiting briefly while every slot is in flight; `Busy` only
/// after that wait.
pub async fn reserve(
    pool: &PgPool,
    secret: &CountedSecret,
    key: &str,
    max: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Reservation> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_SLOT;
    loop {
        let reservation = {
            let mut conn = pool.acquire().await?;
            reserve_once(&mut conn, secret, key, max, now).await?
        };
        match reservation {
            Reservation::Busy if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => return Ok(other),
        }
    }
}

/// One reservation attempt. Checks in flight for over a minute (a crashed checker) no longer
/// count. Every condition reads the row itself, so a check that waited on the row lock
/// re-evaluates against what the concurrent check committed.
async fn reserve_once(
    conn: &mut PgConnection,
    secret: &CountedSecret,
    key: &str,
    max: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Reservation> {
    let CountedSecret { table, key: key_column, hash, failures, in_flight, since } = *secret;
    let live_in_flight = format!("CASE WHEN {since} < $3 - interval '1 minute' THEN 0 ELSE {in_flight} END");
    let reserve = format!(
        "UPDATE {table} SET {in_flight} = 1 + {live_in_flight}, {since} = $3
          WHERE {key_column} = $1 AND {hash} IS NOT NULL AND {failures} + {live_in_flight} < $2
          RETURNING {hash}"
    );
    let reserved: Option<String> =
        sqlx::query_scalar(&reserve).bind(key).bind(max).bind(now).fetch_optional(&mut *conn).await?;
    if let Some(hash) = reserved {
        return Ok(Reservation::Reserved { hash });
    }
    let state = format!("SELECT {failures}, {hash} IS NOT NULL FROM {table} WHERE {key_column} = $1");
    let found: Option<(i32, bool)> = sqlx::query_as(&state).bind(key).fetch_optional(conn).await?;
    Ok(match found {
        None | Some((_, false)) => Reservation::NotSet,
        Some((f, true)) if is_locked(f, max) => Reservation::Locked,
        Some(_) => Reservation::Busy,
    })
}

/// Gives the slot back: a right secret clears the failures, a wrong one adds one. Returns the
/// failures after it.
pub async fn settle(conn: &mut PgConnection, secret: &CountedSecret, key: &str, right: bool) -> sqlx::Result<i32> {
    let CountedSecret { table, key: key_column, failures, in_flight, .. } = *secret;
    let statement = format!(
        "UPDATE {table} SET {failures} = CASE WHEN $2 THEN 0 ELSE {failures} + 1 END,
                            {in_flight} = greatest({in_flight} - 1, 0)
          WHERE {key_column} = $1 RETURNING {failures}"
    );
    sqlx::query_scalar(&statement).bind(key).bind(right).fetch_one(conn).await
}
