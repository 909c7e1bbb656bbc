//! A person's consumption records: the settlements made here beside the ones made elsewhere
//! (delivered days later), in one list newest first by when they were settled, so the lag of a
//! remote one shows as the gap between its `setl_time` and its `recorded_at`.

use chrono::{DateTime, NaiveDate, Utc};

use super::{SettlementRow, Settlements};
use crate::domain::PersonNo;
use crate::persons;
use crate::platform::error::Result;
use crate::remote::{RemoteRow, RemoteSettlements};

/// One record of the list.
#[derive(Debug, Clone)]
pub enum Consumption {
    /// Settled at a designated institution here.
    Local(SettlementRow),
    /// Settled elsewhere, delivered by the national platform.
    Remote(RemoteRow),
}

impl Consumption {
    /// The list's order and cursor: when it was settled, then its id.
    pub fn key(&self) -> (DateTime<Utc>, &str) {
        match self {
            Self::Local(row) => (row.settled_at, &row.setl_id),
            Self::Remote(row) => (row.setl_time, &row.setl_sn),
        }
    }
}

impl Settlements<'_> {
    /// A person's records settled in `days`, newest first, before the cursor `before`; at most
    /// `limit` of them.
    pub async fn consumptions(
        &self,
        person_no: &PersonNo,
        days: (NaiveDate, Option<NaiveDate>),
        before: Option<(DateTime<Utc>, String)>,
        limit: i64,
    ) -> Result<Vec<Consumption>> {
        let local = {
            let mut conn = self.pool.acquire().await?;
            persons::get(&mut conn, person_no).await?;
            super::store::list_for_person(&mut conn, person_no, days, before.clone(), limit).await?
        };
        let remote = RemoteSettlements::new(self).of_person(person_no, days, before, limit).await?;
        let mut all: Vec<Consumption> =
            local.into_iter().map(Consumption::Local).chain(remote.into_iter().map(Consumption::Remote)).collect();
        all.sort_by(|a, b| b.key().cmp(&a.key()));
        all.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(all)
    }
}
