//! A seeded person's visits to designated institutions: outpatient visits at hospitals of all
//! three levels, pharmacy purchases, chronic-disease visits for the middle-aged and old, and now
//! and then a stay in hospital — each with a bill whose parts add up, oldest first.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};

use super::catalogue::{INSTITUTIONS, Institution, InstitutionKind};
use super::life::Person;
use super::rng::Rng;
use super::{Window, at};
use crate::domain::{MedType, Money};
use crate::settlement::Bill;

/// One planned visit, before it is split.
#[derive(Debug, Clone)]
pub(crate) struct PlannedVisit {
    pub at: DateTime<Utc>,
    pub institution: &'static Institution,
    pub med_type: MedType,
    pub bill: Bill,
    /// `03` (the card) for most, `02` (the ID card, which cannot pay from the account) for some.
    pub cert_type: &'static str,
}

/// The person's visits over the window while insured here, in time order.
pub(crate) fn visits(window: &Window, person: &Person, rng: &mut Rng) -> Vec<PlannedVisit> {
    let age = window.today.years_since(person.birth).unwrap_or(0);
    let from = window.local_date(person.enrolled_at).max(window.first_month.first_day());
    let until = person.stopped_on().unwrap_or(window.today);
    let mut planned = Vec::new();
    for year in from.year()..=until.year() {
        let start = from.max(NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(from));
        let end = until.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(until));
        let span = (end - start).num_days();
        if span < 1 {
            continue;
        }
        let per_year = if person.is_employee() { 9 } else { 6 } + if age >= 60 { 4 } else { 0 };
        for _ in 0..rng.below(per_year) {
            let day = start + Days::new(rng.below(span as u64));
            let when = at(day, 8, rng.below(600));
            if when < window.now {
                planned.push(visit(rng, when, age));
            }
        }
    }
    planned.sort_by_key(|v| v.at);
    planned
}

fn visit(rng: &mut Rng, at: DateTime<Utc>, age: u32) -> PlannedVisit {
    let roll = rng.below(1000);
    let inpatient = if age >= 60 { 60 } else { 25 };
    let chronic = if age >= 45 { 120 } else { 10 };
    let (med_type, yuan, self_paid_pct, pre_pct) = if roll < inpatient {
        (MedType::Inpatient, rng.between(3_000, 60_000), rng.between(5, 15), rng.between(3, 8))
    } else if roll < inpatient + chronic {
        (MedType::ChronicOutpatient, rng.between(200, 1_500), rng.between(0, 10), rng.between(0, 5))
    } else if roll < 500 {
        (MedType::PharmacyPurchase, rng.between(20, 400), rng.between(0, 20), 0)
    } else {
        (MedType::GeneralOutpatient, rng.between(50, 900), rng.between(0, 15), rng.between(0, 5))
    };
    let total = yuan * 100 + rng.between(0, 99);
    let wholly = total * self_paid_pct / 100;
    let pre = total * pre_pct / 100;
    let bill = Bill {
        total: Money::from_fen(total),
        wholly_self_paid: Money::from_fen(wholly),
        pre_self_paid: Money::from_fen(pre),
        within_scope: Money::from_fen(total - wholly - pre),
    };
    let cert_type = if rng.chance(150) { "02" } else { "03" };
    PlannedVisit { at, institution: institution_for(rng, med_type), med_type, bill, cert_type }
}

/// Pharmacies sell; hospitals treat, a stay in hospital only at level 2 or 3.
fn institution_for(rng: &mut Rng, med_type: MedType) -> &'static Institution {
    let fits = |i: &&Institution| match med_type {
        MedType::PharmacyPurchase => i.kind == InstitutionKind::Pharmacy,
        MedType::Inpatient => i.kind == InstitutionKind::Hospital && i.level >= 2,
        _ => i.kind == InstitutionKind::Hospital,
    };
    let candidates: Vec<&Institution> = INSTITUTIONS.iter().filter(fits).collect();
    candidates[rng.below(candidates.len() as u64) as usize]
}
