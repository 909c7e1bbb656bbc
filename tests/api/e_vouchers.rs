//! The electronic voucher: activation after a face check on the national app or 郑好办, QR tokens
//! issued with the PIN, accepted as certificate `01` by the first institution that reads them
//! and used up by the one settlement they pay; the hall's suspension and resumption.

use axum::http::{Method, StatusCode};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::assertions::verified_session;
use crate::helpers::cards::{Holder, Reach};
use crate::helpers::{TestApp, TestResponse};

/// A voucher PIN that is neither a run, one digit, a date nor an ID-number tail.
const PIN: &str = "759132";

/// An employee with an active card and 120.00 in the account, and a national-app session of
/// theirs opened by a face check.
struct Voucherholder {
    holder: Holder,
    card_no: String,
    session: String,
}

async fn funded_holder_in_national_app(app: &TestApp) -> Voucherholder {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let actors = app.money_actors().await;
    let paid =
        app.pay(&actors.bank, &holder.person_no, &["2026-11"], "600.00", &format!("ev-{}", holder.person_no)).await;
    let arrived =
        app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), &format!("eva-{}", holder.person_no)).await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    let channel = app.signing_channel(ClientKind::NationalApp, 11).await;
    let session = verified_session(app, &channel, &holder).await;
    Voucherholder { holder, card_no, session }
}

async fn activate(app: &TestApp, session: &str, pin: &str) -> TestResponse {
    app.post("/v1/e-vouchers", session, json!({ "pin": pin })).await
}

async fn active_voucherholder(app: &TestApp) -> Voucherholder {
    let person = funded_holder_in_national_app(app).await;
    let activated = activate(app, &person.session, PIN).await;
    assert_eq!(activated.status, StatusCode::CREATED, "{}", activated.text);
    person
}

async fn new_token(app: &TestApp, session: &str) -> String {
    let issued = app.post("/v1/me/e-voucher/codes", session, json!({ "pin": PIN })).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text);
    issued.body["ec_token"].as_str().unwrap().to_owned()
}

fn voucher_bill(token: &str, total: &str, msgid: &str) -> Value {
    json!({
        "mdtrt_cert_type": "01", "mdtrt_cert_no": token, "med_type": "41",
        "medfee_sumamt": total, "fulamt_ownpay_amt": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": total,
        "acct_used_flag": "1", "msgid": msgid
    })
}

async fn settle(app: &TestApp, institution: &str, key: &str, body: Value) -> TestResponse {
    app.post_idempotent("/v1/settlements", institution, key, body).await
}

async fn card_read(app: &TestApp, institution: &str, token: &str) -> TestResponse {
    app.post("/v1/card-reads", institution, json!({ "mdtrt_cert_type": "01", "mdtrt_cert_no": token })).await
}

#[tokio::test]
async fn a_face_checked_session_activates_the_voucher_and_its_token_pays_at_a_pharmacy() {
    let app = TestApp::spawn().await;
    let person = funded_holder_in_national_app(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;

    let activated = activate(&app, &person.session, PIN).await;
    assert_eq!(activated.status, StatusCode::CREATED, "{}", activated.text);
    assert_eq!((&activated.body["state"], &activated.body["pin_locked"]), (&json!("active"), &json!(false)));
    let issued = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": PIN })).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text);
    assert_eq!(issued.body["valid_secs"], 60);
    let token = issued.body["ec_token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 40);

    let read = card_read(&app, &pharmacy, &token).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!((&read.body["psn_no"], &read.body["balc"]), (&json!(person.holder.person_no), &json!("120.00")));

    let settled = settle(&app, &pharmacy, "ev-1", voucher_bill(&token, "30.00", "PH-0001")).await;
    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
    assert_eq!((&settled.body["acct_pay"], &settled.body["balc"]), (&json!("30.00"), &json!("90.00")));
    assert_eq!(settled.body["mdtrt_cert_type"], "01");

    let mine = app.get("/v1/me/consumptions", &person.session).await;
    let record = &mine.body["items"][0];
    assert_eq!((&record["setl_id"], &record["mdtrt_cert_type"]), (&settled.body["setl_id"], &json!("01")));
    assert_eq!((&record["fixmedins_name"], &record["fixmedins_level"]), (&json!("郑州市第一人民医院"), &json!(3)));
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_token_pays_one_bill_and_a_retry_of_that_bill_replays() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let token = new_token(&app, &person.session).await;

    let first = settle(&app, &pharmacy, "ev-once", voucher_bill(&token, "10.00", "PH-1")).await;
    let retried = settle(&app, &pharmacy, "ev-once", voucher_bill(&token, "10.00", "PH-1")).await;
    let second_bill = settle(&app, &pharmacy, "ev-twice", voucher_bill(&token, "10.00", "PH-2")).await;

    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!((retried.status, &retried.body["setl_id"]), (StatusCode::CREATED, &first.body["setl_id"]));
    second_bill.assert_problem(StatusCode::CONFLICT, "e_voucher.token_used");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person.holder.person_no).await, "110.00");
}

