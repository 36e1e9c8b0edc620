//! gstn-sandbox driven over real sockets on 127.0.0.1 with a minimal gstn-proto client.

mod auth;
// The binary is built only with the `bin` feature (on by default).
#[cfg(feature = "bin")]
mod binary;
mod concurrency;
mod gstr2;
mod gstr2a;
mod keys;
mod overflow;
mod persist;
mod support;
