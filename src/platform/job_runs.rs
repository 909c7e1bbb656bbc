//! The `job_runs` table: which periodic job ran for which period.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Takes the job's transaction-scoped advisory lock; `false` if another instance holds it.
pub async fn try_lock(conn: &mut PgConnection, job: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT pg_try_advisory_xact_lock(hashtext($1))").bind(job).fetch_one(conn).await
}

/// Whether the job already ran for `period`.
pub async fn has_run(conn: &mut PgConnection, job: &str, period: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM job_runs WHERE job = $1 AND period = $2)")
        .bind(job)
        .bind(period)
        .fetch_one(conn)
        .await
}

/// Records that the job ran for `period`.
pub async fn record(
    conn: &mut PgConnection,
    job: &str,
    period: &str,
    rows: u64,
    at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO job_runs (job, period, rows, finished_at) VALUES ($1, $2, $3, $4)")
        .bind(job)
        .bind(period)
        .bind(rows as i64)
        .bind(at)
        .execute(conn)
        .await?;
    Ok(())
}
