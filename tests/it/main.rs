//! End-to-end tests of the root package: the seed's filing flow (Steps 1-8) against the
//! sandbox on 127.0.0.1, driven by the same code as `cargo run --example filing_flow`.

// The flow is the example's; the tests read everything it answers, the example does not.
#[allow(dead_code)]
#[path = "../../examples/support/flow.rs"]
mod flow;

mod common;
mod drop_chunk;
mod filing;
mod fixture;
mod real_endpoint;
