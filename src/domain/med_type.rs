//! The national visit types (医疗类别, `med_type`) this back office settles.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `11` general outpatient, `14` outpatient chronic or special disease, `21` inpatient, `41`
/// pharmacy purchase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum MedType {
    #[serde(rename = "11")]
    GeneralOutpatient,
    #[serde(rename = "14")]
    ChronicOutpatient,
    #[serde(rename = "21")]
    Inpatient,
    #[serde(rename = "41")]
    PharmacyPurchase,
}

impl MedType {
    /// Every visit type.
    pub const ALL: [Self; 4] =
        [Self::GeneralOutpatient, Self::ChronicOutpatient, Self::Inpatient, Self::PharmacyPurchase];

    /// The national code.
    pub fn code(self) -> &'static str {
        match self {
            Self::GeneralOutpatient => "11",
            Self::ChronicOutpatient => "14",
            Self::Inpatient => "21",
            Self::PharmacyPurchase => "41",
        }
    }

    /// Parses a national code.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == raw.trim())
    }
}
