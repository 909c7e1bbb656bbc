//! A filing's later life: synchronisation with the national platform (filed → effective), the
//! pull the hall asks for when a national-app filing has not arrived, revocation by the person
//! (only before it was used) or by the hall (with a reason, any time), and expiry.

use serde_json::json;

use super::store::{self, FilingRow};
use super::{FilingState, RemoteFilings};
use crate::domain::{PersonNo, REASON_RULE, reason_text};
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result};

/// What a sync call found.
#[derive(Debug, Clone)]
pub enum Synced {
    /// The filing, effective now (or already).
    Filing(Box<FilingRow>),
    /// Not here yet: the pull is requested from the national platform.
    Requested { filing_no: String },
}

impl RemoteFilings<'_> {
    /// Confirms a filing synchronised; for a number not here yet, the hall's call asks the
    /// national platform to deliver it.
    pub async fn sync(&self, caller: &Caller, filing_no: &str) -> Result<Synced> {
        let mut tx = self.pool.begin().await?;
        let Some(filing) = store::lock(&mut tx, filing_no).await? else {
            if caller.staff.is_none() {
                return Err(not_synchronised(filing_no));
            }
            store::request_sync(&mut tx, filing_no, &caller.actor().id, self.clock.now()).await?;
            let subject = Subject { kind: "remote_filing", id: filing_no };
            self.audit(&mut tx, caller.actor(), "remote_filing.sync_requested", Some(subject), json!({})).await?;
            tx.commit().await?;
            return Ok(Synced::Requested { filing_no: filing_no.to_owned() });
        };
        let past_end = filing.end_date.is_some_and(|end| end < self.clock.today());
        let filing = match filing.state {
            FilingState::Effective => filing,
            // Past its end it can only expire (the job does that).
            FilingState::Filed if past_end => return Err(ended(&filing)),
            FilingState::Filed => {
                let now = self.clock.now();
                let row = store::make_effective(&mut tx, filing_no, now).await?;
                super::settlements_store::cover_with(&mut tx, filing_no).await?;
                store::fulfil_sync(&mut tx, filing_no, now).await?;
                let subject = Subject { kind: "remote_filing", id: filing_no };
                self.audit(&mut tx, caller.actor(), "remote_filing.effective", Some(subject), json!({})).await?;
                row
            }
            FilingState::Expired | FilingState::Revoked => return Err(ended(&filing)),
        };
        tx.commit().await?;
        Ok(Synced::Filing(Box::new(filing)))
    }

    /// Revokes a live filing: the person's own (before any settlement under it), or (hall) any,
    /// with a reason.
    pub async fn revoke(&self, caller: &Caller, filing_no: &str, reason: Option<&str>) -> Result<FilingRow> {
        let own = caller.person.as_ref().map(|s| s.person_no.clone());
        let reason = match (&own, reason) {
            (Some(_), reason) => reason.and_then(reason_text),
            (None, reason) => Some(
                reason
                    .and_then(reason_text)
                    .ok_or_else(|| Error::invalid_field("remote_filing.reason_text", "reason", REASON_RULE))?,
            ),
        };
        let mut tx = self.pool.begin().await?;
        // The person first, as a delivery of settlements locks them, then the filing: a
        // settlement under it cannot slip in between the check below and the revocation.
        let seen = store::find(&mut tx, filing_no).await?;
        let seen = seen
            .filter(|f| own.as_ref().is_none_or(|p| *p == f.person_no))
            .ok_or_else(|| not_synchronised(filing_no))?;
        crate::persons::lock(&mut tx, &seen.person_no).await?;
        let filing = store::lock(&mut tx, filing_no).await?.ok_or_else(|| not_synchronised(filing_no))?;
        if !filing.state.is_live() {
            return Err(ended(&filing));
        }
        if own.is_some() && store::used(&mut tx, filing_no).await? {
            return Err(Error::conflict(
                "remote_filing.used",
                "a settlement was made under this filing; the hall revokes it",
                params! {},
            ));
        }
        let row = store::revoke(&mut tx, filing_no, (&caller.actor().id, reason), self.clock.now()).await?;
        let subject = Subject { kind: "remote_filing", id: filing_no };
        self.audit(&mut tx, caller.actor(), "remote_filing.revoke", Some(subject), json!({ "reason": reason })).await?;
        tx.commit().await?;
        Ok(row)
    }

    /// Expires the live filings past their end date; returns how many.
    pub async fn expire_filings(&self) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let expired = store::expire_due(&mut tx, self.clock.today(), self.clock.now()).await?;
        let actor = Actor::system("remote_filing_expiry");
        for filing in &expired {
            let subject = Subject { kind: "remote_filing", id: &filing.filing_no };
            self.audit(&mut tx, &actor, "remote_filing.expire", Some(subject), json!({ "end_date": filing.end_date }))
                .await?;
        }
        tx.commit().await?;
        Ok(expired.len() as u64)
    }

    /// One filing (hall, national platform).
    pub async fn filing(&self, filing_no: &str) -> Result<FilingRow> {
        let mut conn = self.pool.acquire().await?;
        store::find(&mut conn, filing_no).await?.ok_or_else(|| not_synchronised(filing_no))
    }

    /// A person's filings that stood in `days`, newest first (404 for an unknown person).
    pub async fn filings_of(
        &self,
        person_no: &PersonNo,
        days: (chrono::NaiveDate, Option<chrono::NaiveDate>),
        after: Option<(chrono::DateTime<chrono::Utc>, String)>,
        limit: i64,
    ) -> Result<Vec<FilingRow>> {
        let mut conn = self.pool.acquire().await?;
        crate::persons::get(&mut conn, person_no).await?;
        Ok(store::list_for_person(&mut conn, person_no, days, after, limit).await?)
    }
}

/// The answer for a filing number not here: made in the national app and not synchronised yet
/// (or mistyped); what staff should do is in the detail.
pub(super) fn not_synchronised(filing_no: &str) -> Error {
    Error::not_found(
        "remote_filing.not_synchronised",
        format!(
            "filing {filing_no} is not here yet: a filing made in the national app arrives through the national \
             platform's sync. Check the number on the person's receipt, then POST /v1/remote-filings/{filing_no}/sync \
             to ask for it; it is here after the platform's next sync"
        ),
    )
}

pub(super) fn ended(filing: &FilingRow) -> Error {
    Error::conflict(
        "remote_filing.ended",
        format!("the filing is {}", filing.state.label_zh()),
        params! { "current_state" => serde_json::to_value(filing.state).unwrap_or_default() },
    )
}
