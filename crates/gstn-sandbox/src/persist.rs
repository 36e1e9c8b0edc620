//! The state directory ([`SandboxConfig::state_dir`](crate::SandboxConfig::state_dir)): what
//! the sandbox keeps across restarts.
//!
//! | file | what | written |
//! |---|---|---|
//! | `key.pem` | the RSA private key (PKCS#8), owner-only | once, when the dir has none |
//! | `cert.pem` | its self-signed certificate | once, when the dir has none |
//! | `sessions.json` | live sessions and tokens, owner-only | after every session change |
//!
//! `sessions.json` holds secrets of the sandbox's own sessions: each session's app key and each
//! token's session key (`EK`), which the server needs to answer a token issued before a
//! restart. Tokens themselves are kept only as their SHA-256, as in memory. Every write goes to
//! a temporary file of the same directory, created `0600`, synced, then renamed over the old
//! one, so a crash leaves the old file or the new one, never half of one.
//!
//! Times are kept as Unix milliseconds (the in-memory `Instant`s do not survive a restart): a
//! token stays valid until its own expiry, a session until its own end, whatever happened in
//! between.
//!
//! A `key.pem` or `cert.pem` that cannot be read is an error at start naming the file (a
//! silently new key would change the certificate clients were given). A `sessions.json` that
//! cannot be read is set aside as `sessions.json.corrupt` with a warning naming both files, and
//! the sandbox starts with no sessions: clients then log in again with an OTP.
//!
//! GSTR2 returns (saved documents, submitted and filed state) are not kept: each start begins
//! with empty returns.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use gstn_proto::keys::{GstnPrivateKey, GstnPublicKey};
use gstn_proto::secret::{AppKey, SessionKey};
use gstr2_model::Gstin;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use crate::error::SandboxError;
use crate::state::{Keys, Session, Sessions, Token};

/// The private key's file name in the state dir.
pub const KEY_FILE: &str = "key.pem";
/// The certificate's file name in the state dir.
pub const CERT_FILE: &str = "cert.pem";
/// The sessions' file name in the state dir.
pub const SESSIONS_FILE: &str = "sessions.json";
/// Where an unreadable sessions file is moved at start.
pub const CORRUPT_SESSIONS_FILE: &str = "sessions.json.corrupt";

/// The version of `sessions.json` this code writes and reads.
const VERSION: u32 = 1;

/// Tokens are forgotten an hour after they expired (until then they answer "expired").
pub(crate) const TOKEN_GRACE: Duration = Duration::from_secs(3600);

/// An open state directory.
#[derive(Debug)]
pub(crate) struct StateDir {
    dir: PathBuf,
}

/// `sessions.json`.
#[derive(Serialize, Deserialize)]
struct SessionsFile {
    version: u32,
    next_id: u64,
    sessions: Vec<SessionRecord>,
    tokens: Vec<TokenRecord>,
    /// Usernames with an OTP sent and not yet used.
    otp_sent: Vec<String>,
}

/// One session; the app key in Base64, wiped on drop.
#[derive(Serialize, Deserialize)]
struct SessionRecord {
    id: u64,
    username: String,
    app_key: String,
    /// The session's end (REFRESHTOKEN's limit), Unix milliseconds.
    ends_unix_ms: i64,
    evc_requested: Vec<Gstin>,
}

/// One token: its SHA-256 in hex, and the session key in Base64, wiped on drop.
#[derive(Serialize, Deserialize)]
struct TokenRecord {
    token_sha256: String,
    session: u64,
    session_key: String,
    expires_unix_ms: i64,
}

impl Drop for SessionRecord {
    fn drop(&mut self) {
        self.app_key.zeroize();
    }
}

impl Drop for TokenRecord {
    fn drop(&mut self) {
        self.session_key.zeroize();
    }
}

/// The clocks at one moment: `Instant`s convert to and from Unix milliseconds through it.
#[derive(Clone, Copy)]
struct Clock {
    now: Instant,
    unix_ms: i64,
}

impl Clock {
    fn now() -> Clock {
        Clock {
            now: Instant::now(),
            unix_ms: chrono::Utc::now().timestamp_millis(),
        }
    }

    fn to_unix_ms(self, at: Instant) -> i64 {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        if at >= self.now {
            self.unix_ms.saturating_add(ms(at - self.now))
        } else {
            self.unix_ms.saturating_sub(ms(self.now - at))
        }
    }

