//! The one place that decides how money and rates travel (`Decimal`, never `f64`).
//!
//! JSON: numbers, read and written through serde_json's `arbitrary_precision`, so `729248.16`
//! never passes through a float; a quoted number is accepted on read. CSV: plain strings parsed
//! with [`parse`].

use rust_decimal::Decimal;
use serde::{Deserializer, Serializer};

/// Serializes a decimal as a JSON number with its exact digits.
pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    rust_decimal::serde::arbitrary_precision::serialize(value, s)
}

/// Deserializes a JSON number (or a quoted number) into a decimal, without a float round trip.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    rust_decimal::serde::arbitrary_precision::deserialize(d)
}

/// The same for `Option<Decimal>`, with `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    /// Serializes `Some` as a JSON number, `None` as null.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision_option::serialize(value, s)
    }

    /// Deserializes an optional JSON number (or quoted number); null is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        rust_decimal::serde::arbitrary_precision_option::deserialize(d)
    }
}

/// Why a CSV cell is not an amount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a number")]
pub struct AmountError {
    /// The input as given.
    pub input: String,
}

/// Parses a plain decimal as written in CSV (`1000.50`, `-12`, `.5`); no exponent, no grouping.
pub fn parse(input: &str) -> Result<Decimal, AmountError> {
    let ok = !input.is_empty()
        && input
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')));
    if !ok {
        return Err(AmountError {
            input: input.to_owned(),
        });
    }
    input.parse::<Decimal>().map_err(|_| AmountError {
        input: input.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct T {
        #[serde(with = "super")]
        v: Decimal,
        #[serde(
            with = "super::option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        o: Option<Decimal>,
    }

    #[test]
    fn json_numbers_keep_their_digits() {
        let text = r#"{"v":729248.160,"o":0.1}"#;
        let t: T = serde_json::from_str(text).unwrap();
        assert_eq!(t.v.to_string(), "729248.160");
        assert_eq!(serde_json::to_string(&t).unwrap(), text);
        let big = r#"{"v":12345678901234567.89}"#;
        let t: T = serde_json::from_str(big).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), big);
        let quoted: T = serde_json::from_str(r#"{"v":"10.50"}"#).unwrap();
        assert_eq!(quoted.v.to_string(), "10.50");
    }

    #[test]
    fn csv_amounts() {
        assert_eq!(parse("1000.50").unwrap().to_string(), "1000.50");
        for bad in ["", "1,000", "1e5", "abc", "1-", "--1", " 1"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
