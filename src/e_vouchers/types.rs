//! The voucher's states (SPEC §2: not activated → active → suspended) and the hall's two moves.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a person's electronic voucher stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum VoucherState {
    /// Never activated (no row is stored).
    NotActivated,
    /// Shows QR tokens; institutions accept them instead of the card.
    Active,
    /// Stopped by the hall after an anomaly: no tokens are issued or accepted.
    Suspended,
}

/// What the hall does to a voucher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HallAction {
    /// Stop it after an anomaly.
    Suspend,
    /// Let it work again.
    Resume,
}

impl VoucherState {
    /// The stable name.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotActivated => "not_activated",
            Self::Active => "active",
            Self::Suspended => "suspended",
        }
    }

    /// The Chinese label shown to staff and persons.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::NotActivated => "未激活",
            Self::Active => "已激活",
            Self::Suspended => "已暂停",
        }
    }

    /// The state `action` leads to, or `None` where the lifecycle does not allow it.
    pub fn after(self, action: HallAction) -> Option<Self> {
        match (self, action) {
            (Self::Active, HallAction::Suspend) => Some(Self::Suspended),
            (Self::Suspended, HallAction::Resume) => Some(Self::Active),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_active_voucher_is_suspended_and_only_a_suspended_one_resumed() {
        use HallAction::*;
        use VoucherState::*;
        let table = [
            (NotActivated, Suspend, None),
            (NotActivated, Resume, None),
            (Active, Suspend, Some(Suspended)),
            (Active, Resume, None),
            (Suspended, Suspend, None),
            (Suspended, Resume, Some(Active)),
        ];
        for (from, action, to) in table {
            assert_eq!(from.after(action), to, "{from:?} {action:?}");
        }
    }
}
