//! GSTN's answers as users hand them over: the object itself, or wrapped.
//!
//! A GSTR-2B reaches a user in more than one form: the portal's download and the decrypted
//! GET2B answer are `{"chksum": …, "data": {…}}` (keys in either order); API providers wrap
//! that again (`{"status": …, "data" | "response" | "message": {…}}`); a file may also hold
//! the bare object, or GSTN's error answer in place of the 2B (`{"status_cd": 0, "error":
//! {"error_cd": "GTR2B-002", "message": …}}`).
//! [`Gstr2b::from_json`](crate::gstr2b::Gstr2b::from_json) and
//! [`ImsRecords::from_json`](crate::ims::ImsRecords::from_json) take all of these: they look
//! for the object by its keys, descend through wrappers, keep the checksum beside it, and give
//! GSTN's error as [`AnswerError::Gstn`], with its code and message, rather than a complaint
//! about a missing field.
//!
//! ```
//! use gstr2_model::envelope::AnswerError;
//! use gstr2_model::gstr2b::Gstr2b;
//!
//! let answer = br#"{"status_cd": 0, "error": {"error_cd": "GTR2B-002",
//!   "message": "GSTR 2B for current return period is not generated"}}"#;
//! match Gstr2b::from_json(answer) {
//!     Err(AnswerError::Gstn { code, message }) => {
//!         assert_eq!(code, "GTR2B-002");
//!         assert!(message.contains("not generated"));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok::<(), AnswerError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::json::{self, JsonError};
use crate::sent::{probe, ObjectReader, Probed};

/// Why an answer of GSTN's (a GSTR-2B, IMS records) was not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AnswerError {
    /// GSTN answered with an error in place of the data, e.g. `GTR2B-002` (GSTR-2B not
    /// generated) or `RET2B1016` (no documents).
    #[error("GSTN answered with error {code}: {message}")]
    Gstn {
        /// GSTN's error code (`error_cd`, `err_cd`), empty where it gave none.
        code: String,
        /// GSTN's message (`message`, `err_msg`), empty where it gave none.
        message: String,
    },
    /// The text is not JSON, or not the data looked for: where, and why.
    #[error(transparent)]
    Json(#[from] JsonError),
}

impl AnswerError {
    /// The JSON path of a decode error.
    pub fn path(&self) -> Option<&str> {
        match self {
            AnswerError::Json(e) => e.path(),
            AnswerError::Gstn { .. } => None,
        }
    }
}

/// Wrappers deeper than this are not looked into.
const MAX_DEPTH: usize = 4;

/// Where an answer's data was found: the keys walked to it, and the checksum beside it.
pub(crate) struct Found<T> {
    /// The data.
    pub(crate) value: T,
    /// `chksum` of the innermost wrapper that had one.
    pub(crate) checksum: Option<String>,
    /// The keys of the object read, and where it is (the wrappers' keys down to it).
    pub(crate) keys: Vec<String>,
    pub(crate) path: Vec<String>,
}

impl<T> Found<T> {
    /// The JSON text, as read, of each key of the object read that is not among `known`.
    pub(crate) fn others(
        &self,
        bytes: &[u8],
        known: &[&str],
    ) -> Result<Vec<(String, Box<serde_json::value::RawValue>)>, JsonError> {
        let bytes = json::without_bom(bytes);
        let mut out = Vec::new();
        for key in self.keys.iter().filter(|k| !known.contains(&k.as_str())) {
            let mut path = self.path.clone();
            path.push(key.clone());
            out.push((key.clone(), read_at(bytes, &path)?));
        }
        Ok(out)
    }
}

/// Reads `T` (`what`, for messages) from an answer: the first object on the way down that has
/// one of `body_keys` (or is empty), through the objects under `wrappers` keys.
pub(crate) fn read<T: DeserializeOwned>(
    bytes: &[u8],
    what: &str,
    body_keys: &[&str],
    wrappers: &[&str],
) -> Result<Found<T>, AnswerError> {
    let bytes = json::without_bom(bytes);
    let mut path: Vec<String> = Vec::new();
    let mut checksum = None;
    for _ in 0..MAX_DEPTH {
        let level = probe_level(bytes, &path)?;
        let is_body = level.entries.is_empty()
            || level
                .entries
                .keys()
                .any(|k| body_keys.contains(&k.as_str()));
        if is_body {
            let value = read_at(bytes, &path)?;
            return Ok(Found {
                value,
                checksum,
                keys: level.entries.keys().cloned().collect(),
                path,
            });
        }
        if let Some(Kind::Text(sum)) = level.entries.get("chksum") {
            checksum = Some(sum.clone());
        }
        if let Some(Kind::Object(error)) = level.entries.get("error") {
            return Err(gstn_error(error, &level));
        }
        if let Some(key) = wrappers
            .iter()
            .find(|k| matches!(level.entries.get(**k), Some(Kind::Object(_))))
        {
            path.push((*key).to_owned());
            continue;
        }
        if level.text("status_cd") == Some("0") {
            return Err(gstn_error(&BTreeMap::new(), &level));
        }
        let message = match level.text("data") {
            Some(_) => {
                path.push("data".to_owned());
                format!("expected {what} here, found text: an answer still encrypted?")
            }
            None => format!(
                "expected {what}: an object with one of {} (or data around it)",
                body_keys.join(", ")
            ),
        };
        return Err(not_found(&path, message).into());
    }
    Err(not_found(&path, format!("expected {what}: wrapped too deep")).into())
}

