//! The `institutions` table (designated hospitals and pharmacies).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A designated institution.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstitutionRow {
    pub institution_code: String,
    pub name: String,
    /// `hospital` or `pharmacy`.
    pub kind: String,
    pub offers_activation: bool,
    pub created_at: DateTime<Utc>,
    /// 1, 2 or 3 (一级, 二级, 三级).
    pub level: i16,
    /// The Zhengzhou region it is in.
    pub region_code: String,
}

/// Inserts an institution.
pub async fn insert(conn: &mut PgConnection, row: &InstitutionRow) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO institutions (institution_code, name, kind, offers_activation, created_at, level, region_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.institution_code)
    .bind(&row.name)
    .bind(&row.kind)
    .bind(row.offers_activation)
    .bind(row.created_at)
    .bind(row.level)
    .bind(&row.region_code)
    .execute(conn)
    .await?;
    Ok(())
}

/// Finds an institution by code.
pub async fn find(conn: &mut PgConnection, code: &str) -> sqlx::Result<Option<InstitutionRow>> {
    sqlx::query_as("SELECT * FROM institutions WHERE institution_code = $1").bind(code).fetch_optional(conn).await
}

/// Every institution, by code.
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<InstitutionRow>> {
    sqlx::query_as("SELECT * FROM institutions ORDER BY institution_code").fetch_all(conn).await
}
