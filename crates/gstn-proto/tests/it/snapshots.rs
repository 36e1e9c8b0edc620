//! Snapshots of the wire: every body this crate writes, made from fixed keys, and the table of
//! error codes. A change to any of them shows in review.

use gstn_proto::{
    crypto, error_code::ErrorCode, Action, AppKey, AuthToken, AuthTokenResponse, ErrorBody,
    FileAck, FileRequest, GstnError, LargeFileToken, Otp, ResponseKey, ReturnsQuery, SaveResponse,
    SessionKey, StatusResponse, SubmitRequest,
};
use serde_json::{json, Value};

#[test]
fn wire_bodies() {
    let app = AppKey::from_bytes([1; 32]);
    let ek = SessionKey::from_bytes([2; 32]);
    let rek = ResponseKey::from_bytes([3; 32]);
    let gstin: gstr2_model::Gstin = "27AAPFU0939F1ZV".parse().unwrap();
    let period: gstr2_model::ReturnPeriod = "072017".parse().unwrap();
    let submit = SubmitRequest {
        gstin,
        return_period: period,
    };
    let submit_json = serde_json::to_vec(&submit).unwrap();
    let save = serde_json::to_vec(&SaveResponse {
        reference_id: "LAPN24235325555".into(),
    })
    .unwrap();
    let mut status_query = ReturnsQuery::new(Action::RetStatus, gstin, period);
    status_query.reference_id = Some("LAPN24235325555".into());
    let bodies: Vec<(&str, Value)> = vec![
        ("OTPREQUEST answer", to_value(&StatusResponse::success())),
        (
            "AUTHTOKEN answer",
            to_value(&AuthTokenResponse::new(
                AuthToken::new("a1b2c3").unwrap(),
                360,
                &app,
                &ek,
            )),
        ),
        (
            "RETSUBMIT request",
            to_value(&crypto::encrypt_request(
                &ek,
                Action::RetSubmit,
                &submit_json,
            )),
        ),
        (
            "RETSAVE answer",
            to_value(&crypto::encrypt_response_with_key(&ek, &rek, &save)),
        ),
        (
            "RETFILE request",
            to_value(&FileRequest::evc(
                &ek,
                br#"{"ttl":1}"#,
                "AAPFU0939F",
                &Otp::new("123456").unwrap(),
            )),
        ),
        ("RETSTATUS query", to_value(&status_query)),
        (
            "large-file token",
            to_value(&LargeFileToken {
                token: "tok".into(),
                est_minutes: 2,
            }),
        ),
        (
            "RETFILE answer",
            to_value(&FileAck {
                ack_num: "AA270717000001".into(),
            }),
        ),
        (
            "error body",
            to_value(&ErrorBody::new(GstnError::new(ErrorCode::Rtn24))),
        ),
    ];
    let map: serde_json::Map<String, Value> =
        bodies.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    insta::assert_snapshot!(pretty(&Value::Object(map)));
}

#[test]
fn error_code_table() {
    let table: Vec<Value> = ErrorCode::KNOWN
        .iter()
        .map(|code| {
            json!({
                "code": code.code(),
                "class": format!("{:?}", code.class()),
                "message": code.message(),
            })
        })
        .collect();
    insta::assert_snapshot!(pretty(&Value::Array(table)));
}

fn to_value<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

/// Pretty JSON through serde_json itself: insta's own serializer shows serde_json's
/// arbitrary-precision numbers as their internal map.
fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap()
}
