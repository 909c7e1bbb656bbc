//! The card number (社会保障卡号).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A card number: one capital letter and eight digits (e.g. `A58570797`).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct CardNo(String);

/// Multiplier that scatters sequence values over the eight digits; odd and not a multiple of 5,
/// so it is a bijection modulo 10^8 and numbers stay unique.
const SCATTER: u64 = 48_271;
const BLOCK: u64 = 100_000_000;

impl CardNo {
    /// Parses a card number (upper-casing the letter).
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim().to_ascii_uppercase();
        let b = raw.as_bytes();
        let ok = b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit);
        ok.then_some(Self(raw))
    }

    /// The number for a value of `card_no_seq`: the letter counts blocks of 10^8, the digits are
    /// the value's position in its block, scattered.
    pub fn from_sequence(value: i64) -> Self {
        let value = value.unsigned_abs();
        let letter = char::from(b'A' + (value / BLOCK % 26) as u8);
        let digits = (value % BLOCK) * SCATTER % BLOCK;
        Self(format!("{letter}{digits:08}"))
    }

    /// The number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CardNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CardNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_give_distinct_well_formed_card_numbers() {
        let numbers: std::collections::HashSet<String> =
            (1..2000).map(|v| CardNo::from_sequence(v).as_str().to_owned()).collect();
        assert_eq!(numbers.len(), 1999);
        assert!(numbers.iter().all(|n| CardNo::parse(n).is_some()));
        assert_eq!(CardNo::from_sequence(100_000_000).as_str(), "B00000000");
    }
}
