//! The JSON codec: GSTN's wire shape, with errors that carry the JSON path.
//!
//! Numbers are read and written with their exact digits (serde_json's `arbitrary_precision`);
//! nothing passes through `f64`.

use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed};
use serde::Serialize;
use serde_json::error::Category;

use crate::Gstr2a;

mod parallel;

/// A JSON document that does not fit the model: where, and why.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The text is not JSON, or a value does not fit its field.
    #[error("json at {path} (line {line}, column {column}): {message}")]
    Decode {
        /// The JSON path of the offending value, e.g. `b2b[0].inv[3].idt`; `.` for the root.
        path: String,
        /// 1-based line of the input.
        line: usize,
        /// 1-based column of the input.
        column: usize,
        /// What is wrong. It may quote the offending value: where the input holds secrets, say
        /// [`JsonError::category`] instead.
        message: String,
        /// The kind of fault: not JSON (`Syntax`), cut short (`Eof`), unreadable (`Io`), or
        /// JSON that does not fit the type (`Data`).
        category: Category,
    },
    /// The model could not be written (not expected for the model's own types).
    #[error("cannot write json")]
    Encode(#[source] serde_json::Error),
}

impl JsonError {
    /// The JSON path of a decode error.
    pub fn path(&self) -> Option<&str> {
        match self {
            JsonError::Decode { path, .. } => Some(path),
            JsonError::Encode(_) => None,
        }
    }

    /// The kind of fault of a decode error: not JSON, cut short, unreadable, or not the shape
    /// looked for. Unlike the message, it never quotes the input.
    pub fn category(&self) -> Option<Category> {
        match self {
            JsonError::Decode { category, .. } => Some(*category),
            JsonError::Encode(_) => None,
        }
    }

    /// The same error with nothing of the input in its message, for input that holds secrets or
    /// a decrypted payload: serde_json's message is kept where it quotes nothing (a syntax error,
    /// the end of the input, a missing or repeated field), else replaced by the kind of fault
    /// ([`JsonError::fault`]). The path, line and column stay.
    ///
    /// ```
    /// use gstr2_model::json::{self, JsonError};
    ///
    /// #[derive(Debug, serde::Deserialize)]
    /// struct Answer { sek: String }
    ///
    /// let error = json::from_slice::<Answer>(br#"{"sek": 4711}"#).unwrap_err();
    /// assert!(error.to_string().contains("4711"));
    /// let redacted = error.redacted();
    /// assert!(!redacted.to_string().contains("4711"));
    /// assert_eq!(redacted.path(), Some("sek"));
    /// ```
    pub fn redacted(mut self) -> JsonError {
        let fault = self.fault();
        if let JsonError::Decode {
            message, category, ..
        } = &mut self
        {
            let quotes_nothing = *category != Category::Data
                || message.starts_with("missing field")
                || message.starts_with("duplicate field");
            if !quotes_nothing {
                *message = fault.to_owned();
            }
        }
        self
    }

    /// The kind of fault in words (`not json`, `truncated`, `unreadable`, `missing or wrong
    /// type`), for input that holds secrets: unlike the message, it never quotes the input.
    pub fn fault(&self) -> &'static str {
        match self.category() {
            Some(Category::Syntax) => "not json",
            Some(Category::Eof) => "truncated",
            Some(Category::Io) => "unreadable",
            Some(Category::Data) => "missing or wrong type",
            None => "cannot write json",
        }
    }
}

/// A decode error at `path`, with serde_json's line, column and message.
fn decode_error(path: String, e: &serde_json::Error) -> JsonError {
    JsonError::Decode {
        path,
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
        category: e.classify(),
    }
}

/// Decodes `seed` from `de` with the JSON path tracked, then checks that nothing but whitespace
/// follows the value: the one path-tracking decode of the crate. An error names the path of the
/// offending value (`.` for the root, and for what follows the value).
pub(crate) fn decode_tracked<'de, R, S>(
    de: &mut serde_json::Deserializer<R>,
    seed: S,
) -> Result<S::Value, JsonError>
where
    R: serde_json::de::Read<'de>,
    S: DeserializeSeed<'de>,
{
    let mut track = serde_path_to_error::Track::new();
    let value = seed
        .deserialize(serde_path_to_error::Deserializer::new(&mut *de, &mut track))
        .map_err(|e| decode_error(track.path().to_string(), &e))?;
    de.end().map_err(|e| decode_error(".".to_owned(), &e))?;
    Ok(value)
}

/// Decodes `seed` from JSON bytes, which must hold nothing after the value but whitespace: once
/// without tracking where the reader is, and only if that fails once more with the JSON path
/// tracked ([`decode_tracked`]), to say where. The result is the same either way.
pub(crate) fn read_seed<'de, S>(bytes: &'de [u8], seed: S) -> Result<S::Value, JsonError>
where
    S: DeserializeSeed<'de> + Clone,
{
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let fast = seed
        .clone()
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    match fast {
        Ok(value) => Ok(value),
        Err(_) => decode_tracked(&mut serde_json::Deserializer::from_slice(bytes), seed),
    }
}

/// serde_json appends " at line L column C"; the error carries those as fields instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// The UTF-8 byte-order mark that files saved by Windows tools often start with.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The input without a leading UTF-8 byte-order mark, which every reader here skips: JSON has
/// none, but files saved by Windows tools often carry one.
///
/// ```
/// assert_eq!(gstr2_model::json::without_bom(b"\xEF\xBB\xBF{}"), b"{}");
/// assert_eq!(gstr2_model::json::without_bom(b"{}"), b"{}");
/// ```
pub fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// Reads a model type from JSON bytes (a leading byte-order mark is skipped).
///
/// The input is read once without tracking where the reader is; only if that fails is it read
/// again with the JSON path tracked, to say where. The error is the same either way.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    read_seed(without_bom(bytes), PhantomData::<T>)
}

