//! GSTN's error codes (`docs/protocol.md` §11), typed, with GSTN's message text and what a
//! client can do about each.
//!
//! Messages are those GSPs publish with GSTN's codes (sandbox.co.in's list among them; the sources
//! are in `docs/protocol.md` §14); GSTN sometimes words them differently per return, so the
//! message that travels in an error body is kept next to the code in [`crate::GstnError`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a client can do about an error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// The session is gone (invalid or expired token): refresh or log in again with an OTP.
    Session,
    /// A fault on GSTN's side: the same request may succeed later.
    Retryable,
    /// The work is queued (large file or GSTR-2B `RTN_24`): ask again after the estimate.
    Queued,
    /// Another request of the taxpayer is still being processed (IMS `IMSSAV0015`): wait until
    /// it is done, then send the same request again.
    Busy,
    /// Wrong credentials (user, client id/secret, app key, OTP): fix them, do not repeat as is.
    Credentials,
    /// The request or its data is wrong: fix it.
    Request,
    /// The return's state forbids it (already submitted or filed).
    State,
    /// A record-level validation error inside RETSTATUS's `error_report`.
    Record,
    /// A download found nothing for the period or section: an empty answer, not a failure.
    NoDocuments,
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $class:ident, $message:literal;)*) => {
        /// A GSTN `error_cd`. Codes this crate does not list are kept in [`ErrorCode::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* #[doc = concat!("`", $code, "`: ", $message, ".")] $variant,)*
            /// Any other code, as received.
            Other(String),
        }

        impl ErrorCode {
            /// Every listed code, in declaration order.
            pub const KNOWN: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The wire code (`AUTH4034`).
            pub fn code(&self) -> &str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Other(code) => code,
                }
            }

            /// GSTN's message for the code; for [`ErrorCode::Other`], a generic one.
            pub fn message(&self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $message,)*
                    ErrorCode::Other(_) => "Unknown error",
                }
            }

            /// What a client can do about it; [`ErrorClass::Request`] for unknown codes.
            pub fn class(&self) -> ErrorClass {
                match self {
                    $(ErrorCode::$variant => ErrorClass::$class,)*
                    ErrorCode::Other(_) => ErrorClass::Request,
                }
            }

            /// Reads a wire code; unknown codes give [`ErrorCode::Other`].
            pub fn parse(code: &str) -> ErrorCode {
                match code {
                    $($code => ErrorCode::$variant,)*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }
        }
    };
}

