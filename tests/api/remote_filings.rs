//! Remote-treatment filings (异地就医备案, issue 10): filed here by the person (豫事办, national
//! app) or at the hall (with an agent), refused for each bad particular and for an overlap;
//! filed → effective by the national platform's confirmation, the hall's pull of a filing made in
//! the national app and the platform's push that answers it; revocation by the person and by the
//! hall; expiry by the job on the Zhengzhou date; the person's lists, newest first.

use axum::http::{Method, StatusCode};
use chrono::{Datelike, Duration, Months, NaiveDate};
use medcard::platform::caller::{ClientKind, Role};
use serde_json::{Value, json};

use crate::helpers::assertions::verified_session;
use crate::helpers::cards::Holder;
use crate::helpers::{TestApp, TestResponse, ids};

/// 北京市朝阳区 and 上海市徐汇区: regions outside Zhengzhou.
const BEIJING: &str = "110105";
const SHANGHAI: &str = "310104";

/// The contact phone every body gives.
const PHONE: &str = "13812345678";

/// Today on the application's clock (the Zhengzhou date), moved by `offset` days.
fn day(app: &TestApp, offset: i64) -> NaiveDate {
    app.core.clock.today() + Duration::days(offset)
}

/// The last day a temporary filing covers by default.
fn six_months_less_a_day(begin: NaiveDate) -> NaiveDate {
    begin.checked_add_months(Months::new(6)).and_then(|d| d.pred_opt()).unwrap()
}

/// A filing of `kind` in Beijing from `begin`, without an end date or a person; a referral names
/// its institution and diagnosis.
fn filing(kind: &str, begin: NaiveDate) -> Value {
    let mut body = json!({
        "kind": kind, "target_region": BEIJING, "begin_date": begin,
        "contact_phone": PHONE, "address": "北京市朝阳区建国路 88 号"
    });
    if kind == "referral" {
        body["referral_institution"] = json!("郑州大学第一附属医院");
        body["diagnosis"] = json!("肺部肿瘤");
    }
    body
}

/// `body` with `field` set to `value`, or without it when `value` is null.
fn with(mut body: Value, field: &str, value: Value) -> Value {
    match value {
        Value::Null => {
            body.as_object_mut().expect("a body is an object").remove(field);
        }
        value => body[field] = value,
    }
    body
}

/// A filing body as the hall sends it, for `person_no`.
fn at_hall(body: Value, person_no: &str) -> Value {
    with(body, "person_no", json!(person_no))
}

/// A hall filing of `kind` for `person_no` covering the days `from..=to` from today.
fn span(app: &TestApp, person_no: &str, kind: &str, (from, to): (i64, i64)) -> Value {
    with(at_hall(filing(kind, day(app, from)), person_no), "end_date", json!(day(app, to)))
}

/// Who filed for the person at the hall.
fn agent(id_number: &str, relationship: &str, proof: &str) -> Value {
    json!({ "name": "李明", "id_number": id_number, "relationship": relationship, "proof": proof })
}

/// A filing made in the national app, as the platform pushes it: `holder`'s, filed yesterday.
fn national(app: &TestApp, holder: &Holder, kind: &str, begin: NaiveDate) -> Value {
    let mut body = filing(kind, begin);
    body["id_number"] = json!(holder.id_number);
    body["filed_at"] = json!(format!("{}T09:00:00+08:00", day(app, -1)));
    body
}

/// The masked form of an ID number, `410105********1234`.
fn masked_id(id_number: &str) -> String {
    format!("{}********{}", &id_number[..6], &id_number[14..])
}

fn filing_path(filing_no: &str, suffix: &str) -> String {
    format!("/v1/remote-filings/{filing_no}{suffix}")
}

fn filing_no(response: &TestResponse) -> String {
    response.body["filing_no"].as_str().unwrap_or_else(|| panic!("no filing in {}", response.text)).to_owned()
}

async fn file(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.post("/v1/remote-filings", token, body).await
}

/// Files (which must succeed) and returns the number.
async fn filed(app: &TestApp, token: &str, body: Value) -> String {
    let made = file(app, token, body).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    filing_no(&made)
}

async fn sync(app: &TestApp, token: &str, filing_no: &str) -> TestResponse {
    app.post_bare(&filing_path(filing_no, "/sync"), token).await
}

