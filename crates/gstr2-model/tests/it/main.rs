//! Integration tests of gstr2-model: one binary, one module per concern.

mod amounts;
mod as_sent;
mod csv_codec;
mod csv_errors;
mod gstr2b;
mod ims;
mod json_parallel;
mod json_samples;
mod merge;
mod properties;
mod validation;
