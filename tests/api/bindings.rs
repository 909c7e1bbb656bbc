//! Bindings of channel accounts to persons: a binding opens a session, a mismatch of identity
//! says nothing about which field was wrong, stores nothing and is audited and limited; the
//! person and the hall list and end bindings, and a transfer out ends them all.

use std::collections::HashSet;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use medcard::cards::CardAction;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::cards::Holder;
use crate::helpers::persons_side::{fresh_phone, fresh_ref, session_token};

fn instant(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap_or_else(|| panic!("not an instant: {value}")).parse().unwrap()
}

#[tokio::test]
async fn binding_on_the_official_account_answers_201_with_the_binding_and_a_session_that_reads_me() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;

    let bound = app.bind(&wechat, &holder, &card_no, "oWx-openid-1").await;

    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text);
    let binding = &bound.body["binding"];
    assert!(uuid::Uuid::parse_str(binding["binding_id"].as_str().unwrap()).is_ok(), "{binding}");
    assert_eq!(binding["person_no"], holder.person_no.as_str());
    assert_eq!(binding["channel"], "wechat_official_account");
    assert_eq!(binding["channel_user_ref"], "oWx-openid-1");
    assert_eq!(instant(&binding["bound_at"]), app.now());
    assert_eq!((&binding["ended_at"], &binding["end_reason"]), (&Value::Null, &Value::Null));
    let session = &bound.body["session"];
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!((&session["expires_in"], &session["idle_timeout_secs"]), (&json!(7200), &json!(900)));
    assert_eq!((&session["person_no"], &session["method"]), (&json!(holder.person_no), &json!("binding")));
    let scopes: HashSet<&str> = session["scope"].as_str().unwrap().split(' ').collect();
    for scope in ["self:read", "self:cards_loss", "self:contact"] {
        assert!(scopes.contains(scope), "{scope} missing from {scopes:?}");
    }
    assert!(!scopes.contains("statements:export") && !scopes.contains("persons:read"), "{scopes:?}");

    let me = app.get("/v1/me", &session_token(&bound)).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["person_no"], holder.person_no.as_str());
    assert_eq!(app.binding_rows(&holder.person_no).await, 1);
}

#[tokio::test]
async fn binding_again_with_the_same_ref_answers_200_with_a_new_session_of_the_same_binding() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let first = app.bind(&wechat, &holder, &card_no, "oWx-again").await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    app.wait_for_resend();

    let again = app.bind(&wechat, &holder, &card_no, "oWx-again").await;

    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["binding"]["binding_id"], first.body["binding"]["binding_id"]);
    assert_eq!(again.body["binding"]["bound_at"], first.body["binding"]["bound_at"]);
    assert_ne!(session_token(&again), session_token(&first));
    assert_eq!(app.get("/v1/me", &session_token(&again)).await.status, StatusCode::OK);
    assert_eq!(app.binding_rows(&holder.person_no).await, 1);
}

#[tokio::test]
async fn every_channel_that_binds_accounts_binds_and_the_binding_names_it() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let kinds = [
        (ClientKind::WechatOfficialAccount, "wechat_official_account"),
        (ClientKind::Yushiban, "yushiban"),
        (ClientKind::Zhenghaoban, "zhenghaoban"),
        (ClientKind::NationalApp, "national_app"),
        (ClientKind::ProvincialPlatform, "provincial_platform"),
    ];
    for (kind, channel) in kinds {
        let token = app.client_token(kind).await;
        let bound = app.bind(&token, &holder, &card_no, &fresh_ref()).await;
        assert_eq!(bound.status, StatusCode::CREATED, "{channel}: {}", bound.text);
        assert_eq!(bound.body["binding"]["channel"], channel);
        app.wait_for_resend();
    }
    // Bindings on different channels live side by side.
    let hall = app.get(&format!("/v1/persons/{}/bindings", holder.person_no), &clerk).await;
    assert_eq!(hall.status, StatusCode::OK, "{}", hall.text);
    let items = hall.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(items.iter().all(|b| b["ended_at"].is_null()), "{items:?}");
}

