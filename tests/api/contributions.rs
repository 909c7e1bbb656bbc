//! Contributions end to end over HTTP: the FAQ-1 story of seed 000, arrears at the cut-off,
//! payments refused for clear reasons, idempotency, and the money side of sealing and transfer.

use std::sync::Arc;

use axum::http::StatusCode;
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::ids::fresh_id_number;
use crate::helpers::{TestApp, employee_body};

/// Base 6000.00: the employer owes 8 % (480.00), the person 2 % (120.00), and the person's
/// part is what arrival credits to the personal account.
const MONTHLY_DUE: &str = "600.00";
const ALLOCATION: &str = "120.00";

fn person_path(person_no: &str, rest: &str) -> String {
    format!("/v1/persons/{person_no}{rest}")
}

#[tokio::test]
async fn enrolment_owes_the_current_month_from_the_base() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;

    let page = app.get(&person_path(&person_no, "/contributions"), &actors.clerk).await;

    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let month = &page.body["items"][0];
    assert_eq!(month["period"], "2026-11");
    assert_eq!(month["base"], "6000.00");
    assert_eq!(month["employer_part"], "480.00");
    assert_eq!(month["personal_part"], "120.00");
    assert_eq!(month["amount_due"], MONTHLY_DUE);
    assert_eq!(month["allocation"], ALLOCATION);
    assert_eq!(month["state"], "due");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");
}

#[tokio::test]
async fn faq_1_paid_by_bank_stays_in_arrears_until_the_payment_arrives_two_working_days_later() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;

    // Thursday 26 November, after the cut-off on the 25th: November is unpaid.
    app.set_china_time(2026, 11, 26, 9);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    let person = app.get(&person_path(&person_no, ""), &actors.clerk).await.body;
    assert_eq!(person["status"], "in_arrears");
    assert_eq!(person["benefits_suspended_from"], "2026-12-01");

    let payment = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "faq1-pay").await;
    assert_eq!(payment.status, StatusCode::CREATED, "{}", payment.text);
    assert_eq!(payment.body["state"], "paid");
    assert_eq!(app.status(&actors.clerk, &person_no).await, "in_arrears", "paid is not arrived");

    // Monday 30 November: two working days later the tax bureau confirms arrival.
    app.set_china_time(2026, 11, 30, 10);
    let actors = app.money_actors().await;
    let payment_id = payment.body["payment_id"].as_str().unwrap();
    let arrival = app.arrive(&actors.tax, payment_id, "faq1-arrive").await;

    assert_eq!(arrival.status, StatusCode::OK, "{}", arrival.text);
    assert_eq!(arrival.body["arrival_kind"], "automatic");
    let person = app.get(&person_path(&person_no, ""), &actors.clerk).await.body;
    assert_eq!(person["status"], "normal");
    assert_eq!(person["benefits_suspended_from"], Value::Null);
    assert_eq!(app.balance(&actors.clerk, &person_no).await, ALLOCATION);
    let history = app.get(&person_path(&person_no, "/status-transitions"), &actors.clerk).await.body;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["from"].as_str(), last["to"].as_str()), (Some("in_arrears"), Some("normal")));
    assert_eq!(last["reason_code"], "contributions_arrived");
    assert_eq!(app.audit_count("account.entry", &person_no).await, 1, "the allocation is audited");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn faq_1_a_payment_that_never_arrives_is_arrived_by_hand_after_three_working_days() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    app.set_china_time(2026, 11, 26, 9);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    let payment = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "never-pay").await;
    let manual_uri =
        format!("/v1/contribution-payments/{}/manual-arrival", payment.body["payment_id"].as_str().unwrap());
    let receipt = json!({ "receipt_no": "ICBC-20261126-0001" });

    // Monday 30 November: only two working days have passed.
    app.set_china_time(2026, 11, 30, 10);
    let actors = app.money_actors().await;
    let early = app.post_idempotent(&manual_uri, &actors.supervisor, "manual-1", receipt.clone()).await;
    early.assert_problem(StatusCode::CONFLICT, "contribution.arrival_not_overdue");
    assert_eq!(early.body["manual_arrival_from"], "2026-12-02");
    let clerk_try = app.post_idempotent(&manual_uri, &actors.clerk, "manual-2", receipt.clone()).await;
    clerk_try.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");

    // Wednesday 2 December: more than three working days unarrived.
    app.set_china_time(2026, 12, 2, 10);
    let actors = app.money_actors().await;
    let manual = app.post_idempotent(&manual_uri, &actors.supervisor, "manual-3", receipt).await;

    assert_eq!(manual.status, StatusCode::OK, "{}", manual.text);
    assert_eq!(manual.body["arrival_kind"], "manual");
    assert_eq!(manual.body["receipt_no"], "ICBC-20261126-0001");
    assert_eq!(app.status(&actors.clerk, &person_no).await, "normal");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, ALLOCATION);
    let months = app.get(&person_path(&person_no, "/contributions"), &actors.clerk).await.body;
    assert_eq!(months["items"][0]["arrival_kind"], "manual");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn the_cut_off_day_itself_is_still_in_time_and_the_day_after_is_not() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;

    app.set_china_time(2026, 11, 25, 23);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    assert_eq!(app.status(&actors.clerk, &person_no).await, "normal");

    app.set_china_time(2026, 11, 26, 0);
    app.run_jobs().await;
    app.run_jobs().await;
    let actors = app.money_actors().await;
    assert_eq!(app.status(&actors.clerk, &person_no).await, "in_arrears");
    let history = app.get(&person_path(&person_no, "/status-transitions"), &actors.clerk).await.body;
    assert_eq!(history["items"].as_array().unwrap().len(), 2, "a second run changes nothing");
    assert_eq!(history["items"][1]["actor_kind"], "system");
    assert_eq!(history["items"][1]["actor_id"], "arrears_sweep");
}

