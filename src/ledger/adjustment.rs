//! A staff adjustment request and where it stands.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{AdjustmentId, Money, PersonNo, StaffId};

/// Where an adjustment request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum AdjustmentState {
    /// Requested; nothing has moved.
    Pending,
    /// Approved by another supervisor; the entry is posted.
    Approved,
    /// Rejected; nothing moved.
    Rejected,
    /// Left pending past its expiry date; nothing moved.
    Expired,
    /// The person transferred out while it was pending; nothing moved.
    Voided,
}

impl AdjustmentState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Expired => "expired",
            Self::Voided => "voided",
        }
    }
}

/// A staff adjustment of a personal account, requested by one supervisor and decided by another.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Adjustment {
    pub adjustment_id: AdjustmentId,
    pub person_no: PersonNo,
    /// Signed: credits positive, debits negative.
    pub amount: Money,
    pub reason: String,
    pub requested_by: String,
    /// The requesting staff account (unknown for requests older than staff identities).
    pub requester_staff_id: Option<StaffId>,
    pub requested_at: DateTime<Utc>,
    /// The last day it may be decided.
    pub expires_on: NaiveDate,
    pub state: AdjustmentState,
    pub decided_by: Option<String>,
    pub decider_staff_id: Option<StaffId>,
    pub decided_at: Option<DateTime<Utc>>,
    pub entry_id: Option<i64>,
}
