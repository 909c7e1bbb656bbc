//! Random settlements and reversals over HTTP keep the books exact: every split adds up, the
//! account went down by exactly the account payments still standing, the year's accumulators
//! equal the deductible and fund of the settlements still standing and never pass the rule's
//! deductible or the annual cap, and the ledger reconciles. The sequences come from proptest's
//! deterministic runner (no shrinking: each case is one fresh database).

use std::collections::BTreeMap;

use axum::http::StatusCode;
use medcard::domain::Money;
use medcard::platform::caller::{ClientKind, Role};
use medcard::platform::config::Settings;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::cards::{CARD_PASSWORD, Holder, Reach};

/// One step of a sequence.
#[derive(Debug, Clone)]
enum Step {
    /// A bill of `total` fen for `med_type`, `self_paid` of it wholly self-paid, paid with the
    /// card and its password (the account may pay) or with the ID card (it may not).
    Settle { person: usize, med_type: &'static str, total: i64, self_paid_pct: i64, with_password: bool },
    /// Reverse the n-th settlement made so far (modulo how many there are).
    Reverse { nth: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let settle = (0..2usize, prop::sample::select(vec!["11", "14", "21", "41"]), 1..40_000i64, 0..50i64, any::<bool>())
        .prop_map(|(person, med_type, total, self_paid_pct, with_password)| Step::Settle {
            person,
            med_type,
            total,
            self_paid_pct,
            with_password,
        });
    prop_oneof![3 => settle, 1 => (0..64usize).prop_map(|nth| Step::Reverse { nth })]
}

/// The tight rules' deductible per visit type and the year's cap, in fen.
const DEDUCTIBLE: i64 = 5_000;
const CAP: i64 = 60_000;

/// Small deductibles and a small cap, so a short sequence reaches both.
fn tight_rules() -> Settings {
    let mut settings = Settings::defaults();
    settings.settlement.annual_fund_cap.insert("310".into(), Money::from_fen(CAP));
    for rule in settings.settlement.rules.get_mut("310").unwrap().values_mut() {
        rule.deductible = [Money::from_fen(DEDUCTIBLE); 3];
        rule.ratio_bp = [8000; 3];
    }
    settings
}

fn yuan(fen: i64) -> String {
    Money::from_fen(fen).to_string()
}

fn fen(value: &Value) -> i64 {
    Money::parse(value.as_str().unwrap()).unwrap().fen()
}

/// A settlement that stands: its person, `med_type`, deductible, fund and account payment.
#[derive(Debug, Clone)]
struct Standing {
    setl_id: String,
    person: usize,
    med_type: String,
    dedc: i64,
    fund: i64,
    acct: i64,
}

#[tokio::test]
async fn random_settlements_and_reversals_keep_split_accumulators_and_ledger_exact() {
    let mut runner = TestRunner::deterministic();
    for case in 0..3 {
        let steps = prop::collection::vec(step(), 30).new_tree(&mut runner).unwrap().current();
        run_case(case, steps).await;
    }
}

/// One case's world: the hospital, the two employees (with their opening balances), and the
/// settlements made and still standing.
struct World {
    app: TestApp,
    clerk: String,
    hospital: String,
    people: Vec<(Holder, String, i64)>,
    made: Vec<Standing>,
    standing: Vec<Standing>,
}

async fn run_case(case: usize, steps: Vec<Step>) {
    let mut world = World::new(case).await;
    for (i, step) in steps.into_iter().enumerate() {
        match step {
            Step::Settle { person, med_type, total, self_paid_pct, with_password } => {
                let bill = Bill { person, med_type, total, self_paid: total * self_paid_pct / 100, with_password };
                world.settle(&format!("{case}-{i}"), bill).await;
            }
            Step::Reverse { nth } if !world.made.is_empty() => {
                let target = world.made[nth % world.made.len()].setl_id.clone();
                world.reverse(&format!("{case}-{i}"), &target).await;
            }
            Step::Reverse { .. } => {}
        }
    }
    world.check_books().await;
}

/// A bill of one step.
struct Bill {
    person: usize,
    med_type: &'static str,
    total: i64,
    self_paid: i64,
    with_password: bool,
}

impl World {
    async fn new(case: usize) -> Self {
        let app = TestApp::spawn_with(tight_rules()).await;
        let clerk = app.staff_token(Role::Clerk).await;
        let actors = app.money_actors().await;
        let hospital = app.client_token(ClientKind::Institution).await;
        let mut people = Vec::new();
        for n in 0..2 {
            let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
            let paid = app.pay(&actors.bank, &holder.person_no, &["2026-11"], "600.00", &format!("p{case}-{n}")).await;
            app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), &format!("a{case}-{n}")).await;
            let opening = fen(&json!(app.balance(&clerk, &holder.person_no).await));
            people.push((holder, card_no, opening));
        }
        Self { app, clerk, hospital, people, made: Vec::new(), standing: Vec::new() }
    }

