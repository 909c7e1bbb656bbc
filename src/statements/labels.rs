//! The Chinese words a printed statement uses for stored codes.

use crate::contributions::{ArrivalKind, ContributionState, PaymentChannel};
use crate::ledger::EntryKind;

/// 划入, 消费, … for an entry kind.
pub fn entry_kind(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Allocation => "划入",
        EntryKind::Consumption => "消费",
        EntryKind::FamilyPayment => "家庭共济支付",
        EntryKind::Refund => "退费/冲正",
        EntryKind::TransferOut => "转出",
        EntryKind::TransferIn => "转入",
        EntryKind::Adjustment => "调账",
        EntryKind::RemoteSettlement => "异地就医结算",
    }
}

/// 银行代扣, 河南税务, 窗口 for a payment channel.
pub fn channel(channel: Option<PaymentChannel>) -> &'static str {
    match channel {
        Some(PaymentChannel::BankWithholding) => "银行代扣",
        Some(PaymentChannel::TaxBureau) => "河南税务",
        Some(PaymentChannel::Counter) => "窗口",
        Some(PaymentChannel::FamilyAccount) => "家庭共济",
        None => "",
    }
}

/// 自动到账 / 手工到账.
pub fn arrival(kind: Option<ArrivalKind>) -> &'static str {
    match kind {
        Some(ArrivalKind::Automatic) => "自动到账",
        Some(ArrivalKind::Manual) => "手工到账",
        None => "",
    }
}

/// 待缴 / 已缴 / 已到账 …
pub fn contribution_state(state: ContributionState) -> &'static str {
    match state {
        ContributionState::Due => "待缴",
        ContributionState::Paid => "已缴未到账",
        ContributionState::Arrived => "已到账",
    }
}
