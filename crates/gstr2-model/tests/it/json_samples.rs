//! Tests: json_samples.
