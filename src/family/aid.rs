//! Mutual-aid payments: when a relative's own account pays less than their part of a bill, the
//! holders of their active bindings pay the rest in the relative's chosen order, each up to its
//! balance (`acct_mulaid_pay`), as `family_payment` entries through the ledger's one writer. A
//! reversal gives each payment back to its holder, never to the relative. Every person a
//! settlement or reversal touches is locked in person-number order, so two of them never wait
//! on each other.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::store::{self, BindingRow};
use crate::domain::{Money, PersonNo};
use crate::ledger::writer::{self, Movement};
use crate::ledger::{EntryKind, Ledger};
use crate::persons::{self, InsuredStatus, PersonRow};
use crate::platform::Core;
use crate::platform::caller::Actor;
use crate::platform::error::Result;

/// A holder who may help pay, with what their account holds.
#[derive(Debug, Clone)]
pub struct HolderFunds {
    /// The active binding the holder pays through.
    pub binding: BindingRow,
    /// The holder's balance, read under the settlement's locks.
    pub balance: Money,
}

/// The mutual aid of a bill: what each holder pays of `left` (the relative's cash part) when
/// accounts may pay at all, and the total.
pub fn apply(left: Money, holders: &[HolderFunds], accounts_may_pay: bool) -> (Vec<(usize, Money)>, Money) {
    let planned = if accounts_may_pay { plan(left, holders) } else { Vec::new() };
    let total = planned.iter().fold(Money::ZERO, |sum, (_, m)| sum + *m);
    (planned, total)
}

/// Locks the person and, when accounts may pay, the holders of their active bindings (all in
/// person-number order) and answers the person and, in the person's order, each holder's
/// balance. When accounts may not pay, no holder pays: only the person is locked.
pub async fn lock_with_holders(
    core: &Core,
    conn: &mut PgConnection,
    person_no: &PersonNo,
    accounts_may_pay: bool,
) -> Result<(PersonRow, Vec<HolderFunds>)> {
    let seen = if accounts_may_pay { store::active_for_relative(conn, person_no).await? } else { Vec::new() };
    if seen.is_empty() {
        // A binding confirmed after this read has no locked holder: it would be skipped below.
        return Ok((persons::lock(conn, person_no).await?, Vec::new()));
    }
    let mut everyone: Vec<PersonNo> = seen.iter().map(|b| b.holder_person_no.clone()).collect();
    everyone.push(person_no.clone());
    let locked = persons::lock_in_order(conn, everyone).await?;
    let person =
        locked.iter().find(|p| &p.person_no == person_no).cloned().ok_or_else(|| anyhow::anyhow!("person lock"))?;
    // Read again under the locks; a binding confirmed meanwhile waited for them and its holder
    // is not locked, so it joins from the next settlement on.
    let bindings = store::active_for_relative(conn, person_no).await?;
    let mut holders = Vec::new();
    for binding in bindings {
        let Some(holder) = locked.iter().find(|p| p.person_no == binding.holder_person_no) else { continue };
        let balance = Ledger::new(core).balance_in(conn, holder).await?;
        holders.push(HolderFunds { binding, balance });
    }
    Ok((person, holders))
}

/// The holders' funds as they stand, without locks (pre-settlement).
pub async fn holders_now(core: &Core, conn: &mut PgConnection, person_no: &PersonNo) -> Result<Vec<HolderFunds>> {
    let mut holders = Vec::new();
    for binding in store::active_for_relative(conn, person_no).await? {
        let holder = persons::get(conn, &binding.holder_person_no).await?;
        let balance = Ledger::new(core).balance_in(conn, &holder).await?;
        holders.push(HolderFunds { binding, balance });
    }
    Ok(holders)
}

/// What each holder pays of `left` (what the relative would otherwise pay in cash), in order,
/// each up to its balance: `(index into holders, amount)`, amounts above zero only.
pub fn plan(left: Money, holders: &[HolderFunds]) -> Vec<(usize, Money)> {
    let mut left = left;
    let mut paying = Vec::new();
    for (i, holder) in holders.iter().enumerate() {
        let amount = left.min(holder.balance);
        if amount > Money::ZERO {
            paying.push((i, amount));
            left = left - amount;
        }
    }
    paying
}

