//! Pre-settlement (2206) over HTTP: the split by certificate, card state and benefits, in the
//! national field names, with nothing settled.

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::cards::{CARD_PASSWORD, Holder, Reach};

/// An employee with an active card and 120.00 in the account (November arrived), and the token of
/// a level-3 hospital's client.
async fn employee_at_hospital(app: &TestApp, reach: Reach) -> (Holder, String, String) {
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, reach).await;
    let actors = app.money_actors().await;
    let paid = app.pay(&actors.bank, &holder.person_no, &["2026-11"], "600.00", "pv-pay").await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    let arrived = app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "pv-arrive").await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    (holder, card_no, app.client_token(ClientKind::Institution).await)
}

fn inpatient_bill(cert_type: &str, cert_no: &str, password: Option<&str>) -> Value {
    let mut body = json!({
        "mdtrt_cert_type": cert_type, "mdtrt_cert_no": cert_no, "med_type": "21",
        "medfee_sumamt": "3000.00", "fulamt_ownpay_amt": "200.00", "preselfpay_amt": "300.00",
        "inscp_scp_amt": "2500.00", "acct_used_flag": "1"
    });
    if let Some(password) = password {
        body["card_password"] = json!(password);
    }
    body
}

#[tokio::test]
async fn a_card_with_its_password_splits_into_fund_account_and_cash_and_settles_nothing() {
    let app = TestApp::spawn().await;
    let (holder, card_no, hospital) = employee_at_hospital(&app, Reach::Active).await;

    let split =
        app.post("/v1/settlements/previews", &hospital, inpatient_bill("03", &card_no, Some(CARD_PASSWORD))).await;

    assert_eq!(split.status, StatusCode::OK, "{}", split.text);
    // Level 3, employee inpatient: deductible 1000.00, then 80 % of the remaining 1500.00 in scope.
    let b = &split.body;
    assert_eq!(
        (&b["act_pay_dedc"], &b["fund_pay_sumamt"], &b["hifp_pay"]),
        (&json!("1000.00"), &json!("1200.00"), &json!("1200.00"))
    );
    assert_eq!(
        (&b["psn_part_amt"], &b["acct_pay"], &b["psn_cash_pay"]),
        (&json!("1800.00"), &json!("120.00"), &json!("1680.00"))
    );
    assert_eq!(
        (&b["acct_mulaid_pay"], &b["balc"], &b["psn_no"]),
        (&json!("0.00"), &json!("0.00"), &json!(holder.person_no))
    );
    assert_eq!((&b["insutype"], &b["psn_insu_stas"], &b["med_type"]), (&json!("310"), &json!("1"), &json!("21")));
    assert!(b["certno"].as_str().unwrap().contains("********"));
    let clerk = app.staff_token(Role::Clerk).await;
    assert_eq!(app.balance(&clerk, &holder.person_no).await, "120.00", "a preview moves no money");
}

#[tokio::test]
async fn without_a_verified_card_the_account_does_not_pay_but_the_fund_still_does() {
    let app = TestApp::spawn().await;
    let (holder, card_no, hospital) = employee_at_hospital(&app, Reach::Active).await;
    let cases = [inpatient_bill("03", &card_no, None), inpatient_bill("02", &holder.id_number, None)];
    for body in cases {
        let split = app.post("/v1/settlements/previews", &hospital, body).await;
        assert_eq!(split.status, StatusCode::OK, "{}", split.text);
        assert_eq!((&split.body["fund_pay_sumamt"], &split.body["acct_pay"]), (&json!("1200.00"), &json!("0.00")));
        assert_eq!((&split.body["psn_cash_pay"], &split.body["balc"]), (&json!("1800.00"), &json!("120.00")));
    }
}

#[tokio::test]
async fn an_unactivated_card_gets_the_fund_and_a_lost_one_cannot_settle() {
    let app = TestApp::spawn().await;
    let (_, unactivated, hospital) = employee_at_hospital(&app, Reach::Unactivated).await;
    let split =
        app.post("/v1/settlements/previews", &hospital, inpatient_bill("03", &unactivated, Some(CARD_PASSWORD))).await;
    assert_eq!(split.status, StatusCode::OK, "{}", split.text);
    assert_eq!((&split.body["fund_pay_sumamt"], &split.body["acct_pay"]), (&json!("1200.00"), &json!("0.00")));

    let clerk = app.staff_token(Role::Clerk).await;
    let (_, lost) = app.card_in(&clerk, Reach::Lost).await;
    let refused = app.post("/v1/settlements/previews", &hospital, inpatient_bill("03", &lost, None)).await;
    refused.assert_problem(StatusCode::CONFLICT, "settlement.card_not_usable");
    assert_eq!(refused.body["current_state"], "lost");
}

#[tokio::test]
async fn bad_bills_and_certificates_are_refused_each_with_its_code() {
    let app = TestApp::spawn().await;
    let (_, card_no, hospital) = employee_at_hospital(&app, Reach::Active).await;
    let with = |key: &str, value: &str| {
        let mut body = inpatient_bill("03", &card_no, None);
        body[key] = json!(value);
        body
    };
    let cases = [
        (with("mdtrt_cert_type", "04"), StatusCode::UNPROCESSABLE_ENTITY, "settlement.cert_type"),
        (with("mdtrt_cert_type", "01"), StatusCode::UNPROCESSABLE_ENTITY, "e_voucher.token_format"),
        (with("medfee_sumamt", "3000.005"), StatusCode::UNPROCESSABLE_ENTITY, "money.format"),
        (with("medfee_sumamt", "-1.00"), StatusCode::UNPROCESSABLE_ENTITY, "settlement.bill"),
        (with("medfee_sumamt", "10000000.01"), StatusCode::UNPROCESSABLE_ENTITY, "settlement.bill"),
        (with("inscp_scp_amt", "2600.00"), StatusCode::UNPROCESSABLE_ENTITY, "settlement.bill"),
        (with("acct_used_flag", "2"), StatusCode::UNPROCESSABLE_ENTITY, "settlement.acct_used_flag"),
        (with("card_password", "111111"), StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong"),
        (with("mdtrt_cert_no", "Z99999999"), StatusCode::NOT_FOUND, "card.not_found"),
        (with("med_type", "99"), StatusCode::UNPROCESSABLE_ENTITY, "request.invalid_body"),
    ];
    for (body, status, code) in cases {
        app.post("/v1/settlements/previews", &hospital, body).await.assert_problem(status, code);
    }
    let bank = app.client_token(ClientKind::Bank).await;
    let by_bank = app.post("/v1/settlements/previews", &bank, inpatient_bill("03", &card_no, None)).await;
    by_bank.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}

#[tokio::test]
async fn benefits_suspended_for_arrears_pay_nothing_from_the_fund() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (_, card_no) = app.card_in(&clerk, Reach::Active).await;
    let hospital = app.client_token(ClientKind::Institution).await;
    // November unpaid past the cut-off: in arrears, benefits suspended from 1 December.
    app.set_china_time(2026, 11, 26, 9);
    app.run_jobs().await;
    app.set_china_time(2026, 12, 2, 9);

    let split = app.post("/v1/settlements/previews", &hospital, inpatient_bill("03", &card_no, None)).await;

    assert_eq!(split.status, StatusCode::OK, "{}", split.text);
    assert_eq!((&split.body["fund_pay_sumamt"], &split.body["psn_insu_stas"]), (&json!("0.00"), &json!("2")));
    assert_eq!(split.body["psn_cash_pay"], "3000.00");
}