#[tokio::test]
async fn arrears_across_the_year_end_suspend_benefits_from_the_first_of_january() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "nov").await;
    app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "nov-arrive").await;

    // December is assessed at the start of the month and left unpaid.
    app.set_china_time(2026, 12, 1, 8);
    app.run_jobs().await;
    app.set_china_time(2026, 12, 26, 8);
    app.run_jobs().await;

    let actors = app.money_actors().await;
    let person = app.get(&person_path(&person_no, ""), &actors.clerk).await.body;
    assert_eq!(person["status"], "in_arrears");
    assert_eq!(person["benefits_suspended_from"], "2027-01-01");

    // A make-up payment (补缴) in January, then its arrival, ends the arrears.
    app.set_china_time(2027, 1, 6, 10);
    let actors = app.money_actors().await;
    let makeup = app.pay(&actors.bank, &person_no, &["2026-12"], MONTHLY_DUE, "dec").await;
    assert_eq!(makeup.status, StatusCode::CREATED, "{}", makeup.text);
    app.arrive(&actors.tax, makeup.body["payment_id"].as_str().unwrap(), "dec-arrive").await;
    assert_eq!(app.status(&actors.clerk, &person_no).await, "normal");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "240.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn arrears_end_only_when_every_owed_month_has_arrived() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    app.set_china_time(2026, 12, 1, 8);
    app.run_jobs().await;
    app.set_china_time(2026, 12, 28, 8);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    assert_eq!(app.status(&actors.clerk, &person_no).await, "in_arrears");

    let november = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "n").await;
    app.arrive(&actors.tax, november.body["payment_id"].as_str().unwrap(), "n-a").await;
    assert_eq!(app.status(&actors.clerk, &person_no).await, "in_arrears", "December is still owed");

    let december = app.pay(&actors.bank, &person_no, &["2026-12"], MONTHLY_DUE, "d").await;
    app.arrive(&actors.tax, december.body["payment_id"].as_str().unwrap(), "d-a").await;
    assert_eq!(app.status(&actors.clerk, &person_no).await, "normal");
}

