//! Listing and ending bindings: by the person (unbind), by the hall (with a reason), and all of
//! them when the person transfers out. Ending a binding revokes the sessions opened through it.

use serde_json::json;
use sqlx::PgConnection;

use super::Sessions;
use super::bindings_store::{self as store, BindingRow, Ending};
use crate::auth::Auth;
use crate::domain::{BindingId, PersonNo};
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result};

impl Sessions<'_> {
    /// A person's bindings, newest first (the session's own person, or any person for the hall).
    pub async fn bindings_of(&self, person_no: &PersonNo) -> Result<Vec<BindingRow>> {
        let mut conn = self.pool.acquire().await?;
        persons::get(&mut conn, person_no).await?;
        Ok(store::list_for_person(&mut conn, person_no).await?)
    }

    /// The session person ends one of their own bindings.
    pub async fn unbind_own(&self, caller: &Caller, binding_id: BindingId) -> Result<BindingRow> {
        let person_no = caller.person_session()?.person_no.clone();
        self.end_binding(caller.actor(), &person_no, binding_id, "unbound", json!({})).await
    }

    /// The hall ends a person's binding, with the reason.
    pub async fn remove_binding(
        &self,
        caller: &Caller,
        person_no: &PersonNo,
        binding_id: BindingId,
        reason: &str,
    ) -> Result<BindingRow> {
        self.end_binding(caller.actor(), person_no, binding_id, "removed_by_hall", json!({ "reason": reason })).await
    }

    async fn end_binding(
        &self,
        actor: &Actor,
        person_no: &PersonNo,
        binding_id: BindingId,
        reason: &str,
        details: serde_json::Value,
    ) -> Result<BindingRow> {
        let mut tx = self.pool.begin().await?;
        let found = store::find_for_update(&mut tx, binding_id).await?.filter(|b| &b.person_no == person_no);
        let binding = found.ok_or_else(|| Error::not_found("binding.not_found", "this person has no such binding"))?;
        if binding.ended_at.is_some() {
            return Err(Error::conflict(
                "binding.ended",
                "this binding has already ended",
                params! { "end_reason" => binding.end_reason },
            ));
        }
        let ending = Ending { reason, by: &actor.id, at: self.clock.now() };
        let ended =
            store::end(&mut tx, binding_id, ending).await?.ok_or_else(|| anyhow::anyhow!("binding vanished"))?;
        Auth::new(self).revoke_person_sessions(&mut tx, person_no, Some(binding_id)).await?;
        let id = binding_id.to_string();
        self.audit(&mut tx, actor, "binding.end", Some(Subject { kind: "binding", id: &id }), details).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// A transfer out ends every binding of the person and every session, in the transfer's
    /// own transaction.
    pub async fn end_all_for_transfer_out(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
    ) -> Result<()> {
        let ending = Ending { reason: "transferred_out", by: &actor.id, at: self.clock.now() };
        store::end_for_person(conn, person_no, None, ending).await?;
        Auth::new(self).revoke_person_sessions(conn, person_no, None).await?;
        Ok(())
    }
}
