//! Family mutual aid: a holder binds a near relative, the relative confirms, and the holder's
//! account pays what the relative's own account cannot of their part of a bill; a reversal gives
//! it back to the holder; bindings end from either side, at the hall, and on a transfer out.

use axum::http::{Method, StatusCode};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::cards::{CARD_PASSWORD, Holder};
use crate::helpers::{TestApp, TestResponse};

/// A person with an active card, their own phone and a 豫事办 session.
struct Member {
    holder: Holder,
    card_no: String,
    session: String,
}

async fn member(app: &TestApp, clerk: &str, funded: bool) -> Member {
    let (holder, card_no) = app.active_holder_on_own_phone(clerk).await;
    if funded {
        let actors = app.money_actors().await;
        let key = |k: &str| format!("{k}-{}", holder.person_no);
        let paid = app.pay(&actors.bank, &holder.person_no, &["2026-11"], "600.00", &key("fp")).await;
        let arrived = app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), &key("fa")).await;
        assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    }
    let yushiban = app.client_token(ClientKind::Yushiban).await;
    let phone = app.phone_of(&holder).await;
    let session = app.sms_session(&yushiban, &phone).await;
    Member { holder, card_no, session }
}

async fn request(app: &TestApp, holder: &Member, relative: &Holder, relationship: &str) -> TestResponse {
    let body = json!({ "relative_id_number": relative.id_number, "relative_name": relative.name, "relationship": relationship });
    app.post("/v1/me/family-members", &holder.session, body).await
}

async fn bound(app: &TestApp, holder: &Member, relative: &Member) -> String {
    let requested = request(app, holder, &relative.holder, "parent").await;
    assert_eq!(
        (requested.status, &requested.body["state"]),
        (StatusCode::CREATED, &json!("requested")),
        "{}",
        requested.text
    );
    let id = requested.body["binding_id"].as_str().unwrap().to_owned();
    let confirmed = app.post(&format!("/v1/me/family-members/{id}/confirmation"), &relative.session, json!({})).await;
    assert_eq!(confirmed.body["state"], "active", "{}", confirmed.text);
    id
}

/// A pharmacy purchase (med_type 41: no fund share) of `total` with the card and its password.
fn purchase(card_no: &str, total: &str, msgid: &str) -> Value {
    json!({
        "mdtrt_cert_type": "03", "mdtrt_cert_no": card_no, "card_password": CARD_PASSWORD, "med_type": "41",
        "medfee_sumamt": total, "fulamt_ownpay_amt": "0.00", "preselfpay_amt": "0.00", "inscp_scp_amt": total,
        "acct_used_flag": "1", "msgid": msgid
    })
}

async fn settle(app: &TestApp, pharmacy: &str, key: &str, body: Value) -> TestResponse {
    let settled = app.post_idempotent("/v1/settlements", pharmacy, key, body).await;
    assert_eq!(settled.status, StatusCode::CREATED, "{}", settled.text);
    settled
}

#[tokio::test]
async fn a_confirmed_binding_lets_the_holder_pay_what_the_parents_account_cannot_and_a_reversal_returns_it() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (child, parent) = (member(&app, &clerk, true).await, member(&app, &clerk, false).await);
    let pharmacy = app.client_token(ClientKind::Institution).await;

    let requested = request(&app, &child, &parent.holder, "parent").await;
    let id = requested.body["binding_id"].as_str().unwrap().to_owned();
    let before_confirmation = settle(&app, &pharmacy, "fa-0", purchase(&parent.card_no, "10.00", "FA-0")).await;
    assert_eq!(before_confirmation.body["acct_mulaid_pay"], "0.00", "a requested binding pays nothing");
    app.post(&format!("/v1/me/family-members/{id}/confirmation"), &parent.session, json!({})).await;

    let settled = settle(&app, &pharmacy, "fa-1", purchase(&parent.card_no, "50.00", "FA-1")).await;

    let b = &settled.body;
    assert_eq!(
        (&b["acct_pay"], &b["acct_mulaid_pay"], &b["psn_cash_pay"]),
        (&json!("0.00"), &json!("50.00"), &json!("0.00"))
    );
    assert_eq!(app.balance(&clerk, &child.holder.person_no).await, "70.00");
    let paid = app.get(&format!("/v1/me/family-members/{id}/payments"), &child.session).await;
    assert_eq!((&paid.body["items"][0]["amount"], &paid.body["items"][0]["setl_id"]), (&json!("50.00"), &b["setl_id"]));
    let seen_by_parent = app.get(&format!("/v1/me/family-members/{id}/payments"), &parent.session).await;
    assert!(seen_by_parent.body["holder_name"].as_str().unwrap().contains('*'), "{}", seen_by_parent.text);
    assert!(seen_by_parent.body.get("balance").is_none());

    let uri = format!("/v1/settlements/{}/reversal", b["setl_id"].as_str().unwrap());
    let reversed = app.post_idempotent(&uri, &pharmacy, "fa-2", json!({ "msgid": "FA-2" })).await;
    assert_eq!(reversed.status, StatusCode::OK, "{}", reversed.text);
    assert_eq!(app.balance(&clerk, &child.holder.person_no).await, "120.00");
    assert_eq!(app.balance(&clerk, &parent.holder.person_no).await, "0.00", "never back to the relative");
    let after = app.get(&format!("/v1/me/family-members/{id}/payments"), &child.session).await;
    assert!(after.body["items"][0]["returned_at"].is_string(), "{}", after.text);
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn bad_bindings_are_refused_each_with_its_code() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = member(&app, &clerk, false).await;
    let relative = app.enrol_holder(&clerk).await;

    request(&app, &holder, &holder.holder, "spouse")
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "family.self");
    let mut stranger = relative.clone();
    stranger.name = "张冒名".into();
    request(&app, &holder, &stranger, "spouse")
        .await
        .assert_problem(StatusCode::NOT_FOUND, "family.relative_not_found");
    let bad_relation =
        app.post("/v1/me/family-members", &holder.session, json!({ "relative_id_number": relative.id_number, "relative_name": relative.name, "relationship": "cousin" })).await;
    assert_eq!(bad_relation.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad_relation.text);
    assert_eq!(request(&app, &holder, &relative, "sibling").await.status, StatusCode::CREATED);
    request(&app, &holder, &relative, "sibling").await.assert_problem(StatusCode::CONFLICT, "family.already_bound");
    let listed = app.get(&format!("/v1/persons/{}/family-members", holder.holder.person_no), &clerk).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "{}", listed.text);
}

