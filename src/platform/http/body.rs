//! The one reader of request bodies and text inputs, used by every extractor: a JSON body is
//! one object without repeated keys, and no text a client sends — in a body, a query, a path
//! or a form — carries control characters (PostgreSQL refuses NUL in text) or runs longer than
//! [`MAX_TEXT_CHARS`]. Fields with a shape have tighter rules of their own.

use std::fmt;

use serde::de::{self, DeserializeOwned, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

use crate::platform::error::Error;

/// The longest text accepted in any one field (free text such as reasons is tighter still).
pub const MAX_TEXT_CHARS: usize = 2000;

/// Reads a JSON body: `bytes` must be one object (an empty body counts as `{}` only where
/// `empty_is_object`), then `T` is read from it. Returns the object too, for fingerprinting.
pub fn json_object<T: DeserializeOwned>(bytes: &[u8], empty_is_object: bool) -> Result<(Value, T), Error> {
    let value = if bytes.is_empty() && empty_is_object {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice::<Strict>(bytes)
            .map_err(|e| Error::Malformed { code: "request.malformed_json", detail: e.to_string() })?
            .0
    };
    if !value.is_object() {
        return Err(invalid_body("the body is one JSON object"));
    }
    check_json_text(&value, "")?;
    let body = serde_json::from_value(value.clone()).map_err(|e| invalid_body(e.to_string()))?;
    Ok((value, body))
}

/// Refuses control characters and overlong text in `(name, value)` pairs (query, form).
pub fn check_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), Error> {
    pairs.into_iter().try_for_each(|(name, value)| check_text(name, name).and_then(|()| check_text(name, value)))
}

/// Refuses a text with a control character (tab and line breaks aside) or over the length cap,
/// naming `field`.
pub fn check_text(field: &str, text: &str) -> Result<(), Error> {
    if text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err(Error::invalid_field(
            "request.control_character",
            field,
            "text may not contain control characters",
        ));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(Error::invalid_field(
            "request.text_too_long",
            field,
            format!("text is at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Walks every key and string of a JSON value, naming fields as `a.b[2].c`.
fn check_json_text(value: &Value, path: &str) -> Result<(), Error> {
    match value {
        Value::String(text) => check_text(path, text),
        Value::Array(items) => {
            items.iter().enumerate().try_for_each(|(i, item)| check_json_text(item, &format!("{path}[{i}]")))
        }
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            check_text(&field, key).and_then(|()| check_json_text(item, &field))
        }),
        _ => Ok(()),
    }
}

fn invalid_body(detail: impl ToString) -> Error {
    Error::Invalid { code: "request.invalid_body", detail: detail.to_string(), params: Default::default() }
}

/// A JSON value read with repeated object keys refused (serde_json keeps the last).
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                return Err(de::Error::custom(format!("the key `{key}` appears twice")));
            }
            let Strict(item) = access.next_value()?;
            map.insert(key, item);
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[allow(dead_code)]
        name: String,
    }

    #[test]
    fn bad_bodies_are_refused_with_their_reason() {
        let cases: &[(&str, &str)] = &[
            ("[]", "request.invalid_body"),
            ("\"text\"", "request.invalid_body"),
            (r#"{"name":"a","name":"b"}"#, "request.malformed_json"),
            (r#"{"name":"a\u0000b"}"#, "request.control_character"),
            (r#"{"name":"a","extra":1}"#, "request.invalid_body"),
            ("{", "request.malformed_json"),
            ("", "request.malformed_json"),
        ];
        for (raw, code) in cases {
            let err = json_object::<Body>(raw.as_bytes(), false).unwrap_err();
            assert_eq!(err.code(), *code, "{raw}");
        }
    }

    #[test]
    fn nested_control_characters_name_their_field() {
        let err = check_json_text(&serde_json::json!({ "agent": { "names": ["ok", "b\u{7}"] } }), "").unwrap_err();
        assert!(format!("{err:?}").contains("agent.names[1]"), "{err:?}");
    }

    #[test]
    fn line_breaks_and_long_but_allowed_text_pass() {
        assert!(check_text("reason", "第一行\n第二行\t").is_ok());
        assert!(check_text("reason", &"字".repeat(MAX_TEXT_CHARS)).is_ok());
        assert_eq!(check_text("reason", &"字".repeat(MAX_TEXT_CHARS + 1)).unwrap_err().code(), "request.text_too_long");
    }
}
