//! Known-answer tests: every step of `docs/protocol.md` §4 against the Python `cryptography`
//! vectors, both ways.

use gstn_proto::{
    crypto, Action, AppKey, AuthTokenResponse, EncryptedRequest, EncryptedResponse, FileKey,
    FileRequest, GstnPrivateKey, GstnPublicKey, Otp, ResponseKey, SessionKey, SignatureType,
    StatusCd,
};

use crate::{key32, text, vector};

#[test]
fn otp_under_app_key() {
    let v = vector("otp");
    let app = AppKey::from_bytes(key32(&v, "app_key_hex"));
    let otp = Otp::new(text(&v, "otp")).unwrap();
    assert_eq!(crypto::encrypt_otp(&app, &otp), text(&v, "encrypted_otp"));
    let back = crypto::decrypt_otp(&app, text(&v, "encrypted_otp")).unwrap();
    assert_eq!(back.expose_secret(), text(&v, "otp"));
}

#[test]
fn sek_to_session_key() {
    let v = vector("sek");
    let app = AppKey::from_bytes(key32(&v, "app_key_hex"));
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    assert_eq!(crypto::encrypt_sek(&app, &ek), text(&v, "sek"));
    assert!(crypto::decrypt_sek(&app, text(&v, "sek"))
        .unwrap()
        .ct_eq(&ek));
    // Through the AUTHTOKEN answer type too.
    let body = format!(
        r#"{{"status_cd":1,"auth_token":"t0k","expiry":360,"sek":"{}"}}"#,
        text(&v, "sek")
    );
    let answer: AuthTokenResponse = serde_json::from_str(&body).unwrap();
    assert_eq!(answer.expiry_minutes, 360);
    assert!(answer.session_key(&app).unwrap().ct_eq(&ek));
}

#[test]
fn request_data_and_hmac() {
    let v = vector("request");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let json = text(&v, "json").as_bytes();
    let request = crypto::encrypt_request(&ek, Action::RetSave, json);
    assert_eq!(request.data, text(&v, "data"));
    assert_eq!(request.hmac, text(&v, "hmac"));
    let received = EncryptedRequest {
        action: Action::RetSave,
        data: text(&v, "data").to_owned(),
        hmac: text(&v, "hmac").to_owned(),
    };
    assert_eq!(crypto::decrypt_request(&ek, &received).unwrap(), json);
}

#[test]
fn response_with_rek() {
    let v = vector("response");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let rek = ResponseKey::from_bytes(key32(&v, "response_key_hex"));
    let json = text(&v, "json").as_bytes();
    let sealed = crypto::encrypt_response_with_key(&ek, &rek, json);
    assert_eq!(sealed.status_cd, StatusCd::Success);
    assert_eq!(sealed.rek, text(&v, "rek"));
    assert_eq!(sealed.data, text(&v, "data"));
    assert_eq!(sealed.hmac, text(&v, "hmac"));
    let received = EncryptedResponse {
        status_cd: StatusCd::Success,
        data: text(&v, "data").to_owned(),
        rek: text(&v, "rek").to_owned(),
        hmac: text(&v, "hmac").to_owned(),
    };
    assert_eq!(crypto::decrypt_response(&ek, &received).unwrap(), json);
    let body = serde_json::to_vec(&received).unwrap();
    let answer: gstn_proto::SaveResponse = EncryptedResponse::decode_and_open(&body, &ek).unwrap();
    assert_eq!(answer.reference_id, "LAPN24235325555");
}

#[test]
fn refresh_app_key_under_session_key() {
    let v = vector("refresh_app_key");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let app = AppKey::from_bytes(key32(&v, "app_key_hex"));
    assert_eq!(
        crypto::encrypt_refresh_app_key(&ek, &app),
        text(&v, "app_key")
    );
    let back = crypto::decrypt_refresh_app_key(&ek, text(&v, "app_key")).unwrap();
    assert!(back.ct_eq(&app));
}

#[test]
fn evc_sign_of_retfile() {
    let v = vector("evc_sign");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let otp = Otp::new(text(&v, "otp")).unwrap();
    let pan = text(&v, "pan");
    let summary = text(&v, "summary_json").as_bytes();
    assert_eq!(crypto::evc_sid(pan, &otp).as_str(), text(&v, "sid"));
    assert_eq!(crypto::evc_sign(pan, &otp, summary), text(&v, "sign"));
    let request = FileRequest::evc(&ek, summary, pan, &otp);
    assert_eq!(request.data, text(&v, "data"));
    assert_eq!(request.sign, text(&v, "sign"));
    assert_eq!(request.sid, text(&v, "sid"));
    assert_eq!(request.signature_type, SignatureType::Evc);
    // Server side, from the Python-made fields.
    let received = FileRequest {
        action: Action::RetFile,
        data: text(&v, "data").to_owned(),
        sign: text(&v, "sign").to_owned(),
        signature_type: SignatureType::Evc,
        sid: text(&v, "sid").to_owned(),
    };
    assert_eq!(received.open_evc(&ek).unwrap(), summary);
    let (signer_pan, signer_otp) = received.evc_signer().unwrap();
    assert_eq!(signer_pan, pan);
    assert!(signer_otp.ct_eq(&otp));
}

#[test]
fn large_file_content_under_ek() {
    let v = vector("large_file");
    let key = FileKey::from_base64(text(&v, "ek")).unwrap();
    assert_eq!(key.to_base64(), text(&v, "ek"));
    let json = text(&v, "json").as_bytes();
    assert_eq!(
        crypto::encrypt_file_content(&key, json),
        text(&v, "content")
    );
    let content = text(&v, "content").as_bytes();
    assert_eq!(crypto::decrypt_file_content(&key, content).unwrap(), json);
}

#[test]
fn rsa_app_key_made_by_python_unwraps() {
    let v = vector("rsa");
    let app = AppKey::from_bytes(key32(&v, "app_key_hex"));
    for pem in ["private_key_pkcs8_pem", "private_key_pkcs1_pem"] {
        let private = GstnPrivateKey::from_pem(text(&v, pem)).unwrap();
        let unwrapped = private.decrypt_app_key(text(&v, "app_key_rsa")).unwrap();
        assert!(unwrapped.ct_eq(&app), "{pem}");
    }
}

#[test]
fn rsa_public_key_from_python_certificate_wraps_for_the_private_key() {
    let v = vector("rsa");
    let public = GstnPublicKey::from_pem(text(&v, "certificate_pem")).unwrap();
    let private = GstnPrivateKey::from_pem(text(&v, "private_key_pkcs8_pem")).unwrap();
    let app = AppKey::generate();
    let wrapped = public.encrypt_app_key(&app).unwrap();
    assert_ne!(
        wrapped,
        public.encrypt_app_key(&app).unwrap(),
        "pkcs#1 v1.5 is randomised"
    );
    assert_eq!(crypto::b64_decode("app_key", &wrapped).unwrap().len(), 256);
    assert!(private.decrypt_app_key(&wrapped).unwrap().ct_eq(&app));
}
