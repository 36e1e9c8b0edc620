//! End-to-end tests of the root package: the seed's filing flow (Steps 1-8) against the
//! sandbox on 127.0.0.1, driven by the same code as `cargo run --example filing_flow`.

// The flow is the example's; the tests read everything it answers, the example does not.
#[allow(dead_code)]
#[path = "../../examples/support/flow.rs"]
mod flow;

// The `reconcile` example's job; the tests run it as the example does.
#[path = "../../examples/support/reconcile_job.rs"]
mod reconcile_job;

mod common;
mod convert_example;
mod drop_chunk;
mod filing;
mod fixture;
mod real_binaries;
mod real_endpoint;
mod reconcile_example;
