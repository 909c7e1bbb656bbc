//! A seeded person's life over the three years before today: who they are, how they are insured,
//! and what becomes of them (insured normally, in arrears, sealed when employment ended, or
//! transferred out of Zhengzhou).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::people::{self, Employer};
use super::rng::Rng;
use super::{Window, at};
use crate::domain::{Gender, InsuranceType, Money, Month, PersonNo};

/// Regions outside Zhengzhou that persons transfer out to (GB/T 2260 county codes).
const ELSEWHERE: [&str; 8] = ["410202", "410302", "410702", "110105", "310115", "440305", "320102", "330106"];

/// What becomes of the person by today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    Normal,
    /// Employee months from this one on are unpaid past their cut-off.
    InArrears {
        first_unpaid: Month,
    },
    /// Employment ended: no contributions from this month on.
    Sealed {
        on: NaiveDate,
    },
    /// Moved away: insured elsewhere from this date, the account balance carried out.
    TransferredOut {
        on: NaiveDate,
        to: &'static str,
    },
}

/// One seeded person before their records are derived.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub index: u64,
    pub person_no: PersonNo,
    pub id_number: String,
    pub name: String,
    pub gender: Gender,
    pub birth: NaiveDate,
    pub phone: String,
    pub insurance: InsuranceType,
    pub region: &'static str,
    pub address: String,
    pub employer: Option<Employer>,
    pub base: Option<Money>,
    pub enrolled_at: DateTime<Utc>,
    pub fate: Fate,
}

impl Person {
    /// The `index`th person of the data set, numbered `person_no`.
    pub(crate) fn new(window: &Window, index: u64, person_no: PersonNo, employers: u64) -> (Self, Rng) {
        let mut rng = Rng::of(window.seed, 1, index);
        let (id_number, birth, gender) = people::id_number(window.seed, index);
        let age = window.today.years_since(birth).unwrap_or(0);
        let employee = (18..=62).contains(&age) && rng.chance(600);
        let insurance = if employee { InsuranceType::Employee } else { InsuranceType::Resident };
        let (region, address) = people::residence(&mut rng);
        let employer = employee.then(|| people::employer(window.seed, rng.below(employers)));
        let base = employee.then(|| contribution_base(&mut rng));
        let enrolled_at = enrolment(&mut rng, window, birth, employee);
        let name = people::name(&mut rng, gender);
        let phone = people::phone(window.seed, index);
        let fate = fate(&mut rng, window, employee, enrolled_at);
        let person = Self {
            index,
            person_no,
            id_number,
            name,
            gender,
            birth,
            phone,
            insurance,
            region,
            address,
            employer,
            base,
            enrolled_at,
            fate,
        };
        (person, rng)
    }

    /// Whether the person has a personal account (employees).
    pub(crate) fn is_employee(&self) -> bool {
        self.insurance == InsuranceType::Employee
    }

    /// The day contributions and consumption stop (sealing or transfer), if they do.
    pub(crate) fn stopped_on(&self) -> Option<NaiveDate> {
        match self.fate {
            Fate::Sealed { on } | Fate::TransferredOut { on, .. } => Some(on),
            _ => None,
        }
    }
}

/// A monthly base between the floor and ceiling of `[contributions]`, skewed low as wages are.
fn contribution_base(rng: &mut Rng) -> Money {
    let u = rng.below(1000) as i64;
    let yuan = 4_000 + 18_000 * u * u / 1_000_000;
    Money::from_fen(yuan / 100 * 100 * 100)
}

/// When the person joined: most before the window, some during it (new hires, newborns).
fn enrolment(rng: &mut Rng, window: &Window, birth: NaiveDate, employee: bool) -> DateTime<Utc> {
    let adult = birth.with_year(birth.year() + 18).unwrap_or(birth);
    let earliest = if employee { adult.max(date(2005, 1, 1)) } else { birth.max(date(2008, 1, 1)) };
    let joins_in_window = rng.chance(150) || earliest >= window.first_month.first_day();
    let from = if joins_in_window { earliest.max(window.first_month.first_day()) } else { earliest };
    let until = if joins_in_window { window.today - chrono::Days::new(40) } else { window.first_month.first_day() };
    let span = (until - from).num_days().max(1);
    let day = from + chrono::Days::new(rng.below(span as u64));
    at(day.min(window.today - chrono::Days::new(1)), 9, rng.below(480))
}

/// Most persons stay insured normally; a few fall into arrears, are sealed or move away.
fn fate(rng: &mut Rng, window: &Window, employee: bool, enrolled_at: DateTime<Utc>) -> Fate {
    let roll = rng.below(1000);
    let enrolled = window.local_date(enrolled_at);
    let earliest_stop = Month::of(enrolled).next().next().max(window.first_month.next().next());
    let latest_stop = window.last_closed_month().previous();
    let stop_month = |rng: &mut Rng| {
        let months = months_between(earliest_stop, latest_stop).max(1);
        let mut m = earliest_stop;
        for _ in 0..rng.below(months as u64) {
            m = m.next();
        }
        m.day(rng.between(3, 20) as u32)
    };
    match (employee, roll) {
        (true, 0..30) => {
            let back = rng.below(3);
            let mut first_unpaid = window.last_closed_month();
            for _ in 0..back {
                first_unpaid = first_unpaid.previous();
            }
            Fate::InArrears { first_unpaid: first_unpaid.max(Month::of(enrolled).next()) }
        }
        (true, 30..60) if earliest_stop < latest_stop => Fate::Sealed { on: stop_month(rng) },
        (_, 60..75) if earliest_stop < latest_stop => {
            Fate::TransferredOut { on: stop_month(rng), to: ELSEWHERE[rng.below(ELSEWHERE.len() as u64) as usize] }
        }
        _ => Fate::Normal,
    }
}

/// How many months from `from` to `to` (0 when `to` is not later).
pub(crate) fn months_between(from: Month, to: Month) -> i64 {
    i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}
