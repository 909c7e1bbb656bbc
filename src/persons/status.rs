//! Applying the insured-status state machine to one person: the rule for the edge, the reason
//! and region checks, the new status, the history row and the audit row. The money side of hall
//! transfers is the caller's (`enrolment`).

use serde_json::json;
use sqlx::PgConnection;

use super::Persons;
use super::history::{self, NewStatusEntry, StatusEntryRow};
use super::store::{self, PersonRow, StatusUpdate};
use super::{InsuredStatus, RegionRole, StatusRule, TransitionInitiator};
use crate::domain::{Money, PersonNo, RegionCode};
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::Actor;
use crate::platform::error::{Error, Result};

/// A requested change of insured status.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    pub to: InsuredStatus,
    pub reason_code: String,
    pub reason: String,
    /// Where a transfer out goes (outside Zhengzhou).
    pub target_region: Option<String>,
    /// Where a transfer in comes from (outside Zhengzhou).
    pub source_region: Option<String>,
    /// Transfer in of an employee: the personal-account balance carried over.
    pub carried_over_balance: Option<Money>,
}

impl Persons<'_> {
    /// A system transition (arrears, arrival) inside the caller's transaction.
    pub async fn apply_system_transition(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
        request: &StatusRequest,
    ) -> Result<StatusEntryRow> {
        let (_, entry, _) = self.transition(conn, actor, TransitionInitiator::System, person_no, request).await?;
        Ok(entry)
    }

    /// A person's status history, oldest first.
    pub async fn status_history(&self, person_no: &PersonNo) -> Result<Vec<StatusEntryRow>> {
        let mut conn = self.pool.acquire().await?;
        super::get(&mut conn, person_no).await?;
        Ok(history::list(&mut conn, person_no).await?)
    }

    /// Applies one transition to a locked person and returns the person after it, the history
    /// row and the rule that applied.
    pub async fn transition(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        initiator: TransitionInitiator,
        person_no: &PersonNo,
        request: &StatusRequest,
    ) -> Result<(PersonRow, StatusEntryRow, &'static StatusRule)> {
        let mut row = super::lock(conn, person_no).await?;
        let rule = legal_rule(row.status, request.to, initiator)?;
        check_reason(rule, request)?;
        let other_region = other_region(rule, request)?;
        let change = rule.effect(self.clock.today());
        let now = self.clock.now();
        // A transfer keeps the other region on the person; other moves keep what was there.
        let region_on_person = other_region.as_ref().map(|r| r.as_str().to_owned()).or(row.other_region.clone());
        let update = StatusUpdate {
            status: rule.to,
            benefits_suspended_from: change.benefits_suspended_from,
            other_region: region_on_person.as_deref(),
            at: now,
        };
        store::update_status(conn, person_no, &update).await?;
        let entry = NewStatusEntry {
            person_no,
            from: Some(rule.from),
            to: rule.to,
            reason_code: &request.reason_code,
            reason: request.reason.trim(),
            other_region: other_region.as_ref().map(RegionCode::as_str),
            actor,
            at: now,
            effective_date: change.effective_date,
        };
        let entry = history::insert(conn, &entry).await?;
        let subject = Subject { kind: "person", id: person_no.as_str() };
        let details = json!({ "from": rule.from.code(), "to": rule.to.code(), "reason_code": request.reason_code });
        self.audit(conn, actor, "person.status_change", Some(subject), details).await?;
        row.status = rule.to;
        row.benefits_suspended_from = change.benefits_suspended_from;
        row.other_region = region_on_person;
        row.status_changed_at = now;
        Ok((row, entry, rule))
    }
}

/// The rule for this edge, refused with the current state named when there is none or when
/// the edge belongs to the other initiator.
fn legal_rule(from: InsuredStatus, to: InsuredStatus, initiator: TransitionInitiator) -> Result<&'static StatusRule> {
    let params = || {
        params! {
            "current_status" => from.code(),
            "current_status_label" => from.label_zh(),
            "requested_status" => to.code(),
            "requested_status_label" => to.label_zh(),
        }
    };
    let rule = StatusRule::find(from, to).ok_or_else(|| {
        Error::conflict(
            "status.illegal_transition",
            format!("a person who is {} cannot become {}", from.code(), to.code()),
            params(),
        )
    })?;
    if rule.initiator != initiator {
        return Err(Error::conflict(
            "status.system_only",
            format!("{} → {} follows contributions and cannot be set by hand", from.code(), to.code()),
            params(),
        ));
    }
    Ok(rule)
}

fn check_reason(rule: &StatusRule, request: &StatusRequest) -> Result<()> {
    if !rule.allows_reason(&request.reason_code) {
        let mut err = Error::invalid_field(
            "status.reason_not_allowed",
            "reason_code",
            format!("allowed reason codes: {}", rule.reasons.join(", ")),
        );
        if let Error::Invalid { params, .. } = &mut err {
            params.insert("allowed_reason_codes".into(), json!(rule.reasons));
        }
        return Err(err);
    }
    match crate::domain::reason_text(&request.reason) {
        Some(_) => Ok(()),
        None => Err(Error::invalid_field("status.reason_text", "reason", crate::domain::REASON_RULE)),
    }
}

fn other_region(rule: &StatusRule, request: &StatusRequest) -> Result<Option<RegionCode>> {
    let (wanted, unwanted) = match rule.region {
        RegionRole::Target => {
            (Some(("target_region", &request.target_region)), ("source_region", &request.source_region))
        }
        RegionRole::Source => {
            (Some(("source_region", &request.source_region)), ("target_region", &request.target_region))
        }
        RegionRole::None => (None, ("target_region", &request.target_region)),
    };
    let stray = [unwanted, ("source_region", &request.source_region)]
        .into_iter()
        .find(|(field, value)| value.is_some() && wanted.is_none_or(|(w, _)| w != *field));
    if let Some((field, _)) = stray {
        return Err(Error::invalid_field(
            "status.region_not_applicable",
            field,
            format!("{field} does not apply to {} → {}", rule.from.code(), rule.to.code()),
        ));
    }
    let Some((field, value)) = wanted else {
        return Ok(None);
    };
    let raw = value
        .as_deref()
        .ok_or_else(|| Error::invalid_field("status.region_required", field, format!("this transfer needs {field}")))?;
    RegionCode::parse_elsewhere(raw).map(Some).map_err(|e| Error::invalid_field(e.code(), field, e))
}