/// Writes the planned payments for settlement `setl_id`: a `family_payment` entry on each
/// holder's account and its payment row.
pub async fn pay(
    conn: &mut PgConnection,
    (actor, now): (&Actor, DateTime<Utc>),
    setl_id: &str,
    holders: &[HolderFunds],
    planned: &[(usize, Money)],
) -> Result<()> {
    for (i, amount) in planned {
        let binding = &holders[*i].binding;
        let movement = Movement {
            person_no: binding.holder_person_no.clone(),
            kind: EntryKind::FamilyPayment,
            amount: Money::ZERO - *amount,
            period: None,
            payment_id: None,
            reason: Some(format!("家庭共济：为 {} 支付结算 {setl_id}", binding.relative_person_no.as_str())),
            approver: None,
            value_at: None,
        };
        writer::post(conn, movement, actor, now).await?;
        store::insert_payment(conn, binding, setl_id, *amount, now).await?;
    }
    Ok(())
}

/// Locks the relative and the holders who paid for settlement `setl_id` (person-number order);
/// answers the relative.
pub async fn lock_for_return(conn: &mut PgConnection, relative: &PersonNo, setl_id: &str) -> Result<PersonRow> {
    let mut everyone: Vec<PersonNo> =
        store::unreturned_for(conn, setl_id).await?.into_iter().map(|p| p.holder_person_no).collect();
    everyone.push(relative.clone());
    let locked = persons::lock_in_order(conn, everyone).await?;
    locked.into_iter().find(|p| &p.person_no == relative).ok_or_else(|| anyhow::anyhow!("relative lock").into())
}

/// Gives each payment of settlement `setl_id` back to its holder (a `refund` entry). A holder
/// who has transferred out since has a closed account: that part is marked returned `outside`
/// (the institution refunds them directly) and the reversal goes on.
pub async fn give_back(conn: &mut PgConnection, (actor, now): (&Actor, DateTime<Utc>), setl_id: &str) -> Result<()> {
    for payment in store::unreturned_for(conn, setl_id).await? {
        let holder = persons::get(conn, &payment.holder_person_no).await?;
        if holder.status == InsuredStatus::TransferredOut {
            store::mark_returned(conn, payment.id, "outside", now).await?;
            continue;
        }
        let movement = Movement {
            person_no: payment.holder_person_no.clone(),
            kind: EntryKind::Refund,
            amount: payment.amount,
            period: None,
            payment_id: None,
            reason: Some(format!("冲正 {setl_id}：退回家庭共济支付")),
            approver: None,
            value_at: None,
        };
        writer::post(conn, movement, actor, now).await?;
        store::mark_returned(conn, payment.id, "account", now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holder(balance: &str) -> HolderFunds {
        let binding = BindingRow {
            binding_id: uuid::Uuid::nil(),
            holder_person_no: crate::domain::PersonNo::parse("4101000000000001").unwrap(),
            relative_person_no: crate::domain::PersonNo::parse("4101000000000002").unwrap(),
            relationship: super::super::FamilyRelation::Parent,
            state: super::super::BindingState::Active,
            priority: 1,
            requested_by: "t".into(),
            requested_via: "t".into(),
            proof_kind: None,
            requested_at: Utc::now(),
            confirmed_at: Some(Utc::now()),
            unbound_at: None,
            unbound_by: None,
            unbound_reason: None,
        };
        HolderFunds { binding, balance: Money::parse(balance).unwrap() }
    }

    #[test]
    fn holders_pay_in_order_each_up_to_its_balance_and_never_more_than_is_left() {
        let m = |s: &str| Money::parse(s).unwrap();
        let holders = [holder("30.00"), holder("0.00"), holder("100.00")];
        assert_eq!(plan(m("50.00"), &holders), vec![(0, m("30.00")), (2, m("20.00"))]);
        assert_eq!(plan(m("10.00"), &holders), vec![(0, m("10.00"))]);
        assert_eq!(plan(m("500.00"), &holders), vec![(0, m("30.00")), (2, m("100.00"))]);
        assert_eq!(plan(Money::ZERO, &holders), vec![]);
    }
}
