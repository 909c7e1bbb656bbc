//! Enrolling insured persons and reading them, masked or in full.

use super::Persons;
use serde_json::json;

use crate::domain::{IdNumber, PersonNo};
use crate::params;
use crate::persons::InsuredStatus;
use crate::persons::history::{self, NewStatusEntry};
use crate::persons::store::{self as store, PersonRow};
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result, ResultExt};

/// Whether a reader sees ID numbers and phones in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Masked,
    Full,
}

impl Disclosure {
    /// The disclosure a caller is entitled to.
    pub fn for_principal(caller: &Caller) -> Self {
        if caller.may_read_pii() { Self::Full } else { Self::Masked }
    }
}

/// A person as returned to a reader, with how much of their PII the reader may see.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub row: PersonRow,
    pub disclosure: Disclosure,
}

impl Persons<'_> {
    /// Reads one person; an unmasked read is audited.
    pub async fn person(&self, caller: &Caller, person_no: &PersonNo) -> Result<PersonRecord> {
        let mut tx = self.pool.begin().await?;
        let row = super::get(&mut tx, person_no).await?;
        let record = self.disclose(&mut tx, caller, row).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The session person's own record.
    pub async fn own_record(&self, person_no: &PersonNo) -> Result<PersonRow> {
        let mut conn = self.pool.acquire().await?;
        super::get(&mut conn, person_no).await
    }

    /// Exact lookup by ID number; an unmasked result is audited.
    pub async fn find_person_by_id_number(
        &self,
        caller: &Caller,
        id_number: &IdNumber,
    ) -> Result<Option<PersonRecord>> {
        let mut tx = self.pool.begin().await?;
        let Some(row) = store::find_by_id_number(&mut tx, id_number.as_str()).await? else {
            return Ok(None);
        };
        let record = self.disclose(&mut tx, caller, row).await?;
        tx.commit().await?;
        Ok(Some(record))
    }

    /// Decides what the reader sees and audits a full read.
    async fn disclose(&self, conn: &mut sqlx::PgConnection, caller: &Caller, row: PersonRow) -> Result<PersonRecord> {
        let disclosure = Disclosure::for_principal(caller);
        if disclosure == Disclosure::Full {
            let actor: Actor = caller.actor().clone();
            let subject = Subject { kind: "person", id: row.person_no.as_str() };
            self.audit(conn, &actor, "person.pii_read", Some(subject), json!({})).await?;
        }
        Ok(PersonRecord { row, disclosure })
    }
}

/// A transferred-out person's record is read-only: no cards, card steps, payments or base changes.
pub fn refuse_if_transferred_out(status: InsuredStatus) -> Result<()> {
    if status == InsuredStatus::TransferredOut {
        return Err(Error::conflict(
            "person.transferred_out",
            "after a transfer out the record is read-only: no cards, card steps, payments or base changes until a transfer back in",
            params! { "current_status" => status.code() },
        ));
    }
    Ok(())
}

/// The first row of a person's history: how they came to be insured here.
#[derive(Debug, Clone, Copy)]
pub struct Joining<'a> {
    /// `enrolment` or `transfer_in`.
    pub reason_code: &'a str,
    pub reason: &'a str,
    /// Where a transfer in comes from.
    pub other_region: Option<&'a str>,
}

impl Persons<'_> {
    /// Records a newly enrolled person and the first row of their status history (from none),
    /// inside the caller's transaction. Refused if the ID number is already enrolled.
    pub async fn record_enrolment(
        &self,
        conn: &mut sqlx::PgConnection,
        actor: &Actor,
        row: &PersonRow,
        joining: Joining<'_>,
    ) -> Result<()> {
        store::insert(conn, row).await.on_constraint("persons_id_number_key", || {
            Error::conflict("person.id_number_taken", "a person with this ID number is already enrolled", params! {})
        })?;
        let entry = NewStatusEntry {
            person_no: &row.person_no,
            from: None,
            to: InsuredStatus::Normal,
            reason_code: joining.reason_code,
            reason: joining.reason,
            other_region: joining.other_region,
            actor,
            at: row.enrolled_at,
            effective_date: self.clock.today(),
        };
        history::insert(conn, &entry).await?;
        Ok(())
    }

    /// The next free person number.
    pub async fn next_person_no(&self, conn: &mut sqlx::PgConnection) -> Result<PersonNo> {
        Ok(store::next_person_no(conn).await?)
    }
}

/// The person with this number, or 404 `person.not_found`.
pub async fn get(conn: &mut sqlx::PgConnection, person_no: &PersonNo) -> Result<PersonRow> {
    store::find(conn, person_no).await?.ok_or_else(not_found)
}

/// The same, locked for an operation on the person (every status change locks them too, so
/// the two never interleave).
pub async fn lock(conn: &mut sqlx::PgConnection, person_no: &PersonNo) -> Result<PersonRow> {
    store::find_for_update(conn, person_no).await?.ok_or_else(not_found)
}

/// Locks persons in person-number order, each once: the one order every operation that touches
/// two or more persons (family payments, their reversal, bindings) takes them in.
pub async fn lock_in_order(conn: &mut sqlx::PgConnection, mut everyone: Vec<PersonNo>) -> Result<Vec<PersonRow>> {
    everyone.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    everyone.dedup();
    let mut locked = Vec::with_capacity(everyone.len());
    for person_no in &everyone {
        locked.push(lock(conn, person_no).await?);
    }
    Ok(locked)
}

/// Locks the person for a read-modify-write, if enrolled here.
pub async fn lock_if_enrolled(conn: &mut sqlx::PgConnection, person_no: &PersonNo) -> Result<Option<PersonRow>> {
    Ok(store::find_for_update(conn, person_no).await?)
}

/// The person with this ID number, if enrolled here.
pub async fn find_by_id_number(conn: &mut sqlx::PgConnection, id_number: &IdNumber) -> Result<Option<PersonRow>> {
    Ok(store::find_by_id_number(conn, id_number.as_str()).await?)
}

/// The persons whose phone on record is `phone`.
pub async fn find_by_phone(conn: &mut sqlx::PgConnection, phone: &crate::domain::Phone) -> Result<Vec<PersonRow>> {
    Ok(store::find_by_phone(conn, phone.as_str()).await?)
}

fn not_found() -> Error {
    Error::not_found("person.not_found", "no insured person has this person number")
}
