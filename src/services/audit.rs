//! Writing and reading the audit log.

use serde_json::Value;
use sqlx::PgConnection;

use super::Services;
use crate::auth::{Actor, Principal, Scope};
use crate::error::Result;
use crate::storage::audit::{self as store, AuditFilter, AuditRow, NewAuditEvent};

/// What an audit row is about.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub kind: &'a str,
    pub id: &'a str,
}

impl Services {
    /// Appends an audit row inside the caller's transaction.
    pub async fn audit(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        action: &str,
        subject: Option<Subject<'_>>,
        details: Value,
    ) -> Result<()> {
        let event = NewAuditEvent {
            actor,
            action,
            subject_kind: subject.map(|s| s.kind),
            subject_id: subject.map(|s| s.id),
            details,
            at: self.clock.now(),
        };
        store::insert(conn, &event).await?;
        Ok(())
    }

    /// Lists audit rows for an auditor, newest first.
    pub async fn audit_events(&self, principal: &Principal, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        principal.require(Scope::AuditRead)?;
        let mut conn = self.pool.acquire().await?;
        Ok(store::list(&mut conn, filter).await?)
    }
}
