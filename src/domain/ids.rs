//! Typed identifiers, so a payment id cannot be passed where an adjustment id is meant.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Declares a UUID identifier: transparent in JSON and in the database, new ones random.
macro_rules! uuid_id {
    ($($(#[doc = $doc:literal])* $name:ident;)*) => {$(
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

uuid_id! {
    /// A contribution payment.
    PaymentId;
    /// A staff adjustment request.
    AdjustmentId;
    /// A staff user.
    StaffId;
    /// A person's binding to a channel account.
    BindingId;
}

/// An API client (a channel): `mc_` and 20 hex digits, shown to the client once at registration.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct ClientId(String);

impl ClientId {
    /// A new random client id.
    pub fn generate() -> Self {
        Self(format!("mc_{}", &Uuid::new_v4().simple().to_string()[..20]))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
