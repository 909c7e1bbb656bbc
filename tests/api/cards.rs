//! The card lifecycle over HTTP: every legal step works and is recorded, every other step is
//! refused naming the current state with nothing changed; issuance, loss, freeze, replacement,
//! and who may do which.

use std::collections::HashSet;

use axum::http::StatusCode;
use chrono::TimeZone;
use medcard::cards::{CardAction, CardState, card_transitions, next_card_state};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::helpers::cards::{HTTP_ACTIONS, Holder, Reach, card_path, success_status};

/// The card in a response: the old card of a replacement, the card itself otherwise.
fn card_of(action: CardAction, body: &Value) -> &Value {
    if action == CardAction::Withdraw { &body["replaced"] } else { body }
}

#[tokio::test]
async fn every_legal_card_step_works_over_http_and_writes_one_history_row() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let mut covered = HashSet::new();
    for reach in Reach::ALL {
        let (from, frozen_from) = reach.state();
        for action in HTTP_ACTIONS {
            let Some(to) = next_card_state(from, action, frozen_from) else {
                continue;
            };
            let (holder, card_no) = app.card_in(&clerk, reach).await;
            let history_before = app.card_history_len(&card_no).await;

            let response = app.card_action(&clerk, &holder, &card_no, action).await;

            assert_eq!(response.status, success_status(action), "{reach:?} {action:?}: {}", response.text);
            assert_eq!(card_of(action, &response.body)["state"], to.code(), "{reach:?} {action:?}");
            assert_eq!(app.stored_card_state(&card_no).await.0, to, "{reach:?} {action:?}");
            assert_eq!(app.card_history_len(&card_no).await, history_before + 1, "{reach:?} {action:?}");
            let history = app.card_history(&clerk, &card_no).await;
            let last = history.last().unwrap();
            assert_eq!((&last["from"], &last["to"]), (&json!(from.code()), &json!(to.code())));
            assert_eq!(last["reason_code"], action.code());
            assert_eq!(last["actor_kind"], "staff");
            assert_eq!(last["channel"], "service_hall");
            covered.insert((from, action, to));
        }
    }
    let expected: HashSet<_> =
        card_transitions().iter().copied().filter(|(_, action, _)| *action != CardAction::LapseTemporaryLoss).collect();
    assert_eq!(covered, expected, "every step of the table but the lapse (tested with the job) was driven");
}

/// How a request for `action` on a card in `reach` is refused, when the table forbids it.
fn refusal(reach: Reach, action: CardAction) -> (StatusCode, &'static str) {
    match (reach, action) {
        // A formally lost card is replaced with reason `lost`, never withdrawn for damage.
        (Reach::Lost, CardAction::Withdraw) => (StatusCode::UNPROCESSABLE_ENTITY, "card.replacement_reason"),
        // The answer names the card that replaced it.
        (Reach::Replaced, CardAction::Withdraw) => (StatusCode::CONFLICT, "card.already_replaced"),
        _ => (StatusCode::CONFLICT, "card.illegal_transition"),
    }
}

#[tokio::test]
async fn every_step_outside_the_table_is_refused_naming_the_current_state_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    for reach in Reach::ALL {
        let (from, frozen_from) = reach.state();
        let (holder, card_no) = app.card_in(&clerk, reach).await;
        for action in HTTP_ACTIONS {
            if next_card_state(from, action, frozen_from).is_some() {
                continue;
            }
            let card_before = app.get(&card_path(&card_no, ""), &clerk).await.body;
            let history_before = app.card_history_len(&card_no).await;
            let cards_before = person_cards(&app, &clerk, &holder).await.len();

            let response = app.card_action(&clerk, &holder, &card_no, action).await;

            let (status, code) = refusal(reach, action);
            response.assert_problem(status, code);
            if code == "card.illegal_transition" {
                assert_eq!(response.body["current_state"], from.code(), "{reach:?} {action:?}");
                assert_eq!(response.body["current_state_label"], from.label_zh(), "{reach:?} {action:?}");
            }
            assert_eq!(app.get(&card_path(&card_no, ""), &clerk).await.body, card_before, "{reach:?} {action:?}");
            assert_eq!(app.card_history_len(&card_no).await, history_before, "{reach:?} {action:?} wrote history");
            assert_eq!(person_cards(&app, &clerk, &holder).await.len(), cards_before, "{reach:?} {action:?}");
        }
    }
}

