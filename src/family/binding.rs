//! Binding: the holder asks (豫事办, national app) and the relative confirms; the hall binds on
//! proof at once. Either side unbinds, the hall with a reason; a transfer out ends them all. The
//! two persons are locked in person-number order for every change, as a settlement locks them.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::store::{self, BindingRow};
use super::{BindingState, Families, FamilyRelation, MAX_RELATIVES};
use crate::domain::{PersonNo, ProofKind};
use crate::params;
use crate::persons::{self, PersonRow, refuse_if_transferred_out};
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result};

/// A binding to make.
#[derive(Debug, Clone)]
pub struct NewBinding {
    /// Whose account will help pay.
    pub holder: PersonNo,
    /// Whose bills it will help pay.
    pub relative: PersonNo,
    /// What the relative is to the holder.
    pub relationship: FamilyRelation,
    /// The hall's proof of the relation; with it the binding is active at once.
    pub proof: Option<ProofKind>,
}

impl Families<'_> {
    /// Makes a binding: requested (online) or, with the hall's proof, active.
    pub async fn bind(&self, caller: &Caller, new: NewBinding) -> Result<BindingRow> {
        if new.holder == new.relative {
            return Err(Error::invalid_field("family.self", "relative", "a holder cannot bind themselves"));
        }
        let mut tx = self.pool.begin().await?;
        let (holder, relative) = lock_pair(&mut tx, &new.holder, &new.relative).await?;
        check_parties(&holder, &relative)?;
        if store::live_count(&mut tx, &holder.person_no).await? >= MAX_RELATIVES {
            return Err(Error::conflict(
                "family.too_many",
                format!("a holder binds at most {MAX_RELATIVES} relatives"),
                params! { "max" => MAX_RELATIVES },
            ));
        }
        let now = self.clock.now();
        let row = BindingRow {
            binding_id: Uuid::new_v4(),
            holder_person_no: new.holder,
            relative_person_no: new.relative.clone(),
            relationship: new.relationship,
            state: if new.proof.is_some() { BindingState::Active } else { BindingState::Requested },
            priority: store::next_priority(&mut tx, &new.relative).await?,
            requested_by: caller.actor().id.clone(),
            requested_via: caller.client_id.to_string(),
            proof_kind: new.proof.map(proof_name),
            requested_at: now,
            confirmed_at: new.proof.map(|_| now),
            unbound_at: None,
            unbound_by: None,
            unbound_reason: None,
        };
        if !store::insert(&mut tx, &row).await? {
            return Err(Error::conflict("family.already_bound", "these two are bound already", params! {}));
        }
        self.audit_binding(&mut tx, caller.actor(), "family.bind", &row).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Confirms a requested binding: the relative in a person session, or the hall (`at_hall`:
    /// the person in its path, a side of the binding, and the proof seen).
    pub async fn confirm(
        &self,
        caller: &Caller,
        binding_id: Uuid,
        at_hall: Option<(&PersonNo, ProofKind)>,
    ) -> Result<BindingRow> {
        let me = caller.person.as_ref().map(|s| s.person_no.clone());
        let may_confirm = |b: &BindingRow| match (&me, at_hall) {
            (Some(me), None) => b.relative_person_no == *me,
            (None, Some((p, _))) => *p == b.holder_person_no || *p == b.relative_person_no,
            _ => false,
        };
        let mut tx = self.pool.begin().await?;
        let binding = visible(&mut tx, binding_id, may_confirm).await?;
        let (holder, relative) = lock_pair(&mut tx, &binding.holder_person_no, &binding.relative_person_no).await?;
        check_parties(&holder, &relative)?;
        let binding = store::find(&mut tx, binding_id).await?.ok_or_else(not_found)?;
        if binding.state != BindingState::Requested {
            return Err(Error::conflict(
                "family.not_requested",
                "only a requested binding is confirmed",
                params! { "current_state" => serde_json::to_value(binding.state).unwrap_or_default() },
            ));
        }
        let proof = at_hall.map(|(_, proof)| proof_name(proof));
        let row = store::confirm(&mut tx, binding_id, proof.as_deref(), self.clock.now()).await?;
        self.audit_binding(&mut tx, caller.actor(), "family.confirm", &row).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Ends a live binding: either side in a person session, or the hall (`for_person` is the
    /// person named in the hall's path) with a reason.
    pub async fn unbind(
        &self,
        caller: &Caller,
        binding_id: Uuid,
        for_person: Option<&PersonNo>,
        reason: &str,
    ) -> Result<BindingRow> {
        let party = caller.person.as_ref().map(|s| s.person_no.clone()).or_else(|| for_person.cloned());
        let mut tx = self.pool.begin().await?;
        let binding = visible(&mut tx, binding_id, |b| {
            party.as_ref().is_some_and(|p| *p == b.holder_person_no || *p == b.relative_person_no)
        })
        .await?;
        lock_pair(&mut tx, &binding.holder_person_no, &binding.relative_person_no).await?;
        let binding = store::find(&mut tx, binding_id).await?.ok_or_else(not_found)?;
        if binding.state == BindingState::Unbound {
            return Err(Error::conflict("family.unbound", "this binding has ended already", params! {}));
        }
        let row = store::unbind(&mut tx, binding_id, (&caller.actor().id, reason), self.clock.now()).await?;
        self.audit_binding(&mut tx, caller.actor(), "family.unbind", &row).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Ends every binding of a person who transfers out, inside the transfer's transaction.
    pub async fn end_for_transfer_out(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
    ) -> Result<()> {
        for row in store::unbind_all_of(conn, person_no, &actor.id, self.clock.now()).await? {
            self.audit_binding(conn, actor, "family.unbind", &row).await?;
        }
        Ok(())
    }

    async fn audit_binding(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        action: &str,
        row: &BindingRow,
    ) -> Result<()> {
        let id = row.binding_id.to_string();
        let details = json!({
            "holder": row.holder_person_no.as_str(), "relative": row.relative_person_no.as_str(), "state": row.state
        });
        self.audit(conn, actor, action, Some(Subject { kind: "family_binding", id: &id }), details).await
    }
}

/// Locks two persons in person-number order; returns them as (first argument, second).
pub(super) async fn lock_pair(conn: &mut PgConnection, a: &PersonNo, b: &PersonNo) -> Result<(PersonRow, PersonRow)> {
    let locked = persons::lock_in_order(conn, vec![a.clone(), b.clone()]).await?;
    let find = |p: &PersonNo| locked.iter().find(|row| &row.person_no == p).cloned();
    match (find(a), find(b)) {
        (Some(first), Some(second)) => Ok((first, second)),
        _ => Err(anyhow::anyhow!("locked persons vanished").into()),
    }
}

/// A holder has an employee account; neither side has transferred out.
fn check_parties(holder: &PersonRow, relative: &PersonRow) -> Result<()> {
    if !holder.insurance_type.has_personal_account() {
        return Err(Error::conflict(
            "family.holder_without_account",
            "only a holder with an employee personal account binds relatives",
            params! {},
        ));
    }
    refuse_if_transferred_out(holder.status)?;
    refuse_if_transferred_out(relative.status)
}

/// A binding the caller may see (404 otherwise, so bindings of others are not revealed).
pub(super) async fn visible(
    conn: &mut PgConnection,
    binding_id: Uuid,
    may_see: impl Fn(&BindingRow) -> bool,
) -> Result<BindingRow> {
    store::find(conn, binding_id).await?.filter(may_see).ok_or_else(not_found)
}

/// The stored name of a proof kind.
fn proof_name(proof: ProofKind) -> String {
    serde_json::to_value(proof).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub(super) fn not_found() -> Error {
    Error::not_found("family.not_found", "no such family binding of this person")
}
