//! Proxy handling (代办): who may act for a card holder, and with which proof of the relation.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How the agent is related to the card holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Parent,
    Child,
    Spouse,
    /// Legal guardian (监护人).
    Guardian,
    /// Another family member.
    Relative,
    /// Anyone holding a letter of authorisation (委托书).
    Entrusted,
}

/// The document proving the relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProofKind {
    /// 户口本
    HouseholdRegister,
    /// 结婚证
    MarriageCertificate,
    /// 委托书
    PowerOfAttorney,
    /// 出生证明
    BirthCertificate,
}

impl Relationship {
    /// The documents that prove this relation.
    pub fn accepted_proofs(self) -> &'static [ProofKind] {
        use ProofKind::*;
        match self {
            Self::Parent | Self::Guardian => &[HouseholdRegister, BirthCertificate, PowerOfAttorney],
            Self::Child | Self::Relative => &[HouseholdRegister, PowerOfAttorney],
            Self::Spouse => &[MarriageCertificate, HouseholdRegister, PowerOfAttorney],
            Self::Entrusted => &[PowerOfAttorney],
        }
    }

    /// Whether this agent may act for a minor (only parents and guardians may).
    pub fn may_act_for_minor(self) -> bool {
        matches!(self, Self::Parent | Self::Guardian)
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Parent => "parent",
            Self::Child => "child",
            Self::Spouse => "spouse",
            Self::Guardian => "guardian",
            Self::Relative => "relative",
            Self::Entrusted => "entrusted",
        }
    }
}

impl ProofKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HouseholdRegister => "household_register",
            Self::MarriageCertificate => "marriage_certificate",
            Self::PowerOfAttorney => "power_of_attorney",
            Self::BirthCertificate => "birth_certificate",
        }
    }
}

/// Age below which a card holder cannot act alone (a financial card needs a guardian).
pub const MINOR_AGE: u32 = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_of_authorisation_proves_any_relation_and_a_marriage_certificate_only_a_spouse() {
        for relation in [
            Relationship::Parent,
            Relationship::Child,
            Relationship::Spouse,
            Relationship::Guardian,
            Relationship::Relative,
            Relationship::Entrusted,
        ] {
            assert!(relation.accepted_proofs().contains(&ProofKind::PowerOfAttorney));
            let marriage = relation.accepted_proofs().contains(&ProofKind::MarriageCertificate);
            assert_eq!(marriage, relation == Relationship::Spouse);
        }
    }
}
