//! The client registry over HTTP (admin): register, list, disable, rotate the secret. A
//! disabled client's tokens and person sessions stop at once; a rotated secret replaces the old.

use axum::http::{Method, StatusCode};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::TestApp;

async fn token_status(app: &TestApp, client_id: &str, secret: &str) -> StatusCode {
    let body = json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret });
    app.send(Method::POST, "/v1/oauth/token", None, Some(body)).await.status
}

#[tokio::test]
async fn an_admin_registers_a_client_whose_secret_is_shown_once_and_works() {
    let app = TestApp::spawn().await;
    let admin = app.staff_token(Role::Admin).await;

    let created = app.post("/v1/clients", &admin, json!({ "kind": "terminal", "name": "金水区政务中心自助机" })).await;

    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let client_id = created.body["client_id"].as_str().unwrap();
    let secret = created.body["client_secret"].as_str().unwrap();
    assert!(secret.starts_with("mccs_"));
    assert_eq!(token_status(&app, client_id, secret).await, StatusCode::OK);
    let listed = app.get("/v1/clients", &admin).await;
    let row = listed.body["items"].as_array().unwrap().iter().find(|c| c["client_id"] == client_id).unwrap().clone();
    assert_eq!((&row["kind"], &row["disabled_at"]), (&json!("terminal"), &json!(null)));
    assert!(row.get("client_secret").is_none() && !listed.text.contains(secret));
}

#[tokio::test]
async fn a_client_is_refused_when_its_kind_and_binding_do_not_fit() {
    let app = TestApp::spawn().await;
    let admin = app.staff_token(Role::Admin).await;
    let cases = [
        (json!({ "kind": "bank", "name": "工行" }), StatusCode::UNPROCESSABLE_ENTITY, "client.bank_binding"),
        (
            json!({ "kind": "terminal", "name": "x", "bank_code": "ICBC" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "client.bank_binding",
        ),
        (
            json!({ "kind": "bank", "name": "x", "bank_code": "NOPE" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "client.unknown_bank",
        ),
        (json!({ "kind": "terminal", "name": "" }), StatusCode::UNPROCESSABLE_ENTITY, "client.name"),
        (json!({ "kind": "spaceship", "name": "x" }), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
    ];
    for (body, status, code) in cases {
        app.post("/v1/clients", &admin, body).await.assert_problem(status, code);
    }
    let clerk = app.staff_token(Role::Clerk).await;
    let by_clerk = app.post("/v1/clients", &clerk, json!({ "kind": "terminal", "name": "x" })).await;
    by_clerk.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}

#[tokio::test]
async fn a_disabled_client_loses_its_tokens_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.staff_token(Role::Admin).await;
    let (client_id, secret) = app.register_client(ClientKind::ProvincialPlatform).await;
    let body = json!({ "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret });
    let token = app.send(Method::POST, "/v1/oauth/token", None, Some(body)).await.body["access_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let disabled = app.post(&format!("/v1/clients/{client_id}/disable"), &admin, json!({})).await;

    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.text);
    assert!(disabled.body["disabled_at"].is_string());
    let refused = app.post("/v1/sms-codes", &token, json!({ "phone": "13800138000", "purpose": "login" })).await;
    refused.assert_problem(StatusCode::UNAUTHORIZED, "auth.invalid_token");
    assert_eq!(token_status(&app, &client_id, &secret).await, StatusCode::UNAUTHORIZED);
    let unknown = app.post("/v1/clients/mc_00000000000000000000/disable", &admin, json!({})).await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "client.not_found");
}

#[tokio::test]
async fn a_rotated_secret_replaces_the_old_one() {
    let app = TestApp::spawn().await;
    let admin = app.staff_token(Role::Admin).await;
    let (client_id, old) = app.register_client(ClientKind::Yushiban).await;

    let rotated = app.post(&format!("/v1/clients/{client_id}/secret"), &admin, json!({})).await;

    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
    let new = rotated.body["client_secret"].as_str().unwrap();
    assert_ne!(new, old);
    assert_eq!(token_status(&app, &client_id, &old).await, StatusCode::UNAUTHORIZED);
    assert_eq!(token_status(&app, &client_id, new).await, StatusCode::OK);
    assert_eq!(app.audit_count("client.rotate_secret", &client_id).await, 1);
}
