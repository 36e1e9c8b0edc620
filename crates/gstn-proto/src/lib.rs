//! # gstn-proto
//!
//! The GSTN taxpayer API's wire layer, shared by the client (`gstn-client`) and the local
//! sandbox (`gstn-sandbox`): envelopes, actions, headers, paths, error codes, and the crypto.
//! The protocol itself, in the project's words and with what is unconfirmed about it, is
//! `docs/protocol.md` in the repository.
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
//! ## What is here
//!
//! - [`secret`]: [`AppKey`], [`SessionKey`] (`EK`), [`ResponseKey`] (`REK`), [`FileKey`]
//!   (`ek`), [`AuthToken`], [`Otp`], [`ClientSecret`]. Zeroized on drop; `Debug` prints `AppKey(***)`; no
//!   `Display`, no `Serialize`; the value is read only through `expose_secret()`. Bodies and
//!   header sets that carry a secret ([`AuthRequest`], [`AuthTokenResponse`], [`FileRequest`],
//!   [`FileDetails`], [`Headers`]) hide it in their `Debug` too. No error of this crate, its
//!   causes included, carries key, token, OTP or plaintext bytes: a body that does not decode is
//!   named by its JSON path, never by its value.
//! - [`crypto`]: every step of the encryption (`docs/protocol.md` §4), both directions (the
//!   client uses one, the sandbox the other): AES-256-ECB + PKCS#7 (RustCrypto `aes` + `ecb`),
//!   standard Base64, HMAC-SHA256 verified in constant time, the EVC `sign`, the large-file `ek`.
//! - [`keys`]: [`GstnPublicKey`] from GSTN's X.509 certificate (PEM or DER) with
//!   [`GstnPublicKey::check_validity`], RSA PKCS#1 v1.5 wrapping of the app key;
//!   [`GstnPrivateKey`] (PKCS#8 or PKCS#1 PEM, or generated) and
//!   [`GstnPrivateKey::self_signed_certificate`] for the sandbox.
//! - [`envelope`]: `status_cd` (`"1"`/`1`, `"0"`/`0`), GSTN's error body, the `/authenticate`
//!   bodies, the encrypted request, RETFILE and response bodies, and [`decode_body`] which turns
//!   a `status_cd` of `0` into GSTN's typed `{error_cd, message}`.
//! - [`bodies`]: what travels inside `data`: [`SaveResponse`], [`ReturnStatus`] with its
//!   per-section per-document [`ErrorReport`], [`LargeFileToken`], [`FileDetails`], [`FileAck`],
//!   [`SubmitRequest`], GSTR-2B's [`Gstr2bGenerateRequest`] and [`Gstr2bGenerationStatus`];
//!   the GET queries [`ReturnsQuery`] and [`EvcOtpQuery`]. GSTR-2B itself and IMS's bodies
//!   are typed in `gstr2_model` (`gstr2b::Gstr2b`, `ims::{ImsRecords, ImsCounts,
//!   ImsSaveRequest, ImsRequestStatus}`).
//! - [`Action`], [`headers`] (names, [`Headers`], [`TxnId`], [`paths`]), and [`ErrorCode`] with
//!   GSTN's messages and what a client can do ([`ErrorCode::is_session_error`],
//!   [`ErrorCode::is_retryable`], [`ErrorClass`]).
//!
//! Known-answer vectors in `tests/vectors/*.json` were made once by an independent
//! implementation (`tests/vectors/make_vectors.py`, Python `cryptography`).
//!
//! ## Which error code for which failure
//!
//! GSTN does not publish which code answers most failures. The sandbox answers these, and the
//! client relies on them; they are also constants in [`error_code::chosen`]. Where two codes
//! fit, `AUTH…` is used on `/authenticate` and `RET…` on the returns paths.
//!
//! | failure | `/authenticate` | returns paths |
//! |---|---|---|
//! | `clientid` / `client-secret` missing | `AUT4031` / `AUT4032` | same |
//! | `clientid` / `client-secret` wrong | `AUT4033` / `AUT4034` | same |
//! | another header missing | `GEN5001` | `RET11400` |
//! | `txn` not 32 hex characters | `RET11408` | `RET11408` |
//! | `state-cd` invalid or not the GSTIN's | `AUTH4041` | `RET11404` |
//! | body not the expected JSON | `AUTH4040` | `RET11406` |
//! | unknown `action`, or out of order (RETFILE before RETSUBMIT) | `AUTH4035` | `RET11403` |
//! | unknown user / `username` not the session's | `AUTH4032` | `RET11409` |
//! | bad app key (RSA unwrap fails or not 32 bytes; REFRESHTOKEN's not the session's) | `AUTH4036` | |
//! | wrong or undecryptable OTP; wrong EVC OTP in RETFILE's `sid` | `AUTH4034` | `AUTH4034` |
//! | auth token unknown or logged out | `AUTH4033` | `RET11407` |
//! | auth token expired (log in again) | `AUTH4038` | `AUTH4038` |
//! | bad `hmac`, undecryptable `data`, RETFILE `sign` does not verify | | `RET12505` |
//! | invalid GSTIN / invalid `ret_period` / either missing | | `RET11410` / `AUTH113` / `AUTH141` |
//! | `ref_id` or `token` missing or unknown | | `RET11405` |
//! | large file still queued (FILEDET) | | `RTN_24` |
//! | RETSAVE or RETSUBMIT after submit / second RETFILE | | `RET12521` / `AUTH117` |
//! | RETSUM or RETFILE when the saved amounts add up beyond a decimal | | `RET11403` |
//! | PAN not the GSTIN's signatory (EVCOTP, RETFILE) | `OTP0006` | `OTP0006` |
//! | server fault (real or injected) | `TEC4001` | `RET12501` |
//!
//! A save (RETSAVE) is checked document by document; RETSTATUS reports each document not
//! stored in its `error_report`, with one of these codes (`RET191113`, `RET191115` and
//! `RET191116` are the sandbox's choice: their GSTN meaning is unconfirmed):
//!
//! | document problem | `error_cd` |
//! |---|---|
//! | does not fit the GSTR2 model; unknown section; payload not an object or of another return (`ER`) | `RET191106` |
//! | a GSTIN (`ctin`, `stin`, `rtin`) fails its check, or a `ctin` is the receiver's own | `RET191113` |
//! | an impossible date or one after the period; a bad place of supply; tax heads against it | `RET191114` |
//! | a counterparty flag (`A`, `R`, `M`, `P`, `N`) on a document not in the GSTR2A | `RET191115` |
//! | a counterparty flag whose `chksum` is not the GSTR2A document's | `RET191116` |
//!
//! GSTR-2B (`returns/gstr2b`) and IMS (`returns/ims`) answer with the codes GSTN uses there;
//! one is the sandbox's choice (`IMSSAV0011`):
//!
//! | failure | code |
//! |---|---|
//! | GET2B while GSTR-2B is being generated (with `retryTimeInMinutes`) | `RTN_24` |
//! | GET2B or GEN2B for a period without GSTR-2B (a quarterly filer's first two months) | `GTR2B-001` |
//! | GET2B for a period whose GSTR-2B was never generated (also `RET2B1023` from GSTN) | `GTR2B-002` |
//! | GEN2B with no IMS action changed since the last generation | `IMS2005` |
//! | SAVE or RESETIMS while the previous one is in progress | `IMSSAV0015` |
//!
//! and per record in REQSTS's `error_report`:
//!
//! | record problem | `error_cd` |
//! |---|---|
//! | `prev_status` not the current action, amounts not the record's, or no such record | `IMSSAV0010` |
//! | Pending where `ispendactblocked` is `Y` | `IMSSAV0011` |
//! | Accept or Pending of a credit note without `itcRedReq` | `IMSSAV0054` |
//!
//! Session errors (`AUTH4033`, `AUTH4038`, `RET11407`, `OTP0011`) mean: refresh or log in again;
//! `TEC4001`, `RET12501`–`RET12504`, `RTN_24` and `IMSSAV0015` may succeed later unchanged;
//! `RET11416`, `RET11417`, `RET13508`–`RET13510` and `RET2B1016` mean the download found nothing
//! (an empty answer, [`ErrorCode::is_no_documents`]); the rest need a change to the request or the
//! credentials.

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
    DocumentError, ErrorReport, EvcOtpQuery, FileAck, FileDetails, FileUrl, Gstr2bGenerateRequest,
    Gstr2bGenerationStatus, LargeFileToken, ProcessingStatus, ReturnStatus, ReturnsQuery,
    SaveResponse, SectionError, SubmitRequest,
};
pub use envelope::{
    decode_body, AuthRequest, AuthTokenResponse, EncryptedRequest, EncryptedResponse, ErrorBody,
    FileRequest, GstnError, SignatureType, StatusCd, StatusResponse,
};
pub use error::{BodyJsonError, CryptoError, EnvelopeError, KeyError, SecretError};
pub use error_code::{ErrorClass, ErrorCode};
pub use headers::{paths, Headers, TxnId};
pub use keys::{GstnPrivateKey, GstnPublicKey};
pub use secret::{AppKey, AuthToken, ClientSecret, FileKey, Otp, ResponseKey, SessionKey};
