//! Who the seeded persons are: ID numbers, names, phones, addresses and employers. Every ID
//! number is valid (Zhengzhou county code, real birth date, check digit) and unique: the person's
//! index goes through a bijection onto (county, birth date, sequence), with sequence numbers
//! from 500 up so that no seeded person takes the README's own persons' numbers (which use lower
//! sequences), and phones avoid the 13x prefixes the README uses.

use chrono::{Days, NaiveDate};

use super::catalogue;
use super::rng::Rng;
use crate::domain::{Gender, check_char, with_check_character};

/// The birth dates ID numbers are drawn from.
const FIRST_BIRTH: NaiveDate = NaiveDate::from_ymd_opt(1940, 1, 1).expect("a valid date");
const BIRTH_DAYS: u64 = 31_411; // 1940-01-01 ..= 2025-12-31
/// Sequence numbers 500..=999: 250 odd (male) and 250 even (female) per county and day.
const SEQUENCES: u64 = 500;
/// The permutation's domain: the smallest power of two above the number of triples.
const DOMAIN_BITS: u32 = 28;

/// The ID number, birth date and gender of the `index`th person of the data set `seed`.
pub(crate) fn id_number(seed: u64, index: u64) -> (String, NaiveDate, Gender) {
    let counties = catalogue::REGION_WEIGHTS.len() as u64;
    let triples = counties * BIRTH_DAYS * SEQUENCES;
    let k = permute(seed, index % triples, triples);
    let county = catalogue::REGION_WEIGHTS[(k % counties) as usize].0;
    let day = k / counties % BIRTH_DAYS;
    let sequence = 500 + k / counties / BIRTH_DAYS;
    let birth = FIRST_BIRTH.checked_add_days(Days::new(day)).unwrap_or(FIRST_BIRTH);
    let first17 = format!("{county}{}{sequence:03}", birth.format("%Y%m%d"));
    let gender = if sequence % 2 == 1 { Gender::Male } else { Gender::Female };
    (format!("{first17}{}", check_char(&first17)), birth, gender)
}

/// A pseudo-random permutation of `0..n` (n ≤ 2^28): a four-round Feistel network over 28
/// bits, walked again while it lands outside `0..n`. Neighbouring indices get unrelated values,
/// so neighbouring persons are not born a fixed number of days apart.
fn permute(seed: u64, index: u64, n: u64) -> u64 {
    let half = DOMAIN_BITS / 2;
    let mask = (1u64 << half) - 1;
    let mut x = index;
    loop {
        let (mut left, mut right) = (x >> half, x & mask);
        for round in 0..4u64 {
            let f = super::rng::mix(seed ^ (round << 40) ^ right) & mask;
            (left, right) = (right, left ^ f);
        }
        x = (left << half) | right;
        if x < n {
            return x;
        }
    }
}

/// A Chinese name: a weighted surname and one or two given characters fitting the gender.
pub(crate) fn name(rng: &mut Rng, gender: Gender) -> String {
    let surname = catalogue::weighted(&catalogue::SURNAMES, rng.next());
    let gendered: &[&str] = if gender == Gender::Male { &catalogue::GIVEN_MALE } else { &catalogue::GIVEN_FEMALE };
    let first = if rng.chance(250) { rng.pick(&catalogue::GIVEN_NEUTRAL) } else { rng.pick(gendered) };
    if rng.chance(300) { format!("{surname}{first}") } else { format!("{surname}{first}{}", rng.pick(gendered)) }
}

/// A mobile number, unique per index: a prefix and eight scattered digits.
pub(crate) fn phone(seed: u64, index: u64) -> String {
    let prefixes = catalogue::MOBILE_PREFIXES.len() as u64;
    // A shift per prefix keeps the numbers within one prefix distinct and unlike each other's.
    let shift = super::rng::mix(seed ^ (0xA5A5_0000 + index % prefixes)) % 100_000_000;
    let subscriber = ((index / prefixes).wrapping_mul(48_271) + shift) % 100_000_000;
    catalogue::mobile(index + seed, subscriber)
}

