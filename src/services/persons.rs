//! Enrolling insured persons and reading them, masked or in full.

use serde_json::json;

use super::Services;
use super::audit::Subject;
use crate::auth::{Actor, Principal, Scope};
use crate::domain::{
    CreditCode, IdNumber, InsuranceType, InsuredStatus, Money, PersonName, PersonNo, Phone, RegionCode,
};
use crate::error::{Error, Result, ResultExt};
use crate::params;
use crate::storage::persons::{self as store, PersonRow};
use crate::storage::status_history::{self, NewStatusEntry};

/// An employer as given at enrolment of an employee.
#[derive(Debug, Clone)]
pub struct Employer {
    pub credit_code: CreditCode,
    pub name: String,
}

/// A parsed enrolment request.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub id_number: IdNumber,
    pub name: PersonName,
    pub phone: Phone,
    pub insurance_type: InsuranceType,
    pub region: RegionCode,
    pub employer: Option<Employer>,
    /// Set for a transfer in (转接) of someone new to Zhengzhou: the region they come from.
    pub transferred_in_from: Option<RegionCode>,
    /// Employees' monthly contribution base (缴费基数); residents have none.
    pub contribution_base: Option<Money>,
    /// The personal-account balance carried over by a transfer in (employees).
    pub carried_over_balance: Money,
}

/// Whether a reader sees ID numbers and phones in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    Masked,
    Full,
}

impl Disclosure {
    /// The disclosure a principal is entitled to.
    pub fn for_principal(principal: &Principal) -> Self {
        if principal.may_read_pii() { Self::Full } else { Self::Masked }
    }
}

/// A person as returned to a reader, with how much of their PII the reader may see.
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub row: PersonRow,
    pub disclosure: Disclosure,
}

impl Services {
    /// Enrols a person (hall staff). One person per ID number; the first history row records
    /// the enrolment, or the transfer in.
    pub async fn enrol_person(
        &self,
        principal: &Principal,
        request_id: Option<String>,
        enrolment: Enrolment,
    ) -> Result<PersonRecord> {
        principal.require(Scope::PersonsEnrol)?;
        check_employer_matches_type(&enrolment)?;
        self.check_money_matches_type(&enrolment)?;
        let actor = principal.actor(request_id);
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        let person_no = store::next_person_no(&mut tx).await?;
        let row = new_person_row(person_no, &enrolment, now);
        store::insert(&mut tx, &row).await.on_constraint("persons_id_number_key", || {
            Error::conflict("person.id_number_taken", "a person with this ID number is already enrolled", params! {})
        })?;
        let (reason_code, reason) = match &enrolment.transferred_in_from {
            Some(_) => ("transfer_in", "转接: insurance relation transferred in"),
            None => ("enrolment", "enrolment at the service hall"),
        };
        let entry = NewStatusEntry {
            person_no: &row.person_no,
            from: None,
            to: InsuredStatus::Normal,
            reason_code,
            reason,
            other_region: enrolment.transferred_in_from.as_ref().map(RegionCode::as_str),
            actor: &actor,
            at: now,
            effective_date: self.clock.today(),
        };
        status_history::insert(&mut tx, &entry).await?;
        self.open_schedule(&mut tx, &row).await?;
        if let Some(source) = &enrolment.transferred_in_from {
            self.carry_balance_in(&mut tx, &actor, &row.person_no, source.as_str(), enrolment.carried_over_balance)
                .await?;
        }
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details =
            json!({ "insurance_type": row.insurance_type, "region_code": row.region_code, "reason_code": reason_code });
        self.audit(&mut tx, &actor, "person.enrol", Some(subject), details).await?;
        tx.commit().await?;
        Ok(PersonRecord { row, disclosure: Disclosure::for_principal(principal) })
    }

