//! The registry of designated institutions: an admin registers one with its level (一级 / 二级 /
//! 三级) and Zhengzhou region; every caller lists them.

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::TestApp;

fn hospital(code: &str) -> serde_json::Value {
    json!({
        "institution_code": code, "name": "郑州大学第一附属医院", "kind": "hospital",
        "offers_activation": true, "level": 3, "region_code": "410102"
    })
}

#[tokio::test]
async fn an_admin_registers_an_institution_with_its_level_and_region_and_anyone_lists_it() {
    let app = TestApp::spawn().await;
    let admin = app.staff_token(Role::Admin).await;

    let created = app.post("/v1/institutions", &admin, hospital("H41010200001")).await;

    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!((&created.body["level"], &created.body["level_label"]), (&json!(3), &json!("三级")));
    let bank = app.client_token(ClientKind::Bank).await;
    let listed = app.get("/v1/institutions", &bank).await;
    let row =
        listed.body["items"].as_array().unwrap().iter().find(|i| i["institution_code"] == "H41010200001").cloned();
    assert_eq!(row.unwrap()["region_code"], "410102");
    assert_eq!(app.audit_count("institution.create", "H41010200001").await, 1);
}

#[tokio::test]
async fn a_bad_institution_is_refused_with_the_field_named_and_nothing_stored() {
    let app = TestApp::spawn().await;
    let admin = app.staff_token(Role::Admin).await;
    let with = |key: &str, value: serde_json::Value| {
        let mut body = hospital("H41010200002");
        body[key] = value;
        body
    };
    let cases = [
        (with("level", json!(4)), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
        (with("level", json!(0)), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
        (with("region_code", json!("110105")), StatusCode::UNPROCESSABLE_ENTITY, "region.not_zhengzhou"),
        (with("kind", json!("clinic")), StatusCode::UNPROCESSABLE_ENTITY, "institution.kind"),
        (with("name", json!(" ")), StatusCode::UNPROCESSABLE_ENTITY, "institution.name"),
        (with("institution_code", json!("H-1")), StatusCode::UNPROCESSABLE_ENTITY, "institution.code"),
    ];
    for (body, status, code) in cases {
        app.post("/v1/institutions", &admin, body).await.assert_problem(status, code);
    }
    assert_eq!(app.post("/v1/institutions", &admin, hospital("H41010200002")).await.status, StatusCode::CREATED);
    let again = app.post("/v1/institutions", &admin, hospital("H41010200002")).await;
    again.assert_problem(StatusCode::CONFLICT, "institution.code_taken");
    let clerk = app.staff_token(Role::Clerk).await;
    let by_clerk = app.post("/v1/institutions", &clerk, hospital("H41010200003")).await;
    by_clerk.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}
