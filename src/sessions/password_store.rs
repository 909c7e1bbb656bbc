//! The `person_passwords` table: the provincial platform's account password of a person.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::PersonNo;
use crate::platform::counted_secret::CountedSecret;

/// The account password's counted checks (5 wrong in a row lock it).
pub const PASSWORD: CountedSecret = CountedSecret {
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
