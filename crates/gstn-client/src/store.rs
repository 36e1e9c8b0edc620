//! Where sessions are kept between runs: [`TokenStore`], [`MemoryTokenStore`] and
//! [`FileTokenStore`].
//!
//! The trait is synchronous: a store reads or writes one small record, and only at login,
//! refresh and logout.

use std::fmt;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use gstn_proto::{AppKey, AuthToken, SessionKey};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::session::Session;

/// A token store failed. Never carries a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Reading or writing the file failed.
    #[error("token file {path}: {action}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done (`read`, `write`, `rename`, ...).
        action: &'static str,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The file is readable or writable by others than its owner.
    #[error("token file {path} has mode {mode:o}; it must be readable by its owner only (0600)")]
    Permissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file is not a token record.
    #[error("token file {path}: invalid record at `{field}`: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// The JSON path or field that is wrong.
        field: String,
        /// What is wrong (never the value).
        message: String,
    },
    /// Another thread panicked while holding the store's lock.
    #[error("token store lock poisoned")]
    Poisoned,
}

/// Keeps one session between client instances and runs.
///
/// The client loads it when it connects ([`GstnClient::connect_with_stored`](crate::GstnClient::connect_with_stored)),
/// saves it after login and each refresh, and clears it at logout or when the session is found
/// expired. A stored session belongs to a user and GSTIN; the client ignores one that belongs to
/// another.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored session, if any.
    fn load(&self) -> Result<Option<Session>, StoreError>;
    /// Stores `session`, replacing any other.
    fn save(&self, session: &Session) -> Result<(), StoreError>;
    /// Forgets the stored session.
    fn clear(&self) -> Result<(), StoreError>;
}

/// A store in memory: sessions survive client instances, not the process.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    session: Mutex<Option<Session>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryTokenStore::default()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> Result<Option<Session>, StoreError> {
        Ok(self
            .session
            .lock()
            .map_err(|_| StoreError::Poisoned)?
            .clone())
    }

    fn save(&self, session: &Session) -> Result<(), StoreError> {
        *self.session.lock().map_err(|_| StoreError::Poisoned)? = Some(session.clone());
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        *self.session.lock().map_err(|_| StoreError::Poisoned)? = None;
        Ok(())
    }
}

/// A store in a JSON file, readable and writable by its owner only (mode 0600 on unix).
///
/// The file holds the user name, GSTIN, app key and session key (Base64), auth token, and when
/// the token was obtained and expires. Writes are atomic: a temporary file in the same
/// directory, created 0600, synced, then renamed over the old one. A file that others may read is
/// refused on load.
///
/// ```
/// use gstn_client::{FileTokenStore, TokenStore};
///
/// let dir = tempfile::tempdir()?;
/// let store = FileTokenStore::new(dir.path().join("gstn-token.json"));
/// assert!(store.load()?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

/// The file's record. Every field is wiped when it is dropped.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
struct Record {
    version: u32,
    username: String,
    gstin: String,
    app_key: String,
    session_key: String,
    auth_token: String,
    obtained_at: String,
    expires_at: String,
}

const RECORD_VERSION: u32 = 1;