#[tokio::test]
async fn channels_that_do_not_bind_accounts_are_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let code = app.sms_code(&wechat, &app.phone_of(&holder).await, "binding").await;
    let body = app.binding_body(&holder, &card_no, "oWx-elsewhere", &code).await;
    let tokens = [
        app.client_token(ClientKind::Bank).await,
        app.client_token(ClientKind::Institution).await,
        app.client_token(ClientKind::ServiceHall).await,
        app.client_token(ClientKind::TaxBureau).await,
        app.client_token(ClientKind::Terminal).await,
        clerk.clone(),
    ];
    for token in tokens {
        let refused = app.post("/v1/bindings", &token, body.clone()).await;
        // contract: only 403 is named; the code differs (`auth.insufficient_scope` for clients
        // without `person_sessions:open`, a binding code for the terminal, which has it).
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        assert_eq!(refused.content_type(), "application/problem+json");
    }
    assert_eq!(app.binding_rows(&holder.person_no).await, 0);

    // The code was not spent by the refusals.
    let bound = app.post("/v1/bindings", &wechat, body).await;
    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text);
}

/// A holder whose first card is formally lost and whose second is unactivated, another person
/// with a card, and the wechat token.
struct Mismatch {
    holder: Holder,
    lost_card: String,
    card_no: String,
    other: Holder,
    other_card: String,
    wechat: String,
}

async fn mismatch_setup(app: &TestApp) -> Mismatch {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, lost_card) = app.active_holder_on_own_phone(&clerk).await;
    let lost = app.card_action(&clerk, &holder, &lost_card, CardAction::ReportFormalLoss).await;
    assert_eq!(lost.status, StatusCode::CREATED, "{}", lost.text);
    let card_no = app.issue_card(&clerk, &holder.person_no, "CCB").await["card_no"].as_str().unwrap().to_owned();
    let (other, other_card) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    Mismatch { holder, lost_card, card_no, other, other_card, wechat }
}

#[tokio::test]
async fn each_wrong_identity_field_gets_the_same_refusal_stores_nothing_and_is_audited() {
    let app = TestApp::spawn().await;
    let m = mismatch_setup(&app).await;
    let nobody = crate::helpers::ids::fresh_id_number();
    let cases = [
        ("the ID number of another real person", "id_number", json!(m.other.id_number)),
        ("the ID number of nobody", "id_number", json!(nobody)),
        ("another name", "name", json!("李四")),
        ("another person's card", "card_no", json!(m.other_card)),
        ("the person's own formally lost card", "card_no", json!(m.lost_card)),
        ("a card number nobody has", "card_no", json!("Z99999999")),
    ];
    let mut answers = HashSet::new();
    for (what, field, value) in &cases {
        app.wait_for_resend();
        let code = app.sms_code(&m.wechat, &app.phone_of(&m.holder).await, "binding").await;
        let mut body = app.binding_body(&m.holder, &m.card_no, "oWx-mismatch", &code).await;
        body[field] = value.clone();

        let refused = app.post("/v1/bindings", &m.wechat, body).await;

        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "binding.identity_mismatch");
        assert_eq!(refused.body["field"], Value::Null, "{what}: the answer names no field");
        answers.insert((refused.body["title"].to_string(), refused.body["detail"].to_string()));
    }
    assert_eq!(answers.len(), 1, "the answers differ by case: {answers:?}");
    for person in [&m.holder, &m.other] {
        assert_eq!(app.binding_rows(&person.person_no).await, 0);
    }
    assert_eq!(app.audit_total("binding.failed").await, cases.len() as i64);

    // The setup was right: with every field its own, the binding is made.
    app.wait_for_resend();
    let bound = app.bind(&m.wechat, &m.holder, &m.card_no, "oWx-mismatch").await;
    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text);
}

#[tokio::test]
async fn a_phone_other_than_the_one_on_record_is_refused_with_its_own_code() {
    let app = TestApp::spawn().await;
    let m = mismatch_setup(&app).await;
    let new_phone = fresh_phone();
    let code = app.sms_code(&m.wechat, &new_phone, "binding").await;
    let mut body = app.binding_body(&m.holder, &m.card_no, "oWx-phone", &code).await;
    body["phone"] = json!(new_phone);

    let refused = app.post("/v1/bindings", &m.wechat, body).await;

    refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "binding.phone_not_on_record");
    assert!(!refused.body["detail"].as_str().unwrap_or("").is_empty(), "{}", refused.text);
    assert_eq!(app.binding_rows(&m.holder.person_no).await, 0);
    assert_eq!(app.audit_total("binding.failed").await, 1);
}