async fn push(app: &TestApp, platform: &str, filing_no: &str, body: Value) -> TestResponse {
    app.put(&filing_path(filing_no, ""), platform, body).await
}

async fn revoke(app: &TestApp, clerk: &str, filing_no: &str, body: Value) -> TestResponse {
    app.post(&filing_path(filing_no, "/revocation"), clerk, body).await
}

async fn revoke_own(app: &TestApp, session: &str, filing_no: &str, body: Value) -> TestResponse {
    app.post(&format!("/v1/me/remote-filings/{filing_no}/revocation"), session, body).await
}

/// A holder on a phone of their own and their 豫事办 session, opened by SMS.
async fn yushiban_person(app: &TestApp, clerk: &str) -> (Holder, String) {
    let (holder, _) = app.holder_on_own_phone(clerk).await;
    let yushiban = app.client_token(ClientKind::Yushiban).await;
    let session = app.sms_session(&yushiban, &app.phone_of(&holder).await).await;
    (holder, session)
}

async fn state_of(app: &TestApp, filing_no: &str) -> String {
    sqlx::query_scalar("SELECT state FROM remote_filings WHERE filing_no = $1")
        .bind(filing_no)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// The states of the filings, in order.
async fn states_of(app: &TestApp, numbers: &[&String]) -> Vec<String> {
    let mut states = Vec::new();
    for number in numbers {
        states.push(state_of(app, number).await);
    }
    states
}

/// How many filings the person has, whatever their state.
async fn filings_of(app: &TestApp, person_no: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM remote_filings WHERE person_no = $1")
        .bind(person_no)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A settlement made elsewhere under the filing, stored as a delivery from the national
/// platform stores it (paid by the fund and in cash, so the account is untouched).
async fn settled_under(app: &TestApp, person_no: &str, filing_no: &str) {
    let (client_id, _) = app.register_client(ClientKind::NationalPlatform).await;
    sqlx::query(
        "INSERT INTO remote_settlements (setl_sn, person_no, treating_region, fixmedins_code, fixmedins_name, setl_time,
                                         med_type, medfee_sumamt, fund_pay_sumamt, acct_pay, psn_cash_pay, filing_no,
                                         filing_covered, state, fingerprint, client_id, recorded_at)
         VALUES ($1, $2, '110105', 'H11010500001', '北京协和医院', $3, '11', 10000, 6000, 0, 4000, $4, true,
                 'posted', $5, $6, $3)",
    )
    .bind(format!("SN{filing_no}"))
    .bind(person_no)
    .bind(app.now())
    .bind(filing_no)
    .bind(vec![0u8; 32])
    .bind(client_id)
    .execute(&app.pool)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_yushiban_person_files_for_themselves_and_a_temporary_filing_lasts_six_months_less_a_day() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, session) = yushiban_person(&app, &clerk).await;
    let today = day(&app, 0);

    let made = file(&app, &session, filing("temporary_travel", today)).await;

    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let b = &made.body;
    assert_eq!(
        (&b["person_no"], &b["state"], &b["source"]),
        (&json!(holder.person_no), &json!("filed"), &json!("local"))
    );
    assert_eq!(
        (&b["kind"], &b["kind_label"], &b["long_term"]),
        (&json!("temporary_travel"), &json!("其他临时外出"), &json!(false))
    );
    assert_eq!((&b["target_region"], &b["begin_date"]), (&json!(BEIJING), &json!(today)));
    assert_eq!(b["end_date"], json!(six_months_less_a_day(today)));
    assert_eq!(
        (&b["state_label"], &b["effective_at"], &b["ended_at"]),
        (&json!("已备案待同步"), &Value::Null, &Value::Null)
    );
    let number = filing_no(&made);
    assert!(number.starts_with(&format!("YD410100{}", today.format("%Y%m%d"))), "{number}");
    assert_eq!(number.len(), 22, "{number}");
    assert_eq!(app.audit_count("remote_filing.file", &number).await, 1);

    let mine = app.get("/v1/me/remote-filings", &session).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    let items = mine.body["items"].as_array().unwrap();
    assert_eq!((items.len(), &items[0]["filing_no"]), (1, &json!(number)));
}

