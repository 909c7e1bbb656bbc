//! What each side sees: their live bindings, the relative's order of holders, and what a
//! holder paid for a relative (the holder sees for whom, the relative who paid, never the
//! holder's balance).

use serde_json::json;
use uuid::Uuid;

use super::Families;
use super::binding::visible;
use super::store::{self, BindingRow, PaymentRow};
use crate::domain::PersonNo;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// Payments shown at once.
const PAYMENTS_SHOWN: i64 = 200;

impl Families<'_> {
    /// A person's live bindings on either side (404 for an unknown person).
    pub async fn bindings_of(&self, person_no: &PersonNo) -> Result<Vec<BindingRow>> {
        let mut conn = self.pool.acquire().await?;
        persons::get(&mut conn, person_no).await?;
        Ok(store::live_of(&mut conn, person_no).await?)
    }

    /// The relative sets the order in which their holders pay: every live binding in which
    /// they are the relative, first payer first.
    pub async fn set_order(&self, caller: &Caller, order: &[Uuid]) -> Result<Vec<BindingRow>> {
        let me = caller.person_session()?.person_no.clone();
        let mut tx = self.pool.begin().await?;
        persons::lock(&mut tx, &me).await?;
        let mine: Vec<BindingRow> =
            store::live_of(&mut tx, &me).await?.into_iter().filter(|b| b.relative_person_no == me).collect();
        let mut wanted: Vec<Uuid> = order.to_vec();
        wanted.sort();
        let mut have: Vec<Uuid> = mine.iter().map(|b| b.binding_id).collect();
        have.sort();
        if wanted != have {
            return Err(Error::invalid_field(
                "family.order",
                "binding_ids",
                "list each of your live bindings as a relative exactly once",
            ));
        }
        for (i, id) in order.iter().enumerate() {
            store::set_priority(&mut tx, *id, i32::try_from(i + 1).unwrap_or(i32::MAX)).await?;
        }
        let subject = Subject { kind: "person", id: me.as_str() };
        self.audit(&mut tx, caller.actor(), "family.order", Some(subject), json!({ "order": order })).await?;
        tx.commit().await?;
        let mut conn = self.pool.acquire().await?;
        Ok(store::live_of(&mut conn, &me).await?.into_iter().filter(|b| b.relative_person_no == me).collect())
    }

    /// A binding's payments, for either side of it.
    pub async fn payments(&self, caller: &Caller, binding_id: Uuid) -> Result<(BindingRow, Vec<PaymentRow>)> {
        let me = caller.person_session()?.person_no.clone();
        let mut conn = self.pool.acquire().await?;
        let binding =
            visible(&mut conn, binding_id, |b| b.holder_person_no == me || b.relative_person_no == me).await?;
        let payments = store::payments_of(&mut conn, binding_id, PAYMENTS_SHOWN).await?;
        Ok((binding, payments))
    }

    /// A binding for the hall's answer (with the names of both sides).
    pub async fn names_of(&self, binding: &BindingRow) -> Result<(String, String)> {
        let mut conn = self.pool.acquire().await?;
        let holder = persons::get(&mut conn, &binding.holder_person_no).await?;
        let relative = persons::get(&mut conn, &binding.relative_person_no).await?;
        Ok((holder.name, relative.name))
    }

    /// The person an online holder names as the relative: ID number and name must both match.
    pub async fn find_relative(&self, id_number: &crate::domain::IdNumber, name: &str) -> Result<PersonNo> {
        let mut conn = self.pool.acquire().await?;
        let found = persons::find_by_id_number(&mut conn, id_number).await?;
        found.filter(|p| p.name == name.trim()).map(|p| p.person_no).ok_or_else(|| {
            Error::not_found("family.relative_not_found", "no person insured here has this ID number and name")
        })
    }
}
