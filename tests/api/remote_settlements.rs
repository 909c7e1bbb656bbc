//! Settlements made elsewhere, delivered days later by the national platform: the account part
//! through the ledger's one writer, each `setl_sn` once, the clearing-exception list for rows the
//! balance no longer covers, the filing flag, and the person's list beside local settlements.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use medcard::domain::Money;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::cards::{Holder, Reach};
use crate::helpers::{TestApp, TestResponse};

/// An employee with an active card and 120.00 in the account, and the national platform's token.
async fn employee_and_platform(app: &TestApp) -> (Holder, String) {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.card_in(&clerk, Reach::Active).await;
    let actors = app.money_actors().await;
    let paid =
        app.pay(&actors.bank, &holder.person_no, &["2026-11"], "600.00", &format!("rp-{}", holder.person_no)).await;
    let arrived =
        app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), &format!("ra-{}", holder.person_no)).await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    (holder, app.client_token(ClientKind::NationalPlatform).await)
}

/// A row settled in Beijing four days before now.
fn row(app: &TestApp, setl_sn: &str, person_no: &str, acct_pay: &str) -> Value {
    let setl_time = app.core.clock.now() - Duration::days(4);
    json!({
        "setl_sn": setl_sn, "psn_no": person_no, "treating_region": "110105",
        "fixmedins_code": "H11010500123", "fixmedins_name": "北京协和医院", "setl_time": setl_time.to_rfc3339(),
        "med_type": "21", "medfee_sumamt": "1000.00", "fund_pay_sumamt": "800.00", "acct_pay": acct_pay,
        "psn_cash_pay": cash_rest(acct_pay)
    })
}

/// What cash pays of a 1000.00 bill the fund paid 800.00 of, after `acct_pay`.
fn cash_rest(acct_pay: &str) -> String {
    (Money::parse("200.00").unwrap() - Money::parse(acct_pay).unwrap()).to_string()
}

async fn deliver(app: &TestApp, platform: &str, key: &str, rows: Vec<Value>) -> TestResponse {
    app.post_idempotent("/v1/remote-settlements", platform, key, json!({ "rows": rows })).await
}