#[tokio::test]
async fn a_long_term_filing_stays_open_until_changed_and_a_given_end_date_is_kept() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let today = day(&app, 0);

    for kind in ["resettled_retiree", "long_term_resident", "posted_worker"] {
        let made = file(&app, &clerk, at_hall(filing(kind, today), &holder.person_no)).await;
        assert_eq!(made.status, StatusCode::CREATED, "{kind}: {}", made.text);
        assert_eq!((&made.body["end_date"], &made.body["long_term"]), (&Value::Null, &json!(true)), "{kind}");
    }
    let emergency = file(&app, &clerk, span(&app, &holder.person_no, "emergency", (0, 20))).await;
    assert_eq!(emergency.status, StatusCode::CREATED, "{}", emergency.text);
    assert_eq!(emergency.body["end_date"], json!(day(&app, 20)));

    // An emergency treated a month ago is filed afterwards: six months from the day it began.
    let begun = day(&app, -30);
    let referral = file(&app, &clerk, at_hall(filing("referral", begun), &holder.person_no)).await;
    assert_eq!(referral.status, StatusCode::CREATED, "{}", referral.text);
    assert_eq!(referral.body["end_date"], json!(six_months_less_a_day(begun)));
    assert_eq!(filings_of(&app, &holder.person_no).await, 5);
}

#[tokio::test]
async fn a_national_app_person_files_a_referral_naming_the_referring_institution_and_diagnosis() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let channel = app.signing_channel(ClientKind::NationalApp, 21).await;
    let session = verified_session(&app, &channel, &holder).await;
    let body = with(filing("referral", day(&app, 0)), "referral_institution", json!("  郑州大学第一附属医院  "));

    let made = file(&app, &session, body).await;

    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!((&made.body["person_no"], &made.body["state"]), (&json!(holder.person_no), &json!("filed")));
    assert_eq!(made.body["referral_institution"], "郑州大学第一附属医院");
    assert_eq!((&made.body["diagnosis"], &made.body["kind_label"]), (&json!("肺部肿瘤"), &json!("异地转诊")));
    let mine = app.get("/v1/me/remote-filings", &session).await;
    assert_eq!(mine.body["items"][0]["filing_no"], made.body["filing_no"], "{}", mine.text);
}

#[tokio::test]
async fn the_hall_files_with_an_agent_whose_id_number_and_the_phone_only_pii_readers_see() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let supervisor = app.staff_token(Role::Supervisor).await;
    let holder = app.enrol_holder(&clerk).await;
    let agent_id = ids::fresh_id_number();
    let body = with(
        at_hall(filing("resettled_retiree", day(&app, 0)), &holder.person_no),
        "agent",
        agent(&agent_id, "spouse", "marriage_certificate"),
    );

    let made = file(&app, &clerk, body).await;

    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    let shown = &made.body["agent"];
    assert_eq!((&shown["name"], &shown["relationship"]), (&json!("李明"), &json!("spouse")));
    assert_eq!((&shown["proof"], &shown["id_number"]), (&json!("marriage_certificate"), &json!(masked_id(&agent_id))));
    assert_eq!(made.body["contact_phone"], "138****5678");
    let read = app.get(&filing_path(&filing_no(&made), ""), &supervisor).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!((&read.body["agent"]["id_number"], &read.body["contact_phone"]), (&json!(agent_id), &json!(PHONE)));
}