#[tokio::test]
async fn a_ref_bound_to_another_person_on_the_same_client_is_taken() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (first, first_card) = app.holder_on_own_phone(&clerk).await;
    let (second, second_card) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let bound = app.bind(&wechat, &first, &first_card, "oWx-shared").await;
    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text);

    let taken = app.bind(&wechat, &second, &second_card, "oWx-shared").await;

    taken.assert_problem(StatusCode::CONFLICT, "binding.ref_taken");
    assert_eq!(app.binding_rows(&second.person_no).await, 0);
    assert_eq!(app.audit_total("binding.failed").await, 1);
    // The same ref on another client is another account.
    let other_client = app.client_token(ClientKind::WechatOfficialAccount).await;
    app.wait_for_resend();
    let elsewhere = app.bind(&other_client, &second, &second_card, "oWx-shared").await;
    assert_eq!(elsewhere.status, StatusCode::CREATED, "{}", elsewhere.text);
}

#[tokio::test]
async fn a_new_ref_for_a_person_already_bound_on_the_client_replaces_the_older_binding() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let old = app.bind(&wechat, &holder, &card_no, "oWx-old").await;
    assert_eq!(old.status, StatusCode::CREATED, "{}", old.text);
    app.wait_for_resend();

    let new = app.bind(&wechat, &holder, &card_no, "oWx-new").await;

    assert_eq!(new.status, StatusCode::CREATED, "{}", new.text);
    let listed = app.get("/v1/me/bindings", &session_token(&new)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let items = listed.body["items"].as_array().unwrap();
    let rows: Vec<_> = items.iter().map(|b| (b["channel_user_ref"].as_str(), b["end_reason"].as_str())).collect();
    assert_eq!(rows, [(Some("oWx-new"), None), (Some("oWx-old"), Some("replaced"))], "newest first");
    assert_eq!(instant(&items[1]["ended_at"]), app.now());
    assert_eq!(instant(&listed.body["as_of"]), app.now());
    app.person_session_by_binding(&wechat, "oWx-old")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "session.unknown_binding");
    let old_session = session_token(&old);
    app.get("/v1/me", &old_session).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
}

#[tokio::test]
async fn a_session_ends_with_the_binding_it_came_through_even_if_it_was_opened_later() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let bound = app.bind(&wechat, &holder, &card_no, "oWx-ends").await;
    let binding_id = bound.body["binding"]["binding_id"].as_str().unwrap().to_owned();
    let later = session_token(&app.person_session_by_binding(&wechat, "oWx-ends").await);

    let removal = json!({ "reason": "持卡人申请解除" });
    let uri = format!("/v1/persons/{}/bindings/{binding_id}", holder.person_no);
    assert_eq!(app.send(axum::http::Method::DELETE, &uri, Some(&clerk), Some(removal)).await.status, StatusCode::OK);

    for token in [session_token(&bound), later] {
        app.get("/v1/me", &token).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
    }
}

#[tokio::test]
async fn a_channel_sees_its_own_user_references_and_not_those_of_other_channels() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let yushiban = app.client_token(ClientKind::Yushiban).await;
    assert_eq!(app.bind(&wechat, &holder, &card_no, "oWx-mine").await.status, StatusCode::CREATED);
    app.wait_for_resend();
    let on_yushiban = app.bind(&yushiban, &holder, &card_no, "ysb-user-7").await;

    let listed = app.get("/v1/me/bindings", &session_token(&on_yushiban)).await;

    let refs: Vec<_> = listed.body["items"].as_array().unwrap().iter().map(|b| b["channel_user_ref"].clone()).collect();
    assert_eq!(refs, [json!("ysb-user-7"), json!("****")]);
}

