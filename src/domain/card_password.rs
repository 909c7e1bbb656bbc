//! The card's financial password: six digits, and not one a stranger could guess from the card
//! holder's documents.

use chrono::NaiveDate;
use secrecy::{ExposeSecret, SecretString};

/// Why a password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardPasswordError {
    #[error("a card password has exactly six digits")]
    Format,
    #[error("a card password may not be one digit repeated")]
    Repeated,
    #[error("a card password may not be an ascending or descending run")]
    Sequence,
    #[error("a card password may not be the holder's birth date")]
    BirthDate,
    #[error("a card password may not be the last six characters of the ID number")]
    IdNumberTail,
}

impl CardPasswordError {
    /// Stable machine-readable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "card_password.format",
            Self::Repeated => "card_password.repeated_digit",
            Self::Sequence => "card_password.sequence",
            Self::BirthDate => "card_password.birth_date",
            Self::IdNumberTail => "card_password.id_number_tail",
        }
    }
}

/// A new card password that passed every strength rule for its holder.
#[derive(Debug, Clone)]
pub struct CardPassword(SecretString);

impl CardPassword {
    /// Checks a new password against the holder's ID number and birth date.
    pub fn parse_new(raw: &SecretString, id_number: &str, birth_date: NaiveDate) -> Result<Self, CardPasswordError> {
        let pin = raw.expose_secret();
        let digits = pin.as_bytes();
        if digits.len() != 6 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(CardPasswordError::Format);
        }
        if digits.iter().all(|d| *d == digits[0]) {
            return Err(CardPasswordError::Repeated);
        }
        let steps: Vec<i16> = digits.windows(2).map(|w| i16::from(w[1]) - i16::from(w[0])).collect();
        if steps.iter().all(|s| *s == 1) || steps.iter().all(|s| *s == -1) {
            return Err(CardPasswordError::Sequence);
        }
        if birth_date_forms(birth_date).iter().any(|form| form == pin) {
            return Err(CardPasswordError::BirthDate);
        }
        if id_number.len() >= 6 && &id_number[id_number.len() - 6..] == pin {
            return Err(CardPasswordError::IdNumberTail);
        }
        Ok(Self(raw.clone()))
    }

    /// The password, for hashing.
    pub fn secret(&self) -> SecretString {
        self.0.clone()
    }
}

/// The six-digit ways people write a birth date: YYMMDD, MMDDYY, DDMMYY.
fn birth_date_forms(date: NaiveDate) -> [String; 3] {
    [date.format("%y%m%d").to_string(), date.format("%m%d%y").to_string(), date.format("%d%m%y").to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pin: &str) -> Result<(), CardPasswordError> {
        let birth = NaiveDate::from_ymd_opt(1985, 3, 9).unwrap();
        CardPassword::parse_new(&SecretString::from(pin), "410105198503091234", birth).map(|_| ())
    }

    #[test]
    fn weak_passwords_are_refused_each_for_its_reason() {
        let cases = [
            ("12345", CardPasswordError::Format),
            ("12345a", CardPasswordError::Format),
            ("1234567", CardPasswordError::Format),
            ("000000", CardPasswordError::Repeated),
            ("777777", CardPasswordError::Repeated),
            ("123456", CardPasswordError::Sequence),
            ("345678", CardPasswordError::Sequence),
            ("987654", CardPasswordError::Sequence),
            ("850309", CardPasswordError::BirthDate),
            ("030985", CardPasswordError::BirthDate),
            ("090385", CardPasswordError::BirthDate),
            ("091234", CardPasswordError::IdNumberTail),
        ];
        for (pin, expected) in cases {
            assert_eq!(check(pin), Err(expected), "{pin}");
        }
        assert_eq!(check("583920"), Ok(()));
    }
}
