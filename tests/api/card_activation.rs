//! Activation: through the issuing bank (any branch, named), institutions that offer it,
//! terminals and the hall; when it takes effect; and proxies (代办) with their proof.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use medcard::auth::ClientBinding;
use medcard::cards::CardState;
use medcard::platform::calendar::WorkingCalendar;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::cards::{CARD_PASSWORD, Holder, card_path};
use crate::helpers::{TestApp, ids};

/// An activation body as a bank branch sends it.
fn at_branch(holder: &Holder, branch: &str) -> Value {
    let mut body = holder.activation(CARD_PASSWORD);
    body["branch_code"] = json!(branch);
    body
}

fn instant(body: &Value, field: &str) -> DateTime<Utc> {
    body[field].as_str().unwrap_or_else(|| panic!("{field} in {body}")).parse().unwrap()
}

#[tokio::test]
async fn a_bank_activates_only_the_cards_it_issued_at_any_of_its_branches() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_with_card(&clerk).await;
    let ccb = app.bank_token("CCB").await;

    let refused = app.post(&card_path(&card_no, "/activation"), &ccb, at_branch(&holder, "4101-0007")).await;

    refused.assert_problem(StatusCode::FORBIDDEN, "card.not_issuing_bank");
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Unactivated);
    assert_eq!(app.card_history_len(&card_no).await, 1);

    let icbc = app.bank_token("ICBC").await;
    let request = Request::builder()
        .method("POST")
        .uri(card_path(&card_no, "/activation"))
        .header("authorization", format!("Bearer {icbc}"))
        .header("content-type", "application/json")
        .header("x-request-id", "icbc-branch-req-1")
        .body(Body::from(at_branch(&holder, "1100-BJ-0032").to_string()))
        .unwrap();
    let activated = app.call(request).await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    assert_eq!(activated.body["state"], "active");
    assert_eq!(activated.body["activation_channel"], "bank");
    assert_eq!(activated.body["activation_branch"], "1100-BJ-0032");
    assert_eq!(activated.body["password_set"], true);

    let history = app.card_history(&clerk, &card_no).await;
    let row = history.last().unwrap();
    assert_eq!(row["reason_code"], "activation");
    assert_eq!(row["actor_kind"], "client");
    assert_eq!(row["channel"], "bank");
    assert_eq!(row["request_id"], "icbc-branch-req-1");
    assert_eq!(row["details"]["branch_code"], "1100-BJ-0032");
}

#[tokio::test]
async fn a_bank_activation_names_a_well_formed_branch() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let icbc = app.bank_token("ICBC").await;
    let (holder, card_no) = app.holder_with_card(&clerk).await;
    let long = "9".repeat(21);
    let branches =
        [None, Some(""), Some("   "), Some(long.as_str()), Some("郑州分行"), Some("4101 0007"), Some("41/07")];
    for branch in branches {
        let mut body = holder.activation(CARD_PASSWORD);
        if let Some(branch) = branch {
            body["branch_code"] = json!(branch);
        }
        let response = app.post(&card_path(&card_no, "/activation"), &icbc, body).await;
        // A missing branch is required of banks; a malformed one is refused from anyone.
        let code = if branch.is_none() { "card.branch_required" } else { "card.branch_code" };
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(response.body["field"], "branch_code");
    }
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Unactivated);
}

#[tokio::test]
async fn institutions_that_offer_activation_terminals_and_the_hall_activate_others_do_not() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let no_activation = {
        let code = app.institution(false).await;
        let binding = ClientBinding { bank_code: None, institution_code: Some(code) };
        app.bound_client_token(ClientKind::Institution, binding).await
    };
    let refusals = [
        (no_activation, StatusCode::FORBIDDEN, "card.institution_no_activation"),
        (app.client_token(ClientKind::TaxBureau).await, StatusCode::FORBIDDEN, "auth.insufficient_scope"),
        (app.client_token(ClientKind::NationalApp).await, StatusCode::FORBIDDEN, "auth.insufficient_scope"),
    ];
    let (holder, card_no) = app.holder_with_card(&clerk).await;
    for (token, status, code) in refusals {
        let response = app.post(&card_path(&card_no, "/activation"), &token, holder.activation(CARD_PASSWORD)).await;
        response.assert_problem(status, code);
    }
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Unactivated);

    let channels = [
        (app.client_token(ClientKind::Institution).await, "institution"),
        (app.client_token(ClientKind::Terminal).await, "terminal"),
        (clerk.clone(), "service_hall"),
    ];
    for (token, channel) in channels {
        let (holder, card_no) = app.holder_with_card(&clerk).await;
        let response = app.post(&card_path(&card_no, "/activation"), &token, holder.activation(CARD_PASSWORD)).await;
        assert_eq!(response.status, StatusCode::OK, "{channel}: {}", response.text);
        assert_eq!(response.body["activation_channel"], channel);
        assert_eq!(response.body["activation_branch"], Value::Null);
        assert_eq!(instant(&response.body, "usable_from"), instant(&response.body, "activated_at"));
    }
}

