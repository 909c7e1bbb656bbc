//! Reads on a real streaming replica (a `pg_basebackup` hot standby of a private primary):
//! person and institution GETs are served there, a caller who just wrote reads its own write on
//! the primary while the standby lags (its replay paused), and a standby trailing too far sends
//! every read back to the primary.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use medcard::cards::CardAction;
use medcard::platform::caller::{ClientKind, Role};
use medcard::platform::config::Settings;

use crate::helpers::TestApp;
use crate::helpers::cards::Holder;
use crate::helpers::replica::Replicated;
use crate::instances::Instance;

/// The state of the one card in a card list (`/v1/me/cards` or `/v1/persons/{no}/cards`).
async fn card_state(app: &TestApp, uri: &str, token: &str) -> String {
    let listed = app.get(uri, token).await;
    assert_eq!(listed.status, StatusCode::OK, "{uri}: {}", listed.text);
    listed.body["items"][0]["state"].as_str().unwrap_or_else(|| panic!("{uri}: {}", listed.text)).to_owned()
}

/// A clerk, the holder of an active card, and a WeChat client token the holder may bind on.
struct Holding {
    clerk: String,
    holder: Holder,
    card_no: String,
    wechat: String,
}

async fn holding(app: &TestApp) -> Holding {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.active_holder_on_own_phone(&clerk).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    Holding { clerk, holder, card_no, wechat }
}

#[tokio::test]
async fn a_caller_reads_its_own_write_while_the_replica_lags_and_others_read_the_replica() {
    let replicated = Replicated::start(Settings::defaults()).await;
    let app = &replicated.app;
    let Holding { clerk, holder, card_no, wechat } = holding(app).await;
    let hall_view = format!("/v1/persons/{}/cards", holder.person_no);
    replicated.caught_up().await;
    replicated.pause_replay().await;

    let session = app.bound_session(&wechat, &holder, &card_no).await;
    let bindings = app.get("/v1/me/bindings", &session).await;
    assert_eq!(
        bindings.body["items"].as_array().map(Vec::len),
        Some(1),
        "the new session sees its binding: {}",
        bindings.text
    );
    let reported = app.post_bare(&format!("/v1/me/cards/{card_no}/loss-reports"), &session).await;
    assert_eq!(reported.status, StatusCode::CREATED, "{}", reported.text);

    assert_eq!(card_state(app, "/v1/me/cards", &session).await, "temporarily_lost", "the holder reads their write");
    assert_eq!(card_state(app, &hall_view, &clerk).await, "active", "the clerk, who did not write, reads the replica");
    app.wait_for_resend();
    let by_sms = app.sms_session(&wechat, &app.phone_of(&holder).await).await;
    assert_eq!(card_state(app, "/v1/me/cards", &by_sms).await, "temporarily_lost", "a session opened since reads it");

    replicated.resume_replay().await;
    replicated.caught_up().await;
    assert_eq!(card_state(app, &hall_view, &clerk).await, "temporarily_lost", "the replica has caught up");
}

#[tokio::test]
async fn every_get_served_by_the_replica_answers_there_without_writing() {
    let replicated = Replicated::start(Settings::defaults()).await;
    let app = &replicated.app;
    let Holding { clerk, holder, card_no, wechat } = holding(app).await;
    let session = app.bound_session(&wechat, &holder, &card_no).await;
    replicated.caught_up().await;
    let person = format!("/v1/persons/{}", holder.person_no);
    let own = [
        "/v1/me",
        "/v1/me/bindings",
        "/v1/me/account",
        "/v1/me/account/entries",
        "/v1/me/contributions",
        "/v1/me/cards",
        "/v1/me/consumptions",
        "/v1/me/remote-filings",
        "/v1/me/e-voucher",
        "/v1/me/family-members",
        "/v1/me/family-members/00000000-0000-4000-8000-000000000000/payments",
    ]
    .map(str::to_owned);
    let hall = ["/account", "/account/entries", "/contributions", "/cards", "/consumptions", "/remote-filings"]
        .map(|tail| format!("{person}{tail}"))
        .into_iter()
        .chain([format!("/v1/cards/{card_no}"), "/v1/settlements/S0000000000000000000".to_owned()]);

    let before = reads_on_replica(app).await;

    let answers: Vec<(String, StatusCode)> = get_each(app, own.iter().map(|uri| (uri.clone(), session.clone())))
        .await
        .into_iter()
        .chain(get_each(app, hall.map(|uri| (uri, clerk.clone()))).await)
        .collect();

    assert!(replicated.replica.serves(None), "the standby was serving throughout");
    for (uri, status) in &answers {
        assert!(
            *status == StatusCode::OK || *status == StatusCode::NOT_FOUND,
            "{uri} answered {status} on the replica"
        );
    }
    // The counter is the process's: other tests may add to it, never take from it.
    assert!(reads_on_replica(app).await - before >= answers.len() as f64, "every GET was read on the replica");
}

