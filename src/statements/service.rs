//! Gathering a statement: the person, the period's contributions, the opening balance and the
//! entries (read in pages, oldest first), with the closing balance checked against the ledger.

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::Statements;
use crate::contributions::{ContributionRow, Contributions};
use crate::domain::{Money, Month, PersonNo};
use crate::ledger::{EntryRow, Ledger};
use crate::persons::{self, PersonRow};
use crate::platform::error::{Error, Result};

/// Entries read per page while a statement is written.
pub const PAGE: i64 = 500;

/// CSV or PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatementFormat {
    Csv,
    Pdf,
}

/// The days a statement covers, both inclusive, at most three years.
#[derive(Debug, Clone, Copy)]
pub struct StatementPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl StatementPeriod {
    /// `from`..`to` (default: the last twelve months up to today), not after today, not
    /// reversed, at most three years.
    pub fn new(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> Result<Self> {
        let to = to.unwrap_or(today).min(today);
        let from = from.unwrap_or_else(|| to.checked_sub_months(Months::new(12)).unwrap_or(to));
        let longest = to.checked_sub_months(Months::new(36)).unwrap_or(NaiveDate::MIN);
        if from > to || from < longest {
            return Err(Error::invalid_field(
                "statement.period",
                "from",
                "a statement covers 1 day to 3 years, from before to",
            ));
        }
        Ok(Self { from, to })
    }
}

/// Everything a statement shows but the entries, which are read page by page.
#[derive(Debug, Clone)]
pub struct Statement {
    pub person: PersonRow,
    pub period: StatementPeriod,
    pub contributions: Vec<ContributionRow>,
    pub opening: Money,
    pub generated_at: DateTime<Utc>,
}

impl Statements<'_> {
    /// The head of a statement of `person_no` over `period`.
    pub async fn statement(&self, person_no: &PersonNo, period: StatementPeriod) -> Result<Statement> {
        let person = {
            let mut conn = self.pool.acquire().await?;
            persons::get(&mut conn, person_no).await?
        };
        let months = (Month::of(period.from).to_string(), Month::of(period.to).to_string());
        let contributions =
            Contributions::new(self).contributions(person_no, (Some(&months.0), Some(&months.1)), None, 400).await?;
        let opening = Ledger::new(self).balance_before(person_no, period.from).await?;
        Ok(Statement { person, period, contributions, opening, generated_at: self.clock.now() })
    }

    /// The next page of the statement's entries after entry `after_id`.
    pub async fn entries_after(&self, statement: &Statement, after_id: i64) -> Result<Vec<EntryRow>> {
        let days = (statement.period.from, statement.period.to);
        Ledger::new(self).entries_ascending(&statement.person.person_no, days, after_id, PAGE).await
    }

    /// Every entry of the statement (for the PDF, whose pages are laid out at the end).
    pub async fn all_entries(&self, statement: &Statement) -> Result<Vec<EntryRow>> {
        let mut all = Vec::new();
        loop {
            let after = all.last().map_or(0, |e: &EntryRow| e.id);
            let page = self.entries_after(statement, after).await?;
            let done = (page.len() as i64) < PAGE;
            all.extend(page);
            if done {
                return Ok(all);
            }
        }
    }
}

/// Adds one page to the running balance, checking every entry's own balance against it: a
/// statement that does not reconcile with the ledger is never handed out.
pub fn reconcile(running: Money, entries: &[EntryRow]) -> Result<Money> {
    entries.iter().try_fold(running, |balance, entry| {
        let next = balance + entry.amount;
        if next != entry.balance_after {
            return Err(Error::Internal(anyhow::anyhow!(
                "entry {} does not follow from the one before it in the statement",
                entry.id
            )));
        }
        Ok(next)
    })
}

impl Statements<'_> {
    /// Audits an export: a statement is a full read of the person's money.
    pub async fn record_export(
        &self,
        caller: &crate::platform::caller::Caller,
        statement: &Statement,
        format: StatementFormat,
    ) -> Result<()> {
        let mut conn = self.pool.acquire().await?;
        let subject = crate::platform::audit::Subject { kind: "person", id: statement.person.person_no.as_str() };
        let details = serde_json::json!({
            "format": format!("{format:?}").to_lowercase(),
            "from": statement.period.from,
            "to": statement.period.to,
        });
        self.audit(&mut conn, caller.actor(), "statement.export", Some(subject), details).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_statement_period_defaults_to_the_last_twelve_months_and_spans_at_most_three_years() {
        let today = day(2026, 12, 2);
        let default = StatementPeriod::new(None, None, today).unwrap();
        assert_eq!((default.from, default.to), (day(2025, 12, 2), today));
        let capped = StatementPeriod::new(Some(day(2026, 1, 1)), Some(day(2027, 5, 1)), today).unwrap();
        assert_eq!(capped.to, today);
        assert!(StatementPeriod::new(Some(day(2023, 12, 2)), None, today).is_ok());
        assert!(StatementPeriod::new(Some(day(2023, 12, 1)), None, today).is_err());
        assert!(StatementPeriod::new(Some(day(2026, 6, 2)), Some(day(2026, 6, 1)), today).is_err());
    }
}
