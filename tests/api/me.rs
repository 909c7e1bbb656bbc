//! The person's own view in a person session: the record masked, the account and its entries
//! as the hall sees them, contributions, own cards only, the empty lists still to come, how far
//! back each channel may look, and the online temporary loss of one's own card.

use std::collections::HashSet;

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use medcard::cards::{CardAction, CardState};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::cards::{CARD_PASSWORD, Holder, card_path};
use crate::helpers::persons_side::{fresh_phone, masked_phone, session_token};

/// A holder with a phone of their own and an active card, bound on a client of `kind`: the
/// clerk's token, the holder, the card and the person session.
struct Own {
    clerk: String,
    holder: Holder,
    card_no: String,
    session: String,
}

async fn own_session(app: &TestApp, kind: ClientKind) -> Own {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.active_holder_on_own_phone(&clerk).await;
    let client = app.client_token(kind).await;
    let session = app.bound_session(&client, &holder, &card_no).await;
    Own { clerk, holder, card_no, session }
}

fn instant(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap_or_else(|| panic!("not an instant: {value}")).parse().unwrap()
}

/// GETs `uri` in the session, expecting 200 with `as_of` the clock's instant.
async fn read(app: &TestApp, uri: &str, session: &str) -> Value {
    let response = app.get(uri, session).await;
    assert_eq!(response.status, StatusCode::OK, "{uri}: {}", response.text);
    assert_eq!(instant(&response.body["as_of"]), app.now(), "{uri}: as_of");
    response.body
}

#[tokio::test]
async fn me_shows_the_person_masked_with_as_of() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;
    let phone = app.phone_of(&own.holder).await;
    let id = &own.holder.id_number;

    let me = app.get("/v1/me", &own.session).await;

    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.body["person_no"], own.holder.person_no.as_str());
    assert_eq!(me.body["id_number"], format!("{}********{}", &id[..6], &id[14..]));
    assert_eq!(me.body["phone"], masked_phone(&phone));
    assert!(!me.text.contains(id.as_str()) && !me.text.contains(&phone), "unmasked PII: {}", me.text);
    assert_eq!(me.body["name"], own.holder.name.as_str());
    assert_eq!((&me.body["status"], &me.body["status_label"]), (&json!("normal"), &json!("正常")));
    assert_eq!(me.body["psn_insu_stas"], "1");
    assert_eq!(me.body["benefits_suspended_from"], Value::Null);
    assert_eq!(me.body["insurance_type"], "310");
    assert_eq!(me.body["address"], Value::Null);
    assert_eq!(instant(&me.body["as_of"]), app.now());

    app.advance_secs(120);
    assert_eq!(instant(&read(&app, "/v1/me", &own.session).await["as_of"]), app.now(), "as_of is the answer's time");
    // The own view is a person session's only.
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    for token in [&wechat, &own.clerk] {
        let refused = app.get("/v1/me", token).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    }
}

#[tokio::test]
async fn my_account_and_its_entries_are_the_ones_the_hall_sees() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;
    let person_no = own.holder.person_no.clone();
    let (bank, tax) = (app.client_token(ClientKind::Bank).await, app.client_token(ClientKind::TaxBureau).await);
    let paid = app.pay(&bank, &person_no, &["2026-11"], "600.00", "me-pay").await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    let arrived = app.arrive(&tax, paid.body["payment_id"].as_str().unwrap(), "me-arrive").await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);

    let account = read(&app, "/v1/me/account", &own.session).await;

    assert_eq!(account["person_no"], person_no.as_str());
    assert_eq!(account["balance"], app.balance(&own.clerk, &person_no).await);
    assert_eq!(account["balance"], "120.00");
    let mine = read(&app, "/v1/me/account/entries", &own.session).await;
    assert!(mine.as_object().unwrap().contains_key("next_cursor"), "{mine}");
    let hall = app.get(&format!("/v1/persons/{person_no}/account/entries"), &own.clerk).await.body;
    let shown = |page: &Value| -> Vec<(Value, Value, Value)> {
        let items = page["items"].as_array().unwrap();
        items.iter().map(|e| (e["kind"].clone(), e["amount"].clone(), e["balance_after"].clone())).collect()
    };
    assert_eq!(shown(&mine).len(), 1);
    assert_eq!(shown(&mine), shown(&hall));
}

