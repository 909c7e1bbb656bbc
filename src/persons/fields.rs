//! Parsing the fields that name a person in a request body, with the problem codes every
//! capability answers for them (422 naming the field).

use chrono::NaiveDate;

use crate::domain::{IdNumber, PersonName, Phone};
use crate::platform::error::{Error, Result};

/// A mobile phone in field `field`.
pub fn parse_phone(raw: &str, field: &str) -> Result<Phone> {
    Phone::parse(raw).map_err(|e| Error::invalid_field("person.phone", field, e))
}

/// An ID number in field `field`, checked against `today` (no birth date in the future).
pub fn parse_id_number(raw: &str, field: &str, today: NaiveDate) -> Result<IdNumber> {
    IdNumber::parse(raw, today).map_err(|e| Error::invalid_field(e.code(), field, e))
}

/// A person's name in field `field`.
pub fn parse_name(raw: &str, field: &str) -> Result<PersonName> {
    PersonName::parse(raw).map_err(|e| Error::invalid_field("person.name", field, e))
}

/// A postal address in field `field`: up to 200 characters; empty clears it.
pub fn parse_address(raw: &str, field: &str) -> Result<String> {
    let trimmed = raw.trim();
    if trimmed.chars().count() > 200 {
        return Err(Error::invalid_field("person.address", field, "an address has at most 200 characters"));
    }
    Ok(trimmed.to_owned())
}
