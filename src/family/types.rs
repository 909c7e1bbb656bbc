//! Family bindings' relations and states (SPEC §2: requested → active → unbound).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the relative is to the holder: the near relatives mutual aid covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum FamilyRelation {
    Spouse,
    Parent,
    Child,
    Sibling,
    Grandparent,
    Grandchild,
}

/// Where a binding stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum BindingState {
    /// Asked for by the holder; the relative has not confirmed.
    Requested,
    /// Confirmed: the holder's account helps pay the relative's bills.
    Active,
    /// Ended by either side, the hall, or a transfer out.
    Unbound,
}

impl BindingState {
    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Requested => "待确认",
            Self::Active => "已绑定",
            Self::Unbound => "已解绑",
        }
    }
}

/// The most relatives one holder binds at a time.
pub const MAX_RELATIVES: i64 = 5;
