//! The card password: strength rules at activation and change, change with the old password,
//! three wrong tries lock it even when fifty arrive at once, and a hall reset unlocks it.

use std::sync::Arc;

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::cards::{CARD_PASSWORD, Holder, Reach, card_path};
use crate::helpers::{TestApp, employee_body, ids};

/// A holder born 9 March 1985 whose ID number ends in a digit, so its last six form a PIN.
fn holder_born_1985_03_09() -> String {
    (100..999)
        .map(|sequence| ids::id_number("410105", 1985, 3, 9, sequence))
        .find(|id| id.ends_with(|c: char| c.is_ascii_digit()))
        .unwrap()
}

#[tokio::test]
async fn weak_card_passwords_are_refused_at_activation_each_with_its_code() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let id_number = holder_born_1985_03_09();
    let holder = app.enrol_holder_with(&clerk, employee_body(&id_number)).await;
    let card_no = app.issue_card(&clerk, &holder.person_no, "ICBC").await["card_no"].as_str().unwrap().to_owned();
    let id_tail = &id_number[12..];
    let cases = [
        ("12345", "card_password.format"),
        ("1234567", "card_password.format"),
        ("12345a", "card_password.format"),
        ("", "card_password.format"),
        ("000000", "card_password.repeated_digit"),
        ("888888", "card_password.repeated_digit"),
        ("123456", "card_password.sequence"),
        ("456789", "card_password.sequence"),
        ("987654", "card_password.sequence"),
        ("850309", "card_password.birth_date"),
        ("030985", "card_password.birth_date"),
        ("090385", "card_password.birth_date"),
        (id_tail, "card_password.id_number_tail"),
    ];
    for (password, code) in cases {
        let response = app.post(&card_path(&card_no, "/activation"), &clerk, holder.activation(password)).await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(response.body["field"], "password", "{password}");
        for member in ["title", "detail"] {
            let text = response.body[member].as_str().unwrap();
            assert!(password.is_empty() || !text.contains(password), "the password is echoed: {text}");
        }
    }
    let card = app.get(&card_path(&card_no, ""), &clerk).await.body;
    assert_eq!((&card["state"], &card["password_set"]), (&json!("unactivated"), &json!(false)));
    assert_eq!(app.card_history_len(&card_no).await, 1);

    let activated = app.post(&card_path(&card_no, "/activation"), &clerk, holder.activation(CARD_PASSWORD)).await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
}

async fn verify(app: &TestApp, token: &str, card_no: &str, password: &str) -> crate::helpers::TestResponse {
    app.post(&card_path(card_no, "/password/verifications"), token, json!({ "password": password })).await
}

#[tokio::test]
async fn the_password_is_changed_with_the_old_one_and_weak_new_ones_are_refused() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let terminal = app.client_token(ClientKind::Terminal).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let path = card_path(&card_no, "/password");

    let wrong_old = app.put(&path, &terminal, json!({ "old_password": "000001", "new_password": "402817" })).await;
    wrong_old.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong");
    assert_eq!(wrong_old.body["remaining_attempts"], 2);
    let weak = app.put(&path, &terminal, json!({ "old_password": CARD_PASSWORD, "new_password": "111111" })).await;
    weak.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card_password.repeated_digit");
    assert_eq!(weak.body["field"], "new_password");
    let tail = &holder.id_number[12..];
    if tail.chars().all(|c| c.is_ascii_digit()) {
        app.put(&path, &terminal, json!({ "old_password": CARD_PASSWORD, "new_password": tail }))
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card_password.id_number_tail");
    }
    assert_eq!(verify(&app, &terminal, &card_no, CARD_PASSWORD).await.status, StatusCode::OK);

    let changed = app.put(&path, &terminal, json!({ "old_password": CARD_PASSWORD, "new_password": "402817" })).await;

    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{}", changed.text);
    verify(&app, &terminal, &card_no, CARD_PASSWORD)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong");
    let right = verify(&app, &terminal, &card_no, "402817").await;
    assert_eq!((right.status, &right.body["verified"]), (StatusCode::OK, &json!(true)));
    assert_eq!(app.audit_count("card.password_change", &card_no).await, 1);
}

