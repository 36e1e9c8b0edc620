//! [`SandboxConfig`]: everything the sandbox can be told, with GSTN-like defaults.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use gstr2_model::Gstin;

/// The client id the sandbox accepts unless configured otherwise.
pub const DEFAULT_CLIENT_ID: &str = "sandbox-client";
/// The client secret the sandbox accepts unless configured otherwise.
pub const DEFAULT_CLIENT_SECRET: &str = "sandbox-secret";
/// The OTP every OTPREQUEST (and EVCOTP) "sends" unless configured otherwise.
pub const DEFAULT_OTP: &str = "575757";

/// How the sandbox behaves. Every field has a documented default ([`Default`]); change fields
/// directly or through the `with_*` helpers.
///
/// ```
/// use std::time::Duration;
/// use gstn_sandbox::SandboxConfig;
///
/// let config = SandboxConfig::default()
///     .with_token_lifetime(Duration::from_secs(2))
///     .with_gstr2a_seed(42);
/// assert_eq!(config.client_id, "sandbox-client");
/// assert_eq!(config.otp, "575757");
/// assert_eq!(config.port, 0);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SandboxConfig {
    /// TCP port on 127.0.0.1; 0 (default) picks a free one.
    pub port: u16,
    /// The `clientid` header accepted (default [`DEFAULT_CLIENT_ID`]); others get `AUT4033`.
    pub client_id: String,
    /// The `client-secret` header accepted (default [`DEFAULT_CLIENT_SECRET`]); others get
    /// `AUT4034`.
    pub client_secret: String,
    /// The login OTP (default [`DEFAULT_OTP`]); written to the log as the SMS GSTN would send.
    pub otp: String,
    /// The EVC OTP for filing (default [`DEFAULT_OTP`]).
    pub evc_otp: String,
    /// How long an auth token gives access (default 6 hours); announced as `expiry` in minutes
    /// (rounded up).
    pub token_lifetime: Duration,
    /// How long a session may be extended by REFRESHTOKEN, from the AUTHTOKEN (default 30 days).
    pub session_max: Duration,
    /// Users and the GSTINs each may act for; `None` (default): any username, any valid GSTIN.
    pub users: Option<BTreeMap<String, BTreeSet<Gstin>>>,
    /// How long an acknowledged save waits before it is processed, staying `IP` in RETSTATUS
    /// (default 50 ms).
    pub processing_delay: Duration,
    /// How many RETSTATUS polls answer `IP` at least (default 1).
    pub processing_polls: u32,
    /// A GSTR2A section with more documents than this (default 500) goes through the large-file
    /// flow: `{token, est}`, FILEDET, `.tar.gz` files.
    pub large_file_threshold: usize,
    /// Documents per large file (default 250).
    pub documents_per_file: usize,
    /// How long FILEDET answers `RTN_24` (queued) after the token is given (default 200 ms).
    pub file_queue_time: Duration,
    /// Fault injection (default: none).
    pub faults: Faults,
    /// Seed number for generated GSTR2A (default `Some(1)`); `None`: no generated documents,
    /// only seeded ones.
    pub gstr2a_seed: Option<u64>,
    /// About how many B2B invoices a generated GSTR2A holds (default 12).
    pub gstr2a_documents: usize,
    /// Folder of seeded GSTR2A files, `DIR/<GSTIN>/<MMYYYY>/gstr2a.json` (default none).
    pub seed_dir: Option<PathBuf>,
    /// PEM private key (PKCS#8 or PKCS#1) to use instead of a generated one (default none).
    pub key_path: Option<PathBuf>,
    /// PEM certificate matching `key_path` (default none: a self-signed one is made).
    pub cert_path: Option<PathBuf>,
    /// Where to write the certificate PEM at start (default none).
    pub cert_out: Option<PathBuf>,
    /// RSA key size when generating (default 2048).
    pub key_bits: usize,
    /// A directory where the sandbox keeps its key pair (`key.pem`, `cert.pem`) and its live
    /// sessions (`sessions.json`) and restores them at start, so a token issued before a
    /// restart stays valid until its own expiry (default none: nothing is kept). It holds
    /// secrets of the sandbox's own sessions (app keys, session keys), in owner-only files.
    /// GSTR2 returns are not kept. `key_path` wins over the dir's key. See
    /// [`crate::persist`].
    pub state_dir: Option<PathBuf>,
    /// The largest request body accepted, in bytes (default 5 MiB); larger ones get HTTP 413
    /// with `RET11406`. GSTN's own limit is unconfirmed.
    pub max_body_bytes: usize,
    /// A GSTR-2B with more documents than this (default 1000, `docdata` and `docRejdata`
    /// together) is answered in parts: GET2B without `file_num` gives the summaries and the
    /// file count (`fc`), `file_num` 1 to `fc` give at most this many documents each. GSTN's
    /// own limit is unconfirmed.
    pub gstr2b_documents_per_file: usize,
    /// How long GET2B answers `RTN_24` (queued, with `retryTimeInMinutes`) after a GEN2B
    /// (default 200 ms).
    pub gstr2b_queue_time: Duration,
    /// A file of IMS records to start with (default none): a JSON object with `gstin` and the
    /// GETINV sections as keys (`b2b`, `b2ba`, `b2bcn`, `b2bcna`, `b2bdn`, `b2bdna`), records in
    /// the GETINV shape. Without it, a taxpayer's IMS records come from
    /// `seed_dir/<GSTIN>/ims.json` if there is one, or are empty until seeded
    /// ([`crate::SandboxState::seed_ims`]). See [`crate::ims`].
    pub ims_file: Option<PathBuf>,
}