#[tokio::test]
async fn two_settlements_racing_on_one_token_pay_once() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let token = new_token(&app, &person.session).await;

    let (a, b) = tokio::join!(
        settle(&app, &pharmacy, "race-a", voucher_bill(&token, "10.00", "PH-A")),
        settle(&app, &pharmacy, "race-b", voucher_bill(&token, "10.00", "PH-B")),
    );

    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT], "{} / {}", a.text, b.text);
    let refused = if a.status == StatusCode::CONFLICT { a } else { b };
    assert_eq!(refused.code(), "e_voucher.token_used");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person.holder.person_no).await, "110.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_token_is_refused_when_unknown_malformed_expired_or_shown_at_a_second_institution() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let (first, second) =
        (app.client_token(ClientKind::Institution).await, app.client_token(ClientKind::Institution).await);

    let unknown = card_read(&app, &first, &"4101".repeat(10)).await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "e_voucher.token_unknown");
    let malformed = card_read(&app, &first, "4101-short").await;
    malformed.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "e_voucher.token_format");

    let token = new_token(&app, &person.session).await;
    assert_eq!(card_read(&app, &first, &token).await.status, StatusCode::OK);
    let elsewhere = settle(&app, &second, "ev-else", voucher_bill(&token, "10.00", "X-1")).await;
    elsewhere.assert_problem(StatusCode::CONFLICT, "e_voucher.token_elsewhere");

    let stale = new_token(&app, &person.session).await;
    app.advance_secs(61);
    let expired = settle(&app, &first, "ev-old", voucher_bill(&stale, "10.00", "X-2")).await;
    expired.assert_problem(StatusCode::CONFLICT, "e_voucher.token_expired");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person.holder.person_no).await, "120.00");
}

#[tokio::test]
async fn a_settlement_naming_another_person_than_the_token_is_refused() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let token = new_token(&app, &person.session).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let someone_else = app.enrol_holder(&clerk).await;

    let mut bill = voucher_bill(&token, "10.00", "PH-M");
    bill["psn_no"] = json!(someone_else.person_no);
    let refused = settle(&app, &pharmacy, "ev-mismatch", bill).await;

    refused.assert_problem(StatusCode::CONFLICT, "settlement.person_mismatch");
    assert_eq!(app.balance(&clerk, &person.holder.person_no).await, "120.00");
}

#[tokio::test]
async fn a_lost_card_does_not_block_the_voucher() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let loss = app
        .post(&format!("/v1/cards/{}/loss-reports", person.card_no), &clerk, person.holder.loss_report("formal"))
        .await;
    assert_eq!(loss.status, StatusCode::CREATED, "{}", loss.text);

    let token = new_token(&app, &person.session).await;
    let settled = settle(&app, &pharmacy, "ev-lost", voucher_bill(&token, "20.00", "PH-L")).await;

    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
    assert_eq!(settled.body["acct_pay"], "20.00");
}

#[tokio::test]
async fn activation_needs_a_face_checked_session_of_a_channel_that_offers_it() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.holder_on_own_phone(&clerk).await;
    let phone = app.phone_of(&holder).await;
    let national_app = app.client_token(ClientKind::NationalApp).await;
    let by_sms = app.sms_session(&national_app, &phone).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    app.wait_for_resend();
    let wechat_session = app.sms_session(&wechat, &phone).await;

    activate(&app, &by_sms, PIN).await.assert_problem(StatusCode::FORBIDDEN, "e_voucher.verified_identity_required");
    activate(&app, &wechat_session, PIN).await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    activate(&app, &clerk, PIN).await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");

    let own = app.get("/v1/me/e-voucher", &by_sms).await;
    assert_eq!((&own.body["state"], &own.body["person_no"]), (&json!("not_activated"), &json!(holder.person_no)));
}

#[tokio::test]
async fn activating_twice_is_refused_and_zhenghaoban_may_activate_too() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let zhenghaoban = app.signing_channel(ClientKind::Zhenghaoban, 12).await;
    let session = verified_session(&app, &zhenghaoban, &holder).await;

    assert_eq!(activate(&app, &session, PIN).await.status, StatusCode::CREATED);
    activate(&app, &session, "861302").await.assert_problem(StatusCode::CONFLICT, "e_voucher.already_activated");
    assert_eq!(app.audit_count("e_voucher.activate", &holder.person_no).await, 1);
}

