//! Authorisation before parsing: the one table of which scope each operation needs, checked by
//! the caller extractor before any body, path or query is parsed.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use medcard::platform::caller::ClientKind;
use medcard::platform::caller::operations;

use crate::helpers::TestApp;

fn raw_post(uri: &str, token: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", "authorisation-test")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

#[tokio::test]
async fn a_client_without_the_scope_is_refused_before_its_malformed_body_is_parsed() {
    let app = TestApp::spawn().await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let cases = [
        "/v1/persons",
        "/v1/contribution-payments",
        "/v1/persons/4101000000000001/status-transitions",
        "/v1/cards/A00000001/activation",
        "/v1/persons/not-a-person-number/account/adjustments",
    ];
    for uri in cases {
        let response = app.call(raw_post(uri, &wechat, "{not json")).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{uri}: {}", response.text);
        assert_eq!(response.code(), "auth.insufficient_scope", "{uri}");
    }
}

#[tokio::test]
async fn a_client_with_the_scope_gets_the_parse_error() {
    let app = TestApp::spawn().await;
    let bank = app.client_token(ClientKind::Bank).await;
    let response = app.call(raw_post("/v1/contribution-payments", &bank, "{not json")).await;
    response.assert_problem(StatusCode::BAD_REQUEST, "request.malformed_json");
}

#[tokio::test]
async fn every_authenticated_operation_is_in_the_scope_table_and_the_table_names_no_other() {
    let app = TestApp::spawn().await;
    let doc = app.send(Method::GET, "/openapi.json", None, None).await.body;
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if operation.get("security").is_some() {
                documented.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    for (method, path) in &documented {
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        assert!(operations::admitting_scopes(&method, path).is_some(), "{method} {path} is not in the scope table");
    }
    for (method, route) in operations::listed() {
        let listed = (method.as_str().to_owned(), route.to_owned());
        assert!(documented.contains(&listed), "{method} {route} is in the scope table but not documented");
    }
}

#[tokio::test]
async fn the_documented_scopes_of_each_operation_are_the_scope_tables() {
    let app = TestApp::spawn().await;
    let doc = app.send(Method::GET, "/openapi.json", None, None).await.body;
    for (method, route) in operations::listed() {
        // Scopes any one of which admits are documented as alternative security requirements.
        let operation = &doc["paths"][route][method.as_str().to_lowercase()];
        let alternatives = operation["security"].as_array().unwrap_or_else(|| panic!("{method} {route}: no security"));
        let mut documented: Vec<&str> = alternatives
            .iter()
            .flat_map(|alternative| alternative["bearer"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()))
            .collect();
        let mut table: Vec<&str> =
            operations::admitting_scopes(method, route).unwrap().iter().map(|s| s.as_str()).collect();
        documented.sort_unstable();
        table.sort_unstable();
        assert_eq!(documented, table, "{method} {route}: the OpenAPI document and the scope table disagree");
    }
}