async fn person_cards(app: &TestApp, token: &str, holder: &Holder) -> Vec<Value> {
    let response = app.get(&format!("/v1/persons/{}/cards", holder.person_no), token).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    response.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_illegal_step_is_explained_in_chinese_and_in_english() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Lost).await;

    let chinese = app.card_action(&clerk, &holder, &card_no, CardAction::Activate).await;
    assert_eq!(chinese.body["title"], "医保卡当前状态为「正式挂失」，不能办理此业务");

    let request = axum::http::Request::builder()
        .method("POST")
        .uri(card_path(&card_no, "/activation"))
        .header("authorization", format!("Bearer {clerk}"))
        .header("content-type", "application/json")
        .header("accept-language", "en")
        .body(axum::body::Body::from(holder.activation("583920").to_string()))
        .unwrap();
    let english = app.call(request).await;
    assert_eq!(english.body["title"], "The card is lost; this is not possible from there");
}

#[tokio::test]
async fn a_person_has_at_most_one_usable_card() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;

    let second =
        app.post(&format!("/v1/persons/{}/cards", holder.person_no), &clerk, json!({ "bank_code": "CCB" })).await;
    second.assert_problem(StatusCode::CONFLICT, "card.usable_card_exists");

    // Once the card is formally lost, a new one may be issued; the lost card then cannot also be
    // replaced, which would give the person two usable cards.
    app.card_action(&clerk, &holder, &card_no, CardAction::ReportFormalLoss).await;
    let new_card = app.issue_card(&clerk, &holder.person_no, "CCB").await;
    assert_eq!(new_card["state"], "unactivated");
    assert_eq!(new_card["generation"], 1);
    let replacement = app.post(&card_path(&card_no, "/replacements"), &clerk, holder.replacement("lost")).await;
    replacement.assert_problem(StatusCode::CONFLICT, "card.usable_card_exists");
    assert_eq!(person_cards(&app, &clerk, &holder).await.len(), 2);
    assert_eq!(app.get(&card_path(&card_no, ""), &clerk).await.body["replaced_by"], Value::Null);
    assert!(app.persons_with_two_usable_cards().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_issuances_for_one_person_give_one_card() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let tasks: Vec<_> = ["ICBC", "CCB", "ABC", "BOC", "BOCOM", "ZZBANK"]
        .into_iter()
        .map(|bank| {
            let (app, clerk, uri) = (app.clone(), clerk.clone(), format!("/v1/persons/{}/cards", holder.person_no));
            tokio::spawn(async move { app.post(&uri, &clerk, json!({ "bank_code": bank })).await })
        })
        .collect();
    let mut issued = 0;
    for task in tasks {
        let response = task.await.unwrap();
        match response.status {
            StatusCode::CREATED => issued += 1,
            _ => response.assert_problem(StatusCode::CONFLICT, "card.usable_card_exists"),
        }
    }
    assert_eq!(issued, 1);
    assert_eq!(person_cards(&app, &clerk, &holder).await.len(), 1);
}

