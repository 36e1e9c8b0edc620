//! # gstr2
//!
//! File the Indian GST return GSTR-2 (inward supplies) through the GSTN taxpayer API.
//!
//! This facade re-exports the member crates of the workspace:
//!
//! - [`model`]: typed GSTR2 tables and GSTR2A documents, with CSV and JSON codecs.
//! - [`recon`]: the pure reconciliation engine, save payloads and the local summary.
//! - [`proto`]: the GSTN wire layer: envelopes, actions, headers, error codes, crypto (the
//!   protocol as gstr2 speaks it is described in `docs/protocol.md`).
//! - `client` (feature `client`, on by default): the async GSTN session client.
//! - `sandbox` (feature `sandbox`, off by default): a local GSTN on 127.0.0.1 speaking the same
//!   protocol, for an app's own tests; an app that only talks to GSTN compiles no server.

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[cfg(feature = "client")]
pub use gstn_client as client;
pub use gstn_proto as proto;
#[cfg(feature = "sandbox")]
pub use gstn_sandbox as sandbox;
pub use gstr2_model as model;
pub use gstr2_recon as recon;
