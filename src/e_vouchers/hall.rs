//! The hall suspends a voucher after an anomaly (seed 001: an account used by someone else) and
//! resumes it once the holder has made it safe.

use serde_json::json;

use super::service::not_activated;
use super::store::{self, VoucherRow};
use super::{EVouchers, HallAction};
use crate::domain::{PersonNo, REASON_RULE, reason_text};
use crate::params;
use crate::platform::audit::Subject;
use crate::platform::caller::Caller;
use crate::platform::error::{Error, Result};

impl EVouchers<'_> {
    /// Applies `action` to the person's voucher, with the reason on file.
    pub async fn hall_action(
        &self,
        caller: &Caller,
        person_no: &PersonNo,
        action: HallAction,
        reason: &str,
    ) -> Result<VoucherRow> {
        let reason =
            reason_text(reason).ok_or_else(|| Error::invalid_field("e_voucher.reason_text", "reason", REASON_RULE))?;
        let mut tx = self.pool.begin().await?;
        crate::persons::get(&mut tx, person_no).await?;
        let voucher = store::lock(&mut tx, person_no, true).await?.ok_or_else(not_activated)?;
        let to = voucher.state.after(action).ok_or_else(|| {
            Error::conflict(
                "e_voucher.transition_not_allowed",
                format!("a {} voucher cannot be {}", voucher.state.code(), verb(action)),
                params! { "current_state" => voucher.state.code(), "current_state_label" => voucher.state.label_zh() },
            )
        })?;
        let suspension = (action == HallAction::Suspend).then(|| (self.clock.now(), reason));
        let row = store::set_state(&mut tx, person_no, to, suspension).await?;
        let audit_action = match action {
            HallAction::Suspend => "e_voucher.suspend",
            HallAction::Resume => "e_voucher.resume",
        };
        let subject = Subject { kind: "person", id: person_no.as_str() };
        self.audit(&mut tx, caller.actor(), audit_action, Some(subject), json!({ "reason": reason })).await?;
        tx.commit().await?;
        Ok(row)
    }
}

fn verb(action: HallAction) -> &'static str {
    match action {
        HallAction::Suspend => "suspended",
        HallAction::Resume => "resumed",
    }
}