/// Fault injection: how often and how the sandbox misbehaves. It never loses what it
/// acknowledged: faults are decided before a request is applied, and a dropped response after
/// a save leaves the save idempotent for a retry with the same `txn`.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Faults {
    /// Share (0 to 1) of requests answered 503 before anything is done (`TEC4001` on
    /// `/authenticate`, `RET12501` on the returns paths).
    pub error_5xx: f64,
    /// Share (0 to 1) of requests whose connection is closed without any response. Half of the
    /// dropped saves are dropped after being applied (the retry with the same `txn` gets the
    /// same `reference_id`), the others before.
    pub drop: f64,
    /// Latency added to every request.
    pub latency: Duration,
    /// Share (0 to 1) of authenticated requests that find their session expired early
    /// (`AUTH4038`), which ends the session.
    pub expire_session: f64,
    /// Seed of the fault dice (default 0), so a run can be repeated.
    pub seed: u64,
    /// Tokens stop working after this long, whatever `expiry` announced (default none): a
    /// session that expires early, deterministically. Requests and REFRESHTOKEN then get
    /// `AUTH4038`.
    pub expire_after: Option<Duration>,
}

impl Faults {
    /// Whether any fault is configured.
    pub fn any(&self) -> bool {
        self.error_5xx > 0.0
            || self.drop > 0.0
            || self.expire_session > 0.0
            || !self.latency.is_zero()
            || self.expire_after.is_some()
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            client_id: DEFAULT_CLIENT_ID.into(),
            client_secret: DEFAULT_CLIENT_SECRET.into(),
            otp: DEFAULT_OTP.into(),
            evc_otp: DEFAULT_OTP.into(),
            token_lifetime: Duration::from_secs(6 * 3600),
            session_max: Duration::from_secs(30 * 24 * 3600),
            users: None,
            processing_delay: Duration::from_millis(50),
            processing_polls: 1,
            large_file_threshold: 500,
            documents_per_file: 250,
            file_queue_time: Duration::from_millis(200),
            faults: Faults::default(),
            gstr2a_seed: Some(1),
            gstr2a_documents: 12,
            seed_dir: None,
            key_path: None,
            cert_path: None,
            cert_out: None,
            key_bits: 2048,
            state_dir: None,
            max_body_bytes: 5 * 1024 * 1024,
            gstr2b_documents_per_file: 1000,
            gstr2b_queue_time: Duration::from_millis(200),
            ims_file: None,
        }
    }
}

