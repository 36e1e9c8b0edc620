//! Tests: csv_errors.
