//! The append-only audit log: its one writer ([`Core::audit`] for single events, and
//! [`store::insert_from`], the fragment set-based statements write through) and its reading.

mod routes;
pub mod store;

pub use routes::router;

use serde_json::Value;
use sqlx::PgConnection;

use crate::platform::Core;

use crate::platform::caller::Actor;
use crate::platform::error::Result;
use store::{AuditFilter, AuditRow, NewAuditEvent};

/// What an audit row is about.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub kind: &'a str,
    pub id: &'a str,
}

impl Core {
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
    pub async fn audit_events(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::list(&mut conn, filter).await?)
    }
}