#[tokio::test]
async fn issuance_requests_are_checked_each_with_its_own_code() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let icbc = app.bank_token("ICBC").await;
    let holder = app.enrol_holder(&clerk).await;
    let path = format!("/v1/persons/{}/cards", holder.person_no);
    let cases = [
        (&clerk, path.as_str(), json!({ "bank_code": "HSBC" }), StatusCode::UNPROCESSABLE_ENTITY, "card.unknown_bank"),
        (&icbc, path.as_str(), json!({ "bank_code": "CCB" }), StatusCode::FORBIDDEN, "card.not_issuing_bank"),
        (
            &clerk,
            "/v1/persons/4101999999999999/cards",
            json!({ "bank_code": "ICBC" }),
            StatusCode::NOT_FOUND,
            "person.not_found",
        ),
        (
            &clerk,
            path.as_str(),
            json!({ "bank_code": "ICBC", "color": "red" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_body",
        ),
    ];
    for (token, uri, body, status, code) in cases {
        app.post(uri, token, body.clone()).await.assert_problem(status, code);
    }
    assert!(person_cards(&app, &clerk, &holder).await.is_empty());

    // A bank issues its own cards; a lower-case code is read as the bank's.
    let card = app.issue_card(&icbc, &holder.person_no, "icbc").await;
    assert_eq!(card["bank_code"], "ICBC");
    assert_eq!(card["issued_on"], "2026-11-20");
    assert_eq!(card["expires_on"], "2036-11-20");
    assert_eq!(card["card_no"].as_str().unwrap().len(), 9);
    let history = app.card_history(&clerk, card["card_no"].as_str().unwrap()).await;
    assert_eq!(history.len(), 1);
    assert_eq!(
        (&history[0]["from"], &history[0]["to"], &history[0]["reason_code"]),
        (&Value::Null, &json!("unactivated"), &json!("issued"))
    );
    assert_eq!(history[0]["channel"], "bank");
}

#[tokio::test]
async fn a_transferred_out_person_gets_no_card() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let transfer = json!({
        "to": "transferred_out", "reason_code": "relocation", "reason": "转往北京", "target_region": "110105"
    });
    let moved = app.post(&format!("/v1/persons/{}/status-transitions", holder.person_no), &clerk, transfer).await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text);

    let response =
        app.post(&format!("/v1/persons/{}/cards", holder.person_no), &clerk, json!({ "bank_code": "ICBC" })).await;

    response.assert_problem(StatusCode::CONFLICT, "person.transferred_out");
}

#[tokio::test]
async fn a_transferred_out_holders_card_can_still_be_reported_lost_but_not_put_back_into_use() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let transfer = json!({
        "to": "transferred_out", "reason_code": "relocation", "reason": "转往北京", "target_region": "110105"
    });
    let moved = app.post(&format!("/v1/persons/{}/status-transitions", holder.person_no), &clerk, transfer).await;
    assert_eq!(moved.status, StatusCode::CREATED, "{}", moved.text);

    let temporary = app.post(&card_path(&card_no, "/loss-reports"), &clerk, holder.loss_report("temporary")).await;
    assert_eq!(temporary.status, StatusCode::CREATED, "{}", temporary.text);
    let cancel = app.delete(&card_path(&card_no, "/loss-reports"), &clerk, holder.identity()).await;
    cancel.assert_problem(StatusCode::CONFLICT, "person.transferred_out");
    let formal = app.post(&card_path(&card_no, "/loss-reports"), &clerk, holder.loss_report("formal")).await;
    assert_eq!(formal.status, StatusCode::CREATED, "{}", formal.text);
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Lost);
}

#[tokio::test]
async fn cards_are_read_by_the_hall_and_the_issuing_bank_only() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (_, card_no) = app.holder_with_card(&clerk).await;
    let cases = [
        (app.bank_token("ICBC").await, StatusCode::OK, None),
        // Institutions and terminals see a card only when it is presented, never by number.
        (app.client_token(ClientKind::Institution).await, StatusCode::FORBIDDEN, Some("auth.insufficient_scope")),
        (app.client_token(ClientKind::Terminal).await, StatusCode::FORBIDDEN, Some("auth.insufficient_scope")),
        (app.bank_token("CCB").await, StatusCode::FORBIDDEN, Some("card.not_issuing_bank")),
        (app.client_token(ClientKind::TaxBureau).await, StatusCode::FORBIDDEN, Some("auth.insufficient_scope")),
    ];
    for (token, status, code) in cases {
        for suffix in ["", "/transitions"] {
            let response = app.get(&card_path(&card_no, suffix), &token).await;
            match code {
                None => assert_eq!(response.status, status, "{}", response.text),
                Some(code) => response.assert_problem(status, code),
            }
        }
    }
    app.get("/v1/cards/A1234", &clerk).await.assert_problem(StatusCode::BAD_REQUEST, "request.bad_path");
    app.get("/v1/cards/Z99999999", &clerk).await.assert_problem(StatusCode::NOT_FOUND, "card.not_found");
    // Whoever may not read cards by number does not learn which numbers exist either.
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    for suffix in ["", "/transitions"] {
        let unknown = app.get(&card_path("Z99999999", suffix), &wechat).await;
        unknown.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }
}

