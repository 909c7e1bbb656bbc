//! Money: integer fen, written in the API as a decimal string with two places (`"128.50"`).

use std::fmt;
use std::ops::{Add, Sub};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount in fen (分). Never a float. Signed, so ledger entries can debit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, sqlx::Type)]
#[sqlx(transparent)]
pub struct Money(i64);

/// Why a string is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an amount is a decimal number of yuan with at most two decimal places, e.g. \"128.50\"")]
pub struct MoneyError;

/// The largest amount accepted from a client: one hundred million yuan.
const MAX_FEN: i64 = 10_000_000_000;

impl Money {
    /// Zero.
    pub const ZERO: Self = Self(0);

    /// An amount from fen.
    pub const fn from_fen(fen: i64) -> Self {
        Self(fen)
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses `"512"`, `"512.5"`, `"512.00"`, `"-3.20"` or `"+3.20"`.
    pub fn parse(raw: &str) -> Result<Self, MoneyError> {
        let raw = raw.trim();
        let (negative, digits) = match raw.as_bytes().first() {
            Some(b'-') => (true, &raw[1..]),
            Some(b'+') => (false, &raw[1..]),
            _ => (false, raw),
        };
        let (yuan, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let well_formed = !yuan.is_empty()
            && yuan.len() <= 9
            && fraction.len() <= 2
            && (fraction.is_empty() != digits.contains('.'))
            && yuan.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(MoneyError);
        }
        let yuan: i64 = yuan.parse().map_err(|_| MoneyError)?;
        let fen: i64 = format!("{fraction:0<2}").parse().map_err(|_| MoneyError)?;
        let total = yuan * 100 + fen;
        if total > MAX_FEN {
            return Err(MoneyError);
        }
        Ok(Self(if negative { -total } else { total }))
    }

    /// `round(self × basis_points / 10000)`, half away from zero, in integers.
    pub fn share(self, basis_points: i64) -> Self {
        let product = i128::from(self.0) * i128::from(basis_points);
        let rounded = (product.abs() + 5_000) / 10_000 * product.signum();
        Self(rounded as i64)
    }

    /// Whether the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl Add for Money {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self(self.0 + other.0)
    }
}

impl Sub for Money {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        Self(self.0 - other.0)
    }
}

impl std::iter::Sum for Money {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        Self(iter.map(|m| m.0).sum())
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Money::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_fen_and_print_with_two_places() {
        let cases = [("512.00", 51_200), ("512", 51_200), ("0.5", 50), ("-3.20", -320), ("+7.01", 701)];
        for (raw, fen) in cases {
            assert_eq!(Money::parse(raw), Ok(Money::from_fen(fen)), "{raw}");
        }
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(12_850).to_string(), "128.50");
    }

    #[test]
    fn malformed_amounts_are_refused() {
        for raw in ["", ".5", "1.234", "1,00", "abc", "1e3", "12.", "--1", "9999999999.00", "1 000"] {
            assert_eq!(Money::parse(raw), Err(MoneyError), "{raw}");
        }
    }

    #[test]
    fn shares_round_half_away_from_zero() {
        assert_eq!(Money::from_fen(512_345).share(200), Money::from_fen(10_247));
        assert_eq!(Money::from_fen(25).share(2_000), Money::from_fen(5));
        assert_eq!(Money::from_fen(-25).share(2_000), Money::from_fen(-5));
    }
}
