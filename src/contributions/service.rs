//! Contributions (缴费): the schedule of what each person owes per period, payments by banks
//! and the tax bureau, their arrival (automatic or manual at the hall), the allocation to the
//! personal account, and the arrears that follow from unpaid months.

mod arrears;
pub mod arrival;
mod payments;

pub use payments::PaymentRequest;

use super::Contributions;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::json;
use sqlx::PgConnection;

use super::ContributionState;
use crate::contributions::store::contributions::{self as store, ContributionRow, Rates};
use crate::domain::{InsuranceType, Money, Month, PersonNo};
use crate::ledger;
use crate::persons::BulkChange;
use crate::persons::{self, PersonRow};
use crate::persons::{InsuredStatus, StatusRule};
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result};

/// The system edge of the insured-status machine that contributions drive into `to` (arrears,
/// or back to normal), with its reason code and dates taken from the rule as of `on`.
pub(crate) fn system_change<'a>(
    to: InsuredStatus,
    on: NaiveDate,
    reason: &'a str,
    actor: &'a Actor,
    at: DateTime<Utc>,
) -> BulkChange<'a> {
    let from = if to == InsuredStatus::InArrears { InsuredStatus::Normal } else { InsuredStatus::InArrears };
    let rule = StatusRule::find(from, to).expect("contributions drive only edges the machine has");
    let effect = rule.effect(on);
    BulkChange {
        from: rule.from,
        to: rule.to,
        benefits_suspended_from: effect.benefits_suspended_from,
        reason_code: rule.reasons[0],
        reason,
        actor,
        at,
        effective_date: effect.effective_date,
    }
}

impl Contributions<'_> {
    /// The configured rates.
    pub(crate) fn rates(&self) -> Rates {
        Rates::of(&self.settings.contributions)
    }

    /// Refuses a base outside the announced floor and ceiling.
    pub fn check_base(&self, base: Money) -> Result<()> {
        let c = &self.settings.contributions;
        if base < c.base_min || base > c.base_max {
            return Err(Error::invalid_field(
                "contribution.base_out_of_range",
                "contribution_base",
                format!("the contribution base is between {} and {}", c.base_min, c.base_max),
            ));
        }
        Ok(())
    }

    /// The last month whose cut-off has passed: this month after the cut-off day, else the last.
    pub fn closed_through(&self, today: NaiveDate) -> Month {
        let this = Month::of(today);
        if today.day() > self.settings.contributions.cutoff_day { this } else { this.previous() }
    }

    /// Starts (or resumes) contributing: the current period is owed, and an employee's account
    /// is open. Used on enrolment, unsealing and transfer in.
    pub async fn open_schedule(&self, conn: &mut PgConnection, person: &PersonRow) -> Result<()> {
        let now = self.clock.now();
        if let Some(row) = self.current_contribution(person, now) {
            store::insert_if_missing(conn, &row).await?;
        }
        if person.insurance_type == InsuranceType::Employee {
            ledger::writer::open(conn, &person.person_no, now).await?;
        }
        Ok(())
    }

    /// What the person owes for the current period: the month from the base for employees, the
    /// yearly amount for residents; nothing for an employee whose base is not yet known.
    fn current_contribution(&self, person: &PersonRow, now: DateTime<Utc>) -> Option<ContributionRow> {
        let today = self.clock.today();
        let (period, base, employer, personal, allocation) = match person.insurance_type {
            InsuranceType::Employee => {
                let base = person.contribution_base?;
                let parts = self.rates().month(base);
                (Month::of(today).to_string(), Some(base), parts.employer, parts.personal, parts.allocation)
            }
            InsuranceType::Resident => {
                let yearly = self.settings.contributions.resident_yearly_amount;
                (today.year().to_string(), None, Money::ZERO, yearly, Money::ZERO)
            }
        };
        Some(ContributionRow {
            person_no: person.person_no.clone(),
            period,
            base,
            employer_part: employer,
            personal_part: personal,
            amount_due: employer + personal,
            allocation,
            state: ContributionState::Due,
            payment_id: None,
            paid_at: None,
            paid_channel: None,
            arrived_at: None,
            arrival_kind: None,
            created_at: now,
        })
    }

    /// A page of a person's contributions, oldest first (periods compare as text: `2026-01` < `2026-02`).
    pub async fn contributions(
        &self,
        person_no: &PersonNo,
        range: (Option<&str>, Option<&str>),
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ContributionRow>> {
        let mut conn = self.pool.acquire().await?;
        persons::get(&mut conn, person_no).await?;
        Ok(store::list(&mut conn, person_no, range.0, range.1, after, limit).await?)
    }

    /// Changes an employee's contribution base (hall); unpaid months from this one are repriced.
    pub async fn change_contribution_base(
        &self,
        caller: &Caller,
        person_no: &PersonNo,
        base: Money,
    ) -> Result<PersonRow> {
        self.check_base(base)?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let mut person = persons::lock(&mut tx, person_no).await?;
        if person.insurance_type != InsuranceType::Employee {
            return Err(Error::invalid_field(
                "contribution.base_not_applicable",
                "contribution_base",
                "residents (390) pay a yearly amount, not from a base",
            ));
        }
        crate::persons::refuse_if_transferred_out(person.status)?;
        persons::set_contribution_base(&mut tx, person_no, base).await?;
        let from = Month::of(self.clock.today()).to_string();
        let repriced = store::reprice_unpaid(&mut tx, person_no, &from, base, self.rates()).await?;
        let subject = Subject { kind: "person", id: person_no.as_str() };
        let details = json!({ "from": person.contribution_base, "to": base, "repriced_periods": repriced });
        self.audit(&mut tx, &actor, "person.contribution_base", Some(subject), details).await?;
        person.contribution_base = Some(base);
        self.open_schedule(&mut tx, &person).await?;
        tx.commit().await?;
        Ok(person)
    }
}
