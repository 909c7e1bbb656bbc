//! Card reads (1101): the holder of a presented card or ID card, masked; the balance only with an
//! active card and its password; the last consumptions; every read audited.

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::json;

use crate::helpers::TestApp;
use crate::helpers::cards::{CARD_PASSWORD, Reach};

#[tokio::test]
async fn a_card_with_its_password_shows_the_holder_the_balance_and_the_last_consumptions() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let hospital = app.client_token(ClientKind::Institution).await;
    let bill = json!({
        "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no, "med_type": "41", "medfee_sumamt": "12.00",
        "fulamt_ownpay_amt": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": "12.00", "acct_used_flag": "0",
        "msgid": "PH-1"
    });
    assert_eq!(app.post_idempotent("/v1/settlements", &hospital, "cr-1", bill).await.status, StatusCode::CREATED);

    let read = app
        .post(
            "/v1/card-reads",
            &hospital,
            json!({ "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no, "card_password": CARD_PASSWORD }),
        )
        .await;

    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let b = &read.body;
    assert_eq!(
        (&b["psn_no"], &b["card_state"], &b["balc"]),
        (&json!(holder.person_no), &json!("active"), &json!("0.00"))
    );
    assert_eq!((&b["benefits_active"], &b["psn_insu_stas"]), (&json!(true), &json!("1")));
    assert!(b["certno"].as_str().unwrap().contains("********") && b["psn_name"].as_str().unwrap().contains('*'));
    assert_eq!(b["consumptions"][0]["medfee_sumamt"], "12.00");
    assert_eq!(app.audit_count("card.read", &holder.person_no).await, 1);
}

#[tokio::test]
async fn without_the_password_or_by_id_card_no_balance_is_shown() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let terminal = app.client_token(ClientKind::Terminal).await;
    for body in [
        json!({ "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no }),
        json!({ "mdtrt_cert_type": "02", "mdtrt_cert_no": holder.id_number }),
    ] {
        let read = app.post("/v1/card-reads", &terminal, body).await;
        assert_eq!(read.status, StatusCode::OK, "{}", read.text);
        assert_eq!(read.body["balc"], serde_json::Value::Null);
        assert_eq!(read.body["consumptions"], json!([]), "the history needs the card's password");
    }
    let wrong = app
        .post(
            "/v1/card-reads",
            &terminal,
            json!({ "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no, "card_password": "111111" }),
        )
        .await;
    wrong.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.password_wrong");
    let bank = app.client_token(ClientKind::Bank).await;
    let by_bank = app.post("/v1/card-reads", &bank, json!({ "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no })).await;
    by_bank.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}
