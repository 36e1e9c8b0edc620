//! # gstn-sandbox
//!
//! A local GSTN taxpayer API on 127.0.0.1, stateful, speaking the same protocol as GSTN
//! (`docs/protocol.md`, through `gstn-proto`): OTP login, encrypted GSTR2 saves with asynchronous
//! processing, summaries, submission and EVC filing, GSTR2A downloads including the large-file
//! flow, and fault injection. Every example and client test of the project runs against it.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use gstn_sandbox::{spawn, SandboxConfig};
//!
//! let mut config = SandboxConfig::default();
//! config.key_bits = 1024; // quicker to generate in a doctest
//! let sandbox = spawn(config).await?;
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! assert!(sandbox.certificate_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! let gstin = "27AAPFU0939F1ZV".parse()?;
//! let period = "072017".parse()?;
//! // Nothing saved yet: the summary has no sections.
//! assert!(sandbox.state().summary(gstin, period)?.sections.is_empty());
//! sandbox.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! - [`SandboxConfig`]: client id and secret, OTP, token lifetime, processing delay, large-file
//!   threshold, faults, GSTR2A seed; [`spawn`] starts a server and hands back a
//!   [`SandboxHandle`]; [`app`] is the bare router.
//! - What a save does and how documents are checked: [`save`]. How `RETSUM` counts:
//!   [`summary`]. Where GSTR2A comes from: [`gstr2a`].
//! - IMS and GSTR-2B: a taxpayer's IMS records (seeded with [`SandboxState::seed_ims`], the
//!   binary's `--ims FILE` or `seed_dir/<GSTIN>/ims.json`), SAVE and RESETIMS applied record
//!   by record with GSTN's errors, one request at a time ([`ims`]); GEN2B making GSTR-2B from
//!   the actions, paged above a document count ([`gstr2b`]).
//! - Restarts: with [`SandboxConfig::with_state_dir`] the key pair and live sessions are kept
//!   in a directory and restored at start, so a token outlives a restart; returns are not
//!   kept ([`persist`]).
//! - The binary (`cargo run -p gstn-sandbox -- --port 0 --seed-dir DIR`) is described in the
//!   crate's README. It needs the `bin` feature (on by default: clap, tracing-subscriber,
//!   tokio's `signal`); the library needs none of them (`default-features = false`).

use std::net::SocketAddr;
use std::sync::Arc;

use gstr2_model::amount::AmountOverflow;
use gstr2_model::gstr2a::Gstr2a;
use gstr2_model::summary::Gstr2Summary;
use gstr2_model::{Gstin, Gstr2Payload, ReturnPeriod};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod config;
pub mod error;
pub mod gstr2a;
pub mod gstr2b;
pub mod ims;
pub mod persist;
pub mod save;
mod sections;
mod server;
mod state;
pub mod summary;

pub use config::{Faults, SandboxConfig};
pub use error::SandboxError;
pub use server::{
    app, AUTH_PATH, CERTIFICATE_PATH, FILES_PATH, GSTR2A_PATH, GSTR2B_PATH, GSTR2_PATH, IMS_PATH,
    RETURNS_PATH,
};
pub use state::SandboxState;

/// A running sandbox. Dropping it stops the server, as [`SandboxHandle::shutdown`] does
/// without waiting.
#[derive(Debug)]
pub struct SandboxHandle {
    addr: SocketAddr,
    state: SandboxState,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

/// Starts a sandbox on 127.0.0.1 (port `config.port`, 0 for any free one) and returns once it
/// accepts connections. Generating the RSA key pair happens here, once per key size per process.
pub async fn spawn(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    let port = config.port;
    let state = tokio::task::spawn_blocking(move || SandboxState::new(config))
        .await
        .map_err(|e| SandboxError::Config {
            field: "keys",
            reason: format!("key generation task failed: {e}"),
        })??;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|source| SandboxError::Bind {
            addr: format!("127.0.0.1:{port}"),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: format!("127.0.0.1:{port}"),
        source,
    })?;
    let router = app(state.clone());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = axum::serve(
        server::KillableListener { listener },
        router.into_make_service_with_connect_info::<server::ConnTag>(),
    )
    .with_graceful_shutdown(async {
        let _ = stopped.await;
    });
    let task = tokio::spawn(async move {
        if let Err(e) = server.await {
            tracing::error!("sandbox server stopped: {e}");
        }
    });
    tracing::info!("gstn sandbox listening on http://{addr}");
    Ok(SandboxHandle {
        addr,
        state,
        stop: Some(stop),
        task: Some(task),
    })
}

impl SandboxHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The certificate (PEM) clients wrap their app key with; also served at
    /// [`CERTIFICATE_PATH`].
    pub fn certificate_pem(&self) -> String {
        self.state.certificate_pem()
    }

    /// The shared state, for inspection and seeding.
    pub fn state(&self) -> &SandboxState {
        &self.state
    }

    /// What the return of `gstin` for `period` holds ([`SandboxState::stored_payload`]).
    pub fn stored_payload(&self, gstin: Gstin, period: ReturnPeriod) -> Option<Gstr2Payload> {
        self.state.stored_payload(gstin, period)
    }

    /// The summary RETSUM would answer now ([`SandboxState::summary`]); an error where the
    /// saved amounts add up beyond what a decimal holds.
    pub fn summary(
        &self,
        gstin: Gstin,
        period: ReturnPeriod,
    ) -> Result<Gstr2Summary, AmountOverflow> {
        self.state.summary(gstin, period)
    }

    /// Replaces the GSTR2A of `gstin` for `period` ([`SandboxState::seed_gstr2a`]).
    pub fn seed_gstr2a(&self, gstin: Gstin, period: ReturnPeriod, gstr2a: Gstr2a) {
        self.state.seed_gstr2a(gstin, period, gstr2a)
    }

    /// The GSTR2A held for `gstin` and `period` ([`SandboxState::gstr2a`]).
    pub fn gstr2a(&self, gstin: Gstin, period: ReturnPeriod) -> Result<Arc<Gstr2a>, SandboxError> {
        self.state.gstr2a(gstin, period)
    }

    /// Requests answered per action ([`SandboxState::request_count`]).
    pub fn request_count(&self, action: &str) -> u64 {
        self.state.request_count(action)
    }

    /// Stops accepting connections, lets requests in flight finish (at most 5 s), and waits.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(std::time::Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}
