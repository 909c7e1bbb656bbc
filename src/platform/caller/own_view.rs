//! The person's own view (`/v1/me/...`): whose records a person session reads, the instant the
//! answer describes, and how far back this channel may look (one year by default, three on the
//! provincial platform, as the seed describes the channels).

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::{Caller, ClientKind};
use crate::domain::{Month, PersonNo};
use crate::params;
use crate::platform::Core;
use crate::platform::error::{Error, Result};

/// What every `/v1/me` answer is scoped by.
#[derive(Debug, Clone)]
pub struct OwnView {
    pub person_no: PersonNo,
    /// The instant the answer describes: our data is real-time on every channel.
    pub as_of: DateTime<Utc>,
    /// The first day this channel may see.
    pub earliest: NaiveDate,
}

impl OwnView {
    /// The view of the caller's person session, or 403 for any other token.
    pub fn of(caller: &Caller, core: &Core) -> Result<Self> {
        let session = caller.person_session()?;
        let rules = &core.settings.sessions;
        let years = match caller.client_kind {
            ClientKind::ProvincialPlatform => rules.provincial_lookback_years,
            _ => rules.lookback_years,
        };
        let today = core.clock.today();
        let earliest = today.checked_sub_months(Months::new(12 * years)).unwrap_or(NaiveDate::MIN);
        Ok(Self { person_no: session.person_no.clone(), as_of: core.clock.now(), earliest })
    }

    /// The first day of a list: `from` when given and within reach, else the earliest day.
    pub fn from_day(&self, from: Option<NaiveDate>) -> Result<NaiveDate> {
        match from {
            Some(day) if day < self.earliest => Err(self.beyond_lookback()),
            Some(day) => Ok(day),
            None => Ok(self.earliest),
        }
    }

    /// The first month of a monthly list (contributions): `from` when within reach, else the
    /// month of the earliest day.
    pub fn from_month(&self, from: Option<Month>) -> Result<Month> {
        let floor = Month::of(self.earliest);
        match from {
            Some(month) if month < floor => Err(self.beyond_lookback()),
            Some(month) => Ok(month),
            None => Ok(floor),
        }
    }

    fn beyond_lookback(&self) -> Error {
        Error::Invalid {
            code: "me.lookback_exceeded",
            detail: format!("this channel shows records from {} on", self.earliest),
            params: params! { "field" => "from", "earliest" => self.earliest.to_string() },
        }
    }
}
