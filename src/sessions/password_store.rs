//! The `person_passwords` table: the provincial platform's account password of a person.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::PersonNo;

/// What reserving a check found.
#[derive(Debug)]
pub enum Reservation {
    /// Compare against this hash, then settle.
    Reserved { hash: String },
    /// As many wrong passwords in a row as the limit.
    Locked,
    /// Every free slot is taken by checks in flight.
    Busy,
    /// No password was ever set.
    NotSet,
}

/// Sets (or replaces) the password and clears the failures: the one way to unlock it.
pub async fn set(conn: &mut PgConnection, person_no: &PersonNo, hash: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO person_passwords (person_no, password_hash, set_at) VALUES ($1, $2, $3)
         ON CONFLICT (person_no) DO UPDATE
            SET password_hash = EXCLUDED.password_hash, set_at = EXCLUDED.set_at,
                failed_attempts = 0, checks_in_flight = 0, checks_since = NULL",
    )
    .bind(person_no)
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Reserves a slot for one check: failures plus checks in flight stay under `max`.
pub async fn reserve(
    conn: &mut PgConnection,
    person_no: &PersonNo,
    max: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Reservation> {
    let reserved: Option<String> = sqlx::query_scalar(
        "UPDATE person_passwords
            SET checks_in_flight = 1 + CASE WHEN checks_since < $3 - interval '1 minute' THEN 0 ELSE checks_in_flight END,
                checks_since = $3
          WHERE person_no = $1
            AND failed_attempts + CASE WHEN checks_since < $3 - interval '1 minute' THEN 0 ELSE checks_in_flight END < $2
          RETURNING password_hash",
    )
    .bind(person_no)
    .bind(max)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(hash) = reserved {
        return Ok(Reservation::Reserved { hash });
    }
    let failures: Option<i32> = sqlx::query_scalar("SELECT failed_attempts FROM person_passwords WHERE person_no = $1")
        .bind(person_no)
        .fetch_optional(conn)
        .await?;
    Ok(match failures {
        None => Reservation::NotSet,
        Some(f) if f >= max => Reservation::Locked,
        Some(_) => Reservation::Busy,
    })
}

/// Gives the slot back: a right password clears the failures, a wrong one adds one. Returns
/// the failures after it.
pub async fn settle(conn: &mut PgConnection, person_no: &PersonNo, right: bool) -> sqlx::Result<i32> {
    sqlx::query_scalar(
        "UPDATE person_passwords SET failed_attempts = CASE WHEN $2 THEN 0 ELSE failed_attempts + 1 END,
                                     checks_in_flight = greatest(checks_in_flight - 1, 0)
          WHERE person_no = $1 RETURNING failed_attempts",
    )
    .bind(person_no)
    .bind(right)
    .fetch_one(conn)
    .await
}
