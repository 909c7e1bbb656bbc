//! Splitting a bill (结算): the wholly self-paid items and anything outside policy scope are the
//! person's; of what is within scope, the year's remaining deductible (起付线) is the person's too;
//! the pooled fund pays its ratio of the rest, up to what is left of the year's cap, and nothing
//! while benefits are suspended; the personal account pays what it can of the person's part when
//! the certificate may use it; cash pays the rest. `medfee_sumamt = fund + account + mutual aid +
//! cash`, always.

use crate::domain::{InsuranceType, Money};
use crate::platform::config::SettlementSettings;
use crate::registries::InstitutionLevel;

use super::MedType;

/// A bill as the institution presents it (national field names in the comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bill {
    /// `medfee_sumamt`: the whole bill.
    pub total: Money,
    /// `fulamt_ownpay_amt`: items the person pays wholly.
    pub wholly_self_paid: Money,
    /// `preselfpay_amt`: the person's share of partly covered items.
    pub pre_self_paid: Money,
    /// `inscp_scp_amt`: the part within policy scope.
    pub within_scope: Money,
}

/// What kind of visit, where, for whom, and what the person's certificate allows.
#[derive(Debug, Clone, Copy)]
pub struct Visit {
    pub insurance_type: InsuranceType,
    pub med_type: MedType,
    pub level: InstitutionLevel,
    /// False while in arrears from `benefits_suspended_from`, sealed, or transferred out.
    pub benefits_active: bool,
    /// Employee, `acct_used_flag`, and a certificate that may use the account (an active card with
    /// its password verified, or an active e-voucher).
    pub account_usable: bool,
    /// The account balance now.
    pub account_balance: Money,
}

/// The person's year so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accumulated {
    /// Deductible used this year for this visit type.
    pub deductible_used: Money,
    /// Pooled fund paid this year.
    pub fund_paid: Money,
}

/// The split, in the national names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub medfee_sumamt: Money,
    pub fulamt_ownpay_amt: Money,
    pub inscp_scp_amt: Money,
    /// `act_pay_dedc`: deductible applied by this bill.
    pub act_pay_dedc: Money,
    /// `hifp_pay` / `fund_pay_sumamt`: the pooled fund.
    pub fund_pay_sumamt: Money,
    /// `psn_part_amt`: everything but the fund.
    pub psn_part_amt: Money,
    pub acct_pay: Money,
    /// `acct_mulaid_pay`: family mutual aid (see [`with_mutual_aid`]).
    pub acct_mulaid_pay: Money,
    pub psn_cash_pay: Money,
    /// The year's totals after this bill.
    pub accumulated: Accumulated,
}

/// The split once family mutual aid pays `aid` of what would otherwise be cash (never more
/// than that cash): the invariant `medfee_sumamt = fund + acct + mulaid + cash` still holds.
pub fn with_mutual_aid(mut split: Split, aid: Money) -> Split {
    let aid = aid.min(split.psn_cash_pay);
    split.acct_mulaid_pay = split.acct_mulaid_pay + aid;
    split.psn_cash_pay = split.psn_cash_pay - aid;
    split
}

/// Why a bill cannot be split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SplitError {
    #[error("an amount is negative or over 10,000,000.00")]
    OutOfRange,
    #[error("wholly self-paid, pre-self-paid and within-scope parts exceed the total")]
    PartsExceedTotal,
    #[error("no settlement rule for this insurance type and visit type")]
    NoRule,
}

/// The largest bill accepted.
const MAX_BILL: Money = Money::from_fen(1_000_000_000);

/// Splits `bill` for `visit` given the year so far, by the configured rules.
pub fn split(rules: &SettlementSettings, bill: Bill, visit: Visit, year: Accumulated) -> Result<Split, SplitError> {
    let parts = [bill.total, bill.wholly_self_paid, bill.pre_self_paid, bill.within_scope];
    if parts.iter().any(|m| m.is_negative() || *m > MAX_BILL) {
        return Err(SplitError::OutOfRange);
    }
    if bill.wholly_self_paid + bill.pre_self_paid + bill.within_scope > bill.total {
        return Err(SplitError::PartsExceedTotal);
    }
    let insutype = visit.insurance_type.code();
    let rule = rules.rules.get(insutype).and_then(|r| r.get(visit.med_type.code())).ok_or(SplitError::NoRule)?;
    let cap = *rules.annual_fund_cap.get(insutype).ok_or(SplitError::NoRule)?;
    let level = usize::try_from(visit.level.get() - 1).unwrap_or(0).min(2);
    let (dedc, fund) = if visit.benefits_active {
        let deductible_left = floor_zero(rule.deductible[level] - year.deductible_used);
        let dedc = bill.within_scope.min(deductible_left);
        let share = (bill.within_scope - dedc).share(rule.ratio_bp[level]);
        (dedc, share.min(floor_zero(cap - year.fund_paid)))
    } else {
        (Money::ZERO, Money::ZERO)
    };
    let person_part = bill.total - fund;
    let account = if visit.account_usable { person_part.min(floor_zero(visit.account_balance)) } else { Money::ZERO };
    Ok(Split {
        medfee_sumamt: bill.total,
        fulamt_ownpay_amt: bill.wholly_self_paid,
        inscp_scp_amt: bill.within_scope,
        act_pay_dedc: dedc,
        fund_pay_sumamt: fund,
        psn_part_amt: person_part,
        acct_pay: account,
        acct_mulaid_pay: Money::ZERO,
        psn_cash_pay: person_part - account,
        accumulated: Accumulated { deductible_used: year.deductible_used + dedc, fund_paid: year.fund_paid + fund },
    })
}

fn floor_zero(amount: Money) -> Money {
    amount.max(Money::ZERO)
}

#[cfg(test)]
mod tests;
