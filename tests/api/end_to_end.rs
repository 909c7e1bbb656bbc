//! The real thing over a real socket: bind on port 0, serve, and drive the hall story with an
//! HTTP client.

use std::net::SocketAddr;
use std::sync::Arc;

use medcard::auth::Auth;
use medcard::platform::caller::{Actor, ClientKind, Role};
use medcard::platform::clock::SystemClock;
use medcard::platform::config::Settings;
use secrecy::SecretString;
use serde_json::{Value, json};

use crate::helpers::{STAFF_PASSWORD, employee_body, fresh_pool, ids::fresh_id_number};

#[tokio::test]
async fn a_hall_clerk_enrols_and_seals_a_person_over_a_real_socket() {
    let pool = fresh_pool().await;
    let state = medcard::startup::state(pool, Arc::new(SystemClock), Arc::new(Settings::defaults()));
    let core = state.core.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = medcard::api::app(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let hall = Auth::new(&core)
        .register_client(&Actor::system("test"), ClientKind::ServiceHall, "二七区大厅", &Default::default())
        .await
        .unwrap();
    Auth::new(&core)
        .create_staff(
            &Actor::system("test"),
            "clerk.e2e",
            Role::Clerk,
            &crate::helpers::staff_id_number(),
            SecretString::from(STAFF_PASSWORD),
        )
        .await
        .unwrap();
    let http = reqwest::Client::new();

    let token: Value = http
        .post(format!("{base}/v1/oauth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            hall.client_id,
            hall.client_secret.expose()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hall_token = token["access_token"].as_str().unwrap();

    let session: Value = http
        .post(format!("{base}/v1/staff/sessions"))
        .bearer_auth(hall_token)
        .json(&json!({ "username": "clerk.e2e", "password": STAFF_PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let clerk = session["access_token"].as_str().unwrap();

    let enrolled = http
        .post(format!("{base}/v1/persons"))
        .bearer_auth(clerk)
        .json(&employee_body(&fresh_id_number()))
        .send()
        .await
        .unwrap();
    assert_eq!(enrolled.status(), 201);
    let person: Value = enrolled.json().await.unwrap();
    let person_no = person["person_no"].as_str().unwrap();

    let sealed = http
        .post(format!("{base}/v1/persons/{person_no}/status-transitions"))
        .bearer_auth(clerk)
        .json(&json!({ "to": "sealed", "reason_code": "retired", "reason": "办理退休" }))
        .send()
        .await
        .unwrap();
    assert_eq!(sealed.status(), 201);

    let history: Value = http
        .get(format!("{base}/v1/persons/{person_no}/status-transitions"))
        .bearer_auth(clerk)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<&str> = history["items"].as_array().unwrap().iter().map(|i| i["to"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["normal", "sealed"]);

    let refused = http
        .post(format!("{base}/v1/persons/{person_no}/status-transitions"))
        .bearer_auth(clerk)
        .header("accept-language", "en")
        .json(&json!({ "to": "sealed", "reason_code": "retired", "reason": "again" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    let problem: Value = refused.json().await.unwrap();
    assert_eq!(problem["current_status"], "sealed");
}
