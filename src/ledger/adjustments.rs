//! Staff adjustments to personal accounts, with four eyes: one staff user requests, another
//! approves with their own session, and only the approval posts the ledger entry.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;

use super::adjustments_store as store;
use super::service::{locked_account_of, refuse_if_frozen};
use super::store::EntryRow;
use super::writer::{self, Movement};
use super::{Adjustment, AdjustmentState, EntryKind, Ledger};
use crate::auth;
use crate::domain::{AdjustmentId, Money, PersonNo, StaffId};
use crate::params;
use crate::persons::InsuredStatus;
use crate::platform::audit::Subject;
use crate::platform::caller::{Actor, Caller};
use crate::platform::error::{Error, Result};
use crate::platform::idempotency::{IdempotentRequest, Outcome};

/// An adjustment and, once approved, the ledger entry it posted: what adjustment operations
/// return (and what a retry of one replays).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AdjustmentOutcome {
    pub adjustment: Adjustment,
    pub entry: Option<EntryRow>,
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
    ) -> Result<Outcome<AdjustmentOutcome>> {
        let staff = adjusting_staff(caller)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 || amount == Money::ZERO {
            return Err(Error::invalid_field(
                "account.adjustment",
                "reason",
                "a non-zero amount and a reason of 1 to 500 characters",
            ));
        }
        let requested = NewAdjustment { person_no, amount, reason, staff };
        self.idempotent(caller, idempotency, |mut tx| async move {
            let adjustment = self.record_request(&mut tx, caller, requested).await?;
            Ok((tx, AdjustmentOutcome { adjustment, entry: None }))
        })
        .await
    }

    async fn record_request(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        requested: NewAdjustment<'_>,
    ) -> Result<Adjustment> {
        let (status, _) = locked_account_of(conn, requested.person_no).await?;
        refuse_if_frozen(status)?;
        let row = Adjustment {
            adjustment_id: AdjustmentId::new(),
            person_no: requested.person_no.clone(),
            amount: requested.amount,
            reason: requested.reason.to_owned(),
            requested_by: requested.staff.username,
            requester_staff_id: Some(requested.staff.staff_id),
            requested_at: self.clock.now(),
            expires_on: self
                .calendar
                .add_working_days(self.clock.today(), self.settings.ledger.adjustment_expiry_working_days),
            decider_staff_id: None,
            state: AdjustmentState::Pending,
            decided_by: None,
            decided_at: None,
            entry_id: None,
        };
        store::insert(conn, &row).await?;
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details = json!({ "adjustment_id": row.adjustment_id, "amount": row.amount, "reason": row.reason });
        self.audit(conn, caller.actor(), "account.adjustment_requested", Some(subject), details).await?;
        Ok(row)
    }

    /// Approves a pending adjustment (not one's own) and posts its ledger entry, idempotently.
    pub async fn approve_adjustment(
        &self,
        caller: &Caller,
        id: AdjustmentId,
        idempotency: &IdempotentRequest,
    ) -> Result<Outcome<AdjustmentOutcome>> {
        let approver = adjusting_staff(caller)?;
        self.idempotent(caller, idempotency, |mut tx| async move {
            let outcome = self.post_approval(&mut tx, caller, id, approver).await?;
            Ok((tx, outcome))
        })
        .await
    }

    async fn post_approval(
        &self,
        conn: &mut PgConnection,
        caller: &Caller,
        id: AdjustmentId,
        approver: Staffer,
    ) -> Result<AdjustmentOutcome> {
        let (mut row, status) = self.pending_for_decision(conn, id, &approver).await?;
        refuse_if_frozen(status)?;
        let now = self.clock.now();
        let movement = Movement {
            person_no: row.person_no.clone(),
            kind: EntryKind::Adjustment,
            amount: row.amount,
            period: None,
            payment_id: None,
            reason: Some(format!("{} (requested by {}, adjustment {id})", row.reason, row.requested_by)),
            approver: Some(approver.username.clone()),
            value_at: None,
        };
        let entry = writer::post(conn, movement, caller.actor(), now).await?;
        if !store::decide(conn, id, AdjustmentState::Approved, approver.as_decider(), now, Some(entry.id)).await? {
            return Err(left_pending(id));
        }
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        let details = json!({ "adjustment_id": id, "requested_by": row.requested_by, "entry_id": entry.id });
        self.audit(conn, caller.actor(), "account.adjustment_approved", Some(subject), details).await?;
        row.decide(AdjustmentState::Approved, approver, now);
        row.entry_id = Some(entry.id);
        Ok(AdjustmentOutcome { adjustment: row, entry: Some(entry) })
    }

    /// Rejects a pending adjustment (not one's own); nothing moves.
    pub async fn reject_adjustment(&self, caller: &Caller, id: AdjustmentId) -> Result<AdjustmentOutcome> {
        let decider = adjusting_staff(caller)?;
        let actor = caller.actor();
        let mut tx = self.pool.begin().await?;
        let (mut row, _) = self.pending_for_decision(&mut tx, id, &decider).await?;
        let now = self.clock.now();
        if !store::decide(&mut tx, id, AdjustmentState::Rejected, decider.as_decider(), now, None).await? {
            return Err(left_pending(id));
        }
        let subject = Subject { kind: "person", id: row.person_no.as_str() };
        self.audit(&mut tx, actor, "account.adjustment_rejected", Some(subject), json!({ "adjustment_id": id }))
            .await?;
        tx.commit().await?;
        row.decide(AdjustmentState::Rejected, decider, now);
        Ok(AdjustmentOutcome { adjustment: row, entry: None })
    }

    /// A pending, unexpired request another person than its requester may decide, with the
    /// person's insured status. The person is locked before the request, in the order a transfer
    /// out takes them, so the two never deadlock.
    async fn pending_for_decision(
        &self,
        conn: &mut PgConnection,
        id: AdjustmentId,
        decider: &Staffer,
    ) -> Result<(Adjustment, InsuredStatus)> {
        let not_found = || Error::not_found("account.adjustment_not_found", "no account adjustment has this id");
        let person_no = store::find(conn, id).await?.ok_or_else(not_found)?.person_no;
        let (status, _) = locked_account_of(conn, &person_no).await?;
        let row = store::find_for_update(conn, id).await?.ok_or_else(not_found)?;
        if self.same_person(conn, &row, decider).await? {
            return Err(Error::forbidden(
                "account.self_approval",
                "four eyes: the person who requested this adjustment cannot also decide it",
            ));
        }
        refuse_unless_open(&row, self.clock.today())?;
        Ok((row, status))
    }

    /// Whether the decider is the requester: the same account, or another account of the same
    /// person.
    async fn same_person(&self, conn: &mut PgConnection, row: &Adjustment, decider: &Staffer) -> Result<bool> {
        if row.requested_by == decider.username {
            return Ok(true);
        }
        match row.requester_staff_id {
            Some(requester) => auth::same_person(conn, requester, decider.staff_id).await,
            None => Ok(false),
        }
    }

    /// Voids the person's pending adjustments (their account is leaving with a transfer out),
    /// inside the caller's transaction. Returns how many.
    pub async fn void_pending_adjustments(
        &self,
        conn: &mut PgConnection,
        actor: &Actor,
        person_no: &PersonNo,
    ) -> Result<u64> {
        let closing =
            store::Closing { state: AdjustmentState::Voided, by: "system:transfer_out", actor, at: self.clock.now() };
        Ok(store::close_pending_of(conn, person_no, &closing).await?)
    }

    /// The job: pending adjustments past their expiry date become expired. Idempotent, and safe
    /// with several instances (the update re-checks the state).
    pub async fn expire_adjustments(&self) -> Result<u64> {
        let actor = Actor::system("adjustment_expiry");
        let closing = store::Closing {
            state: AdjustmentState::Expired,
            by: "system:adjustment_expiry",
            actor: &actor,
            at: self.clock.now(),
        };
        let mut conn = self.pool.acquire().await?;
        Ok(store::close_expired(&mut conn, self.clock.today(), &closing).await?)
    }
}

