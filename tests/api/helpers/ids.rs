//! Valid ID numbers for tests, unique within a run.

use std::sync::atomic::{AtomicU32, Ordering};

use medcard::domain::check_char;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A valid Zhengzhou (金水区) ID number, different on every call in this process.
pub fn fresh_id_number() -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed) + std::process::id() % 1000 * 7919;
    let year = 1950 + n % 55;
    let day = 1 + (n / 55) % 28;
    let month = 1 + (n / (55 * 28)) % 12;
    let sequence = (n / (55 * 28 * 12)) % 1000;
    id_number("410105", year, month, day, sequence)
}

/// The ID number with these parts and its correct check character.
pub fn id_number(region: &str, year: u32, month: u32, day: u32, sequence: u32) -> String {
    let first17 = format!("{region}{year:04}{month:02}{day:02}{sequence:03}");
    format!("{first17}{}", check_char(&first17))
}

/// The same number with a wrong check character.
pub fn with_wrong_check(valid: &str) -> String {
    let last = valid.chars().last().unwrap();
    let wrong = if last == '0' { '1' } else { '0' };
    format!("{}{wrong}", &valid[..17])
}