#[tokio::test]
async fn a_sixth_relative_is_refused_at_the_hall_too() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let uri = format!("/v1/persons/{}/family-members", holder.person_no);

    for n in 0..6 {
        let relative = app.enrol_holder(&clerk).await;
        let body = json!({ "relative_person_no": relative.person_no, "relationship": "child", "proof_kind": "household_register" });
        let answer = app.post(&uri, &clerk, body).await;
        if n < 5 {
            assert_eq!(
                (answer.status, &answer.body["state"]),
                (StatusCode::CREATED, &json!("active")),
                "{}",
                answer.text
            );
        } else {
            answer.assert_problem(StatusCode::CONFLICT, "family.too_many");
        }
    }
}

#[tokio::test]
async fn either_side_unbinds_and_a_transfer_out_ends_every_binding() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, relative) = (member(&app, &clerk, false).await, member(&app, &clerk, false).await);
    let id = bound(&app, &holder, &relative).await;

    let unbound = app.send(Method::DELETE, &format!("/v1/me/family-members/{id}"), Some(&relative.session), None).await;
    assert_eq!(unbound.body["state"], "unbound", "{}", unbound.text);
    let again = app.send(Method::DELETE, &format!("/v1/me/family-members/{id}"), Some(&holder.session), None).await;
    again.assert_problem(StatusCode::CONFLICT, "family.unbound");

    let other = app.enrol_holder(&clerk).await;
    let body = json!({ "relative_person_no": other.person_no, "relationship": "spouse", "proof_kind": "marriage_certificate" });
    assert_eq!(
        app.post(&format!("/v1/persons/{}/family-members", holder.holder.person_no), &clerk, body).await.status,
        StatusCode::CREATED
    );
    app.transfer_out(&clerk, &holder.holder.person_no).await;

    let left = app.get(&format!("/v1/persons/{}/family-members", other.person_no), &clerk).await;
    assert_eq!(left.body, json!([]), "{}", left.text);
}

#[tokio::test]
async fn the_relative_chooses_which_holder_pays_first() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (first, second) = (member(&app, &clerk, true).await, member(&app, &clerk, true).await);
    let parent = member(&app, &clerk, false).await;
    let (a, b) = (bound(&app, &first, &parent).await, bound(&app, &second, &parent).await);
    let pharmacy = app.client_token(ClientKind::Institution).await;

    let reordered = app
        .send(Method::PUT, "/v1/me/family-members/order", Some(&parent.session), Some(json!({ "binding_ids": [b, a] })))
        .await;
    assert_eq!(reordered.status, StatusCode::OK, "{}", reordered.text);
    settle(&app, &pharmacy, "ord-1", purchase(&parent.card_no, "150.00", "ORD-1")).await;

    assert_eq!(app.balance(&clerk, &second.holder.person_no).await, "0.00");
    assert_eq!(app.balance(&clerk, &first.holder.person_no).await, "90.00");
    let partial = app
        .send(Method::PUT, "/v1/me/family-members/order", Some(&parent.session), Some(json!({ "binding_ids": [a] })))
        .await;
    partial.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "family.order");
}