#[tokio::test]
async fn a_binding_session_cannot_move_the_phone_but_an_sms_session_can() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let bound = session_token(&app.bind(&wechat, &holder, &card_no, "oWx-phone").await);
    let new_phone = fresh_phone();
    let code = app.sms_code(&wechat, &new_phone, "phone_change").await;
    let change = json!({ "phone": new_phone, "sms_code": code });

    let refused = app.send(axum::http::Method::PATCH, "/v1/me/contact", Some(&bound), Some(change.clone())).await;
    refused.assert_problem(StatusCode::FORBIDDEN, "session.stronger_sign_in_required");
    let address = json!({ "address": "郑州市金水区花园路 1 号" });
    let moved = app.send(axum::http::Method::PATCH, "/v1/me/contact", Some(&bound), Some(address)).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);

    let old_phone = app.phone_of(&holder).await;
    app.wait_for_resend();
    let by_sms = app.sms_session(&wechat, &old_phone).await;
    let changed = app.send(axum::http::Method::PATCH, "/v1/me/contact", Some(&by_sms), Some(change)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(app.phone_of(&holder).await, new_phone);
}

#[tokio::test]
async fn a_sixth_failed_binding_within_an_hour_for_an_id_number_is_refused_outright() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    let m = mismatch_setup(&app).await;
    for guess in ["李四", "张三", "王芳芳", "赵六", "王五"] {
        app.wait_for_resend();
        let code = app.sms_code(&m.wechat, &app.phone_of(&m.holder).await, "binding").await;
        let mut body = app.binding_body(&m.holder, &m.card_no, "oWx-guess", &code).await;
        body["name"] = json!(guess);
        let refused = app.post("/v1/bindings", &m.wechat, body).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "binding.identity_mismatch");
    }
    app.wait_for_resend();

    let sixth = app.bind(&m.wechat, &m.holder, &m.card_no, "oWx-guess").await;

    sixth.assert_problem(StatusCode::TOO_MANY_REQUESTS, "binding.too_many_failures");
    assert_eq!(app.binding_rows(&m.holder.person_no).await, 0);
    // The limit is the ID number's: another person binds through the same client.
    let other = app.bind(&m.wechat, &m.other, &m.other_card, "oWx-other").await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text);
    // An hour later the person may try again.
    app.advance_secs(3601);
    let later = app.bind(&m.wechat, &m.holder, &m.card_no, "oWx-guess").await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text);
}

#[tokio::test]
async fn the_person_lists_their_bindings_and_unbinding_revokes_the_sessions_opened_through_it() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let bound = app.bind(&wechat, &holder, &card_no, "oWx-unbind").await;
    assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text);
    let (through_binding, binding_id) = (session_token(&bound), bound.body["binding"]["binding_id"].clone());
    app.wait_for_resend();
    let by_sms = app.sms_session(&wechat, &app.phone_of(&holder).await).await;
    let listed = app.get("/v1/me/bindings", &by_sms).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["items"][0]["binding_id"], binding_id);
    assert!(listed.body["as_of"].is_string(), "{}", listed.text);

    let path = format!("/v1/me/bindings/{}", binding_id.as_str().unwrap());
    let ended = app.delete_bare(&path, &through_binding).await;

    assert_eq!(ended.status, StatusCode::OK, "{}", ended.text);
    assert_eq!(ended.body["end_reason"], "unbound");
    assert_eq!(instant(&ended.body["ended_at"]), app.now());
    app.get("/v1/me", &through_binding).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
    assert_eq!(app.get("/v1/me", &by_sms).await.status, StatusCode::OK, "a session not opened through it lives on");
    app.delete_bare(&path, &by_sms).await.assert_problem(StatusCode::CONFLICT, "binding.ended");
    app.person_session_by_binding(&wechat, "oWx-unbind")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "session.unknown_binding");
    let after = app.get("/v1/me/bindings", &by_sms).await;
    assert_eq!(after.body["items"][0]["end_reason"], "unbound", "an ended binding is still listed");
}

