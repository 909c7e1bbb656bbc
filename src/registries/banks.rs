//! The `banks` registry.

use sqlx::PgConnection;

/// An issuing bank.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BankRow {
    pub bank_code: String,
    pub name: String,
    /// `immediate` or `next_working_day`.
    pub activation_effect: String,
}

/// Finds a bank by code.
pub async fn find(conn: &mut PgConnection, bank_code: &str) -> sqlx::Result<Option<BankRow>> {
    sqlx::query_as("SELECT * FROM banks WHERE bank_code = $1").bind(bank_code).fetch_optional(conn).await
}

/// Every bank, by code.
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<BankRow>> {
    sqlx::query_as("SELECT * FROM banks ORDER BY bank_code").fetch_all(conn).await
}
