//! The personal account (employees only): reading it and its entries, the money side of
//! transfers, and the reconciliation check. Every movement is posted by [`super::writer`].

use super::Ledger;
use sqlx::PgConnection;

use super::EntryKind;
use super::store::{self, AccountRow, EntryFilter, EntryRow, LedgerCheck};
use super::writer::{self, Movement};
use crate::domain::{Money, PersonNo};
use crate::params;
use crate::persons;
use crate::persons::InsuredStatus;
use crate::platform::caller::Actor;
use crate::platform::error::{Error, Result};

/// A personal account and why arriving contributions may not be credited to it.
#[derive(Debug, Clone)]
pub struct Account {
    pub person_no: PersonNo,
    pub balance: Money,
    pub last_entry_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `sealed` (封存: balance usable, no allocations) or `transferred_out` (account closed).
    pub allocations_stopped_reason: Option<&'static str>,
    /// Whether the account takes no more movements (transferred out).
    pub frozen: bool,
}

impl Ledger<'_> {
    /// The account of an employee.
    pub async fn account(&self, person_no: &PersonNo) -> Result<Account> {
        let mut conn = self.pool.acquire().await?;
        self.account_on(&mut conn, person_no).await
    }

    /// The same on a connection the request already holds.
    pub async fn account_on(&self, conn: &mut PgConnection, person_no: &PersonNo) -> Result<Account> {
        let (status, account) = account_of(conn, person_no).await?;
        Ok(account_view(account, status))
    }

    /// The balance of a person's account inside the caller's transaction; 0 for residents, who
    /// have none.
    pub async fn balance_in(&self, conn: &mut PgConnection, person: &persons::PersonRow) -> Result<Money> {
        if !person.insurance_type.has_personal_account() {
            return Ok(Money::ZERO);
        }
        let (_, account) = employee_account(conn, person.clone()).await?;
        Ok(account.balance)
    }

    /// The balance at the start of day `from` (0 before the first entry).
    pub async fn balance_before(&self, person_no: &PersonNo, from: chrono::NaiveDate) -> Result<Money> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::balance_before(&mut conn, person_no, from).await?)
    }

    /// A page of entries within `days`, after entry `after_id`, oldest first (statements).
    pub async fn entries_ascending(
        &self,
        person_no: &PersonNo,
        days: (chrono::NaiveDate, chrono::NaiveDate),
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<EntryRow>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::list_ascending(&mut conn, person_no, days, after_id, limit).await?)
    }

    /// A page of an account's entries, newest first.
    pub async fn account_entries(&self, filter: &EntryFilter<'_>) -> Result<Vec<EntryRow>> {
        let mut conn = self.pool.acquire().await?;
        account_of(&mut conn, filter.person_no).await?;
        Ok(store::list(&mut conn, filter).await?)
    }

    /// The money side of a transfer out: the whole balance leaves with one entry.
    pub async fn move_balance_out(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
        target: &str,
    ) -> Result<()> {
        let Some(account) = store::find_for_update(conn, person_no).await? else { return Ok(()) };
        if account.balance == Money::ZERO {
            return Ok(());
        }
        let reason = format!("transferred out to {target}");
        self.post_transfer(conn, actor, person_no, EntryKind::TransferOut, Money::ZERO - account.balance, &reason).await
    }

    /// The money side of a transfer in: the account opens (again) with the carried-over balance.
    pub async fn carry_balance_in(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
        source: &str,
        amount: Money,
    ) -> Result<()> {
        writer::open(conn, person_no, self.clock.now()).await?;
        if amount == Money::ZERO {
            return Ok(());
        }
        let reason = format!("carried over from {source}");
        self.post_transfer(conn, actor, person_no, EntryKind::TransferIn, amount, &reason).await
    }

    /// Posts one side of a transfer between pooling regions.
    async fn post_transfer(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
        kind: EntryKind,
        amount: Money,
        reason: &str,
    ) -> Result<()> {
        let movement = Movement {
            person_no: person_no.clone(),
            kind,
            amount,
            period: None,
            payment_id: None,
            reason: Some(reason.to_owned()),
            approver: None,
            value_at: None,
        };
        writer::post(conn, movement, actor, self.clock.now()).await.map(|_| ())
    }

    /// `medcard ledger check`: every balance equals its entries and none is negative.
    pub async fn check_ledger(&self) -> Result<LedgerCheck> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::check(&mut conn).await?)
    }
}

/// The person's status and account; residents have none, which is said clearly.
async fn account_of(conn: &mut PgConnection, person_no: &PersonNo) -> Result<(InsuredStatus, AccountRow)> {
    let person = persons::get(conn, person_no).await?;
    employee_account(conn, person).await
}

/// The same, with the person locked for a movement (status changes lock the person too).
pub(crate) async fn locked_account_of(
    conn: &mut PgConnection,
    person_no: &PersonNo,
) -> Result<(InsuredStatus, AccountRow)> {
    let person = persons::lock(conn, person_no).await?;
    employee_account(conn, person).await
}

async fn employee_account(conn: &mut PgConnection, person: persons::PersonRow) -> Result<(InsuredStatus, AccountRow)> {
    let person_no = &person.person_no;
    if !person.insurance_type.has_personal_account() {
        return Err(Error::not_found(
            "account.resident_has_none",
            "residents (390) pay a yearly amount and have no personal account; only employees (310) have one",
        ));
    }
    let account = store::find(conn, person_no)
        .await?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("employee {person_no} has no account")))?;
    Ok((person.status, account))
}

fn account_view(account: AccountRow, status: InsuredStatus) -> Account {
    let reason = match status {
        InsuredStatus::Sealed => Some("sealed"),
        InsuredStatus::TransferredOut => Some("transferred_out"),
        _ => None,
    };
    Account {
        person_no: account.person_no,
        balance: account.balance,
        last_entry_at: account.last_entry_at,
        allocations_stopped_reason: reason,
        frozen: status == InsuredStatus::TransferredOut,
    }
}

/// Only an employee transferring in carries a personal-account balance, and never a negative one.
pub fn check_carry_over(amount: Money, employee: bool, transferring_in: bool) -> Result<()> {
    if amount != Money::ZERO && !(employee && transferring_in) {
        return Err(Error::invalid_field(
            "account.carry_over_not_applicable",
            "carried_over_balance",
            "only an employee transferring in carries a personal-account balance",
        ));
    }
    if amount.is_negative() {
        return Err(Error::invalid_field(
            "account.carry_over_negative",
            "carried_over_balance",
            "a balance is not negative",
        ));
    }
    Ok(())
}

/// A transferred-out account takes no movements.
pub(crate) fn refuse_if_frozen(status: InsuredStatus) -> Result<()> {
    if status == InsuredStatus::TransferredOut {
        return Err(Error::conflict(
            "account.frozen",
            "after a transfer out the personal account takes no movements; its balance left with the transfer",
            params! {},
        ));
    }
    Ok(())
}
