//! The split by example (the defaults of `config/default.toml`) and by property.

use proptest::prelude::*;

use super::*;
use crate::platform::config::Settings;

fn yuan(raw: &str) -> Money {
    Money::parse(raw).unwrap()
}

fn bill(total: &str, wholly: &str, pre: &str, scope: &str) -> Bill {
    Bill { total: yuan(total), wholly_self_paid: yuan(wholly), pre_self_paid: yuan(pre), within_scope: yuan(scope) }
}

fn employee_inpatient_at_level_3(balance: &str) -> Visit {
    Visit {
        insurance_type: InsuranceType::Employee,
        med_type: MedType::Inpatient,
        level: InstitutionLevel::new(3).unwrap(),
        benefits_active: true,
        account_usable: true,
        account_balance: yuan(balance),
    }
}

#[test]
fn an_inpatient_bill_pays_the_deductible_then_the_funds_ratio_then_the_account_then_cash() {
    let rules = Settings::defaults().settlement;
    // Level 3, employee inpatient: deductible 1000.00, fund 80 % of the rest within scope.
    let split = split(
        &rules,
        bill("10000.00", "500.00", "500.00", "9000.00"),
        employee_inpatient_at_level_3("300.00"),
        Accumulated::default(),
    )
    .unwrap();
    assert_eq!(split.act_pay_dedc, yuan("1000.00"));
    assert_eq!(split.fund_pay_sumamt, yuan("6400.00"));
    assert_eq!(split.psn_part_amt, yuan("3600.00"));
    assert_eq!((split.acct_pay, split.psn_cash_pay), (yuan("300.00"), yuan("3300.00")));
    assert_eq!(split.accumulated, Accumulated { deductible_used: yuan("1000.00"), fund_paid: yuan("6400.00") });
}

#[test]
fn the_deductible_is_paid_once_a_year_and_the_cap_stops_the_fund() {
    let rules = Settings::defaults().settlement;
    let visit = employee_inpatient_at_level_3("0.00");
    let used = Accumulated { deductible_used: yuan("1000.00"), fund_paid: yuan("449900.00") };
    let split = split(&rules, bill("1000.00", "0.00", "0.00", "1000.00"), visit, used).unwrap();
    assert_eq!(split.act_pay_dedc, Money::ZERO);
    assert_eq!(split.fund_pay_sumamt, yuan("100.00"), "only what is left of the 450000.00 cap");
    assert_eq!(split.psn_cash_pay, yuan("900.00"));
}

#[test]
fn suspended_benefits_pay_nothing_from_the_fund_and_an_unusable_certificate_nothing_from_the_account() {
    let rules = Settings::defaults().settlement;
    let mut visit = employee_inpatient_at_level_3("5000.00");
    visit.benefits_active = false;
    let suspended = split(&rules, bill("800.00", "0.00", "0.00", "800.00"), visit, Accumulated::default()).unwrap();
    assert_eq!((suspended.fund_pay_sumamt, suspended.acct_pay), (Money::ZERO, yuan("800.00")));
    visit.account_usable = false;
    let cash = split(&rules, bill("800.00", "0.00", "0.00", "800.00"), visit, Accumulated::default()).unwrap();
    assert_eq!((cash.acct_pay, cash.psn_cash_pay), (Money::ZERO, yuan("800.00")));
}

#[test]
fn bad_bills_are_refused() {
    let rules = Settings::defaults().settlement;
    let visit = employee_inpatient_at_level_3("0.00");
    let cases = [
        (bill("-1.00", "0.00", "0.00", "0.00"), SplitError::OutOfRange),
        (bill("10000000.01", "0.00", "0.00", "0.00"), SplitError::OutOfRange),
        (bill("100.00", "60.00", "0.00", "50.00"), SplitError::PartsExceedTotal),
    ];
    for (bad, error) in cases {
        assert_eq!(split(&rules, bad, visit, Accumulated::default()), Err(error));
    }
}

fn money(max_fen: i64) -> impl Strategy<Value = Money> {
    (0..=max_fen).prop_map(Money::from_fen)
}

proptest! {
    #[test]
    fn every_split_adds_up_never_overdraws_and_never_passes_the_cap(
        total in money(100_000_000),
        cuts in (0u32..=100, 0u32..=100, 0u32..=100),
        balance in money(10_000_000),
        used in (money(200_000), money(50_000_000)),
        flags in (any::<bool>(), any::<bool>(), 0usize..4, 1i16..=3, any::<bool>()),
    ) {
        let rules = Settings::defaults().settlement;
        let part = |pct: u32| Money::from_fen(total.fen() * i64::from(pct) / 300);
        let bill = Bill { total, wholly_self_paid: part(cuts.0), pre_self_paid: part(cuts.1), within_scope: part(cuts.2) };
        let visit = Visit {
            insurance_type: if flags.4 { InsuranceType::Employee } else { InsuranceType::Resident },
            med_type: MedType::ALL[flags.2],
            level: InstitutionLevel::new(flags.3).unwrap(),
            benefits_active: flags.0,
            account_usable: flags.1,
            account_balance: balance,
        };
        let year = Accumulated { deductible_used: used.0, fund_paid: used.1 };
        let s = split(&rules, bill, visit, year).unwrap();
        prop_assert_eq!(s.medfee_sumamt, s.fund_pay_sumamt + s.acct_pay + s.acct_mulaid_pay + s.psn_cash_pay);
        prop_assert!(!s.fund_pay_sumamt.is_negative() && !s.acct_pay.is_negative() && !s.psn_cash_pay.is_negative());
        prop_assert!(s.acct_pay <= balance);
        prop_assert!(s.fund_pay_sumamt <= bill.within_scope - s.act_pay_dedc);
        let cap = rules.annual_fund_cap[visit.insurance_type.code()];
        prop_assert!(s.accumulated.fund_paid <= cap.max(year.fund_paid));
        if !visit.benefits_active {
            prop_assert_eq!(s.fund_pay_sumamt, Money::ZERO);
        }
    }
}
