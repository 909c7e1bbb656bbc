//! The temporary-loss lapse job: it counts working days with the holiday calendar, is recorded
//! as the system's doing, and is idempotent and safe with two runners at once.

use std::sync::Arc;

use axum::http::StatusCode;
use chrono::{DateTime, TimeZone, Utc};
use medcard::cards::CardState;
use medcard::jobs::{Job, run_all_once};
use medcard::platform::caller::Role;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::helpers::cards::{Reach, card_path};

/// `day` of `month` 2026 at `hour`:`minute` in Zhengzhou (UTC+8).
fn zhengzhou(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .unwrap()
        .with_timezone(&Utc)
}

async fn lapsed_rows(app: &TestApp) -> u64 {
    let done = run_all_once(&app.core).await;
    done.into_iter().find(|(job, _)| *job == Job::TemporaryLossLapse).expect("the lapse job ran").1
}

#[tokio::test]
async fn a_temporary_loss_reported_before_a_weekend_and_a_holiday_lapses_after_three_working_days() {
    let app = TestApp::spawn_with_lasting_tokens().await;
    // Friday 3 April 2026; Saturday 4 to Monday 6 April are the Qingming holiday.
    app.clock.set(zhengzhou(4, 3, 10, 0));
    let clerk = app.staff_token(Role::Clerk).await;
    let (holder, card_no) = app.card_in(&clerk, Reach::Active).await;
    let report = app.post(&card_path(&card_no, "/loss-reports"), &clerk, holder.loss_report("temporary")).await;
    assert_eq!(report.status, StatusCode::CREATED, "{}", report.text);
    // Working days after the report: Tuesday 7, Wednesday 8, Thursday 9 April.
    assert_eq!(report.body["temporary_loss_until"], "2026-04-09");

    // Not yet: over the weekend, on the holiday Monday, on Wednesday 8 (which would be the third
    // working day without the holiday) and late on Thursday 9, the last protected day.
    for now in [zhengzhou(4, 4, 9, 0), zhengzhou(4, 6, 12, 0), zhengzhou(4, 8, 18, 0), zhengzhou(4, 9, 23, 59)] {
        app.clock.set(now);
        assert_eq!(lapsed_rows(&app).await, 0, "at {now}");
        assert_eq!(app.stored_card_state(&card_no).await.0, CardState::TemporarilyLost, "at {now}");
    }

    app.clock.set(zhengzhou(4, 10, 0, 30));
    assert_eq!(lapsed_rows(&app).await, 1);

    let card = app.get(&card_path(&card_no, ""), &clerk).await.body;
    assert_eq!(card["state"], "active");
    assert_eq!(card["temporary_loss_until"], Value::Null);
    let history = app.card_history(&clerk, &card_no).await;
    let lapse = history.last().unwrap();
    assert_eq!((lapse["from"].as_str(), lapse["to"].as_str()), (Some("temporarily_lost"), Some("active")));
    assert_eq!(lapse["reason_code"], "temporary_loss_lapsed");
    assert_eq!(lapse["actor_kind"], "system");
    assert_eq!(lapse["actor_id"], "temporary_loss_lapse");
    assert_eq!(lapse["channel"], "system");
    assert_eq!(lapse["occurred_at"].as_str().unwrap().parse::<DateTime<Utc>>().unwrap(), zhengzhou(4, 10, 0, 30));

    // Running again changes nothing.
    app.clock.set(zhengzhou(4, 13, 9, 0));
    assert_eq!(lapsed_rows(&app).await, 0);
    assert_eq!(app.card_history(&clerk, &card_no).await.len(), history.len());
    let audits: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_events WHERE action = 'card.temporary_loss_lapsed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audits, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_job_runners_at_once_lapse_each_due_card_exactly_once() {
    let app = Arc::new(TestApp::spawn_with_lasting_tokens().await);
    let clerk = app.staff_token(Role::Clerk).await;
    let mut due = Vec::new();
    for _ in 0..6 {
        let (_, card_no) = app.card_in(&clerk, Reach::TemporarilyLost).await;
        due.push(card_no);
    }
    // Reported on Monday 23 November: protected until Thursday 26 November.
    app.clock.set(zhengzhou(11, 23, 10, 0));
    let (_, recent) = app.card_in(&clerk, Reach::TemporarilyLost).await;
    // Thursday 26 November: the first six (reported Friday 20, protected until Wednesday 25) are due.
    app.clock.set(zhengzhou(11, 26, 8, 0));

    let (first, second) = tokio::join!(
        tokio::spawn({
            let app = app.clone();
            async move { lapsed_rows(&app).await }
        }),
        tokio::spawn({
            let app = app.clone();
            async move { lapsed_rows(&app).await }
        }),
    );

    assert_eq!(first.unwrap() + second.unwrap(), 6);
    for card_no in &due {
        assert_eq!(app.stored_card_state(card_no).await.0, CardState::Active);
        let lapses: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM card_transitions WHERE card_no = $1 AND reason_code = 'temporary_loss_lapsed'",
        )
        .bind(card_no)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(lapses, 1, "{card_no}");
    }
    assert_eq!(app.stored_card_state(&recent).await.0, CardState::TemporarilyLost);
}

#[tokio::test]
async fn job_runs_are_counted_in_the_metrics() {
    let app = TestApp::spawn().await;
    medcard::jobs::run_all_once(&app.core).await;
    let metrics = app.send(axum::http::Method::GET, "/metrics", None, None).await;
    for job in Job::ALL {
        let line = format!("job_runs_total{{job=\"{}\",outcome=\"ok\"}}", job.name());
        assert!(metrics.text.contains(&line), "{line} missing from:\n{}", metrics.text);
    }
}
