//! Our own person number (人员编号).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A person number: `4101` followed by 12 digits drawn from a sequence. It is ours, stable,
/// and never derived from the ID number, so it can be shown and logged freely.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct PersonNo(String);

impl PersonNo {
    /// Builds the number for a sequence value.
    pub fn from_sequence(value: i64) -> Self {
        Self(format!("4101{value:012}"))
    }

    /// Parses a person number from a path or body; `None` when it cannot be one of ours.
    pub fn parse(raw: &str) -> Option<Self> {
        let ok = raw.len() == 16 && raw.starts_with("4101") && raw.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| Self(raw.to_owned()))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