#[tokio::test]
async fn a_temporary_loss_is_reported_at_the_hall_and_cancelled_with_the_holders_identity() {
    // Online channels report a temporary loss of their own card in a person session
    // (`/v1/me/cards/{card_no}/loss-reports`, tests/api/me.rs); this path, with the ID number
    // and name, is the hall's and the issuing banks'.
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;

    let report = app.post(&card_path(&card_no, "/loss-reports"), &clerk, holder.loss_report("temporary")).await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.text);
    assert_eq!(report.body["state"], "temporarily_lost");
    // Friday 20 November 2026 + 3 working days: Monday 23, Tuesday 24, Wednesday 25.
    assert_eq!(report.body["temporary_loss_until"], "2026-11-25");

    let stranger = json!({ "id_number": holder.id_number, "name": "李四" });
    app.delete(&card_path(&card_no, "/loss-reports"), &clerk, stranger)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.identity_mismatch");
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::TemporarilyLost);

    let cancel = app.delete(&card_path(&card_no, "/loss-reports"), &clerk, holder.identity()).await;
    assert_eq!(cancel.status, StatusCode::OK, "{}", cancel.text);
    assert_eq!(cancel.body["state"], "active");
    assert_eq!(cancel.body["temporary_loss_until"], Value::Null);

    let history = app.card_history(&clerk, &card_no).await;
    let codes: Vec<_> = history.iter().map(|h| h["reason_code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["issued", "activation", "temporary_loss", "temporary_loss_cancelled"]);
    for row in &history[2..] {
        assert_eq!(row["channel"], "service_hall");
        assert_eq!(row["actor_kind"], "staff");
    }
}

#[tokio::test]
async fn a_formal_loss_at_the_issuing_bank_is_final() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let icbc = app.bank_token("ICBC").await;
    let (holder, card_no) = app.card_in(&clerk, Reach::TemporarilyLost).await;

    let report = app.post(&card_path(&card_no, "/loss-reports"), &icbc, holder.loss_report("formal")).await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.text);
    assert_eq!(report.body["state"], "lost");
    assert_eq!(report.body["temporary_loss_until"], Value::Null);

    let mut activation = holder.activation("583920");
    activation["branch_code"] = json!("4100-0001");
    let attempts = [
        app.post(&card_path(&card_no, "/activation"), &icbc, activation).await,
        app.card_action(&clerk, &holder, &card_no, CardAction::Activate).await,
        app.card_action(&clerk, &holder, &card_no, CardAction::ReportTemporaryLoss).await,
        app.card_action(&clerk, &holder, &card_no, CardAction::CancelTemporaryLoss).await,
        app.card_action(&clerk, &holder, &card_no, CardAction::Freeze).await,
        app.card_action(&clerk, &holder, &card_no, CardAction::ReportFormalLoss).await,
    ];
    for response in attempts {
        response.assert_problem(StatusCode::CONFLICT, "card.illegal_transition");
        assert_eq!(response.body["current_state"], "lost");
    }
    // The lapse job leaves a lost card alone.
    app.clock.advance(chrono::Duration::days(30));
    medcard::jobs::run_all_once(&app.core).await;
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Lost);
}

#[tokio::test]
async fn a_freeze_needs_a_reason_and_an_unfreeze_returns_where_the_card_was() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    for (reach, back_to) in [(Reach::Unactivated, "unactivated"), (Reach::Active, "active")] {
        let (_, card_no) = app.card_in(&clerk, reach).await;
        for reason in ["", "   ", &"异".repeat(501)] {
            app.post(&card_path(&card_no, "/freeze"), &clerk, json!({ "reason": reason }))
                .await
                .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "card.reason_text");
        }

        let frozen = app.post(&card_path(&card_no, "/freeze"), &clerk, json!({ "reason": "异常交易核查" })).await;
        assert_eq!(frozen.status, StatusCode::CREATED, "{}", frozen.text);
        assert_eq!((&frozen.body["state"], &frozen.body["frozen_from"]), (&json!("frozen"), &json!(back_to)));

        let unfrozen = app.delete(&card_path(&card_no, "/freeze"), &clerk, json!({ "reason": "核查无异常" })).await;
        assert_eq!(unfrozen.status, StatusCode::OK, "{}", unfrozen.text);
        assert_eq!((&unfrozen.body["state"], &unfrozen.body["frozen_from"]), (&json!(back_to), &Value::Null));

        let history = app.card_history(&clerk, &card_no).await;
        let reasons: Vec<_> = history.iter().rev().take(2).map(|h| h["reason"].as_str().unwrap()).collect();
        assert_eq!(reasons, ["核查无异常", "异常交易核查"]);
    }
}

