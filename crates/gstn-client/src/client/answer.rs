//! GSTN's answers read: an error body (in any HTTP status) turned into [`Error`], plain and
//! decrypted JSON decoded with the JSON path of a fault, request bodies encoded.

use gstn_proto::{decode_body, Action, EnvelopeError};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// Turns a non-2xx answer into an error: GSTN's own error body if there is one, else the HTTP
/// status. A 2xx body with `status_cd` 0 is a GSTN error too.
pub(super) fn check_answer(action: &Action, status: StatusCode, bytes: &[u8]) -> Result<()> {
    match decode_body::<serde::de::IgnoredAny>("response", bytes) {
        Err(EnvelopeError::Gstn(error)) => Err(Error::Gstn {
            action: action.clone(),
            code: error.error_code,
            message: error.message,
            retry_after_minutes: error.retry_after_minutes,
        }),
        Err(EnvelopeError::FailureWithoutError) => Err(Error::Protocol {
            action: action.clone(),
            detail: format!(
                "status_cd 0 without an error object (http {})",
                status.as_u16()
            ),
        }),
        _ if !status.is_success() => Err(Error::Http {
            action: action.clone(),
            status: status.as_u16(),
        }),
        _ => Ok(()),
    }
}

/// Serializes a request body, wiping the bytes when dropped.
pub(crate) fn to_json<T: serde::Serialize>(
    action: &Action,
    body: &T,
) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(body)
        .map(Zeroizing::new)
        .map_err(|e| Error::Protocol {
            action: action.clone(),
            detail: format!("cannot encode the request: {e}"),
        })
}

/// Reads a plain (not encrypted) JSON answer, with the JSON path of any fault.
pub(crate) fn decode_plain<T: DeserializeOwned>(
    action: &Action,
    what: &str,
    bytes: &[u8],
) -> Result<T> {
    decode_body::<T>("response", bytes).map_err(|e| envelope_error(action, what, e))
}

/// Reads decrypted JSON, with the JSON path of any fault; the error quotes nothing of the
/// payload ([`JsonError::redacted`](gstr2_model::json::JsonError::redacted)).
pub(crate) fn decode_json<T: DeserializeOwned>(
    action: &Action,
    what: &str,
    bytes: &[u8],
) -> Result<T> {
    gstr2_model::json::from_slice(bytes).map_err(|source| Error::Decode {
        action: action.clone(),
        what: what.to_owned(),
        source: source.redacted(),
    })
}

/// A GSTR-2B or IMS answer that is not what was looked for: GSTN's own error, or JSON that
/// does not decode.
pub(crate) fn answer_error(
    action: &Action,
    what: &str,
    error: gstr2_model::envelope::AnswerError,
) -> Error {
    match error {
        gstr2_model::envelope::AnswerError::Gstn { code, message } => Error::Gstn {
            action: action.clone(),
            code: gstn_proto::ErrorCode::parse(&code),
            message,
            retry_after_minutes: None,
        },
        gstr2_model::envelope::AnswerError::Json(source) => Error::Decode {
            action: action.clone(),
            what: what.to_owned(),
            source: source.redacted(),
        },
        other => Error::Protocol {
            action: action.clone(),
            detail: other.to_string(),
        },
    }
}

pub(crate) fn envelope_error(action: &Action, what: &str, error: EnvelopeError) -> Error {
    let action = action.clone();
    match error {
        EnvelopeError::Gstn(error) => Error::Gstn {
            action,
            code: error.error_code,
            message: error.message,
            retry_after_minutes: error.retry_after_minutes,
        },
        EnvelopeError::FailureWithoutError => Error::Protocol {
            action,
            detail: "status_cd 0 without an error object".into(),
        },
        EnvelopeError::Json(json) => Error::Decode {
            action,
            what: what.to_owned(),
            source: json.source,
        },
        EnvelopeError::Crypto(source) => Error::Crypto { action, source },
        other => Error::Protocol {
            action,
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gstn_error_bodies_win_over_http_status() {
        let body =
            br#"{"status_cd":"0","error":{"error_cd":"RET12501","message":"System Failure"}}"#;
        let err =
            check_answer(&Action::RetSave, StatusCode::SERVICE_UNAVAILABLE, body).unwrap_err();
        assert_eq!(err.gstn_code().map(|c| c.code()), Some("RET12501"));
        assert!(err.is_retryable());
        // status_cd 0 inside a 200 is an error too.
        let body = br#"{"status_cd":0,"error":{"error_cd":"RTN_24","message":"queued"}}"#;
        let err = check_answer(&Action::FileDet, StatusCode::OK, body).unwrap_err();
        assert_eq!(err.gstn_code().map(|c| c.code()), Some("RTN_24"));
    }

    #[test]
    fn other_failures_are_http_errors() {
        let err = check_answer(&Action::RetSum, StatusCode::BAD_GATEWAY, b"<html>").unwrap_err();
        assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
        assert!(err.is_retryable());
        let err = check_answer(&Action::RetSum, StatusCode::NOT_FOUND, b"").unwrap_err();
        assert!(!err.is_retryable());
        assert!(check_answer(&Action::RetSum, StatusCode::OK, br#"{"status_cd":"1"}"#).is_ok());
        assert!(check_answer(
            &Action::Other("DOWNLOAD".into()),
            StatusCode::OK,
            b"\x1f\x8b"
        )
        .is_ok());
    }

    #[test]
    fn decode_errors_carry_the_json_path() {
        #[derive(serde::Deserialize, Debug)]
        struct Answer {
            #[allow(dead_code)]
            reference_id: String,
        }
        let err = decode_json::<Vec<Answer>>(
            &Action::RetSave,
            "data",
            br#"[{"reference_id":"a"},{"reference_id":5}]"#,
        )
        .unwrap_err();
        match err {
            Error::Decode { source, .. } => assert_eq!(source.path(), Some("[1].reference_id")),
            other => panic!("{other:?}"),
        }
    }
}
