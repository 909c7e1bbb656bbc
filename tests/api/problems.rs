//! The API basics: problem+json for every error, languages, request ids, docs, health, metrics.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use medcard::platform::caller::Role;

use crate::helpers::TestApp;

fn raw_post(uri: &str, token: &str, content_type: Option<&str>, body: &str) -> Request<Body> {
    let mut builder =
        Request::builder().method("POST").uri(uri).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(ct) = content_type {
        builder = builder.header(header::CONTENT_TYPE, ct);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn malformed_bodies_get_problem_responses_never_plain_text() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let cases = [
        (Some("application/json"), "{\"id_number\": ", StatusCode::BAD_REQUEST, "request.malformed_json"),
        (Some("application/json"), "[1, 2]", StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
        (Some("application/json"), "{}", StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
        (Some("text/plain"), "{}", StatusCode::BAD_REQUEST, "request.unsupported_media_type"),
        (None, "{}", StatusCode::BAD_REQUEST, "request.unsupported_media_type"),
    ];
    for (content_type, body, status, code) in cases {
        let response = app.call(raw_post("/v1/persons", &clerk, content_type, body)).await;
        assert_eq!(response.status, status, "{body}: {}", response.text);
        response.assert_problem(status, code);
    }
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_are_problems_too() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    app.get("/v1/nowhere", &clerk).await.assert_problem(StatusCode::NOT_FOUND, "http.not_found");
    let wrong_method = app.send(Method::PUT, "/v1/persons", Some(&clerk), None).await;
    wrong_method.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "http.method_not_allowed");
    assert!(wrong_method.headers.contains_key(header::ALLOW));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(100_000));
    let response = app.call(raw_post("/v1/persons", &clerk, Some("application/json"), &huge)).await;
    assert!(response.status.is_client_error());
    assert_eq!(response.content_type(), "application/problem+json");
}

#[tokio::test]
async fn messages_are_chinese_by_default_and_english_on_request() {
    let app = TestApp::spawn().await;
    let chinese = app.send(Method::GET, "/v1/persons/4101000000000001", None, None).await;
    assert_eq!(chinese.body["title"], "缺少访问令牌");
    let request = Request::builder()
        .uri("/v1/persons/4101000000000001")
        .header(header::ACCEPT_LANGUAGE, "en-US,en;q=0.9,zh-CN;q=0.5")
        .body(Body::empty())
        .unwrap();
    let english = app.call(request).await;
    assert_eq!(english.body["title"], "A bearer token is required");
    assert_eq!(english.body["status"], 401);
    assert_eq!(english.body["type"], "urn:medcard:problem:auth.missing_token");
}

#[tokio::test]
async fn an_illegal_transition_message_names_the_current_state_in_both_languages() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let body = serde_json::json!({ "to": "normal", "reason_code": "new_employer", "reason": "x" }).to_string();
    let uri = format!("/v1/persons/{person_no}/status-transitions");
    let zh = app.call(raw_post(&uri, &clerk, Some("application/json"), &body)).await;
    assert_eq!(zh.body["title"], "当前参保状态为「正常」，不能变更为「正常」");
    let mut en_request = raw_post(&uri, &clerk, Some("application/json"), &body);
    en_request.headers_mut().insert(header::ACCEPT_LANGUAGE, "en".parse().unwrap());
    let en = app.call(en_request).await;
    assert_eq!(en.body["title"], "The person is normal and cannot become normal");
}

#[tokio::test]
async fn every_response_carries_a_request_id_generated_or_echoed() {
    let app = TestApp::spawn().await;
    let generated = app.send(Method::GET, "/healthz", None, None).await;
    assert_eq!(generated.headers["x-request-id"].len(), 36);
    let request = Request::builder().uri("/nowhere").header("x-request-id", "abc-123").body(Body::empty()).unwrap();
    let echoed = app.call(request).await;
    assert_eq!(echoed.headers["x-request-id"], "abc-123");
    assert_eq!(echoed.body["request_id"], "abc-123");
}

