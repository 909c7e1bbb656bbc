//! Filing here: by the person in a 豫事办 or national-app session, or at the hall for any person
//! (with the agent's details when someone files for them). A new filing is `filed` until the
//! national platform confirms it.

use chrono::NaiveDate;
use serde_json::json;

use super::store::{self, FilingRow};
use super::{FilingKind, FilingState, RemoteFilings, rules};
use crate::domain::{PersonNo, Phone, RegionCode};
use crate::params;
use crate::persons::{self, refuse_if_transferred_out};
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

/// A filing as asked for.
#[derive(Debug, Clone)]
pub struct NewFiling {
    pub kind: FilingKind,
    /// Where the person is treated (outside Zhengzhou).
    pub target_region: RegionCode,
    pub begin_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub contact_phone: Phone,
    pub address: String,
    /// For a referral: the referring institution and the diagnosis.
    pub referral_institution: Option<String>,
    pub diagnosis: Option<String>,
    /// The hall's record of who filed for the person, if anyone did.
    pub agent: Option<serde_json::Value>,
}

impl RemoteFilings<'_> {
    /// Files for the session's person, or (hall) for `person_no`.
    pub async fn file(&self, caller: &Caller, person_no: Option<PersonNo>, new: NewFiling) -> Result<FilingRow> {
        let person_no = whose(caller, person_no)?;
        let today = self.clock.today();
        let end_date = rules::covered_until(new.kind, new.begin_date, new.end_date, today).map_err(refused)?;
        rules::check_referral(new.kind, new.referral_institution.as_deref(), new.diagnosis.as_deref())
            .map_err(refused)?;
        let mut tx = self.pool.begin().await?;
        let person = persons::lock(&mut tx, &person_no).await?;
        refuse_if_transferred_out(person.status)?;
        let key = (new.kind, new.target_region.as_str());
        if let Some(existing) = store::overlapping(&mut tx, &person_no, key, (new.begin_date, end_date), "").await? {
            return Err(Error::conflict(
                "remote_filing.overlap",
                "a live filing of this kind for this region already covers some of these dates",
                params! { "filing_no" => existing },
            ));
        }
        let filing_no = store::next_filing_no(&mut tx, today).await?;
        let row = local_row(filing_no, person_no.clone(), caller, new, end_date, self.clock.now());
        if !store::insert(&mut tx, &row).await? {
            return Err(anyhow::anyhow!("filing number {} taken", row.filing_no).into());
        }
        let subject = Subject { kind: "remote_filing", id: &row.filing_no };
        let details = json!({ "person_no": person_no.as_str(), "kind": row.kind, "target_region": row.target_region });
        self.audit(&mut tx, caller.actor(), "remote_filing.file", Some(subject), details).await?;
        tx.commit().await?;
        Ok(row)
    }
}

/// The row of a new filing made here.
fn local_row(
    filing_no: String,
    person_no: PersonNo,
    caller: &Caller,
    new: NewFiling,
    end_date: Option<NaiveDate>,
    now: chrono::DateTime<chrono::Utc>,
) -> FilingRow {
    FilingRow {
        filing_no,
        person_no,
        kind: new.kind,
        target_region: new.target_region.as_str().to_owned(),
        begin_date: new.begin_date,
        end_date,
        state: FilingState::Filed,
        source: "local".into(),
        client_id: caller.client_id.to_string(),
        contact_phone: new.contact_phone.as_str().to_owned(),
        address: new.address,
        referral_institution: new.referral_institution,
        diagnosis: new.diagnosis,
        agent: new.agent,
        filed_at: now,
        effective_at: None,
        ended_at: None,
        revocation_reason: None,
        revoked_by: None,
        updated_at: now,
    }
}

/// A person session files for its own person; the hall names the person.
fn whose(caller: &Caller, person_no: Option<PersonNo>) -> Result<PersonNo> {
    match (&caller.person, person_no) {
        (Some(session), None) => Ok(session.person_no.clone()),
        (None, Some(person_no)) if caller.staff.is_some() => Ok(person_no),
        (Some(_), Some(_)) => Err(Error::invalid_field(
            "remote_filing.person_no",
            "person_no",
            "a person session files for its own person",
        )),
        _ => {
            Err(Error::invalid_field("remote_filing.person_no", "person_no", "the hall names the person it files for"))
        }
    }
}

/// A refused particular as a 422 on its field.
pub(super) fn refused(error: rules::FilingRuleError) -> Error {
    Error::invalid_field(error.code(), error.field(), error)
}
