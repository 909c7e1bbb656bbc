//! The insured-status state machine: every legal edge works and writes history; every other
//! pair is refused with the current state named and nothing changed.

use axum::http::StatusCode;
use medcard::domain::PersonNo;
use medcard::persons::{InsuredStatus, StatusRule, TransitionInitiator};
use medcard::persons::{Persons, StatusRequest};
use medcard::platform::caller::{Actor, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A hall request body reaching `to` with a reason the machine accepts.
fn hall_body(to: InsuredStatus) -> Value {
    match to {
        InsuredStatus::Sealed => {
            json!({ "to": "sealed", "reason_code": "employment_ended", "reason": "劳动合同终止" })
        }
        InsuredStatus::Normal => {
            json!({ "to": "normal", "reason_code": "new_employer", "reason": "新单位参保" })
        }
        InsuredStatus::TransferredOut => json!({
            "to": "transferred_out", "reason_code": "relocation", "reason": "转往北京", "target_region": "110105"
        }),
        InsuredStatus::InArrears => {
            json!({ "to": "in_arrears", "reason_code": "contribution_unpaid", "reason": "欠费" })
        }
    }
}

/// Drives a freshly enrolled person to `status` along legal edges.
async fn person_in(app: &TestApp, token: &str, status: InsuredStatus) -> String {
    let person_no = app.enrolled_person_no(token).await;
    match status {
        InsuredStatus::Normal => {}
        InsuredStatus::InArrears => system_transition(app, &person_no, InsuredStatus::InArrears).await,
        other => {
            let response = app.post(&path(&person_no), token, hall_body(other)).await;
            assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        }
    }
    person_no
}

async fn system_transition(app: &TestApp, person_no: &str, to: InsuredStatus) {
    let reason_code = if to == InsuredStatus::InArrears { "contribution_unpaid" } else { "contributions_arrived" };
    let request = StatusRequest {
        to,
        reason_code: reason_code.into(),
        reason: "contribution job".into(),
        target_region: None,
        source_region: None,
        carried_over_balance: None,
    };
    let mut tx = app.pool.begin().await.unwrap();
    let person_no = PersonNo::parse(person_no).unwrap();
    Persons::new(&app.core)
        .apply_system_transition(&mut tx, &Actor::system("arrears_sweep"), &person_no, &request)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

fn path(person_no: &str) -> String {
    format!("/v1/persons/{person_no}/status-transitions")
}

async fn status_of(app: &TestApp, token: &str, person_no: &str) -> String {
    app.get(&format!("/v1/persons/{person_no}"), token).await.body["status"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_hall_edge_of_the_machine_works_over_http_and_is_recorded() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    for rule in StatusRule::all().iter().filter(|r| r.initiator == TransitionInitiator::Hall) {
        let person_no = person_in(&app, &clerk, rule.from).await;
        let body = if rule.from == InsuredStatus::TransferredOut {
            json!({ "to": "normal", "reason_code": "transfer_in", "reason": "转回郑州", "source_region": "110105" })
        } else {
            hall_body(rule.to)
        };
        let response = app.post(&path(&person_no), &clerk, body).await;
        assert_eq!(response.status, StatusCode::CREATED, "{:?} → {:?}: {}", rule.from, rule.to, response.text);
        assert_eq!(response.body["person"]["status"], rule.to.code());
        assert_eq!(response.body["transition"]["from"], rule.from.code());
        assert_eq!(response.body["person"]["psn_insu_stas"], rule.to.psn_insu_stas());
        assert_eq!(status_of(&app, &clerk, &person_no).await, rule.to.code());
    }
}

#[tokio::test]
async fn arrears_and_their_end_follow_contributions_through_the_system_edges() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;

    system_transition(&app, &person_no, InsuredStatus::InArrears).await;
    let person = app.get(&format!("/v1/persons/{person_no}"), &clerk).await.body;
    assert_eq!(person["status"], "in_arrears");
    assert_eq!(person["psn_insu_stas"], "2");
    // The clock stands at 2026-11-20: benefits stop from the 1st of December.
    assert_eq!(person["benefits_suspended_from"], "2026-12-01");

    system_transition(&app, &person_no, InsuredStatus::Normal).await;
    let person = app.get(&format!("/v1/persons/{person_no}"), &clerk).await.body;
    assert_eq!(person["status"], "normal");
    assert_eq!(person["benefits_suspended_from"], Value::Null);
}

#[tokio::test]
async fn every_pair_outside_the_machine_is_refused_naming_the_current_status_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    for from in InsuredStatus::ALL {
        for to in InsuredStatus::ALL {
            let Some(expected_code) = refusal_code(from, to) else {
                continue;
            };
            let person_no = person_in(&app, &clerk, from).await;
            let history_before = app.get(&path(&person_no), &clerk).await.body["items"].as_array().unwrap().len();

            let response = app.post(&path(&person_no), &clerk, hall_body(to)).await;

            response.assert_problem(StatusCode::CONFLICT, expected_code);
            assert_eq!(response.body["current_status"], from.code(), "{from:?} → {to:?}");
            assert_eq!(status_of(&app, &clerk, &person_no).await, from.code());
            let history_after = app.get(&path(&person_no), &clerk).await.body["items"].as_array().unwrap().len();
            assert_eq!(history_after, history_before, "{from:?} → {to:?} wrote history");
        }
    }
}

/// Why a hall request `from → to` is refused, or `None` when the hall may do it.
fn refusal_code(from: InsuredStatus, to: InsuredStatus) -> Option<&'static str> {
    match StatusRule::find(from, to) {
        None => Some("status.illegal_transition"),
        Some(rule) if rule.initiator == TransitionInitiator::System => Some("status.system_only"),
        // transferred_out → normal is legal but needs a transfer-in body; tested separately.
        Some(_) => None,
    }
}

