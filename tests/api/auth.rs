//! OAuth2 client credentials, staff sessions with lockout, token expiry and revocation, scopes.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::{STAFF_PASSWORD, TestApp};

fn form_request(body: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/v1/oauth/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn a_client_gets_a_bearer_token_with_its_kinds_scopes_from_a_form_body() {
    let app = TestApp::spawn().await;
    let (id, secret) = app.register_client(ClientKind::Bank).await;
    let response =
        app.call(form_request(&format!("grant_type=client_credentials&client_id={id}&client_secret={secret}"))).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.body["token_type"], "Bearer");
    assert_eq!(response.body["expires_in"], 3600);
    assert_eq!(response.headers[header::CACHE_CONTROL], "no-store");
    let scope = response.body["scope"].as_str().unwrap();
    assert!(scope.contains("cards:activate") && scope.contains("contributions:pay"), "{scope}");
    assert!(!scope.contains("persons:read"));
}

#[tokio::test]
async fn a_client_may_authenticate_with_http_basic_and_ask_for_fewer_scopes() {
    let app = TestApp::spawn().await;
    let (id, secret) = app.register_client(ClientKind::TaxBureau).await;
    let basic = base64(&format!("{id}:{secret}"));
    let request = Request::builder()
        .method("POST")
        .uri("/v1/oauth/token")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials&scope=contributions:arrive"))
        .unwrap();
    let response = app.call(request).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    assert_eq!(response.body["scope"], "contributions:arrive");
}

#[tokio::test]
async fn token_request_failures_use_the_oauth_error_names() {
    let app = TestApp::spawn().await;
    let (id, secret) = app.register_client(ClientKind::WechatOfficialAccount).await;
    let cases = [
        (
            format!("grant_type=client_credentials&client_id={id}&client_secret=wrong"),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            format!("grant_type=client_credentials&client_id=nobody&client_secret={secret}"),
            StatusCode::UNAUTHORIZED,
            "invalid_client",
        ),
        (
            format!("grant_type=password&client_id={id}&client_secret={secret}"),
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
        ),
        (format!("grant_type=client_credentials&client_id={id}"), StatusCode::BAD_REQUEST, "invalid_request"),
        (
            format!("grant_type=client_credentials&client_id={id}&client_secret={secret}&scope=persons:read"),
            StatusCode::BAD_REQUEST,
            "invalid_scope",
        ),
        ("client_id=x".to_owned(), StatusCode::BAD_REQUEST, "invalid_request"),
    ];
    for (body, status, error) in cases {
        let response = app.call(form_request(&body)).await;
        assert_eq!(response.status, status, "{body}: {}", response.text);
        assert_eq!(response.body["error"], error, "{body}");
        assert_eq!(response.code(), format!("oauth.{error}"));
    }
}

#[tokio::test]
async fn requests_without_a_valid_token_are_refused_with_401() {
    let app = TestApp::spawn().await;
    let missing = app.send(Method::GET, "/v1/persons/4101000000000001", None, None).await;
    missing.assert_problem(StatusCode::UNAUTHORIZED, "auth.missing_token");
    assert!(missing.headers.contains_key(header::WWW_AUTHENTICATE));
    let bogus = app.get("/v1/persons/4101000000000001", "mcat_not_a_token").await;
    bogus.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
    let request = Request::builder()
        .uri("/v1/persons/4101000000000001")
        .header(header::AUTHORIZATION, "Basic abc")
        .body(Body::empty())
        .unwrap();
    app.call(request).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
}

#[tokio::test]
async fn tokens_expire_with_the_clock() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    app.clock.advance(Duration::hours(8) - Duration::seconds(1));
    assert_eq!(app.get(&format!("/v1/persons/{person_no}"), &clerk).await.status, StatusCode::OK);
    app.clock.advance(Duration::seconds(1));
    app.get(&format!("/v1/persons/{person_no}"), &clerk)
        .await
        .assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
}

#[tokio::test]
async fn a_revoked_token_no_longer_works() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let logout = app.send(Method::DELETE, "/v1/staff/sessions/current", Some(&clerk), None).await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    app.get("/v1/audit-events", &clerk).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");

    let bank = app.client_token(ClientKind::Bank).await;
    assert_eq!(app.send(Method::DELETE, "/v1/oauth/token", Some(&bank), None).await.status, StatusCode::NO_CONTENT);
    app.get("/v1/audit-events", &bank).await.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
}

