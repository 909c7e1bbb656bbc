//! One reader for every text a client sends: NUL and other control characters, overlong text,
//! repeated keys and non-object bodies are refused at the edge, on plain and money endpoints
//! alike, with a problem naming the field, and change nothing.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::TestApp;

fn json_post(uri: &str, token: &str, key: Option<&str>, body: &str) -> Request<Body> {
    let mut builder = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(key) = key {
        builder = builder.header("idempotency-key", key);
    }
    builder.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn a_nul_byte_anywhere_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let hall = app.client_token(ClientKind::ServiceHall).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let cases = [
        (json_post("/v1/staff/sessions", &hall, None, r#"{"username":"a\u0000b","password":"x"}"#), "username"),
        (
            json_post(
                &format!("/v1/persons/{person_no}/status-transitions"),
                &clerk,
                None,
                r#"{"to":"sealed","reason_code":"retired","reason":"退休\u0000"}"#,
            ),
            "reason",
        ),
        (
            json_post(&format!("/v1/persons/{person_no}/cards"), &clerk, None, r#"{"bank_code":"IC\u0000BC"}"#),
            "bank_code",
        ),
    ];
    for (request, field) in cases {
        let response = app.call(request).await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.control_character");
        assert_eq!(response.body["field"], field);
    }
    let query = app.get("/v1/audit-events?action=a%00b", &app.staff_token(Role::Auditor).await).await;
    query.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.control_character");
    let form = Request::builder()
        .method("POST")
        .uri("/v1/oauth/token")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials&client_id=mc%00x&client_secret=y"))
        .unwrap();
    app.call(form).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.control_character");
    let path = app.get("/v1/persons/4101%000000000001", &clerk).await;
    path.assert_problem(StatusCode::BAD_REQUEST, "request.bad_path");
    assert_eq!(app.status(&clerk, &person_no).await, "normal", "nothing changed");
}

#[tokio::test]
async fn money_endpoints_read_bodies_as_strictly_as_the_others() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid = app.pay(&actors.bank, &person_no, &["2026-11"], "600.00", "strict-pay").await;
    let payment_id = paid.body["payment_id"].as_str().unwrap().to_owned();
    let arrival = format!("/v1/contribution-payments/{payment_id}/arrival");
    let cases = [
        ("[]", StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
        (r#"{"a":1,"a":2}"#, StatusCode::BAD_REQUEST, "request.malformed_json"),
    ];
    for (body, status, code) in cases {
        let response = app.call(json_post(&arrival, &actors.tax, Some(&format!("k-{body}")), body)).await;
        response.assert_problem(status, code);
    }
    let duplicate_amount = r#"{"person_no":"4101000000000001","periods":["2026-11"],"amount":"1.00","amount":"600.00",
        "paid_at":"2026-11-20T01:00:00Z","channel":"bank_withholding","reference":"dup"}"#;
    let response = app.call(json_post("/v1/contribution-payments", &actors.bank, Some("dup"), duplicate_amount)).await;
    response.assert_problem(StatusCode::BAD_REQUEST, "request.malformed_json");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00", "the arrival did not happen");
}

#[tokio::test]
async fn free_text_has_a_length_limit_and_a_branch_code_its_shape_whoever_sends_it() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let activation = "/v1/cards/A00000001/activation";
    let identity = json!({ "id_number": "410105198703154322", "name": "王芳", "password": "583920" });
    let with_branch = |branch: &str| {
        let mut body = identity.clone();
        body["branch_code"] = json!(branch);
        body.to_string()
    };
    let long = app.call(json_post(activation, &clerk, None, &with_branch(&"4".repeat(60_000)))).await;
    long.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "request.text_too_long");
    assert_eq!(long.body["field"], "branch_code");
    let shapeless = app.call(json_post(activation, &clerk, None, &with_branch("4101 分行"))).await;
    shapeless.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.branch_code");
}
