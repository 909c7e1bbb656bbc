//! The personal-account ledger: adjustments, entries, paging, and the invariant that the balance
//! equals the sum of its entries and never goes below zero, under random sequences of postings.

use axum::http::StatusCode;
use medcard::auth::Role;
use medcard::domain::Money;
use proptest::prelude::*;
use serde_json::json;

use crate::helpers::TestApp;

fn adjustments(person_no: &str) -> String {
    format!("/v1/persons/{person_no}/account/adjustments")
}

#[tokio::test]
async fn a_supervisor_posts_an_adjustment_approved_by_another_supervisor() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let approver = app.create_staff(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let body = json!({ "amount": "35.20", "reason": "补记 2026-10 划入", "approver": approver });

    let posted = app.post_idempotent(&adjustments(&person_no), &actors.supervisor, "adj-1", body).await;

    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.text);
    assert_eq!(posted.body["kind"], "adjustment");
    assert_eq!(posted.body["amount"], "35.20");
    assert_eq!(posted.body["balance_after"], "35.20");
    assert_eq!(posted.body["approver"], approver);
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "35.20");
    let entry_audits: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'account.entry'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(entry_audits, 1);
}

#[tokio::test]
async fn adjustments_are_refused_without_a_proper_approver_or_beyond_the_balance() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let clerk_name = app.create_staff(Role::Clerk).await;
    let approver = app.create_staff(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let cases = [
        (
            json!({ "amount": "5.00", "reason": "x", "approver": clerk_name }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "account.approver",
        ),
        (
            json!({ "amount": "5.00", "reason": "x", "approver": "nobody" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "account.approver",
        ),
        (
            json!({ "amount": "0.00", "reason": "x", "approver": approver }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "account.adjustment",
        ),
        (
            json!({ "amount": "5.00", "reason": " ", "approver": approver }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "account.adjustment",
        ),
        (
            json!({ "amount": "-0.01", "reason": "x", "approver": approver }),
            StatusCode::CONFLICT,
            "account.insufficient_balance",
        ),
        (
            json!({ "amount": "5.5.5", "reason": "x", "approver": approver }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "money.format",
        ),
    ];
    for (i, (body, status, code)) in cases.into_iter().enumerate() {
        let response = app.post_idempotent(&adjustments(&person_no), &actors.supervisor, &format!("k{i}"), body).await;
        response.assert_problem(status, code);
    }
    let by_clerk = json!({ "amount": "5.00", "reason": "x", "approver": approver });
    app.post_idempotent(&adjustments(&person_no), &actors.clerk, "clerk", by_clerk)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn entries_page_newest_first_and_filter_by_date() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let approver = app.create_staff(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    for (i, amount) in ["1.00", "2.00", "3.00"].into_iter().enumerate() {
        let body = json!({ "amount": amount, "reason": "test", "approver": approver });
        app.post_idempotent(&adjustments(&person_no), &actors.supervisor, &format!("e{i}"), body).await;
    }
    let uri = format!("/v1/persons/{person_no}/account/entries?limit=2");
    let first = app.get(&uri, &actors.clerk).await.body;
    let amounts: Vec<&str> = first["items"].as_array().unwrap().iter().map(|e| e["amount"].as_str().unwrap()).collect();
    assert_eq!(amounts, ["3.00", "2.00"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{uri}&cursor={cursor}"), &actors.clerk).await.body;
    assert_eq!(second["items"][0]["amount"], "1.00");
    let tomorrow =
        app.get(&format!("/v1/persons/{person_no}/account/entries?from=2026-11-21"), &actors.clerk).await.body;
    assert_eq!(tomorrow["items"].as_array().unwrap().len(), 0);
    let today = app
        .get(&format!("/v1/persons/{person_no}/account/entries?from=2026-11-20&to=2026-11-20"), &actors.clerk)
        .await
        .body;
    assert_eq!(today["items"].as_array().unwrap().len(), 3);
    app.get(&format!("/v1/persons/{person_no}/account/entries?from=yesterday"), &actors.clerk)
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "request.bad_query");
}

#[tokio::test]
async fn the_balance_can_never_be_written_negative_even_directly() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let direct =
        sqlx::query("UPDATE accounts SET balance = -1 WHERE person_no = $1").bind(&person_no).execute(&app.pool).await;
    assert!(direct.is_err(), "the check constraint refuses a negative balance");
}

/// A model of the account: what the balance should be after each posting.
fn apply(model: i64, amount: i64) -> Option<i64> {
    (model + amount >= 0).then_some(model + amount)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_postings_keep_the_balance_equal_to_its_entries_and_never_negative(
        amounts in prop::collection::vec(-5_000i64..5_000, 1..25)
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let app = TestApp::spawn().await;
            let supervisor = app.staff_token(Role::Supervisor).await;
            let approver = app.create_staff(Role::Supervisor).await;
            let person_no = app.enrolled_person_no(&supervisor).await;
            let mut model = 0i64;
            for (i, fen) in amounts.into_iter().filter(|a| *a != 0).enumerate() {
                let amount = Money::from_fen(fen).to_string();
                let body = json!({ "amount": amount, "reason": "property", "approver": approver });
                let response = app.post_idempotent(&adjustments(&person_no), &supervisor, &format!("p{i}"), body).await;
                match apply(model, fen) {
                    Some(next) => {
                        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
                        model = next;
                    }
                    None => response.assert_problem(StatusCode::CONFLICT, "account.insufficient_balance"),
                }
                assert_eq!(app.balance(&supervisor, &person_no).await, Money::from_fen(model).to_string());
            }
            app.assert_ledger_reconciles().await;
        });
    }
}