#[tokio::test]
async fn two_months_paid_at_once_arrive_as_two_allocations() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    app.set_china_time(2026, 12, 1, 8);
    app.run_jobs().await;
    let actors = app.money_actors().await;

    let both = app.pay(&actors.bank, &person_no, &["2026-11", "2026-12"], "1200.00", "both").await;
    assert_eq!(both.status, StatusCode::CREATED, "{}", both.text);
    app.arrive(&actors.tax, both.body["payment_id"].as_str().unwrap(), "both-a").await;

    let entries = app.get(&person_path(&person_no, "/account/entries"), &actors.clerk).await.body;
    let items = entries["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!((items[0]["period"].as_str(), items[0]["balance_after"].as_str()), (Some("2026-12"), Some("240.00")));
    assert_eq!((items[1]["period"].as_str(), items[1]["balance_after"].as_str()), (Some("2026-11"), Some("120.00")));
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_batch_arrival_that_includes_an_arrived_payment_credits_its_months_once() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "once").await;
    let payment_id = paid.body["payment_id"].as_str().unwrap().to_owned();
    app.arrive(&actors.tax, &payment_id, "once-a").await;

    let id = medcard::domain::PaymentId(uuid::Uuid::parse_str(&payment_id).unwrap());
    let actor = medcard::platform::caller::Actor::system("test");
    let arrival = medcard::contributions::Arrival {
        at: medcard::platform::clock::Clock::now(&app.clock),
        kind: medcard::contributions::ArrivalKind::Automatic,
        receipt_no: None,
        actor: &actor,
    };
    let mut tx = app.pool.begin().await.unwrap();
    let again = medcard::contributions::Contributions::new(&app.core).arrive_payments(&mut tx, &[id], &arrival).await;
    tx.commit().await.unwrap();

    let outcome = again.expect("arriving again is harmless");
    assert_eq!((outcome.payments, outcome.allocations), (0, 0));
    let entries = app.get(&person_path(&person_no, "/account/entries"), &actors.clerk).await.body;
    assert_eq!(entries["items"].as_array().map(Vec::len), Some(1), "{entries}");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn bad_payments_get_clear_answers_and_change_nothing() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let tax = app.client_token(ClientKind::TaxBureau).await;
    let base = json!({
        "person_no": person_no, "periods": ["2026-11"], "amount": MONTHLY_DUE,
        "paid_at": app.clock_now(), "channel": "bank_withholding", "reference": "r-1"
    });
    let with = |field: &str, value: Value| {
        let mut body = base.clone();
        body[field] = value;
        body
    };
    let cases: Vec<(&str, String, Value, StatusCode, &str)> = vec![
        (
            "part payment",
            actors.bank.clone(),
            with("amount", json!("300.00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.amount_mismatch",
        ),
        (
            "over-payment",
            actors.bank.clone(),
            with("amount", json!("700.00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.amount_mismatch",
        ),
        (
            "unknown month",
            actors.bank.clone(),
            with("periods", json!(["2026-09"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.period_not_due",
        ),
        (
            "future month",
            actors.bank.clone(),
            with("periods", json!(["2027-03"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.period_not_due",
        ),
        (
            "year for an employee",
            actors.bank.clone(),
            with("periods", json!(["2026"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.period_format",
        ),
        (
            "month twice",
            actors.bank.clone(),
            with("periods", json!(["2026-11", "2026-11"])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.periods",
        ),
        (
            "no month",
            actors.bank.clone(),
            with("periods", json!([])),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.periods",
        ),
        (
            "three decimals",
            actors.bank.clone(),
            with("amount", json!("600.001")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "money.format",
        ),
        (
            "amount as number",
            actors.bank.clone(),
            with("amount", json!(600)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_body",
        ),
        (
            "negative",
            actors.bank.clone(),
            with("amount", json!("-600.00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.amount",
        ),
        (
            "paid tomorrow",
            actors.bank.clone(),
            with("paid_at", json!("2026-11-21T10:00:00+08:00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.paid_at_future",
        ),
        (
            "bank posting a tax payment",
            actors.bank.clone(),
            with("channel", json!("tax_bureau")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "contribution.channel",
        ),
        ("tax bureau withholding", tax, base.clone(), StatusCode::UNPROCESSABLE_ENTITY, "contribution.channel"),
        (
            "unknown person",
            actors.bank.clone(),
            with("person_no", json!("4101999999999999")),
            StatusCode::NOT_FOUND,
            "person.not_found",
        ),
        ("hall clerk", actors.clerk.clone(), base.clone(), StatusCode::FORBIDDEN, "auth.insufficient_scope"),
        (
            "unknown field",
            actors.bank.clone(),
            with("tip", json!("1.00")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "request.invalid_body",
        ),
    ];
    for (i, (what, token, body, status, code)) in cases.into_iter().enumerate() {
        let response = app.post_idempotent("/v1/contribution-payments", &token, &format!("bad-{i}"), body).await;
        assert_eq!(response.status, status, "{what}: {}", response.text);
        assert_eq!(response.code(), code, "{what}: {}", response.text);
    }
    let no_key = app.post("/v1/contribution-payments", &actors.bank, base.clone()).await;
    no_key.assert_problem(StatusCode::BAD_REQUEST, "idempotency.key_required");

    let payments: i64 =
        sqlx::query_scalar("SELECT count(*) FROM contribution_payments").fetch_one(&app.pool).await.unwrap();
    assert_eq!(payments, 0);
    let ok = app.post_idempotent("/v1/contribution-payments", &actors.bank, "good", base.clone()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    let again =
        app.post_idempotent("/v1/contribution-payments", &actors.bank, "again", with("reference", json!("r-2"))).await;
    again.assert_problem(StatusCode::CONFLICT, "contribution.already_paid");
    // A reference is the payer's own and unique per client: another person's payment under the
    // same reference is refused; another bank may use it.
    let second_person = app.enrolled_person_no(&actors.clerk).await;
    let second = |reference: &str| {
        json!({
            "person_no": second_person, "periods": ["2026-11"], "amount": MONTHLY_DUE,
            "paid_at": app.clock_now(), "channel": "bank_withholding", "reference": reference
        })
    };
    app.post_idempotent("/v1/contribution-payments", &actors.bank, "second-1", second("r-1"))
        .await
        .assert_problem(StatusCode::CONFLICT, "contribution.duplicate_reference");
    let other_bank = app.client_token(ClientKind::Bank).await;
    let theirs = app.post_idempotent("/v1/contribution-payments", &other_bank, "second-2", second("r-1")).await;
    assert_eq!(theirs.status, StatusCode::CREATED, "{}", theirs.text);
}

#[tokio::test]
async fn an_arrival_is_refused_twice_and_for_unknown_payments() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let payment = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "p").await;
    let id = payment.body["payment_id"].as_str().unwrap();
    assert_eq!(app.arrive(&actors.tax, id, "a1").await.status, StatusCode::OK);
    app.arrive(&actors.tax, id, "a2").await.assert_problem(StatusCode::CONFLICT, "contribution.already_arrived");
    app.arrive(&actors.tax, "00000000-0000-0000-0000-000000000000", "a3")
        .await
        .assert_problem(StatusCode::NOT_FOUND, "contribution.payment_not_found");
    app.arrive(&actors.tax, "not-a-uuid", "a4").await.assert_problem(StatusCode::BAD_REQUEST, "request.bad_path");
    // The bank that took it may confirm arrivals too, but not this one twice.
    app.arrive(&actors.bank, id, "a5").await.assert_problem(StatusCode::CONFLICT, "contribution.already_arrived");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, ALLOCATION);
}

#[tokio::test]
async fn a_replayed_payment_returns_the_stored_answer_and_a_reused_key_is_refused() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;

    let first = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "k-1").await;
    let replay = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "k-1").await;
    let other_body = app.pay(&actors.bank, &person_no, &["2026-11"], "601.00", "k-1").await;

    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(replay.status, StatusCode::CREATED);
    assert_eq!(replay.body, first.body);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    other_body.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "idempotency.key_reused");
    // Keys belong to their client: another bank's same key is a new request.
    let other_bank = app.client_token(ClientKind::Bank).await;
    let theirs = app.pay(&other_bank, &person_no, &["2026-11"], MONTHLY_DUE, "k-1").await;
    theirs.assert_problem(StatusCode::CONFLICT, "contribution.already_paid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_duplicates_make_one_payment_and_one_allocation() {
    let app = Arc::new(TestApp::spawn().await);
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid_at = app.clock_now();
    let body = json!({
        "person_no": person_no, "periods": ["2026-11"], "amount": MONTHLY_DUE,
        "paid_at": paid_at, "channel": "bank_withholding", "reference": "dup"
    });
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (app, bank, body) = (app.clone(), actors.bank.clone(), body.clone());
            tokio::spawn(async move { app.post_idempotent("/v1/contribution-payments", &bank, "same-key", body).await })
        })
        .collect();
    let mut ids = std::collections::HashSet::new();
    for task in tasks {
        let response = task.await.unwrap();
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
        ids.insert(response.body["payment_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1);
    let payment_id = ids.into_iter().next().unwrap();

    let arrivals: Vec<_> = (0..20)
        .map(|_| {
            let (app, tax, id) = (app.clone(), actors.tax.clone(), payment_id.clone());
            tokio::spawn(async move { app.arrive(&tax, &id, "arrive-key").await.status })
        })
        .collect();
    for task in arrivals {
        assert_eq!(task.await.unwrap(), StatusCode::OK);
    }
    let payments: i64 =
        sqlx::query_scalar("SELECT count(*) FROM contribution_payments").fetch_one(&app.pool).await.unwrap();
    let entries: i64 = sqlx::query_scalar("SELECT count(*) FROM account_entries").fetch_one(&app.pool).await.unwrap();
    assert_eq!((payments, entries), (1, 1));
    assert_eq!(app.balance(&actors.clerk, &person_no).await, ALLOCATION);
    app.assert_ledger_reconciles().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_payments_of_one_month_under_different_keys_record_one() {
    let app = Arc::new(TestApp::spawn().await);
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (app, bank, person_no) = (app.clone(), actors.bank.clone(), person_no.clone());
            tokio::spawn(async move {
                app.pay(&bank, &person_no, &["2026-11"], MONTHLY_DUE, &format!("key-{i}")).await.status
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        match task.await.unwrap() {
            StatusCode::CREATED => created += 1,
            other => assert_eq!(other, StatusCode::CONFLICT),
        }
    }
    assert_eq!(created, 1);
}

#[tokio::test]
async fn a_sealed_person_gets_no_allocation_but_keeps_the_balance_and_resumes_on_unsealing() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let november = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "nov").await;
    app.arrive(&actors.tax, november.body["payment_id"].as_str().unwrap(), "nov-a").await;
    app.set_china_time(2026, 12, 1, 8);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    let december = app.pay(&actors.bank, &person_no, &["2026-12"], MONTHLY_DUE, "dec").await;

    let seal = json!({ "to": "sealed", "reason_code": "employment_ended", "reason": "离职" });
    assert_eq!(
        app.post(&person_path(&person_no, "/status-transitions"), &actors.clerk, seal).await.status,
        StatusCode::CREATED
    );
    app.arrive(&actors.tax, december.body["payment_id"].as_str().unwrap(), "dec-a").await;

    let account = app.get(&person_path(&person_no, "/account"), &actors.clerk).await.body;
    assert_eq!(account["balance"], ALLOCATION, "the December arrival while sealed credits nothing");
    assert_eq!(account["allocations_stopped"], true);
    assert_eq!(account["allocations_stopped_reason"], "sealed");

    let unseal = json!({ "to": "normal", "reason_code": "new_employer", "reason": "新单位" });
    assert_eq!(
        app.post(&person_path(&person_no, "/status-transitions"), &actors.clerk, unseal).await.status,
        StatusCode::CREATED
    );
    let account = app.get(&person_path(&person_no, "/account"), &actors.clerk).await.body;
    assert_eq!(account["allocations_stopped"], false);
    // Unsealed in December: January's contribution credits the account again.
    app.set_china_time(2027, 1, 4, 9);
    app.run_jobs().await;
    let actors = app.money_actors().await;
    let january = app.pay(&actors.bank, &person_no, &["2027-01"], MONTHLY_DUE, "jan").await;
    assert_eq!(january.status, StatusCode::CREATED, "{}", january.text);
    app.arrive(&actors.tax, january.body["payment_id"].as_str().unwrap(), "jan-a").await;
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "240.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_transfer_out_moves_the_whole_balance_out_and_a_transfer_in_brings_one_back() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid = app.pay(&actors.bank, &person_no, &["2026-11"], MONTHLY_DUE, "p").await;
    app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "a").await;
    let transitions = person_path(&person_no, "/status-transitions");

    let out = json!({ "to": "transferred_out", "reason_code": "relocation", "reason": "调往上海", "target_region": "310115" });
    assert_eq!(app.post(&transitions, &actors.clerk, out).await.status, StatusCode::CREATED);

    let account = app.get(&person_path(&person_no, "/account"), &actors.clerk).await.body;
    assert_eq!(account["balance"], "0.00");
    assert_eq!(account["frozen"], true);
    let entries = app.get(&person_path(&person_no, "/account/entries"), &actors.clerk).await.body;
    assert_eq!(entries["items"][0]["kind"], "transfer_out");
    assert_eq!(entries["items"][0]["amount"], "-120.00");
    let approver = app.staff_token(Role::Supervisor).await;
    let refused = app.adjust(&actors.supervisor, &approver, &person_no, "5.00", "adj").await;
    refused.assert_problem(StatusCode::CONFLICT, "account.frozen");

    let back = json!({
        "to": "normal", "reason_code": "transfer_in", "reason": "调回郑州", "source_region": "310115",
        "carried_over_balance": "300.50"
    });
    let response = app.post(&transitions, &actors.clerk, back).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.text);
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "300.50");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_new_person_transferred_in_starts_with_the_carried_over_balance() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let mut body = employee_body(&fresh_id_number());
    body["transferred_in_from"] = json!("110105");
    body["carried_over_balance"] = json!("1520.30");
    let person = app.post("/v1/persons", &actors.clerk, body).await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.text);
    let person_no = person.body["person_no"].as_str().unwrap();
    assert_eq!(app.balance(&actors.clerk, person_no).await, "1520.30");

    let mut no_transfer = employee_body(&fresh_id_number());
    no_transfer["carried_over_balance"] = json!("10.00");
    app.post("/v1/persons", &actors.clerk, no_transfer)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "account.carry_over_not_applicable");
}

#[tokio::test]
async fn residents_owe_a_yearly_amount_and_have_no_personal_account() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let body = json!({
        "id_number": fresh_id_number(), "name": "赵敏", "phone": "13912345678",
        "insurance_type": "390", "region_code": "410183"
    });
    let person_no = app.post("/v1/persons", &actors.clerk, body).await.body["person_no"].as_str().unwrap().to_owned();

    let year = app.get(&person_path(&person_no, "/contributions"), &actors.clerk).await.body;
    assert_eq!(year["items"][0]["period"], "2026");
    assert_eq!(year["items"][0]["amount_due"], "400.00");
    let account = app.get(&person_path(&person_no, "/account"), &actors.clerk).await;
    account.assert_problem(StatusCode::NOT_FOUND, "account.resident_has_none");

    let payment = json!({
        "person_no": person_no, "periods": ["2026"], "amount": "400.00",
        "paid_at": app.clock_now(), "channel": "tax_bureau", "reference": "resident-2026"
    });
    let paid = app.post_idempotent("/v1/contribution-payments", &actors.tax, "res", payment).await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    let arrived = app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "res-a").await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    let month = json!({ "person_no": person_no, "periods": ["2026-11"], "amount": "400.00",
                        "paid_at": app.clock_now(), "channel": "tax_bureau", "reference": "r2" });
    app.post_idempotent("/v1/contribution-payments", &actors.tax, "res-2", month)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "contribution.period_format");
}

#[tokio::test]
async fn the_hall_changes_the_base_and_unpaid_months_are_repriced() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let uri = person_path(&person_no, "/contribution-base");

    let changed = app
        .send(axum::http::Method::PUT, &uri, Some(&actors.clerk), Some(json!({ "contribution_base": "7500.00" })))
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(changed.body["contribution_base"], "7500.00");
    let months = app.get(&person_path(&person_no, "/contributions"), &actors.clerk).await.body;
    assert_eq!(months["items"][0]["amount_due"], "750.00");

    for (base, code) in [
        ("100.00", "contribution.base_out_of_range"),
        ("99999.00", "contribution.base_out_of_range"),
        ("abc", "money.format"),
    ] {
        let response = app
            .send(axum::http::Method::PUT, &uri, Some(&actors.clerk), Some(json!({ "contribution_base": base })))
            .await;
        response.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, code);
    }
    let mut no_base = employee_body(&fresh_id_number());
    no_base.as_object_mut().unwrap().remove("contribution_base");
    app.post("/v1/persons", &actors.clerk, no_base)
        .await
        .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "contribution.base_required");
}

#[tokio::test]
async fn contributions_page_by_cursor_within_a_range() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    for (year, month) in [(2026, 12), (2027, 1), (2027, 2)] {
        app.set_china_time(year, month, 1, 8);
        app.run_jobs().await;
    }
    let clerk = app.staff_token(Role::Clerk).await;
    let uri = person_path(&person_no, "/contributions?from=2026-12&to=2027-02&limit=2");
    let first = app.get(&uri, &clerk).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let periods: Vec<&str> =
        first.body["items"].as_array().unwrap().iter().map(|i| i["period"].as_str().unwrap()).collect();
    assert_eq!(periods, ["2026-12", "2027-01"]);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{uri}&cursor={cursor}"), &clerk).await.body;
    assert_eq!(second["items"][0]["period"], "2027-02");
    assert_eq!(second["next_cursor"], Value::Null);
    app.get(&person_path(&person_no, "/contributions?from=2026-13"), &clerk)
        .await
        .assert_problem(StatusCode::BAD_REQUEST, "request.bad_query");
}

#[tokio::test]
async fn the_bank_that_took_a_payment_may_confirm_its_arrival_and_no_other_bank_may() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid = app.pay(&actors.bank, &person_no, &["2026-11"], "600.00", "bank-arrival").await;
    let payment_id = paid.body["payment_id"].as_str().unwrap().to_owned();
    let other_bank = app.bank_token("CCB").await;

    app.arrive(&other_bank, &payment_id, "other-bank")
        .await
        .assert_problem(StatusCode::FORBIDDEN, "contribution.not_paying_bank");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "0.00");
    let arrived = app.arrive(&actors.bank, &payment_id, "own-bank").await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    assert_eq!(arrived.body["state"], "arrived");
    assert_eq!(app.balance(&actors.clerk, &person_no).await, "120.00");
}
