//! The ledger's one writer: a batch is all or none even on a connection with no transaction of
//! its own, and no entry's balance ever goes below zero on the way.

use medcard::domain::{Money, PersonNo};
use medcard::ledger::{EntryKind, Movement, writer};
use medcard::platform::caller::{Actor, Role};

use crate::helpers::TestApp;

fn movement(person_no: &str, fen: i64) -> Movement {
    Movement {
        person_no: PersonNo::parse(person_no).unwrap(),
        kind: EntryKind::Adjustment,
        amount: Money::from_fen(fen),
        period: None,
        payment_id: None,
        reason: Some("test".into()),
        approver: None,
        value_at: None,
    }
}

async fn entries(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM account_entries").fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_batch_with_one_uncovered_debit_posts_nothing_even_without_a_transaction() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let (credited, debited) = (app.enrolled_person_no(&clerk).await, app.enrolled_person_no(&clerk).await);
    let mut conn = app.pool.acquire().await.unwrap();
    let batch = [movement(&credited, 1000), movement(&debited, -500)];

    let refused = writer::post_batch(&mut conn, &batch, &Actor::system("test"), app.core.clock.now()).await;

    assert_eq!(refused.unwrap_err().code(), "account.insufficient_balance");
    assert_eq!(app.balance(&clerk, &credited).await, "0.00", "the covered half was undone too");
    assert_eq!(entries(&app).await, 0);
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn a_debit_before_a_credit_in_one_batch_may_not_dip_below_zero() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let mut conn = app.pool.acquire().await.unwrap();
    let actor = Actor::system("test");

    let dip = [movement(&person_no, -500), movement(&person_no, 1000)];
    let refused = writer::post_batch(&mut conn, &dip, &actor, app.core.clock.now()).await;
    assert_eq!(refused.unwrap_err().code(), "account.insufficient_balance");

    let rise = [movement(&person_no, 1000), movement(&person_no, -500)];
    let posted = writer::post_batch(&mut conn, &rise, &actor, app.core.clock.now()).await.unwrap();
    let after: Vec<String> = posted.iter().map(|e| e.balance_after.to_string()).collect();
    assert_eq!(after, ["10.00", "5.00"]);
    assert_eq!(app.balance(&clerk, &person_no).await, "5.00");
    app.assert_ledger_reconciles().await;
}

#[tokio::test]
async fn every_entry_kind_is_one_the_database_accepts() {
    let app = TestApp::spawn().await;
    let clerk = app.staff_token(Role::Clerk).await;
    let person_no = app.enrolled_person_no(&clerk).await;
    let mut conn = app.pool.acquire().await.unwrap();
    for kind in EntryKind::ALL {
        let credit = Movement { kind, ..movement(&person_no, 1) };
        writer::post(&mut conn, credit, &Actor::system("test"), app.core.clock.now()).await.unwrap();
    }
    assert_eq!(entries(&app).await, EntryKind::ALL.len() as i64);
    app.assert_ledger_reconciles().await;
}
