//! Remote-treatment filings' kinds and states (SPEC §2: filed → effective → expired | revoked).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why a person is treated outside Zhengzhou.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum FilingKind {
    /// 异地安置退休: a retiree resettled elsewhere (long-term).
    ResettledRetiree,
    /// 异地长期居住: living elsewhere for the long term (long-term).
    LongTermResident,
    /// 常驻异地工作: posted to work elsewhere (long-term).
    PostedWorker,
    /// 异地转诊: referred by a Zhengzhou institution (temporary; names it and the diagnosis).
    Referral,
    /// 急诊抢救: emergency treatment (temporary).
    Emergency,
    /// 其他临时外出: other temporary stays (temporary).
    TemporaryTravel,
}

impl FilingKind {
    /// Long-term filings stay until changed; temporary ones end (six months by default).
    pub fn is_long_term(self) -> bool {
        matches!(self, Self::ResettledRetiree | Self::LongTermResident | Self::PostedWorker)
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::ResettledRetiree => "异地安置退休",
            Self::LongTermResident => "异地长期居住",
            Self::PostedWorker => "常驻异地工作",
            Self::Referral => "异地转诊",
            Self::Emergency => "急诊抢救",
            Self::TemporaryTravel => "其他临时外出",
        }
    }
}

/// Where a filing stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum FilingState {
    /// Made here, not yet synchronised with the national platform.
    Filed,
    /// Synchronised: settlements elsewhere are covered under it.
    Effective,
    /// Past its end date.
    Expired,
    /// Withdrawn by the person or the hall.
    Revoked,
}

impl FilingState {
    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Filed => "已备案待同步",
            Self::Effective => "已生效",
            Self::Expired => "已过期",
            Self::Revoked => "已撤销",
        }
    }

    /// Whether the filing still stands (neither expired nor revoked).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Filed | Self::Effective)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_long_term_kinds_are_long_term_and_the_rest_temporary() {
        let long = [FilingKind::ResettledRetiree, FilingKind::LongTermResident, FilingKind::PostedWorker];
        let temporary = [FilingKind::Referral, FilingKind::Emergency, FilingKind::TemporaryTravel];
        assert!(long.iter().all(|k| k.is_long_term()));
        assert!(temporary.iter().all(|k| !k.is_long_term()));
    }

    #[test]
    fn only_filed_and_effective_filings_are_live() {
        let live: Vec<bool> = [FilingState::Filed, FilingState::Effective, FilingState::Expired, FilingState::Revoked]
            .map(|s| s.is_live())
            .to_vec();
        assert_eq!(live, [true, true, false, false]);
    }
}
