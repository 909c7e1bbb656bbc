//! The hall's changes of insured status (seal, unseal, transfer out, transfer in): the person's
//! transition and, in the same transaction, what it does to money and contributions.

use sqlx::PgConnection;

use super::Enrolments;
use crate::contributions::Contributions;
use crate::domain::{Money, PersonNo};
use crate::ledger::Ledger;
use crate::persons::{
    Disclosure, InsuredStatus, PersonRecord, PersonRow, Persons, StatusEntryRow, StatusRequest, StatusRule,
    TransitionInitiator,
};
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::Result;
use crate::sessions::Sessions;

/// The outcome of a transition: the person after it and the history row written.
#[derive(Debug, Clone)]
pub struct StatusOutcome {
    pub person: PersonRecord,
    pub entry: StatusEntryRow,
}

impl Enrolments<'_> {
    /// A hall transition (seal, unseal, transfer out, transfer in), in one transaction.
    pub async fn change_status(
        &self,
        caller: &Caller,
        person_no: &PersonNo,
        request: StatusRequest,
    ) -> Result<StatusOutcome> {
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let persons = Persons::new(self);
        let (row, entry, rule) =
            persons.transition(&mut tx, &actor, TransitionInitiator::Hall, person_no, &request).await?;
        self.money_side_of(&mut tx, &actor, rule, &row, &request).await?;
        tx.commit().await?;
        let person = PersonRecord { row, disclosure: Disclosure::for_principal(caller) };
        Ok(StatusOutcome { person, entry })
    }

    /// What a transition does to money and channels: a transfer out moves the whole balance
    /// out and ends the person's bindings and sessions; a transfer
    /// in reopens the account with the carried-over balance; contributions resume on unsealing
    /// and transfer in. Sealing needs nothing here: arrival does not allocate while sealed.
    async fn money_side_of(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        rule: &StatusRule,
        person: &PersonRow,
        request: &StatusRequest,
    ) -> Result<()> {
        let employee = person.insurance_type.has_personal_account();
        let carried = request.carried_over_balance.unwrap_or(Money::ZERO);
        let transfer_in = rule.from == InsuredStatus::TransferredOut;
        crate::ledger::check_carry_over(carried, employee, transfer_in)?;
        let other_region = person.other_region.as_deref().unwrap_or_default();
        if rule.to == InsuredStatus::TransferredOut {
            let ledger = Ledger::new(self);
            ledger.move_balance_out(conn, actor, &person.person_no, other_region).await?;
            ledger.void_pending_adjustments(conn, actor, &person.person_no).await?;
            Sessions::new(self).end_all_for_transfer_out(conn, actor, &person.person_no).await?;
            crate::family::Families::new(self).end_for_transfer_out(conn, actor, &person.person_no).await?;
        }
        if transfer_in && employee {
            Ledger::new(self).carry_balance_in(conn, actor, &person.person_no, other_region, carried).await?;
        }
        if rule.to == InsuredStatus::Normal && rule.initiator == TransitionInitiator::Hall {
            Contributions::new(self).open_schedule(conn, person).await?;
        }
        Ok(())
    }
}
