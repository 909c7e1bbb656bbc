//! Several instances: two `medcard serve` processes on one database. The monthly assessment
//! runs once for its period although both runners take it up; a retried settlement sent to
//! both at once settles once and answers alike; the wrong-password counter is one counter.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use medcard::auth::{Auth, ClientBinding};
use medcard::domain::Month;
use medcard::platform::caller::{Actor, ClientKind};
use medcard::platform::clock::{Clock, SystemClock};
use medcard::platform::config::Settings;
use medcard::registries::{InstitutionLevel, NewInstitution, Registries};
use medcard::seed::{SeedOptions, seed};
use serde_json::{Value, json};
use sqlx::PgPool;

use crate::helpers::fresh_database_url;

/// One `medcard serve` process, stopped when dropped.
pub(crate) struct Instance {
    child: Child,
    pub(crate) base: String,
    log: std::path::PathBuf,
}

impl Instance {
    async fn start(url: &str, name: &str) -> Self {
        Self::start_with(url, name, &[]).await
    }

    /// An instance on `url` with more environment variables.
    pub(crate) async fn start_with(url: &str, name: &str, env: &[(&str, &str)]) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let log = std::env::temp_dir().join(format!("medcard-instance-{name}-{port}.log"));
        let child = Command::new(env!("CARGO_BIN_EXE_medcard"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .envs(env.iter().copied())
            .env("DATABASE_URL", url)
            .env("MEDCARD_JOBS_INTERVAL_SECS", "1")
            .env("MEDCARD_LOG_FILTER", "warn,medcard::jobs=info")
            .env("MEDCARD_LOG_FORMAT", "json")
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("medcard serve starts");
        let instance = Self { child, base: format!("http://127.0.0.1:{port}"), log };
        for _ in 0..100 {
            if reqwest::get(format!("{}/readyz", instance.base)).await.is_ok_and(|r| r.status().is_success()) {
                return instance;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("instance {name} never became ready: {}", std::fs::read_to_string(&instance.log).unwrap_or_default());
    }

    async fn post(&self, path: &str, token: &str, key: Option<&str>, body: Value) -> (u16, Value) {
        let mut request = reqwest::Client::new().post(format!("{}{path}", self.base)).bearer_auth(token).json(&body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A seeded database as of today, and an institution client's id and secret.
async fn seeded_database() -> (String, PgPool, medcard::seed::SeedReport, (String, String)) {
    let url = fresh_database_url().await;
    let pool = PgPool::connect(&url).await.unwrap();
    let state = medcard::startup::state(pool.clone(), Arc::new(SystemClock), Arc::new(Settings::defaults()));
    let mut quiet = |_: String| {};
    let report = seed(&state.core, SeedOptions { persons: 300, seed: 9 }, &mut quiet).await.unwrap();
    let new = NewInstitution {
        code: "HINSTANCES01".into(),
        name: "两实例测试医院".into(),
        kind: "hospital".into(),
        offers_activation: false,
        level: InstitutionLevel::new(3).unwrap(),
        region_code: "410105".into(),
    };
    Registries::new(&state.core).create_institution(&Actor::system("test"), new).await.unwrap();
    let binding = ClientBinding { bank_code: None, institution_code: Some("HINSTANCES01".into()) };
    let client = Auth::new(&state.core)
        .register_client(&Actor::system("test"), ClientKind::Institution, "two-instance HIS", &binding)
        .await
        .unwrap();
    let credentials = (client.client_id.to_string(), client.client_secret.expose().to_owned());
    (url, pool, report, credentials)
}

async fn token(instance: &Instance, (id, secret): &(String, String)) -> String {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/oauth/token", instance.base))
        .form(&[("grant_type", "client_credentials"), ("client_id", id), ("client_secret", secret)])
        .send()
        .await
        .unwrap();
    response.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_run_each_monthly_job_once_and_share_idempotency_and_counters() {
    let (url, pool, report, credentials) = seeded_database().await;
    let month = Month::of(SystemClock.today()).to_string();
    // What this month's assessment still has to do once the due months are taken back.
    let owed = sqlx::query("DELETE FROM contributions WHERE period = $1 AND state = 'due'")
        .bind(&month)
        .execute(&pool)
        .await
        .unwrap()
        .rows_affected() as i64;

    let (a, b) = (Instance::start(&url, "a").await, Instance::start(&url, "b").await);
    let runs = assessment_runs(&pool, &month).await;
    assert_eq!(runs, vec![owed], "one run, counting every owed month once");
    let due: i64 = sqlx::query_scalar("SELECT count(*) FROM contributions WHERE period = $1 AND state = 'due'")
        .bind(&month)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(due, owed);
    let swept: Vec<i64> =
        sqlx::query_scalar("SELECT rows FROM job_runs WHERE job = 'arrears_sweep'").fetch_all(&pool).await.unwrap();
    assert_eq!(swept, vec![0], "the seeded arrears already agree with the sweep's rule");

    let hospital = token(&a, &credentials).await;
    let card = report.examples.iter().find(|e| e.insurance_type == "310").unwrap().card_no.clone();
    let bill = json!({
        "mdtrt_cert_type": "03", "mdtrt_cert_no": card, "med_type": "11", "medfee_sumamt": "30.00",
        "fulamt_ownpay_amt": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": "30.00", "acct_used_flag": "0",
        "msgid": "TWO-1"
    });
    let (at_a, at_b) = tokio::join!(
        a.post("/v1/settlements", &hospital, Some("two-1"), bill.clone()),
        b.post("/v1/settlements", &hospital, Some("two-1"), bill)
    );
    assert_eq!((at_a.0, at_b.0), (201, 201), "{at_a:?} {at_b:?}");
    assert_eq!(at_a.1["setl_id"], at_b.1["setl_id"]);
    let settled: i64 =
        sqlx::query_scalar("SELECT count(*) FROM settlements WHERE msgid = 'TWO-1'").fetch_one(&pool).await.unwrap();
    assert_eq!(settled, 1);

    let read = |password: &str| json!({ "mdtrt_cert_type": "03", "mdtrt_cert_no": card, "card_password": password });
    // Three wrong in a row lock the password, whichever instance hears each.
    for instance in [&a, &b] {
        let (status, body) = instance.post("/v1/card-reads", &hospital, None, read("000001")).await;
        assert_eq!((status, body["code"].as_str()), (422, Some("card.password_wrong")), "{body}");
    }
    let (status, body) = a.post("/v1/card-reads", &hospital, None, read("000001")).await;
    assert_eq!((status, body["code"].as_str()), (423, Some("card.password_locked")), "{body}");
    let (status, body) = b.post("/v1/card-reads", &hospital, None, read(&report.card_password)).await;
    assert_eq!((status, body["code"].as_str()), (423, Some("card.password_locked")), "{body}");
    for instance in [&a, &b] {
        assert!(!instance.log().contains("job failed"), "{}", instance.log());
    }
}

/// The rows of every finished assessment of `month`, once both runners had their turn.
async fn assessment_runs(pool: &PgPool, month: &str) -> Vec<i64> {
    let query = "SELECT rows FROM job_runs WHERE job = 'contribution_assessment' AND period = $1";
    for _ in 0..50 {
        let runs: Vec<i64> = sqlx::query_scalar(query).bind(month).fetch_all(pool).await.unwrap();
        if !runs.is_empty() {
            // Both runners tick every second: give the second its turn at the period.
            tokio::time::sleep(Duration::from_millis(2_500)).await;
            return sqlx::query_scalar(query).bind(month).fetch_all(pool).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no assessment ran for {month}");
}
