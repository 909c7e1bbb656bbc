//! Settlement (2207) and reversal (2208): the split made final through the ledger's one writer,
//! the year's accumulators, idempotency by key and by msgid, the consumption records, and twenty
//! settlements of one person at once.

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::cards::{CARD_PASSWORD, Reach};

/// An employee with an active card and 120.00 in the account; a hospital client's token.
async fn employee_at_hospital(app: &TestApp) -> (String, String, String) {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let actors = app.money_actors().await;
    let paid = app.pay(&actors.bank, &holder.person_no, &["2026-11"], "600.00", "st-pay").await;
    let arrived = app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "st-arrive").await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    (holder.person_no, card_no, app.client_token(ClientKind::Institution).await)
}

fn outpatient(card_no: &str, total: &str, msgid: &str) -> Value {
    json!({
        "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no, "card_password": CARD_PASSWORD, "med_type": "11",
        "medfee_sumamt": total, "fulamt_ownpay_amt": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": total,
        "acct_used_flag": "1", "msgid": msgid
    })
}

async fn settle(app: &TestApp, token: &str, key: &str, body: Value) -> crate::helpers::TestResponse {
    app.post_idempotent("/v1/settlements", token, key, body).await
}

#[tokio::test]
async fn a_settlement_pays_from_the_account_through_the_ledger_and_a_reversal_gives_it_back() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;
    let clerk = app.staff_token(Role::Clerk).await;

    let settled = settle(&app, &hospital, "s-1", outpatient(&card_no, "100.00", "HIS-0001")).await;

    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
    let b = &settled.body;
    // Level 3, employee outpatient: the first 500.00 a year is deductible, so the person pays all.
    assert_eq!(
        (&b["act_pay_dedc"], &b["fund_pay_sumamt"], &b["acct_pay"]),
        (&json!("100.00"), &json!("0.00"), &json!("100.00"))
    );
    assert_eq!((&b["psn_cash_pay"], &b["balc"], &b["state"]), (&json!("0.00"), &json!("20.00"), &json!("settled")));
    assert_eq!(app.balance(&clerk, &person_no).await, "20.00");
    let setl_id = b["setl_id"].as_str().unwrap().to_owned();

    let reversal = app
        .post_idempotent(
            &format!("/v1/settlements/{setl_id}/reversal"),
            &hospital,
            "r-1",
            json!({ "msgid": "HIS-0002" }),
        )
        .await;
    assert_eq!(reversal.status, StatusCode::OK, "{}", reversal.text);
    assert_eq!(reversal.body["state"], "reversed");
    assert_eq!(app.balance(&clerk, &person_no).await, "120.00");
    let again = app.post_idempotent(&format!("/v1/settlements/{setl_id}/reversal"), &hospital, "r-2", json!({})).await;
    again.assert_problem(StatusCode::CONFLICT, "settlement.already_reversed");
    app.assert_ledger_reconciles().await;

    // The deductible used by the reversed bill is back: a new bill of 100.00 is again all deductible.
    let preview = app.post("/v1/settlements/previews", &hospital, outpatient(&card_no, "100.00", "x")).await;
    assert_eq!(preview.body["act_pay_dedc"], "100.00", "{}", preview.text);
}

#[tokio::test]
async fn a_replayed_key_settles_once_and_a_reused_msgid_is_refused() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;

    let first = settle(&app, &hospital, "k-1", outpatient(&card_no, "30.00", "HIS-7")).await;
    let replay = settle(&app, &hospital, "k-1", outpatient(&card_no, "30.00", "HIS-7")).await;
    let reused = settle(&app, &hospital, "k-2", outpatient(&card_no, "30.00", "HIS-7")).await;

    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!((replay.status, replay.headers["idempotent-replayed"].to_str().unwrap()), (StatusCode::CREATED, "true"));
    assert_eq!(replay.body["setl_id"], first.body["setl_id"]);
    reused.assert_problem(StatusCode::CONFLICT, "settlement.msgid_used");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person_no).await, "90.00");
    let missing = settle(
        &app,
        &hospital,
        "k-3",
        json!({ "msgid": null })
            .as_object()
            .map(|_| {
                let mut body = outpatient(&card_no, "30.00", "x");
                body.as_object_mut().unwrap().remove("msgid");
                body
            })
            .unwrap(),
    )
    .await;
    missing.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "settlement.msgid");
}

