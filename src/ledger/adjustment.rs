//! A staff adjustment request and where it stands.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::{Money, PersonNo};

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
}

impl AdjustmentState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }
}

/// A staff adjustment of a personal account, requested by one supervisor and decided by another.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Adjustment {
    pub adjustment_id: Uuid,
    pub person_no: PersonNo,
    /// Signed: credits positive, debits negative.
    pub amount: Money,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    pub state: AdjustmentState,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub entry_id: Option<i64>,
}