#[tokio::test]
async fn a_next_working_day_bank_activation_takes_effect_after_the_national_day_holiday() {
    let app = TestApp::spawn().await;
    // Wednesday 30 September 2026, 10:00 in Zhengzhou; 1–7 October are the National Day holiday.
    let now = Utc.with_ymd_and_hms(2026, 9, 30, 2, 0, 0).unwrap();
    app.clock.set(now);
    let next = WorkingCalendar::standard().next_working_day(NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
    assert_eq!(next, NaiveDate::from_ymd_opt(2026, 10, 8).unwrap(), "Thursday 8 October");
    let clerk = app.staff_token(Role::Clerk).await;
    let abc = app.bank_token("ABC").await;
    let holder = app.enrol_holder(&clerk).await;
    let card = app.issue_card(&abc, &holder.person_no, "ABC").await;
    let card_no = card["card_no"].as_str().unwrap();

    let response = app.post(&card_path(card_no, "/activation"), &abc, at_branch(&holder, "4101-ABC-12")).await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.body["state"], "active");
    assert_eq!(instant(&response.body, "activated_at"), now);
    // 00:00 on 8 October in Zhengzhou (UTC+8).
    assert_eq!(response.body["usable_from"], "2026-10-07T16:00:00Z");

    // ICBC's activations take effect at once, on the same day.
    let icbc = app.bank_token("ICBC").await;
    let (other, icbc_card) = app.holder_with_card(&clerk).await;
    let immediate = app.post(&card_path(&icbc_card, "/activation"), &icbc, at_branch(&other, "4101-0001")).await;
    assert_eq!(immediate.status, StatusCode::OK, "{}", immediate.text);
    assert_eq!(instant(&immediate.body, "usable_from"), now);
}

#[tokio::test]
async fn the_banks_registry_says_which_banks_activate_on_the_next_working_day() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let banks = app.get("/v1/banks", &clerk).await.body;
    let effect = |code: &str| {
        banks["items"].as_array().unwrap().iter().find(|b| b["bank_code"] == code).unwrap()["activation_effect"].clone()
    };
    assert_eq!(effect("ABC"), "next_working_day");
    assert_eq!(effect("BOC"), "next_working_day");
    assert_eq!(effect("ICBC"), "immediate");
}

/// A resident (390) enrolment body: no employer.
fn resident_body(id_number: &str, name: &str) -> Value {
    json!({
        "id_number": id_number, "name": name, "phone": "13912345678",
        "insurance_type": "390", "region_code": "410105"
    })
}

fn agent(id_number: &str, relationship: &str, proof: &str) -> Value {
    json!({ "id_number": id_number, "name": "王建国", "relationship": relationship, "proof": proof })
}

fn with_agent(holder: &Holder, agent: Value) -> Value {
    let mut body = holder.activation(CARD_PASSWORD);
    body["agent"] = agent;
    body
}

#[tokio::test]
async fn a_proxy_activates_with_a_document_proving_the_relation() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_with_card(&clerk).await;
    let agent_id = ids::fresh_id_number();
    let refusals = [
        (agent(&agent_id, "spouse", "birth_certificate"), "card.proof_not_accepted", "agent.proof"),
        (agent(&agent_id, "entrusted", "household_register"), "card.proof_not_accepted", "agent.proof"),
        (agent(&holder.id_number, "relative", "household_register"), "card.agent_is_holder", "agent"),
        (
            agent(&ids::with_wrong_check(&agent_id), "spouse", "marriage_certificate"),
            "id_number.check_digit",
            "agent.id_number",
        ),
        (
            json!({ "id_number": agent_id, "name": "", "relationship": "spouse", "proof": "marriage_certificate" }),
            "person.name",
            "agent.name",
        ),
    ];
    for (agent, code, field) in refusals {
        let response = app.post(&card_path(&card_no, "/activation"), &clerk, with_agent(&holder, agent)).await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(response.body["field"], field);
    }
    let unknown_proof = with_agent(&holder, agent(&agent_id, "spouse", "driving_licence"));
    app.post(&card_path(&card_no, "/activation"), &clerk, unknown_proof)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Unactivated);

    let response = app
        .post(
            &card_path(&card_no, "/activation"),
            &clerk,
            with_agent(&holder, agent(&agent_id, "spouse", "marriage_certificate")),
        )
        .await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    let row = app.card_history(&clerk, &card_no).await.pop().unwrap();
    assert_eq!(row["details"]["agent"]["relationship"], "spouse");
    assert_eq!(row["details"]["agent"]["proof"], "marriage_certificate");
    let recorded = row["details"]["agent"]["id_number"].as_str().unwrap();
    assert!(recorded.contains('*') && recorded != agent_id, "the agent's ID number is masked: {recorded}");
}

#[tokio::test]
async fn a_minors_card_is_activated_by_a_parent_or_guardian_only() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    // Born 1 May 2015: eleven years old on 20 November 2026.
    let child = app.enrol_holder_with(&clerk, resident_body(&ids::id_number("410105", 2015, 5, 1, 21), "王小明")).await;
    let card = app.issue_card(&clerk, &child.person_no, "ICBC").await;
    let card_no = card["card_no"].as_str().unwrap();
    let parent_id = ids::fresh_id_number();
    let refusals = [
        (child.activation(CARD_PASSWORD), "card.minor_needs_guardian"),
        (with_agent(&child, agent(&parent_id, "relative", "household_register")), "card.agent_not_guardian"),
        (with_agent(&child, agent(&parent_id, "entrusted", "power_of_attorney")), "card.agent_not_guardian"),
        (with_agent(&child, agent(&parent_id, "parent", "marriage_certificate")), "card.proof_not_accepted"),
    ];
    for (body, code) in refusals {
        app.post(&card_path(card_no, "/activation"), &clerk, body)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    assert_eq!(app.stored_card_state(card_no).await.0, CardState::Unactivated);
    assert_eq!(app.card_history_len(card_no).await, 1);

    let response = app
        .post(
            &card_path(card_no, "/activation"),
            &clerk,
            with_agent(&child, agent(&parent_id, "parent", "birth_certificate")),
        )
        .await;

    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.body["state"], "active");
}