#[tokio::test]
async fn a_resident_has_no_account_to_show() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let body = json!({
        "id_number": crate::helpers::ids::fresh_id_number(), "name": "李娜", "phone": fresh_phone(),
        "insurance_type": "390", "region_code": "410122"
    });
    let holder = app.enrol_holder_with(&clerk, body).await;
    let card_no = app.issue_card(&clerk, &holder.person_no, "ICBC").await["card_no"].as_str().unwrap().to_owned();
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let session = app.bound_session(&wechat, &holder, &card_no).await;

    for uri in ["/v1/me/account", "/v1/me/account/entries"] {
        app.get(uri, &session).await.assert_problem(StatusCode::NOT_FOUND, "account.resident_has_none");
    }
    assert_eq!(read(&app, "/v1/me", &session).await["insurance_type"], "390");
}

#[tokio::test]
async fn my_contributions_are_the_months_the_hall_shows() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;

    let mine = read(&app, "/v1/me/contributions", &own.session).await;

    let hall = app.get(&format!("/v1/persons/{}/contributions", own.holder.person_no), &own.clerk).await.body;
    let months = |page: &Value| -> Vec<(Value, Value, Value)> {
        let items = page["items"].as_array().unwrap();
        items.iter().map(|c| (c["period"].clone(), c["amount_due"].clone(), c["state"].clone())).collect()
    };
    assert_eq!(months(&mine), [(json!("2026-11"), json!("600.00"), json!("due"))]);
    assert_eq!(months(&mine), months(&hall));
    let from_this_month = read(&app, "/v1/me/contributions?from=2026-11&to=2026-11", &own.session).await;
    assert_eq!(months(&from_this_month).len(), 1);
}

#[tokio::test]
async fn my_cards_are_my_own_cards_only_old_ones_included() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;
    let lost = app.card_action(&own.clerk, &own.holder, &own.card_no, CardAction::ReportFormalLoss).await;
    assert_eq!(lost.status, StatusCode::CREATED, "{}", lost.text);
    let new_card = app.issue_card(&own.clerk, &own.holder.person_no, "CCB").await;
    let (_, someone_elses) = app.holder_with_card(&own.clerk).await;

    let cards = read(&app, "/v1/me/cards", &own.session).await;

    let items = cards["items"].as_array().unwrap();
    let listed: HashSet<&str> = items.iter().map(|c| c["card_no"].as_str().unwrap()).collect();
    assert_eq!(listed, HashSet::from([own.card_no.as_str(), new_card["card_no"].as_str().unwrap()]));
    assert!(!cards.to_string().contains(&someone_elses), "{cards}");
    let states: HashSet<&str> = items.iter().map(|c| c["state"].as_str().unwrap()).collect();
    assert_eq!(states, HashSet::from(["lost", "unactivated"]));
}

#[tokio::test]
async fn consumptions_and_remote_filings_are_empty_lists_with_as_of_for_now() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;
    for uri in ["/v1/me/consumptions", "/v1/me/remote-filings", "/v1/me/consumptions?from=2026-01-01&to=2026-11-20"] {
        let page = read(&app, uri, &own.session).await;
        assert_eq!(page["items"], json!([]), "{uri}");
        assert_eq!(page["next_cursor"], Value::Null, "{uri}");
    }
}

/// The own lists that take a `from`, with a `from` of `day` (`YYYY-MM-DD`).
fn lists_from(day: &str) -> [String; 4] {
    [
        format!("/v1/me/account/entries?from={day}"),
        format!("/v1/me/consumptions?from={day}"),
        format!("/v1/me/remote-filings?from={day}"),
        format!("/v1/me/contributions?from={}", &day[..7]),
    ]
}

/// Asserts each list `from` `day` is refused as beyond the look-back, naming `earliest`.
async fn assert_beyond_reach(app: &TestApp, session: &str, day: &str, earliest: &str) {
    for uri in lists_from(day) {
        let refused = app.get(&uri, session).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "me.lookback_exceeded");
        // contract: `earliest` is read as today one (or three) years back, 20 November.
        assert_eq!(refused.body["earliest"], earliest, "{uri}");
    }
}

#[tokio::test]
async fn the_official_account_looks_back_one_year() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;

    assert_beyond_reach(&app, &own.session, "2025-06-01", "2025-11-20").await;
    assert_beyond_reach(&app, &own.session, "2024-12-01", "2025-11-20").await;

    for uri in lists_from("2025-12-01") {
        read(&app, &uri, &own.session).await;
    }
}

