//! The QR token (`ec_token`) an activated voucher shows: 40 characters, the Zhengzhou region
//! code then 36 upper-case hex digits of randomness. Only its SHA-256 is stored, so the table
//! holds nothing that could be shown at a counter.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Characters in a token.
const LENGTH: usize = 40;

/// A token as generated or as presented by an institution.
#[derive(Clone, PartialEq, Eq)]
pub struct EcToken(String);

impl std::fmt::Debug for EcToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A live token pays; logs get its first characters only.
        write!(f, "EcToken({}…)", self.0.get(..8).unwrap_or_default())
    }
}

impl EcToken {
    /// A fresh random token.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 18];
        rand::rng().fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        Self(format!("4101{hex}"))
    }

    /// A presented token: exactly 40 ASCII letters and digits (case is ignored).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let well_formed = raw.len() == LENGTH && raw.bytes().all(|b| b.is_ascii_alphanumeric());
        well_formed.then(|| Self(raw.to_ascii_uppercase()))
    }

    /// The token, for the person's screen.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the table stores.
    pub fn digest(&self) -> Vec<u8> {
        Sha256::digest(self.0.as_bytes()).to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_forty_characters_and_parse_back() {
        let token = EcToken::generate();
        assert_eq!(token.as_str().len(), 40);
        assert!(token.as_str().starts_with("4101"));
        assert_eq!(EcToken::parse(&token.as_str().to_ascii_lowercase()), Some(token.clone()));
        assert_ne!(EcToken::generate(), token);
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for raw in ["", "4101", &"A".repeat(39), &"A".repeat(41), &format!("{}-", "A".repeat(39)), &"码".repeat(40)] {
            assert_eq!(EcToken::parse(raw), None, "{raw:?}");
        }
    }
}
