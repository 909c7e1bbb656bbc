//! What keeps four-eyes adjustments honest over time: they expire when left pending, a transfer
//! out voids them, and the four eyes are two people, not two accounts of one person.

use axum::http::StatusCode;
use medcard::auth::Auth;
use medcard::platform::caller::{Actor, Role};
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, TestApp, staff_id_number};

async fn request(app: &TestApp, token: &str, person_no: &str, key: &str) -> Value {
    let uri = format!("/v1/persons/{person_no}/account/adjustments");
    let response = app.post_idempotent(&uri, token, key, json!({ "amount": "12.00", "reason": "补记划入" })).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    response.body
}

fn approval(adjustment: &Value) -> String {
    format!("/v1/account-adjustments/{}/approval", adjustment["adjustment_id"].as_str().unwrap())
}

async fn stored_state(app: &TestApp, adjustment: &Value) -> String {
    let id: uuid::Uuid = adjustment["adjustment_id"].as_str().unwrap().parse().unwrap();
    sqlx::query_scalar("SELECT state FROM account_adjustments WHERE adjustment_id = $1")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pending_adjustment_expires_after_five_working_days() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    let actors = app.money_actors().await;
    let approver = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let adjustment = request(&app, &actors.supervisor, &person_no, "expiring").await;
    assert_eq!(adjustment["expires_on"], "2026-11-27", "Friday 20 November + 5 working days");

    app.set_china_time(2026, 11, 30, 9);
    let late = app.post_idempotent(&approval(&adjustment), &approver, "late", json!({})).await;
    late.assert_problem(StatusCode::CONFLICT, "account.adjustment_expired");
    assert_eq!(late.body["expires_on"], "2026-11-27");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");

    app.run_jobs().await;
    assert_eq!(stored_state(&app, &adjustment).await, "expired");
    assert_eq!(app.audit_count("account.adjustment_expired", &person_no).await, 1);
    app.run_jobs().await;
    assert_eq!(app.audit_count("account.adjustment_expired", &person_no).await, 1, "the job is idempotent");
}

#[tokio::test]
async fn an_adjustment_may_still_be_approved_on_its_last_day() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    let actors = app.money_actors().await;
    let approver = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let adjustment = request(&app, &actors.supervisor, &person_no, "last-day").await;

    app.set_china_time(2026, 11, 27, 17);
    app.run_jobs().await;
    let approved = app.post_idempotent(&approval(&adjustment), &approver, "in-time", json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text);
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "12.00");
}

#[tokio::test]
async fn a_transfer_out_voids_pending_adjustments_so_they_cannot_be_approved_after_a_return() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let approver = app.staff_token(Role::Supervisor).await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let adjustment = request(&app, &actors.supervisor, &person_no, "before-transfer").await;
    let transitions = format!("/v1/persons/{person_no}/status-transitions");
    let out = json!({ "to": "transferred_out", "reason_code": "relocation", "reason": "调往上海", "target_region": "310115" });
    let back = json!({ "to": "normal", "reason_code": "transfer_in", "reason": "转回", "source_region": "310115" });
    assert_eq!(app.post(&transitions, &actors.clerk, out).await.status, StatusCode::CREATED);
    assert_eq!(stored_state(&app, &adjustment).await, "voided");
    assert_eq!(app.post(&transitions, &actors.clerk, back).await.status, StatusCode::CREATED);

    let refused = app.post_idempotent(&approval(&adjustment), &approver, "after-return", json!({})).await;
    refused.assert_problem(StatusCode::CONFLICT, "account.adjustment_decided");
    assert_eq!(refused.body["state"], "voided");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn one_person_cannot_hold_two_staff_accounts() {
    let app = TestApp::spawn().await;
    let person = staff_id_number();
    app.create_staff_as(Role::Supervisor, "wang.first", &person).await;
    let second = Auth::new(&app.core)
        .create_staff(
            &Actor::system("test"),
            "wang.second",
            Role::Supervisor,
            &person,
            SecretString::from(STAFF_PASSWORD),
        )
        .await
        .unwrap_err();
    assert_eq!(second.code(), "staff.id_number_taken");
}

#[tokio::test]
async fn a_staff_account_without_an_id_number_takes_no_part_in_four_eyes_work() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let legacy = app.staff_token(Role::Supervisor).await;
    sqlx::query("UPDATE staff_users SET id_number = NULL WHERE role = 'supervisor'").execute(&app.pool).await.unwrap();
    let uri = format!("/v1/persons/{person_no}/account/adjustments");
    let body = json!({ "amount": "12.00", "reason": "补记划入" });
    app.post_idempotent(&uri, &legacy, "legacy", body)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "staff.identity_missing");
}
