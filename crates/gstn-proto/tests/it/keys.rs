//! Certificates: reading GSTN-style certificates (PEM, DER), validity, and the sandbox's own.

use chrono::{DateTime, Duration, Utc};
use gstn_proto::{crypto, AppKey, CryptoError, GstnPrivateKey, GstnPublicKey, KeyError};

use crate::{text, vector};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap().into()
}

#[test]
fn python_certificate_reads_from_pem_and_der_with_its_validity() {
    let v = vector("rsa");
    let pem = GstnPublicKey::from_pem(text(&v, "certificate_pem")).unwrap();
    let der_bytes = crypto::b64_decode("cert", text(&v, "certificate_der_b64")).unwrap();
    let der = GstnPublicKey::from_der(&der_bytes).unwrap();
    assert_eq!(pem.not_before(), at(text(&v, "not_before")));
    assert_eq!(pem.not_after(), at(text(&v, "not_after")));
    assert_eq!(der.not_after(), pem.not_after());
    assert_eq!(der.certificate_der(), der_bytes.as_slice());
    // Our PEM writer gives back the same certificate.
    let again = GstnPublicKey::from_pem(&der.certificate_pem()).unwrap();
    assert_eq!(again.certificate_der(), der_bytes.as_slice());
    pem.check_validity(at("2026-11-22T00:00:00Z")).unwrap();
}

#[test]
fn expired_certificate_is_refused() {
    let v = vector("rsa");
    let cert = GstnPublicKey::from_pem(text(&v, "expired_certificate_pem")).unwrap();
    assert_eq!(cert.not_after(), at(text(&v, "expired_not_after")));
    let err = cert.check_validity(at("2026-11-22T00:00:00Z")).unwrap_err();
    assert!(matches!(err, KeyError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("expired"));
    let err = cert.check_validity(at("2016-01-01T00:00:00Z")).unwrap_err();
    assert!(matches!(err, KeyError::NotYetValid { .. }), "{err}");
    cert.check_validity(at("2018-01-01T00:00:00Z")).unwrap();
}

#[test]
fn garbage_is_not_a_certificate_or_key() {
    assert!(matches!(
        GstnPublicKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"),
        Err(KeyError::Certificate(_))
    ));
    assert!(GstnPublicKey::from_der(b"not der").is_err());
    assert!(matches!(
        GstnPrivateKey::from_pem("hello"),
        Err(KeyError::PrivateKey { .. })
    ));
}

#[test]
fn wrong_private_key_or_bad_app_key_is_an_error() {
    let v = vector("rsa");
    let private = GstnPrivateKey::from_pem(text(&v, "private_key_pkcs8_pem")).unwrap();
    assert!(matches!(
        private.decrypt_app_key("!!!"),
        Err(CryptoError::Base64 {
            field: "app_key",
            ..
        })
    ));
    let mut ciphertext = crypto::b64_decode("x", text(&v, "app_key_rsa")).unwrap();
    ciphertext[100] ^= 0x01;
    assert!(private
        .decrypt_app_key(&crypto::b64_encode(&ciphertext))
        .is_err());
    // A 16-byte "app key" wrapped correctly is still refused.
    let short = rsa_wrap_short(&v);
    assert!(matches!(
        private.decrypt_app_key(&short),
        Err(CryptoError::KeyLength {
            field: "app_key",
            len: 16
        })
    ));
}

/// Wraps 16 bytes with the vector key's public half.
fn rsa_wrap_short(v: &serde_json::Value) -> String {
    use rsa::pkcs8::DecodePrivateKey as _;
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(text(v, "private_key_pkcs8_pem")).unwrap();
    let ct = key
        .to_public_key()
        .encrypt(&mut rand::rngs::OsRng, rsa::Pkcs1v15Encrypt, &[7u8; 16])
        .unwrap();
    crypto::b64_encode(&ct)
}

#[test]
fn self_signed_certificate_for_the_sandbox() {
    // The vector key stands in for a generated one (generation is slow in debug builds).
    let v = vector("rsa");
    let private = GstnPrivateKey::from_pem(text(&v, "private_key_pkcs1_pem")).unwrap();
    let now = at("2026-11-22T03:00:00Z");
    let cert = private
        .self_signed_certificate(
            "GSTN sandbox, 127.0.0.1",
            now - Duration::hours(1),
            now + Duration::days(365),
        )
        .unwrap();
    assert_eq!(cert.not_before(), now - Duration::hours(1));
    assert_eq!(cert.not_after(), now + Duration::days(365));
    let pem = cert.certificate_pem();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    let public = GstnPublicKey::from_pem(&pem).unwrap();
    public.check_validity(now).unwrap();
    let app = AppKey::generate();
    let wrapped = public.encrypt_app_key(&app).unwrap();
    assert!(private.decrypt_app_key(&wrapped).unwrap().ct_eq(&app));
    // The PKCS#8 export reads back as the same key.
    let exported = private.to_pkcs8_pem().unwrap();
    assert!(exported.starts_with("-----BEGIN PRIVATE KEY-----"));
    let reread = GstnPrivateKey::from_pem(&exported).unwrap();
    assert!(reread.decrypt_app_key(&wrapped).unwrap().ct_eq(&app));
    assert!(!format!("{private:?}").contains("BEGIN"));
    assert_eq!(format!("{private:?}"), "GstnPrivateKey(2048 bits, ***)");
}

#[test]
fn self_signed_certificate_verifies_with_openssl_style_signature() {
    // The certificate's signature must verify with its own public key (SHA-256 with RSA).
    use der::{Decode as _, Encode as _};
    use rsa::signature::Verifier as _;
    let v = vector("rsa");
    let private = GstnPrivateKey::from_pem(text(&v, "private_key_pkcs8_pem")).unwrap();
    let now = Utc::now();
    let cert = private
        .self_signed_certificate("sandbox", now, now + Duration::days(1))
        .unwrap();
    let parsed = x509_cert::Certificate::from_der(cert.certificate_der()).unwrap();
    let tbs = parsed.tbs_certificate.to_der().unwrap();
    let signature = rsa::pkcs1v15::Signature::try_from(parsed.signature.raw_bytes()).unwrap();
    let verifying = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(private.public_key());
    verifying.verify(&tbs, &signature).unwrap();
    assert_eq!(
        parsed.tbs_certificate.issuer,
        parsed.tbs_certificate.subject
    );
}

#[test]
fn generated_key_pair_works_end_to_end() {
    let private = GstnPrivateKey::generate(1024).unwrap();
    let now = Utc::now();
    let cert = private
        .self_signed_certificate("gen", now - Duration::minutes(1), now + Duration::days(1))
        .unwrap();
    let app = AppKey::generate();
    let wrapped = cert.encrypt_app_key(&app).unwrap();
    assert!(private.decrypt_app_key(&wrapped).unwrap().ct_eq(&app));
}

#[test]
fn certificate_pem_with_crlf_line_ends_reads() {
    let v = vector("rsa");
    let pem = text(&v, "certificate_pem").replace('\n', "\r\n");
    let cert = GstnPublicKey::from_pem(&pem).unwrap();
    assert_eq!(cert.not_after(), at(text(&v, "not_after")));
}