impl std::fmt::Debug for SandboxConfig {
    /// Hides the client secret and the OTPs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxConfig")
            .field("port", &self.port)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("otp", &"***")
            .field("evc_otp", &"***")
            .field("token_lifetime", &self.token_lifetime)
            .field("session_max", &self.session_max)
            .field("users", &self.users)
            .field("processing_delay", &self.processing_delay)
            .field("processing_polls", &self.processing_polls)
            .field("large_file_threshold", &self.large_file_threshold)
            .field("documents_per_file", &self.documents_per_file)
            .field("file_queue_time", &self.file_queue_time)
            .field("faults", &self.faults)
            .field("gstr2a_seed", &self.gstr2a_seed)
            .field("gstr2a_documents", &self.gstr2a_documents)
            .field("seed_dir", &self.seed_dir)
            .field("key_path", &self.key_path)
            .field("cert_path", &self.cert_path)
            .field("cert_out", &self.cert_out)
            .field("key_bits", &self.key_bits)
            .field("state_dir", &self.state_dir)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("gstr2b_documents_per_file", &self.gstr2b_documents_per_file)
            .field("gstr2b_queue_time", &self.gstr2b_queue_time)
            .field("ims_file", &self.ims_file)
            .finish()
    }
}

impl SandboxConfig {
    /// Sets the size of a generated RSA key (1024 starts much faster in debug builds).
    pub fn with_key_bits(mut self, bits: usize) -> Self {
        self.key_bits = bits;
        self
    }

    /// Sets the EVC OTP for filing.
    pub fn with_evc_otp(mut self, otp: impl Into<String>) -> Self {
        self.evc_otp = otp.into();
        self
    }

    /// Sets about how many B2B invoices a generated GSTR2A holds.
    pub fn with_gstr2a_documents(mut self, documents: usize) -> Self {
        self.gstr2a_documents = documents;
        self
    }

    /// Uses this PEM private key and certificate instead of generated ones.
    pub fn with_key_files(mut self, key: impl Into<PathBuf>, cert: impl Into<PathBuf>) -> Self {
        self.key_path = Some(key.into());
        self.cert_path = Some(cert.into());
        self
    }

    /// Keeps the key pair and the live sessions in `dir` across restarts
    /// ([`SandboxConfig::state_dir`]).
    ///
    /// ```no_run
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use gstn_sandbox::{spawn, SandboxConfig};
    ///
    /// let config = SandboxConfig::default().with_state_dir("target/sandbox-state");
    /// let first = spawn(config.clone()).await?;
    /// // ... a client logs in and keeps its token ...
    /// first.shutdown().await;
    /// // Same key, same sessions: the client's token still works, without an OTP.
    /// let second = spawn(config).await?;
    /// # second.shutdown().await;
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// Writes the certificate PEM to this path at start.
    pub fn with_cert_out(mut self, path: impl Into<PathBuf>) -> Self {
        self.cert_out = Some(path.into());
        self
    }

    /// Sets the TCP port.
    pub fn with_port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Sets the accepted client id and secret.
    pub fn with_client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    /// Sets the login OTP.
    pub fn with_otp(mut self, otp: impl Into<String>) -> Self {
        self.otp = otp.into();
        self
    }

    /// Sets the token lifetime.
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Sets the session maximum.
    pub fn with_session_max(mut self, max: Duration) -> Self {
        self.session_max = max;
        self
    }

    /// Sets the RETSTATUS processing delay and the number of `IP` polls.
    pub fn with_processing(mut self, delay: Duration, polls: u32) -> Self {
        self.processing_delay = delay;
        self.processing_polls = polls;
        self
    }

    /// Sets the large-file threshold, documents per file and queued time.
    pub fn with_large_files(mut self, threshold: usize, per_file: usize, queue: Duration) -> Self {
        self.large_file_threshold = threshold;
        self.documents_per_file = per_file;
        self.file_queue_time = queue;
        self
    }

