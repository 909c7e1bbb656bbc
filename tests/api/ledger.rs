//! The personal-account ledger: four-eyes adjustments, entries, paging, and the invariant that
//! the balance equals the sum of its entries and never goes below zero, under random sequences
//! of postings.

use axum::http::StatusCode;
use medcard::domain::Money;
use medcard::platform::caller::Role;
use proptest::prelude::*;
use serde_json::json;

use crate::helpers::TestApp;

fn adjustments(person_no: &str) -> String {
    format!("/v1/persons/{person_no}/account/adjustments")
}

#[tokio::test]
async fn an_adjustment_moves_money_only_once_another_supervisor_approves_it() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let approver = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let body = json!({ "amount": "35.20", "reason": "补记 2026-10 划入" });

    let requested = app.post_idempotent(&adjustments(&person_no), &actors.supervisor, "adj-1", body).await;
    assert_eq!(requested.status, StatusCode::CREATED, "{}", requested.text);
    assert_eq!(requested.body["state"], "pending");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00", "a request moves nothing");

    let id = requested.body["adjustment_id"].as_str().unwrap();
    let approval = format!("/v1/account-adjustments/{id}/approval");
    let own = app.post_idempotent(&approval, &actors.supervisor, "own", json!({})).await;
    own.assert_problem(StatusCode::FORBIDDEN, "account.self_approval");
    let approved = app.post_idempotent(&approval, &approver, "ok", json!({})).await;

    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(approved.body["state"], "approved");
    assert_eq!(approved.body["entry"]["kind"], "adjustment");
    assert_eq!(approved.body["entry"]["amount"], "35.20");
    assert_eq!(approved.body["entry"]["balance_after"], "35.20");
    assert_eq!(approved.body["entry"]["approver"], approved.body["decided_by"]);
    assert_ne!(approved.body["decided_by"], requested.body["requested_by"]);
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "35.20");
    let replay = app.post_idempotent(&approval, &approver, "ok", json!({})).await;
    assert_eq!(replay.body, approved.body);
    app.post_idempotent(&approval, &approver, "again", json!({}))
        .await
        .assert_problem(StatusCode::CONFLICT, "account.adjustment_decided");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "35.20");
}

#[tokio::test]
async fn a_rejected_adjustment_moves_nothing() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let other = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let requested = app
        .post_idempotent(
            &adjustments(&person_no),
            &actors.supervisor,
            "r",
            json!({ "amount": "9.00", "reason": "误录" }),
        )
        .await;
    let id = requested.body["adjustment_id"].as_str().unwrap();

    let rejected = app
        .send(axum::http::Method::POST, &format!("/v1/account-adjustments/{id}/rejection"), Some(&other), None)
        .await;

    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text);
    assert_eq!(rejected.body["state"], "rejected");
    let approval =
        app.post_idempotent(&format!("/v1/account-adjustments/{id}/approval"), &other, "late", json!({})).await;
    approval.assert_problem(StatusCode::CONFLICT, "account.adjustment_decided");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");
}

#[tokio::test]
async fn adjustment_requests_are_refused_for_bad_input_or_beyond_the_balance() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let approver = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let cases = [
        (json!({ "amount": "0.00", "reason": "x" }), StatusCode::UNPROCESSABLE_ENTITY, "account.adjustment"),
        (json!({ "amount": "5.00", "reason": " " }), StatusCode::UNPROCESSABLE_ENTITY, "account.adjustment"),
        (json!({ "amount": "5.5.5", "reason": "x" }), StatusCode::UNPROCESSABLE_ENTITY, "money.format"),
        (
            json!({ "amount": "5.00", "reason": "x", "approver": "li" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_body",
        ),
    ];
    for (i, (body, status, code)) in cases.into_iter().enumerate() {
        let response = app.post_idempotent(&adjustments(&person_no), &actors.supervisor, &format!("k{i}"), body).await;
        response.assert_problem(status, code);
    }
    let by_clerk = json!({ "amount": "5.00", "reason": "x" });
    app.post_idempotent(&adjustments(&person_no), &actors.clerk, "clerk", by_clerk)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    let overdraw = app.adjust(&actors.supervisor, &approver, &person_no, "-0.01", "over").await;
    overdraw.assert_problem(StatusCode::CONFLICT, "account.insufficient_balance");
    app.post_idempotent(
        "/v1/account-adjustments/00000000-0000-0000-0000-000000000000/approval",
        &approver,
        "x",
        json!({}),
    )
    .await
    .assert_problem(StatusCode::NOT_FOUND, "account.adjustment_not_found");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn entries_page_newest_first_and_filter_by_date() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let approver = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    for (i, amount) in ["1.00", "2.00", "3.00"].into_iter().enumerate() {
        let posted = app.adjust(&actors.supervisor, &approver, &person_no, amount, &format!("e{i}")).await;
        assert_eq!(posted.status, StatusCode::OK, "{}", posted.text);
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

/// One posting of a random sequence: an approved adjustment, or a contribution that arrives.
#[derive(Debug, Clone)]
enum Posting {
    Adjust(i64),
    Allocate,
}

fn posting() -> impl Strategy<Value = Posting> {
    prop_oneof![3 => (-5_000i64..5_000).prop_filter("non-zero", |a| *a != 0).prop_map(Posting::Adjust), 1 => Just(Posting::Allocate)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn random_postings_keep_the_balance_equal_to_its_entries_and_never_negative(
        postings in prop::collection::vec(posting(), 1..20)
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let app = TestApp::spawn().await;
            let actors = app.money_actors().await;
            let approver = app.staff_token(Role::Supervisor).await;
            let person_no = app.enrolled_person_no(&actors.clerk).await;
            let mut model = 0i64;
            let mut allocated = false;
            for (i, posting) in postings.into_iter().enumerate() {
                match posting {
                    Posting::Adjust(fen) => {
                        let amount = Money::from_fen(fen).to_string();
                        let response = app.adjust(&actors.supervisor, &approver, &person_no, &amount, &format!("p{i}")).await;
                        if model + fen >= 0 {
                            assert_eq!(response.status, StatusCode::OK, "{}", response.text);
                            model += fen;
                        } else {
                            response.assert_problem(StatusCode::CONFLICT, "account.insufficient_balance");
                        }
                    }
                    // The month is owed once; its arrival credits 120.00 once.
                    Posting::Allocate if !allocated => {
                        let paid = app.pay(&actors.bank, &person_no, &["2026-11"], "600.00", &format!("pay{i}")).await;
                        app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), &format!("arr{i}")).await;
                        model += 12_000;
                        allocated = true;
                    }
                    Posting::Allocate => {}
                }
                assert_eq!(app.balance(&actors.clerk, &person_no).await, Money::from_fen(model).to_string());
            }
            app.assert_ledger_reconciles().await;
        });
    }
}