#[tokio::test]
async fn bad_filings_are_refused_each_with_its_code_and_field_and_nothing_is_filed() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let moved = app.enrol_holder(&clerk).await;
    app.transfer_out(&clerk, &moved.person_no).await;
    let base = at_hall(filing("temporary_travel", day(&app, 0)), &holder.person_no);
    let referral = at_hall(filing("referral", day(&app, 0)), &holder.person_no);
    let bad_proof = agent(&ids::fresh_id_number(), "entrusted", "household_register");
    let set = |field: &str, value: Value| with(base.clone(), field, value);
    let cases = [
        (set("target_region", json!("410105")), 422, "remote_filing.target_region", "target_region"),
        (set("target_region", json!("1101")), 422, "remote_filing.target_region", "target_region"),
        (set("end_date", json!(day(&app, -1))), 422, "remote_filing.end_before_begin", "end_date"),
        (set("begin_date", json!(day(&app, 367))), 422, "remote_filing.begin_date", "begin_date"),
        (set("begin_date", json!(day(&app, -367))), 422, "remote_filing.begin_date", "begin_date"),
        (set("kind", json!("referral")), 422, "remote_filing.referral_details", "referral_institution"),
        (with(referral, "diagnosis", json!("  ")), 422, "remote_filing.referral_details", "referral_institution"),
        (set("contact_phone", json!("12345678901")), 422, "person.phone", "contact_phone"),
        (set("address", json!("   ")), 422, "remote_filing.address", "address"),
        (set("person_no", Value::Null), 422, "remote_filing.person_no", "person_no"),
        (set("agent", bad_proof), 422, "remote_filing.agent_proof", "agent.proof"),
        (set("person_no", json!("4101999999999999")), 404, "person.not_found", ""),
        (set("person_no", json!(moved.person_no)), 409, "person.transferred_out", ""),
    ];

    for (body, status, code, field) in cases {
        let refused = file(&app, &clerk, body.clone()).await;
        refused.assert_problem(StatusCode::from_u16(status).unwrap(), code);
        assert_eq!(refused.body["field"].as_str().unwrap_or(""), field, "{body}");
    }

    for person_no in [&holder.person_no, &moved.person_no] {
        assert_eq!(filings_of(&app, person_no).await, 0);
    }
    assert_eq!(app.audit_total("remote_filing.file").await, 0);
    // The edges of the window are inside it.
    for offset in [366, -366] {
        let edge = file(&app, &clerk, at_hall(filing("emergency", day(&app, offset)), &holder.person_no)).await;
        assert_eq!(edge.status, StatusCode::CREATED, "{offset}: {}", edge.text);
    }
}

#[tokio::test]
async fn a_person_session_files_only_for_its_own_person_and_reaches_no_hall_route() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, session) = yushiban_person(&app, &clerk).await;
    let other = app.enrol_holder(&clerk).await;
    let today = day(&app, 0);

    let naming = file(&app, &session, at_hall(filing("emergency", today), &other.person_no)).await;
    naming.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "remote_filing.person_no");
    let own_agent =
        with(filing("emergency", today), "agent", agent(&ids::fresh_id_number(), "child", "household_register"));
    file(&app, &session, own_agent).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "remote_filing.agent");
    assert_eq!((filings_of(&app, &holder.person_no).await, filings_of(&app, &other.person_no).await), (0, 0));

    let number = filed(&app, &clerk, at_hall(filing("emergency", today), &holder.person_no)).await;
    let hall_routes = [
        (Method::GET, filing_path(&number, "")),
        (Method::POST, filing_path(&number, "/sync")),
        (Method::POST, filing_path(&number, "/revocation")),
        (Method::GET, format!("/v1/persons/{}/remote-filings", holder.person_no)),
    ];
    for (method, uri) in hall_routes {
        let body = (method == Method::POST).then(|| json!({ "reason": "本人申请" }));
        let refused = app.send(method, &uri, Some(session.as_str()), body).await;
        refused.assert_problem(StatusCode::FORBIDDEN, "auth.person_session_confined");
    }
    assert_eq!(state_of(&app, &number).await, "filed");
    let staff_on_own_view = revoke_own(&app, &clerk, &number, json!({ "reason": "本人申请" })).await;
    staff_on_own_view.assert_problem(StatusCode::FORBIDDEN, "session.not_a_person_session");
    assert_eq!(state_of(&app, &number).await, "filed");
}

