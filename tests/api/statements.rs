//! Statements: the period's contributions and account flow, opening and closing balance that
//! reconcile with the ledger; CSV that Excel opens with the Chinese intact; an A4 PDF whose text
//! (read back with pdftotext) has the Chinese headings, the masked ID number and the closing
//! balance.

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use medcard::platform::caller::ClientKind;
use tower::ServiceExt;

use crate::helpers::TestApp;

/// A person whose November contribution arrived (allocation 120.00), and a clerk.
async fn person_with_an_allocation(app: &TestApp) -> (String, String) {
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let paid = app.pay(&actors.bank, &person_no, &["2026-11"], "600.00", "st-pay").await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    let arrived = app.arrive(&actors.tax, paid.body["payment_id"].as_str().unwrap(), "st-arrive").await;
    assert_eq!(arrived.status, StatusCode::OK, "{}", arrived.text);
    (person_no, actors.clerk)
}

/// GETs `uri` and returns status, content type and the raw bytes.
async fn download(app: &TestApp, uri: &str, token: &str) -> (StatusCode, String, Vec<u8>) {
    let request = Request::builder()
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = app.router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap().to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, content_type, bytes)
}

/// Runs a poppler tool over the PDF and returns what it printed.
fn poppler(tool: &str, pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("medcard-statement-{}.pdf", uuid::Uuid::new_v4()));
    std::fs::write(&path, pdf).unwrap();
    let mut command = Command::new(tool);
    command.arg(&path);
    if tool == "pdftotext" {
        command.arg("-");
    }
    let out = command.output().unwrap_or_else(|e| panic!("{tool} is installed: {e}"));
    std::fs::remove_file(&path).ok();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn a_csv_statement_opens_in_excel_and_its_balances_reconcile_with_the_ledger() {
    let app = TestApp::spawn().await;
    let (person_no, clerk) = person_with_an_allocation(&app).await;

    let uri = format!("/v1/persons/{person_no}/statements?format=csv&from=2026-11-01&to=2026-11-30");
    let (status, content_type, bytes) = download(&app, &uri, &clerk).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a UTF-8 byte-order mark first");
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains('\n'), "CRLF line ends");
    for heading in ["郑州市医疗保障个人对账单", "缴费记录", "个人账户明细", "期初余额,0.00", "期末余额,120.00"]
    {
        assert!(text.contains(heading), "{heading} missing from:\n{text}");
    }
    assert!(text.contains(",划入,120.00,120.00,"), "{text}");
    assert!(text.contains("2026-11,6000.00,600.00,已到账"), "{text}");
    assert!(text.contains("410105********") && !text.contains("198703"), "the ID number is masked");
    assert_eq!(app.balance(&clerk, &person_no).await, "120.00");
    assert_eq!(app.audit_count("statement.export", &person_no).await, 1);
}

#[tokio::test]
async fn a_later_period_opens_at_the_balance_the_earlier_one_closed_at() {
    let app = TestApp::spawn().await;
    let (person_no, _) = person_with_an_allocation(&app).await;

    let uri = format!("/v1/persons/{person_no}/statements?format=csv&from=2026-12-01&to=2026-12-31");
    app.set_china_time(2027, 1, 5, 9);
    let clerk = app.staff_token(medcard::platform::caller::Role::Clerk).await;
    let (status, _, bytes) = download(&app, &uri, &clerk).await;

    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains("期初余额,120.00") && text.contains("期末余额,120.00"), "{text}");
    assert!(!text.contains("划入"), "no entry in December: {text}");
}

#[tokio::test]
async fn a_pdf_statement_is_a4_with_chinese_headings_page_numbers_and_the_closing_balance() {
    let app = TestApp::spawn().await;
    let (person_no, clerk) = person_with_an_allocation(&app).await;

    let uri = format!("/v1/persons/{person_no}/statements?format=pdf&from=2026-11-01&to=2026-11-30");
    let (status, content_type, bytes) = download(&app, &uri, &clerk).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/pdf");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(poppler("pdfinfo", &bytes).contains("595 x 842 pts (A4)"), "A4 pages");
    let text = poppler("pdftotext", &bytes);
    // pdftotext places spaces by glyph positions; compare without them.
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for expected in ["郑州市医疗保障个人对账单", "缴费记录", "个人账户明细", "期末余额：120.00", "第1页/共1页", "王芳"]
    {
        assert!(compact.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(text.contains("410105********") && !text.contains("198703"), "the ID number is masked:\n{text}");
}

#[tokio::test]
async fn statement_periods_are_one_day_to_three_years_and_the_format_is_csv_or_pdf() {
    let app = TestApp::spawn().await;
    let (person_no, clerk) = person_with_an_allocation(&app).await;
    let base = format!("/v1/persons/{person_no}/statements");

    for query in ["format=csv&from=2026-11-10&to=2026-11-01", "format=csv&from=2023-01-01&to=2026-11-20"] {
        app.get(&format!("{base}?{query}"), &clerk)
            .await
            .assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "statement.period");
    }
    for query in ["format=xls", "from=2026-11-01", "format=csv&from=2026-13-01"] {
        let refused = app.get(&format!("{base}?{query}"), &clerk).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{query}: {}", refused.text);
    }
    app.get("/v1/persons/4101999999999999/statements?format=csv", &clerk)
        .await
        .assert_problem(StatusCode::NOT_FOUND, "person.not_found");
}

#[tokio::test]
async fn the_person_prints_their_own_statement_on_the_provincial_platform_but_not_on_the_official_account() {
    let app = TestApp::spawn().await;
    let (person_no, _clerk) = person_with_an_allocation(&app).await;
    let provincial = app.client_token(ClientKind::ProvincialPlatform).await;
    let wechat = app.client_token(ClientKind::WechatOfficialAccount).await;
    let own = app.sms_session(&provincial, "13812345678").await;

    let (status, content_type, bytes) = download(&app, "/v1/me/statements?format=csv", &own).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.contains(&person_no) && text.contains("期末余额,120.00"), "{text}");
    let three_years = app.get("/v1/me/statements?format=csv&from=2024-01-02", &own).await;
    assert_eq!(three_years.status, StatusCode::OK, "{}", three_years.text);

    app.wait_for_resend();
    let on_wechat = app.sms_session(&wechat, "13812345678").await;
    let refused = app.get("/v1/me/statements?format=csv", &on_wechat).await;
    refused.assert_problem(StatusCode::FORBIDDEN, "auth.insufficient_scope");
}

#[tokio::test]
async fn a_terminal_session_looks_back_one_year_however_the_period_is_given() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(medcard::platform::caller::Role::Clerk).await;
    let (_, card_no) = app.card_in(&clerk, crate::helpers::cards::Reach::Active).await;
    let terminal = app.client_token(ClientKind::Terminal).await;
    let opened = app.terminal_session(&terminal, &card_no, crate::helpers::cards::CARD_PASSWORD).await;
    let session = crate::helpers::persons_side::session_token(&opened);

    for query in ["from=2025-06-01", "to=2025-06-01"] {
        let refused = app.get(&format!("/v1/me/statements?format=csv&{query}"), &session).await;
        refused.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "me.lookback_exceeded");
    }
    let (status, content_type, bytes) = download(&app, "/v1/me/statements?format=pdf", &session).await;
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "application/pdf"));
    assert!(poppler("pdftotext", &bytes).contains("期末余额：0.00"));
}