impl FileTokenStore {
    /// A store in the file at `path` (created on first save).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn io(&self, action: &'static str) -> impl FnOnce(io::Error) -> StoreError + '_ {
        move |source| StoreError::Io {
            path: self.path.clone(),
            action,
            source,
        }
    }

    fn format(&self, field: &str, message: impl Into<String>) -> StoreError {
        StoreError::Format {
            path: self.path.clone(),
            field: field.to_owned(),
            message: message.into(),
        }
    }

    #[cfg(unix)]
    fn check_permissions(&self, file: &std::fs::File) -> Result<(), StoreError> {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file
            .metadata()
            .map_err(self.io("stat"))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(StoreError::Permissions {
                path: self.path.clone(),
                mode,
            });
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn check_permissions(&self, _file: &std::fs::File) -> Result<(), StoreError> {
        Ok(())
    }

    fn decode(&self, record: &Record) -> Result<Session, StoreError> {
        if record.version != RECORD_VERSION {
            return Err(self.format("version", format!("unknown version {}", record.version)));
        }
        let gstin = record
            .gstin
            .parse()
            .map_err(|e| self.format("gstin", format!("{e}")))?;
        let key = |field: &str, text: &str| -> Result<Zeroizing<Vec<u8>>, StoreError> {
            B64.decode(text)
                .map(Zeroizing::new)
                .map_err(|_| self.format(field, "not standard base64"))
        };
        let app_key = AppKey::try_from_slice(&key("app_key", &record.app_key)?)
            .map_err(|e| self.format("app_key", e.to_string()))?;
        let session_key = SessionKey::try_from_slice(&key("session_key", &record.session_key)?)
            .map_err(|e| self.format("session_key", e.to_string()))?;
        let auth_token = AuthToken::new(record.auth_token.as_str())
            .map_err(|e| self.format("auth_token", e.to_string()))?;
        let time = |field: &str, text: &str| -> Result<DateTime<Utc>, StoreError> {
            DateTime::parse_from_rfc3339(text)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| self.format(field, e.to_string()))
        };
        Ok(Session::from_parts(
            record.username.clone(),
            gstin,
            app_key,
            session_key,
            auth_token,
            time("obtained_at", &record.obtained_at)?,
            time("expires_at", &record.expires_at)?,
        ))
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> Result<Option<Session>, StoreError> {
        let mut file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io("open")(e)),
        };
        self.check_permissions(&file)?;
        let mut bytes = Zeroizing::new(Vec::new());
        io::Read::read_to_end(&mut file, &mut bytes).map_err(self.io("read"))?;
        // The error's message may quote the offending value: say only what kind of fault.
        let record: Record = gstr2_model::json::from_slice(&bytes)
            .map_err(|e| self.format(e.path().unwrap_or("."), e.fault()))?;
        self.decode(&record).map(Some)
    }

    fn save(&self, session: &Session) -> Result<(), StoreError> {
        let record = Record {
            version: RECORD_VERSION,
            username: session.username().to_owned(),
            gstin: session.gstin().to_string(),
            app_key: B64.encode(session.app_key().expose_secret()),
            session_key: B64.encode(session.session_key().expose_secret()),
            auth_token: session.auth_token().expose_secret().to_owned(),
            obtained_at: session.obtained_at().to_rfc3339(),
            expires_at: session.expires_at().to_rfc3339(),
        };
        let bytes = Zeroizing::new(
            serde_json::to_vec_pretty(&record).map_err(|e| self.format(".", e.to_string()))?,
        );
        let dir = match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // tempfile creates the file with mode 0600 on unix.
        let mut temp = tempfile::Builder::new()
            .prefix(".gstn-token-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(self.io("create temporary file"))?;
        temp.write_all(&bytes).map_err(self.io("write"))?;
        temp.as_file().sync_all().map_err(self.io("sync"))?;
        temp.persist(&self.path)
            .map_err(|e| self.io("rename")(e.error))?;
        Ok(())
    }

    fn clear(&self) -> Result<(), StoreError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io("remove")(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        Session::from_parts(
            "asp_user",
            "27AAPFU0939F1ZV".parse().unwrap(),
            AppKey::from_bytes([0xA1; 32]),
            SessionKey::from_bytes([0xB2; 32]),
            AuthToken::new("tok-0123456789").unwrap(),
            now,
            now + chrono::Duration::hours(6),
        )
    }

    fn same(a: &Session, b: &Session) -> bool {
        a.username() == b.username()
            && a.gstin() == b.gstin()
            && a.app_key().ct_eq(b.app_key())
            && a.session_key().ct_eq(b.session_key())
            && a.auth_token().ct_eq(b.auth_token())
            && a.obtained_at() == b.obtained_at()
            && a.expires_at() == b.expires_at()
    }

    #[test]
    fn memory_store_round_trip_and_clear() {
        let store = MemoryTokenStore::new();
        assert!(store.load().unwrap().is_none());
        store.save(&session()).unwrap();
        assert!(same(&store.load().unwrap().unwrap(), &session()));
        store.clear().unwrap();
        assert!(store.load().unwrap().is_none());
    }

    #[test]
    fn file_store_round_trip_replace_and_clear() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileTokenStore::new(dir.path().join("token.json"));
        assert!(store.load().unwrap().is_none());
        store.save(&session()).unwrap();
        assert!(same(&store.load().unwrap().unwrap(), &session()));
        // A second save replaces the first, leaving no temporary file behind.
        store.save(&session()).unwrap();
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("token.json")]);
        store.clear().unwrap();
        store.clear().unwrap();
        assert!(store.load().unwrap().is_none());
    }

    #[cfg(unix)]
    #[test]
    fn file_store_is_owner_only_and_refuses_a_shared_file() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        let store = FileTokenStore::new(&path);
        store.save(&session()).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = store.load().unwrap_err();
        assert!(
            matches!(err, StoreError::Permissions { mode: 0o644, .. }),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_file_says_which_field_without_the_value() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        let store = FileTokenStore::new(&path);
        store.save(&session()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let damaged = text.replace(&B64.encode([0xB2u8; 32]), "c2hvcnQ=");
        std::fs::write(&path, damaged).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let err = store.load().unwrap_err().to_string();
        assert!(err.contains("session_key"), "{err}");
        assert!(!err.contains("c2hvcnQ"), "{err}");
    }

    #[test]
    fn a_record_with_anything_after_it_or_a_value_of_the_wrong_type_is_refused_unquoted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        let store = FileTokenStore::new(&path);
        store.save(&session()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let owner_only = || {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            }
        };
        // Not a file this store wrote: refused, not read up to where it stops making sense.
        std::fs::write(
            &path,
            format!("{text} {{\"auth_token\":\"tok-0123456789\"}}"),
        )
        .unwrap();
        owner_only();
        let err = store.load().unwrap_err();
        assert!(
            matches!(&err, StoreError::Format { field, .. } if field == "."),
            "{err}"
        );
        assert!(!err.to_string().contains("tok-0123456789"), "{err}");
        // serde_json's message would quote the number; the store says only what kind of fault.
        std::fs::write(&path, text.replace("\"tok-0123456789\"", "4711")).unwrap();
        owner_only();
        let err = store.load().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "token file {}: invalid record at `auth_token`: missing or wrong type",
                path.display()
            )
        );
    }

    #[test]
    fn the_file_holds_the_session_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        FileTokenStore::new(&path).save(&session()).unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(value["username"], "asp_user");
        assert_eq!(value["gstin"], "27AAPFU0939F1ZV");
        assert_eq!(value["auth_token"], "tok-0123456789");
        assert_eq!(value["app_key"], B64.encode([0xA1u8; 32]));
        assert_eq!(value["expires_at"], "2026-01-02T09:04:05+00:00");
    }
}
