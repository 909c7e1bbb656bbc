//! A bank branch code, as a bank names the branch where a card was activated.

use serde::{Deserialize, Serialize};

/// 1 to 20 letters, digits or `-` (e.g. `4101-0032`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct BranchCode(String);

impl BranchCode {
    /// Parses a branch code (surrounding spaces ignored).
    pub fn parse(raw: &str) -> Option<Self> {
        let code = raw.trim();
        let ok = (1..=20).contains(&code.len()) && code.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-');
        ok.then(|| Self(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::BranchCode;

    #[test]
    fn branch_codes_have_a_shape() {
        assert_eq!(BranchCode::parse(" 4101-0032 ").unwrap().as_str(), "4101-0032");
        for bad in ["", "4101 0032", "分行", &"4".repeat(21), "a\u{0}b"] {
            assert!(BranchCode::parse(bad).is_none(), "{bad:?}");
        }
    }
}