#[tokio::test]
async fn a_replacement_chain_links_cards_both_ways_and_each_new_card_is_collected_before_activation() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, first) = app.card_in(&clerk, Reach::Active).await;

    // Replacing an active card because it was lost makes the loss formal first.
    let ordered = app.post(&card_path(&first, "/replacements"), &clerk, holder.replacement("lost")).await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.text);
    let (old, new) = (&ordered.body["replaced"], &ordered.body["replacement"]);
    let second = new["card_no"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert_eq!((&old["state"], &old["replaced_by"]), (&json!("lost"), &json!(second)));
    assert_eq!(new["replacement_for"], first);
    assert_eq!(
        (&new["state"], &new["generation"], &new["fulfilment"]),
        (&json!("unactivated"), &json!(2), &json!("ordered"))
    );
    // Friday 20 November 2026 + 10 working days (no holiday in between).
    assert_eq!(new["expected_ready_on"], "2026-12-04");
    assert_eq!(app.get(&card_path(&first, ""), &clerk).await.body["replaced_by"], second);

    collect_in_order(&app, &clerk, &holder, &second).await;
    let activated = app.card_action(&clerk, &holder, &second, CardAction::Activate).await;
    assert_eq!(activated.status, StatusCode::OK, "{}", activated.text);
    assert_eq!(activated.body["state"], "active");

    // The replacement is itself replaced, for damage.
    let damaged = app.post(&card_path(&second, "/replacements"), &clerk, holder.replacement("damaged")).await;
    assert_eq!(damaged.status, StatusCode::CREATED, "{}", damaged.text);
    let third = damaged.body["replacement"]["card_no"].as_str().unwrap().to_owned();
    assert_eq!(damaged.body["replaced"]["state"], "replaced");
    assert_eq!(damaged.body["replaced"]["replaced_by"], third);
    assert_eq!(damaged.body["replacement"]["replacement_for"], second);
    assert_eq!(damaged.body["replacement"]["generation"], 3);

    app.post(&card_path(&first, "/replacements"), &clerk, holder.replacement("lost"))
        .await
        .assert_problem(StatusCode::CONFLICT, "card.already_replaced");
    app.post(&card_path(&second, "/fulfilment"), &clerk, json!({ "step": "collected" }))
        .await
        .assert_problem(StatusCode::CONFLICT, "card.fulfilment_out_of_order");

    let cards = person_cards(&app, &clerk, &holder).await;
    let states: Vec<_> =
        cards.iter().map(|c| (c["generation"].as_i64().unwrap(), c["state"].as_str().unwrap())).collect();
    assert_eq!(states, [(1, "lost"), (2, "replaced"), (3, "unactivated")]);

    let history = app.card_history(&clerk, &second).await;
    let codes: Vec<_> = history.iter().map(|h| h["reason_code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["replacement_ordered", "fulfilment", "fulfilment", "fulfilment", "activation", "withdrawn_for_replacement"]
    );
}

/// Moves a replacement card through fulfilment, checking that activation waits for collection
/// and that steps are neither skipped nor repeated.
async fn collect_in_order(app: &TestApp, clerk: &str, holder: &Holder, card_no: &str) {
    let steps = ["ordered", "produced", "ready_for_collection", "collected"];
    for window in steps.windows(2) {
        let (current, next) = (window[0], window[1]);
        let early = app.card_action(clerk, holder, card_no, CardAction::Activate).await;
        early.assert_problem(StatusCode::CONFLICT, "card.not_collected");
        assert_eq!(early.body["fulfilment"], current);
        for wrong in steps.iter().filter(|s| **s != next) {
            let response = app.post(&card_path(card_no, "/fulfilment"), clerk, json!({ "step": wrong })).await;
            response.assert_problem(StatusCode::CONFLICT, "card.fulfilment_out_of_order");
            assert_eq!(response.body["current_fulfilment"], current);
        }
        let moved = app.post(&card_path(card_no, "/fulfilment"), clerk, json!({ "step": next })).await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
        assert_eq!(moved.body["fulfilment"], next);
    }
}

#[tokio::test]
async fn replacement_requests_are_checked_each_with_its_own_code() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let cases = [
        (holder.replacement("stolen"), StatusCode::UNPROCESSABLE_ENTITY, "card.replacement_reason"),
        // Issued today, valid ten years: not within 90 days of expiry.
        (holder.replacement("expired"), StatusCode::UNPROCESSABLE_ENTITY, "card.not_expiring"),
        (
            json!({ "reason": "damaged", "id_number": holder.id_number, "name": "张三" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "card.identity_mismatch",
        ),
    ];
    for (body, status, code) in cases {
        app.post(&card_path(&card_no, "/replacements"), &clerk, body).await.assert_problem(status, code);
    }
    assert_eq!(app.stored_card_state(&card_no).await, (CardState::Active, None));
    assert_eq!(person_cards(&app, &clerk, &holder).await.len(), 1);
    app.post(&card_path(&card_no, "/fulfilment"), &clerk, json!({ "step": "produced" }))
        .await
        .assert_problem(StatusCode::CONFLICT, "card.no_fulfilment");

    // Within 90 days of the expiry date the card is replaced for expiry.
    app.clock.set(chrono::Utc.with_ymd_and_hms(2036, 9, 1, 2, 0, 0).unwrap());
    let clerk = app.staff_token(Role::Clerk).await;
    let renewed = app.post(&card_path(&card_no, "/replacements"), &clerk, holder.replacement("expired")).await;
    assert_eq!(renewed.status, StatusCode::CREATED, "{}", renewed.text);
    assert_eq!(renewed.body["replaced"]["state"], "replaced");
}

#[tokio::test]
async fn the_issuing_bank_reports_formal_losses_orders_replacements_and_moves_fulfilment_others_do_not() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (icbc, ccb) = (app.bank_token("ICBC").await, app.bank_token("CCB").await);
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;

    app.post(&card_path(&card_no, "/loss-reports"), &ccb, holder.loss_report("formal"))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "card.not_issuing_bank");
    app.post(&card_path(&card_no, "/replacements"), &ccb, holder.replacement("lost"))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "card.not_issuing_bank");
    assert_eq!(app.stored_card_state(&card_no).await.0, CardState::Active);

    let ordered = app.post(&card_path(&card_no, "/replacements"), &icbc, holder.replacement("lost")).await;
    assert_eq!(ordered.status, StatusCode::CREATED, "{}", ordered.text);
    let new_card = ordered.body["replacement"]["card_no"].as_str().unwrap().to_owned();
    assert_eq!(ordered.body["replacement"]["bank_code"], "ICBC");
    app.post(&card_path(&new_card, "/fulfilment"), &ccb, json!({ "step": "produced" }))
        .await
        .assert_problem(StatusCode::FORBIDDEN, "card.not_issuing_bank");
    let produced = app.post(&card_path(&new_card, "/fulfilment"), &icbc, json!({ "step": "produced" })).await;
    assert_eq!(produced.status, StatusCode::OK, "{}", produced.text);
}

