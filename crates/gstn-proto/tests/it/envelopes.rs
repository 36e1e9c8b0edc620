//! Envelopes and bodies: the JSON shapes of `docs/protocol.md` §5 to §8 in both directions.

use gstn_proto::{
    decode_body, AppKey, AuthRequest, AuthToken, AuthTokenResponse, EncryptedResponse,
    EnvelopeError, ErrorBody, ErrorCode, FileDetails, FileRequest, GstnError, GstnPublicKey,
    LargeFileToken, Otp, ProcessingStatus, ReturnStatus, ReturnsQuery, SessionKey, StatusCd,
    StatusResponse,
};
use serde_json::{json, Value};

use crate::{text, vector};

#[test]
fn status_cd_is_read_from_string_or_number_and_written_as_string() {
    for (input, expected) in [
        (r#"{"status_cd":"1"}"#, StatusCd::Success),
        (r#"{"status_cd":1}"#, StatusCd::Success),
        (r#"{"status_cd":"0"}"#, StatusCd::Failure),
        (r#"{"status_cd":0}"#, StatusCd::Failure),
        (r#"{"status_cd":3}"#, StatusCd::Other("3".into())),
    ] {
        let status: StatusResponse = serde_json::from_str(input).unwrap();
        assert_eq!(status.status_cd, expected, "{input}");
    }
    assert_eq!(
        serde_json::to_string(&StatusResponse::success()).unwrap(),
        r#"{"status_cd":"1"}"#
    );
    assert!(serde_json::from_str::<StatusResponse>(r#"{"status_cd":true}"#).is_err());
}

#[test]
fn gstn_error_body_becomes_a_typed_error() {
    for body in [
        r#"{"status_cd":"0","error":{"message":"Invalid OTP","error_cd":"AUTH4034"}}"#,
        r#"{"status_cd":0,"error":{"error_cd":"AUTH4034","message":"Invalid OTP"}}"#,
    ] {
        let err = decode_body::<StatusResponse>("OTPREQUEST answer", body.as_bytes()).unwrap_err();
        let EnvelopeError::Gstn(error) = err else {
            panic!("not a gstn error: {err}")
        };
        assert_eq!(error.error_code, ErrorCode::Auth4034);
        assert_eq!(error.message, "Invalid OTP");
    }
    let unknown = r#"{"status_cd":"0","error":{"message":"new","error_cd":"RET99999"}}"#;
    match decode_body::<StatusResponse>("x", unknown.as_bytes()) {
        Err(EnvelopeError::Gstn(e)) => {
            assert_eq!(e.error_code, ErrorCode::Other("RET99999".into()))
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        decode_body::<StatusResponse>("x", br#"{"status_cd":"0"}"#),
        Err(EnvelopeError::FailureWithoutError)
    ));
    // The written shape.
    let written =
        serde_json::to_value(ErrorBody::new(GstnError::new(ErrorCode::Auth4038))).unwrap();
    assert_eq!(
        written,
        json!({"status_cd":"0","error":{"message":"Session Expired","error_cd":"AUTH4038"}})
    );
}

#[test]
fn json_errors_say_where() {
    let err = decode_body::<AuthTokenResponse>(
        "AUTHTOKEN answer",
        br#"{"status_cd":"1","auth_token":"t","expiry":"soon","sek":"x"}"#,
    )
    .unwrap_err();
    let EnvelopeError::Json(json_err) = err else {
        panic!("{err}")
    };
    assert_eq!(json_err.path(), "expiry");
    let message = gstr2_model::ErrorChain(&json_err).to_string();
    assert!(message.starts_with("AUTHTOKEN answer: invalid json: json at expiry"));
    // The body holds the token and the session key: no value of it is quoted.
    assert!(!message.contains("soon"), "{message}");
    let err = decode_body::<AuthTokenResponse>(
        "AUTHTOKEN answer",
        br#"{"status_cd":"1","auth_token":"t","expiry":360,"sek":4711}"#,
    )
    .unwrap_err();
    let message = gstr2_model::ErrorChain(&err).to_string();
    assert!(message.contains("json at sek"), "{message}");
    assert!(!message.contains("4711"), "{message}");
}

#[test]
fn auth_requests_have_the_wire_shape_and_hide_secrets_in_debug() {
    let v = vector("rsa");
    let public = GstnPublicKey::from_pem(text(&v, "certificate_pem")).unwrap();
    let app = AppKey::generate();
    let otp = Otp::new("575757").unwrap();

    let otp_request =
        serde_json::to_value(AuthRequest::otp_request("acme", &public, &app).unwrap()).unwrap();
    assert_eq!(keys(&otp_request), ["action", "app_key", "username"]);
    assert_eq!(otp_request["action"], "OTPREQUEST");

    let auth = AuthRequest::auth_token("acme", &public, &app, &otp).unwrap();
    let auth_json = serde_json::to_value(&auth).unwrap();
    assert_eq!(keys(&auth_json), ["action", "app_key", "otp", "username"]);
    assert_eq!(auth_json["action"], "AUTHTOKEN");
    let debug = format!("{auth:?}");
    assert!(
        !debug.contains(&auth_json["app_key"].as_str().unwrap()[..20]),
        "{debug}"
    );
    assert!(
        !debug.contains(auth_json["otp"].as_str().unwrap()),
        "{debug}"
    );

    let token = AuthToken::new("8c1f0e-secret-token").unwrap();
    let ek = SessionKey::generate();
    let refresh = AuthRequest::refresh_token("acme", &ek, &app, token.clone());
    let refresh_json = serde_json::to_value(&refresh).unwrap();
    assert_eq!(
        keys(&refresh_json),
        ["action", "app_key", "auth_token", "username"]
    );
    assert_eq!(refresh_json["auth_token"], "8c1f0e-secret-token");
    assert!(!format!("{refresh:?}").contains("8c1f0e"));
    let parsed: AuthRequest = serde_json::from_value(refresh_json).unwrap();
    assert_eq!(parsed.auth_token.as_ref(), Some(&token));
    assert!(
        gstn_proto::crypto::decrypt_refresh_app_key(&ek, &parsed.app_key)
            .unwrap()
            .ct_eq(&app)
    );

    let logout =
        serde_json::to_value(AuthRequest::logout("acme", &public, &app, token).unwrap()).unwrap();
    assert_eq!(logout["action"], "LOGOUT");
    assert_eq!(
        keys(&logout),
        ["action", "app_key", "auth_token", "username"]
    );
}

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn auth_token_answer_round_trips_and_hides_token_and_sek() {
    let app = AppKey::generate();
    let ek = SessionKey::generate();
    let answer = AuthTokenResponse::new(AuthToken::new("tok-123").unwrap(), 360, &app, &ek);
    let body = serde_json::to_string(&answer).unwrap();
    let parsed: AuthTokenResponse = decode_body("AUTHTOKEN answer", body.as_bytes()).unwrap();
    assert_eq!(parsed.auth_token.expose_secret(), "tok-123");
    assert!(parsed.session_key(&app).unwrap().ct_eq(&ek));
    let value: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(value["status_cd"], "1");
    assert_eq!(value["expiry"], 360);
    let debug = format!("{parsed:?}");
    assert!(
        !debug.contains("tok-123") && !debug.contains(&answer.sek),
        "{debug}"
    );
    // `expiry` as a string is accepted.
    let text_expiry = r#"{"status_cd":"1","auth_token":"t","expiry":"120","sek":"AAAA"}"#;
    let parsed: AuthTokenResponse = serde_json::from_str(text_expiry).unwrap();
    assert_eq!(parsed.expiry_minutes, 120);
}

#[test]
fn file_request_hides_sid_in_debug() {
    let ek = SessionKey::generate();
    let otp = Otp::new("987654").unwrap();
    let request = FileRequest::evc(&ek, b"{}", "AAPFU0939F", &otp);
    let json = serde_json::to_value(&request).unwrap();
    assert_eq!(keys(&json), ["action", "data", "sid", "sign", "st"]);
    assert_eq!(json["st"], "EVC");
    assert_eq!(json["action"], "RETFILE");
    assert!(!format!("{request:?}").contains("987654"));
}

#[test]
fn return_status_with_error_report_round_trips() {
    let body = json!({
        "status_cd": "PE",
        "form_typ": "R2",
        "action": "SAVE",
        "error_report": {
            "b2b": [{
                "ctin": "33GSPTN4811G1ZC",
                "error_cd": "RET191114",
                "error_msg": "Invalid POS",
                "inv": [{"inum": "S008400", "idt": "24-07-2017", "val": 729248.16,
                         "error_cd": "RET191114", "error_msg": "Invalid POS"}]
            }],
            "imp_g": [{"boe_num": "7", "error_cd": "RET191175", "error_msg": "rate"}],
            "cdn": [{"ctin": "33GSPTN4811G1ZC", "nt": [{"nt_num": "N1", "error_cd": "RET191106"}]}]
        }
    });
    let status: ReturnStatus = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(status.status, ProcessingStatus::ProcessedWithErrors);
    assert!(status.status.is_final());
    let report = status.error_report.as_ref().unwrap();
    let b2b = &report.sections["b2b"][0];
    assert_eq!(b2b.supplier_gstin.as_deref(), Some("33GSPTN4811G1ZC"));
    assert_eq!(b2b.invoices[0].invoice_number.as_deref(), Some("S008400"));
    assert_eq!(b2b.invoices[0].error_code.as_deref(), Some("RET191114"));
    assert_eq!(b2b.invoices[0].other["val"].to_string(), "729248.16");
    assert_eq!(report.sections["imp_g"][0].document["boe_num"], "7");
    assert_eq!(
        report.sections["cdn"][0].notes[0].note_number.as_deref(),
        Some("N1")
    );
    assert_eq!(serde_json::to_value(&status).unwrap(), body);

    let error = json!({"status_cd": "ER", "error_report": {"error_cd": "RET191106", "error_msg": "Error in JSON structure"}});
    let status: ReturnStatus = serde_json::from_value(error.clone()).unwrap();
    assert_eq!(status.status, ProcessingStatus::Error);
    assert_eq!(
        status.error_report.as_ref().unwrap().error_code.as_deref(),
        Some("RET191106")
    );
    assert_eq!(serde_json::to_value(&status).unwrap(), error);

    let in_progress: ReturnStatus = serde_json::from_str(r#"{"status_cd":"IP"}"#).unwrap();
    assert!(!in_progress.status.is_final());
}

#[test]
fn large_file_bodies() {
    let token: LargeFileToken = serde_json::from_str(r#"{"token":"a1b2","est":"20"}"#).unwrap();
    assert_eq!(token.est_minutes, 20);
    let token: LargeFileToken = serde_json::from_str(r#"{"token":"a1b2","est":20}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&token).unwrap(),
        json!({"token":"a1b2","est":20})
    );

    let body = json!({"fc": 2, "ek": "c2VjcmV0LWZpbGUta2V5LXZhbHVlLTMyLWJ5dGVzISE=",
        "urls": [{"ul": "http://127.0.0.1/f/1.tar.gz", "ic": 10, "hash": "ab"},
                 {"ul": "http://127.0.0.1/f/2.tar.gz", "ic": 3, "hash": "cd"}]});
    let details: FileDetails = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(details.file_count, 2);
    assert_eq!(details.urls[1].invoice_count, 3);
    assert_eq!(serde_json::to_value(&details).unwrap(), body);
    assert!(!format!("{details:?}").contains("c2VjcmV0"));
}

#[test]
fn typed_bodies_travel_encrypted() {
    let ek = SessionKey::generate();
    let query = ReturnsQuery::new(
        gstn_proto::Action::RetStatus,
        "27AAPFU0939F1ZV".parse().unwrap(),
        "072017".parse().unwrap(),
    );
    let sealed = EncryptedResponse::seal(&ek, &query).unwrap();
    let body = serde_json::to_vec(&sealed).unwrap();
    let back: ReturnsQuery = EncryptedResponse::decode_and_open(&body, &ek).unwrap();
    assert_eq!(back, query);
    assert_eq!(
        serde_json::to_value(&query).unwrap(),
        json!({"action":"RETSTATUS","gstin":"27AAPFU0939F1ZV","ret_period":"072017"})
    );
    // A GSTN error in place of the encrypted envelope.
    let error = serde_json::to_vec(&ErrorBody::new(GstnError::new(ErrorCode::Ret11407))).unwrap();
    assert!(matches!(
        EncryptedResponse::decode_and_open::<ReturnsQuery>(&error, &ek),
        Err(EnvelopeError::Gstn(GstnError {
            error_code: ErrorCode::Ret11407,
            ..
        }))
    ));
}