#[tokio::test]
async fn a_right_password_clears_the_count_of_wrong_ones() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let terminal = app.client_token(ClientKind::Terminal).await;
    let (_, card_no) = app.card_in(&clerk, Reach::Active).await;
    for _ in 0..2 {
        verify(&app, &terminal, &card_no, "000001")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong");
    }
    assert_eq!(verify(&app, &terminal, &card_no, CARD_PASSWORD).await.status, StatusCode::OK);
    let again = verify(&app, &terminal, &card_no, "000001").await;
    again.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong");
    assert_eq!(again.body["remaining_attempts"], 2);
    assert_eq!(again.body["title"], "医保卡密码错误，还可再试 2 次");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_right_passwords_all_pass_and_never_lock_the_card() {
    let app = Arc::new(TestApp::spawn().await);
    let clerk = app.staff_token(Role::Clerk).await;
    let institution = app.client_token(ClientKind::Institution).await;
    let (_, card_no) = app.card_in(&clerk, Reach::Active).await;

    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let (app, token, card_no) = (app.clone(), institution.clone(), card_no.clone());
            tokio::spawn(async move { verify(&app, &token, &card_no, CARD_PASSWORD).await })
        })
        .collect();
    for task in tasks {
        let response = task.await.unwrap();
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    }
    let card = app.get(&card_path(&card_no, ""), &clerk).await.body;
    assert_eq!(card["password_locked"], false);
    let failures: i32 = sqlx::query_scalar("SELECT password_failures FROM cards WHERE card_no = $1")
        .bind(&card_no)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(failures, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_wrong_passwords_evaluate_three_and_lock_until_a_hall_reset() {
    let app = Arc::new(TestApp::spawn().await);
    let clerk = app.staff_token(Role::Clerk).await;
    let institution = app.client_token(ClientKind::Institution).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;

    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let (app, token, card_no) = (app.clone(), institution.clone(), card_no.clone());
            tokio::spawn(async move { verify(&app, &token, &card_no, &format!("{:06}", 100_000 + i)).await })
        })
        .collect();
    let (mut wrong, mut locked) = (0, 0);
    for task in tasks {
        let response = task.await.unwrap();
        match response.status {
            StatusCode::UNPROCESSABLE_ENTITY => {
                response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong");
                wrong += 1;
            }
            _ => {
                response.assert_problem(StatusCode::LOCKED, "card.password_locked");
                locked += 1;
            }
        }
    }

    let evaluated = app.audit_count("card.password_wrong", &card_no).await
        + app.audit_count("card.password_locked", &card_no).await;
    assert_eq!(evaluated, 3, "exactly three attempts were checked against the hash");
    assert_eq!((wrong, locked), (2, 48), "the third wrong try locks; the other 47 find it locked");
    verify(&app, &institution, &card_no, CARD_PASSWORD)
        .await
        .assert_problem(StatusCode::LOCKED, "card.password_locked");
    assert_eq!(app.get(&card_path(&card_no, ""), &clerk).await.body["password_locked"], true);
    let terminal = app.client_token(ClientKind::Terminal).await;
    let change = json!({ "old_password": CARD_PASSWORD, "new_password": "402817" });
    app.put(&card_path(&card_no, "/password"), &terminal, change)
        .await
        .assert_problem(StatusCode::LOCKED, "card.password_locked");

    reset_at_hall(&app, &clerk, &holder, &card_no).await;

    assert_eq!(verify(&app, &institution, &card_no, "402817").await.status, StatusCode::OK);
    assert_eq!(app.get(&card_path(&card_no, ""), &clerk).await.body["password_locked"], false);
}

async fn reset_at_hall(app: &TestApp, clerk: &str, holder: &Holder, card_no: &str) {
    let path = card_path(card_no, "/password/reset");
    let stranger = json!({ "id_number": holder.id_number, "name": "李四", "new_password": "402817" });
    app.post(&path, clerk, stranger).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.identity_mismatch");
    let weak = json!({ "id_number": holder.id_number, "name": holder.name, "new_password": "654321" });
    app.post(&path, clerk, weak).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card_password.sequence");
    let terminal = app.client_token(ClientKind::Terminal).await;
    let body = json!({ "id_number": holder.id_number, "name": holder.name, "new_password": "402817" });
    app.post(&path, &terminal, body.clone()).await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");

    let reset = app.post(&path, clerk, body).await;

    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    assert_eq!(app.audit_count("card.password_reset", card_no).await, 1);
}

#[tokio::test]
async fn password_operations_need_an_active_card_and_the_right_channel() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let terminal = app.client_token(ClientKind::Terminal).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::TemporarilyLost).await;

    let response = verify(&app, &terminal, &card_no, CARD_PASSWORD).await;
    response.assert_problem(StatusCode::CONFLICT, "card.not_active");
    assert_eq!(response.body["current_state"], "temporarily_lost");
    let reset = json!({ "id_number": holder.id_number, "name": holder.name, "new_password": "402817" });
    app.post(&card_path(&card_no, "/password/reset"), &clerk, reset)
        .await
        .assert_problem(StatusCode::CONFLICT, "card.not_active");

    let (_, active) = app.card_in(&clerk, Reach::Active).await;
    for kind in [ClientKind::WechatOfficialAccount, ClientKind::Bank, ClientKind::TaxBureau] {
        let token = app.client_token(kind).await;
        verify(&app, &token, &active, CARD_PASSWORD)
            .await
            .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }
    assert_eq!(app.audit_count("card.password_wrong", &active).await, 0);
}