codes! {
    Auth113 = "AUTH113", Request, "Invalid Return Period";
    Auth117 = "AUTH117", State, "Return is already filed for the current period";
    Auth141 = "AUTH141", Request, "Mandatory Parameters - GSTIN or Return Period missing";
    Auth151 = "AUTH151", Credentials, "You are not authorized to access this return for this return period";
    Auth403 = "AUTH403", Credentials, "Maximum session allowed for user with this GSP account exceeded.";
    Auth4032 = "AUTH4032", Credentials, "Invalid USER";
    Auth4033 = "AUTH4033", Session, "Invalid Session";
    Auth4034 = "AUTH4034", Credentials, "Invalid OTP";
    Auth4035 = "AUTH4035", Request, "Invalid Request Action";
    Auth4036 = "AUTH4036", Credentials, "Invalid App Key";
    Auth4037 = "AUTH4037", Credentials, "API Access Denied";
    Auth4038 = "AUTH4038", Session, "Session Expired";
    Auth4039 = "AUTH4039", Request, "Invalid Data Object";
    Auth4040 = "AUTH4040", Request, "Malformed Request";
    Auth4041 = "AUTH4041", Request, "Invalid State Code";
    Tec4001 = "TEC4001", Retryable, "Technical Error";
    Tec4002 = "TEC4002", Request, "Invalid Data Format";
    Tec4003 = "TEC4003", Credentials, "Invalid AppKey";
    Sweb9002 = "SWEB9002", Credentials, "Invalid User ID or Password";
    Sweb9033 = "SWEB9033", Credentials, "Your Password has expired";
    Sweb9035 = "SWEB9035", Credentials, "Account is Locked";
    Gen5001 = "GEN5001", Request, "Missing Mandatory Params";
    Gen5007 = "GEN5007", Request, "Malformed Request";
    Aut4031 = "AUT4031", Credentials, "Client Id is null";
    Aut4032 = "AUT4032", Credentials, "Client Secret is null";
    Aut4033 = "AUT4033", Credentials, "Invalid Client Id";
    Aut4034 = "AUT4034", Credentials, "Invalid Client Secret";
    Ret11400 = "RET11400", Request, "Header Value Missing";
    Ret11401 = "RET11401", Credentials, "API Authentication Failed";
    Ret11402 = "RET11402", Credentials, "Unauthorized User";
    Ret11403 = "RET11403", Request, "Invalid API Request";
    Ret11404 = "RET11404", Request, "State Code is not valid";
    Ret11405 = "RET11405", Request, "Invalid API Request Parameters";
    Ret11406 = "RET11406", Request, "Malformed API Request";
    Ret11407 = "RET11407", Session, "AuthToken is invalid";
    Ret11408 = "RET11408", Request, "Invalid Transaction ID";
    Ret11409 = "RET11409", Credentials, "Username is not Valid";
    Ret11410 = "RET11410", Request, "Invalid GSTIN";
    Ret11420 = "RET11420", Request, "An invalid API Header value";
    /// A GSTR-2 or GSTR2A section has no documents. GSTN's wording is unconfirmed.
    Ret11416 = "RET11416", NoDocuments, "No document found";
    /// A GSTR-2 or GSTR2A section has no documents. GSTN's wording is unconfirmed.
    Ret11417 = "RET11417", NoDocuments, "No document found";
    /// A GSTR2A section has no documents. GSTN's wording is unconfirmed.
    Ret13508 = "RET13508", NoDocuments, "No document found";
    /// A GSTR2A section has no documents. GSTN's wording is unconfirmed.
    Ret13509 = "RET13509", NoDocuments, "No document found";
    /// A GSTR2A section has no documents. GSTN's wording is unconfirmed.
    Ret13510 = "RET13510", NoDocuments, "No document found";
    Ret12501 = "RET12501", Retryable, "System Failure";
    Ret12502 = "RET12502", Retryable, "System Failure";
    Ret12503 = "RET12503", Retryable, "System Failure";
    Ret12504 = "RET12504", Retryable, "System Failure";
    Ret12505 = "RET12505", Request, "Corrupted API Payload Data";
    Ret12521 = "RET12521", State, "Return is already submitted for the current period";
    Ret191106 = "RET191106", Record, "Error in JSON structure";
    /// The sandbox's choice for a document's GSTIN (`ctin`, `stin`, `rtin`); GSTN's meaning is
    /// unconfirmed.
    Ret191113 = "RET191113", Record, "Invalid GSTIN";
    Ret191114 = "RET191114", Record, "Invalid place of supply or date";
    /// The sandbox's choice for a counterparty flag on a document GSTN did not send; GSTN's
    /// meaning is unconfirmed.
    Ret191115 = "RET191115", Record, "Counterparty document not found in GSTR2A";
    /// The sandbox's choice for a counterparty flag whose `chksum` is not GSTN's; GSTN's meaning
    /// is unconfirmed.
    Ret191116 = "RET191116", Record, "Checksum does not match the counterparty document";
    Ret191175 = "RET191175", Record, "Rate is not in the list of valid rates";
    Rtn24 = "RTN_24", Queued, "File generation is in progress, please try after some time";
    /// GSTR-2B does not exist for the period, e.g. the first two months of a quarterly
    /// (QRMP) filer's quarter: nothing to download.
    Gtr2b001 = "GTR2B-001", State, "GSTR2B form is not applicable for given return period";
    /// GSTR-2B of the period was not generated (the previous period's GSTR-3B not filed by the
    /// cut-off): generate it on demand (GEN2B).
    Gtr2b002 = "GTR2B-002", State, "Either there is no record for GSTR 2B or GSTR 2B for current return period is not generated by system, kindly generate 2B ondemand";
    /// GSTR-2B of the period was not generated: generate it on demand (GEN2B). GSTN's wording
    /// is unconfirmed.
    Ret2b1023 = "RET2B1023", State, "GSTR-2B is not generated for the return period";
    /// GSTR-2B of the period has no documents. GSTN's wording is unconfirmed.
    Ret2b1016 = "RET2B1016", NoDocuments, "No document found for the return period";
    /// GEN2B with no IMS action changed since the last generation: the 2B is current.
    Ims2005 = "IMS2005", State, "2B cannot be generated as there are no changes";
    /// An IMS record's `prev_status` is not the action GSTN holds, or the supplier edited the
    /// record: download it again.
    Imssav0010 = "IMSSAV0010", Record, "Either previous action is incorrect/ invoice might have edited by supplier";
    /// The sandbox's choice for a Pending on an IMS record whose `ispendactblocked` is `Y`;
    /// GSTN's code is unconfirmed.
    Imssav0011 = "IMSSAV0011", Record, "Pending action is not allowed for this record";
    /// A previous IMS SAVE or RESET of the taxpayer is still in progress: one at a time.
    Imssav0015 = "IMSSAV0015", Busy, "Previous Save or Reset request is already under progress. Please try after some time.";
    /// A credit note's IMS action lacks `itcRedReq`.
    Imssav0054 = "IMSSAV0054", Record, "Error! Please enter value for the column itcRedReq.";
    Otp0001 = "OTP0001", Request, "GSTIN is null";
    Otp0002 = "OTP0002", Request, "Url parameter and header GSTIN is not matching";
    Otp0003 = "OTP0003", Request, "Pan number is null";
    Otp0004 = "OTP0004", Request, "formType is null";
    Otp0005 = "OTP0005", Request, "Invalid GSTIN";
    Otp0006 = "OTP0006", Credentials, "Pan Number does not match with authorized signatory pan number";
    Otp0007 = "OTP0007", Retryable, "OTP generation failed as the OTP server is down";
    Otp0008 = "OTP0008", Request, "Auth Token is null";
    Otp0009 = "OTP0009", Request, "User Name is null";
    Otp0010 = "OTP0010", Credentials, "User does not have authorized signatory for Given Pan number and GSTIN";
    Otp0011 = "OTP0011", Session, "User session is null for provided auth-token and user name";
}