    /// The `Instant` of a Unix time; a time too far in the past to be an `Instant` of this
    /// process becomes `now` (it has passed either way).
    fn to_instant(self, unix_ms: i64) -> Instant {
        let delta = Duration::from_millis(unix_ms.abs_diff(self.unix_ms));
        if unix_ms >= self.unix_ms {
            self.now.checked_add(delta).unwrap_or(self.now)
        } else {
            self.now.checked_sub(delta).unwrap_or(self.now)
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> SandboxError + '_ {
    move |source| SandboxError::Io {
        path: path.to_owned(),
        source,
    }
}

fn state_error(path: &Path, reason: impl Into<String>) -> SandboxError {
    SandboxError::State {
        path: path.to_owned(),
        reason: reason.into(),
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, created
/// owner-only (`0600` on Unix, as `tempfile` creates it), synced, renamed over `path`. The
/// temporary file is removed if anything fails. The client's token store writes the same way.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

impl StateDir {
    /// Opens `dir`, creating it (owner-only on Unix) if needed.
    pub(crate) fn open(dir: &Path) -> Result<StateDir, SandboxError> {
        if !dir.is_dir() {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt as _;
                builder.mode(0o700);
            }
            builder.create(dir).map_err(io_error(dir))?;
        }
        Ok(StateDir {
            dir: dir.to_owned(),
        })
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The key pair of the dir, or `make()`'s, written to the dir first.
    pub(crate) fn keys(
        &self,
        make: impl FnOnce() -> Result<Keys, SandboxError>,
        check: impl FnOnce(Keys) -> Result<Keys, SandboxError>,
    ) -> Result<Keys, SandboxError> {
        let key_path = self.file(KEY_FILE);
        let cert_path = self.file(CERT_FILE);
        match (key_path.exists(), cert_path.exists()) {
            (true, true) => {
                let key_pem = Zeroizing::new(
                    std::fs::read_to_string(&key_path).map_err(io_error(&key_path))?,
                );
                let private = GstnPrivateKey::from_pem(&key_pem)
                    .map_err(|e| state_error(&key_path, format!("not a private key: {e}")))?;
                let cert_pem = std::fs::read_to_string(&cert_path).map_err(io_error(&cert_path))?;
                let public = GstnPublicKey::from_pem(&cert_pem)
                    .map_err(|e| state_error(&cert_path, format!("not a certificate: {e}")))?;
                check(Keys { private, public }).map_err(|_| {
                    state_error(&cert_path, format!("not the certificate of {KEY_FILE}"))
                })
            }
            (false, false) => {
                let keys = make()?;
                let key_pem = keys.private.to_pkcs8_pem().map_err(SandboxError::Key)?;
                write_private(&key_path, key_pem.as_bytes()).map_err(io_error(&key_path))?;
                write_private(&cert_path, keys.public.certificate_pem().as_bytes())
                    .map_err(io_error(&cert_path))?;
                tracing::info!(dir = %self.dir.display(), "new sandbox key pair kept in the state dir");
                Ok(keys)
            }
            (true, false) => Err(state_error(
                &cert_path,
                format!("missing, while {KEY_FILE} is there (remove both for a new key pair)"),
            )),
            (false, true) => Err(state_error(
                &key_path,
                format!("missing, while {CERT_FILE} is there (remove both for a new key pair)"),
            )),
        }
    }

    /// The sessions kept in the dir, without the ended ones and the tokens expired for over an
    /// hour. No file: none. A file that cannot be read is moved to
    /// [`CORRUPT_SESSIONS_FILE`] with a warning, and no sessions are answered.
    pub(crate) fn load_sessions(&self) -> Sessions {
        let path = self.file(SESSIONS_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => Zeroizing::new(bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Sessions::default(),
            Err(e) => {
                self.set_aside(&path, &e.to_string());
                return Sessions::default();
            }
        };
        match decode_sessions(&bytes, Clock::now()) {
            Ok(sessions) => {
                tracing::info!(
                    file = %path.display(),
                    sessions = sessions.sessions.len(),
                    tokens = sessions.tokens.len(),
                    "sessions restored"
                );
                sessions
            }
            Err(reason) => {
                self.set_aside(&path, &reason);
                Sessions::default()
            }
        }
    }

    fn set_aside(&self, path: &Path, reason: &str) {
        let aside = self.file(CORRUPT_SESSIONS_FILE);
        match std::fs::rename(path, &aside) {
            Ok(()) => tracing::warn!(
                "state file {}: {reason}; moved to {}, starting with no sessions (clients log in again)",
                path.display(),
                aside.display()
            ),
            Err(e) => tracing::warn!(
                "state file {}: {reason}; starting with no sessions (clients log in again); \
                 it could not be moved aside: {e}",
                path.display()
            ),
        }
    }

    /// Writes the sessions to the dir; a failure is logged (the request that changed them has
    /// succeeded in memory either way).
    pub(crate) fn save_sessions(&self, sessions: &Sessions) {
        let path = self.file(SESSIONS_FILE);
        let written = encode_sessions(sessions, Clock::now())
            .map_err(|e| e.to_string())
            .and_then(|bytes| write_private(&path, &bytes).map_err(|e| e.to_string()));
        if let Err(e) = written {
            tracing::error!(
                "state file {}: cannot write the sessions: {e}",
                path.display()
            );
        }
    }
}

fn encode_sessions(
    sessions: &Sessions,
    clock: Clock,
) -> Result<Zeroizing<Vec<u8>>, serde_json::Error> {
    let file = SessionsFile {
        version: VERSION,
        next_id: sessions.next_id,
        sessions: sessions
            .sessions
            .iter()
            .map(|(id, s)| SessionRecord {
                id: *id,
                username: s.username.clone(),
                app_key: B64.encode(s.app_key.expose_secret()),
                ends_unix_ms: clock.to_unix_ms(s.ends),
                evc_requested: s.evc_requested.iter().copied().collect(),
            })
            .collect(),
        tokens: sessions
            .tokens
            .iter()
            .map(|(id, t)| TokenRecord {
                token_sha256: hex::encode(id),
                session: t.session,
                session_key: B64.encode(t.session_key.expose_secret()),
                expires_unix_ms: clock.to_unix_ms(t.expires),
            })
            .collect(),
        otp_sent: sessions.otp_sent.iter().cloned().collect(),
    };
    serde_json::to_vec_pretty(&file).map(Zeroizing::new)
}

fn key_bytes(field: &str, text: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    B64.decode(text)
        .map(Zeroizing::new)
        .map_err(|e| format!("{field}: not base64: {e}"))
}

fn decode_sessions(bytes: &[u8], clock: Clock) -> Result<Sessions, String> {
    // The file holds keys: the error says where and what kind of fault, never the value.
    let file: SessionsFile = gstr2_model::json::from_slice(bytes)
        .map_err(|e| format!("{}: {}", e.path().unwrap_or("."), e.fault()))?;
    if file.version != VERSION {
        return Err(format!(
            "version {} is not the version this sandbox reads ({VERSION})",
            file.version
        ));
    }
    let mut sessions = BTreeMap::new();
    for (i, s) in file.sessions.iter().enumerate() {
        let ends = clock.to_instant(s.ends_unix_ms);
        if clock.now >= ends {
            continue;
        }
        let app_key =
            AppKey::try_from_slice(&key_bytes(&format!("sessions[{i}].app_key"), &s.app_key)?)
                .map_err(|e| format!("sessions[{i}].app_key: {e}"))?;
        sessions.insert(
            s.id,
            Session {
                username: s.username.clone(),
                app_key,
                ends,
                evc_requested: s.evc_requested.iter().copied().collect::<BTreeSet<_>>(),
            },
        );
    }
    let mut tokens = BTreeMap::new();
    for (i, t) in file.tokens.iter().enumerate() {
        let id: [u8; 32] = hex::decode(&t.token_sha256)
            .ok()
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| format!("tokens[{i}].token_sha256: not 64 hex digits"))?;
        let expires = clock.to_instant(t.expires_unix_ms);
        if !sessions.contains_key(&t.session) || clock.now >= expires + TOKEN_GRACE {
            continue;
        }
        let session_key = SessionKey::try_from_slice(&key_bytes(
            &format!("tokens[{i}].session_key"),
            &t.session_key,
        )?)
        .map_err(|e| format!("tokens[{i}].session_key: {e}"))?;
        tokens.insert(
            id,
            Token {
                session: t.session,
                session_key,
                expires,
            },
        );
    }
    let max_id = sessions.keys().next_back().copied().unwrap_or(0);
    Ok(Sessions {
        next_id: file.next_id.max(max_id),
        sessions,
        tokens,
        otp_sent: file.otp_sent.iter().cloned().collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(clock: Clock) -> Sessions {
        let mut s = Sessions {
            next_id: 7,
            ..Sessions::default()
        };
        let gstin: Gstin = "27AAPFU0939F1ZV".parse().expect("a gstin");
        s.sessions.insert(
            7,
            Session {
                username: "asp_user".into(),
                app_key: AppKey::from_bytes([3; 32]),
                ends: clock.now + Duration::from_secs(86_400),
                evc_requested: [gstin].into_iter().collect(),
            },
        );
        s.sessions.insert(
            5,
            Session {
                username: "gone".into(),
                app_key: AppKey::from_bytes([4; 32]),
                ends: clock
                    .now
                    .checked_sub(Duration::from_secs(1))
                    .unwrap_or(clock.now),
                evc_requested: BTreeSet::new(),
            },
        );
        s.tokens.insert(
            [1; 32],
            Token {
                session: 7,
                session_key: SessionKey::from_bytes([9; 32]),
                expires: clock.now + Duration::from_secs(600),
            },
        );
        s.tokens.insert(
            [2; 32],
            Token {
                session: 5,
                session_key: SessionKey::from_bytes([8; 32]),
                expires: clock.now + Duration::from_secs(600),
            },
        );
        s.otp_sent.insert("asp_user".into());
        s
    }

    #[test]
    fn sessions_round_trip_without_the_ended_ones() {
        let clock = Clock::now();
        let bytes = encode_sessions(&sample(clock), clock).expect("encodes");
        // A minute later, in another process with another Instant origin.
        let later = Clock {
            now: Instant::now() + Duration::from_secs(3600),
            unix_ms: clock.unix_ms + 60_000,
        };
        let back = decode_sessions(&bytes, later).expect("decodes");
        assert_eq!(back.next_id, 7);
        assert_eq!(back.sessions.keys().copied().collect::<Vec<_>>(), vec![7]);
        let s = &back.sessions[&7];
        assert_eq!(s.username, "asp_user");
        assert!(s.app_key.ct_eq(&AppKey::from_bytes([3; 32])));
        assert_eq!(s.evc_requested.len(), 1);
        assert_eq!(back.tokens.len(), 1, "the ended session's token is dropped");
        let t = &back.tokens[&[1; 32]];
        assert!(t.session_key.ct_eq(&SessionKey::from_bytes([9; 32])));
        // 600 s after the first clock is 540 s after the later one.
        let left = t.expires.duration_since(later.now);
        assert!(
            (Duration::from_millis(539_900)..=Duration::from_millis(540_100)).contains(&left),
            "{left:?}"
        );
        assert!(back.otp_sent.contains("asp_user"));
    }

    #[test]
    fn the_file_holds_no_token_and_corruption_is_located() {
        let clock = Clock::now();
        let bytes = encode_sessions(&sample(clock), clock).expect("encodes");
        let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
        assert!(text.contains(&hex::encode([1u8; 32])), "the token's hash");
        assert!(!text.contains("auth_token"));
        let broken = text.replacen("\"session_key\": \"", "\"session_key\": \"!", 1);
        let e = decode_sessions(broken.as_bytes(), clock)
            .err()
            .expect("refused");
        assert!(e.starts_with("tokens[0].session_key: not base64"), "{e}");
        let e = decode_sessions(b"{\"version\":1,\"next_id\":\"x\"}", clock)
            .err()
            .expect("refused");
        assert!(e.starts_with("next_id:"), "{e}");
        let e = decode_sessions(
            b"{\"version\":2,\"next_id\":1,\"sessions\":[],\"tokens\":[],\"otp_sent\":[]}",
            clock,
        )
        .err()
        .expect("refused");
        assert!(e.contains("version 2"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_owner_only_and_replaced_whole() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("f.json");
        write_private(&path, b"one").expect("written");
        write_private(&path, b"two").expect("written again");
        assert_eq!(std::fs::read(&path).expect("read"), b"two");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("listed")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            names,
            vec![std::ffi::OsString::from("f.json")],
            "no temp left"
        );
    }
}