/// GSTN's error from the `error` object and the level around it.
fn gstn_error(error: &BTreeMap<String, String>, level: &Level) -> AnswerError {
    let pick = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| error.get(*k).map(String::as_str).or_else(|| level.text(k)))
            .unwrap_or_default()
            .to_owned()
    };
    AnswerError::Gstn {
        code: pick(&["error_cd", "err_cd", "errorCode"]),
        message: pick(&[
            "message",
            "err_msg",
            "msg",
            "error_msg",
            "errorMessage",
            "error",
        ]),
    }
}

fn not_found(path: &[String], message: String) -> JsonError {
    JsonError::Decode {
        path: if path.is_empty() {
            ".".to_owned()
        } else {
            path.join(".")
        },
        line: 1,
        column: 1,
        message,
        category: serde_json::error::Category::Data,
    }
}

/// One object of an answer, one level deep: each key with its value's kind.
struct Level {
    entries: BTreeMap<String, Kind>,
}

impl Level {
    fn text(&self, key: &str) -> Option<&str> {
        match self.entries.get(key) {
            Some(Kind::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// What a value of a [`Level`] is.
enum Kind {
    /// A string or a number, as text.
    Text(String),
    /// An object, with the strings and numbers of its own keys.
    Object(BTreeMap<String, String>),
    /// Anything else.
    Other,
}

/// Reads the object at `path` as a [`Level`].
fn probe_level(bytes: &[u8], path: &[String]) -> Result<Level, JsonError> {
    #[derive(Clone)]
    struct LevelSeed;
    impl<'de> DeserializeSeed<'de> for LevelSeed {
        type Value = Level;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Level, D::Error> {
            match probe(d, LevelReader)? {
                Probed::Object(level) => Ok(level),
                _ => Err(serde::de::Error::custom("expected an object")),
            }
        }
    }
    read_seed_at(bytes, path, LevelSeed)
}

struct LevelReader;

impl<'de> ObjectReader<'de> for LevelReader {
    type Value = Level;
    fn read<A: MapAccess<'de>>(self, first: Option<String>, mut map: A) -> Result<Level, A::Error> {
        struct KindSeed;
        impl<'de> DeserializeSeed<'de> for KindSeed {
            type Value = Kind;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Kind, D::Error> {
                Ok(match probe(d, FieldsReader)? {
                    Probed::Amount(a) => Kind::Text(a.to_string()),
                    Probed::Text(t) => Kind::Text(t),
                    Probed::Object(fields) => Kind::Object(fields),
                    Probed::Skipped => Kind::Other,
                })
            }
        }
        let mut entries = BTreeMap::new();
        let mut key = first;
        while let Some(k) = key {
            let kind = map.next_value_seed(KindSeed)?;
            entries.insert(k, kind);
            key = map.next_key()?;
        }
        Ok(Level { entries })
    }
}

/// The strings and numbers of an object's own keys; nested values skipped.
struct FieldsReader;

impl<'de> ObjectReader<'de> for FieldsReader {
    type Value = BTreeMap<String, String>;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<Self::Value, A::Error> {
        struct TextSeed;
        impl<'de> DeserializeSeed<'de> for TextSeed {
            type Value = Option<String>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<String>, D::Error> {
                Ok(match probe(d, Skip)? {
                    Probed::Amount(a) => Some(a.to_string()),
                    Probed::Text(t) => Some(t),
                    Probed::Object(()) | Probed::Skipped => None,
                })
            }
        }
        let mut fields = BTreeMap::new();
        let mut key = first;
        while let Some(k) = key {
            if let Some(text) = map.next_value_seed(TextSeed)? {
                fields.insert(k, text);
            }
            key = map.next_key()?;
        }
        Ok(fields)
    }
}

/// Skips an object.
struct Skip;

impl<'de> ObjectReader<'de> for Skip {
    type Value = ();
    fn read<A: MapAccess<'de>>(self, first: Option<String>, mut map: A) -> Result<(), A::Error> {
        if first.is_some() {
            map.next_value::<IgnoredAny>()?;
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        }
        Ok(())
    }
}

/// Reads `T` at `path`: once without tracking where, and on an error once more with the JSON
/// path tracked (as [`json::from_slice`] does).
fn read_at<T: DeserializeOwned>(bytes: &[u8], path: &[String]) -> Result<T, JsonError> {
    read_seed_at(bytes, path, PhantomData::<T>)
}

fn read_seed_at<'de, S>(bytes: &'de [u8], path: &[String], seed: S) -> Result<S::Value, JsonError>
where
    S: DeserializeSeed<'de> + Clone,
{
    json::read_seed(
        bytes,
        Nested {
            keys: path,
            inner: seed,
        },
    )
}

/// `inner` read at the end of `keys`, every other key on the way skipped.
#[derive(Clone)]
struct Nested<'k, S> {
    keys: &'k [String],
    inner: S,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Nested<'_, S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        match self.keys.split_first() {
            None => self.inner.deserialize(d),
            Some((key, rest)) => d.deserialize_map(NestedVisitor {
                key,
                rest,
                inner: self.inner,
            }),
        }
    }
}

struct NestedVisitor<'k, S> {
    key: &'k str,
    rest: &'k [String],
    inner: S,
}

impl<'de, S: DeserializeSeed<'de>> Visitor<'de> for NestedVisitor<'_, S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let mut inner = Some(self.inner);
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            match inner.take() {
                Some(seed) if key == self.key => {
                    found = Some(map.next_value_seed(Nested {
                        keys: self.rest,
                        inner: seed,
                    })?);
                }
                other => {
                    inner = other;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        found.ok_or_else(|| serde::de::Error::custom(format_args!("missing field `{}`", self.key)))
    }
}
