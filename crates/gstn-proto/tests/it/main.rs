//! gstn-proto integration tests: known-answer vectors from an independent implementation
//! (`tests/vectors/make_vectors.py`), round trips, tamper tests, envelopes and keys.

mod envelopes;
mod keys;
mod roundtrip;
mod snapshots;
mod tamper;
mod vectors;

/// Reads a vector file of `tests/vectors` as JSON.
pub(crate) fn vector(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A string field of a vector.
pub(crate) fn text<'a>(vector: &'a serde_json::Value, key: &str) -> &'a str {
    vector[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {key} missing"))
}

/// A 32-byte key given in hex.
pub(crate) fn key32(vector: &serde_json::Value, key: &str) -> [u8; 32] {
    hex::decode(text(vector, key)).unwrap().try_into().unwrap()
}
