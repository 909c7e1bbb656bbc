//! Helpers for contributions and the ledger: idempotent posts, clock moves, a person who owes.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{TimeZone, Utc};
use medcard::ledger::Ledger;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use super::{TestApp, TestResponse};

/// The tokens a contribution story needs.
pub struct MoneyActors {
    pub clerk: String,
    pub supervisor: String,
    pub bank: String,
    pub tax: String,
}

impl TestApp {
    /// POSTs JSON with a bearer token and an `Idempotency-Key`.
    pub async fn post_idempotent(&self, uri: &str, token: &str, key: &str, body: Value) -> TestResponse {
        let request = Request::builder()
            .method("POST")
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap();
        self.call(request).await
    }

    /// Sets the clock to a Zhengzhou wall-clock time.
    pub fn set_china_time(&self, year: i32, month: u32, day: u32, hour: u32) {
        let at = medcard::platform::clock::china_offset().with_ymd_and_hms(year, month, day, hour, 0, 0).unwrap();
        self.clock.set(at.with_timezone(&Utc));
    }

    /// Tokens for a clerk, a supervisor, a bank and the tax bureau. Staff tokens last a working
    /// day, so stories that move the clock by days fetch new ones with this.
    pub async fn money_actors(&self) -> MoneyActors {
        MoneyActors {
            clerk: self.staff_token(Role::Clerk).await,
            supervisor: self.staff_token(Role::Supervisor).await,
            bank: self.client_token(ClientKind::Bank).await,
            tax: self.client_token(ClientKind::TaxBureau).await,
        }
    }

    /// A bank payment of `periods` for `amount`, paid now; returns the response.
    pub async fn pay(&self, bank: &str, person_no: &str, periods: &[&str], amount: &str, key: &str) -> TestResponse {
        let body = json!({
            "person_no": person_no,
            "periods": periods,
            "amount": amount,
            "paid_at": self.clock_now(),
            "channel": "bank_withholding",
            "reference": format!("ref-{key}"),
        });
        self.post_idempotent("/v1/contribution-payments", bank, key, body).await
    }

    /// The tax bureau's arrival of a payment.
    pub async fn arrive(&self, tax: &str, payment_id: &str, key: &str) -> TestResponse {
        self.post_idempotent(&format!("/v1/contribution-payments/{payment_id}/arrival"), tax, key, json!({})).await
    }

    /// Requests an adjustment with one token and approves it with another; returns the request's
    /// answer if it was refused, else the approval's.
    pub async fn adjust(
        &self,
        requester: &str,
        approver: &str,
        person_no: &str,
        amount: &str,
        key: &str,
    ) -> TestResponse {
        let body = json!({ "amount": amount, "reason": "调账" });
        let uri = format!("/v1/persons/{person_no}/account/adjustments");
        let requested = self.post_idempotent(&uri, requester, &format!("{key}-request"), body).await;
        if requested.status != StatusCode::CREATED {
            return requested;
        }
        let id = requested.body["adjustment_id"].as_str().unwrap();
        let approval = format!("/v1/account-adjustments/{id}/approval");
        self.post_idempotent(&approval, approver, &format!("{key}-approve"), json!({})).await
    }

    /// The clock's instant as RFC 3339.
    pub fn clock_now(&self) -> String {
        use medcard::platform::clock::Clock;
        self.clock.now().to_rfc3339()
    }

    /// The person's insured status.
    pub async fn status(&self, token: &str, person_no: &str) -> String {
        let person = self.get(&format!("/v1/persons/{person_no}"), token).await;
        assert_eq!(person.status, StatusCode::OK, "{}", person.text);
        person.body["status"].as_str().unwrap().to_owned()
    }

    /// The personal-account balance as shown.
    pub async fn balance(&self, token: &str, person_no: &str) -> String {
        let account = self.get(&format!("/v1/persons/{person_no}/account"), token).await;
        assert_eq!(account.status, StatusCode::OK, "{}", account.text);
        account.body["balance"].as_str().unwrap().to_owned()
    }

    /// Asserts what `medcard ledger check` asserts.
    pub async fn assert_ledger_reconciles(&self) {
        let check = Ledger::new(&self.core).check_ledger().await.unwrap();
        assert!(check.mismatched.is_empty(), "accounts that do not reconcile: {:?}", check.mismatched);
    }

    /// Runs every background job once, and fails the test if any job failed.
    pub async fn run_jobs(&self) {
        let done = medcard::jobs::run_all_once(&self.core).await;
        assert_eq!(done.len(), medcard::jobs::Job::ALL.len(), "a job failed: only {done:?} succeeded");
    }
}
