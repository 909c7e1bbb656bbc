//! The card lifecycle as one transition table: every step a card can take, and nothing else.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The state of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum CardState {
    /// Issued, not yet activated: the personal account cannot be used with it.
    Unactivated,
    /// Activated and usable.
    Active,
    /// Reported lost online; lapses back to active unless made formal.
    TemporarilyLost,
    /// Frozen at the hall after an anomaly.
    Frozen,
    /// Formally reported lost: final.
    Lost,
    /// Withdrawn when replaced for damage or expiry: final.
    Replaced,
}

impl CardState {
    /// Every state.
    pub const ALL: [Self; 6] =
        [Self::Unactivated, Self::Active, Self::TemporarilyLost, Self::Frozen, Self::Lost, Self::Replaced];

    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unactivated => "unactivated",
            Self::Active => "active",
            Self::TemporarilyLost => "temporarily_lost",
            Self::Frozen => "frozen",
            Self::Lost => "lost",
            Self::Replaced => "replaced",
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Unactivated => "未激活",
            Self::Active => "正常",
            Self::TemporarilyLost => "临时挂失",
            Self::Frozen => "冻结",
            Self::Lost => "正式挂失",
            Self::Replaced => "已换卡",
        }
    }

    /// Final states never change again.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Lost | Self::Replaced)
    }

    /// Whether the card still counts as the person's one usable card.
    pub fn is_usable(self) -> bool {
        !self.is_final()
    }
}

/// Something that changes a card's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CardAction {
    Activate,
    ReportTemporaryLoss,
    CancelTemporaryLoss,
    /// The background job: a temporary loss not made formal in time.
    LapseTemporaryLoss,
    ReportFormalLoss,
    Freeze,
    /// Back to the state the card was frozen from.
    Unfreeze,
    /// Withdraw the card because a replacement for damage or expiry was ordered.
    Withdraw,
}

impl CardAction {
    /// Every action.
    pub const ALL: [Self; 8] = [
        Self::Activate,
        Self::ReportTemporaryLoss,
        Self::CancelTemporaryLoss,
        Self::LapseTemporaryLoss,
        Self::ReportFormalLoss,
        Self::Freeze,
        Self::Unfreeze,
        Self::Withdraw,
    ];

    /// The reason code written to the history.
    pub fn code(self) -> &'static str {
        match self {
            Self::Activate => "activation",
            Self::ReportTemporaryLoss => "temporary_loss",
            Self::CancelTemporaryLoss => "temporary_loss_cancelled",
            Self::LapseTemporaryLoss => "temporary_loss_lapsed",
            Self::ReportFormalLoss => "formal_loss",
            Self::Freeze => "freeze",
            Self::Unfreeze => "unfreeze",
            Self::Withdraw => "withdrawn_for_replacement",
        }
    }
}

use CardAction as A;
use CardState as S;

/// The lifecycle: `(from, action, to)`. Unfreeze is listed per state it can return to.
/// Beyond SPEC §2, an unactivated card may be formally lost (a new card lost before activation).
/// A frozen card is unfrozen at the hall before anything else happens to it, so a bank cannot
/// undo a hall freeze by reporting the card lost or replacing it.
const TRANSITIONS: &[(CardState, CardAction, CardState)] = &[
    (S::Unactivated, A::Activate, S::Active),
    (S::Active, A::ReportTemporaryLoss, S::TemporarilyLost),
    (S::TemporarilyLost, A::CancelTemporaryLoss, S::Active),
    (S::TemporarilyLost, A::LapseTemporaryLoss, S::Active),
    (S::Unactivated, A::ReportFormalLoss, S::Lost),
    (S::Active, A::ReportFormalLoss, S::Lost),
    (S::TemporarilyLost, A::ReportFormalLoss, S::Lost),
    (S::Unactivated, A::Freeze, S::Frozen),
    (S::Active, A::Freeze, S::Frozen),
    (S::Frozen, A::Unfreeze, S::Active),
    (S::Frozen, A::Unfreeze, S::Unactivated),
    (S::Unactivated, A::Withdraw, S::Replaced),
    (S::Active, A::Withdraw, S::Replaced),
];

/// The state `action` leads to from `from`, or `None` when the lifecycle forbids it.
/// `frozen_from` is where an unfreeze returns.
pub fn next_card_state(from: CardState, action: CardAction, frozen_from: Option<CardState>) -> Option<CardState> {
    TRANSITIONS
        .iter()
        .filter(|(f, a, _)| *f == from && *a == action)
        .map(|(_, _, to)| *to)
        .find(|to| action != A::Unfreeze || Some(*to) == frozen_from)
}

/// Every legal `(from, action, to)`, for tests and documentation.
pub fn card_transitions() -> &'static [(CardState, CardAction, CardState)] {
    TRANSITIONS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §2, written out independently of the table: every `(from, action, to)` it names.
    const SPEC_EDGES: &[(CardState, CardAction, CardState)] = &[
        (S::Unactivated, A::Activate, S::Active),
        (S::Active, A::ReportTemporaryLoss, S::TemporarilyLost),
        (S::TemporarilyLost, A::CancelTemporaryLoss, S::Active),
        (S::TemporarilyLost, A::LapseTemporaryLoss, S::Active),
        (S::Active, A::ReportFormalLoss, S::Lost),
        (S::TemporarilyLost, A::ReportFormalLoss, S::Lost),
        (S::Active, A::Freeze, S::Frozen),
        (S::Unactivated, A::Freeze, S::Frozen),
        (S::Frozen, A::Unfreeze, S::Active),
        (S::Frozen, A::Unfreeze, S::Unactivated),
        (S::Active, A::Withdraw, S::Replaced),
        (S::Unactivated, A::Withdraw, S::Replaced),
    ];

    /// What we allow beyond SPEC §2, on purpose (see the table's comment).
    const EXTENSIONS: &[(CardState, CardAction, CardState)] = &[(S::Unactivated, A::ReportFormalLoss, S::Lost)];

    #[test]
    fn the_lifecycle_is_spec_section_2_plus_only_the_documented_extension() {
        let table: std::collections::HashSet<_> = TRANSITIONS.iter().copied().collect();
        let intended: std::collections::HashSet<_> = SPEC_EDGES.iter().chain(EXTENSIONS).copied().collect();
        assert_eq!(table, intended);
    }

    #[test]
    fn final_states_have_no_way_out() {
        for action in CardAction::ALL {
            for state in [S::Lost, S::Replaced] {
                assert_eq!(next_card_state(state, action, Some(S::Active)), None);
            }
        }
    }

    #[test]
    fn an_unfreeze_returns_where_the_card_was_frozen_from() {
        assert_eq!(next_card_state(S::Frozen, A::Unfreeze, Some(S::Unactivated)), Some(S::Unactivated));
        assert_eq!(next_card_state(S::Frozen, A::Unfreeze, Some(S::Active)), Some(S::Active));
    }
}