/// Reads a model type from a JSON string.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    from_slice(text.as_bytes())
}

/// Reads a model type from a reader (buffer it: serde_json reads byte by byte); a leading
/// byte-order mark is skipped.
///
/// A reader cannot be read twice, so this one tracks the JSON path as it goes and is slower than
/// [`from_slice`]; with the whole input at hand, read it into memory and use [`from_slice`].
pub fn from_reader<R: std::io::Read, T: DeserializeOwned>(mut reader: R) -> Result<T, JsonError> {
    use std::io::Read;
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                return Err(JsonError::Decode {
                    path: ".".into(),
                    line: 1,
                    column: 1,
                    message: format!("cannot read the input: {e}"),
                    category: Category::Io,
                })
            }
        }
    }
    let head = without_bom(&head[..got]);
    let mut de = serde_json::Deserializer::from_reader(head.chain(reader));
    decode_tracked(&mut de, PhantomData::<T>)
}

/// Reads a GSTR2A download on up to `threads` threads (the calling one included) of the
/// current rayon pool (the app's own, or rayon's global one).
///
/// The result is the same as `from_slice::<Gstr2a>(bytes)`'s, errors included: the calling
/// thread scans the top-level object for the elements of its sections (`b2b`, `b2ba`, `cdn`,
/// `cdna`, `isd`, `impg`, `impgsez`) and, as it finds them, hands runs of about equal size to
/// tasks of the pool (no more tasks than the pool has threads besides the caller); once the scan
/// is done it decodes runs too, and the runs are put back in order. On anything irregular (a
/// malformed or unexpected input, an element that does not decode, a key given twice) the input
/// is read again on one thread with [`from_slice`], so an error always carries the one-thread
/// reading's JSON path. A supplier too large for one thread's share has its documents decoded in
/// several runs.
///
/// Inputs of at most 64 KiB are read on the calling thread alone. What the other threads save is
/// measured by `cargo bench --bench json_codec` (the figures are in
/// `benches/baselines/README.md`); the scan costs CPU time of its own, so on a machine whose
/// cores are already busy there is nothing to gain.
///
/// ```
/// use gstr2_model::{json, Gstr2a};
///
/// let text = br#"{"gstin":"27AAPFU0939F1ZV","fp":"032024","b2b":[
///   {"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[{"inum":"S1","idt":"24-07-2017","val":10.50,"itms":[]}]},
///   {"ctin":"27AAPFU0939F1ZV","inv":[{"inum":"S2","idt":"25-07-2017","val":3,"itms":[]}]}]}"#;
/// let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
/// let gstr2a = json::gstr2a_from_slice_parallel(text, threads)?;
/// assert_eq!(gstr2a, json::from_slice::<Gstr2a>(text)?);
/// assert_eq!(gstr2a.b2b[0].invoices[0].value.to_string(), "10.50");
///
/// let broken = br#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","inv":[{"inum":"S1","idt":"31-02-2017","val":1,"itms":[]}]}]}"#;
/// let err = json::gstr2a_from_slice_parallel(broken, threads).unwrap_err();
/// assert_eq!(err.path(), Some("b2b[0].inv[0].idt"));
/// # Ok::<(), json::JsonError>(())
/// ```
pub fn gstr2a_from_slice_parallel(bytes: &[u8], threads: usize) -> Result<Gstr2a, JsonError> {
    let bytes = without_bom(bytes);
    if threads <= 1 {
        return from_slice(bytes);
    }
    match parallel::read(bytes, threads) {
        Some(gstr2a) => Ok(gstr2a),
        None => from_slice(bytes),
    }
}

/// Writes a model type as compact JSON.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, JsonError> {
    serde_json::to_string(value).map_err(JsonError::Encode)
}

/// Writes a model type as indented JSON.
pub fn to_string_pretty<T: Serialize>(value: &T) -> Result<String, JsonError> {
    serde_json::to_string_pretty(value).map_err(JsonError::Encode)
}

/// Writes a model type as compact JSON bytes.
pub fn to_vec<T: Serialize>(value: &T) -> Result<Vec<u8>, JsonError> {
    serde_json::to_vec(value).map_err(JsonError::Encode)
}

/// Writes a model type as compact JSON to a writer.
pub fn to_writer<W: std::io::Write, T: Serialize>(writer: W, value: &T) -> Result<(), JsonError> {
    serde_json::to_writer(writer, value).map_err(JsonError::Encode)
}

#[cfg(test)]
mod tests {
    use crate::Gstr2Payload;

    #[test]
    fn errors_carry_the_path() {
        let text = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[{"ctin":"27AAPFU0939F1ZV",
            "inv":[{"inum":"1","idt":"31-02-2017","val":1,"pos":"27","rchrg":"N","itms":[]}]}]}"#;
        let err = super::from_str::<Gstr2Payload>(text).unwrap_err();
        assert_eq!(err.path(), Some("b2b[0].inv[0].idt"));
        let msg = err.to_string();
        assert!(msg.contains("no such day"), "{msg}");
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let err = super::from_str::<Gstr2Payload>(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017"} x"#)
            .unwrap_err();
        assert!(err.to_string().contains("trailing"), "{err}");
    }
}
