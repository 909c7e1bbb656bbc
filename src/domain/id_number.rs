//! The 18-character citizen ID number (公民身份号码, GB 11643-1999).

use std::fmt;

use chrono::NaiveDate;

use super::Gender;

/// Province-level codes of GB/T 2260 (the first two digits of every ID number).
const PROVINCE_CODES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// ISO 7064 MOD 11-2 weights for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each remainder of the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Why a string is not a valid ID number; each reason has a stable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("an ID number has 18 characters: 17 digits and a digit or X")]
    Format,
    #[error("the first six digits are not a known region code")]
    UnknownRegion,
    #[error("the birth date in the ID number is not a real date")]
    ImpossibleBirthDate,
    #[error("the birth date in the ID number lies in the future")]
    FutureBirthDate,
    #[error("the check digit does not match (ISO 7064 MOD 11-2)")]
    CheckDigit,
}

impl IdNumberError {
    /// Stable machine-readable code for problem responses.
    pub fn code(self) -> &'static str {
        match self {
            Self::Format => "id_number.format",
            Self::UnknownRegion => "id_number.unknown_region",
            Self::ImpossibleBirthDate => "id_number.impossible_birth_date",
            Self::FutureBirthDate => "id_number.future_birth_date",
            Self::CheckDigit => "id_number.check_digit",
        }
    }
}

/// A citizen ID number that passed every GB 11643 rule. Lower-case `x` is normalised to `X`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses and fully checks an ID number; `today` bounds the birth date.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let normalised = raw.trim().to_ascii_uppercase();
        let bytes = normalised.as_bytes();
        let well_formed = bytes.len() == 18
            && bytes[..17].iter().all(u8::is_ascii_digit)
            && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
        if !well_formed {
            return Err(IdNumberError::Format);
        }
        check_region(&normalised[..6])?;
        let birth = birth_date_of(&normalised).ok_or(IdNumberError::ImpossibleBirthDate)?;
        if birth > today {
            return Err(IdNumberError::FutureBirthDate);
        }
        if check_char(&normalised[..17]) != char::from(bytes[17]) {
            return Err(IdNumberError::CheckDigit);
        }
        Ok(Self(normalised))
    }

    /// The full number; only for storage and for readers holding the PII permission.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        birth_date_of(&self.0).expect("checked at parse time")
    }

    /// Gender from the parity of the sequence digit (17th): odd is male.
    pub fn gender(&self) -> Gender {
        let digit = self.0.as_bytes()[16] - b'0';
        if digit % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// The display form: region kept, the rest but the last four characters hidden.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

/// Masks a stored ID number as `410102********1234`.
pub fn mask_id_number(full: &str) -> String {
    if full.len() != 18 {
        return "*".repeat(full.len());
    }
    format!("{}********{}", &full[..6], &full[14..])
}

/// Computes the MOD 11-2 check character of the first 17 digits.
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn check_region(region: &str) -> Result<(), IdNumberError> {
    let province: u8 = region[..2].parse().map_err(|_| IdNumberError::Format)?;
    let prefecture = &region[2..4];
    if !PROVINCE_CODES.contains(&province) || (province < 71 && prefecture == "00") {
        return Err(IdNumberError::UnknownRegion);
    }
    Ok(())
}

fn birth_date_of(number: &str) -> Option<NaiveDate> {
    let year: i32 = number[6..10].parse().ok()?;
    let month: u32 = number[10..12].parse().ok()?;
    let day: u32 = number[12..14].parse().ok()?;
    if year < 1900 {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    #[test]
    fn a_known_good_number_parses_and_yields_birth_date_and_gender() {
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn debug_never_shows_the_full_number() {
        let id = IdNumber::parse("11010519491231002X", today()).unwrap();
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
