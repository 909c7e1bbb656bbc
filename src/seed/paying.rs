//! A seeded person's contributions: every month an employee owed over the window (or every year
//! a resident did), how and when each was paid and arrived — most on time, some after the
//! cut-off (a spell in arrears that arrival ended), a few still unpaid, a very few paid but not
//! yet arrived.

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc};
use uuid::Uuid;

use super::life::{Fate, Person};
use super::rng::Rng;
use super::{Window, at};
use crate::contributions::Rates;
use crate::domain::{Money, Month};

/// One period's contribution.
#[derive(Debug, Clone)]
pub(crate) struct Owed {
    pub period: String,
    pub base: Option<Money>,
    pub employer: Money,
    pub personal: Money,
    pub allocation: Money,
    pub created_at: DateTime<Utc>,
    pub paid: Option<Paid>,
}

/// How a contribution was paid.
#[derive(Debug, Clone)]
pub(crate) struct Paid {
    pub payment_id: Uuid,
    pub reference: String,
    pub at: DateTime<Utc>,
    pub arrived_at: Option<DateTime<Utc>>,
    /// Paid by a bank's withholding rather than through the tax bureau.
    pub by_bank: bool,
    /// Paid after the month's cut-off: the person was in arrears from the cut-off until arrival.
    pub late_from: Option<DateTime<Utc>>,
}

impl Owed {
    /// The amount owed.
    pub(crate) fn due(&self) -> Money {
        self.employer + self.personal
    }
}

/// Everything the person owed over the window, oldest first.
pub(crate) fn contributions(window: &Window, person: &Person, rng: &mut Rng) -> Vec<Owed> {
    match person.base {
        Some(base) => employee_months(window, person, rng, Rates::of(&window.settings.contributions).month(base)),
        None => resident_years(window, person, rng),
    }
}

fn employee_months(
    window: &Window,
    person: &Person,
    rng: &mut Rng,
    parts: crate::contributions::MonthParts,
) -> Vec<Owed> {
    let first = Month::of(window.local_date(person.enrolled_at)).max(window.first_month);
    let last = match person.stopped_on() {
        Some(on) => Month::of(on).previous(),
        None => window.current_month,
    };
    let first_unpaid = match person.fate {
        Fate::InArrears { first_unpaid } => first_unpaid,
        _ => window.current_month.next(),
    };
    let unarrived = window.last_closed_month();
    let leaves_one_unarrived = rng.chance(5);
    let mut owed = Vec::new();
    let mut month = first;
    while month <= last {
        let paid = if month >= first_unpaid {
            None
        } else if month == window.current_month {
            current_month_payment(window, person, rng, month)
        } else {
            let arrives = !(leaves_one_unarrived && month == unarrived);
            Some(month_payment(window, person, rng, month, arrives))
        };
        let created_at = at(month.first_day(), 1, rng.below(30));
        let (employer, personal, allocation) = (parts.employer, parts.personal, parts.allocation);
        owed.push(Owed {
            period: month.to_string(),
            base: person.base,
            employer,
            personal,
            allocation,
            created_at,
            paid,
        });
        month = month.next();
    }
    owed
}

/// A closed month's payment: through the tax bureau between the 5th and the 20th, or (3 %)
/// early the next month, after the cut-off; arrival one to three days later.
fn month_payment(window: &Window, person: &Person, rng: &mut Rng, month: Month, arrives: bool) -> Paid {
    let late = rng.chance(30);
    let day = if late { month.next().day(rng.between(2, 12) as u32) } else { month.day(rng.between(5, 20) as u32) };
    let paid_at = at(day.min(window.today - Days::new(1)), 10, rng.below(420));
    let arrived_at = paid_at + Duration::hours(rng.between(20, 70));
    let arrived_at = (arrives && arrived_at < window.now).then_some(arrived_at);
    let late_from = late.then(|| at(month.day(window.settings.contributions.cutoff_day + 1), 0, 30));
    let payment_id = payment_id(window.seed, person.index, month.year() as u64 * 12 + u64::from(month.month()));
    Paid {
        payment_id,
        reference: reference(day, person.index, &month.to_string()),
        at: paid_at,
        arrived_at,
        by_bank: false,
        late_from,
    }
}

/// The current month: paid on one of the days gone by for some, still owed (before its
/// cut-off) for the rest.
fn current_month_payment(window: &Window, person: &Person, rng: &mut Rng, month: Month) -> Option<Paid> {
    let days_gone = window.today.day().saturating_sub(1);
    if days_gone == 0 || !rng.chance(400) {
        return None;
    }
    let day = month.day(rng.between(1, i64::from(days_gone)) as u32);
    let paid_at = at(day, 10, rng.below(420));
    let arrived_at = paid_at + Duration::hours(rng.between(20, 70));
    let payment_id = payment_id(window.seed, person.index, month.year() as u64 * 12 + u64::from(month.month()));
    Some(Paid {
        payment_id,
        reference: reference(day, person.index, &month.to_string()),
        at: paid_at,
        arrived_at: (arrived_at < window.now).then_some(arrived_at),
        by_bank: false,
        late_from: None,
    })
}

/// A resident's yearly contributions, each collected in the last two months of the year before
/// (by bank withholding for four in ten, through the tax bureau's app for the rest).
fn resident_years(window: &Window, person: &Person, rng: &mut Rng) -> Vec<Owed> {
    let enrolled = window.local_date(person.enrolled_at);
    let stop = person.stopped_on().unwrap_or(window.today);
    let amount = window.settings.contributions.resident_yearly_amount;
    let mut owed = Vec::new();
    for year in window.first_month.year()..=window.today.year() {
        if year < enrolled.year() || year > stop.year() {
            continue;
        }
        let before = NaiveDate::from_ymd_opt(year - 1, 11, 1).unwrap_or(enrolled);
        let day = (before + Days::new(rng.below(55))).max(enrolled);
        let paid_at = at(day.min(window.today - Days::new(1)), 11, rng.below(480));
        let arrived_at = paid_at + Duration::hours(rng.between(20, 70));
        let paid = Paid {
            payment_id: payment_id(window.seed, person.index, year as u64),
            reference: reference(day, person.index, &year.to_string()),
            at: paid_at,
            arrived_at: (arrived_at < window.now).then_some(arrived_at),
            by_bank: rng.chance(400),
            late_from: None,
        };
        let created_at = at(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(day), 1, rng.below(30)).min(paid_at);
        let zero = Money::ZERO;
        let period = year.to_string();
        owed.push(Owed {
            period,
            base: None,
            employer: zero,
            personal: amount,
            allocation: zero,
            created_at,
            paid: Some(paid),
        });
    }
    owed
}

/// Payment ids in person order, so the index on them grows at its right edge while loading.
fn payment_id(seed: u64, index: u64, period: u64) -> Uuid {
    Uuid::from_u64_pair(0x5EED_0000_0000_0000 | (seed & 0xFFFF_FFFF), index << 20 | period)
}

/// The payer's reference: the person's number, the period and the date, unique per client (in
/// person order, like the payment ids).
fn reference(day: NaiveDate, index: u64, period: &str) -> String {
    format!("SW{index:09}{}{}", period.replace('-', ""), day.format("%Y%m%d"))
}
