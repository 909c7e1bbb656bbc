//! `medcard seed`: a realistic, deterministic demo data set of any size (SPEC §7), loaded fast.
//!
//! Each person's life over the three years before today is derived from `--seed` and the
//! person's index alone: identity and insurance, cards through their lifecycle, every
//! contribution and its arrival, visits to named designated institutions split by the settlement
//! rules against the account balance of that moment, the ledger those leave, and now and then a
//! filing or a family binding. The rows go in with `COPY`, in chunks, through each table's own
//! store, in one transaction: a failed seed leaves nothing behind, and `medcard ledger check`
//! passes on what a finished one leaves.

mod account;
mod cards;
pub(crate) mod catalogue;
mod extras;
mod history;
mod life;
mod load;
mod paying;
mod people;
mod rng;
mod rows;
mod setup;
mod visits;

use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use crate::domain::Month;
use crate::platform::clock::china_offset;
use crate::platform::config::Settings;

pub use load::{Counts, Example, SeedOptions, SeedReport, seed};

/// The password of every seeded card that has one (activated cards), for demos.
pub const DEMO_CARD_PASSWORD: &str = "582046";

/// The data set's "now": the three years of history end today.
#[derive(Debug, Clone)]
pub(crate) struct Window {
    pub seed: u64,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
    /// The first of the 36 months.
    pub first_month: Month,
    pub current_month: Month,
    pub settings: Arc<Settings>,
}

impl Window {
    /// The window ending at `now`.
    pub(crate) fn new(seed: u64, now: DateTime<Utc>, settings: Arc<Settings>) -> Self {
        let today = now.with_timezone(&china_offset()).date_naive();
        let current_month = Month::of(today);
        let mut first_month = current_month;
        for _ in 0..35 {
            first_month = first_month.previous();
        }
        Self { seed, today, now, first_month, current_month, settings }
    }

    /// The Zhengzhou date of an instant.
    pub(crate) fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&china_offset()).date_naive()
    }

    /// The latest month whose cut-off day has passed (its unpaid contributions are arrears).
    pub(crate) fn last_closed_month(&self) -> Month {
        if self.today.day() > self.settings.contributions.cutoff_day {
            self.current_month
        } else {
            self.current_month.previous()
        }
    }
}

/// `minutes` past `hour` o'clock, Zhengzhou time, on `day`.
pub(crate) fn at(day: NaiveDate, hour: u32, minutes: u64) -> DateTime<Utc> {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
    let local = china_offset()
        .from_local_datetime(&midnight)
        .single()
        .unwrap_or_else(|| china_offset().from_utc_datetime(&midnight));
    (local + Duration::hours(i64::from(hour)) + Duration::minutes(minutes as i64)).with_timezone(&Utc)
}
