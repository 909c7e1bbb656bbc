//! The `staff_users` table.

use crate::domain::StaffId;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A stored staff user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub staff_id: StaffId,
    pub username: String,
    pub role: String,
    pub id_number: Option<String>,
    pub password_hash: String,
    pub locked_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Inserts a staff user.
pub async fn insert(conn: &mut PgConnection, row: &StaffRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO staff_users (staff_id, username, role, id_number, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(row.staff_id)
    .bind(&row.username)
    .bind(&row.role)
    .bind(&row.id_number)
    .bind(&row.password_hash)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds a staff user by username.
pub async fn find_by_username(conn: &mut PgConnection, username: &str) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as("SELECT * FROM staff_users WHERE username = $1").bind(username).fetch_optional(conn).await
}

/// Counts one wrong password atomically; at `max` in a row the account locks until
/// `lock_until` and the count starts again. Returns the count and whether it locked.
pub async fn count_failure(
    conn: &mut PgConnection,
    staff_id: StaffId,
    max: i32,
    lock_until: DateTime<Utc>,
) -> sqlx::Result<(i32, bool)> {
    sqlx::query_as(
        "UPDATE staff_users
            SET failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
          WHERE staff_id = $1
          RETURNING CASE WHEN locked_until = $3 THEN $2 ELSE failed_logins END, coalesce(locked_until = $3, false)",
    )
    .bind(staff_id)
    .bind(max)
    .bind(lock_until)
    .fetch_one(conn)
    .await
}

/// After a right password: clears the failure count, unless the account is locked (by a wrong
/// attempt that committed meanwhile); then returns until when.
pub async fn clear_failures_unless_locked(
    conn: &mut PgConnection,
    staff_id: StaffId,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let locked: Option<DateTime<Utc>> =
        sqlx::query_scalar("SELECT locked_until FROM staff_users WHERE staff_id = $1 AND locked_until > $2 FOR UPDATE")
            .bind(staff_id)
            .bind(now)
            .fetch_optional(&mut *conn)
            .await?;
    if locked.is_none() {
        sqlx::query("UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE staff_id = $1")
            .bind(staff_id)
            .execute(conn)
            .await?;
    }
    Ok(locked)
}

/// Whether two staff accounts belong to one person (the same ID number on record).
pub async fn same_person(conn: &mut PgConnection, a: StaffId, b: StaffId) -> sqlx::Result<bool> {
    let same: Option<bool> = sqlx::query_scalar(
        "SELECT x.id_number = y.id_number FROM staff_users x, staff_users y WHERE x.staff_id = $1 AND y.staff_id = $2",
    )
    .bind(a)
    .bind(b)
    .fetch_optional(conn)
    .await?
    .flatten();
    Ok(same.unwrap_or(false))
}

/// Records the ID number of an account that has none yet; `false` if there is no such account
/// or it already names its person.
pub async fn set_id_number(conn: &mut PgConnection, username: &str, id_number: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE staff_users SET id_number = $2 WHERE username = $1 AND id_number IS NULL")
        .bind(username)
        .bind(id_number)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