/// A request a channel might try on a card.
#[derive(Debug, Clone, Copy)]
enum Attempt {
    TemporaryLoss,
    FormalLoss,
    Activate,
    Freeze,
    Replace,
    Issue,
}

async fn attempt(
    app: &TestApp,
    token: &str,
    holder: &Holder,
    card_no: &str,
    what: Attempt,
) -> crate::helpers::TestResponse {
    match what {
        Attempt::TemporaryLoss => {
            app.post(&card_path(card_no, "/loss-reports"), token, holder.loss_report("temporary")).await
        }
        Attempt::FormalLoss => {
            app.post(&card_path(card_no, "/loss-reports"), token, holder.loss_report("formal")).await
        }
        Attempt::Activate => {
            let mut body = holder.activation("583920");
            body["branch_code"] = json!("4100-0001");
            app.post(&card_path(card_no, "/activation"), token, body).await
        }
        Attempt::Freeze => app.post(&card_path(card_no, "/freeze"), token, json!({ "reason": "异常" })).await,
        Attempt::Replace => app.post(&card_path(card_no, "/replacements"), token, holder.replacement("damaged")).await,
        Attempt::Issue => {
            app.post(&format!("/v1/persons/{}/cards", holder.person_no), token, json!({ "bank_code": "ICBC" })).await
        }
    }
}

