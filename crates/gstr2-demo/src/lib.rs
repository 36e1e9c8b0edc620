//! What the examples, tests and benches of gstr2 share; not published.
//!
//! - [`flow`]: the GSTR-2 workflow (Steps 1 to 8 of `docs/workflow.md`), run by `cargo run
//!   --example filing_flow` and the end-to-end tests;
//! - [`ims_flow`]: today's workflow, GSTR-2B and IMS (Steps 1 to 7), run by `cargo run --example
//!   ims_flow`;
//! - [`present`] and [`connect`]: what both flows show and ask (lines, tables, progress bars,
//!   OTPs and confirmations) and how they reach GSTN (the settings of a session, Step-1);
//! - [`reconcile_job`]: the `reconcile` example's job;
//! - [`recon_data`]: a seeded generator of reconciliation inputs for the benches and the
//!   `gen_recon_data` example;
//! - [`sample`]: the sample register of `examples/data/` and its receiver and period.
//!
//! It is built on the member crates (`gstr2-model`, `gstr2-recon`, `gstn-proto`,
//! `gstn-client`, `gstn-sandbox`), not on the facade `gstr2`, whose types are the same ones
//! re-exported: the examples call the facade, and hand its values to this crate as they are.
//!
//! ```
//! use gstr2_demo::present::{Column, Columns};
//! let table = Columns::new(2, &[Column::left(8), Column::right(6)]);
//! assert_eq!(table.line(&["section", "count"]), "  section   count");
//! ```

pub mod connect;
pub mod error;
pub mod flow;
pub mod ims_flow;
pub mod present;
pub mod recon_data;
pub mod reconcile_job;
pub mod sample;

pub use error::FlowError;
