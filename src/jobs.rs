//! The background job runner: time-driven rules, run every `jobs.interval_secs`. Each job is
//! idempotent set-based SQL, so any number of service instances may run the runner at once: the
//! lapse skips rows another transaction holds (the next run takes them); the monthly jobs run
//! once per period under an advisory lock, recorded in `job_runs`.

use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::cards::Cards;
use crate::contributions::Contributions;
use crate::ledger::Ledger;
use crate::platform::Core;
use crate::remote::RemoteFilings;

/// A time-driven rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Temporary card losses not made formal in time lapse back to active.
    TemporaryLossLapse,
    /// This month's (and year's) contributions are owed by every contributor.
    ContributionAssessment,
    /// After the monthly cut-off, unpaid months put persons in arrears.
    ArrearsSweep,
    /// Staff adjustments left pending past their expiry date expire.
    AdjustmentExpiry,
    /// Remote-treatment filings past their end date expire.
    RemoteFilingExpiry,
}

impl Job {
    /// Every job, in the order they run.
    pub const ALL: [Self; 5] = [
        Self::TemporaryLossLapse,
        Self::ContributionAssessment,
        Self::ArrearsSweep,
        Self::AdjustmentExpiry,
        Self::RemoteFilingExpiry,
    ];

    /// The name in logs and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::TemporaryLossLapse => "temporary_loss_lapse",
            Self::ContributionAssessment => "contribution_assessment",
            Self::ArrearsSweep => "arrears_sweep",
            Self::AdjustmentExpiry => "adjustment_expiry",
            Self::RemoteFilingExpiry => "remote_filing_expiry",
        }
    }

    /// Runs the job once; returns how many rows it changed.
    pub async fn run(self, core: &Core) -> crate::platform::error::Result<u64> {
        match self {
            Self::TemporaryLossLapse => Cards::new(core).lapse_temporary_losses().await,
            Self::ContributionAssessment => Contributions::new(core).assess_contributions().await,
            Self::ArrearsSweep => Contributions::new(core).sweep_arrears().await,
            Self::AdjustmentExpiry => Ledger::new(core).expire_adjustments().await,
            Self::RemoteFilingExpiry => RemoteFilings::new(core).expire_filings().await,
        }
    }
}

/// Runs every job once, logging and counting each outcome; returns `(job, rows)` for the jobs
/// that succeeded.
pub async fn run_all_once(core: &Core) -> Vec<(Job, u64)> {
    let mut done = Vec::new();
    for job in Job::ALL {
        let started = Instant::now();
        let outcome = job.run(core).await;
        metrics::histogram!("job_duration_seconds", "job" => job.name()).record(started.elapsed().as_secs_f64());
        match outcome {
            Ok(rows) => {
                metrics::counter!("job_runs_total", "job" => job.name(), "outcome" => "ok").increment(1);
                metrics::counter!("job_rows_total", "job" => job.name()).increment(rows);
                if rows > 0 {
                    tracing::info!(job = job.name(), rows, "job changed rows");
                }
                done.push((job, rows));
            }
            Err(err) => {
                metrics::counter!("job_runs_total", "job" => job.name(), "outcome" => "error").increment(1);
                tracing::error!(job = job.name(), error = ?err, "job failed");
            }
        }
    }
    done
}

/// Runs the jobs every `interval` until `stop` turns true.
pub async fn run_until_stopped(core: Core, interval: Duration, mut stop: watch::Receiver<bool>) {
    tracing::info!(interval_secs = interval.as_secs(), "job runner started");
    let mut ticker = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = ticker.tick() => { run_all_once(&core).await; }
            _ = stop.changed() => break,
        }
    }
    tracing::info!("job runner stopped");
}
