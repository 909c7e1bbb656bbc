//! The provincial platform's account password: set in a session opened by SMS, used to sign in,
//! locked after five wrong tries in a row (however many arrive at once), reset the same way it
//! was set; and refusals that do not tell who is enrolled.

use axum::http::{Method, StatusCode};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::TestApp;
use crate::helpers::cards::Holder;
use crate::helpers::persons_side::session_token;

const PASSWORD: &str = "henan2026ok";

async fn set_password(app: &TestApp, session: &str, password: &str) -> crate::helpers::TestResponse {
    app.send(Method::PUT, "/v1/me/password", Some(session), Some(json!({ "password": password }))).await
}

async fn sign_in(app: &TestApp, provincial: &str, holder: &Holder, password: &str) -> crate::helpers::TestResponse {
    let body = json!({ "method": "password", "id_number": holder.id_number, "password": password });
    app.post("/v1/sessions", provincial, body).await
}

/// A person on their own phone with the password set; the provincial client's token.
async fn person_with_password(app: &TestApp) -> (Holder, String) {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.holder_on_own_phone(&clerk).await;
    let provincial = app.client_token(ClientKind::ProvincialPlatform).await;
    let by_sms = app.sms_session(&provincial, &app.phone_of(&holder).await).await;
    assert_eq!(set_password(app, &by_sms, PASSWORD).await.status, StatusCode::NO_CONTENT);
    (holder, provincial)
}

#[tokio::test]
async fn a_password_set_in_an_sms_session_signs_the_person_in() {
    let app = TestApp::spawn().await;
    let (holder, provincial) = person_with_password(&app).await;

    let opened = sign_in(&app, &provincial, &holder, PASSWORD).await;

    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    assert_eq!((&opened.body["method"], &opened.body["person_no"]), (&json!("password"), &json!(holder.person_no)));
    let me = app.get("/v1/me", &session_token(&opened)).await;
    assert_eq!(me.body["person_no"], holder.person_no.as_str());
}

#[tokio::test]
async fn only_an_sms_session_sets_the_password_and_weak_ones_are_refused() {
    let app = TestApp::spawn().await;
    let (holder, provincial) = person_with_password(&app).await;
    let by_password = session_token(&sign_in(&app, &provincial, &holder, PASSWORD).await);

    set_password(&app, &by_password, "another2026").await.assert_problem(StatusCode::FORBIDDEN, "session.sms_required");
    app.wait_for_resend();
    let by_sms = app.sms_session(&provincial, &app.phone_of(&holder).await).await;
    for weak in ["short1", "onlyletters", "1234567890", &"a1".repeat(40)] {
        set_password(&app, &by_sms, weak)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "session.weak_password");
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_it_until_an_sms_session_sets_a_new_one() {
    let app = TestApp::spawn().await;
    let (holder, provincial) = person_with_password(&app).await;

    for _ in 0..4 {
        sign_in(&app, &provincial, &holder, "wrong2026x")
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "session.wrong_password");
    }
    // The fifth wrong one locks it, and then even the right one is refused.
    let fifth = sign_in(&app, &provincial, &holder, "wrong2026x").await;
    fifth.assert_problem(StatusCode::LOCKED, "session.password_locked");
    sign_in(&app, &provincial, &holder, PASSWORD).await.assert_problem(StatusCode::LOCKED, "session.password_locked");

    app.wait_for_resend();
    let by_sms = app.sms_session(&provincial, &app.phone_of(&holder).await).await;
    assert_eq!(set_password(&app, &by_sms, "fresh2026ok").await.status, StatusCode::NO_CONTENT);
    assert_eq!(sign_in(&app, &provincial, &holder, "fresh2026ok").await.status, StatusCode::CREATED);
    assert!(app.audit_total("session.failed").await >= 6);
}

#[tokio::test]
async fn an_unknown_id_number_and_an_unset_password_are_answered_like_a_wrong_password() {
    let app = TestApp::spawn().await;
    let (with_password, provincial) = person_with_password(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (without, _) = app.holder_on_own_phone(&clerk).await;
    let stranger =
        Holder { person_no: String::new(), id_number: crate::helpers::ids::fresh_id_number(), name: "某人".into() };

    let answers = [
        sign_in(&app, &provincial, &with_password, "wrong2026x").await,
        sign_in(&app, &provincial, &without, "wrong2026x").await,
        sign_in(&app, &provincial, &stranger, "wrong2026x").await,
    ];
    for answer in &answers {
        answer.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "session.wrong_password");
    }
    let shapes: Vec<_> =
        answers.iter().map(|a| (a.body["detail"].clone(), a.body.as_object().unwrap().len())).collect();
    assert!(shapes.windows(2).all(|w| w[0] == w[1]), "{shapes:?}");
}

#[tokio::test]
async fn twenty_right_passwords_at_once_all_sign_in() {
    let app = TestApp::spawn().await;
    let (holder, provincial) = person_with_password(&app).await;

    let attempts = (0..20).map(|_| sign_in(&app, &provincial, &holder, PASSWORD));
    let answers = futures_util::future::join_all(attempts).await;

    let statuses: Vec<_> = answers.iter().map(|a| a.status).collect();
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
}

#[tokio::test]
async fn the_account_password_is_the_provincial_platforms_alone() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let by_sms = app.sms_session(&wechat, &app.phone_of(&holder).await).await;

    set_password(&app, &by_sms, PASSWORD).await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    sign_in(&app, &wechat, &holder, PASSWORD).await.assert_problem(StatusCode::FORBIDDEN, "session.method_not_allowed");
}

#[tokio::test]
async fn twenty_wrong_passwords_at_once_are_evaluated_at_most_five_times() {
    let app = TestApp::spawn().await;
    let (holder, provincial) = person_with_password(&app).await;

    let attempts = (0..20).map(|_| sign_in(&app, &provincial, &holder, "wrong2026x"));
    let answers = futures_util::future::join_all(attempts).await;

    let wrong = answers.iter().filter(|a| a.code() == "session.wrong_password").count();
    let locked = answers.iter().filter(|a| a.code() == "session.password_locked").count();
    assert_eq!((wrong, locked), (4, 16), "{:?}", answers.iter().map(|a| a.code()).collect::<Vec<_>>());
    let failures: i32 = sqlx::query_scalar("SELECT failed_attempts FROM person_passwords WHERE person_no = $1")
        .bind(&holder.person_no)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(failures, 5);
    sign_in(&app, &provincial, &holder, PASSWORD).await.assert_problem(StatusCode::LOCKED, "session.password_locked");
}