#[tokio::test]
async fn each_logout_revokes_only_its_own_kind_of_token() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let bank = app.client_token(ClientKind::Bank).await;

    let staff_logout_of_a_client = app.send(Method::DELETE, "/v1/staff/sessions/current", Some(&bank), None).await;
    staff_logout_of_a_client.assert_problem(StatusCode::FORBIDDEN, "staff.not_a_session");
    let client_revoke_of_a_session = app.send(Method::DELETE, "/v1/oauth/token", Some(&clerk), None).await;
    client_revoke_of_a_session.assert_problem(StatusCode::FORBIDDEN, "oauth.not_a_client_token");

    assert_eq!(app.get("/v1/banks", &bank).await.status, StatusCode::OK, "the client token still works");
    assert_eq!(app.get("/v1/banks", &clerk).await.status, StatusCode::OK, "the staff session still works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_logins_is_answered_without_errors_and_still_locks_after_five_wrong_ones() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let hall = app.client_token(ClientKind::ServiceHall).await;
    let username = app.create_staff(Role::Clerk).await;
    let login = |password: &'static str| {
        let (app, hall, username) = (app.clone(), hall.clone(), username.clone());
        tokio::spawn(async move {
            app.post("/v1/staff/sessions", &hall, json!({ "username": username, "password": password })).await.status
        })
    };
    let right: Vec<_> = (0..20).map(|_| login(STAFF_PASSWORD)).collect();
    for task in right {
        assert_eq!(task.await.unwrap(), StatusCode::CREATED);
    }
    let wrong: Vec<_> = (0..8).map(|_| login("not-the-password")).collect();
    let mut statuses = Vec::new();
    for task in wrong {
        statuses.push(task.await.unwrap());
    }
    assert!(statuses.iter().all(|s| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::LOCKED)), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::LOCKED), "five wrong in a row lock the account: {statuses:?}");
    assert_eq!(login(STAFF_PASSWORD).await.unwrap(), StatusCode::LOCKED, "locked even against the right password");
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let stored: i64 =
        sqlx::query_scalar("SELECT count(*) FROM access_tokens WHERE token_hash = convert_to($1, 'UTF8')")
            .bind(&clerk)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0);
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM staff_users LIMIT 1").fetch_one(&app.pool).await.unwrap();
    assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
}

#[tokio::test]
async fn staff_login_answers_the_roles_permissions() {
    let app = TestApp::spawn().await;
    let hall = app.client_token(ClientKind::ServiceHall).await;
    let username = app.create_staff(Role::Supervisor).await;
    let response =
        app.post("/v1/staff/sessions", &hall, json!({ "username": username, "password": STAFF_PASSWORD })).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    assert_eq!(response.body["role"], "supervisor");
    assert_eq!(response.body["expires_in"], 28800);
    assert!(response.body["scope"].as_str().unwrap().contains("pii:read"));
}

#[tokio::test]
async fn only_hall_clients_open_staff_sessions() {
    let app = TestApp::spawn().await;
    let username = app.create_staff(Role::Clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    app.post("/v1/staff/sessions", &wechat, json!({ "username": username, "password": STAFF_PASSWORD }))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let hall = app.client_token(ClientKind::ServiceHall).await;
    let username = app.create_staff(Role::Clerk).await;
    let wrong =
        app.post("/v1/staff/sessions", &hall, json!({ "username": username, "password": "nope-nope-nope" })).await;
    let unknown =
        app.post("/v1/staff/sessions", &hall, json!({ "username": "ghost", "password": "nope-nope-nope" })).await;
    wrong.assert_problem(StatusCode::UNAUTHORIZED, "staff.invalid_credentials");
    unknown.assert_problem(StatusCode::UNAUTHORIZED, "staff.invalid_credentials");
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_until_the_lockout_passes() {
    let app = TestApp::spawn().await;
    let hall = app.client_token(ClientKind::ServiceHall).await;
    let username = app.create_staff(Role::Clerk).await;
    let attempt = |password: &'static str| {
        let body = json!({ "username": username, "password": password });
        let hall = hall.clone();
        let app = &app;
        async move { app.post("/v1/staff/sessions", &hall, body).await }
    };
    for _ in 0..4 {
        attempt("wrong-password!").await.assert_problem(StatusCode::UNAUTHORIZED, "staff.invalid_credentials");
    }
    attempt("wrong-password!").await.assert_problem(StatusCode::LOCKED, "staff.locked");
    let locked = attempt(STAFF_PASSWORD).await;
    locked.assert_problem(StatusCode::LOCKED, "staff.locked");
    assert!(locked.body["locked_until"].is_string());

    app.clock.advance(Duration::minutes(15));
    assert_eq!(attempt(STAFF_PASSWORD).await.status, StatusCode::CREATED);
    assert_eq!(app.audit_count("staff.locked", &username).await, 1);
}

#[tokio::test]
async fn a_successful_login_resets_the_failure_count() {
    let app = TestApp::spawn().await;
    let hall = app.client_token(ClientKind::ServiceHall).await;
    let username = app.create_staff(Role::Clerk).await;
    for round in 0..2 {
        for _ in 0..4 {
            let body = json!({ "username": username, "password": "wrong-password!" });
            assert_eq!(
                app.post("/v1/staff/sessions", &hall, body).await.status,
                StatusCode::UNAUTHORIZED,
                "round {round}"
            );
        }
        let body = json!({ "username": username, "password": STAFF_PASSWORD });
        assert_eq!(app.post("/v1/staff/sessions", &hall, body).await.status, StatusCode::CREATED, "round {round}");
    }
}

#[tokio::test]
async fn every_client_kind_gets_exactly_the_scopes_of_its_matrix_column() {
    let app = TestApp::spawn().await;
    for kind in ClientKind::ALL {
        let (id, secret) = app.register_client(kind).await;
        let body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
        let response = app.send(Method::POST, "/v1/oauth/token", None, Some(body)).await;
        let granted: Vec<&str> = response.body["scope"].as_str().unwrap().split(' ').collect();
        let expected: Vec<&str> = kind.scopes().iter().map(|s| s.as_str()).collect();
        assert_eq!(granted, expected, "{kind:?}");
    }
}

fn base64(input: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = input.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
