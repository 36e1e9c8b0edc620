//! End-to-end tests of the root package: the GSTR-2 filing flow (Steps 1-8) and today's IMS
//! flow (Steps 1-7), both described in `docs/workflow.md`, against the sandbox on 127.0.0.1,
//! driven by the same code as `cargo run --example filing_flow` and `cargo run --example
//! ims_flow`.

// The flows are the examples'; the tests read everything they answer.
use gstr2_demo::{flow, ims_flow, reconcile_job};

mod common;
mod convert_example;
mod drop_chunk;
mod error_rule;
mod filing;
mod fixture;
mod ims_example;
mod real_binaries;
mod real_endpoint;
mod reconcile_example;
