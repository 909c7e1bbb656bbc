//! SMS codes: sending answers alike for any phone, the code reaches only the outbox and is kept
//! only as a salted hash, sends are spaced and counted per phone and Zhengzhou day, and a code
//! is checked for being present, right, fresh, unused and not checked too often.

use axum::http::StatusCode;
use chrono::TimeZone;
use medcard::platform::caller::{ClientKind, Role};
use medcard::platform::clock::china_offset;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::TestApp;
use crate::helpers::persons_side::{fresh_phone, masked_phone, other_code};

/// A holder with a phone of their own, a wechat client token and that phone.
async fn phone_on_record(app: &TestApp) -> (String, String) {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    (wechat, app.phone_of(&holder).await)
}

#[tokio::test]
async fn a_send_answers_202_alike_for_a_phone_on_record_and_a_phone_of_nobody() {
    let app = TestApp::spawn().await;
    let (wechat, known) = phone_on_record(&app).await;
    let nobody = fresh_phone();

    let to_known = app.send_sms(&wechat, &known, "binding").await;
    let to_nobody = app.send_sms(&wechat, &nobody, "binding").await;

    for (phone, sent) in [(&known, &to_known), (&nobody, &to_nobody)] {
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
        assert_eq!(
            sent.body,
            json!({ "phone": masked_phone(phone), "purpose": "binding", "expires_in": 300, "resend_after": 60 })
        );
    }
    let keys = |body: &serde_json::Value| body.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&to_known.body), keys(&to_nobody.body));
    // contract: "the same whether or not the phone belongs to a person" is read as the same
    // sending too: the outbox gets a message either way, so its timing tells nothing.
    assert_eq!(app.outbox_count(&known).await, 1);
    assert_eq!(app.outbox_count(&nobody).await, 1);
}

#[tokio::test]
async fn the_code_reaches_the_outbox_only_and_is_stored_as_a_salted_hash() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;

    let sent = app.send_sms(&wechat, &phone, "login").await;
    let code = app.latest_sms_code(&phone).await;

    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
    assert!(!sent.text.contains(&code), "the code is in the answer: {}", sent.text);
    let opened = app.sms_login(&wechat, &phone, &code).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    assert!(!opened.text.contains(&code), "the code is echoed: {}", opened.text);

    // No column that could hold the code as text: the only text columns are phone and purpose.
    let text_columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns
          WHERE table_name = 'sms_codes' AND data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')
          ORDER BY column_name",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(text_columns, ["phone", "purpose"]);
    let rows: Vec<(Vec<u8>, Vec<u8>)> = sqlx::query_as("SELECT code_salt, code_hash FROM sms_codes WHERE phone = $1")
        .bind(&phone)
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let unsalted = Sha256::digest(code.as_bytes()).to_vec();
    for (salt, hash) in rows {
        assert_ne!(hash, code.as_bytes(), "the code is stored as it is");
        assert_ne!(hash, unsalted, "the hash is not salted");
        for bytes in [&salt, &hash] {
            assert!(!bytes.windows(6).any(|w| w == code.as_bytes()), "the code is inside a stored value");
        }
    }
}

#[tokio::test]
async fn a_second_send_within_sixty_seconds_is_refused_with_retry_after_and_fine_after_it() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    assert_eq!(app.send_sms(&wechat, &phone, "binding").await.status, StatusCode::ACCEPTED);
    app.advance_secs(30);

    // The interval is per phone, whatever the purpose.
    for purpose in ["binding", "login"] {
        let early = app.send_sms(&wechat, &phone, purpose).await;
        early.assert_problem(StatusCode::TOO_MANY_REQUESTS, "sms.resend_too_soon");
        let retry_after: i64 = early.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    }
    assert_eq!(app.outbox_count(&phone).await, 1, "a refused send sends nothing");
    let another = app.send_sms(&wechat, &fresh_phone(), "binding").await;
    assert_eq!(another.status, StatusCode::ACCEPTED, "another phone is not held up: {}", another.text);

    app.advance_secs(31);
    let later = app.send_sms(&wechat, &phone, "binding").await;
    assert_eq!(later.status, StatusCode::ACCEPTED, "{}", later.text);
    assert_eq!(app.outbox_count(&phone).await, 2);
}

#[tokio::test]
async fn waiting_the_retry_after_it_names_is_enough() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    assert_eq!(app.send_sms(&wechat, &phone, "login").await.status, StatusCode::ACCEPTED);
    app.advance_secs(45);

    let early = app.send_sms(&wechat, &phone, "login").await;
    early.assert_problem(StatusCode::TOO_MANY_REQUESTS, "sms.resend_too_soon");
    let retry_after: i64 = early.headers["retry-after"].to_str().unwrap().parse().unwrap();
    app.advance_secs(retry_after);

    assert_eq!(app.send_sms(&wechat, &phone, "login").await.status, StatusCode::ACCEPTED);
}

