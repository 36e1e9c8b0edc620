//! gstn-proto integration tests: known-answer vectors, round trips, tamper tests, envelopes.

mod keys;
