//! Insurance types (险种), national codes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `310` 职工基本医疗保险 (employee, has a personal account) or `390` 城乡居民基本医疗保险
/// (resident, no personal account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum InsuranceType {
    #[serde(rename = "310")]
    Employee,
    #[serde(rename = "390")]
    Resident,
}

impl InsuranceType {
    /// Parses the national code.
    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "310" => Some(Self::Employee),
            "390" => Some(Self::Resident),
            _ => None,
        }
    }

    /// The national code as stored.
    pub fn code(self) -> &'static str {
        match self {
            Self::Employee => "310",
            Self::Resident => "390",
        }
    }

    /// Whether this type keeps a personal account.
    pub fn has_personal_account(self) -> bool {
        matches!(self, Self::Employee)
    }
}