#[tokio::test]
async fn weak_pins_are_refused_each_with_its_code_and_nothing_is_activated() {
    let app = TestApp::spawn().await;
    let person = funded_holder_in_national_app(&app).await;
    let id_tail = person.holder.id_number[12..].to_owned();
    let mut cases: Vec<(&str, &str)> = vec![
        ("12345", "card_password.format"),
        ("1234567", "card_password.format"),
        ("12a456", "card_password.format"),
        ("444444", "card_password.repeated_digit"),
        ("345678", "card_password.sequence"),
        ("876543", "card_password.sequence"),
    ];
    // An ID number may end in X; only an all-digit tail is a possible PIN.
    if id_tail.bytes().all(|b| b.is_ascii_digit()) {
        cases.push((&id_tail, "card_password.id_number_tail"));
    }
    for (pin, code) in cases {
        activate(&app, &person.session, pin).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    let own = app.get("/v1/me/e-voucher", &person.session).await;
    assert_eq!(own.body["state"], "not_activated");
}

#[tokio::test]
async fn five_wrong_pins_lock_the_pin_until_a_new_one_is_set_after_a_face_check() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;

    for remaining in (1..5).rev() {
        let wrong = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": "861302" })).await;
        wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "e_voucher.pin_wrong");
        assert_eq!(wrong.body["remaining_attempts"], remaining);
    }
    let fifth = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": "861302" })).await;
    fifth.assert_problem(StatusCode::LOCKED, "e_voucher.pin_locked");
    let right_but_locked = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": PIN })).await;
    right_but_locked.assert_problem(StatusCode::LOCKED, "e_voucher.pin_locked");
    assert_eq!(app.get("/v1/me/e-voucher", &person.session).await.body["pin_locked"], true);

    let reset =
        app.send(Method::PUT, "/v1/me/e-voucher/pin", Some(&person.session), Some(json!({ "pin": "861302" }))).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{}", reset.text);
    let issued = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": "861302" })).await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.text);
}

#[tokio::test]
async fn a_new_pin_needs_a_face_checked_session() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.holder_on_own_phone(&clerk).await;
    let phone = app.phone_of(&holder).await;
    let channel = app.signing_channel(ClientKind::NationalApp, 13).await;
    let face = verified_session(&app, &channel, &holder).await;
    assert_eq!(activate(&app, &face, PIN).await.status, StatusCode::CREATED);
    let by_sms = app.sms_session(&channel.token, &phone).await;

    let refused = app.send(Method::PUT, "/v1/me/e-voucher/pin", Some(&by_sms), Some(json!({ "pin": "861302" }))).await;

    refused.assert_problem(StatusCode::FORBIDDEN, "e_voucher.verified_identity_required");
    let still_old = app.post("/v1/me/e-voucher/codes", &by_sms, json!({ "pin": PIN })).await;
    assert_eq!(still_old.status, StatusCode::CREATED, "{}", still_old.text);
}

fn suspension_path(person_no: &str) -> String {
    format!("/v1/e-vouchers/{person_no}/suspension")
}

#[tokio::test]
async fn a_suspended_voucher_issues_and_accepts_no_token_until_the_hall_resumes_it() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let shown_before = new_token(&app, &person.session).await;
    let path = suspension_path(&person.holder.person_no);

    let suspended = app.post(&path, &clerk, json!({ "reason": "账户异常登录" })).await;
    assert_eq!(suspended.status, StatusCode::CREATED, "{}", suspended.text);
    assert_eq!(
        (&suspended.body["state"], &suspended.body["suspension_reason"]),
        (&json!("suspended"), &json!("账户异常登录"))
    );
    settle(&app, &pharmacy, "ev-s", voucher_bill(&shown_before, "10.00", "S-1"))
        .await
        .assert_problem(StatusCode::CONFLICT, "e_voucher.suspended");
    app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": PIN }))
        .await
        .assert_problem(StatusCode::CONFLICT, "e_voucher.suspended");

    let resumed = app.send(Method::DELETE, &path, Some(&clerk), Some(json!({ "reason": "本人核实" }))).await;
    assert_eq!((resumed.status, &resumed.body["state"]), (StatusCode::OK, &json!("active")), "{}", resumed.text);
    let settled = settle(&app, &pharmacy, "ev-r", voucher_bill(&shown_before, "10.00", "S-2")).await;
    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
    assert_eq!(app.audit_count("e_voucher.suspend", &person.holder.person_no).await, 1);
    assert_eq!(app.audit_count("e_voucher.resume", &person.holder.person_no).await, 1);
}