#[tokio::test]
async fn the_person_and_the_hall_see_the_consumption_and_other_institutions_do_not() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;
    let settled = settle(&app, &hospital, "c-1", outpatient(&card_no, "55.50", "HIS-9")).await;
    let setl_id = settled.body["setl_id"].as_str().unwrap();
    let clerk = app.staff_token(Role::Clerk).await;
    let other = app.client_token(ClientKind::Institution).await;

    let hall = app.get(&format!("/v1/persons/{person_no}/consumptions"), &clerk).await;
    assert_eq!(hall.body["items"][0]["setl_id"], setl_id, "{}", hall.text);
    assert_eq!(app.get(&format!("/v1/settlements/{setl_id}"), &clerk).await.body["medfee_sumamt"], "55.50");
    assert_eq!(app.get(&format!("/v1/settlements/{setl_id}"), &hospital).await.status, StatusCode::OK);
    app.get(&format!("/v1/settlements/{setl_id}"), &other)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "settlement.not_found");
    let reverse = format!("/v1/settlements/{setl_id}/reversal");
    app.post_idempotent(&reverse, &other, "o-1", json!({}))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "settlement.not_found");

    let phone: String = sqlx::query_scalar("SELECT phone FROM persons WHERE person_no = $1")
        .bind(&person_no)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let own = app.sms_session(&wechat, &phone).await;
    let mine = app.get("/v1/me/consumptions", &own).await;
    assert_eq!(
        (mine.body["items"][0]["setl_id"].as_str(), mine.body["items"][0]["acct_pay"].as_str()),
        (Some(setl_id), Some("55.50"))
    );
    assert!(mine.body["as_of"].is_string());
}

#[tokio::test]
async fn twenty_settlements_at_once_use_the_account_exactly_as_far_as_it_goes() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;

    let keys: Vec<String> = (0..20).map(|n| format!("race-{n}")).collect();
    let bills = keys.iter().map(|key| settle(&app, &hospital, key, outpatient(&card_no, "40.00", key)));
    let answers = futures_util::future::join_all(bills).await;

    assert!(
        answers.iter().all(|a| a.status == StatusCode::CREATED),
        "{:?}",
        answers.iter().map(|a| &a.text).collect::<Vec<_>>()
    );
    let paying = answers.iter().filter(|a| a.body["acct_pay"] == "40.00").count();
    assert_eq!(paying, 3, "120.00 covers three bills of 40.00");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person_no).await, "0.00");
    let (dedc, fund): (i64, i64) = sqlx::query_as(
        "SELECT sum(act_pay_dedc)::bigint, sum(fund_pay_sumamt)::bigint FROM settlements WHERE person_no = $1",
    )
    .bind(&person_no)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (used, paid): (i64, i64) = sqlx::query_as(
        "SELECT deductible_used, fund_paid FROM settlement_accumulators WHERE person_no = $1 AND med_type = '11'",
    )
    .bind(&person_no)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!((used, paid), (dedc, fund));
    assert_eq!(used, 50_000, "the 500.00 deductible, used exactly once");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn an_institution_that_never_got_the_answer_reverses_by_its_own_message_id() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;
    let settled = settle(&app, &hospital, "m-1", outpatient(&card_no, "20.00", "HIS-LOST")).await;
    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);

    let reversed =
        app.post_idempotent("/v1/settlements/reversals", &hospital, "m-2", json!({ "omsgid": "HIS-LOST" })).await;

    assert_eq!(reversed.status, StatusCode::OK, "{}", reversed.text);
    assert_eq!((&reversed.body["setl_id"], &reversed.body["state"]), (&settled.body["setl_id"], &json!("reversed")));
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person_no).await, "120.00");
    let nothing =
        app.post_idempotent("/v1/settlements/reversals", &hospital, "m-3", json!({ "omsgid": "HIS-NEVER" })).await;
    nothing.assert_problem(StatusCode::NOT_FOUND, "settlement.nothing_to_reverse");
    let other = app.client_token(ClientKind::Institution).await;
    let elsewhere =
        app.post_idempotent("/v1/settlements/reversals", &other, "m-4", json!({ "omsgid": "HIS-LOST" })).await;
    elsewhere.assert_problem(StatusCode::NOT_FOUND, "settlement.nothing_to_reverse");
}

