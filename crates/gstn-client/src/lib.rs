//! # gstn-client
//!
//! The async client a Rust application embeds to file GSTR2 through the GSTN taxpayer API
//! (directly, or through a GSP that passes the same protocol through): OTP login and token
//! store, automatic refresh, encrypted GSTR2 saves cut into chunks, status polling, sections,
//! summary, submission, EVC filing, and GSTR2A downloads including the large-file flow. It
//! speaks the wire of [`gstn_proto`] over reqwest (rustls).
//!
//! ```no_run
//! use std::sync::Arc;
//! use gstn_client::{FileTokenStore, GstnClient, SessionStatus};
//! use gstn_proto::Otp;
//!
//! # async fn run(payload: gstr2_model::Gstr2Payload, pem: String) -> Result<(), Box<dyn std::error::Error>> {
//! let client = GstnClient::builder()
//!     .base_url("https://devapi.gst.gov.in")
//!     .client_id("l7xx...")
//!     .client_secret("...")
//!     .gstin("27AAPFU0939F1ZV".parse()?)
//!     .username("asp_user")
//!     .ip_usr("203.0.113.7")
//!     .certificate_pem(pem)
//!     .token_store(Arc::new(FileTokenStore::new("gstn-token.json")))
//!     .build()?;
//!
//! // Step-1: an existing token, or a new one with an OTP.
//! if !matches!(client.connect_with_stored().await?, SessionStatus::Existing { .. }) {
//!     client.request_otp().await?;
//!     client.authenticate(&Otp::new("575757")?).await?; // the OTP the user types
//! }
//! // Step-5 to Step-8.
//! let period = payload.fp;
//! let report = client.save(&payload).await?;
//! assert!(report.failures().is_empty());
//! let summary = client.summary(period).await?;
//! client.submit(period).await?;
//! client.request_evc_otp(period, "AAPFU0939F").await?;
//! let ack = client
//!     .file_with_evc(period, "AAPFU0939F", &Otp::new("123456")?, &summary)
//!     .await?;
//! println!("filed: {ack}");
//! # Ok(())
//! # }
//! ```
//!
//! - Reliability: timeouts; idempotent calls (GETs, and `RETSAVE` with the same `txn`) retried
//!   with exponential backoff and jitter ([`RetryPolicy`]); `RETSUBMIT` and `RETFILE` never
//!   repeated blindly. [`Error`] tells transport, GSTN's `error_cd`, crypto, decoding and session
//!   apart and says whether a retry helps ([`Error::is_retryable`]).
//! - Secrets (app key, session key, auth token, OTPs) live in `gstn-proto`'s zeroizing types and
//!   never reach `Debug`, logs, URLs or errors. Logs go through `tracing`, each request in a span
//!   with its `txn`.
//! - Progress goes to a callback ([`Progress`]); the library never prints.

pub mod chunk;
mod client;
mod config;
mod error;
mod gstr2;
mod gstr2a;
mod progress;
mod retry;
mod session;
mod store;

pub use client::GstnClient;
pub use config::{ApiPaths, GstnClientBuilder, DEFAULT_CHUNK_LIMIT};
pub use error::{Error, Result, SessionError};
pub use gstr2::{ChunkReport, DocumentFailure, SaveReport};
pub use gstr2a::GSTR2A_SECTIONS;
pub use progress::{Progress, ProgressFn};
pub use retry::{PollPolicy, RetryPolicy};
pub use session::{Session, SessionStatus};
pub use store::{FileTokenStore, MemoryTokenStore, StoreError, TokenStore};