#[tokio::test]
async fn a_holder_and_a_relative_settling_at_once_never_overdraw_the_holder() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, parent) = (member(&app, &clerk, true).await, member(&app, &clerk, false).await);
    bound(&app, &holder, &parent).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;

    let (own, aided) = tokio::join!(
        settle(&app, &pharmacy, "race-h", purchase(&holder.card_no, "100.00", "RACE-H")),
        settle(&app, &pharmacy, "race-p", purchase(&parent.card_no, "100.00", "RACE-P")),
    );

    let money = |v: &Value| medcard::domain::Money::parse(v.as_str().unwrap()).unwrap().fen();
    let taken = money(&own.body["acct_pay"]) + money(&aided.body["acct_mulaid_pay"]);
    assert_eq!(taken, 12_000, "120.00 went exactly once: {} / {}", own.text, aided.text);
    assert_eq!(app.balance(&clerk, &holder.holder.person_no).await, "0.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn the_hall_confirms_a_requested_binding_on_proof() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, relative) = (member(&app, &clerk, false).await, member(&app, &clerk, false).await);
    let requested = request(&app, &holder, &relative.holder, "child").await;
    let id = requested.body["binding_id"].as_str().unwrap();

    let uri = format!("/v1/persons/{}/family-members/{id}/confirmation", relative.holder.person_no);
    let confirmed = app.post(&uri, &clerk, json!({ "proof_kind": "household_register" })).await;

    assert_eq!(confirmed.body["state"], "active", "{}", confirmed.text);
    app.post(&uri, &clerk, json!({ "proof_kind": "household_register" }))
        .await
        .assert_problem(StatusCode::CONFLICT, "family.not_requested");
    let stranger = app.enrol_holder(&clerk).await;
    let elsewhere = format!("/v1/persons/{}/family-members/{id}/confirmation", stranger.person_no);
    app.post(&elsewhere, &clerk, json!({ "proof_kind": "household_register" }))
        .await
        .assert_problem(StatusCode::NOT_FOUND, "family.not_found");
}

#[tokio::test]
async fn a_reversal_goes_through_when_a_paying_holder_has_transferred_out_since() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, parent) = (member(&app, &clerk, true).await, member(&app, &clerk, false).await);
    let id = bound(&app, &holder, &parent).await;
    let pharmacy = app.client_token(ClientKind::Institution).await;
    let settled = settle(&app, &pharmacy, "tro-1", purchase(&parent.card_no, "40.00", "TRO-1")).await;
    app.transfer_out(&clerk, &holder.holder.person_no).await;

    let uri = format!("/v1/settlements/{}/reversal", settled.body["setl_id"].as_str().unwrap());
    let reversed = app.post_idempotent(&uri, &pharmacy, "tro-2", json!({ "msgid": "TRO-2" })).await;

    assert_eq!((reversed.status, &reversed.body["state"]), (StatusCode::OK, &json!("reversed")), "{}", reversed.text);
    let returned_to: Option<String> =
        sqlx::query_scalar("SELECT returned_to FROM family_payments WHERE binding_id = $1::uuid")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(returned_to.as_deref(), Some("outside"));
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn the_holders_account_pays_a_resident_relatives_year_once_and_only_for_a_resident() {
    let mut settings = medcard::platform::config::Settings::defaults();
    settings.contributions.resident_yearly_amount = medcard::domain::Money::parse("100.00").unwrap();
    let app = TestApp::spawn_with(settings).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = member(&app, &clerk, true).await;
    let body = json!({
        "id_number": crate::helpers::ids::fresh_id_number(), "name": "陈小雨", "phone": "13912340001",
        "insurance_type": "390", "region_code": "410105"
    });
    let resident = app.post("/v1/persons", &clerk, body).await.body["person_no"].as_str().unwrap().to_owned();
    let bind = json!({ "relative_person_no": resident, "relationship": "child", "proof_kind": "household_register" });
    let id = app.post(&format!("/v1/persons/{}/family-members", holder.holder.person_no), &clerk, bind).await.body
        ["binding_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let uri = format!("/v1/me/family-members/{id}/contribution-payments");

    let paid = app.post_idempotent(&uri, &holder.session, "fc-1", json!({ "period": "2026" })).await;

    assert_eq!(
        (paid.status, &paid.body["amount"], &paid.body["period"]),
        (StatusCode::CREATED, &json!("100.00"), &json!("2026")),
        "{}",
        paid.text
    );
    assert_eq!(app.balance(&clerk, &holder.holder.person_no).await, "20.00");
    let year = app.get(&format!("/v1/persons/{resident}/contributions"), &clerk).await;
    assert_eq!(
        (&year.body["items"][0]["state"], &year.body["items"][0]["paid_channel"]),
        (&json!("arrived"), &json!("family_account")),
        "{}",
        year.text
    );
    let replay = app.post_idempotent(&uri, &holder.session, "fc-1", json!({ "period": "2026" })).await;
    assert_eq!(replay.status, StatusCode::CREATED);
    app.post_idempotent(&uri, &holder.session, "fc-2", json!({ "period": "2026" }))
        .await
        .assert_problem(StatusCode::CONFLICT, "contribution.already_paid");
    assert_eq!(app.balance(&clerk, &holder.holder.person_no).await, "20.00");

    let employee = member(&app, &clerk, false).await;
    let other = bound(&app, &holder, &employee).await;
    app.post_idempotent(
        &format!("/v1/me/family-members/{other}/contribution-payments"),
        &holder.session,
        "fc-3",
        json!({ "period": "2026" }),
    )
    .await
    .assert_problem(StatusCode::CONFLICT, "family.not_a_resident");
    app.assert_ledger_reconciles().await;
}
