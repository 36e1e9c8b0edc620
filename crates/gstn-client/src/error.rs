//! The client's error: transport, GSTN's own code and message, crypto, decoding, session,
//! configuration; each says whether a retry can help.

use gstn_proto::{Action, CryptoError, ErrorClass, ErrorCode, KeyError};
use gstr2_model::json::JsonError;
use gstr2_model::ReturnPeriod;

use crate::chunk::ChunkError;
use crate::store::StoreError;

/// Everything a client call can fail with. Never carries a secret: no key, token, OTP or
/// decrypted payload.
///
/// A variant caused by another error says what the client was doing and leaves the cause to
/// [`source()`](std::error::Error::source) (the rule of
/// [`ErrorChain`](gstr2_model::ErrorChain)): print the chain, e.g. with
/// `gstr2_model::ErrorChain(&error)` or anyhow's `{:#}`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The builder was given something unusable (no HTTPS on a non-loopback host, a missing
    /// field, an unreadable certificate).
    #[error("configuration: {0}")]
    Config(String),

    /// The request did not get an answer: connection refused or dropped, timeout, TLS.
    #[error("{action}: transport error{}", if *.connect { " before the request was sent" } else { "" })]
    Transport {
        /// The GSTN action (`RETSAVE`).
        action: Action,
        /// Whether it failed while connecting, so the server never saw the request.
        connect: bool,
        /// Whether it was a timeout.
        timeout: bool,
        /// reqwest's error (its URL holds no secret: secrets travel in headers and bodies).
        #[source]
        source: reqwest::Error,
    },

    /// An HTTP status without a GSTN error body (a proxy's 502, a 500 page).
    #[error("{action}: http status {status} without a gstn error body")]
    Http {
        /// The GSTN action.
        action: Action,
        /// The HTTP status code.
        status: u16,
    },

    /// GSTN answered `status_cd` 0 with its own `{error_cd, message}`.
    #[error("{action}: gstn error {}: {message}", .code.code())]
    Gstn {
        /// The GSTN action.
        action: Action,
        /// GSTN's `error_cd`.
        code: ErrorCode,
        /// GSTN's `message`, as sent.
        message: String,
        /// The wait GSTN asked for before asking again, in minutes (`retryTimeInMinutes` of a
        /// queued GET2B), where it gave one.
        retry_after_minutes: Option<u64>,
    },

    /// GSTR-2B does not exist for the period (`GTR2B-001`), e.g. the first two months of a
    /// quarterly (QRMP) filer's quarter: there is nothing to download or generate; use the
    /// quarter's last month.
    #[error("GSTR-2B is not applicable for {period} ({}: {message}): nothing to download for this period; a quarterly filer's GSTR-2B is that of the quarter's last month", .code.code())]
    Gstr2bNotApplicable {
        /// The period asked for.
        period: ReturnPeriod,
        /// GSTN's code (`GTR2B-001`).
        code: ErrorCode,
        /// GSTN's message.
        message: String,
    },

    /// GSTR-2B of the period was not generated (`GTR2B-002`, `RET2B1023`): generate it on
    /// demand ([`GstnClient::generate_gstr2b`](crate::GstnClient::generate_gstr2b)) and
    /// download it again. GSTN does not generate a period's GSTR-2B while the previous
    /// period's GSTR-3B is not filed.
    #[error("GSTR-2B for {period} is not generated ({}: {message}): generate it (GEN2B, GstnClient::generate_gstr2b) and download again", .code.code())]
    Gstr2bNotGenerated {
        /// The period asked for.
        period: ReturnPeriod,
        /// GSTN's code (`GTR2B-002` or `RET2B1023`).
        code: ErrorCode,
        /// GSTN's message.
        message: String,
    },

    /// Decrypting, checking an HMAC or a file hash, or encrypting failed.
    #[error("{action}: crypto")]
    Crypto {
        /// The GSTN action.
        action: Action,
        /// What failed (never key or plaintext bytes).
        #[source]
        source: CryptoError,
    },

    /// A downloaded large file does not match its SHA-256 `hash`.
    #[error("{action}: file {index} of {section}: sha-256 {actual} does not match the announced {expected}")]
    Integrity {
        /// The GSTN action (`FILEDET`).
        action: Action,
        /// The section (`B2B`).
        section: String,
        /// The 0-based position of the file in `urls`.
        index: usize,
        /// The `hash` FILEDET announced.
        expected: String,
        /// The hash of the bytes received.
        actual: String,
    },

    /// The GSTN public key (certificate) is unusable.
    #[error("gstn certificate")]
    Certificate(#[source] KeyError),

    /// An answer (or decrypted payload) does not have the expected shape.
    #[error("{action}: cannot decode {what}")]
    Decode {
        /// The GSTN action.
        action: Action,
        /// What was being read (`response`, `decrypted data`, `file 2 of B2B`).
        what: String,
        /// Where (the JSON path of the fault, [`JsonError::path`]) and what is wrong.
        #[source]
        source: JsonError,
    },

    /// No usable session: log in (again) with an OTP.
    #[error("session")]
    Session(#[from] SessionError),

    /// Reading or writing the token store failed.
    #[error("token store")]
    Store(#[from] StoreError),

    /// The payload cannot be cut into chunks of the configured size.
    #[error("payload")]
    Chunk(#[from] ChunkError),

    /// GSTN kept answering "in progress" for longer than the poll policy allows.
    #[error("{action}: still processing after {waited_secs} s (reference {reference})")]
    StillProcessing {
        /// The GSTN action polled (`RETSTATUS`, `FILEDET`).
        action: Action,
        /// The reference id or token polled.
        reference: String,
        /// Seconds waited.
        waited_secs: u64,
    },

    /// A call that must not be repeated blindly (`RETSUBMIT`, `RETFILE`) has an unknown outcome,
    /// and checking the return's status did not settle it.
    #[error("{action}: outcome unknown after {cause}; the return's status does not show it done, check before repeating")]
    Uncertain {
        /// The GSTN action.
        action: Action,
        /// What happened (transport error, 5xx), as text.
        cause: String,
    },

    /// GSTN's answer makes no sense for the request (a final status that is none of `P`, `PE`,
    /// `ER`; a `RETFILE` answer without `ack_num`).
    #[error("{action}: unexpected answer: {detail}")]
    Protocol {
        /// The GSTN action.
        action: Action,
        /// What was unexpected.
        detail: String,
    },
}

/// Why there is no usable session.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// Nobody logged in: call `request_otp` and `authenticate`.
    #[error("not connected: request an otp and authenticate")]
    NotConnected,
    /// The session expired or was rejected and cannot be refreshed: log in again with an OTP.
    #[error("relogin required: {reason}")]
    ReloginRequired {
        /// Why (GSTN's code and message, or "expired at ...").
        reason: String,
    },
}

impl Error {
    /// Whether repeating the same call later can succeed: transport errors, timeouts, 5xx, and
    /// GSTN codes that say so (technical error, system failure, queued). Session, credential,
    /// request, crypto and decoding errors need something changed first.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } => true,
            Error::Http { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            Error::Gstn { code, .. } => matches!(
                code.class(),
                ErrorClass::Retryable | ErrorClass::Queued | ErrorClass::Busy
            ),
            Error::StillProcessing { .. } => true,
            Error::Integrity { .. } => true,
            Error::Config(_)
            | Error::Crypto { .. }
            | Error::Certificate(_)
            | Error::Decode { .. }
            | Error::Session(_)
            | Error::Store(_)
            | Error::Chunk(_)
            | Error::Uncertain { .. }
            | Error::Gstr2bNotApplicable { .. }
            | Error::Gstr2bNotGenerated { .. }
            | Error::Protocol { .. } => false,
        }
    }

    /// Whether a new login (OTP) is needed.
    pub fn is_relogin_required(&self) -> bool {
        matches!(self, Error::Session(_))
    }

    /// GSTN's `error_cd`, for [`Error::Gstn`] and the typed GSTR-2B errors.
    pub fn gstn_code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Gstn { code, .. }
            | Error::Gstr2bNotApplicable { code, .. }
            | Error::Gstr2bNotGenerated { code, .. } => Some(code),
            _ => None,
        }
    }

    /// Whether the request may have reached GSTN and been acted on although no answer came back
    /// (a transport error after connecting, or a 5xx).
    pub(crate) fn outcome_unknown(&self) -> bool {
        match self {
            Error::Transport { connect, .. } => !connect,
            Error::Http { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// `Result` with the client's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gstn_errors_say_their_code_and_whether_to_retry() {
        let e = Error::Gstn {
            action: Action::RetSave,
            code: ErrorCode::parse("RET12501"),
            message: "System Failure".into(),
            retry_after_minutes: None,
        };
        assert_eq!(
            e.to_string(),
            "RETSAVE: gstn error RET12501: System Failure"
        );
        assert!(e.is_retryable());
        let e = Error::Gstn {
            action: Action::AuthToken,
            code: ErrorCode::parse("AUTH4034"),
            message: "Invalid OTP".into(),
            retry_after_minutes: None,
        };
        assert!(!e.is_retryable());
        assert_eq!(e.gstn_code().map(|c| c.code()), Some("AUTH4034"));
    }

    #[test]
    fn http_and_session_errors() {
        assert!(Error::Http {
            action: Action::B2b,
            status: 503
        }
        .is_retryable());
        assert!(!Error::Http {
            action: Action::B2b,
            status: 400
        }
        .is_retryable());
        let e = Error::from(SessionError::ReloginRequired {
            reason: "AUTH4038".into(),
        });
        assert!(e.is_relogin_required() && !e.is_retryable());
        assert_eq!(
            gstr2_model::ErrorChain(&e).to_string(),
            "session: relogin required: AUTH4038"
        );
    }
}
