//! The authorisation matrix (issue 8 item 8): one table, written out by hand from SPEC §4 and
//! the scope table, of which callers each operation admits: the ten client kinds'
//! client-credentials tokens, the four staff roles' sessions and the person sessions of the six
//! channels that open them. It is checked cell by cell against the running router, so a change
//! of the scope matrix shows up here as a change of this table; a route without a row fails, and
//! so does a row without a route. And a person session never reaches another person's records.
//!
//! A cell counts as admitted unless the answer is a 403 whose code refuses the caller for what it
//! is (the scope gate, the person-session confinement, or a service's refusal of the caller's
//! kind); any other answer (404 for a placeholder, 422 for an empty body) means the caller got
//! past authorisation. A 401 or a 5xx is a broken cell either way.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use medcard::cards::CardState;
use medcard::platform::caller::{ClientKind, Role};
use medcard::platform::config::Settings;
use serde_json::{Value, json};

use crate::helpers::cards::{CARD_PASSWORD, Holder, Reach};
use crate::helpers::{TestApp, TestResponse, employee_body, ids};

/// One row: `(method, route template, who is admitted)`.
type Row = (&'static str, &'static str, &'static str);

/// Every operation behind a bearer token and who it admits, as space-separated column names:
/// the client kinds `wechat` (公众号), `yushiban`, `provincial`, `national`, `zhenghaoban`,
/// `hall`, `institution`, `terminal`, `bank`, `tax`, `platform` (the national platform); the staff roles `clerk`, `supervisor`,
/// `auditor`, `admin`; the person sessions `p:wechat`, `p:yushiban`, `p:provincial`,
/// `p:national`, `p:zhenghaoban`, `p:terminal`. `any` is every client token and every staff
/// session, never a person session (those reach only `/v1/me...` and their own end).
const MATRIX: &[Row] = &[
    // Signing in and out.
    ("POST", "/v1/staff/sessions", "hall"),
    ("DELETE", "/v1/staff/sessions/current", "clerk supervisor auditor admin"),
    (
        "DELETE",
        "/v1/oauth/token",
        "wechat yushiban provincial national zhenghaoban hall institution terminal bank tax platform",
    ),
    ("POST", "/v1/sms-codes", "wechat yushiban provincial national zhenghaoban"),
    ("POST", "/v1/bindings", "wechat yushiban provincial national zhenghaoban"),
    ("POST", "/v1/sessions", "wechat yushiban provincial national zhenghaoban terminal"),
    ("DELETE", "/v1/sessions/current", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    // Registries and the audit log.
    ("GET", "/v1/banks", "any"),
    ("GET", "/v1/institutions", "any"),
    ("POST", "/v1/institutions", "admin"),
    ("POST", "/v1/card-reads", "institution terminal"),
    ("POST", "/v1/settlements/previews", "institution"),
    ("POST", "/v1/settlements", "institution"),
    ("GET", "/v1/settlements/{setl_id}", "institution clerk supervisor auditor admin"),
    ("POST", "/v1/settlements/reversals", "institution"),
    ("POST", "/v1/settlements/{setl_id}/reversal", "institution"),
    ("GET", "/v1/persons/{person_no}/consumptions", "clerk supervisor auditor admin"),
    // Remote treatment: filed by the person (豫事办, national app) and the hall, delivered and
    // confirmed by the national platform.
    ("POST", "/v1/remote-filings", "clerk supervisor p:yushiban p:national"),
    ("GET", "/v1/remote-filings/sync-requests", "platform"),
    ("GET", "/v1/remote-filings/{filing_no}", "platform clerk supervisor auditor admin"),
    ("PUT", "/v1/remote-filings/{filing_no}", "platform"),
    ("POST", "/v1/remote-filings/{filing_no}/sync", "platform clerk supervisor"),
    ("POST", "/v1/remote-filings/{filing_no}/revocation", "clerk supervisor"),
    ("POST", "/v1/me/remote-filings/{filing_no}/revocation", "p:yushiban p:national"),
    ("GET", "/v1/persons/{person_no}/remote-filings", "clerk supervisor auditor admin"),
    ("POST", "/v1/remote-settlements", "platform"),
    ("GET", "/v1/remote-settlements", "clerk supervisor auditor admin"),
    ("GET", "/v1/remote-settlements/{setl_sn}", "platform clerk supervisor auditor admin"),
    ("POST", "/v1/remote-settlements/{setl_sn}/resolution", "supervisor"),
    // Family mutual aid: bound online (豫事办, national app) or at the hall on proof.
    ("GET", "/v1/me/family-members", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("POST", "/v1/me/family-members", "p:yushiban p:national"),
    ("PUT", "/v1/me/family-members/order", "p:yushiban p:national"),
    ("POST", "/v1/me/family-members/{binding_id}/contribution-payments", "p:yushiban p:national"),
    ("POST", "/v1/me/family-members/{binding_id}/confirmation", "p:yushiban p:national"),
    ("DELETE", "/v1/me/family-members/{binding_id}", "p:yushiban p:national"),
    (
        "GET",
        "/v1/me/family-members/{binding_id}/payments",
        "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal",
    ),
    ("GET", "/v1/persons/{person_no}/family-members", "clerk supervisor auditor admin"),
    ("POST", "/v1/persons/{person_no}/family-members", "clerk supervisor"),
    ("DELETE", "/v1/persons/{person_no}/family-members/{binding_id}", "clerk supervisor"),
    ("POST", "/v1/persons/{person_no}/family-members/{binding_id}/confirmation", "clerk supervisor"),
    // The electronic voucher: activated and used in national-app and 郑好办 sessions, suspended
    // and resumed at the hall.
    ("POST", "/v1/e-vouchers", "p:national p:zhenghaoban"),
    ("GET", "/v1/me/e-voucher", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("POST", "/v1/me/e-voucher/codes", "p:national p:zhenghaoban"),
    ("PUT", "/v1/me/e-voucher/pin", "p:national p:zhenghaoban"),
    ("GET", "/v1/e-vouchers/{person_no}", "clerk supervisor auditor admin"),
    ("POST", "/v1/e-vouchers/{person_no}/suspension", "clerk supervisor"),
    ("DELETE", "/v1/e-vouchers/{person_no}/suspension", "clerk supervisor"),
    ("GET", "/v1/audit-events", "auditor admin"),
    // Persons, at the hall.
    ("GET", "/v1/persons", "clerk supervisor auditor admin"),
    ("POST", "/v1/persons", "clerk supervisor"),
    ("GET", "/v1/persons/{person_no}", "clerk supervisor auditor admin"),
    ("PATCH", "/v1/persons/{person_no}", "clerk supervisor"),
    ("GET", "/v1/persons/{person_no}/status-transitions", "clerk supervisor auditor admin"),
    ("POST", "/v1/persons/{person_no}/status-transitions", "clerk supervisor"),
    ("GET", "/v1/persons/{person_no}/bindings", "clerk supervisor auditor admin"),
    ("DELETE", "/v1/persons/{person_no}/bindings/{binding_id}", "clerk supervisor"),
    ("GET", "/v1/persons/{person_no}/statements", "clerk supervisor"),
    // Contributions and the personal account.
    ("GET", "/v1/persons/{person_no}/contributions", "clerk supervisor auditor admin"),
    ("PUT", "/v1/persons/{person_no}/contribution-base", "clerk supervisor"),
    ("POST", "/v1/contribution-payments", "bank tax"),
    ("POST", "/v1/contribution-payments/{id}/arrival", "bank tax"),
    ("POST", "/v1/contribution-payments/{id}/manual-arrival", "supervisor"),
    ("GET", "/v1/persons/{person_no}/account", "clerk supervisor auditor admin"),
    ("GET", "/v1/persons/{person_no}/account/entries", "clerk supervisor auditor admin"),
    ("POST", "/v1/persons/{person_no}/account/adjustments", "supervisor"),
    ("POST", "/v1/account-adjustments/{id}/approval", "supervisor"),
    ("POST", "/v1/account-adjustments/{id}/rejection", "supervisor"),
    // Cards.
    ("GET", "/v1/persons/{person_no}/cards", "clerk supervisor auditor admin"),
    ("POST", "/v1/persons/{person_no}/cards", "bank clerk supervisor"),
    ("GET", "/v1/cards/{card_no}", "bank clerk supervisor auditor admin"),
    ("GET", "/v1/cards/{card_no}/transitions", "bank clerk supervisor auditor admin"),
    ("POST", "/v1/cards/{card_no}/activation", "institution terminal bank clerk supervisor"),
    ("POST", "/v1/cards/{card_no}/loss-reports", "bank clerk supervisor"),
    ("DELETE", "/v1/cards/{card_no}/loss-reports", "clerk supervisor"),
    ("POST", "/v1/cards/{card_no}/replacements", "bank clerk supervisor"),
    ("POST", "/v1/cards/{card_no}/fulfilment", "bank clerk supervisor"),
    ("POST", "/v1/cards/{card_no}/freeze", "clerk supervisor"),
    ("DELETE", "/v1/cards/{card_no}/freeze", "clerk supervisor"),
    ("PUT", "/v1/cards/{card_no}/password", "terminal clerk supervisor"),
    ("POST", "/v1/cards/{card_no}/password/reset", "clerk supervisor"),
    ("POST", "/v1/cards/{card_no}/password/verifications", "institution terminal"),
    // The person's own view.
    ("GET", "/v1/me", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("PATCH", "/v1/me/contact", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban"),
    ("PUT", "/v1/me/password", "p:provincial"),
    ("GET", "/v1/me/bindings", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("DELETE", "/v1/me/bindings/{binding_id}", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban"),
    ("GET", "/v1/me/account", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("GET", "/v1/me/account/entries", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("GET", "/v1/me/contributions", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("GET", "/v1/me/cards", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("POST", "/v1/me/cards/{card_no}/loss-reports", "p:wechat p:yushiban p:national p:zhenghaoban"),
    ("DELETE", "/v1/me/cards/{card_no}/loss-reports", "p:wechat p:yushiban p:national p:zhenghaoban"),
    ("GET", "/v1/me/consumptions", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("GET", "/v1/me/remote-filings", "p:wechat p:yushiban p:provincial p:national p:zhenghaoban p:terminal"),
    ("GET", "/v1/me/statements", "p:provincial p:terminal"),
    // API clients, by the admin.
    ("GET", "/v1/clients", "admin"),
    ("POST", "/v1/clients", "admin"),
    ("POST", "/v1/clients/{client_id}/disable", "admin"),
    ("POST", "/v1/clients/{client_id}/secret", "admin"),
    ("PUT", "/v1/clients/{client_id}/assertion-key", "admin"),
];

/// The calls that end the very token they present when admitted: each column runs them last,
/// the ones it is refused first.
const TOKEN_ENDING: [(&str, &str); 3] =
    [("DELETE", "/v1/staff/sessions/current"), ("DELETE", "/v1/oauth/token"), ("DELETE", "/v1/sessions/current")];

/// The 403 codes that refuse a caller for what it is rather than for what it asked: the scope
/// gate, the person-session confinement, an operation missing from the scope table, and the
/// services' refusals of a kind of caller or token.
const REFUSALS: [&str; 8] = [
    "auth.insufficient_scope",
    "auth.person_session_confined",
    "auth.operation_unlisted",
    "session.not_a_person_session",
    "binding.channel_not_allowed",
    "session.method_not_allowed",
    "oauth.not_a_client_token",
    "staff.not_a_session",
];

/// The client-kind columns.
const CLIENT_COLUMNS: [(&str, ClientKind); 11] = [
    ("wechat", ClientKind::WechatOfficialAccount),
    ("yushiban", ClientKind::Yushiban),
    ("provincial", ClientKind::ProvincialPlatform),
    ("national", ClientKind::NationalApp),
    ("zhenghaoban", ClientKind::Zhenghaoban),
    ("hall", ClientKind::ServiceHall),
    ("institution", ClientKind::Institution),
    ("terminal", ClientKind::Terminal),
    ("bank", ClientKind::Bank),
    ("tax", ClientKind::TaxBureau),
    ("platform", ClientKind::NationalPlatform),
];

/// The staff-role columns.
const STAFF_COLUMNS: [(&str, Role); 4] =
    [("clerk", Role::Clerk), ("supervisor", Role::Supervisor), ("auditor", Role::Auditor), ("admin", Role::Admin)];

/// The person-session columns: `p:` and the client column of the channel that opened it.
const SESSION_COLUMNS: [&str; 6] =
    ["p:wechat", "p:yushiban", "p:provincial", "p:national", "p:zhenghaoban", "p:terminal"];

/// Path placeholders: a card and a client nobody has (ids are fresh uuids, the person is real).
const PLACEHOLDER_CARD: &str = "A00000001";
const PLACEHOLDER_CLIENT: &str = "mc_00000000000000000000";

/// The phone of the person whose SMS sessions are columns (no other person has it).
const PHONE: &str = "13700001111";

/// How a cell's answer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Admitted,
    Refused,
    /// 401 (a token that died on the way) or a server error: never right.
    Broken,
}

impl Verdict {
    fn of(response: &TestResponse) -> Self {
        if response.status == StatusCode::UNAUTHORIZED || response.status.is_server_error() {
            Self::Broken
        } else if response.status == StatusCode::FORBIDDEN && REFUSALS.iter().any(|code| *code == response.code()) {
            Self::Refused
        } else {
            Self::Admitted
        }
    }
}

/// One caller: a column of the table and its bearer token.
struct Column {
    name: &'static str,
    token: String,
}

/// Every column name, in the order of the table's columns.
fn all_columns() -> Vec<&'static str> {
    let mut columns: Vec<&'static str> = CLIENT_COLUMNS.iter().map(|(name, _)| *name).collect();
    columns.extend(STAFF_COLUMNS.iter().map(|(name, _)| *name));
    columns.extend(SESSION_COLUMNS);
    columns
}

/// The columns a row's `who` names; an unknown word fails the test.
fn admitted_columns(who: &str) -> Vec<&'static str> {
    let known = all_columns();
    let mut admitted = Vec::new();
    for word in who.split_whitespace() {
        if word == "any" {
            admitted.extend(known.iter().copied().filter(|column| !column.starts_with("p:")));
        } else {
            let column = known.iter().copied().find(|column| *column == word);
            admitted.push(column.unwrap_or_else(|| panic!("`{word}` in MATRIX names no column")));
        }
    }
    admitted
}

fn ends_the_token(method: &str, route: &str) -> bool {
    TOKEN_ENDING.iter().any(|(m, r)| *m == method && *r == route)
}

/// Tokens and sessions that outlive the clock moves between SMS sends.
fn lasting_tokens() -> Settings {
    let mut settings = Settings::defaults();
    settings.auth.client_token_ttl_secs = 24 * 3600;
    settings.auth.staff_token_ttl_secs = 24 * 3600;
    settings.sessions.idle_timeout_secs = 24 * 3600;
    settings.sessions.absolute_ttl_secs = 24 * 3600;
    settings
}

/// Every `(METHOD, route)` of the OpenAPI document that needs a bearer token (not health, the
/// token endpoint or the docs).
fn documented_operations() -> Vec<(String, String)> {
    let doc = serde_json::to_value(medcard::api::openapi()).expect("the OpenAPI document serialises");
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("the document has paths") {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some_and(|operation| operation.get("security").is_some()) {
                found.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    found
}

#[test]
fn every_route_of_the_router_has_a_row_in_the_matrix() {
    let documented = documented_operations();
    let rows: Vec<(String, String)> = MATRIX.iter().map(|row| (row.0.to_owned(), row.1.to_owned())).collect();

    let missing: Vec<_> = documented.iter().filter(|operation| !rows.contains(operation)).collect();
    assert!(missing.is_empty(), "operations without a row in MATRIX: {missing:?}");
    let stale: Vec<_> = rows.iter().filter(|row| !documented.contains(row)).collect();
    assert!(stale.is_empty(), "rows of MATRIX the router does not have: {stale:?}");
    let mut distinct = rows.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), rows.len(), "MATRIX has a row twice");
    for (_, _, who) in MATRIX {
        admitted_columns(who);
    }
    for (method, route) in TOKEN_ENDING {
        assert!(MATRIX.iter().any(|row| row.0 == method && row.1 == route), "{method} {route} has no row");
    }
}

#[tokio::test]
async fn each_caller_is_admitted_exactly_where_the_matrix_says() {
    let app = TestApp::spawn_with(lasting_tokens()).await;
    let world = World::set_up(&app).await;
    let mut disagreements = Vec::new();
    let mut sent = 0;

    for column in &world.columns {
        for row in MATRIX.iter().filter(|row| !ends_the_token(row.0, row.1)) {
            sent += 1;
            disagreements.extend(world.disagreement(&app, column, row, sent).await);
        }
    }
    // Last, per column: the calls that end the token they present, the admitted one last.
    for column in &world.columns {
        let mut ending: Vec<&Row> = MATRIX.iter().filter(|row| ends_the_token(row.0, row.1)).collect();
        ending.sort_by_key(|row| admitted_columns(row.2).contains(&column.name));
        for row in ending {
            sent += 1;
            disagreements.extend(world.disagreement(&app, column, row, sent).await);
        }
    }

    assert_eq!(sent, MATRIX.len() * world.columns.len(), "every cell was sent");
    assert!(
        disagreements.is_empty(),
        "{} of {sent} cells disagree with MATRIX:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The callers, one per column, and the person whose number fills `{person_no}`.
struct World {
    columns: Vec<Column>,
    person: Holder,
}

impl World {
    async fn set_up(app: &TestApp) -> Self {
        let clients = client_columns(app).await;
        let staff = staff_columns(app).await;
        let clerk = token_of(&staff, "clerk").to_owned();
        let person = enrol_on_phone(app, &clerk, PHONE).await;
        let sessions = session_columns(app, &clients, &clerk, &person).await;
        let columns = clients.into_iter().chain(staff).chain(sessions).collect();
        Self { columns, person }
    }

    /// Sends `row`'s request as `column`; a line saying how, if the router's answer disagrees
    /// with the table.
    async fn disagreement(&self, app: &TestApp, column: &Column, row: &Row, n: usize) -> Option<String> {
        let (method, route, who) = *row;
        let expected = if admitted_columns(who).contains(&column.name) { Verdict::Admitted } else { Verdict::Refused };
        let response = app.call(self.request(method, route, &column.token, n)).await;
        let got = Verdict::of(&response);
        let answer = format!("{} {}", response.status, response.code());
        let line = format!("{method} {route} as {}: MATRIX says {expected:?}, got {answer}", column.name);
        (got != expected).then_some(line)
    }

    /// The cell's request: placeholders in the path, a JSON body and an `Idempotency-Key` on
    /// every method but GET.
    fn request(&self, method: &str, route: &str, token: &str, n: usize) -> Request<Body> {
        let builder = Request::builder()
            .method(method)
            .uri(self.uri(method, route))
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let request = match body_of(method, route) {
            None => builder.body(Body::empty()),
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", format!("matrix-{n}"))
                .body(Body::from(body.to_string())),
        };
        request.expect("a well-formed request")
    }

    /// The route with its path parameters filled, and the query an operation cannot do without
    /// (so that a handler reading it first does not answer 400 before it refuses the caller).
    fn uri(&self, method: &str, route: &str) -> String {
        let id = uuid::Uuid::new_v4().to_string();
        let path = route
            .replace("{person_no}", &self.person.person_no)
            .replace("{card_no}", PLACEHOLDER_CARD)
            .replace("{client_id}", PLACEHOLDER_CLIENT)
            .replace("{binding_id}", &id)
            .replace("{setl_id}", "MC0000000000000000000000")
            .replace("{filing_no}", "YD41010020260101000000")
            .replace("{setl_sn}", "SN0000000000")
            .replace("{id}", &id);
        assert!(!path.contains('{'), "{route}: a path parameter without a placeholder");
        match (method, route) {
            ("GET", "/v1/persons") => format!("{path}?id_number={}", self.person.id_number),
            ("GET", "/v1/audit-events") => format!("{path}?subject_id={}", self.person.person_no),
            ("GET", statements) if statements.ends_with("/statements") => format!("{path}?format=csv"),
            _ => path,
        }
    }
}

/// The body of a cell's request: none for a GET; for `POST /v1/bindings` one that parses (for a
/// phone and card nobody has), so that the service's channel check behind the parsing is
/// reached; else `{}`.
fn body_of(method: &str, route: &str) -> Option<Value> {
    match (method, route) {
        ("GET", _) => None,
        ("POST", "/v1/bindings") => Some(json!({
            "id_number": ids::fresh_id_number(),
            "name": "王芳",
            "card_no": PLACEHOLDER_CARD,
            "phone": "13700009999",
            "sms_code": "000000",
            "channel_user_ref": "matrix-user",
        })),
        _ => Some(json!({})),
    }
}

fn token_of<'a>(columns: &'a [Column], name: &str) -> &'a str {
    &columns.iter().find(|column| column.name == name).unwrap_or_else(|| panic!("no column {name}")).token
}

async fn client_columns(app: &TestApp) -> Vec<Column> {
    let mut columns = Vec::new();
    for (name, kind) in CLIENT_COLUMNS {
        columns.push(Column { name, token: app.client_token(kind).await });
    }
    columns
}

async fn staff_columns(app: &TestApp) -> Vec<Column> {
    let mut columns = Vec::new();
    for (name, role) in STAFF_COLUMNS {
        columns.push(Column { name, token: app.staff_token(role).await });
    }
    columns
}

/// A session of `person` through each online channel by SMS login, and one at the terminal by
/// card and password (of another holder: the terminal's needs an active card).
async fn session_columns(app: &TestApp, clients: &[Column], clerk: &str, person: &Holder) -> Vec<Column> {
    let mut columns = Vec::new();
    for name in SESSION_COLUMNS {
        let channel = token_of(clients, &name["p:".len()..]);
        let token = match name {
            "p:terminal" => card_password_session(app, channel, clerk).await,
            _ => sms_session(app, channel, person, PHONE).await,
        };
        columns.push(Column { name, token });
    }
    columns
}

/// Enrols an employee with `phone` on record.
async fn enrol_on_phone(app: &TestApp, clerk: &str, phone: &str) -> Holder {
    let mut body = employee_body(&ids::fresh_id_number());
    body["phone"] = json!(phone);
    app.enrol_holder_with(clerk, body).await
}

/// A session of `holder` opened by SMS login through the channel holding the token `channel`.
async fn sms_session(app: &TestApp, channel: &str, holder: &Holder, phone: &str) -> String {
    // At least 60 s between two codes to one phone.
    app.clock.advance(Duration::seconds(61));
    let sent = app.post("/v1/sms-codes", channel, json!({ "phone": phone, "purpose": "login" })).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
    let code: String = sqlx::query_scalar(
        "SELECT substring(body from '[0-9]{6}') FROM sms_outbox WHERE phone = $1 ORDER BY queued_at DESC LIMIT 1",
    )
    .bind(phone)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let login = json!({ "method": "sms", "phone": phone, "sms_code": code, "id_number": holder.id_number });
    session_token(app.post("/v1/sessions", channel, login).await)
}

/// A terminal session of a new holder of an active card, by card number and password.
async fn card_password_session(app: &TestApp, terminal: &str, clerk: &str) -> String {
    let (_, card_no) = app.card_in(clerk, Reach::Active).await;
    let login = json!({ "method": "card_password", "card_no": card_no, "password": CARD_PASSWORD });
    session_token(app.post("/v1/sessions", terminal, login).await)
}

fn session_token(opened: TestResponse) -> String {
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text);
    opened.body["access_token"].as_str().expect("an access token").to_owned()
}

#[tokio::test]
async fn a_person_session_never_reaches_another_persons_records() {
    let app = TestApp::spawn_with(lasting_tokens()).await;
    let clerk = app.staff_token(Role::Clerk).await;
    let own = enrol_on_phone(&app, &clerk, PHONE).await;
    let (other, other_card) = app.card_in(&clerk, Reach::Active).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let provincial = app.client_token(ClientKind::ProvincialPlatform).await;
    // The official account reports losses; the provincial platform exports statements.
    let sessions = [sms_session(&app, &wechat, &own, PHONE).await, sms_session(&app, &provincial, &own, PHONE).await];

    for session in &sessions {
        assert_out_of_reach(&app, session, &other, &other_card).await;
        assert_own_view_is_own(&app, session, &own, &other, &other_card).await;
    }
    let uri = format!("/v1/me/cards/{other_card}/loss-reports");
    for method in [Method::POST, Method::DELETE] {
        let refused = app.send(method, &uri, Some(sessions[0].as_str()), None).await;
        refused.assert_problem(StatusCode::NOT_FOUND, "card.not_found");
    }
    assert_eq!(app.stored_card_state(&other_card).await, (CardState::Active, None));
}

/// Every way to name another person outside `/v1/me`: by number in the path, by ID number or as
/// the subject in the query, or by their card's number.
fn routes_naming(other: &Holder, card_no: &str) -> Vec<String> {
    let person_no = &other.person_no;
    let suffixes = ["", "/account", "/account/entries", "/contributions", "/cards", "/bindings", "/status-transitions"];
    let mut routes: Vec<String> = suffixes.iter().map(|suffix| format!("/v1/persons/{person_no}{suffix}")).collect();
    routes.push(format!("/v1/persons/{person_no}/statements?format=csv"));
    routes.push(format!("/v1/persons?id_number={}", other.id_number));
    routes.push(format!("/v1/audit-events?subject_id={person_no}"));
    routes.push(format!("/v1/cards/{card_no}"));
    routes.push(format!("/v1/cards/{card_no}/transitions"));
    routes
}

async fn assert_out_of_reach(app: &TestApp, session: &str, other: &Holder, card_no: &str) {
    for uri in routes_naming(other, card_no) {
        let refused = app.get(&uri, session).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{uri}: {}", refused.text);
        assert_eq!(refused.code(), "auth.person_session_confined", "{uri}");
    }
}

/// `/v1/me` answers the session's person whatever the query says; the own view takes no person
/// number, and does not list the other's card.
async fn assert_own_view_is_own(app: &TestApp, session: &str, own: &Holder, other: &Holder, other_card: &str) {
    for uri in ["/v1/me".to_owned(), format!("/v1/me?person_no={}", other.person_no)] {
        let me = app.get(&uri, session).await;
        assert_eq!(me.status, StatusCode::OK, "{uri}: {}", me.text);
        assert_eq!(me.body["person_no"], own.person_no.as_str(), "{uri}");
    }
    let smuggled = app.get(&format!("/v1/me/account/entries?person_no={}", other.person_no), session).await;
    smuggled.assert_problem(StatusCode::BAD_REQUEST, "request.bad_query");
    let cards = app.get("/v1/me/cards", session).await;
    assert_eq!(cards.status, StatusCode::OK, "{}", cards.text);
    assert!(!cards.text.contains(other_card), "another person's card in the own view: {}", cards.text);
}
