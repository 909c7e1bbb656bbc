//! Enrolment, reading and lookup of persons: validation, uniqueness, masking and audit.

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::ids::{fresh_id_number, id_number, with_wrong_check};
use crate::helpers::{TestApp, employee_body};

#[tokio::test]
async fn hall_staff_enrol_an_employee_with_derived_birth_date_and_gender() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let id = id_number("410105", 1985, 3, 9, 123);

    let response = app.post("/v1/persons", &clerk, employee_body(&id)).await;

    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    let person = &response.body;
    assert!(person["person_no"].as_str().unwrap().starts_with("4101"));
    assert_eq!(person["birth_date"], "1985-03-09");
    assert_eq!(person["gender"], "male");
    assert_eq!(person["status"], "normal");
    assert_eq!(person["status_label"], "正常");
    assert_eq!(person["psn_insu_stas"], "1");
    assert_eq!(person["insurance_type"], "310");
    assert_eq!(person["region_name"], "金水区");
    assert_eq!(person["employer"]["name"], "郑州示例科技有限公司");
}

#[tokio::test]
async fn a_resident_is_enrolled_without_employer() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let body = json!({
        "id_number": fresh_id_number(), "name": "李娜", "phone": "+86 139-1234-5678",
        "insurance_type": "390", "region_code": "410122"
    });
    let response = app.post("/v1/persons", &clerk, body).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    assert_eq!(response.body["employer"], Value::Null);
    assert_eq!(response.body["phone"], "139****5678");
}

#[tokio::test]
async fn the_person_number_is_not_derived_from_the_id_number() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let id = fresh_id_number();
    let person = app.post("/v1/persons", &clerk, employee_body(&id)).await.body;
    let person_no = person["person_no"].as_str().unwrap();
    assert!(!person_no.contains(&id[6..14]));
    assert!(!id.contains(&person_no[4..]));
}

#[tokio::test]
async fn one_person_per_id_number() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let id = fresh_id_number();
    assert_eq!(app.post("/v1/persons", &clerk, employee_body(&id)).await.status, StatusCode::CREATED);
    let lower_x = id.to_lowercase();
    let again = app.post("/v1/persons", &clerk, employee_body(&lower_x)).await;
    again.assert_problem(StatusCode::CONFLICT, "person.id_number_taken");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM persons").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn bad_enrolment_fields_are_refused_with_their_own_codes_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let valid = fresh_id_number();
    let with = |field: &str, value: Value| {
        let mut body = employee_body(&valid);
        body[field] = value;
        body
    };
    let without_employer = {
        let mut body = employee_body(&valid);
        body.as_object_mut().unwrap().remove("employer");
        body
    };
    let cases: Vec<(&str, Value, &str)> = vec![
        ("wrong check digit", with("id_number", json!(with_wrong_check(&valid))), "id_number.check_digit"),
        (
            "impossible date",
            with("id_number", json!(id_number("410105", 1990, 2, 30, 1))),
            "id_number.impossible_birth_date",
        ),
        (
            "13th month",
            with("id_number", json!(id_number("410105", 1990, 13, 1, 1))),
            "id_number.impossible_birth_date",
        ),
        ("future birth", with("id_number", json!(id_number("410105", 2030, 1, 1, 1))), "id_number.future_birth_date"),
        ("unknown province", with("id_number", json!(id_number("990105", 1990, 1, 1, 1))), "id_number.unknown_region"),
        ("too short", with("id_number", json!("41010519900101")), "id_number.format"),
        ("letters", with("id_number", json!("41010519900101ABCD")), "id_number.format"),
        ("empty name", with("name", json!("   ")), "person.name"),
        ("bad phone", with("phone", json!("12345")), "person.phone"),
        ("unknown insurance type", with("insurance_type", json!("320")), "person.insurance_type"),
        ("region outside Zhengzhou", with("region_code", json!("410201")), "region.not_zhengzhou"),
        ("malformed region", with("region_code", json!("41a105")), "region.format"),
        ("employee without employer", without_employer, "person.employer_required"),
        ("resident with employer", with("insurance_type", json!("390")), "person.employer_not_applicable"),
        (
            "bad credit code",
            with("employer", json!({ "credit_code": "91350100M000100Y44", "name": "某公司" })),
            "credit_code.check_character",
        ),
        ("transfer in from Zhengzhou", with("transferred_in_from", json!("410102")), "region.not_elsewhere"),
        ("unknown field", with("nickname", json!("小王")), "request.invalid_body"),
        ("wrong type", with("phone", json!(13812345678u64)), "request.invalid_body"),
    ];
    for (what, body, code) in cases {
        let response = app.post("/v1/persons", &clerk, body).await;
        assert_eq!(response.code(), code, "{what}: {}", response.text);
        assert!(response.status.is_client_error(), "{what}");
        assert_eq!(response.content_type(), "application/problem+json", "{what}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM persons").fetch_one(&app.pool).await.unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn a_transfer_in_enrolment_starts_the_history_with_the_source_region() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let mut body = employee_body(&fresh_id_number());
    body["transferred_in_from"] = json!("310115");
    let person = app.post("/v1/persons", &clerk, body).await.body;
    let person_no = person["person_no"].as_str().unwrap();
    let history = app.get(&format!("/v1/persons/{person_no}/status-transitions"), &clerk).await.body;
    assert_eq!(history["items"][0]["reason_code"], "transfer_in");
    assert_eq!(history["items"][0]["other_region"], "310115");
}

