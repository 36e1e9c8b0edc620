//! [`SandboxState`]: the sandbox's memory, shared by every connection.
//!
//! Returns live per GSTIN and period, each behind its own lock (a map lock is held only to find
//! or create a return). Sessions, large-file jobs and counters have a lock each. No lock is held
//! across an `await`.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use gstn_proto::envelope::GstnError;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::keys::{GstnPrivateKey, GstnPublicKey};
use gstn_proto::secret::{AppKey, FileKey, SessionKey};
use gstn_proto::Action;
use gstr2_model::amount::AmountOverflow;
use gstr2_model::gstr2a::Gstr2a;
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ims::ImsRecords;
use gstr2_model::summary::Gstr2Summary;
use gstr2_model::{Gstin, Gstr2Payload, ReturnPeriod};
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::config::SandboxConfig;
use crate::error::SandboxError;
use crate::ims::Taxpayer;
use crate::persist::StateDir;
use crate::save::{Problem, SaveOutcome};
use crate::sections::Sections;

/// Locks a mutex, recovering the data if a thread panicked while holding it (the sandbox's
/// state stays usable; every update is applied whole under the lock).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One acknowledged request that RETSTATUS reports on.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    /// `SAVE`, `SUBMIT`.
    pub action: &'static str,
    pub created: Instant,
    pub polls: u32,
    /// `None` while the save waits to be processed.
    pub outcome: Option<SaveOutcome>,
}

/// An acknowledged save waiting to be processed.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub reference: String,
    pub ready_at: Instant,
    /// The decrypted save payload.
    pub payload: Vec<u8>,
}

/// A GSTR2 return of one GSTIN and period.
#[derive(Debug, Default)]
pub(crate) struct ReturnState {
    pub sections: Sections,
    pub gstr2a: Option<Arc<Gstr2a>>,
    /// RETSTATUS jobs by reference id.
    pub jobs: BTreeMap<String, Job>,
    /// Acknowledged saves not yet processed, in the order they were acknowledged.
    pub pending: VecDeque<Pending>,
    /// Acknowledged requests by (`txn`, SHA-256 of the plaintext body): the answer given.
    pub answered: BTreeMap<(String, [u8; 32]), serde_json::Value>,
    /// The RETSUBMIT reference id once submitted.
    pub submitted: Option<String>,
    /// The RETFILE acknowledgement number once filed.
    pub filed: Option<String>,
}

/// A logged-in session.
pub(crate) struct Session {
    pub username: String,
    pub app_key: AppKey,
    pub ends: Instant,
    /// GSTINs for which EVCOTP was requested in this session.
    pub evc_requested: BTreeSet<Gstin>,
}

/// An auth token of a session.
pub(crate) struct Token {
    pub session: u64,
    pub session_key: SessionKey,
    pub expires: Instant,
}

#[derive(Default)]
pub(crate) struct Sessions {
    pub next_id: u64,
    pub sessions: BTreeMap<u64, Session>,
    /// Tokens by the SHA-256 of their text ([`token_id`]): the tokens themselves are not kept.
    pub tokens: BTreeMap<[u8; 32], Token>,
    /// Usernames with an OTP sent and not yet used.
    pub otp_sent: BTreeSet<String>,
}

/// The key of a token in [`Sessions::tokens`]: its SHA-256, so the sandbox holds no usable
/// token after handing it out.
pub(crate) fn token_id(token: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes()).into()
}

impl Sessions {
    /// Ends a session and every token of it.
    pub(crate) fn end(&mut self, id: u64) {
        self.sessions.remove(&id);
        self.tokens.retain(|_, t| t.session != id);
    }
}

/// A large download (a GSTR2A section, IMS records) prepared under a token.
pub(crate) struct FileJob {
    pub gstin: Gstin,
    /// The return period of a GSTR2A section; `None` for IMS records.
    pub period: Option<ReturnPeriod>,
    pub ready_at: Instant,
    pub key: FileKey,
    /// `(invoice count, tar.gz bytes)` per file.
    pub files: Vec<(usize, Vec<u8>)>,
}

/// Every return, by GSTIN and period.
pub(crate) type Returns = BTreeMap<(Gstin, ReturnPeriod), Arc<Mutex<ReturnState>>>;

