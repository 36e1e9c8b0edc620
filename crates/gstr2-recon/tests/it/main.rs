//! Integration tests of gstr2-recon: scenarios (with one snapshot line each), payloads and
//! summaries, and properties of the engine.

mod properties;
mod scenarios;
mod support;