#[tokio::test]
async fn the_hall_may_not_suspend_what_is_not_active_nor_resume_what_is_not_suspended() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let never_activated = app.enrol_holder(&clerk).await;
    let path = suspension_path(&person.holder.person_no);
    let reason = json!({ "reason": "核查" });

    app.post(&suspension_path(&never_activated.person_no), &clerk, reason.clone())
        .await
        .assert_problem(StatusCode::CONFLICT, "e_voucher.not_activated");
    app.send(Method::DELETE, &path, Some(&clerk), Some(reason.clone()))
        .await
        .assert_problem(StatusCode::CONFLICT, "e_voucher.transition_not_allowed");
    app.post(&path, &clerk, json!({ "reason": "  " }))
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "e_voucher.reason_text");
    assert_eq!(app.post(&path, &clerk, reason.clone()).await.status, StatusCode::CREATED);
    app.post(&path, &clerk, reason).await.assert_problem(StatusCode::CONFLICT, "e_voucher.transition_not_allowed");

    let read = app.get(&format!("/v1/e-vouchers/{}", person.holder.person_no), &clerk).await;
    assert_eq!(read.body["state"], "suspended");
    let none = app.get(&format!("/v1/e-vouchers/{}", never_activated.person_no), &clerk).await;
    assert_eq!((none.status, &none.body["state"]), (StatusCode::OK, &json!("not_activated")));
}

#[tokio::test]
async fn a_retry_sent_while_the_first_attempt_settles_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let token = new_token(&app, &person.session).await;
    let bill = voucher_bill(&token, "10.00", "PH-RETRY");

    let (first, retry) =
        tokio::join!(settle(&app, &pharmacy, "ev-retry", bill.clone()), settle(&app, &pharmacy, "ev-retry", bill));

    assert_eq!(
        (first.status, retry.status),
        (StatusCode::CREATED, StatusCode::CREATED),
        "{} / {}",
        first.text,
        retry.text
    );
    assert_eq!(first.body["setl_id"], retry.body["setl_id"]);
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person.holder.person_no).await, "110.00");
}

#[tokio::test]
async fn a_frozen_card_does_not_block_the_voucher_and_a_pre_settlement_binds_the_token() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let (first, second) =
        (app.client_token(ClientKind::Institution).await, app.client_token(ClientKind::Institution).await);
    let clerk = app.staff_token(Role::Clerk).await;
    let frozen = app.post(&format!("/v1/cards/{}/freeze", person.card_no), &clerk, json!({ "reason": "异常" })).await;
    assert_eq!(frozen.status, StatusCode::CREATED, "{}", frozen.text);

    let token = new_token(&app, &person.session).await;
    let previewed = app.post("/v1/settlements/previews", &first, voucher_bill(&token, "10.00", "PV-1")).await;
    assert_eq!(
        (previewed.status, &previewed.body["acct_pay"]),
        (StatusCode::OK, &json!("10.00")),
        "{}",
        previewed.text
    );

    let elsewhere = settle(&app, &second, "ev-pv", voucher_bill(&token, "10.00", "PV-2")).await;
    elsewhere.assert_problem(StatusCode::CONFLICT, "e_voucher.token_elsewhere");
    let here = settle(&app, &first, "ev-pv-1", voucher_bill(&token, "10.00", "PV-3")).await;
    assert_eq!(here.status, StatusCode::CREATED, "{}", here.text);
}

#[tokio::test]
async fn a_malformed_pin_is_not_counted_and_a_suspended_voucher_takes_no_pin_guesses() {
    let app = TestApp::spawn().await;
    let person = active_voucherholder(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;

    for pin in ["", "12345", "abcdef", "1234567"] {
        let refused = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": pin })).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "e_voucher.pin_format");
    }
    assert_eq!(app.audit_count("e_voucher.pin_wrong", &person.holder.person_no).await, 0);

    let path = suspension_path(&person.holder.person_no);
    assert_eq!(app.post(&path, &clerk, json!({ "reason": "异常" })).await.status, StatusCode::CREATED);
    let guess = app.post("/v1/me/e-voucher/codes", &person.session, json!({ "pin": "861302" })).await;
    guess.assert_problem(StatusCode::CONFLICT, "e_voucher.suspended");
    assert_eq!(app.audit_count("e_voucher.pin_wrong", &person.holder.person_no).await, 0);
    let unknown = app.post(&suspension_path("4101999999999999"), &clerk, json!({ "reason": "异常" })).await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "person.not_found");
}