/// The keys the sandbox plays GSTN with.
pub(crate) struct Keys {
    pub private: GstnPrivateKey,
    pub public: GstnPublicKey,
}

/// The sandbox's state: configuration, keys, returns, sessions. Cheap to clone (shared).
#[derive(Clone)]
pub struct SandboxState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for SandboxState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxState")
            .field("port", &self.inner.config.port)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub config: SandboxConfig,
    pub keys: Keys,
    pub returns: Mutex<Returns>,
    pub sessions: Mutex<Sessions>,
    pub files: Mutex<BTreeMap<String, FileJob>>,
    pub counters: Mutex<BTreeMap<String, u64>>,
    /// Each taxpayer's IMS and GSTR-2B, by GSTIN ([`crate::ims`]).
    pub ims: Mutex<BTreeMap<Gstin, Arc<Mutex<Taxpayer>>>>,
    /// GSTN errors to answer instead of the next requests of an action
    /// ([`SandboxState::fail_next`]).
    pub injected: Mutex<BTreeMap<String, VecDeque<GstnError>>>,
    pub rng: Mutex<StdRng>,
    pub next_reference: AtomicU64,
    /// Where sessions are kept across restarts, if anywhere.
    pub state_dir: Option<StateDir>,
}

/// Generated key pairs, one per key size per process: RSA key generation is slow in debug
/// builds, and every sandbox of a test run may share one.
fn generated_keys(bits: usize) -> Result<(GstnPrivateKey, GstnPublicKey), SandboxError> {
    static CACHE: OnceLock<Mutex<BTreeMap<usize, (GstnPrivateKey, GstnPublicKey)>>> =
        OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(BTreeMap::new()));
    let mut cache = lock(cache);
    if let Some(pair) = cache.get(&bits) {
        return Ok(pair.clone());
    }
    let private = GstnPrivateKey::generate(bits).map_err(SandboxError::Key)?;
    let now = chrono::Utc::now();
    let public = private
        .self_signed_certificate(
            "GSTN sandbox (gstn-sandbox, not GSTN)",
            now - chrono::Duration::days(1),
            now + chrono::Duration::days(3650),
        )
        .map_err(SandboxError::Key)?;
    cache.insert(bits, (private.clone(), public.clone()));
    Ok((private, public))
}

