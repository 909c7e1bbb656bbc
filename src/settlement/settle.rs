//! Settlement (2207): the split of pre-settlement, made final in one transaction with the person
//! locked (so two settlements of one person cannot both use the same balance, deductible or cap):
//! the account payment through the ledger's one writer, the year's accumulators, the settlement
//! row (its `msgid` once per institution), the audit row. Idempotent by `Idempotency-Key`.

use chrono::{DateTime, Datelike, Utc};
use serde_json::json;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres};
use uuid::Uuid;

use super::preview::SettlementRequest;
use super::store::{self, SettlementRow};
use super::{Bill, MedType, Presented, Settlements, Split, Visit, split, with_mutual_aid};
use crate::domain::Money;
use crate::family::aid;
use crate::ledger::writer::{self, Movement};
use crate::ledger::{EntryKind, Ledger};
use crate::params;
use crate::persons::PersonRow;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};
use crate::registries::InstitutionLevel;
use crate::registries::institutions::InstitutionRow;

impl Settlements<'_> {
    /// Settles a bill for the calling institution.
    pub async fn settle(
        &self,
        caller: &Caller,
        request: SettlementRequest,
        msgid: &str,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<SettlementRow>> {
        // A retry replays before the card is checked again: its answer stands whatever the card
        // has become since. The look-ups before the transaction share one checkout.
        let mut conn = self.pool.acquire().await?;
        if let Some(value) = self.finished_on(&mut conn, caller, idempotency).await? {
            return Ok(Outcome { value, replayed: true });
        }
        match self.settle_new(conn, caller, request, msgid, idempotency).await {
            // A retry that ran while its first attempt was still settling saw that attempt's
            // effects (the token used, the msgid taken) before its answer: it gets the answer.
            Err(refused) => match self.finished(caller, idempotency).await? {
                Some(value) => Ok(Outcome { value, replayed: true }),
                None => Err(refused),
            },
            settled => settled,
        }
    }

    async fn settle_new(
        &self,
        mut conn: PoolConnection<Postgres>,
        caller: &Caller,
        request: SettlementRequest,
        msgid: &str,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<SettlementRow>> {
        let (institution, level) = self.caller_institution_on(&mut conn, caller).await?;
        let SettlementRequest { certificate, psn_no, med_type, bill, use_account } = request;
        let (presented, conn) = certificate.resolve_on(self, caller, conn).await?;
        // Let go before the transaction takes a connection of its own.
        drop(conn);
        presented.belongs_to(psn_no.as_ref())?;
        let settling =
            Settling { presented: &presented, institution: &institution, level, msgid, med_type, bill, use_account };
        self.idempotent(caller, idempotency, |mut tx| async move {
            let row = self.settle_in(&mut tx, caller, settling).await?;
            Ok((tx, row))
        })
        .await
    }

    /// The settlement itself, in its transaction: the person and the holders who may help pay
    /// locked, the certificate held, the split with family mutual aid, its effects written.
    async fn settle_in(&self, conn: &mut PgConnection, caller: &Caller, s: Settling<'_>) -> Result<SettlementRow> {
        let accounts_may_pay = s.use_account && s.presented.account_allowed;
        let (person, holders) = aid::lock_with_holders(self, conn, &s.presented.person_no, accounts_may_pay).await?;
        let setl_id = new_setl_id();
        s.presented.hold(self, conn, caller, &setl_id).await?;
        let balance = Ledger::new(self).balance_in(conn, &person).await?;
        let now = self.clock.now();
        let today = now.with_timezone(&crate::platform::clock::china_offset()).date_naive();
        let year = store::accumulated(conn, &person.person_no, today.year(), s.med_type).await?;
        let visit = Visit {
            insurance_type: person.insurance_type,
            med_type: s.med_type,
            level: s.level,
            benefits_active: person.benefits_active_on(today),
            account_usable: person.insurance_type.has_personal_account() && accounts_may_pay,
            account_balance: balance,
        };
        let split = split(&self.settings.settlement, s.bill, visit, year).map_err(super::preview::invalid_bill)?;
        let (planned, total) = aid::apply(split.psn_cash_pay, &holders, accounts_may_pay);
        let split = with_mutual_aid(split, total);
        let origin = Origin {
            setl_id,
            institution: s.institution,
            level: s.level,
            client_id: caller.client_id.to_string(),
            msgid: s.msgid,
            cert_type: s.presented.cert_type,
            med_type: s.med_type,
        };
        let row = settled_row(origin, &person, &split, balance, now);
        self.record(conn, caller, &row, split.act_pay_dedc).await?;
        aid::pay(conn, (caller.actor(), now), &row.setl_id, &holders, &planned).await?;
        Ok(row)
    }

    /// Writes a settlement's effects: the account payment, the accumulators, the row, the audit.
    async fn record(&self, conn: &mut PgConnection, caller: &Caller, row: &SettlementRow, dedc: Money) -> Result<()> {
        if row.acct_pay > Money::ZERO {
            let movement = Movement {
                person_no: row.person_no.clone(),
                kind: EntryKind::Consumption,
                amount: Money::ZERO - row.acct_pay,
                period: None,
                payment_id: None,
                reason: Some(format!("结算 {} 于 {}", row.setl_id, row.institution_code)),
                approver: None,
                value_at: None,
            };
            writer::post(conn, movement, caller.actor(), self.clock.now()).await?;
        }
        let med_type = super::MedType::parse(&row.med_type).ok_or_else(|| anyhow::anyhow!("med_type vanished"))?;
        store::add_to_accumulators(conn, (&row.person_no, row.year, med_type), dedc, row.fund_pay_sumamt).await?;
        if !store::insert(conn, row).await? {
            return Err(Error::conflict(
                "settlement.msgid_used",
                "this institution already settled a message with this msgid",
                params! { "msgid" => row.msgid.clone() },
            ));
        }
        let subject = Subject { kind: "settlement", id: &row.setl_id };
        let details = json!({ "person_no": row.person_no.as_str(), "medfee_sumamt": row.medfee_sumamt, "acct_pay": row.acct_pay });
        self.audit(conn, caller.actor(), "settlement.create", Some(subject), details).await
    }
}

/// A new settlement once its certificate is resolved.
struct Settling<'a> {
    presented: &'a Presented,
    institution: &'a InstitutionRow,
    level: InstitutionLevel,
    msgid: &'a str,
    med_type: MedType,
    bill: Bill,
    use_account: bool,
}