#[tokio::test]
async fn channels_without_the_scope_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, unactivated) = app.card_in(&clerk, Reach::Unactivated).await;
    let (active_holder, active) = app.card_in(&clerk, Reach::Active).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let cases = [
        // Online channels report a temporary loss only in a person session (tests/api/me.rs).
        (wechat.clone(), Attempt::TemporaryLoss),
        (wechat.clone(), Attempt::FormalLoss),
        (wechat.clone(), Attempt::Activate),
        (wechat.clone(), Attempt::Freeze),
        (wechat.clone(), Attempt::Replace),
        (wechat.clone(), Attempt::Issue),
        (app.client_token(ClientKind::TaxBureau).await, Attempt::Activate),
        (app.client_token(ClientKind::ProvincialPlatform).await, Attempt::TemporaryLoss),
        (app.client_token(ClientKind::Terminal).await, Attempt::TemporaryLoss),
        (app.client_token(ClientKind::Institution).await, Attempt::FormalLoss),
        (app.client_token(ClientKind::ServiceHall).await, Attempt::Activate),
        (app.bank_token("ICBC").await, Attempt::TemporaryLoss),
        (app.bank_token("ICBC").await, Attempt::Freeze),
        (app.staff_token(Role::Auditor).await, Attempt::Freeze),
    ];
    for (token, what) in cases {
        let (holder, card_no) = match what {
            Attempt::Activate | Attempt::Issue => (&holder, &unactivated),
            _ => (&active_holder, &active),
        };
        attempt(&app, &token, holder, card_no, what)
            .await
            .assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
    }
    assert_eq!(app.stored_card_state(&unactivated).await.0, CardState::Unactivated);
    assert_eq!(app.stored_card_state(&active).await.0, CardState::Active);
    assert_eq!(app.card_history_len(&unactivated).await, 1);
    assert_eq!(app.card_history_len(&active).await, 2);

    // What the hall may do with the holder's identity: a temporary loss.
    let response = attempt(&app, &clerk, &active_holder, &active, Attempt::TemporaryLoss).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
}

#[tokio::test]
async fn a_presented_identity_that_does_not_match_the_holder_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, unactivated) = app.card_in(&clerk, Reach::Unactivated).await;
    let (active_holder, active) = app.card_in(&clerk, Reach::Active).await;
    let other = app.enrol_holder(&clerk).await;
    let wrong_check = crate::helpers::ids::with_wrong_check(&holder.id_number);
    let identities = [
        (json!({ "id_number": holder.id_number, "name": "王芳芳" }), "card.identity_mismatch"),
        (json!({ "id_number": other.id_number, "name": holder.name }), "card.identity_mismatch"),
        (json!({ "id_number": wrong_check, "name": holder.name }), "id_number.check_digit"),
        (json!({ "id_number": "4101", "name": holder.name }), "id_number.format"),
    ];
    for (identity, code) in identities {
        let mut activation = identity.clone();
        activation["password"] = json!("583920");
        let mut temporary = identity.clone();
        temporary["kind"] = json!("temporary");
        let mut formal = identity.clone();
        formal["kind"] = json!("formal");
        let mut replacement = identity.clone();
        replacement["reason"] = json!("damaged");
        let requests = [
            (card_path(&unactivated, "/activation"), activation),
            (card_path(&active, "/loss-reports"), temporary),
            (card_path(&active, "/loss-reports"), formal),
            (card_path(&active, "/replacements"), replacement),
        ];
        for (uri, body) in requests {
            let response = app.post(&uri, &clerk, body.clone()).await;
            response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
            assert_eq!(response.body["field"], "id_number", "{body}");
        }
    }
    assert_eq!(app.stored_card_state(&unactivated).await.0, CardState::Unactivated);
    assert_eq!(app.stored_card_state(&active).await.0, CardState::Active);
    assert_eq!(app.card_history_len(&unactivated).await, 1);
    assert_eq!(app.card_history_len(&active).await, 2);
    assert_eq!(person_cards(&app, &clerk, &active_holder).await.len(), 1);
    let unactivated_card = app.get(&card_path(&unactivated, ""), &clerk).await.body;
    assert_eq!(unactivated_card["password_set"], false);
}
