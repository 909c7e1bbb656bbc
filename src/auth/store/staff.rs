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
    pub failed_logins: i32,
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

/// Finds and locks a staff user for a login attempt, so concurrent attempts count one by one.
pub async fn find_for_login(conn: &mut PgConnection, username: &str) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as("SELECT * FROM staff_users WHERE username = $1 FOR UPDATE").bind(username).fetch_optional(conn).await
}

/// Stores the failure counter and lock after a login attempt.
pub async fn set_login_state(
    conn: &mut PgConnection,
    staff_id: StaffId,
    failed_logins: i32,
    locked_until: Option<DateTime<Utc>>,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE staff_users SET failed_logins = $2, locked_until = $3 WHERE staff_id = $1")
        .bind(staff_id)
        .bind(failed_logins)
        .bind(locked_until)
        .execute(conn)
        .await?;
    Ok(())
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