/// Where a new settlement comes from: everything in its row that the split does not give.
struct Origin<'a> {
    setl_id: String,
    institution: &'a InstitutionRow,
    level: InstitutionLevel,
    client_id: String,
    msgid: &'a str,
    cert_type: &'static str,
    med_type: MedType,
}

/// The row of a new settlement of `person` by `split`, from an account balance of `balance`.
fn settled_row(
    origin: Origin<'_>,
    person: &PersonRow,
    split: &Split,
    balance: Money,
    now: DateTime<Utc>,
) -> SettlementRow {
    SettlementRow {
        setl_id: origin.setl_id,
        institution_code: origin.institution.institution_code.clone(),
        client_id: origin.client_id,
        msgid: origin.msgid.to_owned(),
        person_no: person.person_no.clone(),
        mdtrt_cert_type: origin.cert_type.to_owned(),
        med_type: origin.med_type.code().to_owned(),
        insutype: person.insurance_type.code().to_owned(),
        medfee_sumamt: split.medfee_sumamt,
        fulamt_ownpay_amt: split.fulamt_ownpay_amt,
        inscp_scp_amt: split.inscp_scp_amt,
        act_pay_dedc: split.act_pay_dedc,
        fund_pay_sumamt: split.fund_pay_sumamt,
        psn_part_amt: split.psn_part_amt,
        acct_pay: split.acct_pay,
        acct_mulaid_pay: split.acct_mulaid_pay,
        psn_cash_pay: split.psn_cash_pay,
        balc: balance - split.acct_pay,
        year: now.with_timezone(&crate::platform::clock::china_offset()).year(),
        settled_at: now,
        state: "settled".into(),
        reversed_at: None,
        reversal_msgid: None,
        fixmedins_name: Some(origin.institution.name.clone()),
        fixmedins_level: Some(origin.level.get()),
    }
}

/// A new settlement id: `MC` and 22 upper-case hex digits.
fn new_setl_id() -> String {
    format!("MC{}", &Uuid::new_v4().simple().to_string()[..22]).to_ascii_uppercase()
}