impl ErrorCode {
    /// The session is gone: refresh the token or log in again with an OTP
    /// (`AUTH4033`, `AUTH4038`, `RET11407`, `OTP0011`).
    pub fn is_session_error(&self) -> bool {
        self.class() == ErrorClass::Session
    }

    /// The same request may succeed later without change (system failures, `TEC4001`, the
    /// queued `RTN_24`, and IMS's "previous request in progress" `IMSSAV0015`).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.class(),
            ErrorClass::Retryable | ErrorClass::Queued | ErrorClass::Busy
        )
    }

    /// A large file is still being prepared (`RTN_24`).
    pub fn is_queued(&self) -> bool {
        self.class() == ErrorClass::Queued
    }

    /// A download found nothing: an empty answer rather than a failure (`RET11416`,
    /// `RET11417`, `RET13508`, `RET13509`, `RET13510`, `RET2B1016`).
    pub fn is_no_documents(&self) -> bool {
        self.class() == ErrorClass::NoDocuments
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for ErrorCode {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(ErrorCode::parse(s))
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ErrorCode::parse(&String::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::KNOWN {
            assert!(seen.insert(code.code()), "duplicate {}", code.code());
            assert_eq!(&ErrorCode::parse(code.code()), code);
            assert!(!code.message().is_empty());
        }
        assert_eq!(ErrorCode::parse("XYZ1"), ErrorCode::Other("XYZ1".into()));
    }

    #[test]
    fn chosen_codes_have_the_right_class_and_are_documented() {
        use super::chosen::*;
        for code in [SESSION_EXPIRED, AUTH_TOKEN_UNKNOWN, RETURNS_TOKEN_UNKNOWN] {
            assert!(code.is_session_error(), "{code}");
        }
        for code in [AUTH_SYSTEM_FAILURE, RETURNS_SYSTEM_FAILURE, FILE_QUEUED] {
            assert!(code.is_retryable(), "{code}");
        }
        for code in [
            OTP_INVALID,
            APP_KEY_INVALID,
            PAYLOAD_CORRUPTED,
            ALREADY_FILED,
            SUMMARY_OVERFLOW,
        ] {
            assert!(!code.is_retryable() && !code.is_session_error(), "{code}");
        }
        for code in [
            RECORD_STRUCTURE,
            RECORD_GSTIN_INVALID,
            RECORD_DATE_OR_POS_INVALID,
            RECORD_NOT_IN_GSTR2A,
            RECORD_CHECKSUM_MISMATCH,
        ] {
            assert_eq!(code.class(), ErrorClass::Record, "{code}");
        }
        let docs = include_str!("lib.rs");
        for code in [
            CLIENT_ID_MISSING,
            CLIENT_SECRET_MISSING,
            CLIENT_ID_INVALID,
            CLIENT_SECRET_INVALID,
            AUTH_HEADER_MISSING,
            RETURNS_HEADER_MISSING,
            TXN_INVALID,
            AUTH_STATE_CODE_INVALID,
            RETURNS_STATE_CODE_INVALID,
            AUTH_MALFORMED,
            RETURNS_MALFORMED,
            AUTH_ACTION_INVALID,
            RETURNS_ACTION_INVALID,
            USER_INVALID,
            USERNAME_MISMATCH,
            APP_KEY_INVALID,
            OTP_INVALID,
            AUTH_TOKEN_UNKNOWN,
            RETURNS_TOKEN_UNKNOWN,
            SESSION_EXPIRED,
            PAYLOAD_CORRUPTED,
            GSTIN_INVALID,
            RETURN_PERIOD_INVALID,
            GSTIN_OR_PERIOD_MISSING,
            PARAM_MISSING,
            PARAM_INVALID,
            FILE_QUEUED,
            ALREADY_SUBMITTED,
            ALREADY_FILED,
            PAN_NOT_SIGNATORY,
            AUTH_SYSTEM_FAILURE,
            RETURNS_SYSTEM_FAILURE,
            SUMMARY_OVERFLOW,
            RECORD_STRUCTURE,
            RECORD_GSTIN_INVALID,
            RECORD_DATE_OR_POS_INVALID,
            RECORD_NOT_IN_GSTR2A,
            RECORD_CHECKSUM_MISMATCH,
            GSTR2B_QUEUED,
            GSTR2B_NOT_APPLICABLE,
            GSTR2B_NOT_GENERATED,
            GSTR2B_UNCHANGED,
            IMS_RECORD_STALE,
            IMS_PENDING_BLOCKED,
            IMS_BUSY,
            IMS_ITC_REDUCTION_MISSING,
        ] {
            assert!(
                docs.contains(&format!("`{}`", code.code())),
                "{code} not in the crate docs"
            );
        }
    }

    #[test]
    fn classes_drive_the_helpers() {
        assert!(ErrorCode::Auth4038.is_session_error());
        assert!(ErrorCode::Ret11407.is_session_error());
        assert!(ErrorCode::Auth4033.is_session_error());
        assert!(!ErrorCode::Auth4034.is_session_error());
        assert!(ErrorCode::Ret12501.is_retryable());
        assert!(ErrorCode::Rtn24.is_retryable() && ErrorCode::Rtn24.is_queued());
        for code in [
            "RET11416",
            "RET11417",
            "RET13508",
            "RET13509",
            "RET13510",
            "RET2B1016",
        ] {
            let code = ErrorCode::parse(code);
            assert!(code.is_no_documents() && !code.is_retryable(), "{code}");
        }
        assert!(!ErrorCode::Ret11410.is_no_documents());
        assert!(!ErrorCode::Ret12505.is_retryable());
        assert!(!ErrorCode::Other("X".into()).is_retryable());
        assert!(ErrorCode::Imssav0015.is_retryable());
        assert_eq!(ErrorCode::Imssav0015.class(), ErrorClass::Busy);
        assert_eq!(ErrorCode::parse("GTR2B-002"), ErrorCode::Gtr2b002);
        assert!(!ErrorCode::Imssav0010.is_retryable());
    }
}

/// The code this project's sandbox answers for each failure, so that server and client agree.
/// GSTN's own choice is not published for most of these; where two codes fit, the one named
/// for the API path is used (`AUTH…` on `/authenticate`, `RET…` on the returns paths). The
/// table is repeated in the crate docs.
pub mod chosen {
    use super::ErrorCode;

    /// `clientid` header missing.
    pub const CLIENT_ID_MISSING: ErrorCode = ErrorCode::Aut4031;
    /// `client-secret` header missing.
    pub const CLIENT_SECRET_MISSING: ErrorCode = ErrorCode::Aut4032;
    /// `clientid` not registered.
    pub const CLIENT_ID_INVALID: ErrorCode = ErrorCode::Aut4033;
    /// `client-secret` wrong.
    pub const CLIENT_SECRET_INVALID: ErrorCode = ErrorCode::Aut4034;
    /// Another header missing on `/authenticate`.
    pub const AUTH_HEADER_MISSING: ErrorCode = ErrorCode::Gen5001;
    /// Another header missing on a returns path.
    pub const RETURNS_HEADER_MISSING: ErrorCode = ErrorCode::Ret11400;
    /// `txn` is not 32 hex characters.
    pub const TXN_INVALID: ErrorCode = ErrorCode::Ret11408;
    /// `state-cd` on `/authenticate` is not a state code.
    pub const AUTH_STATE_CODE_INVALID: ErrorCode = ErrorCode::Auth4041;
    /// `state-cd` on a returns path is not the GSTIN's first two digits.
    pub const RETURNS_STATE_CODE_INVALID: ErrorCode = ErrorCode::Ret11404;
    /// The body on `/authenticate` is not the expected JSON.
    pub const AUTH_MALFORMED: ErrorCode = ErrorCode::Auth4040;
    /// The body on a returns path is not the expected JSON.
    pub const RETURNS_MALFORMED: ErrorCode = ErrorCode::Ret11406;
    /// Unknown `action` on `/authenticate`.
    pub const AUTH_ACTION_INVALID: ErrorCode = ErrorCode::Auth4035;
    /// Unknown `action` on a returns path, or an action out of order (RETFILE before
    /// RETSUBMIT).
    pub const RETURNS_ACTION_INVALID: ErrorCode = ErrorCode::Ret11403;
    /// Unknown `username` on `/authenticate`.
    pub const USER_INVALID: ErrorCode = ErrorCode::Auth4032;
    /// The `username` header is not the session's user (returns paths).
    pub const USERNAME_MISMATCH: ErrorCode = ErrorCode::Ret11409;
    /// `app_key` does not unwrap to 32 bytes with GSTN's private key, or REFRESHTOKEN's
    /// `app_key` is not the session's app key.
    pub const APP_KEY_INVALID: ErrorCode = ErrorCode::Auth4036;
    /// AUTHTOKEN's OTP is wrong or does not decrypt; or RETFILE's `sid` holds a wrong EVC OTP.
    pub const OTP_INVALID: ErrorCode = ErrorCode::Auth4034;
    /// The auth token is unknown or logged out, on `/authenticate` (REFRESHTOKEN, LOGOUT).
    pub const AUTH_TOKEN_UNKNOWN: ErrorCode = ErrorCode::Auth4033;
    /// The auth token is unknown or logged out, on a returns path.
    pub const RETURNS_TOKEN_UNKNOWN: ErrorCode = ErrorCode::Ret11407;
    /// The auth token expired (both paths). Log in again with an OTP.
    pub const SESSION_EXPIRED: ErrorCode = ErrorCode::Auth4038;
    /// A request's `hmac` does not match, its `data` does not decrypt, or RETFILE's `sign`
    /// does not verify.
    pub const PAYLOAD_CORRUPTED: ErrorCode = ErrorCode::Ret12505;
    /// `gstin` (header or query) is not a valid GSTIN.
    pub const GSTIN_INVALID: ErrorCode = ErrorCode::Ret11410;
    /// `ret_period` is not `MMYYYY`.
    pub const RETURN_PERIOD_INVALID: ErrorCode = ErrorCode::Auth113;
    /// `gstin` or `ret_period` query parameter missing.
    pub const GSTIN_OR_PERIOD_MISSING: ErrorCode = ErrorCode::Auth141;
    /// Another query parameter missing (`ref_id`, `token`).
    pub const PARAM_MISSING: ErrorCode = ErrorCode::Ret11405;
    /// `ref_id` or `token` unknown.
    pub const PARAM_INVALID: ErrorCode = ErrorCode::Ret11405;
    /// FILEDET while the large file is still being prepared.
    pub const FILE_QUEUED: ErrorCode = ErrorCode::Rtn24;
    /// RETSAVE or RETSUBMIT after the return was submitted.
    pub const ALREADY_SUBMITTED: ErrorCode = ErrorCode::Ret12521;
    /// RETFILE after the return was filed.
    pub const ALREADY_FILED: ErrorCode = ErrorCode::Auth117;
    /// RETSUM or RETFILE on a return whose saved amounts add up beyond what a decimal holds
    /// (about 7.9 × 10²⁸): no summary can be computed; the message names the document.
    pub const SUMMARY_OVERFLOW: ErrorCode = ErrorCode::Ret11403;
    /// EVCOTP or RETFILE with a PAN that is not the GSTIN's signatory.
    pub const PAN_NOT_SIGNATORY: ErrorCode = ErrorCode::Otp0006;
    /// An injected or real server fault on `/authenticate`.
    pub const AUTH_SYSTEM_FAILURE: ErrorCode = ErrorCode::Tec4001;
    /// An injected or real server fault on a returns path; also RETSTATUS's `ER` for a save
    /// that could not be processed (its GSTR2A could not be read).
    pub const RETURNS_SYSTEM_FAILURE: ErrorCode = ErrorCode::Ret12501;

    // Record-level codes: an entry of RETSTATUS's `error_report` (or its `ER` error) for a
    // document of a RETSAVE that was not stored.

    /// A saved document does not fit the GSTR2 model (a missing or mistyped field), a section
    /// the GSTR2 save does not know, or a save payload that is not a JSON object or names
    /// another GSTIN or period (`ER`).
    pub const RECORD_STRUCTURE: ErrorCode = ErrorCode::Ret191106;
    /// A GSTIN inside a saved document (`ctin`, `stin`, `rtin`) fails its shape or check
    /// character, or a `ctin` is the receiver's own GSTIN.
    pub const RECORD_GSTIN_INVALID: ErrorCode = ErrorCode::Ret191113;
    /// An impossible date or one after the return period, a place of supply that is no state
    /// code, or tax heads against the place of supply (CGST/SGST inter-state, IGST
    /// intra-state).
    pub const RECORD_DATE_OR_POS_INVALID: ErrorCode = ErrorCode::Ret191114;
    /// A counterparty flag (`A`, `R`, `M`, `P`, `N`) on a document not in the receiver's
    /// GSTR2A, or on a section without counterparty documents.
    pub const RECORD_NOT_IN_GSTR2A: ErrorCode = ErrorCode::Ret191115;
    /// A counterparty flag whose `chksum` differs from the GSTR2A document's.
    pub const RECORD_CHECKSUM_MISMATCH: ErrorCode = ErrorCode::Ret191116;

    // GSTR-2B and IMS.

    /// GET2B while GSTR-2B is being generated (after GEN2B); the error carries
    /// `retryTimeInMinutes`.
    pub const GSTR2B_QUEUED: ErrorCode = ErrorCode::Rtn24;
    /// GET2B or GEN2B for a period the taxpayer has no GSTR-2B for.
    pub const GSTR2B_NOT_APPLICABLE: ErrorCode = ErrorCode::Gtr2b001;
    /// GET2B for a period whose GSTR-2B was never generated.
    pub const GSTR2B_NOT_GENERATED: ErrorCode = ErrorCode::Gtr2b002;
    /// GEN2B with no IMS action changed since the period's last generation.
    pub const GSTR2B_UNCHANGED: ErrorCode = ErrorCode::Ims2005;
    /// An IMS SAVE or RESET record whose `prev_status` is not the current action, whose
    /// amounts are not the record's (the supplier edited it), or that IMS does not hold.
    pub const IMS_RECORD_STALE: ErrorCode = ErrorCode::Imssav0010;
    /// An IMS Pending on a record whose `ispendactblocked` is `Y`.
    pub const IMS_PENDING_BLOCKED: ErrorCode = ErrorCode::Imssav0011;
    /// An IMS SAVE or RESET while the taxpayer's previous one is in progress.
    pub const IMS_BUSY: ErrorCode = ErrorCode::Imssav0015;
    /// An IMS Accept or Pending of a credit note (`b2bcn`, `b2bcna`) without `itcRedReq`.
    pub const IMS_ITC_REDUCTION_MISSING: ErrorCode = ErrorCode::Imssav0054;
}
