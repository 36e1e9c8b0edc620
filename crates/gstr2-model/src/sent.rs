//! Readers for values GSTN writes in more than one form, and what its files hold besides the
//! model's types: empty codes, numbers as JSON maps (serde_json's `arbitrary_precision`).

use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};

/// The key serde_json's `arbitrary_precision` gives a number it hands over as a one-entry map
/// (to `deserialize_any`), with the number's text as the value.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// An optional code of a list that keeps every code (`#[serde(default, deserialize_with = …)]`):
/// null and `""` are `None`, anything else is the list's reading of it.
pub(crate) fn option_code<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr<Err = Infallible>,
{
    struct Code<T>(PhantomData<T>);

    impl<'de, T: FromStr<Err = Infallible>> Visitor<'de> for Code<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a code or null")
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
            Ok(None)
        }

        fn visit_some<S: Deserializer<'de>>(self, d: S) -> Result<Option<T>, S::Error> {
            d.deserialize_str(self)
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Option<T>, E> {
            if v.is_empty() {
                return Ok(None);
            }
            match v.parse() {
                Ok(code) => Ok(Some(code)),
                Err(never) => match never {},
            }
        }
    }

    d.deserialize_option(Code(PhantomData))
}

/// A JSON value whose kind decides what it is: a number (also a quoted one), an object, or
/// something else, read without buffering.
pub(crate) enum Probed<O> {
    /// A number, or a string holding one.
    Amount(Decimal),
    /// Text that is not a number.
    Text(String),
    /// An object, read by the caller's reader.
    Object(O),
    /// Null, a boolean or an array: skipped.
    Skipped,
}

/// Reads an object's entries after its first key has been read.
pub(crate) trait ObjectReader<'de>: Sized {
    /// What the object reads into.
    type Value;
    /// Reads the rest of the object whose first key is `first` (`None` for `{}`).
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        map: A,
    ) -> Result<Self::Value, A::Error>;
}

/// Reads any JSON value as a [`Probed`], objects with `reader`.
pub(crate) fn probe<'de, D, R>(d: D, reader: R) -> Result<Probed<R::Value>, D::Error>
where
    D: Deserializer<'de>,
    R: ObjectReader<'de>,
{
    d.deserialize_any(ProbeVisitor(reader))
}

struct ProbeVisitor<R>(R);

fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .ok()
}

impl<'de, R: ObjectReader<'de>> Visitor<'de> for ProbeVisitor<R> {
    type Value = Probed<R::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, a string or an object")
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Probed::Skipped)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Probed::Skipped)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Probed::Skipped)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Probed::Amount(Decimal::from(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Probed::Amount(Decimal::from(v)))
    }

    /// Only without `arbitrary_precision`, which this workspace always has on.
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Decimal::try_from(v)
            .map(Probed::Amount)
            .map_err(|_| E::custom(format_args!("{v} is not an amount")))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(match parse_decimal(v) {
            Some(amount) => Probed::Amount(amount),
            None => Probed::Text(v.to_owned()),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Probed::Skipped)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let first = map.next_key::<String>()?;
        if first.as_deref() == Some(NUMBER_TOKEN) {
            let text: String = map.next_value()?;
            return parse_decimal(&text)
                .map(Probed::Amount)
                .ok_or_else(|| serde::de::Error::custom(format_args!("{text} is not an amount")));
        }
        self.0.read(first, map).map(Probed::Object)
    }
}

/// An optional value parsed from a string (`#[serde(default, deserialize_with = …)]`), such as
/// a place of supply or a period: null and `""` are `None`.
pub(crate) fn option_parsed<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    let text: Option<std::borrow::Cow<'de, str>> = serde::Deserialize::deserialize(d)?;
    match text.as_deref() {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(serde::de::Error::custom),
    }
}