#[tokio::test]
async fn a_delivered_row_pays_from_the_account_and_shows_beside_local_ones_with_its_lag() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;

    let delivered = deliver(&app, &platform, "d-1", vec![row(&app, "SN-0001", &holder.person_no, "30.00")]).await;

    assert_eq!(delivered.status, StatusCode::OK, "{}", delivered.text);
    assert_eq!(
        delivered.body["results"][0],
        json!({ "setl_sn": "SN-0001", "result": "posted", "filing_covered": false, "code": null })
    );
    assert_eq!(app.balance(&clerk, &holder.person_no).await, "90.00");
    let listed = app.get(&format!("/v1/persons/{}/consumptions", holder.person_no), &clerk).await;
    let item = &listed.body["items"][0];
    assert_eq!(
        (&item["place"], &item["setl_sn"], &item["acct_pay"]),
        (&json!("remote"), &json!("SN-0001"), &json!("30.00"))
    );
    let settled: chrono::DateTime<Utc> = item["setl_time"].as_str().unwrap().parse().unwrap();
    let recorded: chrono::DateTime<Utc> = item["recorded_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((recorded - settled).num_days(), 4);
    let entries = app.get(&format!("/v1/persons/{}/account/entries", holder.person_no), &clerk).await;
    let entry = &entries.body["items"][0];
    assert_eq!(entry["kind"], "remote_settlement", "{}", entries.text);
    let valued: chrono::DateTime<Utc> = entry["value_at"].as_str().unwrap().parse().unwrap();
    let entered: chrono::DateTime<Utc> = entry["occurred_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((valued, entered), (settled, recorded), "dated setl_time, recorded on arrival");
    let allocation = &entries.body["items"][1];
    assert_eq!(allocation["value_at"], allocation["occurred_at"], "local entries are valued when recorded");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn the_same_row_twice_is_one_effect_and_its_setl_sn_with_another_body_is_refused() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let original = row(&app, "SN-0002", &holder.person_no, "30.00");

    deliver(&app, &platform, "d-2a", vec![original.clone()]).await;
    let again = deliver(&app, &platform, "d-2b", vec![original.clone()]).await;
    let mut changed = original;
    changed["acct_pay"] = json!("40.00");
    changed["psn_cash_pay"] = json!("160.00");
    let other_body = deliver(&app, &platform, "d-2c", vec![changed]).await;

    assert_eq!(again.body["results"][0]["result"], "duplicate", "{}", again.text);
    assert_eq!(
        (&other_body.body["results"][0]["result"], &other_body.body["results"][0]["code"]),
        (&json!("refused"), &json!("remote_settlement.setl_sn_reused"))
    );
    assert_eq!(app.balance(&clerk, &holder.person_no).await, "90.00");
}

#[tokio::test]
async fn two_deliveries_of_one_row_at_once_debit_once() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let one = row(&app, "SN-0003", &holder.person_no, "50.00");

    let (a, b) =
        tokio::join!(deliver(&app, &platform, "d-3a", vec![one.clone()]), deliver(&app, &platform, "d-3b", vec![one]));

    let mut results = [a.body["results"][0]["result"].clone(), b.body["results"][0]["result"].clone()];
    results.sort_by_key(|v| v.to_string());
    assert_eq!(results, [json!("duplicate"), json!("posted")], "{} / {}", a.text, b.text);
    assert_eq!(app.balance(&clerk, &holder.person_no).await, "70.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_row_the_balance_no_longer_covers_waits_on_the_exception_list_until_resolved() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    let supervisor = app.staff_token(Role::Supervisor).await;

    let delivered = deliver(&app, &platform, "d-4", vec![row(&app, "SN-0004", &holder.person_no, "150.00")]).await;
    assert_eq!(delivered.body["results"][0]["result"], "exception", "{}", delivered.text);
    let listed = app.get("/v1/remote-settlements?state=exception", &supervisor).await;
    assert!(listed.body["items"].as_array().unwrap().iter().any(|r| r["setl_sn"] == "SN-0004"), "{}", listed.text);
    assert_eq!(app.balance(&supervisor, &holder.person_no).await, "120.00");

    let uri = "/v1/remote-settlements/SN-0004/resolution";
    let still_short =
        app.post_idempotent(uri, &supervisor, "res-1", json!({ "resolution": "post_now", "note": "余额已足？" })).await;
    still_short.assert_problem(StatusCode::CONFLICT, "account.insufficient_balance");
    let recovered = json!({ "resolution": "recovered_elsewhere", "note": "参保人已在就医地补缴现金" });
    let resolved = app.post_idempotent(uri, &supervisor, "res-2", recovered.clone()).await;
    assert_eq!((resolved.status, &resolved.body["state"]), (StatusCode::OK, &json!("resolved")), "{}", resolved.text);
    let twice = app.post_idempotent(uri, &supervisor, "res-3", recovered).await;
    twice.assert_problem(StatusCode::CONFLICT, "remote_settlement.not_an_exception");
    assert_eq!(app.balance(&supervisor, &holder.person_no).await, "120.00");
}

#[tokio::test]
async fn an_exception_posted_once_the_balance_covers_it_debits_the_account() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    deliver(&app, &platform, "d-5", vec![row(&app, "SN-0005", &holder.person_no, "150.00")]).await;
    // December's contribution falls due and arrives (new tokens: staff tokens last a working day).
    app.set_china_time(2026, 12, 2, 10);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    let supervisor = app.staff_token(Role::Supervisor).await;
    let paid = app.pay(&actors.bank, &holder.person_no, &["2026-12"], "600.00", "rp-5b").await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "ra-5b").await;

    let uri = "/v1/remote-settlements/SN-0005/resolution";
    let resolved = app
        .post_idempotent(uri, &supervisor, "res-5", json!({ "resolution": "post_now", "note": "续缴到账后扣款" }))
        .await;

    assert_eq!(
        (resolved.status, &resolved.body["resolution"]),
        (StatusCode::OK, &json!("posted_late")),
        "{}",
        resolved.text
    );
    assert_eq!(app.balance(&supervisor, &holder.person_no).await, "90.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn bad_rows_refuse_the_whole_delivery_and_record_nothing() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    let good = row(&app, "SN-0006", &holder.person_no, "10.00");
    let with = |field: &str, value: Value| {
        let mut bad = row(&app, "SN-0007", &holder.person_no, "10.00");
        bad[field] = value;
        bad
    };
    let future = (app.core.clock.now() + Duration::days(1)).to_rfc3339();
    let cases = [
        (with("fund_pay_sumamt", json!("799.00")), "remote_settlement.split"),
        (with("treating_region", json!("410105")), "remote_settlement.treating_region"),
        (with("setl_time", json!(future)), "remote_settlement.setl_time"),
        (with("acct_pay", json!("10.001")), "money.format"),
        (with("setl_sn", json!("")), "remote_settlement.setl_sn"),
        (with("fixmedins_name", json!("")), "remote_settlement.institution"),
    ];
    for (i, (bad, code)) in cases.into_iter().enumerate() {
        let refused = deliver(&app, &platform, &format!("bad-{i}"), vec![good.clone(), bad]).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
        assert_eq!(refused.body["row"], 1, "{}", refused.text);
    }
    deliver(&app, &platform, "bad-empty", vec![])
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "remote_settlement.rows");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.get("/v1/remote-settlements/SN-0006", &clerk).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_row_for_someone_not_insured_here_is_refused_and_the_others_still_count() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;

    let delivered = deliver(
        &app,
        &platform,
        "d-8",
        vec![row(&app, "SN-0008", "4101999999999999", "10.00"), row(&app, "SN-0009", &holder.person_no, "10.00")],
    )
    .await;

    let results = &delivered.body["results"];
    assert_eq!((&results[0]["result"], &results[0]["code"]), (&json!("refused"), &json!("person.not_found")));
    assert_eq!(results[1]["result"], "posted");
}

