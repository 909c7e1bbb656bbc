//! Cursor paging shared by the list endpoints: `limit` (1–200, default 50) and `cursor` (the
//! `next_cursor` of the previous page). Lists fetch one row more than the limit to know whether
//! another page follows.

use crate::platform::error::Error;

/// The default and largest page sizes.
const DEFAULT_LIMIT: i64 = 50;
const MAX_LIMIT: i64 = 200;

/// A checked page size.
#[derive(Debug, Clone, Copy)]
pub struct Limit(i64);

impl Limit {
    /// Checks the `limit` query parameter.
    pub fn parse(raw: Option<i64>) -> Result<Self, Error> {
        let limit = raw.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::Malformed {
                code: "request.bad_query",
                detail: format!("limit is between 1 and {MAX_LIMIT}"),
            });
        }
        Ok(Self(limit))
    }

    /// How many rows to fetch: one more than the page, to see whether another follows.
    pub fn fetch(self) -> i64 {
        self.0 + 1
    }

    /// Cuts the fetched rows to the page and gives the cursor of the next page, if any.
    pub fn page<T>(self, mut rows: Vec<T>, cursor_of: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
        let more = rows.len() as i64 > self.0;
        rows.truncate(self.0 as usize);
        let next = if more { rows.last().map(cursor_of) } else { None };
        (rows, next)
    }
}

/// A numeric id cursor, or 400.
pub fn id_cursor(raw: Option<&str>) -> Result<Option<i64>, Error> {
    raw.map(|c| c.parse::<i64>())
        .transpose()
        .map_err(|_| Error::Malformed { code: "request.bad_cursor", detail: "not a cursor of this list".into() })
}

/// A `(time, id)` cursor as written by lists ordered newest first: `RFC 3339|id`.
pub fn time_id_cursor(raw: &str) -> Result<(chrono::DateTime<chrono::Utc>, String), Error> {
    let bad = || Error::Malformed { code: "request.bad_cursor", detail: "not a cursor of this list".into() };
    let (at, id) = raw.split_once('|').ok_or_else(bad)?;
    let at = chrono::DateTime::parse_from_rfc3339(at).map_err(|_| bad())?.with_timezone(&chrono::Utc);
    Ok((at, id.to_owned()))
}

/// The hall's day range: from `from` (the whole history when absent: PostgreSQL dates start long
/// after `NaiveDate::MIN`) to `to`.
pub fn hall_days(
    from: Option<chrono::NaiveDate>,
    to: Option<chrono::NaiveDate>,
) -> (chrono::NaiveDate, Option<chrono::NaiveDate>) {
    let earliest = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date");
    (from.unwrap_or(earliest).max(earliest), to)
}

/// Refuses a day range whose `to` is before its `from` or beyond what PostgreSQL stores.
pub fn check_days(days: (chrono::NaiveDate, Option<chrono::NaiveDate>)) -> Result<(), Error> {
    let latest = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).expect("a valid date");
    if days.1.is_some_and(|to| to > latest || to < days.0) {
        return Err(Error::Malformed { code: "request.bad_query", detail: "to is before from or out of range".into() });
    }
    Ok(())
}
