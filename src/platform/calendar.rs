//! The Chinese working-day calendar: public holidays (法定节假日) and the weekend days worked in
//! exchange (调休上班), as published each year by the State Council General Office. Deadlines
//! counted in working days (工作日) read it. The dates live in `config/calendar.toml`, which
//! documents the format and how to add a year.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use figment::Figment;
use figment::providers::{Format, Toml};
use serde::Deserialize;

/// The compiled-in calendar; a unit test guards that it loads.
const STANDARD: &str = include_str!("../../config/calendar.toml");

/// Which days are working days in mainland China.
///
/// A date is a working day if it is a listed adjusted working day (调休上班), otherwise not if it
/// is a listed holiday, otherwise if it falls Monday to Friday. Years the configuration does not
/// cover therefore count Monday to Friday only, which is wrong around their holidays: callers
/// should check [`covers`](Self::covers) and [`is_provisional`](Self::is_provisional) and log a
/// warning when a computation reaches such a year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    holidays: BTreeSet<NaiveDate>,
    working_days: BTreeSet<NaiveDate>,
    years: BTreeMap<i32, YearInfo>,
}

/// What the configuration says about one covered year.
#[derive(Debug, Clone, PartialEq, Eq)]
struct YearInfo {
    source: String,
    provisional: bool,
}

/// Why a calendar configuration was refused. Every variant after `Format` names the year section
/// and the offending date.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    #[error("calendar configuration is malformed: {0}")]
    Format(Box<figment::Error>),
    #[error("calendar year {year} is configured twice")]
    DuplicateYear { year: i32 },
    #[error("calendar year {year}: {text:?} is not a date YYYY-MM-DD or range YYYY-MM-DD..YYYY-MM-DD")]
    BadDate { year: i32, text: String },
    #[error("calendar year {year}: the range {first}..{last} ends before it starts")]
    ReversedRange { year: i32, first: NaiveDate, last: NaiveDate },
    #[error("calendar year {year}: {date} is outside the year's section")]
    DateOutsideYear { year: i32, date: NaiveDate },
    #[error("calendar year {year}: {date} is listed both as a holiday and as a working day")]
    HolidayAndWorkingDay { year: i32, date: NaiveDate },
    #[error("calendar year {year}: adjusted working day {date} is a {weekday}, not a weekend day")]
    WorkingDayNotOnWeekend { year: i32, date: NaiveDate, weekday: Weekday },
}

/// `config/calendar.toml` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarFile {
    #[serde(default)]
    year: Vec<YearSection>,
}

/// One `[[year]]` section.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct YearSection {
    year: i32,
    source: String,
    #[serde(default)]
    provisional: bool,
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    working_days: Vec<String>,
}

impl WorkingCalendar {
    /// Parses and validates a calendar in the format of `config/calendar.toml`.
    ///
    /// # Errors
    /// [`CalendarError`] naming the year and date of the first invalid entry, or
    /// [`CalendarError::Format`] if the text is not TOML of that shape.
    pub fn from_toml(text: &str) -> Result<Self, CalendarError> {
        let file: CalendarFile =
            Figment::from(Toml::string(text)).extract().map_err(|e| CalendarError::Format(Box::new(e)))?;
        let mut calendar = Self::default();
        for section in file.year {
            calendar.add_year(section)?;
        }
        Ok(calendar)
    }

    /// The compiled-in `config/calendar.toml`. Parses on each call: build it once and share it.
    ///
    /// # Panics
    /// Only if the compiled-in file is invalid, which the unit tests rule out.
    pub fn standard() -> Self {
        Self::from_toml(STANDARD).expect("config/calendar.toml is valid (guarded by a unit test)")
    }

    /// Whether `year` has a section in the configuration; if not, only Monday–Friday count.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Whether `year` is configured from the statutory dates only, before its notice was
    /// published. False for years not covered at all (see [`covers`](Self::covers)).
    pub fn is_provisional(&self, year: i32) -> bool {
        self.years.get(&year).is_some_and(|info| info.provisional)
    }

