//! Tamper tests: a changed byte in `data`, `rek` or `hmac` is an error, never garbage data.

use gstn_proto::{
    crypto, CryptoError, EncryptedRequest, EncryptedResponse, EnvelopeError, ResponseKey,
    SessionKey, StatusCd,
};

use crate::{key32, text, vector};

fn response() -> (SessionKey, EncryptedResponse) {
    let v = vector("response");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let sealed = EncryptedResponse {
        status_cd: StatusCd::Success,
        data: text(&v, "data").to_owned(),
        rek: text(&v, "rek").to_owned(),
        hmac: text(&v, "hmac").to_owned(),
    };
    (ek, sealed)
}

/// Every variant of `b64` with one bit of one decoded byte flipped.
fn flipped(b64: &str) -> Vec<String> {
    let bytes = crypto::b64_decode("x", b64).unwrap();
    let mut out = Vec::new();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x80] {
            let mut changed = bytes.clone();
            changed[i] ^= bit;
            out.push(crypto::b64_encode(&changed));
        }
    }
    out
}

#[test]
fn every_flipped_byte_of_a_response_is_an_error() {
    let (ek, sealed) = response();
    assert!(crypto::decrypt_response(&ek, &sealed).is_ok());
    let mut cases = 0;
    for data in flipped(&sealed.data) {
        let changed = EncryptedResponse {
            data,
            ..sealed.clone()
        };
        let err = crypto::decrypt_response(&ek, &changed).unwrap_err();
        assert!(
            matches!(
                err,
                CryptoError::HmacMismatch { .. } | CryptoError::Decrypt { field: "data" }
            ),
            "{err}"
        );
        cases += 1;
    }
    for rek in flipped(&sealed.rek) {
        let changed = EncryptedResponse {
            rek,
            ..sealed.clone()
        };
        assert!(crypto::decrypt_response(&ek, &changed).is_err());
        cases += 1;
    }
    for hmac in flipped(&sealed.hmac) {
        let changed = EncryptedResponse {
            hmac,
            ..sealed.clone()
        };
        assert!(matches!(
            crypto::decrypt_response(&ek, &changed),
            Err(CryptoError::HmacMismatch { field: "hmac" })
        ));
        cases += 1;
    }
    assert_eq!(cases, 2 * (64 + 48 + 32));
}

#[test]
fn every_changed_character_of_a_response_is_an_error() {
    let (ek, sealed) = response();
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for field in ["data", "rek", "hmac"] {
        let original = match field {
            "data" => &sealed.data,
            "rek" => &sealed.rek,
            _ => &sealed.hmac,
        };
        for (i, c) in original.bytes().enumerate() {
            if c == b'=' {
                continue;
            }
            let replacement = alphabet[(alphabet.iter().position(|&a| a == c).unwrap() + 1) % 64];
            let mut changed_text = original.clone().into_bytes();
            changed_text[i] = replacement;
            let changed_text = String::from_utf8(changed_text).unwrap();
            let mut changed = sealed.clone();
            match field {
                "data" => changed.data = changed_text,
                "rek" => changed.rek = changed_text,
                _ => changed.hmac = changed_text,
            }
            assert!(
                crypto::decrypt_response(&ek, &changed).is_err(),
                "{field} char {i} changed yet accepted"
            );
        }
    }
}

#[test]
fn a_response_for_another_session_or_another_rek_is_an_error() {
    let (ek, sealed) = response();
    let other = SessionKey::from_bytes([0x55; 32]);
    assert!(crypto::decrypt_response(&other, &sealed).is_err());
    // A valid rek from another response with the data of this one.
    let foreign = crypto::encrypt_response_with_key(&ek, &ResponseKey::from_bytes([9; 32]), b"{}");
    let mixed = EncryptedResponse {
        rek: foreign.rek,
        ..sealed.clone()
    };
    assert!(crypto::decrypt_response(&ek, &mixed).is_err());
    // Through the typed path the failure is a crypto error.
    assert!(matches!(
        mixed.open::<serde_json::Value>(&ek),
        Err(EnvelopeError::Crypto(_))
    ));
}

#[test]
fn every_flipped_byte_of_a_request_is_an_error() {
    let v = vector("request");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let sealed = EncryptedRequest {
        action: gstn_proto::Action::RetSave,
        data: text(&v, "data").to_owned(),
        hmac: text(&v, "hmac").to_owned(),
    };
    assert!(crypto::decrypt_request(&ek, &sealed).is_ok());
    for data in flipped(&sealed.data) {
        let changed = EncryptedRequest {
            data,
            ..sealed.clone()
        };
        assert!(crypto::decrypt_request(&ek, &changed).is_err());
    }
    for hmac in flipped(&sealed.hmac) {
        let changed = EncryptedRequest {
            hmac,
            ..sealed.clone()
        };
        assert!(crypto::decrypt_request(&ek, &changed).is_err());
    }
    let truncated = EncryptedRequest {
        hmac: crypto::b64_encode(&[1, 2, 3]),
        ..sealed.clone()
    };
    assert!(crypto::decrypt_request(&ek, &truncated).is_err());
}

#[test]
fn a_changed_evc_sign_or_summary_is_an_error() {
    let v = vector("evc_sign");
    let ek = SessionKey::from_bytes(key32(&v, "session_key_hex"));
    let request = gstn_proto::FileRequest {
        action: gstn_proto::Action::RetFile,
        data: text(&v, "data").to_owned(),
        sign: text(&v, "sign").to_owned(),
        signature_type: gstn_proto::SignatureType::Evc,
        sid: text(&v, "sid").to_owned(),
    };
    for sign in flipped(&request.sign) {
        let changed = gstn_proto::FileRequest {
            sign,
            ..request.clone()
        };
        assert!(changed.open_evc(&ek).is_err());
    }
    for data in flipped(&request.data) {
        let changed = gstn_proto::FileRequest {
            data,
            ..request.clone()
        };
        assert!(changed.open_evc(&ek).is_err());
    }
    let wrong_otp = gstn_proto::FileRequest {
        sid: "AAPFU0939F|654321".to_owned(),
        ..request.clone()
    };
    assert!(matches!(
        wrong_otp.open_evc(&ek),
        Err(CryptoError::HmacMismatch { field: "sign" })
    ));
}
