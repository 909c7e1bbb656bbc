//! Mainland mobile phone numbers.

use std::fmt;

/// Why a string is not a mobile phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a mobile phone number has 11 digits and starts with 13–19")]
pub struct PhoneError;

/// An 11-digit mainland mobile number (`1[3-9]` followed by 9 digits); `+86` is accepted and dropped.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Parses a mobile number, tolerating a `+86`/`86` prefix and spaces or dashes.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let digits: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(&digits);
        let b = digits.as_bytes();
        let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
        if ok { Ok(Self(digits.to_owned())) } else { Err(PhoneError) }
    }

    /// The full number, for storage and PII-permitted readers.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Masks a stored phone as `138****5678`.
pub fn mask_phone(full: &str) -> String {
    if full.len() != 11 {
        return "*".repeat(full.len());
    }
    format!("{}****{}", &full[..3], &full[7..])
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&mask_phone(&self.0)).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_parse_with_or_without_country_code() {
        for good in ["13812345678", "+86 138-1234-5678", "8619912345678"] {
            assert!(Phone::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "1381234567", "12812345678", "23812345678", "1381234567x", "+1 13812345678"] {
            assert_eq!(Phone::parse(bad), Err(PhoneError), "{bad}");
        }
        assert_eq!(mask_phone("13812345678"), "138****5678");
    }
}