#[tokio::test]
async fn a_live_filing_of_the_same_kind_and_region_whose_dates_meet_is_refused_and_nothing_else_is() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let holder = app.enrol_holder(&clerk).await;
    let p = holder.person_no.as_str();
    let first = filed(&app, &clerk, span(&app, p, "temporary_travel", (0, 30))).await;

    let clashes = [
        span(&app, p, "temporary_travel", (30, 60)),
        span(&app, p, "temporary_travel", (-5, 0)),
        span(&app, p, "temporary_travel", (5, 10)),
        at_hall(filing("temporary_travel", day(&app, -20)), p),
    ];
    for body in clashes {
        let refused = file(&app, &clerk, body.clone()).await;
        refused.assert_problem(StatusCode::CONFLICT, "remote_filing.overlap");
        assert_eq!(refused.body["filing_no"], json!(first), "{body}");
    }
    assert_eq!(filings_of(&app, p).await, 1);

    let allowed = [
        span(&app, p, "temporary_travel", (31, 60)),
        with(span(&app, p, "temporary_travel", (0, 30)), "target_region", json!(SHANGHAI)),
        span(&app, p, "emergency", (0, 30)),
    ];
    for body in allowed {
        let made = file(&app, &clerk, body.clone()).await;
        assert_eq!(made.status, StatusCode::CREATED, "{body}: {}", made.text);
    }

    // An open-ended long-term filing meets every later date, and none before it begins.
    let open = filed(&app, &clerk, at_hall(filing("resettled_retiree", day(&app, 100)), p)).await;
    let later = file(&app, &clerk, span(&app, p, "resettled_retiree", (300, 310))).await;
    later.assert_problem(StatusCode::CONFLICT, "remote_filing.overlap");
    assert_eq!(later.body["filing_no"], json!(open));
    let before = file(&app, &clerk, span(&app, p, "resettled_retiree", (0, 99))).await;
    assert_eq!(before.status, StatusCode::CREATED, "{}", before.text);

    // A revoked filing no longer stands in the way.
    let revoked = revoke(&app, &clerk, &first, json!({ "reason": "行程取消" })).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    let again = file(&app, &clerk, span(&app, p, "temporary_travel", (0, 30))).await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
}

#[tokio::test]
async fn a_filed_filing_becomes_effective_when_synchronised_and_a_second_sync_changes_nothing() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let holder = app.enrol_holder(&clerk).await;
    let number = filed(&app, &clerk, at_hall(filing("temporary_travel", day(&app, 0)), &holder.person_no)).await;

    let synced = sync(&app, &platform, &number).await;

    assert_eq!(synced.status, StatusCode::OK, "{}", synced.text);
    assert_eq!((&synced.body["state"], &synced.body["state_label"]), (&json!("effective"), &json!("已生效")));
    assert_eq!(synced.body["source"], "local");
    assert!(synced.body["effective_at"].is_string(), "{}", synced.text);
    app.advance_secs(60);
    let again = sync(&app, &platform, &number.to_lowercase()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        (&again.body["state"], &again.body["effective_at"]),
        (&json!("effective"), &synced.body["effective_at"])
    );
    assert_eq!(app.audit_count("remote_filing.effective", &number).await, 1);
    let read = app.get(&filing_path(&number, ""), &platform).await;
    assert_eq!((read.status, &read.body["state"]), (StatusCode::OK, &json!("effective")), "{}", read.text);

    // The hall may confirm one after checking with the platform.
    let other = filed(&app, &clerk, at_hall(filing("emergency", day(&app, 0)), &holder.person_no)).await;
    let by_hall = sync(&app, &clerk, &other).await;
    assert_eq!((by_hall.status, &by_hall.body["state"]), (StatusCode::OK, &json!("effective")), "{}", by_hall.text);
}

#[tokio::test]
async fn the_hall_pulls_a_filing_not_here_yet_and_the_platforms_push_answers_the_request() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let holder = app.enrol_holder(&clerk).await;
    let number = "GJ4101002026112000000001";
    let requests = "/v1/remote-filings/sync-requests";

    let unknown = app.get(&filing_path(number, ""), &clerk).await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "remote_filing.not_synchronised");
    assert!(unknown.body["detail"].as_str().unwrap().contains(&filing_path(number, "/sync")), "{}", unknown.text);
    sync(&app, &platform, number).await.assert_problem(StatusCode::NOT_FOUND, "remote_filing.not_synchronised");
    assert_eq!(app.get(requests, &platform).await.body["items"], json!([]));

    for _ in 0..2 {
        let pulled = sync(&app, &clerk, number).await;
        assert_eq!(pulled.status, StatusCode::ACCEPTED, "{}", pulled.text);
        assert_eq!(pulled.body, json!({ "filing_no": number, "state": "sync_requested" }));
    }
    let open = app.get(requests, &platform).await;
    assert_eq!(open.status, StatusCode::OK, "{}", open.text);
    let listed: Vec<&Value> = open.body["items"].as_array().unwrap().iter().map(|r| &r["filing_no"]).collect();
    assert_eq!(listed, [&json!(number)]);

    let pushed = push(&app, &platform, number, national(&app, &holder, "long_term_resident", day(&app, 0))).await;

    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.text);
    let b = &pushed.body;
    assert_eq!(
        (&b["state"], &b["source"], &b["person_no"]),
        (&json!("effective"), &json!("national"), &json!(holder.person_no))
    );
    assert_eq!((&b["end_date"], &b["agent"]), (&Value::Null, &Value::Null));
    assert_eq!(app.get(requests, &platform).await.body["items"], json!([]));
    let read = app.get(&filing_path(number, ""), &clerk).await;
    assert_eq!((read.status, &read.body["state"]), (StatusCode::OK, &json!("effective")), "{}", read.text);
    let confirmed = sync(&app, &clerk, number).await;
    assert_eq!((confirmed.status, &confirmed.body["state"]), (StatusCode::OK, &json!("effective")));
    assert_eq!(app.audit_count("remote_filing.received", number).await, 1);
}

