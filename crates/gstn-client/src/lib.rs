//! # gstn-client
//!
//! The async client a Rust application embeds to file GSTR2 through the GSTN taxpayer API
//! (directly, or through a GSP that passes the same protocol through): OTP login and token
//! store, automatic refresh, encrypted GSTR2 saves cut into chunks, status polling, sections,
//! summary, submission, EVC filing, and GSTR2A downloads including the large-file flow. It
//! speaks the wire of [`gstn_proto`] over reqwest (rustls).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use gstn_client::{FileTokenStore, GstnClient, PollPolicy, SessionStatus};
//! use gstn_proto::Otp;
//! use gstr2_model::{json, Gstr2Payload};
//!
//! // A local GSTN on 127.0.0.1 (the project's sandbox). Against GSTN or a GSP, give its
//! // HTTPS URL, your API credentials and GSTN's certificate instead.
//! let mut config = gstn_sandbox::SandboxConfig::default();
//! config.key_bits = 1024;
//! let gstn = gstn_sandbox::spawn(config).await?;
//! let dir = tempfile::tempdir()?;
//!
//! let client = GstnClient::builder()
//!     .base_url(gstn.base_url())
//!     .client_id("sandbox-client")
//!     .client_secret("sandbox-secret")
//!     .gstin("27AAPFU0939F1ZV".parse()?)
//!     .username("asp_user")
//!     .user_ip("203.0.113.7".parse()?)
//!     .certificate_pem(gstn.certificate_pem())
//!     .token_store(Arc::new(FileTokenStore::new(dir.path().join("gstn-token.json"))))
//!     .poll_policy(PollPolicy::fast())
//!     .build()?;
//!
//! // Step-1: "Existing token", or a new one with the OTP the user receives.
//! if !matches!(client.connect_with_stored().await?, SessionStatus::Existing { .. }) {
//!     client.request_otp().await?;
//!     client.authenticate(&Otp::new("575757")?).await?;
//! }
//!
//! // Step-5: save (cut into several RETSAVE calls if large), waiting for RETSTATUS.
//! let payload: Gstr2Payload = json::from_str(r#"{
//!   "gstin": "27AAPFU0939F1ZV", "fp": "072017",
//!   "b2b": [{ "ctin": "33GSPTN4811G1ZC",
//!     "inv": [{ "inum": "S008400", "idt": "24-07-2017", "val": 1180, "pos": "27",
//!               "rchrg": "N", "inv_typ": "R",
//!               "itms": [{ "num": 1, "itm_det": { "rt": 18, "txval": 1000, "iamt": 180 },
//!                          "itc": { "elg": "ip", "tx_i": 180 } }] }] }]
//! }"#)?;
//! let report = client.save(&payload).await?;
//! assert!(report.is_clean(), "{:?}", report.failures());
//!
//! // Step-6 to Step-8: summary, submit, file with EVC.
//! let period = payload.fp;
//! let summary = client.summary(period).await?;
//! assert_eq!(summary.sections.len(), 1);
//! client.submit(period).await?;
//! client.request_evc_otp("AAPFU0939F").await?;
//! let ack = client
//!     .file_with_evc(period, "AAPFU0939F", &Otp::new("575757")?, &summary)
//!     .await?;
//! assert!(!ack.is_empty());
//! gstn.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! - Today's purchase side: GSTR-2B ([`gstr2b`]: GET2B with the paged form merged, `RTN_24`
//!   waited out, "not applicable" and "not generated" as errors that say what to do, GEN2B
//!   polled through GENSTS2B) and IMS ([`ims`]: GETCNT, GETINV with FILEDET, SAVE and RESETIMS
//!   polled through REQSTS, one request in flight per GSTIN, refused records mapped back).
//! - Reliability: timeouts; idempotent calls (GETs, and `RETSAVE` with the same `txn`) retried
//!   with exponential backoff and jitter ([`RetryPolicy`]); `RETSUBMIT` and `RETFILE` never
//!   repeated blindly. [`Error`] tells transport, GSTN's `error_cd`, crypto, decoding and session
//!   apart and says whether a retry helps ([`Error::is_retryable`]).
//! - Secrets (app key, session key, auth token, OTPs) live in `gstn-proto`'s zeroizing types and
//!   never reach `Debug`, logs, URLs or errors. Logs go through `tracing`, each request in a span
//!   with its `txn`.
//! - Progress goes to a callback ([`ProgressEvent`]); the library never prints.

pub mod chunk;
mod client;
mod config;
mod error;
mod gstr2;
mod gstr2a;
pub mod gstr2b;
pub mod ims;
mod progress;
mod retry;
mod session;
mod store;

pub use client::GstnClient;
pub use config::{ApiPaths, GstnClientBuilder, DEFAULT_CHUNK_LIMIT};
pub use error::{Error, Result, SessionError};
pub use gstr2::{ChunkReport, DocumentFailure, SaveReport};
pub use gstr2a::GSTR2A_SECTIONS;
pub use gstr2b::Gstr2bGeneration;
pub use ims::{
    ims_section_code, ImsFailureKind, ImsRecordFailure, ImsRecordRef, ImsRequestReport,
    ImsSaveReport, IMS_SECTIONS,
};
pub use progress::{ProgressEvent, ProgressFn};
pub use retry::{PollPolicy, RetryPolicy};
pub use session::{Session, SessionStatus};
pub use store::{FileTokenStore, MemoryTokenStore, StoreError, TokenStore};
