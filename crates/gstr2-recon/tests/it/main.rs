//! Integration tests of gstr2-recon: scenarios (with one snapshot line each), payloads and
//! summaries, properties of the engine, and amounts near a decimal's limit.

mod ims;
mod normalised;
mod overflow;
mod properties;
mod repeats;
mod scenarios;
mod sources;
mod support;
