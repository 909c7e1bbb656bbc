//! What a code is for, the code as presented, and how a code is made and hashed.

use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::platform::error::{Error, Result};

/// What a code may be used for; a code of one purpose never passes for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmsPurpose {
    /// Binding a channel account (e.g. a WeChat openid) to the person.
    Binding,
    /// Opening a person session by SMS.
    Login,
    /// Confirming a new phone number (sent to the new phone).
    PhoneChange,
    /// Opening a session to set a forgotten account password.
    PasswordReset,
}

impl SmsPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Binding => "binding",
            Self::Login => "login",
            Self::PhoneChange => "phone_change",
            Self::PasswordReset => "password_reset",
        }
    }

    /// What the message says the code is for.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Binding => "绑定医保账户",
            Self::Login => "登录",
            Self::PhoneChange => "更换手机号",
            Self::PasswordReset => "重置密码",
        }
    }
}

/// A code as a person typed it: exactly six ASCII digits.
#[derive(Clone, PartialEq, Eq)]
pub struct PresentedCode(String);

impl PresentedCode {
    /// Parses the `sms_code` field.
    pub fn parse(raw: &str) -> Result<Self> {
        let raw = raw.trim();
        if raw.len() == 6 && raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(Error::invalid_field("sms.code_format", "sms_code", "an SMS code is six digits"))
        }
    }

    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for PresentedCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PresentedCode(<redacted>)")
    }
}

/// A fresh six-digit code, uniformly random.
pub(super) fn generate() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// A fresh salt for one code's hash.
pub(super) fn salt() -> [u8; 16] {
    rand::rng().random()
}

/// SHA-256 of salt and code: a stolen table does not hand out live codes by lookup.
pub(super) fn hash(salt: &[u8], code: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(code.as_bytes());
    hasher.finalize().to_vec()
}

/// Compares two digests without stopping at the first differing byte.
pub(super) fn same_digest(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_presented_code_is_exactly_six_digits() {
        for good in ["000000", "123456", " 987654 "] {
            assert!(PresentedCode::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "12 456"] {
            assert!(PresentedCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn generated_codes_are_six_digits_and_hashes_depend_on_the_salt() {
        for _ in 0..100 {
            let code = generate();
            assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
        let (a, b) = (salt(), salt());
        assert_ne!(hash(&a, "123456"), hash(&b, "123456"));
        assert!(same_digest(&hash(&a, "123456"), &hash(&a, "123456")));
        assert!(!same_digest(&hash(&a, "123456"), &hash(&a, "123457")));
    }
}