#[tokio::test]
async fn health_readiness_metrics_and_docs_need_no_token() {
    let app = TestApp::spawn().await;
    assert_eq!(app.send(Method::GET, "/healthz", None, None).await.body["status"], "ok");
    assert_eq!(app.send(Method::GET, "/readyz", None, None).await.body["status"], "ok");
    let metrics = app.send(Method::GET, "/metrics", None, None).await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(metrics.text.contains("http_requests_total"), "{}", metrics.text);
    let docs = app.send(Method::GET, "/docs/", None, None).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger"), "{}", &docs.text[..docs.text.len().min(300)]);
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_the_bearer_scheme() {
    let app = TestApp::spawn().await;
    let doc = app.send(Method::GET, "/openapi.json", None, None).await.body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/v1/oauth/token",
        "/v1/staff/sessions",
        "/v1/staff/sessions/current",
        "/v1/persons",
        "/v1/persons/{person_no}",
        "/v1/persons/{person_no}/status-transitions",
        "/v1/audit-events",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                assert!(response["description"].is_string(), "{method} {path} {status} lacks a description");
            }
        }
    }
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.pool.close().await;
    let response = app.send(Method::GET, "/readyz", None, None).await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.body["status"], "unavailable");
}

#[tokio::test]
async fn a_lost_database_is_answered_503_with_retry_after_not_500() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    app.pool.close().await;
    let response = app.get("/v1/persons/4101000000000001", &clerk).await;
    response.assert_problem(StatusCode::SERVICE_UNAVAILABLE, "service.unavailable");
    assert_eq!(response.headers[header::RETRY_AFTER], "1");
}

#[tokio::test]
async fn a_problem_detail_gives_the_specific_reason_not_the_title_again() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let cases = [
        (app.get("/v1/persons/4101999999999999", &clerk).await, "person.not_found"),
        (app.get("/v1/cards/Z99999999", &clerk).await, "card.not_found"),
        (app.send(Method::GET, "/v1/persons/4101999999999999", None, None).await, "auth.missing_token"),
        (app.get("/v1/persons/4101999999999999", "mcat_not-a-token").await, "auth.invalid_token"),
    ];
    for (response, code) in cases {
        assert_eq!(response.code(), code);
        let (title, detail) = (response.body["title"].as_str().unwrap(), response.body["detail"].as_str().unwrap());
        assert!(!detail.is_empty() && detail != title, "{code}: detail repeats the title: {detail}");
    }
}

#[tokio::test]
async fn no_answer_is_cached_or_type_sniffed() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    for response in [
        app.get(&format!("/v1/persons/{person_no}"), &clerk).await,
        app.get("/v1/persons/4101999999999999", &clerk).await,
        app.send(Method::GET, "/healthz", None, None).await,
    ] {
        assert_eq!(response.headers[header::CACHE_CONTROL], "no-store");
        assert_eq!(response.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}

#[tokio::test]
async fn a_burst_of_logins_on_a_small_pool_is_answered_201_or_503_never_500() {
    use std::sync::Arc;
    use std::time::Duration;

    let app = TestApp::spawn().await;
    let username = app.create_staff(Role::Clerk).await;
    let hall = app.client_token(medcard::platform::caller::ClientKind::ServiceHall).await;
    let options = (*app.pool.connect_options()).clone();
    let small = sqlx::postgres::PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_millis(300))
        .connect_with(options)
        .await
        .unwrap();
    let settings = Arc::new(medcard::platform::config::Settings::defaults());
    let router = medcard::api::app(medcard::startup::state(small, Arc::new(app.clock.clone()), settings));
    let body = serde_json::json!({ "username": username, "password": crate::helpers::STAFF_PASSWORD }).to_string();

    let mut logins = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let request = axum::http::Request::builder()
            .method("POST")
            .uri("/v1/staff/sessions")
            .header(header::AUTHORIZATION, format!("Bearer {hall}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(body.clone()))
            .unwrap();
        let router = router.clone();
        logins.spawn(async move { tower::ServiceExt::oneshot(router, request).await.unwrap().status() });
    }
    let statuses: Vec<StatusCode> = logins.join_all().await;

    let unexpected: Vec<_> =
        statuses.iter().filter(|s| **s != StatusCode::CREATED && **s != StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    assert!(statuses.contains(&StatusCode::CREATED), "{statuses:?}");
}