#[tokio::test]
async fn a_transferred_out_person_returns_only_by_transfer_in_from_another_region() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = person_in(&app, &clerk, InsuredStatus::TransferredOut).await;

    let plain_unseal = app.post(&path(&person_no), &clerk, hall_body(InsuredStatus::Normal)).await;
    plain_unseal.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "status.reason_not_allowed");

    let without_source = json!({ "to": "normal", "reason_code": "transfer_in", "reason": "转回" });
    app.post(&path(&person_no), &clerk, without_source)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "status.region_required");

    let from_zhengzhou =
        json!({ "to": "normal", "reason_code": "transfer_in", "reason": "转回", "source_region": "410102" });
    app.post(&path(&person_no), &clerk, from_zhengzhou)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "region.not_elsewhere");

    assert_eq!(status_of(&app, &clerk, &person_no).await, "transferred_out");
}

#[tokio::test]
async fn bad_transition_requests_are_refused_with_their_own_codes() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let cases = [
        (json!({ "to": "frozen", "reason_code": "x", "reason": "x" }), "status.unknown"),
        (json!({ "to": "sealed", "reason_code": "holiday", "reason": "x" }), "status.reason_not_allowed"),
        (json!({ "to": "sealed", "reason_code": "retired", "reason": "  " }), "status.reason_text"),
        (
            json!({ "to": "sealed", "reason_code": "retired", "reason": "退休", "target_region": "110105" }),
            "status.region_not_applicable",
        ),
        (json!({ "to": "transferred_out", "reason_code": "relocation", "reason": "x" }), "status.region_required"),
        (
            json!({ "to": "transferred_out", "reason_code": "relocation", "reason": "x", "target_region": "410105" }),
            "region.not_elsewhere",
        ),
        (
            json!({ "to": "transferred_out", "reason_code": "relocation", "reason": "x", "target_region": "11010" }),
            "region.format",
        ),
    ];
    for (body, code) in cases {
        let response = app.post(&path(&person_no), &clerk, body.clone()).await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    assert_eq!(status_of(&app, &clerk, &person_no).await, "normal");
}

#[tokio::test]
async fn the_history_names_actor_channel_reason_request_and_effective_date() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri(path(&person_no))
        .header("authorization", format!("Bearer {clerk}"))
        .header("content-type", "application/json")
        .header("x-request-id", "req-seal-1")
        .body(axum::body::Body::from(hall_body(InsuredStatus::Sealed).to_string()))
        .unwrap();
    assert_eq!(app.call(request).await.status, StatusCode::CREATED);

    let history = app.get(&path(&person_no), &clerk).await.body;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["reason_code"], "enrolment");
    assert_eq!(items[0]["from"], Value::Null);
    let seal = &items[1];
    assert_eq!(seal["from"], "normal");
    assert_eq!(seal["to"], "sealed");
    assert_eq!(seal["to_label"], "封存");
    assert_eq!(seal["reason_code"], "employment_ended");
    assert_eq!(seal["reason"], "劳动合同终止");
    assert_eq!(seal["actor_kind"], "staff");
    assert!(seal["actor_id"].as_str().unwrap().starts_with("clerk_"));
    assert_eq!(seal["channel"], "service_hall");
    assert_eq!(seal["request_id"], "req-seal-1");
    assert_eq!(seal["effective_date"], "2026-11-20");
}

#[tokio::test]
async fn a_transfer_out_records_the_target_region_on_person_and_history() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = person_in(&app, &clerk, InsuredStatus::TransferredOut).await;
    let person = app.get(&format!("/v1/persons/{person_no}"), &clerk).await.body;
    assert_eq!(person["other_region"], "110105");
    assert_eq!(person["psn_insu_stas"], "4");
    let history = app.get(&path(&person_no), &clerk).await.body;
    assert_eq!(history["items"][1]["other_region"], "110105");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_transitions_of_one_person_apply_one_at_a_time() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (app, clerk, uri) = (app.clone(), clerk.clone(), path(&person_no));
            tokio::spawn(async move { app.post(&uri, &clerk, hall_body(InsuredStatus::Sealed)).await.status })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => created += 1,
            other => assert_eq!(other, StatusCode::CONFLICT),
        }
    }
    assert_eq!(created, 1, "exactly one seal wins; the rest find the person already sealed");
    let history = app.get(&path(&person_no), &clerk).await.body;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
}
