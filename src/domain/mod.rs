//! Domain types: every value a client sends is parsed into one of these at the edge, so the
//! services only ever see well-formed data.

mod agent;
mod branch_code;
mod card_no;
mod card_password;
mod credit_code;
mod id_number;
mod ids;
mod insurance_type;
mod med_type;
mod money;
mod period;
mod person_name;
mod person_no;
mod phone;
mod reason;
mod region;

pub use agent::{MINOR_AGE, ProofKind, Relationship};
pub use branch_code::BranchCode;
pub use card_no::CardNo;
pub use card_password::{CardPassword, CardPasswordError};
pub use credit_code::{CreditCode, CreditCodeError, with_check_character};
pub use id_number::{IdNumber, IdNumberError, check_char, mask_id_number};
pub use ids::{AdjustmentId, BindingId, ClientId, PaymentId, StaffId};
pub use insurance_type::InsuranceType;
pub use med_type::MedType;
pub use money::{Money, MoneyError};
pub use period::Month;
pub use person_name::{PersonName, PersonNameError, mask_name};
pub use person_no::PersonNo;
pub use phone::{Phone, PhoneError, mask_phone};
pub use reason::{REASON_RULE, reason_text};
pub use region::{RegionCode, RegionError};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Gender as encoded in the ID number (national code: 1 male, 2 female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "text", rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}
