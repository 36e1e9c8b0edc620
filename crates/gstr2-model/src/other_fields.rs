//! The fields of a record that the model does not know ([`OtherFields`]). GSTN adds fields to
//! what it sends (IMS records have gained `isRemarksBlocked` and `itcRedReqBlocked`); a record
//! keeps them with their JSON text as read, writes them back as read, and its warnings name
//! them, where serde's derive would skip them without a word.
//!
//! The record's derived reading runs as it would ([`read_keeping`]): its map's keys are noted
//! as it reads them (borrowed from the input), and only the values it skips (serde's derive
//! skips the value of a key it does not know with [`IgnoredAny`](serde::de::IgnoredAny)) are
//! read instead as their JSON text, under their key. A record with no such field costs little
//! more to read (about 1 % on a file of IMS invoices); one with some pays for what it keeps.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::payload::OtherSections;

/// The fields of a record that the model does not know, each with its JSON text as read, in
/// key order; written back as read, after the record's own fields.
///
/// Most records have none, and then this is nothing but an empty pointer: the fields are
/// boxed, and only when there are some (an empty box is never made, and one compares equal to
/// none, as the wire has it).
///
/// ```
/// use gstr2_model::ims::ImsRecords;
///
/// let records = ImsRecords::from_json(br#"{"b2b":[{"stin":"33GSPTN4811G1ZC","inum":"S1",
///   "idt":"02-04-2024","val":1180,"isRemarksBlocked":"N"}]}"#)?;
/// let other = &records.b2b[0].other_fields;
/// assert_eq!(other.names().collect::<Vec<_>>(), ["isRemarksBlocked"]);
/// assert_eq!(other.get("isRemarksBlocked"), Some(r#""N""#));
/// let written = gstr2_model::json::to_string(&records.b2b[0])?;
/// assert!(written.ends_with(r#""val":1180,"isRemarksBlocked":"N"}"#), "{written}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct OtherFields(Option<Box<OtherSections>>);

impl OtherFields {
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|fields| fields.is_empty())
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |fields| fields.len())
    }

    /// Their keys, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|fields| fields.names())
    }

    /// The JSON text of one, as read.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.as_ref()?.get(name)
    }

    /// Removes them all, returning their keys.
    pub fn clear(&mut self) -> Vec<String> {
        self.0
            .take()
            .map(|mut fields| fields.clear())
            .unwrap_or_default()
    }

    /// Keeps one as read; the box is made with the first.
    pub(crate) fn insert(&mut self, name: String, raw: Box<RawValue>) {
        self.0.get_or_insert_with(Box::default).insert(name, raw);
    }

    /// The fields, unless there are none.
    fn present(&self) -> Option<&OtherSections> {
        self.0.as_deref().filter(|fields| !fields.is_empty())
    }
}

impl PartialEq for OtherFields {
    fn eq(&self, other: &Self) -> bool {
        self.present() == other.present()
    }
}

impl Eq for OtherFields {}

impl fmt::Debug for OtherFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.present() {
            Some(fields) => fields.fmt(f),
            None => f.debug_map().finish(),
        }
    }
}

/// As a map of the fields (`#[serde(flatten)]` puts them beside the record's own).
impl Serialize for OtherFields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.present() {
            Some(fields) => fields.serialize(s),
            None => s.collect_map(std::iter::empty::<(&str, &RawValue)>()),
        }
    }
}

/// Reads a `T` as its own `Deserialize` does, and the fields it skips: the value of each key
/// it reads with `IgnoredAny` (serde's derive, for a key it does not know) is read instead as
/// its JSON text, into the [`OtherFields`] answered beside it. A `T` that reads every value
/// answers none.
pub(crate) fn read_keeping<'de, T, D>(d: D) -> Result<(T, OtherFields), D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    let mut kept = OtherFields::default();
    let value = T::deserialize(Keeping {
        inner: d,
        kept: &mut kept,
    })?;
    Ok((value, kept))
}

/// The record's deserializer: its map's keys are read through [`KeyDe`], its values through
/// [`ValueDe`].
struct Keeping<'k, D> {
    inner: D,
    kept: &'k mut OtherFields,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Keeping<'_, D> {
    type Error = D::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let visitor = KeepingVisitor {
            visitor,
            kept: self.kept,
        };
        self.inner.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = KeepingVisitor {
            visitor,
            kept: self.kept,
        };
        self.inner.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The record's visitor, handed the map through [`KeepingMap`].
struct KeepingVisitor<'k, V> {
    visitor: V,
    kept: &'k mut OtherFields,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeepingVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(KeepingMap {
            map,
            keep: Keep {
                kept: self.kept,
                key: Some(""),
                copied: String::new(),
            },
        })
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }
}

/// What the reading of one record's map keeps: the fields it skips, and the key of the value
/// being read, noted as the record reads it.
struct Keep<'de, 'k> {
    kept: &'k mut OtherFields,
    /// The key, borrowed from the input; `None` where it was copied into `copied` (a key with
    /// an escape).
    key: Option<&'de str>,
    copied: String,
}

impl Keep<'_, '_> {
    fn key(&self) -> &str {
        self.key.unwrap_or(&self.copied)
    }
}

