//! The test application: the real router over a real database of its own, a settable clock,
//! and helpers to get tokens and send requests.

pub mod assertions;
pub mod cards;
mod database;
pub mod ids;
pub mod money;
pub mod persons_side;
pub mod replica;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use medcard::auth::{Auth, ClientBinding};
use medcard::domain::{IdNumber, check_char};
use medcard::platform::Core;
use medcard::platform::caller::{Actor, ClientKind, Role};
use medcard::platform::clock::SettableClock;
use medcard::platform::config::Settings;
use medcard::platform::replica::ReadReplica;
use medcard::registries::{NewInstitution, Registries};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower::ServiceExt;

pub use database::{fresh_database_url, fresh_pool};

/// A staff password that passes the length rule.
pub const STAFF_PASSWORD: &str = "correct-horse-battery";

/// One application under test.
pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
    pub clock: SettableClock,
    pub core: Core,
}

/// A response, with its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestResponse {
    /// The problem code of an error response.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("<no code>")
    }

    /// Asserts the status and, for errors, that the body is a problem with `code`.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(self.content_type(), "application/problem+json", "body: {}", self.text);
        assert_eq!(self.code(), code, "body: {}", self.text);
    }

    /// The content type header.
    pub fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl TestApp {
    /// A fresh application on a fresh database, its clock standing at 2026-11-20 10:00 (UTC+8).
    pub async fn spawn() -> Self {
        Self::spawn_with(Settings::defaults()).await
    }

    /// Like [`spawn`](Self::spawn), with tokens that live for a year: for tests that move the
    /// clock on by days or years and keep using the tokens they got at the start.
    pub async fn spawn_with_lasting_tokens() -> Self {
        let mut settings = Settings::defaults();
        settings.auth.client_token_ttl_secs = 366 * 24 * 3600;
        settings.auth.staff_token_ttl_secs = 366 * 24 * 3600;
        Self::spawn_with(settings).await
    }

    /// A fresh application with `settings`, its clock standing at 2026-11-20 10:00 (UTC+8).
    pub async fn spawn_with(settings: Settings) -> Self {
        Self::assemble(fresh_pool().await, settings, None)
    }

    /// The application on `pool` (migrated), reading on `replica` when given, its clock standing
    /// at 2026-11-20 10:00 (UTC+8).
    pub fn assemble(pool: PgPool, settings: Settings, replica: Option<Arc<ReadReplica>>) -> Self {
        let clock = SettableClock::new(Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap());
        let mut state = medcard::startup::state(pool.clone(), Arc::new(clock.clone()), Arc::new(settings));
        state.core.replica = replica;
        let core = state.core.clone();
        Self { router: medcard::api::app(state), pool, clock, core }
    }

    /// Sends a request with optional bearer token and JSON body.
    pub async fn send(&self, method: Method, uri: &str, token: Option<&str>, body: Option<Value>) -> TestResponse {
        let mut builder = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(json) => builder.header(header::CONTENT_TYPE, "application/json").body(Body::from(json.to_string())),
            None => builder.body(Body::empty()),
        };
        self.call(request.unwrap()).await
    }

    /// Sends a prepared request.
    pub async fn call(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.expect("the router is infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("the body is readable").to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        TestResponse { status, headers, body, text }
    }

    /// GET with a token.
    pub async fn get(&self, uri: &str, token: &str) -> TestResponse {
        self.send(Method::GET, uri, Some(token), None).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, uri: &str, token: &str, body: Value) -> TestResponse {
        self.send(Method::POST, uri, Some(token), Some(body)).await
    }

    /// Registers a client of `kind`, returning its id and secret. Bank clients act for ICBC and
    /// institution clients for an institution that offers activation.
    pub async fn register_client(&self, kind: ClientKind) -> (String, String) {
        let binding = match kind {
            ClientKind::Bank => ClientBinding { bank_code: Some("ICBC".into()), institution_code: None },
            ClientKind::Institution => {
                let code = self.institution(true).await;
                ClientBinding { bank_code: None, institution_code: Some(code) }
            }
            _ => ClientBinding::default(),
        };
        self.register_bound_client(kind, binding).await
    }

    /// Registers a client with an explicit binding.
    pub async fn register_bound_client(&self, kind: ClientKind, binding: ClientBinding) -> (String, String) {
        let client = Auth::new(&self.core)
            .register_client(&Actor::system("test"), kind, "test channel", &binding)
            .await
            .unwrap();
        (client.client_id.to_string(), client.client_secret.expose().to_owned())
    }

    /// A new institution, offering activation or not; returns its code.
    pub async fn institution(&self, offers_activation: bool) -> String {
        let code = format!("H{}", &uuid::Uuid::new_v4().simple().to_string()[..8]).to_ascii_uppercase();
        let new = NewInstitution {
            level: medcard::registries::InstitutionLevel::new(3).unwrap(),
            region_code: "410105".into(),
            code: code.clone(),
            name: "郑州市第一人民医院".into(),
            kind: "hospital".into(),
            offers_activation,
        };
        Registries::new(&self.core).create_institution(&Actor::system("test"), new).await.unwrap();
        code
    }

    /// A token for a client with `binding`, obtained over HTTP.
    pub async fn bound_client_token(&self, kind: ClientKind, binding: ClientBinding) -> String {
        let (id, secret) = self.register_bound_client(kind, binding).await;
        self.token_for(&id, &secret).await
    }

    /// A client-credentials token for a new client of `kind`, obtained over HTTP.
    pub async fn client_token(&self, kind: ClientKind) -> String {
        let (id, secret) = self.register_client(kind).await;
        self.token_for(&id, &secret).await
    }

    async fn token_for(&self, id: &str, secret: &str) -> String {
        let body = json!({ "grant_type": "client_credentials", "client_id": id, "client_secret": secret });
        let response = self.send(Method::POST, "/v1/oauth/token", None, Some(body)).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        response.body["access_token"].as_str().unwrap().to_owned()
    }

    /// Creates a staff user with `role` (username unique in this database), who is a person
    /// of their own.
    pub async fn create_staff(&self, role: Role) -> String {
        let username = format!("{}_{}", role.as_str(), &uuid::Uuid::new_v4().simple().to_string()[..6]);
        self.create_staff_as(role, &username, &staff_id_number()).await;
        username
    }

    /// Creates a staff user with `role`, `username` and the person's `id_number`.
    pub async fn create_staff_as(&self, role: Role, username: &str, id_number: &IdNumber) {
        let password = SecretString::from(STAFF_PASSWORD);
        Auth::new(&self.core).create_staff(&Actor::system("test"), username, role, id_number, password).await.unwrap();
    }

    /// A staff session token for the existing staff user `username`.
    pub async fn staff_token_for(&self, username: &str) -> String {
        let hall = self.client_token(ClientKind::ServiceHall).await;
        let response =
            self.post("/v1/staff/sessions", &hall, json!({ "username": username, "password": STAFF_PASSWORD })).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        response.body["access_token"].as_str().unwrap().to_owned()
    }

    /// A staff session token for a new staff user with `role`, logged in through a hall client.
    pub async fn staff_token(&self, role: Role) -> String {
        let username = self.create_staff(role).await;
        self.staff_token_for(&username).await
    }

    /// Enrols a valid employee and returns the response body.
    pub async fn enrol_employee(&self, token: &str) -> Value {
        let response = self.post("/v1/persons", token, employee_body(&ids::fresh_id_number())).await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        response.body
    }

    /// Enrols a valid employee and returns the person number.
    pub async fn enrolled_person_no(&self, token: &str) -> String {
        self.enrol_employee(token).await["person_no"].as_str().unwrap().to_owned()
    }

    /// The number of audit rows with `action` about `subject_id`.
    pub async fn audit_count(&self, action: &str, subject_id: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = $1 AND subject_id = $2")
            .bind(action)
            .bind(subject_id)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }
}

/// A valid employee enrolment body for `id_number`.
pub fn employee_body(id_number: &str) -> Value {
    json!({
        "id_number": id_number,
        "name": "王芳",
        "phone": "13812345678",
        "insurance_type": "310",
        "region_code": "410105",
        "employer": { "credit_code": "91350100M000100Y43", "name": "郑州示例科技有限公司" },
        "contribution_base": "6000.00"
    })
}

/// A valid ID number no other staff user in this test process has (金水区, born 1985).
pub fn staff_id_number() -> IdNumber {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (month, day, sequence) = (1 + n / 999 / 28 % 12, 1 + n / 999 % 28, 1 + n % 999);
    let first17 = format!("4101051985{month:02}{day:02}{sequence:03}");
    let raw = format!("{first17}{}", check_char(&first17));
    IdNumber::parse(&raw, chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()).unwrap()
}
