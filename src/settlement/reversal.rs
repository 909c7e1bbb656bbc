//! Reversal (冲正, 2208) by the institution that settled: the account payment comes back through
//! the ledger's one writer (and each family holder's mutual-aid payment to that holder), the
//! deductible and fund go back out of the year's totals, and the
//! settlement is marked reversed, all in one transaction with the person locked. Reversing twice
//! is refused. A partial refund is a full reversal and a new settlement of the rest.

use serde_json::json;

use super::store::{self, SettlementRow};
use super::{MedType, Settlements};
use crate::domain::Money;
use crate::ledger::EntryKind;
use crate::ledger::writer::{self, Movement};
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

impl Settlements<'_> {
    /// Reverses a settlement of the calling institution.
    pub async fn reverse(
        &self,
        caller: &Caller,
        setl_id: &str,
        msgid: Option<&str>,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<SettlementRow>> {
        self.caller_level(caller).await?;
        self.idempotent(caller, idempotency, |mut tx| async move {
            let found = store::find_for_update(&mut tx, setl_id).await?;
            let original = found
                .filter(|s| Some(&s.institution_code) == caller.institution_code.as_ref())
                .ok_or_else(|| Error::not_found("settlement.not_found", "this institution made no such settlement"))?;
            if original.state != "settled" {
                return Err(Error::conflict(
                    "settlement.already_reversed",
                    "this settlement has been reversed already",
                    params! { "reversed_at" => original.reversed_at.map(|t| t.to_rfc3339()) },
                ));
            }
            let person = crate::family::aid::lock_for_return(&mut tx, &original.person_no, setl_id).await?;
            refuse_refund_into_closed_account(&person, &original)?;
            if original.acct_pay > Money::ZERO {
                let movement = Movement {
                    person_no: original.person_no.clone(),
                    kind: EntryKind::Refund,
                    amount: original.acct_pay,
                    period: None,
                    payment_id: None,
                    reason: Some(format!("冲正 {}", original.setl_id)),
                    approver: None,
                    value_at: None,
                };
                writer::post(&mut tx, movement, caller.actor(), self.clock.now()).await?;
            }
            crate::family::aid::give_back(&mut tx, (caller.actor(), self.clock.now()), setl_id).await?;
            let med_type = MedType::parse(&original.med_type).ok_or_else(|| anyhow::anyhow!("stored med_type"))?;
            let key = (&original.person_no, original.year, med_type);
            let back = |m: Money| Money::ZERO - m;
            store::add_to_accumulators(&mut tx, key, back(original.act_pay_dedc), back(original.fund_pay_sumamt))
                .await?;
            let reversed = store::mark_reversed(&mut tx, setl_id, self.clock.now(), msgid).await?;
            let subject = Subject { kind: "settlement", id: setl_id };
            self.audit(&mut tx, caller.actor(), "settlement.reverse", Some(subject), json!({ "msgid": msgid })).await?;
            Ok((tx, reversed))
        })
        .await
    }

    /// Reverses by the institution's own message id of the settlement (2601), for when the
    /// institution never got the settlement's answer.
    pub async fn reverse_by_message(
        &self,
        caller: &Caller,
        omsgid: &str,
        msgid: Option<&str>,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<SettlementRow>> {
        let institution = caller.institution_code.clone().unwrap_or_default();
        let setl_id = {
            let mut conn = self.pool.acquire().await?;
            store::find_by_msgid(&mut conn, &institution, omsgid).await?
        };
        let setl_id = setl_id.ok_or_else(|| {
            Error::not_found("settlement.nothing_to_reverse", "this institution settled no message with this id")
        })?;
        self.reverse(caller, &setl_id, msgid, idempotency).await
    }

    /// One settlement, for the institution that made it or the hall (404 for anyone else).
    pub async fn settlement(&self, caller: &Caller, setl_id: &str) -> Result<SettlementRow> {
        let mut conn = self.pool.acquire().await?;
        let found = store::find(&mut conn, setl_id).await?;
        let visible =
            |s: &SettlementRow| caller.staff.is_some() || Some(&s.institution_code) == caller.institution_code.as_ref();
        found.filter(visible).ok_or_else(|| Error::not_found("settlement.not_found", "no such settlement"))
    }
}

/// An account payment cannot come back into the account of a person who has since transferred
/// out: the balance left with them and the account is closed. The institution refunds that part
/// to the person directly; a settlement the account did not pay still reverses.
fn refuse_refund_into_closed_account(person: &persons::PersonRow, original: &SettlementRow) -> Result<()> {
    if person.status == crate::persons::InsuredStatus::TransferredOut && original.acct_pay > Money::ZERO {
        return Err(Error::conflict(
            "settlement.account_closed",
            "the person transferred out after this settlement: the account payment cannot come back into the \
             closed account; refund it to the person directly",
            params! { "acct_pay" => original.acct_pay.to_string() },
        ));
    }
    Ok(())
}