/// `day` November 2026 at `hour`:`minute` in Zhengzhou.
fn zhengzhou(day: u32, hour: u32, minute: u32) -> chrono::DateTime<chrono::Utc> {
    china_offset().with_ymd_and_hms(2026, 11, day, hour, minute, 0).unwrap().with_timezone(&chrono::Utc)
}

#[tokio::test]
async fn the_eleventh_send_of_a_zhengzhou_day_is_refused_and_the_next_day_is_fine() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    let (wechat, phone) = phone_on_record(&app).await;
    for n in 1..=10 {
        let sent = app.send_sms(&wechat, &phone, "login").await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "send {n}: {}", sent.text);
        app.wait_for_resend();
    }

    let eleventh = app.send_sms(&wechat, &phone, "login").await;
    eleventh.assert_problem(StatusCode::TOO_MANY_REQUESTS, "sms.daily_limit");
    // contract: Retry-After is named for `sms.resend_too_soon`; read as every 429's.
    assert!(eleventh.headers.contains_key("retry-after"), "{:?}", eleventh.headers);
    app.clock.set(zhengzhou(20, 23, 59));
    app.send_sms(&wechat, &phone, "binding").await.assert_problem(StatusCode::TOO_MANY_REQUESTS, "sms.daily_limit");
    assert_eq!(app.outbox_count(&phone).await, 10);

    // 07:00 on the 21st in Zhengzhou is still the 20th in UTC: the day is Zhengzhou's.
    app.clock.set(zhengzhou(21, 7, 0));
    let next_day = app.send_sms(&wechat, &phone, "login").await;
    assert_eq!(next_day.status, StatusCode::ACCEPTED, "{}", next_day.text);
}

#[tokio::test]
async fn bad_phones_and_purposes_are_refused_and_nothing_is_sent() {
    let app = TestApp::spawn().await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    // contract: the as-built note names `person.phone` (the code of every phone field), not
    // the draft's `phone.invalid`.
    for phone in ["12345", "23800138000", "1380013800a", "138001380001", "", "   "] {
        let refused = app.send_sms(&wechat, phone, "login").await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "person.phone");
        assert_eq!(refused.body["field"], "phone", "{phone:?}");
    }
    // contract: the draft names 400 `request.bad_json` for an unknown purpose; no such code
    // exists, and a body of the wrong shape is 422 `request.invalid_body` everywhere else.
    let phone = fresh_phone();
    for purpose in ["unbinding", "LOGIN", ""] {
        let refused = app.send_sms(&wechat, &phone, purpose).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
    }
    let unknown_field = json!({ "phone": phone, "purpose": "login", "code": "123456" });
    let refused = app.post("/v1/sms-codes", &wechat, unknown_field).await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body");
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM sms_outbox").fetch_one(&app.pool).await.unwrap();
    assert_eq!(total, 0);
}

#[tokio::test]
async fn only_clients_that_open_person_sessions_ask_for_codes() {
    let app = TestApp::spawn().await;
    let phone = fresh_phone();
    // The terminal signs in with the card and its password only, so it sends no codes either.
    let refused = [
        ClientKind::Bank,
        ClientKind::Institution,
        ClientKind::ServiceHall,
        ClientKind::TaxBureau,
        ClientKind::Terminal,
    ];
    for kind in refused {
        let token = app.client_token(kind).await;
        app.send_sms(&token, &phone, "login").await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }
    let clerk = app.staff_token(Role::Clerk).await;
    app.send_sms(&clerk, &phone, "login").await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    assert_eq!(app.outbox_count(&phone).await, 0);

    let kinds = [
        ClientKind::WechatOfficialAccount,
        ClientKind::Yushiban,
        ClientKind::ProvincialPlatform,
        ClientKind::NationalApp,
        ClientKind::Zhenghaoban,
    ];
    for kind in kinds {
        let token = app.client_token(kind).await;
        let sent = app.send_sms(&token, &fresh_phone(), "login").await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "{kind:?}: {}", sent.text);
    }
}

