//! The `person_passwords` table: the provincial platform's account password of a person.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::PersonNo;
use crate::platform::counted_secret::{self, CountedSecret, Reservation};

/// The account password's counted checks (5 wrong in a row lock it).
const PASSWORD: CountedSecret = CountedSecret {
    table: "person_passwords",
    key: "person_no",
    hash: "password_hash",
    failures: "failed_attempts",
    in_flight: "checks_in_flight",
    since: "checks_since",
};

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

/// Reserves one password check (see [`counted_secret::reserve`]).
pub async fn reserve(
    pool: &sqlx::PgPool,
    person_no: &PersonNo,
    max: i32,
    now: DateTime<Utc>,
) -> sqlx::Result<Reservation> {
    counted_secret::reserve(pool, &PASSWORD, person_no.as_str(), max, now).await
}

/// Settles a reserved password check; returns the failures after it.
pub async fn settle(conn: &mut PgConnection, person_no: &PersonNo, right: bool) -> sqlx::Result<i32> {
    counted_secret::settle(conn, &PASSWORD, person_no.as_str(), right).await
}