#[tokio::test]
async fn a_retried_settlement_gets_its_answer_even_after_the_card_was_frozen() {
    let app = TestApp::spawn().await;
    let (_, card_no, hospital) = employee_at_hospital(&app).await;
    let first = settle(&app, &hospital, "f-1", outpatient(&card_no, "10.00", "HIS-F")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let clerk = app.staff_token(Role::Clerk).await;
    let frozen = app.post(&format!("/v1/cards/{card_no}/freeze"), &clerk, json!({ "reason": "异常交易" })).await;
    assert_eq!(frozen.status, StatusCode::CREATED, "{}", frozen.text);

    let retry = settle(&app, &hospital, "f-1", outpatient(&card_no, "10.00", "HIS-F")).await;

    assert_eq!((retry.status, &retry.body["setl_id"]), (StatusCode::CREATED, &first.body["setl_id"]));
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    let fresh = settle(&app, &hospital, "f-2", outpatient(&card_no, "10.00", "HIS-G")).await;
    fresh.assert_problem(StatusCode::CONFLICT, "settlement.card_not_usable");
}

#[tokio::test]
async fn a_reversal_racing_a_new_settlement_leaves_the_account_exact() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;
    let first = settle(&app, &hospital, "rr-1", outpatient(&card_no, "100.00", "RR-1")).await;
    let setl_id = first.body["setl_id"].as_str().unwrap().to_owned();

    let reversal_uri = format!("/v1/settlements/{setl_id}/reversal");
    let (reversed, second) = tokio::join!(
        app.post_idempotent(&reversal_uri, &hospital, "rr-2", json!({ "msgid": "RR-2" })),
        settle(&app, &hospital, "rr-3", outpatient(&card_no, "110.00", "RR-3")),
    );

    assert_eq!(
        (reversed.status, second.status),
        (StatusCode::OK, StatusCode::CREATED),
        "{} / {}",
        reversed.text,
        second.text
    );
    // Whichever ran first, the second bill paid what the account held at its moment: 20.00 before
    // the reversal came back, 110.00 after it.
    let paid = second.body["acct_pay"].as_str().unwrap().to_owned();
    let expected_balance = if paid == "20.00" { "100.00" } else { "10.00" };
    assert!(paid == "20.00" || paid == "110.00", "{paid}");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person_no).await, expected_balance);
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_settlement_paid_from_the_account_does_not_reverse_into_a_closed_account() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;
    let paid = settle(&app, &hospital, "tc-1", outpatient(&card_no, "30.00", "TC-1")).await;
    let mut cash_only = outpatient(&card_no, "30.00", "TC-2");
    cash_only["acct_used_flag"] = json!("0");
    let unpaid = settle(&app, &hospital, "tc-2", cash_only).await;
    let clerk = app.staff_token(Role::Clerk).await;
    app.transfer_out(&clerk, &person_no).await;

    let refused = reverse(&app, &hospital, &paid.body, "TC-3").await;
    let reversed = reverse(&app, &hospital, &unpaid.body, "TC-4").await;

    refused.assert_problem(StatusCode::CONFLICT, "settlement.account_closed");
    assert_eq!((reversed.status, &reversed.body["state"]), (StatusCode::OK, &json!("reversed")), "{}", reversed.text);
    assert_eq!(app.balance(&clerk, &person_no).await, "0.00");
    app.assert_ledger_reconciles().await;
}

async fn reverse(app: &TestApp, token: &str, settled: &Value, msgid: &str) -> crate::helpers::TestResponse {
    let uri = format!("/v1/settlements/{}/reversal", settled["setl_id"].as_str().unwrap());
    app.post_idempotent(&uri, token, msgid, json!({ "msgid": msgid })).await
}

#[tokio::test]
async fn a_card_frozen_while_a_settlement_is_on_its_way_stops_it_inside_its_transaction() {
    let app = TestApp::spawn().await;
    let (person_no, card_no, hospital) = employee_at_hospital(&app).await;
    // A freeze in progress: its transaction holds the card row with the new state uncommitted.
    let mut freeze = app.pool.begin().await.unwrap();
    sqlx::query("UPDATE cards SET state = 'frozen', frozen_from = 'active' WHERE card_no = $1")
        .bind(&card_no)
        .execute(&mut *freeze)
        .await
        .unwrap();

    let settling = settle(&app, &hospital, "fz-1", outpatient(&card_no, "30.00", "FZ-1"));
    let commit_the_freeze = async {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        freeze.commit().await.unwrap();
    };
    let (settled, ()) = tokio::join!(settling, commit_the_freeze);

    settled.assert_problem(StatusCode::CONFLICT, "settlement.card_not_usable");
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &person_no).await, "120.00");
}