#[tokio::test]
async fn a_wrong_code_is_refused_with_the_checks_left_and_the_right_one_still_works() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    let code = app.sms_code(&wechat, &phone, "login").await;

    for checks_left in [4, 3] {
        let wrong = app.sms_login(&wechat, &phone, &other_code(&code)).await;
        wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_wrong");
        assert_eq!(wrong.body["checks_left"], checks_left);
    }

    let right = app.sms_login(&wechat, &phone, &code).await;
    assert_eq!(right.status, StatusCode::CREATED, "{}", right.text);
}

#[tokio::test]
async fn a_code_is_refused_once_five_minutes_have_passed() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    let code = app.sms_code(&wechat, &phone, "login").await;

    app.advance_secs(301);

    let late = app.sms_login(&wechat, &phone, &code).await;
    late.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_expired");
    let fresh = app.sms_code(&wechat, &phone, "login").await;
    app.advance_secs(299);
    let in_time = app.sms_login(&wechat, &phone, &fresh).await;
    assert_eq!(in_time.status, StatusCode::CREATED, "{}", in_time.text);
}

#[tokio::test]
async fn a_code_opens_one_session_and_is_refused_as_used_after() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    let code = app.sms_code(&wechat, &phone, "login").await;
    assert_eq!(app.sms_login(&wechat, &phone, &code).await.status, StatusCode::CREATED);

    let again = app.sms_login(&wechat, &phone, &code).await;

    again.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_used");
    let other_client = app.client_token(ClientKind::Yushiban).await;
    let elsewhere = app.sms_login(&other_client, &phone, &code).await;
    elsewhere.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_used");
}

#[tokio::test]
async fn a_sixth_check_is_refused_even_with_the_right_code() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    let code = app.sms_code(&wechat, &phone, "login").await;
    for checks_left in (0..5).rev() {
        let wrong = app.sms_login(&wechat, &phone, &other_code(&code)).await;
        wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_wrong");
        assert_eq!(wrong.body["checks_left"], checks_left);
    }

    let sixth = app.sms_login(&wechat, &phone, &code).await;

    sixth.assert_problem(StatusCode::TOO_MANY_REQUESTS, "sms.code_checks_exhausted");
    assert_eq!(app.person_session_rows().await, 0);
    // A new code starts afresh.
    app.wait_for_resend();
    let fresh = app.sms_code(&wechat, &phone, "login").await;
    assert_eq!(app.sms_login(&wechat, &phone, &fresh).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_code_is_missing_when_none_was_sent_for_that_purpose() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    let never_sent = app.sms_login(&wechat, &phone, "123456").await;
    never_sent.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_missing");

    // A binding code does not pass for a login, nor a code sent to another phone.
    let binding_code = app.sms_code(&wechat, &phone, "binding").await;
    let refused = app.sms_login(&wechat, &phone, &binding_code).await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_missing");
    let elsewhere = fresh_phone();
    let foreign_code = app.sms_code(&wechat, &elsewhere, "login").await;
    let crossed = app.sms_login(&wechat, &phone, &foreign_code).await;
    crossed.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_missing");
}

#[tokio::test]
async fn a_code_that_is_not_six_digits_is_refused_before_any_check() {
    let app = TestApp::spawn().await;
    let (wechat, phone) = phone_on_record(&app).await;
    let code = app.sms_code(&wechat, &phone, "login").await;

    // contract: the as-built note adds `sms.code_format`, answered before the code is checked.
    for malformed in ["12345", "1234567", "12a456", "", "１２３４５６"] {
        let refused = app.sms_login(&wechat, &phone, malformed).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_format");
    }

    let wrong = app.sms_login(&wechat, &phone, &other_code(&code)).await;
    wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_wrong");
    assert_eq!(wrong.body["checks_left"], 4, "malformed codes used no check");
}

#[tokio::test]
async fn a_binding_checks_its_code_by_the_same_rules() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let phone = app.phone_of(&holder).await;

    // A login code does not pass for a binding.
    let login_code = app.sms_code(&wechat, &phone, "login").await;
    let crossed = app.binding_body(&holder, &card_no, "o-ref-1", &login_code).await;
    app.post("/v1/bindings", &wechat, crossed)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_missing");

    app.wait_for_resend();
    let code = app.sms_code(&wechat, &phone, "binding").await;
    let wrong = app.binding_body(&holder, &card_no, "o-ref-1", &other_code(&code)).await;
    let refused = app.post("/v1/bindings", &wechat, wrong).await;
    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_wrong");
    assert_eq!(refused.body["checks_left"], 4);
    app.advance_secs(301);
    let late = app.binding_body(&holder, &card_no, "o-ref-1", &code).await;
    app.post("/v1/bindings", &wechat, late).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "sms.code_expired");
    assert_eq!(app.binding_rows(&holder.person_no).await, 0);
}
