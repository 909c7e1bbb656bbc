//! Unified social credit codes of employers (统一社会信用代码, GB 32100-2015).

/// The 31 characters a credit code may use, in value order.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Why a string is not a credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("a credit code has 18 characters from 0-9 and A-Y without I, O, S, V, Z")]
    Format,
    #[error("the credit code's check character does not match (GB 32100)")]
    CheckCharacter,
}

impl CreditCodeError {
    /// Stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "credit_code.format",
            Self::CheckCharacter => "credit_code.check_character",
        }
    }
}

/// An employer's 18-character unified social credit code with a valid check character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses and checks a credit code (upper-cased first).
    pub fn parse(raw: &str) -> Result<Self, CreditCodeError> {
        let code = raw.trim().to_ascii_uppercase();
        let values: Option<Vec<u32>> = code.bytes().map(value_of).collect();
        let values = values.filter(|v| v.len() == 18).ok_or(CreditCodeError::Format)?;
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let expected = (31 - sum % 31) % 31;
        if values[17] != expected {
            return Err(CreditCodeError::CheckCharacter);
        }
        Ok(Self(code))
    }

    /// The code as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn value_of(b: u8) -> Option<u32> {
    CHARSET.iter().position(|c| *c == b).map(|p| p as u32)
}

/// Completes 17 characters with their check character (for demo data and tests).
pub fn with_check_character(first17: &str) -> Option<String> {
    let values: Option<Vec<u32>> = first17.bytes().map(value_of).collect();
    let values = values.filter(|v| v.len() == 17)?;
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let check = CHARSET[((31 - sum % 31) % 31) as usize] as char;
    Some(format!("{first17}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_code_checks_and_a_changed_one_does_not() {
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert_eq!(CreditCode::parse("91350100M000100Y44"), Err(CreditCodeError::CheckCharacter));
        assert_eq!(CreditCode::parse("91350100M000100Y4"), Err(CreditCodeError::Format));
        assert_eq!(CreditCode::parse("91350100I000100Y43"), Err(CreditCodeError::Format));
    }
}
