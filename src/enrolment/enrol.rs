//! Enrolling an insured person: the record, the first status-history row, the contribution
//! schedule and, for a transfer in, the carried-over balance, in one transaction.

use serde_json::json;

use super::Enrolments;
use crate::contributions::Contributions;
use crate::domain::{CreditCode, IdNumber, InsuranceType, Money, PersonName, PersonNo, Phone, RegionCode};
use crate::ledger::Ledger;
use crate::persons::{Disclosure, InsuredStatus, Joining, PersonRecord, PersonRow, Persons};
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

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

impl Enrolments<'_> {
    /// Enrols a person (hall staff). One person per ID number; the first history row records
    /// the enrolment, or the transfer in.
    pub async fn enrol_person(&self, caller: &Caller, enrolment: Enrolment) -> Result<PersonRecord> {
        check_employer_matches_type(&enrolment)?;
        self.check_money_matches_type(&enrolment)?;
        let actor = caller.actor().clone();
        let now = self.clock.now();
        let mut tx = self.pool.begin().await?;
        let persons = Persons::new(self);
        let row = new_person_row(persons.next_person_no(&mut tx).await?, &enrolment, now);
        let (reason_code, reason) = match &enrolment.transferred_in_from {
            Some(_) => ("transfer_in", "转接: insurance relation transferred in"),
            None => ("enrolment", "enrolment at the service hall"),
        };
        let other_region = enrolment.transferred_in_from.as_ref().map(RegionCode::as_str);
        persons.record_enrolment(&mut tx, &actor, &row, Joining { reason_code, reason, other_region }).await?;
        Contributions::new(self).open_schedule(&mut tx, &row).await?;
        if let Some(source) = &enrolment.transferred_in_from {
            Ledger::new(self)
                .carry_balance_in(&mut tx, &actor, &row.person_no, source.as_str(), enrolment.carried_over_balance)
                .await?;
        }
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details =
            json!({ "insurance_type": row.insurance_type, "region_code": row.region_code, "reason_code": reason_code });
        self.audit(&mut tx, &actor, "person.enrol", Some(subject), details).await?;
        tx.commit().await?;
        Ok(PersonRecord { row, disclosure: Disclosure::for_principal(caller) })
    }
}

impl Enrolments<'_> {
    /// Employees have a base within range; only employees transferring in carry a balance.
    fn check_money_matches_type(&self, enrolment: &Enrolment) -> Result<()> {
        match (enrolment.insurance_type, enrolment.contribution_base) {
            (InsuranceType::Employee, Some(base)) => Contributions::new(self).check_base(base)?,
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
        crate::ledger::check_carry_over(
            enrolment.carried_over_balance,
            enrolment.insurance_type == InsuranceType::Employee,
            enrolment.transferred_in_from.is_some(),
        )?;
        Ok(())
    }
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
        insurance_type: e.insurance_type,
        region_code: e.region.as_str().to_owned(),
        employer_credit_code: e.employer.as_ref().map(|em| em.credit_code.as_str().to_owned()),
        employer_name: e.employer.as_ref().map(|em| em.name.clone()),
        status: InsuredStatus::Normal,
        benefits_suspended_from: None,
        other_region: e.transferred_in_from.as_ref().map(|r| r.as_str().to_owned()),
        enrolled_at: now,
        status_changed_at: now,
        contribution_base: e.contribution_base,
        address: None,
    }
}
