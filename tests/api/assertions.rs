//! Verified-identity and e-social-card sign-ins: a compact JWS signed with the channel's
//! registered Ed25519 key opens a session; stale, replayed, foreign or tampered ones do not.

use axum::http::{Method, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::TestApp;
use crate::helpers::assertions::{claims, header, sign, sign_in};

#[tokio::test]
async fn a_face_check_signed_by_the_channel_opens_a_session_of_that_person() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let channel = app.signing_channel(ClientKind::Yushiban, 7).await;

    let assertion = sign(&channel.key, &header(&channel), &claims(&channel, &holder, app.epoch_now(), "n-1"));
    let opened = sign_in(&app, &channel, "verified_identity", assertion).await;

    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    assert_eq!(opened.body["person_no"], holder.person_no.as_str());
    assert_eq!(opened.body["method"], "verified_identity");
    let me = app.get("/v1/me", opened.body["access_token"].as_str().unwrap()).await;
    assert_eq!(me.body["person_no"], holder.person_no.as_str());
}

#[tokio::test]
async fn stale_replayed_foreign_and_tampered_assertions_are_refused_each_with_its_code() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let channel = app.signing_channel(ClientKind::NationalApp, 7).await;
    let other = app.signing_channel(ClientKind::NationalApp, 9).await;
    let now = app.epoch_now();
    let used = sign(&channel.key, &header(&channel), &claims(&channel, &holder, now, "once"));
    assert_eq!(sign_in(&app, &channel, "verified_identity", used.clone()).await.status, StatusCode::CREATED);

    let mut long_lived = claims(&channel, &holder, now, "long");
    long_lived["exp"] = json!(now + 3600);
    let mut wrong_name = claims(&channel, &holder, now, "name");
    wrong_name["name"] = json!("李四");
    let mut wrong_method = claims(&channel, &holder, now, "method");
    wrong_method["method"] = json!("e_social_card");
    let tampered = {
        let good = sign(&channel.key, &header(&channel), &claims(&channel, &holder, now, "t"));
        let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
        let mut forged = claims(&channel, &holder, now, "t");
        forged["sub"] = json!("410105199001011234");
        parts[1] = URL_SAFE_NO_PAD.encode(forged.to_string());
        parts.join(".")
    };
    let mut elsewhere = claims(&channel, &holder, now, "aud");
    elsewhere["aud"] = json!(["another-service"]);
    let critical = json!({ "alg": "EdDSA", "kid": channel.client_id, "crit": ["exp"] });
    let cases = [
        (sign(&channel.key, &header(&channel), &elsewhere), "assertion.wrong_audience"),
        (sign(&channel.key, &critical, &claims(&channel, &holder, now, "crit")), "assertion.malformed"),
        (sign(&channel.key, &header(&channel), &claims(&channel, &holder, now - 301, "old")), "assertion.stale"),
        (sign(&channel.key, &header(&channel), &long_lived), "assertion.stale"),
        (sign(&channel.key, &header(&channel), &claims(&channel, &holder, now + 600, "future")), "assertion.stale"),
        (used, "assertion.replayed"),
        (sign(&other.key, &header(&channel), &claims(&channel, &holder, now, "k")), "assertion.bad_signature"),
        (sign(&other.key, &header(&other), &claims(&other, &holder, now, "i")), "assertion.wrong_issuer"),
        (tampered, "assertion.bad_signature"),
        (
            sign(
                &channel.key,
                &json!({ "alg": "HS256", "kid": channel.client_id }),
                &claims(&channel, &holder, now, "h"),
            ),
            "assertion.malformed",
        ),
        ("not.a-jws".to_owned(), "assertion.malformed"),
        (sign(&channel.key, &header(&channel), &wrong_name), "assertion.person_mismatch"),
        (sign(&channel.key, &header(&channel), &wrong_method), "assertion.malformed"),
    ];
    for (assertion, code) in cases {
        let refused = sign_in(&app, &channel, "verified_identity", assertion).await;
        refused.assert_problem(StatusCode::UNAUTHORIZED, code);
    }
    let failed: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'session.failed'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(failed, 13);
}

