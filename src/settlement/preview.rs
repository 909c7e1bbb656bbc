//! Pre-settlement (2206): the split a settlement would make now, persisting nothing but what a
//! card-password check always counts.

use chrono::Datelike;
use sqlx::PgConnection;

use super::certificate::Certificate;
use super::{Bill, MedType, Settlements, Split, Visit, split, store, with_mutual_aid};
use crate::domain::{Money, PersonNo};
use crate::ledger::Ledger;
use crate::params;
use crate::persons::{self, PersonRow};
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::registries::InstitutionLevel;
use crate::registries::institutions::{self, InstitutionRow};

/// What an institution asks to pre-settle.
#[derive(Debug)]
pub struct SettlementRequest {
    pub certificate: Certificate,
    /// The person the institution expects (`psn_no`), if it said.
    pub psn_no: Option<PersonNo>,
    pub med_type: MedType,
    pub bill: Bill,
    /// `acct_used_flag`: whether the person wants the account to pay.
    pub use_account: bool,
}

/// A split with whom it is for and the balance it leaves.
#[derive(Debug, Clone)]
pub struct Preview {
    pub person: PersonRow,
    pub med_type: MedType,
    pub split: Split,
    /// `balc`: the account balance after the account payment.
    pub balance_after: Money,
}

impl Settlements<'_> {
    /// Computes the split for the calling institution.
    pub async fn preview(&self, caller: &Caller, request: SettlementRequest) -> Result<Preview> {
        let level = self.caller_level(caller).await?;
        let presented = request.certificate.resolve(self, caller).await?;
        presented.belongs_to(request.psn_no.as_ref())?;
        let person = {
            let mut conn = self.pool.acquire().await?;
            persons::get(&mut conn, &presented.person_no).await?
        };
        let employee = person.insurance_type.has_personal_account();
        let balance = self.balance_of(&person.person_no, employee).await?;
        let year = {
            let mut conn = self.pool.acquire().await?;
            store::accumulated(&mut conn, &person.person_no, self.clock.today().year(), request.med_type).await?
        };
        let visit = Visit {
            insurance_type: person.insurance_type,
            med_type: request.med_type,
            level,
            benefits_active: person.benefits_active_on(self.clock.today()),
            account_usable: employee && request.use_account && presented.account_allowed,
            account_balance: balance,
        };
        let split = split(&self.settings.settlement, request.bill, visit, year).map_err(invalid_bill)?;
        let split =
            self.with_family_aid(split, &person.person_no, request.use_account && presented.account_allowed).await?;
        Ok(Preview { person, med_type: request.med_type, balance_after: balance - split.acct_pay, split })
    }

    /// The split with what the person's family holders would pay now (nothing is locked).
    async fn with_family_aid(&self, split: Split, person_no: &PersonNo, accounts_may_pay: bool) -> Result<Split> {
        if !accounts_may_pay {
            return Ok(split);
        }
        let mut conn = self.pool.acquire().await?;
        let holders = crate::family::aid::holders_now(self, &mut conn, person_no).await?;
        let (_, total) = crate::family::aid::apply(split.psn_cash_pay, &holders, true);
        Ok(with_mutual_aid(split, total))
    }

    /// The level of the institution the calling client acts for.
    pub(super) async fn caller_level(&self, caller: &Caller) -> Result<InstitutionLevel> {
        Ok(self.caller_institution(caller).await?.1)
    }

    /// The institution the calling client acts for, with its level.
    pub(super) async fn caller_institution(&self, caller: &Caller) -> Result<(InstitutionRow, InstitutionLevel)> {
        let mut conn = self.pool.acquire().await?;
        self.caller_institution_on(&mut conn, caller).await
    }

    /// The same on a connection the request already holds.
    pub(super) async fn caller_institution_on(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
    ) -> Result<(InstitutionRow, InstitutionLevel)> {
        let code = caller.institution_code.as_deref().ok_or_else(|| {
            Error::forbidden("settlement.not_an_institution", "only a designated institution's client settles")
        })?;
        let institution =
            institutions::find(conn, code).await?.ok_or_else(|| anyhow::anyhow!("client's institution vanished"))?;
        let level =
            InstitutionLevel::new(institution.level).ok_or_else(|| anyhow::anyhow!("stored level out of range"))?;
        Ok((institution, level))
    }

    async fn balance_of(&self, person_no: &PersonNo, employee: bool) -> Result<Money> {
        if !employee {
            return Ok(Money::ZERO);
        }
        Ok(Ledger::new(self).account(person_no).await?.balance)
    }
}

/// A bill the rules refuse, as a 422.
pub(super) fn invalid_bill(error: super::SplitError) -> Error {
    Error::Invalid {
        code: "settlement.bill",
        detail: error.to_string(),
        params: params! { "field" => "medfee_sumamt" },
    }
}