/// A decision found its request decided although it held the lock: a bug, not a client error.
fn left_pending(id: AdjustmentId) -> Error {
    anyhow::anyhow!("adjustment {id} left pending under lock").into()
}

/// Refuses a request that is no longer pending, or is past its last day.
fn refuse_unless_open(row: &Adjustment, today: chrono::NaiveDate) -> Result<()> {
    if row.state != AdjustmentState::Pending {
        return Err(Error::conflict(
            "account.adjustment_decided",
            format!("this adjustment is already {}", row.state.as_str()),
            params! { "state" => row.state.as_str() },
        ));
    }
    if today > row.expires_on {
        return Err(Error::conflict(
            "account.adjustment_expired",
            format!("this adjustment expired after {}; request it again", row.expires_on),
            params! { "expires_on" => row.expires_on.to_string() },
        ));
    }
    Ok(())
}

/// A parsed adjustment request.
struct NewAdjustment<'a> {
    person_no: &'a PersonNo,
    amount: Money,
    reason: &'a str,
    staff: Staffer,
}

/// The staff member who requests or decides.
#[derive(Debug, Clone)]
struct Staffer {
    username: String,
    staff_id: StaffId,
}

/// Adjustments are staff work by a staff member whose person is known (an ID number on
/// their account), so four eyes can be two people.
fn adjusting_staff(caller: &Caller) -> Result<Staffer> {
    let staff = caller
        .staff
        .as_ref()
        .ok_or_else(|| Error::forbidden("auth.insufficient_scope", "adjustments are made by staff"))?;
    if !staff.identified {
        return Err(Error::forbidden(
            "staff.identity_missing",
            "this staff account has no ID number on record; four-eyes work needs one",
        ));
    }
    Ok(Staffer { username: staff.username.clone(), staff_id: staff.staff_id })
}

impl Staffer {
    fn as_decider(&self) -> store::Decider<'_> {
        store::Decider { username: &self.username, staff_id: self.staff_id }
    }
}

impl Adjustment {
    fn decide(&mut self, state: AdjustmentState, by: Staffer, at: chrono::DateTime<chrono::Utc>) {
        (self.state, self.decided_by, self.decider_staff_id, self.decided_at) =
            (state, Some(by.username), Some(by.staff_id), Some(at));
    }
}