/// The insured region (where the person is insured, not where they were born) and an address in it.
pub(crate) fn residence(rng: &mut Rng) -> (&'static str, String) {
    let region = *catalogue::weighted(&catalogue::REGION_WEIGHTS, rng.next());
    let streets = catalogue::STREETS.iter().filter(|(r, _)| *r == region).count().max(1) as u64;
    let address = catalogue::address(region, rng.below(streets), rng.between(1, 399) as u64, rng.between(1, 24) as u64);
    (region, address)
}

/// An employer: its name and unified social credit code.
#[derive(Debug, Clone)]
pub(crate) struct Employer {
    pub name: String,
    pub credit_code: String,
}

/// The `k`th employer of the data set: a name from the catalogue's stems and kinds, and a
/// credit code (登记管理部门 9, 企业 1, a Zhengzhou county, an organisation code with its own
/// check character, then the GB 32100 check character).
pub(crate) fn employer(seed: u64, k: u64) -> Employer {
    let stems = catalogue::EMPLOYER_STEMS.len() as u64;
    let kinds = catalogue::EMPLOYER_KINDS.len() as u64;
    let name = catalogue::employer_name(k % stems, k / stems % kinds, k / (stems * kinds) % 2 == 1);
    let county = catalogue::REGION_WEIGHTS[(k % catalogue::REGION_WEIGHTS.len() as u64) as usize].0;
    let organisation = (k.wrapping_mul(7_919).wrapping_add(seed) % 90_000_000) + 10_000_000;
    let first17 = format!("91{county}{organisation:08}{}", organisation_check(organisation));
    let credit_code = with_check_character(&first17).unwrap_or_else(|| format!("{first17}0"));
    Employer { name, credit_code }
}

/// How many employers a data set of `persons` has: about one per fifty employees' worth of
/// persons, within what the catalogue can name uniquely.
pub(crate) fn employer_count(persons: u64) -> u64 {
    let nameable = (catalogue::EMPLOYER_STEMS.len() * catalogue::EMPLOYER_KINDS.len() * 2) as u64;
    (persons / 50).clamp(20, nameable)
}

/// The check character of an eight-digit organisation code (GB 11714).
fn organisation_check(code: u64) -> char {
    const WEIGHTS: [u64; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let digits = format!("{code:08}");
    let sum: u64 = digits.bytes().zip(WEIGHTS).map(|(b, w)| u64::from(b - b'0') * w).sum();
    match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from(b'0' + n as u8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{CreditCode, IdNumber, Phone};
    use std::collections::HashSet;

    #[test]
    fn seeded_id_numbers_are_valid_unique_and_above_the_readme_sequences() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let mut seen = HashSet::new();
        for index in 0..20_000 {
            let (number, birth, gender) = id_number(42, index);
            let parsed = IdNumber::parse(&number, today).expect("valid");
            assert_eq!((parsed.birth_date(), parsed.gender()), (birth, gender));
            assert!(number[14..17].parse::<u32>().unwrap() >= 500);
            assert!(seen.insert(number));
        }
    }

    #[test]
    fn phones_parse_avoid_13x_and_do_not_repeat() {
        let phones: HashSet<String> = (0..20_000).map(|i| phone(42, i)).collect();
        assert_eq!(phones.len(), 20_000);
        assert!(phones.iter().all(|p| Phone::parse(p).is_ok() && !p.starts_with("13")));
    }

    #[test]
    fn employers_have_valid_credit_codes() {
        for k in 0..500 {
            let e = employer(42, k);
            assert!(CreditCode::parse(&e.credit_code).is_ok(), "{}", e.credit_code);
        }
        // 1·3 + 2·7 + 3·9 + 4·10 + 5·5 + 6·8 + 7·4 + 8·2 = 201; 11 − 201 mod 11 = 8.
        assert_eq!(organisation_check(12_345_678), '8');
    }
}