#[tokio::test]
async fn another_persons_binding_or_an_unknown_one_is_not_found() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (mine, my_card) = app.holder_on_own_phone(&clerk).await;
    let (theirs, their_card) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let my_session = app.bound_session(&wechat, &mine, &my_card).await;
    let their_binding = app.bind(&wechat, &theirs, &their_card, &fresh_ref()).await;
    let their_id = their_binding.body["binding"]["binding_id"].as_str().unwrap().to_owned();

    for id in [their_id.as_str(), "00000000-0000-4000-8000-000000000000"] {
        let refused = app.delete_bare(&format!("/v1/me/bindings/{id}"), &my_session).await;
        refused.assert_problem(StatusCode::NOT_FOUND, "binding.not_found");
    }
    assert_eq!(app.get("/v1/me", &session_token(&their_binding)).await.status, StatusCode::OK);
    let listed = app.get("/v1/me/bindings", &my_session).await;
    let ids: Vec<_> = listed.body["items"].as_array().unwrap().iter().map(|b| b["binding_id"].clone()).collect();
    assert!(!ids.contains(&json!(their_id)), "another person's binding is listed: {ids:?}");
}

#[tokio::test]
async fn the_hall_lists_a_persons_bindings_and_removes_one_with_a_reason() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let bound = app.bind(&wechat, &holder, &card_no, "oWx-hall").await;
    let session = session_token(&bound);
    let binding_id = bound.body["binding"]["binding_id"].as_str().unwrap().to_owned();
    let list_path = format!("/v1/persons/{}/bindings", holder.person_no);
    let listed = app.get(&list_path, &clerk).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(listed.body["items"][0]["binding_id"], binding_id.as_str());
    for token in [&wechat, &session] {
        assert_eq!(app.get(&list_path, token).await.status, StatusCode::FORBIDDEN);
    }
    let path = format!("{list_path}/{binding_id}");
    // contract: the reason is required; its refusal's code is not named, only that it is a 422.
    for reason in ["", "   "] {
        let refused = app.delete(&path, &clerk, json!({ "reason": reason })).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.text);
    }
    assert_eq!(app.get("/v1/me", &session).await.status, StatusCode::OK);

    let removed = app.delete(&path, &clerk, json!({ "reason": "持卡人手机遗失，申请解绑" })).await;

    assert_eq!(removed.status, StatusCode::OK, "{}", removed.text);
    assert_eq!(removed.body["end_reason"], "removed_by_hall");
    app.get("/v1/me", &session).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
    let again = app.delete(&path, &clerk, json!({ "reason": "重复" })).await;
    again.assert_problem(StatusCode::CONFLICT, "binding.ended");
    let auditor = app.staff_token(Role::Auditor).await;
    let by_auditor = app.delete(&path, &auditor, json!({ "reason": "无权" })).await;
    by_auditor.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}

#[tokio::test]
async fn a_transfer_out_ends_every_binding_and_every_session_of_the_person() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.holder_on_own_phone(&clerk).await;
    let phone = app.phone_of(&holder).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let yushiban = app.client_token(ClientKind::Yushiban).await;
    let on_wechat = app.bind(&wechat, &holder, &card_no, "oWx-moving").await;
    app.wait_for_resend();
    let on_yushiban = app.bound_session(&yushiban, &holder, &card_no).await;
    app.wait_for_resend();
    let by_sms = app.sms_session(&wechat, &phone).await;

    app.transfer_out(&clerk, &holder.person_no).await;

    for token in [session_token(&on_wechat), on_yushiban, by_sms] {
        app.get("/v1/me", &token).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
    }
    let listed = app.get(&format!("/v1/persons/{}/bindings", holder.person_no), &clerk).await;
    let items = listed.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|b| b["end_reason"] == "transferred_out" && !b["ended_at"].is_null()), "{items:?}");
    app.person_session_by_binding(&wechat, "oWx-moving")
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "session.unknown_binding");
    app.wait_for_resend();
    let rebind = app.bind(&wechat, &holder, &card_no, "oWx-moving").await;
    rebind.assert_problem(StatusCode::CONFLICT, "session.person_transferred_out");
    app.wait_for_resend();
    let code = app.sms_code(&wechat, &phone, "login").await;
    let login = app.sms_login(&wechat, &phone, &code).await;
    login.assert_problem(StatusCode::CONFLICT, "session.person_transferred_out");
}
