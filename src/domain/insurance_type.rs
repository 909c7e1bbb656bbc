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

/// Stored as its national code (`text`).
impl sqlx::Type<sqlx::Postgres> for InsuranceType {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::Type<sqlx::Postgres>>::type_info()
    }
}

impl sqlx::Encode<'_, sqlx::Postgres> for InsuranceType {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.code(), buf)
    }
}

impl sqlx::Decode<'_, sqlx::Postgres> for InsuranceType {
    fn decode(value: sqlx::postgres::PgValueRef<'_>) -> Result<Self, sqlx::error::BoxDynError> {
        let code = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        Self::parse(code).ok_or_else(|| format!("unknown insurance type {code:?}").into())
    }
}