/// `database_reads_total{on="replica"}` from `/metrics`.
async fn reads_on_replica(app: &TestApp) -> f64 {
    let metrics = app.send(axum::http::Method::GET, "/metrics", None, None).await;
    metrics
        .text
        .lines()
        .find_map(|line| line.strip_prefix("database_reads_total{on=\"replica\"} "))
        .map_or(0.0, |value| value.trim().parse().unwrap_or(0.0))
}

/// GETs each `(uri, token)` in turn, keeping the status.
async fn get_each(app: &TestApp, gets: impl Iterator<Item = (String, String)>) -> Vec<(String, StatusCode)> {
    let mut answers = Vec::new();
    for (uri, token) in gets {
        answers.push((uri.clone(), app.get(&uri, &token).await.status));
    }
    answers
}

#[tokio::test]
async fn a_replica_trailing_past_the_lag_limit_sends_every_read_to_the_primary() {
    let mut settings = Settings::defaults();
    settings.database.read_max_lag_bytes = 0;
    let replicated = Replicated::start(settings).await;
    let app = &replicated.app;
    let Holding { clerk, holder, card_no, wechat } = holding(app).await;
    let session = app.bound_session(&wechat, &holder, &card_no).await;
    replicated.caught_up().await;
    replicated.pause_replay().await;

    let reported = app.card_action(&clerk, &holder, &card_no, CardAction::ReportTemporaryLoss).await;
    assert_eq!(reported.status, StatusCode::CREATED, "{}", reported.text);
    let started = Instant::now();
    while replicated.replica.serves(None) {
        assert!(started.elapsed() < Duration::from_secs(10), "the watcher never saw the lag");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    assert_eq!(card_state(app, "/v1/me/cards", &session).await, "temporarily_lost", "read on the primary");
    replicated.resume_replay().await;
    replicated.caught_up().await;
}

#[tokio::test]
async fn medcard_serve_reads_on_the_replica_database_read_url_names() {
    let replicated = Replicated::start(Settings::defaults()).await;
    let (client_id, secret) = replicated.app.register_client(ClientKind::Bank).await;
    replicated.caught_up().await;
    let (primary, standby) = replicated.urls();
    let instance = Instance::start_with(&primary, "replica", &[("DATABASE_READ_URL", &standby)]).await;
    let http = reqwest::Client::new();
    let metrics =
        || async { http.get(format!("{}/metrics", instance.base)).send().await.unwrap().text().await.unwrap() };
    let started = Instant::now();
    while !metrics().await.contains("database_replica_lag_bytes") {
        assert!(started.elapsed() < Duration::from_secs(10), "the replica was never watched: {}", instance.log());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let form = [("grant_type", "client_credentials"), ("client_id", &client_id), ("client_secret", &secret)];
    let token: serde_json::Value =
        http.post(format!("{}/v1/oauth/token", instance.base)).form(&form).send().await.unwrap().json().await.unwrap();
    let token = token["access_token"].as_str().expect("a client token").to_owned();

    let card = http.get(format!("{}/v1/cards/A00000001", instance.base)).bearer_auth(&token).send().await.unwrap();

    assert_eq!(card.status(), StatusCode::NOT_FOUND);
    assert!(metrics().await.contains("database_reads_total{on=\"replica\"} 1"), "{}", metrics().await);
}
