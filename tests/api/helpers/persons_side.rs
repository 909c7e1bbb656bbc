//! The person's side in tests: holders with a phone of their own, SMS codes read from the
//! outbox the default gateway writes, bindings, and person sessions opened each way.

use std::sync::atomic::{AtomicU32, Ordering};

use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use super::cards::{CARD_PASSWORD, Holder, card_path};
use super::{TestApp, TestResponse, employee_body, ids};

/// A mobile number no other call in this process hands out (139…), and never a person's
/// unless a test enrols one with it.
pub fn fresh_phone() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 10_007;
    format!("139{:08}", n % 100_000_000)
}

/// A channel's reference of its user (like a WeChat openid), different on every call.
pub fn fresh_ref() -> String {
    format!("o-{}", uuid::Uuid::new_v4().simple())
}

/// Another six-digit code than `code`: a wrong guess that is still well formed.
pub fn other_code(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().expect("six digits") + 1) % 1_000_000)
}

/// The masked form of a phone, `138****5678`.
pub fn masked_phone(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

/// The access token of a response that opened a person session (`POST /v1/sessions`), or of
/// the session in a binding's answer.
pub fn session_token(response: &TestResponse) -> String {
    let session = if response.body.get("session").is_some() { &response.body["session"] } else { &response.body };
    session["access_token"].as_str().unwrap_or_else(|| panic!("no session in {}", response.text)).to_owned()
}

impl TestApp {
    /// Enrols an employee whose phone no other person in this database has, and issues an
    /// ICBC card (unactivated); returns the holder and the card number.
    pub async fn holder_on_own_phone(&self, clerk: &str) -> (Holder, String) {
        let mut body = employee_body(&ids::fresh_id_number());
        body["phone"] = json!(fresh_phone());
        let holder = self.enrol_holder_with(clerk, body).await;
        let card = self.issue_card(clerk, &holder.person_no, "ICBC").await;
        (holder, card["card_no"].as_str().unwrap().to_owned())
    }

    /// Like [`holder_on_own_phone`](Self::holder_on_own_phone), the card activated at the hall
    /// with [`CARD_PASSWORD`].
    pub async fn active_holder_on_own_phone(&self, clerk: &str) -> (Holder, String) {
        let (holder, card_no) = self.holder_on_own_phone(clerk).await;
        let activated = self.post(&card_path(&card_no, "/activation"), clerk, holder.activation(CARD_PASSWORD)).await;
        assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
        (holder, card_no)
    }

    /// The phone on record for the holder, in full.
    pub async fn phone_of(&self, holder: &Holder) -> String {
        sqlx::query_scalar("SELECT phone FROM persons WHERE person_no = $1")
            .bind(&holder.person_no)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Moves the clock past the 60 s that must pass between two codes sent to one phone.
    pub fn wait_for_resend(&self) {
        self.clock.advance(Duration::seconds(61));
    }

    /// Moves the clock on by `secs` seconds.
    pub fn advance_secs(&self, secs: i64) {
        self.clock.advance(Duration::seconds(secs));
    }

    /// The clock's instant.
    pub fn now(&self) -> DateTime<Utc> {
        use medcard::platform::clock::Clock;
        self.clock.now()
    }

    /// `POST /v1/sms-codes`.
    pub async fn send_sms(&self, client: &str, phone: &str, purpose: &str) -> TestResponse {
        self.post("/v1/sms-codes", client, json!({ "phone": phone, "purpose": purpose })).await
    }

    /// The code in the latest outbox message to `phone`: the only run of six digits in it.
    pub async fn latest_sms_code(&self, phone: &str) -> String {
        let body: String =
            sqlx::query_scalar("SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY queued_at DESC LIMIT 1")
                .bind(phone)
                .fetch_optional(&self.pool)
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("no message to {phone} in the outbox"));
        let runs: Vec<String> = digit_runs(&body).into_iter().filter(|run| run.len() == 6).collect();
        assert_eq!(runs.len(), 1, "one six-digit run in {body:?}");
        runs[0].clone()
    }

    /// How many messages the outbox holds for `phone`.
    pub async fn outbox_count(&self, phone: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM sms_outbox WHERE phone = $1")
            .bind(phone)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Sends a code for `purpose` to `phone` (refused sends fail the test) and reads it.
    pub async fn sms_code(&self, client: &str, phone: &str, purpose: &str) -> String {
        let sent = self.send_sms(client, phone, purpose).await;
        assert_eq!(sent.status, StatusCode::ACCEPTED, "sending to {phone}: {}", sent.text);
        self.latest_sms_code(phone).await
    }

    /// The binding body a holder presents: their ID number, name, phone on record, `card_no`,
    /// `sms_code` and the channel's `channel_user_ref`.
    pub async fn binding_body(&self, holder: &Holder, card_no: &str, channel_user_ref: &str, sms_code: &str) -> Value {
        json!({
            "id_number": holder.id_number,
            "name": holder.name,
            "card_no": card_no,
            "phone": self.phone_of(holder).await,
            "sms_code": sms_code,
            "channel_user_ref": channel_user_ref,
        })
    }

    /// Sends a binding code to the holder's phone, reads it and posts `/v1/bindings`.
    pub async fn bind(&self, client: &str, holder: &Holder, card_no: &str, channel_user_ref: &str) -> TestResponse {
        let code = self.sms_code(client, &self.phone_of(holder).await, "binding").await;
        let body = self.binding_body(holder, card_no, channel_user_ref, &code).await;
        self.post("/v1/bindings", client, body).await
    }

    /// Binds a fresh ref on `client` (which must succeed) and returns the session token.
    pub async fn bound_session(&self, client: &str, holder: &Holder, card_no: &str) -> String {
        let bound = self.bind(client, holder, card_no, &fresh_ref()).await;
        assert_eq!(bound.status, StatusCode::CREATED, "{}", bound.text);
        session_token(&bound)
    }

    /// `POST /v1/sessions` by the binding of `channel_user_ref` on `client`.
    pub async fn person_session_by_binding(&self, client: &str, channel_user_ref: &str) -> TestResponse {
        self.post("/v1/sessions", client, json!({ "method": "binding", "channel_user_ref": channel_user_ref })).await
    }

    /// `POST /v1/sessions` by SMS with `code` (no ID number).
    pub async fn sms_login(&self, client: &str, phone: &str, code: &str) -> TestResponse {
        self.post("/v1/sessions", client, json!({ "method": "sms", "phone": phone, "sms_code": code })).await
    }

    /// Sends a login code to `phone`, signs in with it (which must succeed) and returns the token.
    pub async fn sms_session(&self, client: &str, phone: &str) -> String {
        let code = self.sms_code(client, phone, "login").await;
        let opened = self.sms_login(client, phone, &code).await;
        assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
        session_token(&opened)
    }

    /// `POST /v1/sessions` by card and card password, as a self-service terminal does.
    pub async fn terminal_session(&self, terminal: &str, card_no: &str, password: &str) -> TestResponse {
        let body = json!({ "method": "card_password", "card_no": card_no, "password": password });
        self.post("/v1/sessions", terminal, body).await
    }

    /// `DELETE /v1/sessions/current`.
    pub async fn end_session(&self, token: &str) -> TestResponse {
        self.send(Method::DELETE, "/v1/sessions/current", Some(token), None).await
    }

    /// DELETE without a body.
    pub async fn delete_bare(&self, uri: &str, token: &str) -> TestResponse {
        self.send(Method::DELETE, uri, Some(token), None).await
    }

    /// POST without a body.
    pub async fn post_bare(&self, uri: &str, token: &str) -> TestResponse {
        self.send(Method::POST, uri, Some(token), None).await
    }

    /// How many audit rows have `action`, whatever their subject.
    pub async fn audit_total(&self, action: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = $1")
            .bind(action)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// How many binding rows the person has, ended ones included.
    pub async fn binding_rows(&self, person_no: &str) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM channel_bindings WHERE person_no = $1")
            .bind(person_no)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// How many person sessions were ever opened (tokens bound to a person), live or not.
    pub async fn person_session_rows(&self) -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM access_tokens WHERE person_no IS NOT NULL")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// Moves the person out to Beijing at the hall.
    pub async fn transfer_out(&self, clerk: &str, person_no: &str) {
        let transfer = json!({
            "to": "transferred_out", "reason_code": "relocation", "reason": "转往北京", "target_region": "110105"
        });
        let moved = self.post(&format!("/v1/persons/{person_no}/status-transitions"), clerk, transfer).await;
        assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text);
    }
}

/// The maximal runs of ASCII digits in `text`.
fn digit_runs(text: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}
