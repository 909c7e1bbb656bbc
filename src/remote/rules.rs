//! The filing rules that need no database: the dates a filing covers and what a referral must
//! name. Overlap and the person's status are checked against the store in the service.

use chrono::{Months, NaiveDate};

use super::FilingKind;

/// How long a temporary filing lasts when no end date is given.
const TEMPORARY_MONTHS: u32 = 6;

/// How far from today a filing may begin (a year either way: emergencies are filed afterwards).
const BEGIN_WINDOW_DAYS: i64 = 366;

/// Why a filing's particulars are refused; each has a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FilingRuleError {
    #[error("the end date is before the begin date")]
    EndBeforeBegin,
    #[error("a filing begins within a year of today")]
    BeginOutOfRange,
    #[error("a referral names the referring institution and the diagnosis")]
    ReferralDetails,
}

impl FilingRuleError {
    /// The problem code.
    pub fn code(self) -> &'static str {
        match self {
            Self::EndBeforeBegin => "remote_filing.end_before_begin",
            Self::BeginOutOfRange => "remote_filing.begin_date",
            Self::ReferralDetails => "remote_filing.referral_details",
        }
    }

    /// The field at fault.
    pub fn field(self) -> &'static str {
        match self {
            Self::EndBeforeBegin => "end_date",
            Self::BeginOutOfRange => "begin_date",
            Self::ReferralDetails => "referral_institution",
        }
    }
}

/// The last day a filing covers: as given, or six months on for a temporary filing; `None`
/// (until changed) for a long-term one without an end.
pub fn covered_until(
    kind: FilingKind,
    begin: NaiveDate,
    end: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, FilingRuleError> {
    if (begin - today).num_days().abs() > BEGIN_WINDOW_DAYS {
        return Err(FilingRuleError::BeginOutOfRange);
    }
    if end.is_some_and(|end| end < begin) {
        return Err(FilingRuleError::EndBeforeBegin);
    }
    if end.is_some() || kind.is_long_term() {
        return Ok(end);
    }
    let end = begin.checked_add_months(Months::new(TEMPORARY_MONTHS)).and_then(|d| d.pred_opt());
    end.map(Some).ok_or(FilingRuleError::BeginOutOfRange)
}

/// A referral names where it comes from and why.
pub fn check_referral(
    kind: FilingKind,
    institution: Option<&str>,
    diagnosis: Option<&str>,
) -> Result<(), FilingRuleError> {
    let named = |v: Option<&str>| v.is_some_and(|v| !v.trim().is_empty());
    if kind == FilingKind::Referral && !(named(institution) && named(diagnosis)) {
        return Err(FilingRuleError::ReferralDetails);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_temporary_filing_lasts_six_months_and_a_long_term_one_until_changed() {
        let today = day(2026, 12, 2);
        assert_eq!(covered_until(FilingKind::Emergency, today, None, today), Ok(Some(day(2027, 6, 1))));
        assert_eq!(covered_until(FilingKind::ResettledRetiree, today, None, today), Ok(None));
        let end = Some(day(2027, 1, 31));
        assert_eq!(covered_until(FilingKind::TemporaryTravel, today, end, today), Ok(end));
    }

    #[test]
    fn bad_dates_are_refused_each_for_its_reason() {
        let today = day(2026, 12, 2);
        let cases = [
            (today, Some(day(2026, 12, 1)), FilingRuleError::EndBeforeBegin),
            (day(2025, 11, 30), None, FilingRuleError::BeginOutOfRange),
            (day(2028, 1, 1), None, FilingRuleError::BeginOutOfRange),
        ];
        for (begin, end, error) in cases {
            assert_eq!(covered_until(FilingKind::Referral, begin, end, today), Err(error), "{begin} {end:?}");
        }
    }

    #[test]
    fn a_referral_names_its_institution_and_diagnosis() {
        assert_eq!(
            check_referral(FilingKind::Referral, Some("郑大一附院"), Some(" ")),
            Err(FilingRuleError::ReferralDetails)
        );
        assert_eq!(check_referral(FilingKind::Referral, Some("郑大一附院"), Some("肺癌")), Ok(()));
        assert_eq!(check_referral(FilingKind::Emergency, None, None), Ok(()));
    }
}