    /// Sets the documents per GSTR-2B part ([`SandboxConfig::gstr2b_documents_per_file`]) and
    /// how long GET2B answers `RTN_24` after a GEN2B.
    pub fn with_gstr2b(mut self, documents_per_file: usize, queue: Duration) -> Self {
        self.gstr2b_documents_per_file = documents_per_file;
        self.gstr2b_queue_time = queue;
        self
    }

    /// Starts with the IMS records of this file ([`SandboxConfig::ims_file`]).
    pub fn with_ims_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ims_file = Some(path.into());
        self
    }

    /// Sets the fault injection.
    pub fn with_faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Sets the GSTR2A seed number.
    pub fn with_gstr2a_seed(mut self, seed: u64) -> Self {
        self.gstr2a_seed = Some(seed);
        self
    }

    /// Sets the seed folder.
    pub fn with_seed_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.seed_dir = Some(dir.into());
        self
    }

    /// Restricts the users and the GSTINs each may act for.
    pub fn with_user(
        mut self,
        username: impl Into<String>,
        gstins: impl IntoIterator<Item = Gstin>,
    ) -> Self {
        self.users
            .get_or_insert_with(BTreeMap::new)
            .entry(username.into())
            .or_default()
            .extend(gstins);
        self
    }

    /// Checks ranges: shares within 0 to 1, a positive file size.
    pub fn validate(&self) -> Result<(), crate::SandboxError> {
        let share = |field: &'static str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(crate::SandboxError::Config {
                    field,
                    reason: format!("{v} is not a share between 0 and 1"),
                })
            }
        };
        share("faults.error_5xx", self.faults.error_5xx)?;
        share("faults.drop", self.faults.drop)?;
        share("faults.expire_session", self.faults.expire_session)?;
        if self.faults.error_5xx + self.faults.drop > 1.0 {
            return Err(crate::SandboxError::Config {
                field: "faults",
                reason: "error_5xx + drop exceeds 1".into(),
            });
        }
        if self.gstr2b_documents_per_file == 0 {
            return Err(crate::SandboxError::Config {
                field: "gstr2b_documents_per_file",
                reason: "must be at least 1".into(),
            });
        }
        if self.documents_per_file == 0 {
            return Err(crate::SandboxError::Config {
                field: "documents_per_file",
                reason: "must be at least 1".into(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults the fields' docs (and the README's table of options) state.
    #[test]
    fn defaults_are_the_documented_ones() {
        let (ms, s) = (Duration::from_millis, Duration::from_secs);
        let c = SandboxConfig::default();
        assert_eq!(
            (c.port, c.client_id.as_str(), c.client_secret.as_str()),
            (0, "sandbox-client", "sandbox-secret")
        );
        assert_eq!((c.otp.as_str(), c.evc_otp.as_str()), ("575757", "575757"));
        assert_eq!(
            (c.token_lifetime, c.session_max),
            (s(6 * 3600), s(30 * 24 * 3600))
        );
        assert_eq!((c.processing_delay, c.processing_polls), (ms(50), 1));
        assert_eq!(
            (
                c.large_file_threshold,
                c.documents_per_file,
                c.file_queue_time
            ),
            (500, 250, ms(200))
        );
        assert_eq!((c.gstr2a_seed, c.gstr2a_documents), (Some(1), 12));
        assert_eq!((c.key_bits, c.max_body_bytes), (2048, 5 * 1024 * 1024));
        assert_eq!(
            (c.gstr2b_documents_per_file, c.gstr2b_queue_time),
            (1000, ms(200))
        );
        assert!(!c.faults.any() && c.faults.seed == 0);
        assert!(c.users.is_none() && c.seed_dir.is_none() && c.state_dir.is_none());
        assert!(c.key_path.is_none() && c.cert_path.is_none() && c.cert_out.is_none());
        assert!(c.ims_file.is_none());
    }
}