    /// Reads one person; an unmasked read is audited.
    pub async fn person(
        &self,
        principal: &Principal,
        request_id: Option<String>,
        person_no: &PersonNo,
    ) -> Result<PersonRecord> {
        principal.require(Scope::PersonsRead)?;
        let mut tx = self.pool.begin().await?;
        let row = store::find(&mut tx, person_no).await?.ok_or(Error::NotFound { code: "person.not_found" })?;
        let record = self.disclose(&mut tx, principal, request_id, row).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Exact lookup by ID number; an unmasked result is audited.
    pub async fn find_person_by_id_number(
        &self,
        principal: &Principal,
        request_id: Option<String>,
        id_number: &IdNumber,
    ) -> Result<Option<PersonRecord>> {
        principal.require(Scope::PersonsRead)?;
        let mut tx = self.pool.begin().await?;
        let Some(row) = store::find_by_id_number(&mut tx, id_number.as_str()).await? else {
            return Ok(None);
        };
        let record = self.disclose(&mut tx, principal, request_id, row).await?;
        tx.commit().await?;
        Ok(Some(record))
    }

    /// Decides what the reader sees and audits a full read.
    async fn disclose(
        &self,
        conn: &mut sqlx::PgConnection,
        principal: &Principal,
        request_id: Option<String>,
        row: PersonRow,
    ) -> Result<PersonRecord> {
        let disclosure = Disclosure::for_principal(principal);
        if disclosure == Disclosure::Full {
            let actor: Actor = principal.actor(request_id);
            let subject = Subject { kind: "person", id: row.person_no.as_str() };
            self.audit(conn, &actor, "person.pii_read", Some(subject), json!({})).await?;
        }
        Ok(PersonRecord { row, disclosure })
    }
}

impl Services {
    /// Employees have a base within range; only employees transferring in carry a balance.
    fn check_money_matches_type(&self, enrolment: &Enrolment) -> Result<()> {
        match (enrolment.insurance_type, enrolment.contribution_base) {
            (InsuranceType::Employee, Some(base)) => self.check_base(base)?,
            (InsuranceType::Employee, None) => {
                return Err(Error::invalid_field(
                    "contribution.base_required",
                    "contribution_base",
                    "employee insurance (310) needs the contribution base",
                ));
            }
            (InsuranceType::Resident, Some(_)) => {
                return Err(Error::invalid_field(
                    "contribution.base_not_applicable",
                    "contribution_base",
                    "residents (390) pay a yearly amount, not from a base",
                ));
            }
            (InsuranceType::Resident, None) => {}
        }
        super::ledger::check_carry_over(
            enrolment.carried_over_balance,
            enrolment.insurance_type == InsuranceType::Employee,
            enrolment.transferred_in_from.is_some(),
        )?;
        Ok(())
    }
}

/// A transferred-out person's record is read-only: no cards, card steps, payments or base changes.
pub(crate) fn refuse_if_transferred_out(status: InsuredStatus) -> Result<()> {
    if status == InsuredStatus::TransferredOut {
        return Err(Error::conflict(
            "person.transferred_out",
            "the person has transferred out; their record is read-only",
            params! { "current_status" => status.code() },
        ));
    }
    Ok(())
}

/// Employees (310) come with their employer; residents (390) have none.
fn check_employer_matches_type(enrolment: &Enrolment) -> Result<()> {
    match (enrolment.insurance_type, &enrolment.employer) {
        (InsuranceType::Employee, None) => Err(Error::invalid_field(
            "person.employer_required",
            "employer",
            "employee insurance (310) needs the employer",
        )),
        (InsuranceType::Resident, Some(_)) => Err(Error::invalid_field(
            "person.employer_not_applicable",
            "employer",
            "resident insurance (390) has no employer",
        )),
        _ => Ok(()),
    }
}

fn new_person_row(person_no: PersonNo, e: &Enrolment, now: chrono::DateTime<chrono::Utc>) -> PersonRow {
    PersonRow {
        person_no,
        id_number: e.id_number.as_str().to_owned(),
        name: e.name.as_str().to_owned(),
        gender: e.id_number.gender(),
        birth_date: e.id_number.birth_date(),
        phone: e.phone.as_str().to_owned(),
        insurance_type: e.insurance_type.code().to_owned(),
        region_code: e.region.as_str().to_owned(),
        employer_credit_code: e.employer.as_ref().map(|em| em.credit_code.as_str().to_owned()),
        employer_name: e.employer.as_ref().map(|em| em.name.clone()),
        status: InsuredStatus::Normal,
        benefits_suspended_from: None,
        other_region: e.transferred_in_from.as_ref().map(|r| r.as_str().to_owned()),
        enrolled_at: now,
        status_changed_at: now,
        contribution_base: e.contribution_base,
    }
}