#[tokio::test]
async fn a_national_filing_pushed_again_takes_the_platforms_version_revocation_included() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let holder = app.enrol_holder(&clerk).await;
    let number = "GJ4101002026112000000002";
    let mut body = national(&app, &holder, "temporary_travel", day(&app, 0));

    let first = push(&app, &platform, number, body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.body["end_date"], json!(six_months_less_a_day(day(&app, 0))));

    body["end_date"] = json!(day(&app, 30));
    body["address"] = json!("北京市朝阳区光华路 1 号");
    let changed = push(&app, &platform, number, body.clone()).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!((&changed.body["end_date"], &changed.body["address"]), (&json!(day(&app, 30)), &body["address"]));
    assert_eq!((&changed.body["state"], &changed.body["filed_at"]), (&json!("effective"), &first.body["filed_at"]));

    body["revocation_reason"] = json!("本人在国家医保服务平台撤销");
    let revoked = push(&app, &platform, number, body).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!(
        (&revoked.body["state"], &revoked.body["revocation_reason"]),
        (&json!("revoked"), &json!("本人在国家医保服务平台撤销"))
    );
    assert!(revoked.body["ended_at"].is_string(), "{}", revoked.text);

    assert_eq!(filings_of(&app, &holder.person_no).await, 1);
    assert_eq!(app.audit_count("remote_filing.received", number).await, 1);
    assert_eq!(app.audit_count("remote_filing.changed", number).await, 2);
    sync(&app, &clerk, number).await.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");
}

#[tokio::test]
async fn a_filing_revoked_in_the_national_app_before_it_was_delivered_arrives_revoked() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let holder = app.enrol_holder(&clerk).await;
    let number = "GJ4101002026112000000003";
    let body = with(national(&app, &holder, "emergency", day(&app, -3)), "revocation_reason", json!("已出院"));

    let pushed = push(&app, &platform, number, body).await;

    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.text);
    assert_eq!((&pushed.body["state"], &pushed.body["revocation_reason"]), (&json!("revoked"), &json!("已出院")));
    assert!(pushed.body["ended_at"].is_string(), "{}", pushed.text);
    assert_eq!(state_of(&app, number).await, "revoked");
    sync(&app, &clerk, number).await.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");
}

#[tokio::test]
async fn a_push_for_a_local_number_for_another_person_or_for_nobody_is_refused() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let holder = app.enrol_holder(&clerk).await;
    let other = app.enrol_holder(&clerk).await;
    let today = day(&app, 0);
    let local = filed(&app, &clerk, at_hall(filing("posted_worker", today), &holder.person_no)).await;

    let over_local = push(&app, &platform, &local, national(&app, &holder, "posted_worker", today)).await;
    over_local.assert_problem(StatusCode::CONFLICT, "remote_filing.not_national");
    let kept = app.get(&filing_path(&local, ""), &clerk).await;
    assert_eq!((&kept.body["state"], &kept.body["source"]), (&json!("filed"), &json!("local")), "{}", kept.text);

    let number = "GJ4101002026112000000004";
    let first = push(&app, &platform, number, national(&app, &holder, "emergency", today)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let someone_else = push(&app, &platform, number, national(&app, &other, "emergency", today)).await;
    someone_else.assert_problem(StatusCode::CONFLICT, "remote_filing.not_national");

    let nobody = with(national(&app, &holder, "emergency", today), "id_number", json!(ids::fresh_id_number()));
    push(&app, &platform, "GJ4101002026112000000005", nobody)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "person.not_found");
    let malformed = push(&app, &platform, "GJ-5", national(&app, &holder, "emergency", today)).await;
    malformed.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "remote_filing.number");

    assert_eq!((filings_of(&app, &holder.person_no).await, filings_of(&app, &other.person_no).await), (2, 0));
    assert_eq!(app.audit_total("remote_filing.changed").await, 0);
}

