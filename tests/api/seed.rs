//! `medcard seed`: a deterministic data set that reconciles, keeps every constraint, covers
//! every card state and insured status, is answered again rather than loaded twice, and whose
//! persons use the API like any other.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use medcard::domain::IdNumber;
use medcard::ledger::Ledger;
use medcard::platform::caller::ClientKind;
use medcard::seed::{SeedOptions, SeedReport, seed};
use serde_json::json;

use crate::helpers::TestApp;

async fn seeded(app: &TestApp, persons: u64, seed_value: u64) -> SeedReport {
    let mut quiet = |_: String| {};
    seed(&app.core, SeedOptions { persons, seed: seed_value }, &mut quiet).await.expect("the seed loads")
}

async fn strings(app: &TestApp, sql: &str) -> Vec<String> {
    sqlx::query_scalar(sql).fetch_all(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_seeded_data_set_reconciles_and_covers_every_card_state_and_status() {
    let app = TestApp::spawn().await;
    let report = seeded(&app, 2_000, 7).await;

    let check = Ledger::new(&app.core).check_ledger().await.unwrap();
    assert!(check.mismatched.is_empty(), "{:?}", check.mismatched.first());
    assert_eq!((check.accounts as u64, check.entries as u64), (report.counts.employees, report.counts.entries));
    let persons: i64 = sqlx::query_scalar("SELECT count(*) FROM persons").fetch_one(&app.pool).await.unwrap();
    assert_eq!(persons, 2_000);
    let card_states: BTreeSet<String> = strings(&app, "SELECT DISTINCT state FROM cards").await.into_iter().collect();
    let all = ["active", "frozen", "lost", "replaced", "temporarily_lost", "unactivated"];
    assert_eq!(card_states, all.iter().map(|s| s.to_string()).collect());
    let statuses: BTreeSet<String> = strings(&app, "SELECT DISTINCT status FROM persons").await.into_iter().collect();
    assert_eq!(statuses.len(), 4, "{statuses:?}");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    for id_number in strings(&app, "SELECT id_number FROM persons").await {
        assert!(IdNumber::parse(&id_number, today).is_ok(), "{id_number}");
    }
    assert!(report.counts.settlements > 0 && report.counts.filings > 0 && report.counts.bindings > 0);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_persons_and_another_seed_other_ones() {
    let (a, b, c) = (TestApp::spawn().await, TestApp::spawn().await, TestApp::spawn().await);
    seeded(&a, 200, 3).await;
    seeded(&b, 200, 3).await;
    seeded(&c, 200, 4).await;

    let sql = "SELECT id_number || name || phone || coalesce(employer_name, '') FROM persons ORDER BY person_no";
    assert_eq!(strings(&a, sql).await, strings(&b, sql).await);
    assert_ne!(strings(&a, sql).await, strings(&c, sql).await);
}

#[tokio::test]
async fn asking_again_answers_the_loaded_report_and_another_data_set_is_refused() {
    let app = TestApp::spawn().await;
    let first = seeded(&app, 150, 1).await;

    let again = seeded(&app, 150, 1).await;
    let mut quiet = |_: String| {};
    let other = seed(&app.core, SeedOptions { persons: 151, seed: 1 }, &mut quiet).await;

    assert!(again.already_loaded && !first.already_loaded);
    assert_eq!(again.person_nos, first.person_nos);
    let err = other.expect_err("a second data set is refused");
    assert!(err.to_string().contains("already holds"), "{err}");
    let persons: i64 = sqlx::query_scalar("SELECT count(*) FROM persons").fetch_one(&app.pool).await.unwrap();
    assert_eq!(persons, 150);
}

#[tokio::test]
async fn a_seeded_employee_settles_with_the_demo_card_password() {
    let app = TestApp::spawn().await;
    let report = seeded(&app, 300, 1).await;
    let person = report.examples.iter().find(|e| e.insurance_type == "310").expect("an employee example");
    let hospital = app.client_token(ClientKind::Institution).await;
    let bill = json!({
        "mdtrt_cert_type": "03", "mdtrt_cert_no": person.card_no, "card_password": report.card_password,
        "med_type": "11", "medfee_sumamt": "50.00", "fulamt_ownpay_amt": "0.00", "preselfpay_amt": "0.00",
        "inscp_scp_amt": "50.00", "acct_used_flag": "1", "msgid": "SEEDED-1"
    });

    let settled = app.post_idempotent("/v1/settlements", &hospital, "seeded-1", bill).await;

    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
    assert_eq!(settled.body["psn_no"], json!(person.person_no));
    assert_ne!(settled.body["acct_pay"], json!("0.00"), "the seeded account pays");
    let check = Ledger::new(&app.core).check_ledger().await.unwrap();
    assert!(check.mismatched.is_empty());
}