    /// The notice `year` was configured from, for logging; `None` if the year is not covered.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year).map(|info| info.source.as_str())
    }

    /// Whether `date` is a working day (see the type's rules).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        // Adjusted working days are weekend days, so they must win over the weekend rule; they
        // never coincide with holidays (refused at load).
        if self.working_days.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The `n`-th working day strictly after `date`; `date` itself when `n` is 0, even if it is
    /// not a working day.
    ///
    /// # Panics
    /// If the result would lie beyond chrono's last representable date.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        (0..n).fold(date, |day, _| self.first_working_day_after(day))
    }

    /// The first working day strictly after `date`: `add_working_days(date, 1)`.
    pub fn next_working_day(&self, date: NaiveDate) -> NaiveDate {
        self.add_working_days(date, 1)
    }

    /// The number of working days in `(from, to]`: `from` excluded, `to` included, so that
    /// `working_days_between(d, add_working_days(d, n)) == n`. 0 when `to <= from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let days = from.iter_days().skip(1).take_while(|day| *day <= to);
        let count = days.filter(|day| self.is_working_day(*day)).count();
        // chrono's whole range is about 96 million days, so this never saturates.
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    fn first_working_day_after(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        loop {
            day = day.succ_opt().expect("working day beyond chrono's last representable date");
            if self.is_working_day(day) {
                return day;
            }
        }
    }

    /// Validates one section and merges it in; nothing is merged if it is refused.
    fn add_year(&mut self, section: YearSection) -> Result<(), CalendarError> {
        let year = section.year;
        if self.covers(year) {
            return Err(CalendarError::DuplicateYear { year });
        }
        let mut holidays = BTreeSet::new();
        for text in &section.holidays {
            holidays.extend(parse_holiday(year, text)?);
        }
        let mut working_days = BTreeSet::new();
        for text in &section.working_days {
            working_days.insert(parse_working_day(year, text)?);
        }
        if let Some(&date) = holidays.intersection(&working_days).next() {
            return Err(CalendarError::HolidayAndWorkingDay { year, date });
        }
        self.holidays.extend(holidays);
        self.working_days.extend(working_days);
        let info = YearInfo { source: section.source, provisional: section.provisional };
        self.years.insert(year, info);
        Ok(())
    }
}

/// A holiday entry: one date, or an inclusive range `first..last`, all within `year`.
fn parse_holiday(year: i32, text: &str) -> Result<impl Iterator<Item = NaiveDate>, CalendarError> {
    let (first, last) = text.split_once("..").unwrap_or((text, text));
    let (first, last) = (parse_date(year, first)?, parse_date(year, last)?);
    if last < first {
        return Err(CalendarError::ReversedRange { year, first, last });
    }
    // Both ends lie in `year`, so this expands to at most 366 dates.
    Ok(first.iter_days().take_while(move |day| *day <= last))
}

/// An adjusted working day: a Saturday or Sunday within `year`, since worked weekdays need no
/// listing and a listed weekday is a typo.
fn parse_working_day(year: i32, text: &str) -> Result<NaiveDate, CalendarError> {
    let date = parse_date(year, text)?;
    match date.weekday() {
        Weekday::Sat | Weekday::Sun => Ok(date),
        weekday => Err(CalendarError::WorkingDayNotOnWeekend { year, date, weekday }),
    }
}