#[tokio::test]
async fn the_hall_revokes_a_filed_or_effective_filing_with_a_reason_and_a_revoked_one_takes_no_further_step() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let holder = app.enrol_holder(&clerk).await;
    let filed_one = filed(&app, &clerk, at_hall(filing("temporary_travel", day(&app, 0)), &holder.person_no)).await;
    let effective = filed(&app, &clerk, at_hall(filing("emergency", day(&app, 0)), &holder.person_no)).await;
    assert_eq!(sync(&app, &platform, &effective).await.status, StatusCode::OK);

    for body in [json!({}), json!({ "reason": "   " }), json!({ "reason": null })] {
        let refused = revoke(&app, &clerk, &filed_one, body.clone()).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "remote_filing.reason_text");
    }
    assert_eq!(state_of(&app, &filed_one).await, "filed");

    for number in [&filed_one, &effective] {
        let revoked = revoke(&app, &clerk, number, json!({ "reason": "  患者已返郑  " })).await;
        assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
        assert_eq!(
            (&revoked.body["state"], &revoked.body["revocation_reason"]),
            (&json!("revoked"), &json!("患者已返郑"))
        );
        assert!(revoked.body["ended_at"].is_string(), "{}", revoked.text);
        assert_eq!(app.audit_count("remote_filing.revoke", number).await, 1);
    }

    for number in [&filed_one, &effective] {
        let again = revoke(&app, &clerk, number, json!({ "reason": "重复撤销" })).await;
        again.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");
        assert_eq!(again.body["current_state"], "revoked");
        for token in [&platform, &clerk] {
            sync(&app, token, number).await.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");
        }
        assert_eq!(state_of(&app, number).await, "revoked");
    }
    let unknown = revoke(&app, &clerk, "YD41010020261120999999", json!({ "reason": "撤销" })).await;
    unknown.assert_problem(StatusCode::NOT_FOUND, "remote_filing.not_synchronised");
}

#[tokio::test]
async fn a_person_revokes_their_own_unused_filing_but_not_another_persons_nor_one_settled_under() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, session) = yushiban_person(&app, &clerk).await;
    let other = app.enrol_holder(&clerk).await;
    let own = filed(&app, &session, filing("temporary_travel", day(&app, 0))).await;
    let used = filed(&app, &session, filing("emergency", day(&app, -5))).await;
    let others = filed(&app, &clerk, at_hall(filing("temporary_travel", day(&app, 0)), &other.person_no)).await;

    let not_mine = revoke_own(&app, &session, &others, json!({})).await;
    not_mine.assert_problem(StatusCode::NOT_FOUND, "remote_filing.not_synchronised");
    assert_eq!(state_of(&app, &others).await, "filed");

    settled_under(&app, &holder.person_no, &used).await;
    let settled = revoke_own(&app, &session, &used, json!({ "reason": "不再需要" })).await;
    settled.assert_problem(StatusCode::CONFLICT, "remote_filing.used");
    assert_eq!(state_of(&app, &used).await, "filed");

    let revoked = revoke_own(&app, &session, &own, json!({})).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!((&revoked.body["state"], &revoked.body["revocation_reason"]), (&json!("revoked"), &Value::Null));
    revoke_own(&app, &session, &own, json!({})).await.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");

    // The hall still may, with a reason.
    let by_hall = revoke(&app, &clerk, &used, json!({ "reason": "结算后经办撤销" })).await;
    assert_eq!((by_hall.status, &by_hall.body["state"]), (StatusCode::OK, &json!("revoked")), "{}", by_hall.text);
    assert_eq!(app.audit_total("remote_filing.revoke").await, 2);
}

