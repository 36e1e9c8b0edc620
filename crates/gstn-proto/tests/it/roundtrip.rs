//! Property tests: every encrypt step inverts, and a random flipped bit is always caught.

use gstn_proto::{crypto, Action, AppKey, FileKey, Otp, ResponseKey, SessionKey};
use proptest::prelude::*;

fn key() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn request_round_trips(ek in key(), json in proptest::collection::vec(any::<u8>(), 0..600)) {
        let ek = SessionKey::from_bytes(ek);
        let sealed = crypto::encrypt_request(&ek, Action::RetSave, &json);
        prop_assert_eq!(crypto::decrypt_request(&ek, &sealed).unwrap(), json);
    }

    #[test]
    fn response_round_trips(ek in key(), rek in key(), json in proptest::collection::vec(any::<u8>(), 0..600)) {
        let ek = SessionKey::from_bytes(ek);
        let sealed = crypto::encrypt_response_with_key(&ek, &ResponseKey::from_bytes(rek), &json);
        prop_assert_eq!(crypto::decrypt_response(&ek, &sealed).unwrap(), json);
    }

    #[test]
    fn response_with_a_flipped_bit_never_decrypts(
        ek in key(),
        json in proptest::collection::vec(any::<u8>(), 0..300),
        field in 0usize..3,
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let ek = SessionKey::from_bytes(ek);
        let mut sealed = crypto::encrypt_response(&ek, &json);
        let target = match field { 0 => &mut sealed.data, 1 => &mut sealed.rek, _ => &mut sealed.hmac };
        let mut bytes = crypto::b64_decode("x", target).unwrap();
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        *target = crypto::b64_encode(&bytes);
        prop_assert!(crypto::decrypt_response(&ek, &sealed).is_err());
    }

    #[test]
    fn keys_and_otp_round_trip(app in key(), ek in key(), otp in "[0-9]{4,10}") {
        let app = AppKey::from_bytes(app);
        let ek = SessionKey::from_bytes(ek);
        let otp = Otp::new(otp).unwrap();
        prop_assert!(crypto::decrypt_otp(&app, &crypto::encrypt_otp(&app, &otp)).unwrap().ct_eq(&otp));
        prop_assert!(crypto::decrypt_sek(&app, &crypto::encrypt_sek(&app, &ek)).unwrap().ct_eq(&ek));
        let refresh = crypto::encrypt_refresh_app_key(&ek, &app);
        prop_assert!(crypto::decrypt_refresh_app_key(&ek, &refresh).unwrap().ct_eq(&app));
    }

    #[test]
    fn evc_and_file_content_round_trip(
        ek in key(),
        pan in "[A-Z]{5}[0-9]{4}[A-Z]",
        otp in "[0-9]{6}",
        json in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let otp = Otp::new(otp).unwrap();
        let sid = crypto::evc_sid(&pan, &otp);
        let sign = crypto::evc_sign(&pan, &otp, &json);
        prop_assert!(crypto::verify_evc_sign(&sid, &json, &sign).is_ok());
        let file_key = FileKey::from_bytes(ek);
        let content = crypto::encrypt_file_content(&file_key, &json);
        prop_assert_eq!(crypto::decrypt_file_content(&file_key, content.as_bytes()).unwrap(), json.clone());
        let ek = SessionKey::from_bytes(ek);
        prop_assert_eq!(crypto::decrypt_data(&ek, &crypto::encrypt_data(&ek, &json)).unwrap(), json);
    }
}
