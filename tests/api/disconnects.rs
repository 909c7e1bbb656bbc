//! A client that hangs up in the middle of a money operation changes nothing about its
//! outcome: the payment is written whole (or not at all), the pool stays healthy, and the
//! retry with the same key gets the stored answer.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use tokio::io::AsyncWriteExt;

use crate::helpers::TestApp;

async fn payments_of(app: &TestApp, person_no: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM contribution_payments WHERE person_no = $1")
        .bind(person_no)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_payment_whose_client_hangs_up_is_still_written_whole() {
    let app = TestApp::spawn().await;
    let actors = app.money_actors().await;
    let person_no = app.enrolled_person_no(&actors.clerk).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let service = app.router.clone().into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });

    let body = json!({
        "person_no": person_no, "periods": ["2026-11"], "amount": "600.00", "paid_at": app.clock_now(),
        "channel": "bank_withholding", "reference": "ref-hangup-1",
    })
    .to_string();
    let request = format!(
        "POST /v1/contribution-payments HTTP/1.1\r\nHost: medcard\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nIdempotency-Key: hangup-1\r\nContent-Length: {}\r\n\r\n{body}",
        actors.bank,
        body.len()
    );
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    drop(socket);

    let mut written = 0;
    for _ in 0..100 {
        written = payments_of(&app, &person_no).await;
        if written == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(written, 1, "the payment was not written after its client hung up");
    let retry = app.pay(&actors.bank, &person_no, &["2026-11"], "600.00", "hangup-1").await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.text);
    assert_eq!(retry.headers["idempotent-replayed"], "true");
    assert_eq!(payments_of(&app, &person_no).await, 1);
    app.assert_ledger_reconciles().await;
}