    async fn settle(&mut self, step: &str, bill: Bill) {
        let (holder, card_no, _) = &self.people[bill.person];
        let (cert_type, cert_no) =
            if bill.with_password { ("03", card_no.as_str()) } else { ("02", holder.id_number.as_str()) };
        let mut body = json!({
            "mdtrt_cert_type": cert_type, "mdtrt_cert_no": cert_no, "med_type": bill.med_type,
            "medfee_sumamt": yuan(bill.total), "fulamt_ownpay_amt": yuan(bill.self_paid), "preselfpay_amt": "0.00",
            "inscp_scp_amt": yuan(bill.total - bill.self_paid), "acct_used_flag": "1", "msgid": format!("P{step}")
        });
        if bill.with_password {
            body["card_password"] = json!(CARD_PASSWORD);
        }
        let settled = self.app.post_idempotent("/v1/settlements", &self.hospital, &format!("k{step}"), body).await;
        assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
        let b = &settled.body;
        let parts =
            fen(&b["fund_pay_sumamt"]) + fen(&b["acct_pay"]) + fen(&b["acct_mulaid_pay"]) + fen(&b["psn_cash_pay"]);
        assert_eq!(parts, bill.total, "split of {b}");
        let row = Standing {
            setl_id: b["setl_id"].as_str().unwrap().to_owned(),
            person: bill.person,
            med_type: bill.med_type.to_owned(),
            dedc: fen(&b["act_pay_dedc"]),
            fund: fen(&b["fund_pay_sumamt"]),
            acct: fen(&b["acct_pay"]),
        };
        self.standing.push(row.clone());
        self.made.push(row);
    }

    async fn reverse(&mut self, step: &str, setl_id: &str) {
        let uri = format!("/v1/settlements/{setl_id}/reversal");
        let body = json!({ "msgid": format!("R{step}") });
        let reversed = self.app.post_idempotent(&uri, &self.hospital, &format!("r{step}"), body).await;
        if self.standing.iter().any(|s| s.setl_id == setl_id) {
            assert_eq!(reversed.status, StatusCode::OK, "{}", reversed.text);
            self.standing.retain(|s| s.setl_id != setl_id);
        } else {
            reversed.assert_problem(StatusCode::CONFLICT, "settlement.already_reversed");
        }
    }

    /// Balances, accumulators and the ledger against the settlements still standing.
    async fn check_books(&self) {
        for (n, (holder, _, opening)) in self.people.iter().enumerate() {
            let mine: Vec<&Standing> = self.standing.iter().filter(|s| s.person == n).collect();
            let spent: i64 = mine.iter().map(|s| s.acct).sum();
            let balance = fen(&json!(self.app.balance(&self.clerk, &holder.person_no).await));
            assert_eq!(balance, opening - spent, "balance of {}", holder.person_no);
            let mut expected: BTreeMap<String, (i64, i64)> = BTreeMap::new();
            for s in &mine {
                let entry = expected.entry(s.med_type.clone()).or_default();
                entry.0 += s.dedc;
                entry.1 += s.fund;
            }
            expected.retain(|_, v| *v != (0, 0));
            let stored = self.accumulators(&holder.person_no).await;
            assert_eq!(stored, expected, "accumulators of {}", holder.person_no);
            assert!(expected.values().all(|(d, _)| *d <= DEDUCTIBLE), "deductible passed: {expected:?}");
            assert!(expected.values().map(|(_, f)| f).sum::<i64>() <= CAP, "cap passed: {expected:?}");
        }
        self.app.assert_ledger_reconciles().await;
    }

    /// The stored accumulators of a person that are not zero, by `med_type`.
    async fn accumulators(&self, person_no: &str) -> BTreeMap<String, (i64, i64)> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT med_type, deductible_used, fund_paid FROM settlement_accumulators WHERE person_no = $1",
        )
        .bind(person_no)
        .fetch_all(&self.app.pool)
        .await
        .unwrap();
        rows.into_iter().filter(|r| r.1 != 0 || r.2 != 0).map(|(m, d, f)| (m, (d, f))).collect()
    }
}
