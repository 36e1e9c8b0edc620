//! Text fields that GSTN writes in more than one form.
//!
//! A bill of entry number (`benum`) is a JSON number in GSTR2A answers and a string in GSTR-2B
//! ones; [`number_or_string`] reads either into the same `String`, a number with its digits
//! exactly as written (serde_json's `arbitrary_precision` hands them over as text).

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};

/// Reads a JSON string, or a JSON number as the text of its digits
/// (`#[serde(deserialize_with = "crate::text::number_or_string")]`).
pub(crate) fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(NumberOrString)
}

/// The same for an optional field (`#[serde(default, deserialize_with = …)]`); null is `None`.
pub(crate) fn option_number_or_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    d.deserialize_any(Optional)
}

struct NumberOrString;

impl<'de> Visitor<'de> for NumberOrString {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    /// serde_json's `arbitrary_precision` hands a number over as a one-entry map whose value is
    /// the number's text.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        let text = match map.next_key::<String>()? {
            Some(_) => map.next_value::<String>()?,
            None => return Err(serde::de::Error::invalid_length(0, &self)),
        };
        if map.next_key::<serde::de::IgnoredAny>()?.is_some() {
            return Err(serde::de::Error::custom("expected a string or a number"));
        }
        Ok(text)
    }
}

struct Optional;

impl<'de> Visitor<'de> for Optional {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or null")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Option<String>, E> {
        Ok(None)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<String>, E> {
        NumberOrString.visit_str(v).map(Some)
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Option<String>, E> {
        Ok(Some(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Option<String>, E> {
        NumberOrString.visit_u64(v).map(Some)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Option<String>, E> {
        NumberOrString.visit_i64(v).map(Some)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<String>, A::Error> {
        NumberOrString.visit_map(map).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct T {
        #[serde(deserialize_with = "super::number_or_string")]
        n: String,
        #[serde(default, deserialize_with = "super::option_number_or_string")]
        o: Option<String>,
    }

    #[test]
    fn numbers_and_strings_read_alike() -> Result<(), String> {
        let read = |text: &str| serde_json::from_str::<T>(text).map_err(|e| e.to_string());
        assert_eq!(read(r#"{"n":2566282}"#)?.n, "2566282");
        assert_eq!(read(r#"{"n":"2566282"}"#)?.n, "2566282");
        assert_eq!(read(r#"{"n":"BE/7"}"#)?.n, "BE/7");
        assert_eq!(
            read(r#"{"n":12345678901234567890123}"#)?.n,
            "12345678901234567890123"
        );
        assert_eq!(read(r#"{"n":1,"o":7}"#)?.o.as_deref(), Some("7"));
        assert_eq!(read(r#"{"n":1,"o":null}"#)?.o, None);
        assert_eq!(read(r#"{"n":1}"#)?.o, None);
        assert!(read(r#"{"n":true}"#).is_err());
        assert!(read(r#"{"n":{"a":"1","b":"2"}}"#).is_err());
        Ok(())
    }
}