/// The record's map: each key noted as the record reads it ([`KeyDe`]), each value read
/// through [`ValueDe`].
struct KeepingMap<'de, 'k, A> {
    map: A,
    keep: Keep<'de, 'k>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for KeepingMap<'de, '_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.map.next_key_seed(KeySeed {
            seed,
            keep: &mut self.keep,
        })
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.map.next_value_seed(ValueSeed {
            seed,
            keep: &mut self.keep,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// The record's reading of a key, through [`KeyDe`].
struct KeySeed<'a, 'de, 'k, S> {
    seed: S,
    keep: &'a mut Keep<'de, 'k>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<'_, 'de, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(KeyDe {
            inner: d,
            keep: self.keep,
        })
    }
}

/// A key: read as the record asks, and noted ([`KeyVisitor`]).
struct KeyDe<'a, 'de, 'k, D> {
    inner: D,
    keep: &'a mut Keep<'de, 'k>,
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyDe<'_, 'de, '_, D> {
    type Error = D::Error;

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = KeyVisitor {
            visitor,
            keep: self.keep,
        };
        self.inner.deserialize_identifier(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = KeyVisitor {
            visitor,
            keep: self.keep,
        };
        self.inner.deserialize_str(visitor)
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let visitor = KeyVisitor {
            visitor,
            keep: self.keep,
        };
        self.inner.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        ignored_any
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The record's visitor of a key, which notes the key's text on the way.
struct KeyVisitor<'a, 'de, 'k, V> {
    visitor: V,
    keep: &'a mut Keep<'de, 'k>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeyVisitor<'_, 'de, '_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.keep.key = Some(v);
        self.visitor.visit_borrowed_str(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.keep.key = None;
        self.keep.copied.clear();
        self.keep.copied.push_str(v);
        self.visitor.visit_str(v)
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<V::Value, E> {
        self.keep.key = None;
        self.keep.copied.clone_from(&v);
        self.visitor.visit_string(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.visitor.visit_u64(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.visitor.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.visitor.visit_borrowed_bytes(v)
    }
}

/// The record's reading of a value, through [`ValueDe`].
struct ValueSeed<'a, 'de, 'k, S> {
    seed: S,
    keep: &'a mut Keep<'de, 'k>,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for ValueSeed<'_, 'de, '_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(ValueDe {
            inner: d,
            keep: self.keep,
        })
    }
}

/// A value: read as the record asks, except that a value the record skips is read as its JSON
/// text and kept under its key.
struct ValueDe<'a, 'de, 'k, D> {
    inner: D,
    keep: &'a mut Keep<'de, 'k>,
}

/// Deserializer methods handed to the value's own deserializer as they are.
macro_rules! forward {
    ($($method:ident($($arg:ident: $t:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(
                self,
                $($arg: $t,)*
                visitor: V,
            ) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ValueDe<'_, 'de, '_, D> {
    type Error = D::Error;

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let raw = Box::<RawValue>::deserialize(self.inner)?;
        let key = self.keep.key();
        if self.keep.kept.get(key).is_some() {
            // As serde's derive refuses a known field given twice.
            return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
        }
        let key = key.to_owned();
        self.keep.kept.insert(key, raw);
        visitor.visit_unit()
    }

    forward! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::{read_keeping, OtherFields};

    #[derive(Debug, Deserialize, PartialEq)]
    struct Known {
        a: u32,
        #[serde(alias = "bee")]
        b: Option<String>,
    }

    fn read(text: &str) -> (Known, OtherFields) {
        let mut d = serde_json::Deserializer::from_str(text);
        read_keeping(&mut d).expect("reads")
    }

    #[test]
    fn what_the_derive_skips_is_kept_as_read_in_key_order() {
        let (known, other) =
            read(r#"{"z":[1, 2.50],"a":7,"bee":"x","m":{"k":null},"q\u0041":1e3}"#);
        assert_eq!(
            known,
            Known {
                a: 7,
                b: Some("x".into())
            }
        );
        assert_eq!(other.names().collect::<Vec<_>>(), ["m", "qA", "z"]);
        assert_eq!(other.get("z"), Some("[1, 2.50]"));
        assert_eq!(other.get("m"), Some(r#"{"k":null}"#));
        assert_eq!(other.get("qA"), Some("1e3"));
    }

    #[test]
    fn none_is_no_box_and_an_empty_box_equals_none() {
        let (_, other) = read(r#"{"a":1,"b":null}"#);
        assert!(other.is_empty());
        assert!(other.0.is_none(), "no box for no fields");
        let boxed_empty = OtherFields(Some(Box::default()));
        assert_eq!(boxed_empty, OtherFields::default());
        assert_eq!(serde_json::to_string(&boxed_empty).expect("writes"), "{}");
        let (_, mut some) = read(r#"{"a":1,"x":2}"#);
        assert_ne!(some, OtherFields::default());
        assert_eq!(some.clear(), ["x"]);
        assert_eq!(some, OtherFields::default());
    }

    #[test]
    fn errors_are_those_of_the_record() {
        let mut d = serde_json::Deserializer::from_str(r#"{"x":1,"a":"seven"}"#);
        let err = read_keeping::<Known, _>(&mut d).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
        let mut d = serde_json::Deserializer::from_str(r#"{"x":1}"#);
        let err = read_keeping::<Known, _>(&mut d).unwrap_err();
        assert!(err.to_string().contains("missing field `a`"), "{err}");
        let mut d = serde_json::Deserializer::from_str(r#"{"x":1,"a":1,"x":2}"#);
        let err = read_keeping::<Known, _>(&mut d).unwrap_err();
        assert!(err.to_string().contains("duplicate field `x`"), "{err}");
    }
}
