//! The insured-status state machine (参保状态): 正常 / 欠费 / 封存 / 转出, with 转接 (transfer in).
//!
//! The rules are one table; the service layer asks [`StatusRule::find`] before it changes anything.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person's insured status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum InsuredStatus {
    /// 正常: contributions paid, benefits active.
    Normal,
    /// 欠费: a month was not fully paid by the cut-off; pooled-fund benefits suspended.
    InArrears,
    /// 封存: employment ended or retired; balance usable, no allocations.
    Sealed,
    /// 转出: moved to another pooling region; the record is read-only.
    TransferredOut,
}

impl InsuredStatus {
    /// Every status, for exhaustive tests and documentation.
    pub const ALL: [Self; 4] = [Self::Normal, Self::InArrears, Self::Sealed, Self::TransferredOut];

    /// Parses the snake_case code used in the API.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == raw)
    }

    /// The snake_case code used in the API and the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::InArrears => "in_arrears",
            Self::Sealed => "sealed",
            Self::TransferredOut => "transferred_out",
        }
    }

    /// The Chinese label shown to people.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Normal => "正常",
            Self::InArrears => "欠费",
            Self::Sealed => "封存",
            Self::TransferredOut => "转出",
        }
    }

    /// The national `psn_insu_stas` code: 1 正常参保, 2 暂停参保, 4 终止参保.
    pub fn psn_insu_stas(self) -> &'static str {
        match self {
            Self::Normal => "1",
            Self::InArrears | Self::Sealed => "2",
            Self::TransferredOut => "4",
        }
    }
}

/// Who may trigger a transition: hall staff through the API, or the system (contribution jobs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitionInitiator {
    Hall,
    System,
}

/// Which other pooling region a transition names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionRole {
    /// No region is given.
    None,
    /// Transfer out: the region the person moves to.
    Target,
    /// Transfer in: the region the person comes from.
    Source,
}

/// One legal transition with who may trigger it and the reason codes that justify it.
#[derive(Debug)]
pub struct StatusRule {
    pub from: InsuredStatus,
    pub to: InsuredStatus,
    pub initiator: TransitionInitiator,
    pub reasons: &'static [&'static str],
    pub region: RegionRole,
}

use InsuredStatus::{InArrears, Normal, Sealed, TransferredOut};
use TransitionInitiator::{Hall, System};

const SEAL_REASONS: &[&str] = &["employment_ended", "retired"];
const UNSEAL_REASONS: &[&str] = &["contributions_resumed", "new_employer"];
const TRANSFER_OUT_REASONS: &[&str] = &["relocation", "new_employer_elsewhere"];

/// The whole machine. Anything not listed is illegal.
const RULES: &[StatusRule] = &[
    rule(Normal, InArrears, System, &["contribution_unpaid"], RegionRole::None),
    rule(InArrears, Normal, System, &["contributions_arrived"], RegionRole::None),
    rule(Normal, Sealed, Hall, SEAL_REASONS, RegionRole::None),
    rule(InArrears, Sealed, Hall, SEAL_REASONS, RegionRole::None),
    rule(Sealed, Normal, Hall, UNSEAL_REASONS, RegionRole::None),
    rule(Normal, TransferredOut, Hall, TRANSFER_OUT_REASONS, RegionRole::Target),
    rule(InArrears, TransferredOut, Hall, TRANSFER_OUT_REASONS, RegionRole::Target),
    rule(Sealed, TransferredOut, Hall, TRANSFER_OUT_REASONS, RegionRole::Target),
    rule(TransferredOut, Normal, Hall, &["transfer_in"], RegionRole::Source),
];

const fn rule(
    from: InsuredStatus,
    to: InsuredStatus,
    initiator: TransitionInitiator,
    reasons: &'static [&'static str],
    region: RegionRole,
) -> StatusRule {
    StatusRule { from, to, initiator, reasons, region }
}

impl StatusRule {
    /// The rule for `from → to`, or `None` when the machine has no such edge.
    pub fn find(from: InsuredStatus, to: InsuredStatus) -> Option<&'static StatusRule> {
        RULES.iter().find(|r| r.from == from && r.to == to)
    }

    /// Every legal edge, for tests and documentation.
    pub fn all() -> &'static [StatusRule] {
        RULES
    }

    /// Whether `reason_code` justifies this transition.
    pub fn allows_reason(&self, reason_code: &str) -> bool {
        self.reasons.contains(&reason_code)
    }

    /// When the change takes effect and, for arrears, from when benefits are suspended.
    pub fn effect(&self, today: NaiveDate) -> StatusChange {
        let benefits_suspended_from = (self.to == InArrears).then(|| first_of_next_month(today));
        StatusChange { effective_date: benefits_suspended_from.unwrap_or(today), benefits_suspended_from }
    }
}

/// The dated consequences of a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChange {
    pub effective_date: NaiveDate,
    /// Set only on entering arrears: pooled-fund benefits stop from this day.
    pub benefits_suspended_from: Option<NaiveDate>,
}

fn first_of_next_month(day: NaiveDate) -> NaiveDate {
    let (year, month) = if day.month() == 12 { (day.year() + 1, 1) } else { (day.year(), day.month() + 1) };
    NaiveDate::from_ymd_opt(year, month, 1).expect("the first of a month exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrears_suspend_benefits_from_the_first_of_the_next_month_across_a_year_end() {
        let rule = StatusRule::find(Normal, InArrears).unwrap();
        let change = rule.effect(NaiveDate::from_ymd_opt(2026, 12, 20).unwrap());
        assert_eq!(change.benefits_suspended_from, NaiveDate::from_ymd_opt(2027, 1, 1));
    }

    #[test]
    fn no_status_transitions_to_itself_and_transferred_out_only_leaves_by_transfer_in() {
        for s in InsuredStatus::ALL {
            assert!(StatusRule::find(s, s).is_none());
        }
        let exits: Vec<_> = RULES.iter().filter(|r| r.from == TransferredOut).collect();
        assert_eq!(exits.len(), 1);
        assert_eq!(exits[0].reasons, &["transfer_in"]);
    }
}
