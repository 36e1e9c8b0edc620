//! Key pairs and certificates made by this crate.

use chrono::{Duration, Utc};
use gstn_proto::{AppKey, GstnPrivateKey, GstnPublicKey, KeyError};

#[test]
fn generated_key_self_signs_and_unwraps_app_keys() {
    let start = std::time::Instant::now();
    let private = GstnPrivateKey::generate(2048).unwrap();
    eprintln!("keygen 2048: {:?}", start.elapsed());
    let now = Utc::now();
    let cert = private
        .self_signed_certificate(
            "gstn sandbox",
            now - Duration::days(1),
            now + Duration::days(365),
        )
        .unwrap();
    let public = GstnPublicKey::from_pem(&cert.certificate_pem()).unwrap();
    public.check_validity(now).unwrap();
    let app = AppKey::generate();
    let wrapped = public.encrypt_app_key(&app).unwrap();
    assert!(private.decrypt_app_key(&wrapped).unwrap().ct_eq(&app));
    assert!(matches!(
        public.check_validity(now + Duration::days(400)),
        Err(KeyError::Expired { .. })
    ));
    let from_der = GstnPublicKey::from_der(public.certificate_der()).unwrap();
    assert_eq!(from_der.not_after(), public.not_after());
    let pem = private.to_pkcs8_pem().unwrap();
    let again = GstnPrivateKey::from_pem(&pem).unwrap();
    assert!(again.decrypt_app_key(&wrapped).unwrap().ct_eq(&app));
}