#[tokio::test]
async fn a_row_under_an_effective_filing_is_covered_and_the_person_can_no_longer_revoke_it() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, _) = app.holder_on_own_phone(&clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let begin = app.core.clock.today() - Duration::days(10);
    let filing = json!({
        "person_no": holder.person_no, "kind": "temporary_travel", "target_region": "110100",
        "begin_date": begin, "contact_phone": "13900001234", "address": "北京市东城区帅府园1号"
    });
    let filed = app.post("/v1/remote-filings", &clerk, filing).await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let filing_no = filed.body["filing_no"].as_str().unwrap().to_owned();
    let synced = app.post(&format!("/v1/remote-filings/{filing_no}/sync"), &platform, json!({})).await;
    assert_eq!(synced.body["state"], "effective", "{}", synced.text);

    let delivered = deliver(&app, &platform, "d-10", vec![row(&app, "SN-0010", &holder.person_no, "0.00")]).await;
    assert_eq!(delivered.body["results"][0]["filing_covered"], true, "{}", delivered.text);

    let yushiban = app.client_token(ClientKind::Yushiban).await;
    let phone = app.phone_of(&holder).await;
    let session = app.sms_session(&yushiban, &phone).await;
    let revoked = app.post(&format!("/v1/me/remote-filings/{filing_no}/revocation"), &session, json!({})).await;
    revoked.assert_problem(StatusCode::CONFLICT, "remote_filing.used");
    let by_hall =
        app.post(&format!("/v1/remote-filings/{filing_no}/revocation"), &clerk, json!({ "reason": "本人申请" })).await;
    assert_eq!(by_hall.body["state"], "revoked", "{}", by_hall.text);
}

#[tokio::test]
async fn a_national_filing_delivered_after_its_settlement_still_covers_it() {
    let app = TestApp::spawn().await;
    let (holder, platform) = employee_and_platform(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let delivered = deliver(&app, &platform, "late-1", vec![row(&app, "SN-0011", &holder.person_no, "0.00")]).await;
    assert_eq!(delivered.body["results"][0]["filing_covered"], false, "{}", delivered.text);

    let begin = app.core.clock.today() - Duration::days(10);
    let filing = json!({
        "id_number": holder.id_number, "kind": "temporary_travel", "target_region": "110100", "begin_date": begin,
        "contact_phone": "13900001234", "address": "北京市东城区", "filed_at": (app.core.clock.now() - Duration::days(10)).to_rfc3339()
    });
    let pushed =
        app.send(axum::http::Method::PUT, "/v1/remote-filings/GJ1101002026000042", Some(&platform), Some(filing)).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.text);

    let now_covered = app.get("/v1/remote-settlements/SN-0011", &clerk).await;
    assert_eq!(
        (&now_covered.body["filing_covered"], &now_covered.body["filing_no"]),
        (&json!(true), &json!("GJ1101002026000042")),
        "{}",
        now_covered.text
    );
}
