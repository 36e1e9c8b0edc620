//! # gstn-proto
//!
//! The GSTN taxpayer API's wire layer, shared by the client (`gstn-client`) and the local
//! sandbox (`gstn-sandbox`): envelopes, actions, headers, paths, error codes, and the crypto.
//!
//! ```
//! use gstn_proto::{crypto, Action, EncryptedRequest, SessionKey};
//!
//! let ek = SessionKey::generate();
//! let body = serde_json::json!({"gstin": "27AAPFU0939F1ZV", "ret_period": "072017"});
//! let request = EncryptedRequest::seal(&ek, Action::RetSubmit, &body)?;
//! assert_eq!(request.action, Action::RetSubmit);
//! // The server side opens it, checking the HMAC:
//! let back: serde_json::Value = request.open(&ek)?;
//! assert_eq!(back, body);
//! // A changed byte is an error, never garbage data:
//! let mut tampered = request.clone();
//! tampered.hmac = crypto::b64_encode(&[0u8; 32]);
//! assert!(tampered.open::<serde_json::Value>(&ek).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Pending docs.

pub mod action;
pub mod bodies;
pub mod crypto;
pub mod envelope;
pub mod error;
pub mod error_code;
pub mod headers;
pub mod keys;
pub mod secret;

pub use action::Action;
pub use bodies::{
    DocumentError, ErrorReport, EvcOtpQuery, FileAck, FileDetails, FileUrl, LargeFileToken,
    ProcessingStatus, ReturnStatus, ReturnsQuery, SaveResponse, SectionError, SubmitRequest,
};
pub use envelope::{
    decode_body, AuthRequest, AuthTokenResponse, EncryptedRequest, EncryptedResponse, ErrorBody,
    FileRequest, GstnError, SignatureType, StatusCd, StatusResponse,
};
pub use error::{CryptoError, EnvelopeError, JsonError, KeyError, SecretError};
pub use error_code::{ErrorClass, ErrorCode};
pub use headers::{paths, Headers, TxnId};
pub use keys::{GstnPrivateKey, GstnPublicKey};
pub use secret::{AppKey, AuthToken, FileKey, Otp, ResponseKey, SessionKey};
