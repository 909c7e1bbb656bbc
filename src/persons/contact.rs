//! Correcting a person's contact data (phone, postal address): by the person in a session (a
//! new phone confirmed by an SMS to it) or at the hall with a reason. Each changed field is a
//! row in the contact history with its old and new value; the change is audited.

use serde_json::json;
use sqlx::PgConnection;

use super::Persons;
use super::store::{self, PersonRow};
use crate::domain::{PersonNo, Phone};
use crate::persons::refuse_if_transferred_out;
use crate::platform::actor_sql::{BindActor, actor_columns};
use crate::platform::audit::Subject;
use crate::platform::caller::Actor;
use crate::platform::error::{Error, Result};

/// What to change; a field left out stays as it is.
#[derive(Debug, Clone, Default)]
pub struct ContactChange {
    pub phone: Option<Phone>,
    /// `Some("")` clears the address.
    pub address: Option<String>,
}

impl ContactChange {
    /// Refuses a change that changes nothing.
    pub fn require_some(&self) -> Result<()> {
        if self.phone.is_none() && self.address.is_none() {
            return Err(Error::invalid_field("person.contact_empty", "phone", "give a phone, an address or both"));
        }
        Ok(())
    }
}

impl Persons<'_> {
    /// The hall's correction, in a transaction of its own.
    pub async fn correct_contact(
        &self,
        actor: &Actor,
        person_no: &PersonNo,
        change: &ContactChange,
        reason: &str,
    ) -> Result<PersonRow> {
        let mut tx = self.pool.begin().await?;
        let row = self.change_contact(&mut tx, actor, person_no, change, reason).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Applies `change` to the locked person inside the caller's transaction and writes the
    /// history and audit rows.
    pub async fn change_contact(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
        change: &ContactChange,
        reason: &str,
    ) -> Result<PersonRow> {
        change.require_some()?;
        let person = super::lock(conn, person_no).await?;
        refuse_if_transferred_out(person.status)?;
        let new_phone = change.phone.as_ref().map(|p| p.as_str().to_owned());
        let new_address = change.address.clone().map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        let changes = [
            ("phone", Some(person.phone.clone()), new_phone.clone(), change.phone.is_some()),
            ("address", person.address.clone(), new_address.clone(), change.address.is_some()),
        ];
        for (field, old, new, given) in changes {
            if given && old != new {
                record_change(conn, actor, person_no, field, (old, new), reason, self.clock.now()).await?;
            }
        }
        let phone = new_phone.unwrap_or(person.phone);
        let address = if change.address.is_some() { new_address } else { person.address };
        let row = store::set_contact(conn, person_no, &phone, address.as_deref()).await?;
        let subject = Subject { kind: "person", id: person_no.as_str() };
        let fields: Vec<&str> = [change.phone.as_ref().map(|_| "phone"), change.address.as_ref().map(|_| "address")]
            .into_iter()
            .flatten()
            .collect();
        self.audit(conn, actor, "person.contact_change", Some(subject), json!({ "fields": fields, "reason": reason }))
            .await?;
        Ok(row)
    }
}

/// Appends one row to the contact history, the table's only writer.
async fn record_change(
    conn: &mut PgConnection,
    actor: &Actor,
    person_no: &PersonNo,
    field: &str,
    (old, new): (Option<String>, Option<String>),
    reason: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<()> {
    let sql = format!(
        "INSERT INTO person_contact_history (person_no, field, old_value, new_value, reason, occurred_at,
                                             actor_kind, actor_id, client_id, channel, request_id)
         SELECT $1, $2, $3, $4, $5, $6, {}",
        actor_columns(7)
    );
    sqlx::query(&sql)
        .bind(person_no)
        .bind(field)
        .bind(old)
        .bind(new)
        .bind(reason)
        .bind(at)
        .bind_actor(actor)
        .execute(conn)
        .await?;
    Ok(())
}
