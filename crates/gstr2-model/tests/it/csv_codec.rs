//! Tests: csv_codec.