#[tokio::test]
async fn the_provincial_platform_looks_back_two_years_but_not_four() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::ProvincialPlatform).await;

    for uri in lists_from("2024-12-01") {
        read(&app, &uri, &own.session).await;
    }

    assert_beyond_reach(&app, &own.session, "2022-12-01", "2023-11-20").await;
}

#[tokio::test]
async fn a_holder_reports_their_own_card_temporarily_lost_and_cancels_it_online() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;
    let path = format!("/v1/me/cards/{}/loss-reports", own.card_no);

    let report = app.post_bare(&path, &own.session).await;

    assert_eq!(report.status, StatusCode::CREATED, "{}", report.text);
    assert_eq!(report.body["state"], "temporarily_lost");
    // Friday 20 November 2026 + 3 working days: Monday 23, Tuesday 24, Wednesday 25.
    assert_eq!(report.body["temporary_loss_until"], "2026-11-25");
    app.post_bare(&path, &own.session).await.assert_problem(StatusCode::CONFLICT, "card.illegal_transition");

    let cancel = app.delete_bare(&path, &own.session).await;

    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text);
    assert_eq!((&cancel.body["state"], &cancel.body["temporary_loss_until"]), (&json!("active"), &Value::Null));
    app.delete_bare(&path, &own.session).await.assert_problem(StatusCode::CONFLICT, "card.illegal_transition");
    let history = app.card_history(&own.clerk, &own.card_no).await;
    let codes: Vec<_> = history.iter().map(|h| h["reason_code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["issued", "activation", "temporary_loss", "temporary_loss_cancelled"]);
    for row in &history[2..] {
        assert_eq!(row["channel"], "wechat_official_account");
        // contract: the actor of a change made in a person session is read as the person.
        assert_eq!((&row["actor_kind"], &row["actor_id"]), (&json!("person"), &json!(own.holder.person_no)));
    }
}

#[tokio::test]
async fn another_persons_card_or_an_unknown_one_is_not_found_on_my_path() {
    let app = TestApp::spawn().await;
    let own = own_session(&app, ClientKind::WechatOfficialAccount).await;
    let (_, theirs) = app.active_holder_on_own_phone(&own.clerk).await;

    for card_no in [theirs.as_str(), "Z99999999"] {
        let path = format!("/v1/me/cards/{card_no}/loss-reports");
        app.post_bare(&path, &own.session).await.assert_problem(StatusCode::NOT_FOUND, "card.not_found");
        app.delete_bare(&path, &own.session).await.assert_problem(StatusCode::NOT_FOUND, "card.not_found");
    }

    assert_eq!(app.stored_card_state(&theirs).await.0, CardState::Active);
    assert_eq!(app.card_history_len(&theirs).await, 2);
}

#[tokio::test]
async fn sessions_without_self_cards_loss_cannot_report_a_loss() {
    let app = TestApp::spawn().await;
    let provincial = own_session(&app, ClientKind::ProvincialPlatform).await;
    let terminal = app.client_token(ClientKind::Terminal).await;
    let at_terminal = app.terminal_session(&terminal, &provincial.card_no, CARD_PASSWORD).await;
    let path = format!("/v1/me/cards/{}/loss-reports", provincial.card_no);

    for session in [provincial.session.clone(), session_token(&at_terminal)] {
        let refused = app.post_bare(&path, &session).await;
        refused.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }

    assert_eq!(app.stored_card_state(&provincial.card_no).await.0, CardState::Active);
}

#[tokio::test]
async fn online_client_tokens_are_refused_on_the_old_loss_report_path_which_stays_the_halls() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.active_holder_on_own_phone(&clerk).await;
    let path = card_path(&card_no, "/loss-reports");
    let online = [
        ClientKind::WechatOfficialAccount,
        ClientKind::Yushiban,
        ClientKind::ProvincialPlatform,
        ClientKind::NationalApp,
        ClientKind::Zhenghaoban,
    ];
    for kind in online {
        let token = app.client_token(kind).await;
        let report = app.post(&path, &token, holder.loss_report("temporary")).await;
        report.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
        let cancel = app.delete(&path, &token, holder.identity()).await;
        cancel.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Active);
    assert_eq!(app.card_history_len(&card_no).await, 2);

    let at_hall = app.post(&path, &clerk, holder.loss_report("temporary")).await;
    assert_eq!(at_hall.status, StatusCode::CREATED, "{}", at_hall.text);
    assert_eq!(at_hall.body["state"], "temporarily_lost");
}
