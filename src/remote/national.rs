//! What the national medical-security platform sends: the filings made in the national app
//! (pushed, and pushed again when they change), which land here effective, and the hall's pull
//! requests it answers by pushing.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::filing::{NewFiling, refused};
use super::store::{self, FilingRow};
use super::{FilingState, RemoteFilings, rules};
use crate::domain::IdNumber;
use crate::params;
use crate::persons;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// A filing as the national platform holds it.
#[derive(Debug, Clone)]
pub struct NationalFiling {
    pub filing_no: String,
    pub id_number: IdNumber,
    pub filing: NewFiling,
    /// Revoked there (with the reason), or effective.
    pub revoked: Option<String>,
    pub filed_at: DateTime<Utc>,
}

impl RemoteFilings<'_> {
    /// Takes a national filing as pushed: new ones are stored effective, known ones replaced by
    /// the platform's version. Returns the filing and whether it was new.
    pub async fn receive_national(&self, caller: &Caller, pushed: NationalFiling) -> Result<(FilingRow, bool)> {
        let new = &pushed.filing;
        // The platform's filings may be years old (long-term ones stay until changed): no window
        // around today, only sane dates.
        if !(1990..=2200).contains(&chrono::Datelike::year(&new.begin_date)) {
            return Err(refused(rules::FilingRuleError::BeginOutOfRange));
        }
        let end_date = rules::covered_until(new.kind, new.begin_date, new.end_date, new.begin_date).map_err(refused)?;
        rules::check_referral(new.kind, new.referral_institution.as_deref(), new.diagnosis.as_deref())
            .map_err(refused)?;
        let mut tx = self.pool.begin().await?;
        let person = persons::find_by_id_number(&mut tx, &pushed.id_number)
            .await?
            .ok_or_else(|| Error::not_found("person.not_found", "no person insured here has this ID number"))?;
        let existing = store::lock(&mut tx, &pushed.filing_no).await?;
        if existing.as_ref().is_some_and(|f| f.source != "national" || f.person_no != person.person_no) {
            return Err(not_national(&pushed.filing_no));
        }
        if let Some(ended) = existing.as_ref().filter(|f| !f.state.is_live()) {
            // An expired or revoked filing stays ended; the platform files anew.
            return Err(super::lifecycle::ended(ended));
        }
        let now = self.clock.now();
        let row = national_row(caller, &pushed, person.person_no.clone(), end_date, now);
        let created = existing.is_none() && store::insert(&mut tx, &row).await?;
        // A push racing another push of the same new filing lands on the row the other stored.
        let stored = match created {
            true => row,
            false => store::replace_national(&mut tx, &row).await?.ok_or_else(|| not_national(&pushed.filing_no))?,
        };
        store::fulfil_sync(&mut tx, &pushed.filing_no, now).await?;
        super::settlements_store::cover_with(&mut tx, &stored.filing_no).await?;
        let subject = Subject { kind: "remote_filing", id: &stored.filing_no };
        let action = if created { "remote_filing.received" } else { "remote_filing.changed" };
        self.audit(&mut tx, caller.actor(), action, Some(subject), json!({ "state": stored.state })).await?;
        tx.commit().await?;
        Ok((stored, created))
    }

    /// The hall's open pull requests, oldest first, after a cursor.
    pub async fn sync_requests(
        &self,
        after: Option<(DateTime<Utc>, String)>,
        limit: i64,
    ) -> Result<Vec<(String, DateTime<Utc>)>> {
        let mut conn = self.pool.acquire().await?;
        Ok(store::open_sync_requests(&mut conn, after, limit).await?)
    }
}

fn not_national(filing_no: &str) -> Error {
    Error::conflict(
        "remote_filing.not_national",
        "this filing number belongs to a filing made here, or to another person",
        params! { "filing_no" => filing_no.to_owned() },
    )
}

fn national_row(
    caller: &Caller,
    pushed: &NationalFiling,
    person_no: crate::domain::PersonNo,
    end_date: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> FilingRow {
    let new = pushed.filing.clone();
    let revoked = pushed.revoked.is_some();
    FilingRow {
        filing_no: pushed.filing_no.clone(),
        person_no,
        kind: new.kind,
        target_region: new.target_region.as_str().to_owned(),
        begin_date: new.begin_date,
        end_date,
        state: if revoked { FilingState::Revoked } else { FilingState::Effective },
        source: "national".into(),
        client_id: caller.client_id.to_string(),
        contact_phone: new.contact_phone.as_str().to_owned(),
        address: new.address,
        referral_institution: new.referral_institution,
        diagnosis: new.diagnosis,
        agent: None,
        filed_at: pushed.filed_at,
        effective_at: Some(now),
        ended_at: revoked.then_some(now),
        revocation_reason: pushed.revoked.clone(),
        revoked_by: revoked.then(|| caller.actor().id.clone()),
        updated_at: now,
    }
}
