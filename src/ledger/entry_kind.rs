//! The kinds of ledger entries (stored as text under the `account_entries_kind_known` check).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why money moved in a personal account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum EntryKind {
    /// 划拨: the account's share of an arrived contribution.
    Allocation,
    /// Paid at a designated institution (a local settlement).
    Consumption,
    /// Paid for a bound family member (家庭共济).
    FamilyPayment,
    /// A settlement reversed or refunded (冲正 / 退费).
    Refund,
    /// The whole balance moved to another pooling region.
    TransferOut,
    /// A balance carried over from another pooling region.
    TransferIn,
    /// A staff adjustment approved under four eyes.
    Adjustment,
    /// Paid at an institution elsewhere (异地就医结算), arriving days later.
    RemoteSettlement,
}

impl EntryKind {
    /// Every kind, in the order of the database check.
    pub const ALL: [Self; 8] = [
        Self::Allocation,
        Self::Consumption,
        Self::FamilyPayment,
        Self::Refund,
        Self::TransferOut,
        Self::TransferIn,
        Self::Adjustment,
        Self::RemoteSettlement,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Allocation => "allocation",
            Self::Consumption => "consumption",
            Self::FamilyPayment => "family_payment",
            Self::Refund => "refund",
            Self::TransferOut => "transfer_out",
            Self::TransferIn => "transfer_in",
            Self::Adjustment => "adjustment",
            Self::RemoteSettlement => "remote_settlement",
        }
    }
}