fn read(path: &std::path::Path) -> Result<String, SandboxError> {
    std::fs::read_to_string(path).map_err(|source| SandboxError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Checks that a certificate belongs to a private key: an app key wrapped with the certificate
/// must unwrap with the key.
fn check_pair(keys: Keys) -> Result<Keys, SandboxError> {
    let probe = AppKey::generate();
    let matches = keys
        .public
        .encrypt_app_key(&probe)
        .ok()
        .and_then(|wrapped| keys.private.decrypt_app_key(&wrapped).ok())
        .is_some_and(|back| back.ct_eq(&probe));
    if matches {
        Ok(keys)
    } else {
        Err(SandboxError::Config {
            field: "cert_path",
            reason: "the certificate's public key is not the private key's".into(),
        })
    }
}

fn load_keys(config: &SandboxConfig) -> Result<Keys, SandboxError> {
    match (&config.key_path, &config.cert_path) {
        (Some(key), Some(cert)) => {
            let private = GstnPrivateKey::from_pem(&read(key)?).map_err(SandboxError::Key)?;
            let public = GstnPublicKey::from_pem(&read(cert)?).map_err(SandboxError::Key)?;
            check_pair(Keys { private, public })
        }
        (Some(key), None) => {
            let private = GstnPrivateKey::from_pem(&read(key)?).map_err(SandboxError::Key)?;
            let now = chrono::Utc::now();
            let public = private
                .self_signed_certificate(
                    "GSTN sandbox (gstn-sandbox, not GSTN)",
                    now - chrono::Duration::days(1),
                    now + chrono::Duration::days(3650),
                )
                .map_err(SandboxError::Key)?;
            Ok(Keys { private, public })
        }
        (None, Some(_)) => Err(SandboxError::Config {
            field: "cert_path",
            reason: "a certificate needs its private key (key_path)".into(),
        }),
        (None, None) => {
            let (private, public) = generated_keys(config.key_bits)?;
            Ok(Keys { private, public })
        }
    }
}

impl SandboxState {
    /// Makes the state: checks the configuration, loads or generates the key pair and
    /// certificate, and writes the certificate to `cert_out` if set.
    pub fn new(config: SandboxConfig) -> Result<SandboxState, SandboxError> {
        config.validate()?;
        let state_dir = config
            .state_dir
            .as_deref()
            .map(StateDir::open)
            .transpose()?;
        let keys = match &state_dir {
            // Key files given explicitly win over the state dir's.
            Some(dir) if config.key_path.is_none() && config.cert_path.is_none() => {
                dir.keys(|| load_keys(&config), check_pair)?
            }
            _ => load_keys(&config)?,
        };
        let sessions = state_dir
            .as_ref()
            .map(StateDir::load_sessions)
            .unwrap_or_default();
        if let Some(out) = &config.cert_out {
            std::fs::write(out, keys.public.certificate_pem()).map_err(|source| {
                SandboxError::Io {
                    path: out.clone(),
                    source,
                }
            })?;
        }
        let mut ims = BTreeMap::new();
        if let Some(path) = &config.ims_file {
            let (gstin, records) = crate::ims::load_file(path)?;
            let taxpayer = Taxpayer {
                records,
                ..Taxpayer::default()
            };
            ims.insert(gstin, Arc::new(Mutex::new(taxpayer)));
        }
        let rng = StdRng::seed_from_u64(config.faults.seed);
        Ok(SandboxState {
            inner: Arc::new(Inner {
                config,
                keys,
                returns: Mutex::new(BTreeMap::new()),
                sessions: Mutex::new(sessions),
                files: Mutex::new(BTreeMap::new()),
                counters: Mutex::new(BTreeMap::new()),
                ims: Mutex::new(ims),
                injected: Mutex::new(BTreeMap::new()),
                rng: Mutex::new(rng),
                next_reference: AtomicU64::new(1),
                state_dir,
            }),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &SandboxConfig {
        &self.inner.config
    }

    /// The certificate (PEM) whose public key clients wrap their app key with.
    pub fn certificate_pem(&self) -> String {
        self.inner.keys.public.certificate_pem()
    }

    /// What the return of `gstin` for `period` holds once every acknowledged save is
    /// processed, in the save payload's shape; `None` if nothing was ever saved or asked for it.
    pub fn stored_payload(&self, gstin: Gstin, period: ReturnPeriod) -> Option<Gstr2Payload> {
        let ret = lock(&self.inner.returns).get(&(gstin, period)).cloned()?;
        let mut ret = lock(&ret);
        self.inner.settle(&mut ret, gstin, period, true);
        Some(ret.sections.to_payload(gstin, period))
    }

    /// The summary RETSUM answers once every acknowledged save is processed. Errors: the saved
    /// amounts add up beyond what a decimal holds (RETSUM then answers `RET11403`).
    pub fn summary(
        &self,
        gstin: Gstin,
        period: ReturnPeriod,
    ) -> Result<Gstr2Summary, AmountOverflow> {
        let ret = self.inner.return_state(gstin, period);
        let mut ret = lock(&ret);
        self.inner.settle(&mut ret, gstin, period, true);
        crate::summary::compute(&ret.sections, gstin, period)
    }

    /// Replaces the GSTR2A of `gstin` for `period` (checksums filled in where missing).
    pub fn seed_gstr2a(&self, gstin: Gstin, period: ReturnPeriod, mut gstr2a: Gstr2a) {
        crate::gstr2a::fill_checksums(&mut gstr2a);
        gstr2a.gstin = Some(gstin);
        gstr2a.fp = Some(period);
        let ret = self.inner.return_state(gstin, period);
        lock(&ret).gstr2a = Some(Arc::new(gstr2a));
    }

    /// The GSTR2A the sandbox holds (seeded, loaded or generated) for `gstin` and `period`.
    pub fn gstr2a(&self, gstin: Gstin, period: ReturnPeriod) -> Result<Arc<Gstr2a>, SandboxError> {
        let ret = self.inner.return_state(gstin, period);
        let mut ret = lock(&ret);
        self.inner.gstr2a_of(&mut ret, gstin, period)
    }

    /// How many requests of an action (`RETSAVE`, `AUTHTOKEN`, …) were answered, faults
    /// included; also `fault:5xx`, `fault:drop-before`, `fault:drop-after`,
    /// `fault:expire-session` for the injected faults.
    pub fn request_count(&self, action: &str) -> u64 {
        lock(&self.inner.counters).get(action).copied().unwrap_or(0)
    }

    /// Every counter ([`SandboxState::request_count`]) in name order.
    pub fn counters(&self) -> BTreeMap<String, u64> {
        lock(&self.inner.counters).clone()
    }

    /// Whether the return was submitted (RETSUBMIT) and its acknowledgement number if filed.
    pub fn return_status(&self, gstin: Gstin, period: ReturnPeriod) -> (bool, Option<String>) {
        let ret = self.inner.return_state(gstin, period);
        let ret = lock(&ret);
        (ret.submitted.is_some(), ret.filed.clone())
    }

    /// Replaces the IMS records of `gstin` (see [`crate::ims`]); the GSTR-2Bs generated
    /// before stay until the next GEN2B.
    pub fn seed_ims(&self, gstin: Gstin, mut records: ImsRecords) {
        records.gstin = Some(gstin);
        let taxpayer = self.inner.taxpayer_or_empty(gstin);
        let mut t = lock(&taxpayer);
        t.records = records;
        t.version += 1;
    }

    /// The IMS records of `gstin` as they stand once every acknowledged SAVE and RESET is
    /// processed; errors: a seed file that cannot be read.
    pub fn ims_records(&self, gstin: Gstin) -> Result<ImsRecords, SandboxError> {
        let taxpayer = self.inner.taxpayer(gstin)?;
        let mut t = lock(&taxpayer);
        let applied = t.settle(true);
        self.inner.count_n("ims:applied", applied);
        Ok(t.records.clone())
    }

    /// Makes GSTR-2B of `period` not applicable to `gstin` (a quarterly filer's first two
    /// months): GET2B and GEN2B answer `GTR2B-001`.
    pub fn set_gstr2b_not_applicable(&self, gstin: Gstin, period: ReturnPeriod) {
        let taxpayer = self.inner.taxpayer_or_empty(gstin);
        lock(&taxpayer).not_applicable.insert(period);
    }

    /// The GSTR-2B of `gstin` for `period` as the last GEN2B made it (whole, not paged), or
    /// `None` if none was generated.
    pub fn gstr2b(&self, gstin: Gstin, period: ReturnPeriod) -> Option<Gstr2b> {
        let taxpayer = self.inner.taxpayer(gstin).ok()?;
        let generated = lock(&taxpayer).generated.get(&period).cloned()?;
        let answer = serde_json::json!({"chksum": generated.checksum, "data": *generated.data});
        Gstr2b::from_json(&serde_json::to_vec(&answer).ok()?).ok()
    }

    /// Answers the next `times` requests of `action` on the GSTR-2B and IMS paths with GSTN's
    /// error `code` (its standard message) instead of doing them: a way to show a client the
    /// answers the sandbox does not produce by itself (`RET2B1023`, `RET2B1016`, …). Counted
    /// as `injected:<code>`.
    pub fn fail_next(&self, action: Action, code: ErrorCode, times: usize) {
        let mut injected = lock(&self.inner.injected);
        let queue = injected.entry(action.as_str().to_owned()).or_default();
        queue.extend(std::iter::repeat_n(GstnError::new(code), times));
    }

    /// The number of live sessions.
    pub fn session_count(&self) -> usize {
        lock(&self.inner.sessions).sessions.len()
    }

    /// The state dir in use ([`SandboxConfig::state_dir`]), if any.
    pub fn state_dir(&self) -> Option<&std::path::Path> {
        self.inner.state_dir.as_ref().map(StateDir::path)
    }
}

impl Inner {
    /// Keeps `sessions` in the state dir, if there is one. Called with the sessions lock held,
    /// right after each change (OTP sent, login, refresh, logout, expiry, EVC OTP), so the
    /// file follows the changes in order.
    pub(crate) fn sessions_changed(&self, sessions: &Sessions) {
        if let Some(dir) = &self.state_dir {
            dir.save_sessions(sessions);
        }
    }

    pub(crate) fn count(&self, name: &str) {
        self.count_n(name, 1);
    }

    pub(crate) fn count_n(&self, name: &str, n: u64) {
        if n > 0 {
            *lock(&self.counters).entry(name.to_owned()).or_insert(0) += n;
        }
    }

    /// The error injected for the next request of `action`, if any ([`SandboxState::fail_next`]).
    pub(crate) fn injected(&self, action: &str) -> Option<GstnError> {
        let error = lock(&self.injected).get_mut(action)?.pop_front()?;
        self.count(&format!("injected:{}", error.error_code));
        Some(error)
    }

    /// The IMS and GSTR-2B of `gstin`: as held, or loaded from `seed_dir/<GSTIN>/ims.json`, or
    /// empty.
    pub(crate) fn taxpayer(&self, gstin: Gstin) -> Result<Arc<Mutex<Taxpayer>>, SandboxError> {
        if let Some(t) = lock(&self.ims).get(&gstin) {
            return Ok(t.clone());
        }
        let seeded = match &self.config.seed_dir {
            Some(dir) => crate::ims::load_seeded(dir, gstin)?,
            None => None,
        };
        let mut map = lock(&self.ims);
        let t = map.entry(gstin).or_insert_with(|| {
            Arc::new(Mutex::new(Taxpayer {
                records: seeded.unwrap_or_default(),
                ..Taxpayer::default()
            }))
        });
        Ok(t.clone())
    }

    /// [`Inner::taxpayer`], an empty one where the seed file cannot be read.
    pub(crate) fn taxpayer_or_empty(&self, gstin: Gstin) -> Arc<Mutex<Taxpayer>> {
        self.taxpayer(gstin).unwrap_or_else(|e| {
            tracing::warn!("{e}");
            lock(&self.ims).entry(gstin).or_default().clone()
        })
    }

    pub(crate) fn next_reference(&self, prefix: &str) -> String {
        let n = self.next_reference.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}{n:012}")
    }

    /// The return of `gstin` and `period`, created empty on first use.
    pub(crate) fn return_state(
        &self,
        gstin: Gstin,
        period: ReturnPeriod,
    ) -> Arc<Mutex<ReturnState>> {
        lock(&self.returns)
            .entry((gstin, period))
            .or_default()
            .clone()
    }

    /// Processes the acknowledged saves whose processing delay has passed (all of them when
    /// `force`), one after the other in the order they were acknowledged.
    pub(crate) fn settle(
        &self,
        ret: &mut ReturnState,
        gstin: Gstin,
        period: ReturnPeriod,
        force: bool,
    ) {
        let now = Instant::now();
        while ret
            .pending
            .front()
            .is_some_and(|p| force || now >= p.ready_at)
        {
            let Some(p) = ret.pending.pop_front() else {
                break;
            };
            let outcome = match self.gstr2a_of(ret, gstin, period) {
                Ok(gstr2a) => {
                    let (outcome, stats) =
                        crate::save::apply(&mut ret.sections, &p.payload, gstin, period, &gstr2a);
                    tracing::info!(
                        gstin = %gstin,
                        period = %period,
                        reference = %p.reference,
                        stored = stats.stored,
                        deleted = stats.deleted,
                        rejected = stats.rejected,
                        "RETSAVE processed"
                    );
                    outcome
                }
                Err(e) => SaveOutcome::Error(Problem {
                    code: chosen::RETURNS_SYSTEM_FAILURE,
                    message: format!("system failure: {e}"),
                }),
            };
            if let Some(job) = ret.jobs.get_mut(&p.reference) {
                job.outcome = Some(outcome);
            }
        }
    }

    /// The return's GSTR2A: seeded, else from the seed folder, else generated, else empty.
    pub(crate) fn gstr2a_of(
        &self,
        ret: &mut ReturnState,
        gstin: Gstin,
        period: ReturnPeriod,
    ) -> Result<Arc<Gstr2a>, SandboxError> {
        if let Some(g) = &ret.gstr2a {
            return Ok(g.clone());
        }
        let loaded = match &self.config.seed_dir {
            Some(dir) => crate::gstr2a::load_seeded(dir, gstin, period)?,
            None => None,
        };
        let g = match (loaded, self.config.gstr2a_seed) {
            (Some(g), _) => g,
            (None, Some(seed)) => {
                crate::gstr2a::generate(seed, gstin, period, self.config.gstr2a_documents)
            }
            (None, None) => Gstr2a {
                gstin: Some(gstin),
                fp: Some(period),
                ..Gstr2a::default()
            },
        };
        let g = Arc::new(g);
        ret.gstr2a = Some(g.clone());
        Ok(g)
    }
}