#[tokio::test]
async fn clerks_see_masked_id_numbers_and_phones() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let id = id_number("410105", 1990, 1, 2, 345);
    let person_no = app.post("/v1/persons", &clerk, employee_body(&id)).await.body["person_no"].clone();
    let person_no = person_no.as_str().unwrap();

    let person = app.get(&format!("/v1/persons/{person_no}"), &clerk).await.body;

    assert_eq!(person["id_number"], format!("410105********{}", &id[14..]));
    assert_eq!(person["phone"], "138****5678");
    assert_eq!(person["pii"], "masked");
    assert_eq!(app.audit_count("person.pii_read", person_no).await, 0);
}

#[tokio::test]
async fn supervisors_see_full_pii_and_each_full_read_is_audited() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let supervisor = app.staff_token(Role::Supervisor).await;
    let id = fresh_id_number();
    let person_no = app.post("/v1/persons", &clerk, employee_body(&id)).await.body["person_no"].clone();
    let person_no = person_no.as_str().unwrap();

    let first = app.get(&format!("/v1/persons/{person_no}"), &supervisor).await.body;
    let lookup = app.get(&format!("/v1/persons?id_number={id}"), &supervisor).await.body;

    assert_eq!(first["id_number"], id);
    assert_eq!(first["phone"], "13812345678");
    assert_eq!(first["pii"], "full");
    assert_eq!(lookup["items"][0]["id_number"], id);
    assert_eq!(app.audit_count("person.pii_read", person_no).await, 2);
}

#[tokio::test]
async fn lookup_by_id_number_finds_exactly_one_or_none() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let id = fresh_id_number();
    app.post("/v1/persons", &clerk, employee_body(&id)).await;

    let found = app.get(&format!("/v1/persons?id_number={id}"), &clerk).await;
    let missing = app.get(&format!("/v1/persons?id_number={}", fresh_id_number()), &clerk).await;
    let invalid = app.get(&format!("/v1/persons?id_number={}", with_wrong_check(&id)), &clerk).await;
    let no_query = app.get("/v1/persons", &clerk).await;

    assert_eq!(found.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(missing.body["items"].as_array().unwrap().len(), 0);
    invalid.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "id_number.check_digit");
    no_query.assert_problem(StatusCode::BAD_REQUEST, "request.bad_query");
}

#[tokio::test]
async fn unknown_and_malformed_person_numbers_are_told_apart() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    app.get("/v1/persons/4101999999999999", &clerk).await.assert_problem(StatusCode::NOT_FOUND, "person.not_found");
    app.get("/v1/persons/not-a-number", &clerk).await.assert_problem(StatusCode::BAD_REQUEST, "request.bad_path");
    app.get("/v1/persons/4101999999999999/status-transitions", &clerk)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "person.not_found");
}

#[tokio::test]
async fn enrolment_and_status_changes_write_audit_rows_with_actor_client_and_request_id() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let request = axum::http::Request::builder()
        .method("POST")
        .uri("/v1/persons")
        .header("authorization", format!("Bearer {clerk}"))
        .header("content-type", "application/json")
        .header("x-request-id", "enrol-42")
        .body(axum::body::Body::from(employee_body(&fresh_id_number()).to_string()))
        .unwrap();
    let response = app.call(request).await;
    assert_eq!(response.headers["x-request-id"], "enrol-42");
    let person_no = response.body["person_no"].as_str().unwrap().to_owned();

    let row: (String, String, Option<String>, String, Option<String>) = sqlx::query_as(
        "SELECT actor_kind, actor_id, client_id, channel, request_id FROM audit_events
          WHERE action = 'person.enrol' AND subject_id = $1",
    )
    .bind(&person_no)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(row.0, "staff");
    assert!(row.1.starts_with("clerk_"));
    assert!(row.2.unwrap().starts_with("mc_"));
    assert_eq!(row.3, "service_hall");
    assert_eq!(row.4.as_deref(), Some("enrol-42"));
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_or_deleted() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    app.enrolled_person_no(&clerk).await;
    let update = sqlx::query("UPDATE audit_events SET action = 'x'").execute(&app.pool).await;
    let delete = sqlx::query("DELETE FROM person_status_history").execute(&app.pool).await;
    assert!(update.is_err() && delete.is_err());
}

#[tokio::test]
async fn auditors_page_through_the_audit_log_and_clerks_may_not() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let auditor = app.staff_token(Role::Auditor).await;
    for _ in 0..3 {
        app.enrolled_person_no(&clerk).await;
    }
    let first = app.get("/v1/audit-events?action=person.enrol&limit=2", &auditor).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("/v1/audit-events?action=person.enrol&limit=2&cursor={cursor}"), &auditor).await;
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(second.body["next_cursor"], Value::Null);

    app.get("/v1/audit-events", &clerk).await.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    app.get("/v1/audit-events?cursor=abc", &auditor)
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "request.bad_cursor");
}

#[tokio::test]
async fn channels_without_hall_scopes_may_not_enrol_or_read_any_person() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    for kind in [ClientKind::WechatOfficialAccount, ClientKind::Bank, ClientKind::ServiceHall, ClientKind::TaxBureau] {
        let token = app.client_token(kind).await;
        app.post("/v1/persons", &token, employee_body(&fresh_id_number()))
            .await
            .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
        app.get(&format!("/v1/persons/{person_no}"), &token)
            .await
            .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }
    let auditor = app.staff_token(Role::Auditor).await;
    app.post(
        &format!("/v1/persons/{person_no}/status-transitions"),
        &auditor,
        json!({ "to": "sealed", "reason_code": "retired", "reason": "退休" }),
    )
    .await
    .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}
