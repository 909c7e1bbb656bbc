//! The contribution vocabulary: payment channels and states, how a payment arrived, the state
//! of a period's contribution, and a payment as the domain knows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{ClientId, Money, PaymentId, PersonNo};
use crate::platform::caller::ClientKind;

/// Declares a text-stored enum with its wire and stored names (one list, so they cannot drift).
macro_rules! text_enum {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident => $text:literal,)* }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, sqlx::Type)]
        #[serde(rename_all = "snake_case")]
        #[sqlx(type_name = "text", rename_all = "snake_case")]
        pub enum $name { $($(#[doc = $vdoc])* $variant,)* }

        impl $name {
            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }

            /// Parses the wire name.
            pub fn parse(raw: &str) -> Option<Self> {
                match raw.trim() { $($text => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

text_enum! {
    /// How the money was paid.
    PaymentChannel {
        /// 银行代扣
        BankWithholding => "bank_withholding",
        /// 河南税务
        TaxBureau => "tax_bureau",
        /// At a counter.
        Counter => "counter",
        /// From a family holder's personal account (家庭共济): never posted by a client.
        FamilyAccount => "family_account",
    }
}

impl PaymentChannel {
    /// Banks withhold or take cash at the counter; the tax bureau collects.
    pub fn fits(self, kind: ClientKind) -> bool {
        matches!(
            (kind, self),
            (ClientKind::Bank, Self::BankWithholding | Self::Counter)
                | (ClientKind::TaxBureau, Self::TaxBureau | Self::Counter)
        )
    }
}

text_enum! {
    /// Where a payment stands.
    PaymentState {
        /// Paid, awaiting arrival (到账).
        Paid => "paid",
        /// Arrived.
        Arrived => "arrived",
    }
}

text_enum! {
    /// How a payment arrived.
    ArrivalKind {
        /// Confirmed by the tax bureau.
        Automatic => "automatic",
        /// Posted by the hall with the bank receipt (手工到账).
        Manual => "manual",
    }
}

text_enum! {
    /// Where a period's contribution stands.
    ContributionState {
        /// Owed and unpaid.
        Due => "due",
        /// Paid, awaiting arrival.
        Paid => "paid",
        /// Arrived.
        Arrived => "arrived",
    }
}

/// A contribution payment.
#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct Payment {
    pub payment_id: PaymentId,
    pub person_no: PersonNo,
    pub periods: Vec<String>,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub channel: PaymentChannel,
    pub reference: String,
    pub client_id: ClientId,
    /// The bank that took the payment (none when the tax bureau did).
    pub bank_code: Option<String>,
    pub state: PaymentState,
    pub arrived_at: Option<DateTime<Utc>>,
    pub arrival_kind: Option<ArrivalKind>,
    pub receipt_no: Option<String>,
    pub arrived_by: Option<String>,
    pub created_at: DateTime<Utc>,
}