/// A `YYYY-MM-DD` date that must fall in `year`, so a section cannot silently edit another year.
fn parse_date(year: i32, text: &str) -> Result<NaiveDate, CalendarError> {
    let bad = || CalendarError::BadDate { year, text: text.to_owned() };
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    if date.year() != year {
        return Err(CalendarError::DateOutsideYear { year, date });
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("valid test date")
    }

    fn standard() -> WorkingCalendar {
        WorkingCalendar::standard()
    }

    /// A one-year calendar with the given `holidays` and `working_days` TOML arrays.
    fn calendar_2025(holidays: &str, working_days: &str) -> Result<WorkingCalendar, CalendarError> {
        WorkingCalendar::from_toml(&format!(
            "[[year]]\nyear = 2025\nsource = \"test\"\n\
             holidays = {holidays}\nworking_days = {working_days}\n"
        ))
    }

    #[test]
    fn the_compiled_in_calendar_loads_and_covers_2025_to_2027() {
        let calendar = WorkingCalendar::from_toml(STANDARD).expect("config/calendar.toml loads");
        assert!(calendar.covers(2025) && calendar.covers(2026) && calendar.covers(2027));
        assert!(!calendar.covers(2024) && !calendar.covers(2028));
        assert_eq!(calendar.source(2026), Some("国务院办公厅关于2026年部分节假日安排的通知"));
    }

    #[test]
    fn year_2027_is_provisional_but_2025_and_2026_are_not() {
        let calendar = standard();
        assert!(calendar.is_provisional(2027));
        assert!(!calendar.is_provisional(2025));
        assert!(!calendar.is_provisional(2026));
        assert!(!calendar.is_provisional(2030), "an uncovered year is not provisional");
    }

    #[test]
    fn friday_before_the_2026_spring_festival_plus_one_working_day_is_the_adjusted_saturday() {
        assert_eq!(standard().add_working_days(date(2026, 2, 13), 1), date(2026, 2, 14));
    }

    #[test]
    fn the_2026_spring_festival_week_is_skipped() {
        // Sat 14 Feb is worked, then 15–23 Feb are rest days.
        assert_eq!(standard().add_working_days(date(2026, 2, 13), 2), date(2026, 2, 24));
    }

    #[test]
    fn national_day_2025_is_skipped() {
        assert_eq!(standard().add_working_days(date(2025, 9, 30), 1), date(2025, 10, 9));
    }

    #[test]
    fn a_weekend_is_not_a_working_day_outside_holidays() {
        let calendar = standard();
        assert!(!calendar.is_working_day(date(2025, 3, 15)), "Saturday");
        assert!(!calendar.is_working_day(date(2025, 3, 16)), "Sunday");
        assert!(calendar.is_working_day(date(2025, 3, 17)), "Monday");
    }

    #[test]
    fn adjusted_working_sunday_counts() {
        assert!(standard().is_working_day(date(2025, 9, 28)));
    }

    #[test]
    fn a_public_holiday_on_a_weekday_is_not_a_working_day() {
        assert!(!standard().is_working_day(date(2026, 5, 1)), "劳动节, a Friday");
    }

    #[test]
    fn new_years_eve_2025_plus_one_working_day_is_the_adjusted_sunday_4_january_2026() {
        // 1–3 Jan 2026 are holidays and Sun 4 Jan 2026 is worked.
        let calendar = standard();
        assert_eq!(calendar.add_working_days(date(2025, 12, 31), 1), date(2026, 1, 4));
        assert_eq!(calendar.add_working_days(date(2025, 12, 31), 2), date(2026, 1, 5));
    }

    #[test]
    fn adding_zero_working_days_returns_the_date_itself_even_on_a_holiday() {
        assert_eq!(standard().add_working_days(date(2025, 10, 1), 0), date(2025, 10, 1));
    }

    #[test]
    fn next_working_day_is_adding_one_working_day() {
        let calendar = standard();
        for start in date(2025, 12, 20).iter_days().take(80) {
            assert_eq!(calendar.next_working_day(start), calendar.add_working_days(start, 1));
        }
    }

    #[test]
    fn working_days_between_excludes_the_start_and_includes_the_end() {
        let calendar = standard();
        // 9 Oct (Thu), 10 Oct (Fri) and adjusted Sat 11 Oct; Sun 12 Oct is a rest day.
        assert_eq!(calendar.working_days_between(date(2025, 9, 30), date(2025, 10, 12)), 3);
        assert_eq!(calendar.working_days_between(date(2025, 3, 17), date(2025, 3, 24)), 5);
    }

    #[test]
    fn working_days_between_is_zero_unless_the_end_is_after_the_start() {
        let calendar = standard();
        assert_eq!(calendar.working_days_between(date(2025, 3, 17), date(2025, 3, 17)), 0);
        assert_eq!(calendar.working_days_between(date(2025, 3, 24), date(2025, 3, 17)), 0);
    }

    #[test]
    fn working_days_between_undoes_add_working_days() {
        let calendar = standard();
        let start = date(2025, 12, 31);
        for n in 0..300 {
            let end = calendar.add_working_days(start, n);
            assert_eq!(calendar.working_days_between(start, end), n);
        }
    }

    #[test]
    fn outside_the_configured_years_only_monday_to_friday_count() {
        let calendar = standard();
        assert!(!calendar.covers(2024));
        // Mon 7 Oct 2024 was a National Day rest day, but 2024 is not configured.
        assert!(calendar.is_working_day(date(2024, 10, 7)));
        assert!(!calendar.is_working_day(date(2024, 10, 5)), "a Saturday");
    }

    #[test]
    fn the_provisional_2027_spring_festival_days_are_holidays() {
        let calendar = standard();
        assert!(!calendar.is_working_day(date(2027, 2, 5)), "除夕, a Friday");
        assert!(!calendar.is_working_day(date(2027, 2, 8)), "初三, a Monday");
        assert!(calendar.is_working_day(date(2027, 2, 9)));
    }

    #[test]
    fn a_date_listed_both_as_holiday_and_working_day_is_refused() {
        let error = calendar_2025("[\"2025-02-03..2025-02-09\"]", "[\"2025-02-08\"]").unwrap_err();
        assert!(matches!(
            error,
            CalendarError::HolidayAndWorkingDay { year: 2025, date: d } if d == date(2025, 2, 8)
        ));
    }

    #[test]
    fn a_date_in_the_wrong_year_section_is_refused() {
        let error = calendar_2025("[\"2026-01-01\"]", "[]").unwrap_err();
        assert!(matches!(
            error,
            CalendarError::DateOutsideYear { year: 2025, date: d } if d == date(2026, 1, 1)
        ));
    }

    #[test]
    fn a_range_ending_in_the_next_year_is_refused() {
        let error = calendar_2025("[\"2025-12-31..2026-01-01\"]", "[]").unwrap_err();
        assert!(matches!(error, CalendarError::DateOutsideYear { year: 2025, .. }));
    }

    #[test]
    fn an_adjusted_working_day_on_a_wednesday_is_refused() {
        let error = calendar_2025("[]", "[\"2025-01-08\"]").unwrap_err();
        assert!(matches!(
            error,
            CalendarError::WorkingDayNotOnWeekend { year: 2025, date: d, weekday: Weekday::Wed }
                if d == date(2025, 1, 8)
        ));
    }

    #[test]
    fn an_unparseable_date_is_refused() {
        let error = calendar_2025("[\"2025-02-30\"]", "[]").unwrap_err();
        assert!(matches!(error, CalendarError::BadDate { year: 2025, ref text } if text == "2025-02-30"));
    }

    #[test]
    fn a_reversed_range_is_refused() {
        let error = calendar_2025("[\"2025-02-04..2025-01-28\"]", "[]").unwrap_err();
        assert!(matches!(error, CalendarError::ReversedRange { year: 2025, .. }));
    }

    #[test]
    fn a_year_configured_twice_is_refused() {
        let section = "[[year]]\nyear = 2025\nsource = \"test\"\n";
        let error = WorkingCalendar::from_toml(&format!("{section}{section}")).unwrap_err();
        assert!(matches!(error, CalendarError::DuplicateYear { year: 2025 }));
    }

    #[test]
    fn a_section_without_a_source_or_with_an_unknown_key_is_refused() {
        let missing = WorkingCalendar::from_toml("[[year]]\nyear = 2025\n").unwrap_err();
        assert!(matches!(missing, CalendarError::Format(_)));
        let unknown = "[[year]]\nyear = 2025\nsource = \"t\"\nholiday = []\n";
        let error = WorkingCalendar::from_toml(unknown).unwrap_err();
        assert!(matches!(error, CalendarError::Format(_)));
    }

    #[test]
    fn error_messages_name_the_year_and_the_date() {
        let error = calendar_2025("[]", "[\"2025-01-08\"]").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("2025") && message.contains("2025-01-08"), "{message}");
    }
}