#[tokio::test]
async fn the_expiry_job_ends_live_filings_past_their_end_on_the_zhengzhou_date_and_only_once() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let p = app.enrol_holder(&clerk).await.person_no;
    let filed_one = filed(&app, &clerk, span(&app, &p, "temporary_travel", (-10, 0))).await;
    let effective = filed(&app, &clerk, span(&app, &p, "emergency", (-10, 0))).await;
    assert_eq!(sync(&app, &platform, &effective).await.status, StatusCode::OK);
    let open = filed(&app, &clerk, at_hall(filing("resettled_retiree", day(&app, -10)), &p)).await;
    let tomorrow = filed(&app, &clerk, span(&app, &p, "referral", (-10, 1))).await;
    let all = [&filed_one, &effective, &open, &tomorrow];
    let end = day(&app, 0);

    // 23:00 on the last day: still covered.
    app.set_china_time(end.year(), end.month(), end.day(), 23);
    app.run_jobs().await;
    assert_eq!(states_of(&app, &all).await, ["filed", "effective", "filed", "filed"]);

    // Midnight in Zhengzhou (still the last day in UTC): past the end.
    let next = end + Duration::days(1);
    app.set_china_time(next.year(), next.month(), next.day(), 0);
    for _ in 0..2 {
        app.run_jobs().await;
        assert_eq!(states_of(&app, &all).await, ["expired", "expired", "filed", "filed"]);
        assert_eq!(app.audit_total("remote_filing.expire").await, 2);
    }
    let read = app.get(&filing_path(&effective, ""), &clerk).await;
    assert_eq!((&read.body["state_label"], &read.body["end_date"]), (&json!("已过期"), &json!(end)), "{}", read.text);
    assert!(read.body["ended_at"].is_string(), "{}", read.text);

    for number in [&filed_one, &effective] {
        let synced = sync(&app, &platform, number).await;
        synced.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");
        assert_eq!(synced.body["current_state"], "expired");
        let revoked = revoke(&app, &clerk, number, json!({ "reason": "补撤" })).await;
        revoked.assert_problem(StatusCode::CONFLICT, "remote_filing.ended");
    }
    // An expired filing no longer stands in the way of a new one for the same days (a day ago now).
    let refiled = file(&app, &clerk, span(&app, &p, "temporary_travel", (-11, -1))).await;
    assert_eq!(refiled.status, StatusCode::CREATED, "{}", refiled.text);
}

#[tokio::test]
async fn a_persons_filings_are_listed_newest_first_in_pages_to_them_and_to_the_hall() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let platform = app.client_token(ClientKind::NationalPlatform).await;
    let (holder, session) = yushiban_person(&app, &clerk).await;
    let other = app.enrol_holder(&clerk).await;
    let mut numbers = Vec::new();
    for kind in ["emergency", "temporary_travel", "resettled_retiree"] {
        numbers.push(filed(&app, &session, filing(kind, day(&app, 0))).await);
        app.advance_secs(60);
    }
    let national_no = "GJ4101002026112000000006";
    let pushed = push(&app, &platform, national_no, national(&app, &holder, "posted_worker", day(&app, -1))).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.text);
    numbers.reverse();
    numbers.push(national_no.to_owned());

    let first = app.get("/v1/me/remote-filings?limit=2", &session).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let as_of = chrono::DateTime::parse_from_rfc3339(first.body["as_of"].as_str().unwrap()).unwrap();
    assert_eq!(as_of.timestamp(), app.now().timestamp());
    let cursor = serde_urlencoded::to_string([("cursor", first.body["next_cursor"].as_str().unwrap())]).unwrap();
    let second = app.get(&format!("/v1/me/remote-filings?limit=2&{cursor}"), &session).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    assert_eq!(second.body["next_cursor"], Value::Null);
    let paged: Vec<Value> =
        [&first, &second].iter().flat_map(|page| page.body["items"].as_array().unwrap().clone()).collect();
    let paged: Vec<&str> = paged.iter().map(|item| item["filing_no"].as_str().unwrap()).collect();
    assert_eq!(paged, numbers);

    let by_hall = app.get(&format!("/v1/persons/{}/remote-filings", holder.person_no), &clerk).await;
    assert_eq!(by_hall.status, StatusCode::OK, "{}", by_hall.text);
    let listed: Vec<&str> =
        by_hall.body["items"].as_array().unwrap().iter().map(|item| item["filing_no"].as_str().unwrap()).collect();
    assert_eq!(listed, numbers);
    assert_eq!(by_hall.body["next_cursor"], Value::Null);
    let none = app.get(&format!("/v1/persons/{}/remote-filings", other.person_no), &clerk).await;
    assert_eq!(none.body["items"], json!([]), "{}", none.text);
    app.get("/v1/persons/4101999999999999/remote-filings", &clerk)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "person.not_found");
}
