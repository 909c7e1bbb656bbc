//! Property tests of the ID-number parser.

use chrono::NaiveDate;
use medcard::domain::{Gender, IdNumber, IdNumberError, check_char};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn region() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["410102", "410105", "410185", "110105", "310115", "440305", "650102"])
}

fn birth_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..45_000)
        .prop_map(|days| NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days))
        .prop_filter("not in the future", |d| *d <= today())
}

fn valid_first17() -> impl Strategy<Value = (String, NaiveDate, u32)> {
    (region(), birth_date(), 0u32..1000).prop_map(|(r, d, seq)| (format!("{r}{}{seq:03}", d.format("%Y%m%d")), d, seq))
}

proptest! {
    #[test]
    fn every_number_with_its_check_character_parses_with_its_birth_date_and_gender((first17, date, seq) in valid_first17()) {
        let number = format!("{first17}{}", check_char(&first17));
        let id = IdNumber::parse(&number, today()).unwrap();
        prop_assert_eq!(id.birth_date(), date);
        prop_assert_eq!(id.gender(), if seq % 2 == 1 { Gender::Male } else { Gender::Female });
        prop_assert_eq!(id.masked().len(), 18);
        prop_assert!(id.masked().contains("********"));
    }

    #[test]
    fn every_other_check_character_is_refused((first17, _, _) in valid_first17(), wrong in prop::sample::select(vec!['0','1','2','3','4','5','6','7','8','9','X'])) {
        prop_assume!(wrong != check_char(&first17));
        let number = format!("{first17}{wrong}");
        prop_assert_eq!(IdNumber::parse(&number, today()), Err(IdNumberError::CheckDigit));
    }

    #[test]
    fn changing_any_one_digit_of_a_valid_number_never_yields_a_valid_number((first17, _, _) in valid_first17(), position in 0usize..17, delta in 1u8..10) {
        let mut bytes = first17.clone().into_bytes();
        bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
        let altered = String::from_utf8(bytes).unwrap();
        let number = format!("{altered}{}", check_char(&first17));
        prop_assert!(IdNumber::parse(&number, today()).is_err());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,30}") {
        let _ = IdNumber::parse(&text, today());
    }
}
