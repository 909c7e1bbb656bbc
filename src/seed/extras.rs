//! The rarer records: remote-treatment filings (about one person in a hundred: retirees resettled
//! elsewhere, workers posted away, referrals, trips) and family mutual-aid bindings (an employee
//! and the next person of the data set, as spouse, parent or child by their ages).

use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc};

use super::life::{Fate, Person};
use super::rng::Rng;
use super::{Window, at};

/// Where filings send persons (GB/T 2260 county codes outside Zhengzhou).
const TARGETS: [&str; 8] = ["460202", "530102", "440106", "310104", "110108", "510107", "210202", "350203"];
const REFERRALS: [(&str, &str); 3] = [
    ("北京协和医院", "冠状动脉粥样硬化性心脏病"),
    ("复旦大学附属中山医院", "肝恶性肿瘤"),
    ("四川大学华西医院", "慢性肾功能不全"),
];

/// A seeded filing.
#[derive(Debug, Clone)]
pub(crate) struct SeedFiling {
    pub kind: &'static str,
    pub target_region: &'static str,
    pub begin: NaiveDate,
    pub end: Option<NaiveDate>,
    pub state: &'static str,
    pub referral: Option<(&'static str, &'static str)>,
    pub filed_at: DateTime<Utc>,
    pub effective_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// The person's filing, if they have one (insured normally only).
pub(crate) fn filing(window: &Window, person: &Person, rng: &mut Rng) -> Option<SeedFiling> {
    if person.fate != Fate::Normal || !rng.chance(10) {
        return None;
    }
    let age = window.today.years_since(person.birth).unwrap_or(0);
    let kind = match rng.below(10) {
        0..4 if age >= 60 => "resettled_retiree",
        0..4 if person.is_employee() => "posted_worker",
        0..4 => "long_term_resident",
        4..6 => "referral",
        _ => "temporary_travel",
    };
    let filed = window.today - Days::new(rng.between(1, 330) as u64);
    let begin = filed + Days::new(rng.below(10));
    let long_term = matches!(kind, "resettled_retiree" | "posted_worker" | "long_term_resident");
    let end =
        (!long_term).then(|| begin.checked_add_months(chrono::Months::new(6)).and_then(|d| d.pred_opt())).flatten();
    let filed_at = at(filed, 9, rng.below(480));
    let synced = filed_at + Duration::hours(rng.between(2, 30));
    let state = match end {
        Some(end) if end < window.today => "expired",
        _ if synced >= window.now => "filed",
        _ => "effective",
    };
    let ended_at = (state == "expired").then(|| end.map(|e| at(e + Days::new(1), 0, 40))).flatten();
    let referral = (kind == "referral").then(|| *rng.pick(&REFERRALS));
    let effective_at = (state != "filed").then_some(synced);
    Some(SeedFiling {
        kind,
        target_region: TARGETS[rng.below(TARGETS.len() as u64) as usize],
        begin,
        end,
        state,
        referral,
        filed_at,
        effective_at,
        ended_at,
    })
}

/// A seeded family binding: the holder's account may pay for the relative.
#[derive(Debug, Clone)]
pub(crate) struct SeedBinding {
    pub relationship: &'static str,
    pub requested_at: DateTime<Utc>,
}

/// Whether `holder` (an employee) binds `relative`, and as what.
pub(crate) fn binding(window: &Window, holder: &Person, relative: &Person, rng: &mut Rng) -> Option<SeedBinding> {
    let both_normal = holder.fate == Fate::Normal && relative.fate == Fate::Normal;
    if !holder.is_employee() || !both_normal || !rng.chance(60) {
        return None;
    }
    let years = holder.birth.year() - relative.birth.year();
    let relationship = match years {
        18.. => "parent",
        ..=-18 => "child",
        _ if holder.gender != relative.gender => "spouse",
        _ => "sibling",
    };
    let since = window.local_date(holder.enrolled_at.max(relative.enrolled_at)).max(window.first_month.first_day());
    let span = (window.today - since).num_days().max(2) as u64;
    let day = since + Days::new(rng.below(span - 1));
    Some(SeedBinding { relationship, requested_at: at(day, 14, rng.below(200)) })
}
