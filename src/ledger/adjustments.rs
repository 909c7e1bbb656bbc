//! Staff adjustments to personal accounts, with four eyes: one staff user requests, another
//! approves with their own session, and only the approval posts the ledger entry.

use super::Ledger;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::EntryKind;
use super::adjustments_store::{self as store, AdjustmentRow};
use super::service::{EntryView, locked_account_of, refuse_if_frozen};
use super::writer::{self, Movement};
use crate::domain::{Money, PersonNo};
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, StoredResponse};

/// An adjustment request as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdjustmentView {
    pub adjustment_id: Uuid,
    pub person_no: String,
    /// Signed: credits positive, debits negative.
    #[schema(value_type = String, example = "-3.50")]
    pub amount: Money,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    /// `pending`, `approved` or `rejected`.
    pub state: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The ledger entry an approval posted.
    pub entry: Option<EntryView>,
}

impl AdjustmentView {
    fn new(row: AdjustmentRow, entry: Option<EntryView>) -> Self {
        Self {
            adjustment_id: row.adjustment_id,
            person_no: row.person_no.to_string(),
            amount: row.amount,
            reason: row.reason,
            requested_by: row.requested_by,
            requested_at: row.requested_at,
            state: row.state,
            decided_by: row.decided_by,
            decided_at: row.decided_at,
            entry,
        }
    }
}

impl Ledger<'_> {
    /// Requests an adjustment; nothing moves until another staff user approves it.
    pub async fn request_adjustment(
        &self,
        caller: &Caller,
        person_no: &PersonNo,
        amount: Money,
        reason: &str,
        idempotency: &IdempotentRequest,
    ) -> Result<StoredResponse> {
        let staff = adjusting_staff(caller)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 || amount == Money::ZERO {
            return Err(Error::invalid_field(
                "account.adjustment",
                "reason",
                "a non-zero amount and a reason of 1 to 500 characters",
            ));
        }
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        if let Some(stored) = self.claim_idempotency(&mut tx, caller, idempotency).await? {
            return Ok(stored);
        }
        let (status, _) = locked_account_of(&mut tx, person_no).await?;
        refuse_if_frozen(status)?;
        let row = AdjustmentRow {
            adjustment_id: Uuid::new_v4(),
            person_no: person_no.clone(),
            amount,
            reason: reason.to_owned(),
            requested_by: staff,
            requested_at: self.clock.now(),
            state: "pending".into(),
            decided_by: None,
            decided_at: None,
            entry_id: None,
        };
        store::insert(&mut tx, &row).await?;
        let subject = Subject { kind: "person", id: person_no.as_str() };
        let details = json!({ "adjustment_id": row.adjustment_id, "amount": amount, "reason": reason });
        self.audit(&mut tx, &actor, "account.adjustment_requested", Some(subject), details).await?;
        let response = StoredResponse::new(201, serde_json::to_value(AdjustmentView::new(row, None))?);
        self.complete_idempotency(&mut tx, caller, idempotency, &response).await?;
        tx.commit().await?;
        Ok(response)
    }

    /// Approves a pending adjustment (not one's own) and posts its ledger entry, idempotently.
    pub async fn approve_adjustment(
        &self,
        caller: &Caller,
        id: Uuid,
        idempotency: &IdempotentRequest,
    ) -> Result<StoredResponse> {
        let approver = adjusting_staff(caller)?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        if let Some(stored) = self.claim_idempotency(&mut tx, caller, idempotency).await? {
            return Ok(stored);
        }
        let mut row = self.pending_for_decision(&mut tx, id, &approver).await?;
        let (status, _) = locked_account_of(&mut tx, &row.person_no).await?;
        refuse_if_frozen(status)?;
        let now = self.clock.now();
        let reason = format!("{} (requested by {}, adjustment {id})", row.reason, row.requested_by);
        let movement = Movement {
            person_no: row.person_no.clone(),
            kind: EntryKind::Adjustment,
            amount: row.amount,
            period: None,
            payment_id: None,
            reason: Some(reason),
            approver: Some(approver.clone()),
        };
        let entry = writer::post(&mut tx, movement, &actor, now).await?;
        if !store::decide(&mut tx, id, "approved", &approver, now, Some(entry.id)).await? {
            return Err(anyhow::anyhow!("adjustment {id} left pending under lock").into());
        }
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details = json!({ "adjustment_id": id, "requested_by": row.requested_by, "entry_id": entry.id });
        self.audit(&mut tx, &actor, "account.adjustment_approved", Some(subject), details).await?;
        (row.state, row.decided_by, row.decided_at, row.entry_id) =
            ("approved".into(), Some(approver), Some(now), Some(entry.id));
        let view = AdjustmentView::new(row, Some(entry.into()));
        let response = StoredResponse::new(200, serde_json::to_value(view)?);
        self.complete_idempotency(&mut tx, caller, idempotency, &response).await?;
        tx.commit().await?;
        Ok(response)
    }

    /// Rejects a pending adjustment (not one's own); nothing moves.
    pub async fn reject_adjustment(&self, caller: &Caller, id: Uuid) -> Result<AdjustmentView> {
        let decider = adjusting_staff(caller)?;
        let actor = caller.actor().clone();
        let mut tx = self.pool.begin().await?;
        let mut row = self.pending_for_decision(&mut tx, id, &decider).await?;
        let now = self.clock.now();
        if !store::decide(&mut tx, id, "rejected", &decider, now, None).await? {
            return Err(anyhow::anyhow!("adjustment {id} left pending under lock").into());
        }
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        self.audit(&mut tx, &actor, "account.adjustment_rejected", Some(subject), json!({ "adjustment_id": id }))
            .await?;
        tx.commit().await?;
        (row.state, row.decided_by, row.decided_at) = ("rejected".into(), Some(decider), Some(now));
        Ok(AdjustmentView::new(row, None))
    }

    /// A pending request someone other than its requester may decide.
    async fn pending_for_decision(
        &self,
        conn: &mut sqlx::PgConnection,
        id: Uuid,
        decider: &str,
    ) -> Result<AdjustmentRow> {
        let row =
            store::find_for_update(conn, id).await?.ok_or(Error::NotFound { code: "account.adjustment_not_found" })?;
        if row.requested_by == decider {
            return Err(Error::forbidden("account.self_approval", "another staff user decides an adjustment"));
        }
        if row.state != "pending" {
            return Err(Error::conflict(
                "account.adjustment_decided",
                format!("this adjustment is already {}", row.state),
                params! { "state" => row.state.clone() },
            ));
        }
        Ok(row)
    }
}

/// Adjustments are staff work: the scope, and a staff user to name.
fn adjusting_staff(caller: &Caller) -> Result<String> {
    caller
        .staff
        .as_ref()
        .map(|s| s.username.clone())
        .ok_or_else(|| Error::forbidden("auth.insufficient_scope", "adjustments are made by staff"))
}
