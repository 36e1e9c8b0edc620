//! The crate's errors: crypto, keys and certificates, secrets, envelopes.

use chrono::{DateTime, Utc};

/// A step of the crypto (`docs/protocol.md` §4) failed. Each variant names the wire field
/// (`data`, `rek`, `hmac`, `sek`, `app_key`, `otp`, `sign`, `ek`, `content`) it was working on.
/// Never carries key or plaintext bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The field is not standard Base64.
    #[error("`{field}` is not valid standard base64")]
    Base64 {
        /// The wire field.
        field: &'static str,
        /// What the decoder saw.
        #[source]
        source: base64::DecodeError,
    },
    /// AES-256-ECB decryption failed (length not a block multiple or bad PKCS#7 padding): the
    /// key is wrong or the ciphertext was changed.
    #[error("`{field}` cannot be decrypted: wrong key or corrupted ciphertext")]
    Decrypt {
        /// The wire field.
        field: &'static str,
    },
    /// A field that must hold a 32-byte AES key holds another length.
    #[error("`{field}` holds {len} bytes where a 32-byte key was expected")]
    KeyLength {
        /// The wire field.
        field: &'static str,
        /// The length found.
        len: usize,
    },
    /// The HMAC does not match the decrypted data: wrong key or changed `data`, `rek` or
    /// `hmac`.
    #[error("`{field}` does not match the data: the payload was changed or the key is wrong")]
    HmacMismatch {
        /// The wire field (`hmac` or `sign`).
        field: &'static str,
    },
    /// The decrypted text is not what the step expects (not UTF-8, not Base64, not an OTP).
    #[error("`{field}` decrypts to something that is not {expected}")]
    Plaintext {
        /// The wire field.
        field: &'static str,
        /// What it should have been.
        expected: &'static str,
    },
    /// RSA PKCS#1 v1.5 encryption or decryption of the app key failed.
    #[error("rsa pkcs#1 v1.5 failed on `{field}`")]
    Rsa {
        /// The wire field (`app_key`).
        field: &'static str,
        /// The rsa crate's error (it carries no key material).
        #[source]
        source: rsa::Error,
    },
}

/// Reading, checking or making a key or certificate failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM or DER is not an X.509 certificate.
    #[error("not an x.509 certificate")]
    Certificate(#[source] der::Error),
    /// The certificate's subject public key is not an RSA key.
    #[error("the certificate's public key is not rsa")]
    PublicKey(#[source] spki::Error),
    /// The PEM is neither a PKCS#8 (`PRIVATE KEY`) nor a PKCS#1 (`RSA PRIVATE KEY`) RSA key.
    #[error("not an rsa private key in pkcs#8 or pkcs#1 pem: {detail}")]
    PrivateKey {
        /// What the parsers said (no key material).
        detail: String,
    },
    /// The certificate expired (`not_after` is before the time checked).
    #[error("the gstn certificate expired at {not_after}, checked at {now}")]
    Expired {
        /// The certificate's `notAfter`.
        not_after: DateTime<Utc>,
        /// The time checked.
        now: DateTime<Utc>,
    },
    /// The certificate is not yet valid (`not_before` is after the time checked).
    #[error("the gstn certificate is valid only from {not_before}, checked at {now}")]
    NotYetValid {
        /// The certificate's `notBefore`.
        not_before: DateTime<Utc>,
        /// The time checked.
        now: DateTime<Utc>,
    },
    /// Key generation failed.
    #[error("rsa key generation failed")]
    Generate(#[source] rsa::Error),
    /// Encoding a key or certificate failed.
    #[error("encoding {what} failed: {detail}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The encoder's message.
        detail: String,
    },
    /// Building the self-signed certificate failed.
    #[error("building the self-signed certificate failed")]
    Build(#[source] x509_cert::builder::Error),
    /// A validity time cannot be written in a certificate.
    #[error("certificate time {time} is out of range")]
    Time {
        /// The time asked for.
        time: DateTime<Utc>,
    },
}

/// A secret value given to a constructor is malformed. The message never repeats the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// An OTP must be 4 to 10 ASCII digits.
    #[error("an otp must be 4 to 10 ascii digits")]
    Otp,
    /// An auth token must be non-empty visible ASCII.
    #[error("an auth token must be non-empty visible ascii")]
    AuthToken,
    /// A client secret must be non-empty visible ASCII.
    #[error("a client secret must be non-empty visible ascii")]
    ClientSecret,
}

/// A JSON body could not be read; its source says where (the JSON path) and why.
#[derive(Debug, thiserror::Error)]
#[error("{what}: invalid json")]
pub struct BodyJsonError {
    /// What was being read (`encrypted response`, `RETSTATUS body`, ...).
    pub what: &'static str,
    /// The JSON path of the fault (`error.error_cd`, `.` for the root), line, column and
    /// message.
    #[source]
    pub source: gstr2_model::json::JsonError,
}

impl BodyJsonError {
    /// The JSON path of the fault (`error.error_cd`), `.` for the root.
    pub fn path(&self) -> &str {
        self.source.path().unwrap_or(".")
    }
}

/// Reading a GSTN body failed: GSTN said no, the JSON is wrong, or the crypto failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// GSTN answered `status_cd` `0` with its own `{error_cd, message}`.
    #[error("gstn error {}: {}", .0.error_code, .0.message)]
    Gstn(crate::envelope::GstnError),
    /// GSTN answered `status_cd` `0` without an `error` object.
    #[error("gstn answered status_cd 0 without an error object")]
    FailureWithoutError,
    /// The JSON is not the expected shape.
    #[error(transparent)]
    Json(#[from] BodyJsonError),
    /// Decryption or HMAC verification failed.
    #[error(transparent)]
    Crypto(#[from] CryptoError),
}

/// Reads JSON (a leading byte-order mark skipped, nothing after the value), with the path of
/// any fault. The bodies hold secrets (`auth_token`, `sek`) or decrypted data: the error never
/// quotes a value ([`JsonError::redacted`](gstr2_model::json::JsonError::redacted)).
pub(crate) fn from_json_slice<T: serde::de::DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T, BodyJsonError> {
    gstr2_model::json::from_slice(bytes).map_err(|e| BodyJsonError {
        what,
        source: e.redacted(),
    })
}
