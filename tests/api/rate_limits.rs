//! Sign-in endpoints are rate limited per source and per calling channel: beyond the quota,
//! 429 `rate.limited` with Retry-After, and nothing is done.

use axum::http::{Method, StatusCode, header};
use medcard::platform::caller::ClientKind;
use medcard::platform::config::Settings;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn token_requests_beyond_the_quota_of_a_source_are_refused_with_retry_after() {
    let mut settings = Settings::defaults();
    settings.throttle.sign_ins_per_minute_per_source = 5;
    let app = TestApp::spawn_with(settings).await;
    let (client_id, secret) = app.register_client(ClientKind::Bank).await;
    let body = json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret });

    for _ in 0..5 {
        let ok = app.send(Method::POST, "/v1/oauth/token", None, Some(body.clone())).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    }
    let refused = app.send(Method::POST, "/v1/oauth/token", None, Some(body)).await;

    refused.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate.limited");
    let wait: u64 = refused.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let tokens: i64 = sqlx::query_scalar("SELECT count(*) FROM access_tokens").fetch_one(&app.pool).await.unwrap();
    assert_eq!(tokens, 5, "the refused request issued no token");
    assert_eq!(app.send(Method::GET, "/healthz", None, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn one_channel_over_its_quota_does_not_hold_back_another() {
    let mut settings = Settings::defaults();
    settings.throttle.sign_ins_per_minute_per_client = 3;
    let app = TestApp::spawn_with(settings).await;
    let busy = app.client_token(ClientKind::WechatOfficialAccount).await;
    let other = app.client_token(ClientKind::Yushiban).await;
    let send = |token: String, phone: &'static str| {
        let app = &app;
        async move { app.post("/v1/sms-codes", &token, json!({ "phone": phone, "purpose": "login" })).await }
    };

    for phone in ["13800000001", "13800000002", "13800000003"] {
        assert_eq!(send(busy.clone(), phone).await.status, StatusCode::ACCEPTED);
    }
    send(busy.clone(), "13800000004").await.assert_problem(StatusCode::TOO_MANY_REQUESTS, "rate.limited");
    assert_eq!(send(other, "13800000004").await.status, StatusCode::ACCEPTED);
    let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM sms_outbox").fetch_one(&app.pool).await.unwrap();
    assert_eq!(queued, 4);
}