#[tokio::test]
async fn the_e_social_card_login_is_the_provincial_platforms_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let provincial = app.signing_channel(ClientKind::ProvincialPlatform, 3).await;
    let wechat = app.signing_channel(ClientKind::WechatOfficialAccount, 4).await;
    let now = app.epoch_now();
    let mut card_claims = claims(&provincial, &holder, now, "qr-1");
    card_claims["method"] = json!("e_social_card");

    let opened =
        sign_in(&app, &provincial, "e_social_card", sign(&provincial.key, &header(&provincial), &card_claims)).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    assert!(opened.body["scope"].as_str().unwrap().contains("statements:export"));

    let face = sign(&wechat.key, &header(&wechat), &claims(&wechat, &holder, now, "w"));
    sign_in(&app, &wechat, "verified_identity", face)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "session.method_not_allowed");
    let face = sign(&provincial.key, &header(&provincial), &claims(&provincial, &holder, now, "p"));
    sign_in(&app, &provincial, "verified_identity", face)
        .await
        .assert_problem(StatusCode::FORBIDDEN, "session.method_not_allowed");
}

#[tokio::test]
async fn the_national_app_names_the_region_a_transferred_out_person_is_insured_in() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let transfer = json!({ "to": "transferred_out", "reason_code": "relocation", "reason": "转往北京", "target_region": "110105" });
    let moved = app.post(&format!("/v1/persons/{}/status-transitions", holder.person_no), &clerk, transfer).await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text);
    let national = app.signing_channel(ClientKind::NationalApp, 5).await;
    let zhenghaoban = app.signing_channel(ClientKind::Zhenghaoban, 6).await;
    let now = app.epoch_now();

    let refused = sign_in(
        &app,
        &national,
        "verified_identity",
        sign(&national.key, &header(&national), &claims(&national, &holder, now, "a")),
    )
    .await;
    refused.assert_problem(StatusCode::CONFLICT, "session.insured_elsewhere");
    assert_eq!(refused.body["insured_region"], "110105");
    let refused = sign_in(
        &app,
        &zhenghaoban,
        "verified_identity",
        sign(&zhenghaoban.key, &header(&zhenghaoban), &claims(&zhenghaoban, &holder, now, "b")),
    )
    .await;
    refused.assert_problem(StatusCode::CONFLICT, "session.person_transferred_out");
}

#[tokio::test]
async fn a_channel_without_a_registered_key_cannot_sign_anyone_in() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let token = app.client_token(ClientKind::Zhenghaoban).await;
    let key = SigningKey::from_bytes(&[1; 32]);
    let assertion = sign(&key, &json!({ "alg": "EdDSA", "kid": "mc_x" }), &json!({ "sub": holder.id_number }));

    let refused =
        app.post("/v1/sessions", &token, json!({ "method": "verified_identity", "assertion": assertion })).await;

    refused.assert_problem(StatusCode::UNAUTHORIZED, "assertion.no_key");
}

#[tokio::test]
async fn an_assertion_key_is_a_real_ed25519_key_and_only_admins_register_one() {
    let app = TestApp::spawn().await;
    let (client_id, _) = app.register_client(ClientKind::Yushiban).await;
    let admin = app.staff_token(Role::Admin).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let uri = format!("/v1/clients/{client_id}/assertion-key");
    let pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";

    for bad in
        ["", "abc", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", &URL_SAFE_NO_PAD.encode([0u8; 31])]
    {
        let refused = app.send(Method::PUT, &uri, Some(&admin), Some(json!({ "assertion_key": bad }))).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "client.assertion_key");
    }
    let by_clerk = app.send(Method::PUT, &uri, Some(&clerk), Some(json!({ "assertion_key": pem }))).await;
    by_clerk.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    let by_admin = app.send(Method::PUT, &uri, Some(&admin), Some(json!({ "assertion_key": pem }))).await;
    assert_eq!(by_admin.status, StatusCode::NO_CONTENT, "{}", by_admin.text);
    let unknown = app
        .send(
            Method::PUT,
            "/v1/clients/mc_00000000000000000000/assertion-key",
            Some(&admin),
            Some(json!({ "assertion_key": pem })),
        )
        .await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "client.not_found");
    let listed = app.get("/v1/clients", &admin).await;
    let row =
        listed.body["items"].as_array().unwrap().iter().find(|c| c["client_id"] == client_id.as_str()).unwrap().clone();
    assert_eq!(row["assertion_key_registered"], true);
}
