//! The crypto of the GSTN taxpayer API (`docs/protocol.md` §4), both directions of every step:
//! the client uses one, the sandbox the other.
//!
//! All symmetric crypto is AES-256 in ECB mode with PKCS#7 padding; every binary value travels
//! as standard Base64 (with `=` padding, non-canonical trailing bits rejected).
//!
//! | step | client | server |
//! |---|---|---|
//! | OTP under the app key | [`encrypt_otp`] | [`decrypt_otp`] |
//! | `sek` → session key `EK` | [`decrypt_sek`] | [`encrypt_sek`] |
//! | REFRESHTOKEN `app_key` under `EK` | [`encrypt_refresh_app_key`] | [`decrypt_refresh_app_key`] |
//! | request `data` + `hmac` | [`encrypt_request`] | [`decrypt_request`] |
//! | response `rek` + `data` + `hmac` | [`decrypt_response`] | [`encrypt_response`] |
//! | RETFILE `data` (no hmac) | [`encrypt_data`] | [`decrypt_data`] |
//! | EVC `sign` | [`evc_sign`] | [`verify_evc_sign`] |
//! | large-file content under `ek` | [`decrypt_file_content`] | [`encrypt_file_content`] |
//!
//! The RSA step (app key under GSTN's public key) is in [`crate::keys`].

use aes::Aes256;
use base64::Engine as _;
use cipher::{block_padding::Pkcs7, BlockDecryptMut as _, BlockEncryptMut as _, KeyInit as _};
use hmac::{Hmac, Mac as _};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::action::Action;
use crate::envelope::{EncryptedRequest, EncryptedResponse, StatusCd};
use crate::error::CryptoError;
use crate::secret::{AppKey, FileKey, Otp, ResponseKey, SessionKey, KEY_LEN};

type HmacSha256 = Hmac<Sha256>;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Standard Base64 with padding, as every binary value on the wire.
pub fn b64_encode(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// Decodes standard Base64; `field` names the wire field for the error.
pub fn b64_decode(field: &'static str, text: &str) -> Result<Vec<u8>, CryptoError> {
    B64.decode(text.as_bytes())
        .map_err(|source| CryptoError::Base64 { field, source })
}

/// AES-256-ECB with PKCS#7 padding.
pub fn aes_encrypt(key: &[u8; KEY_LEN], plaintext: &[u8]) -> Vec<u8> {
    ecb::Encryptor::<Aes256>::new(key.into()).encrypt_padded_vec_mut::<Pkcs7>(plaintext)
}

/// The inverse of [`aes_encrypt`]. A wrong key or a changed ciphertext usually breaks the
/// padding and gives [`CryptoError::Decrypt`]; callers that need certainty check an HMAC.
pub fn aes_decrypt(
    field: &'static str,
    key: &[u8; KEY_LEN],
    ciphertext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    ecb::Decryptor::<Aes256>::new(key.into())
        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
        .map_err(|_| CryptoError::Decrypt { field })
}

/// HMAC-SHA256's block size in bytes.
const HMAC_BLOCK: usize = 64;

/// An HMAC-SHA256 keyed with `key` of any length. The key is brought to the block size as
/// RFC 2104 says (hashed if longer, zero-padded), which is what `new_from_slice` does too, but
/// without a `Result` that cannot be an error.
fn keyed_mac(key: &[u8]) -> HmacSha256 {
    let mut block = Zeroizing::new([0u8; HMAC_BLOCK]);
    if key.len() > HMAC_BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <HmacSha256 as hmac::digest::KeyInit>::new(&(*block).into())
}

/// HMAC-SHA256 of `message` under `key`.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = keyed_mac(key);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Checks a Base64 HMAC-SHA256 in constant time.
fn verify_hmac(
    field: &'static str,
    key: &[u8],
    message: &[u8],
    tag_b64: &str,
) -> Result<(), CryptoError> {
    let tag = b64_decode(field, tag_b64)?;
    let mut mac = keyed_mac(key);
    mac.update(message);
    mac.verify_slice(&tag)
        .map_err(|_| CryptoError::HmacMismatch { field })
}

/// SHA-256 of `bytes` in lower-case hex: the `hash` of a large file's URL entry.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn decrypt_key(
    field: &'static str,
    key: &[u8; KEY_LEN],
    text: &str,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let ciphertext = b64_decode(field, text)?;
    let plain = Zeroizing::new(aes_decrypt(field, key, &ciphertext)?);
    if plain.len() != KEY_LEN {
        return Err(CryptoError::KeyLength {
            field,
            len: plain.len(),
        });
    }
    Ok(plain)
}

/// AUTHTOKEN's `otp`: `b64(AES(app_key, utf8(otp)))`.
pub fn encrypt_otp(app_key: &AppKey, otp: &Otp) -> String {
    b64_encode(&aes_encrypt(
        app_key.expose_secret(),
        otp.expose_secret().as_bytes(),
    ))
}

/// Reads AUTHTOKEN's `otp` back (server side). Anything that does not decrypt to 4 to 10 digits
/// is an error.
pub fn decrypt_otp(app_key: &AppKey, otp: &str) -> Result<Otp, CryptoError> {
    let ciphertext = b64_decode("otp", otp)?;
    let plain = Zeroizing::new(aes_decrypt("otp", app_key.expose_secret(), &ciphertext)?);
    let text = std::str::from_utf8(&plain).map_err(|_| CryptoError::Plaintext {
        field: "otp",
        expected: "utf-8",
    })?;
    Otp::new(text).map_err(|_| CryptoError::Plaintext {
        field: "otp",
        expected: "an otp of 4 to 10 digits",
    })
}

/// AUTHTOKEN/REFRESHTOKEN's `sek` (server side): `b64(AES(app_key, EK))`.
pub fn encrypt_sek(app_key: &AppKey, session_key: &SessionKey) -> String {
    b64_encode(&aes_encrypt(
        app_key.expose_secret(),
        session_key.expose_secret(),
    ))
}

/// The session key `EK` from `sek`: `AES-dec(app_key, b64d(sek))`, which must be 32 bytes.
pub fn decrypt_sek(app_key: &AppKey, sek: &str) -> Result<SessionKey, CryptoError> {
    let plain = decrypt_key("sek", app_key.expose_secret(), sek)?;
    SessionKey::try_from_slice(&plain)
}

/// REFRESHTOKEN's `app_key`: `b64(AES(EK, app_key_bytes))`.
pub fn encrypt_refresh_app_key(session_key: &SessionKey, app_key: &AppKey) -> String {
    b64_encode(&aes_encrypt(
        session_key.expose_secret(),
        app_key.expose_secret(),
    ))
}

/// Reads REFRESHTOKEN's `app_key` back (server side).
pub fn decrypt_refresh_app_key(
    session_key: &SessionKey,
    app_key: &str,
) -> Result<AppKey, CryptoError> {
    let plain = decrypt_key("app_key", session_key.expose_secret(), app_key)?;
    AppKey::try_from_slice(&plain)
}

/// A request's `data` alone (RETFILE has no `hmac`): `b64(AES(EK, utf8(b64(json))))`.
pub fn encrypt_data(session_key: &SessionKey, json: &[u8]) -> String {
    let b64_json = Zeroizing::new(b64_encode(json));
    b64_encode(&aes_encrypt(
        session_key.expose_secret(),
        b64_json.as_bytes(),
    ))
}

/// Decrypts `data` to the Base64 JSON text, still encoded.
fn open_data(
    field: &'static str,
    key: &[u8; KEY_LEN],
    data: &str,
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let ciphertext = b64_decode(field, data)?;
    Ok(Zeroizing::new(aes_decrypt(field, key, &ciphertext)?))
}

fn decode_b64_json(field: &'static str, b64_json: &[u8]) -> Result<Vec<u8>, CryptoError> {
    B64.decode(b64_json).map_err(|_| CryptoError::Plaintext {
        field,
        expected: "base64 text",
    })
}

/// The inverse of [`encrypt_data`]: the JSON bytes. Without an HMAC a changed `data` is caught
/// only if it breaks the padding or the Base64; RETFILE's `sign` covers the rest.
pub fn decrypt_data(session_key: &SessionKey, data: &str) -> Result<Vec<u8>, CryptoError> {
    let b64_json = open_data("data", session_key.expose_secret(), data)?;
    decode_b64_json("data", &b64_json)
}

/// Encrypts a request body: `data = b64(AES(EK, utf8(b64(json))))` and
/// `hmac = b64(HMAC-SHA256(EK, utf8(b64(json))))`.
pub fn encrypt_request(session_key: &SessionKey, action: Action, json: &[u8]) -> EncryptedRequest {
    let key = session_key.expose_secret();
    let b64_json = Zeroizing::new(b64_encode(json));
    EncryptedRequest {
        action,
        data: b64_encode(&aes_encrypt(key, b64_json.as_bytes())),
        hmac: b64_encode(&hmac_sha256(key, b64_json.as_bytes())),
    }
}

/// Decrypts a request body (server side) and verifies its `hmac` in constant time; returns the
/// JSON bytes.
pub fn decrypt_request(
    session_key: &SessionKey,
    request: &EncryptedRequest,
) -> Result<Vec<u8>, CryptoError> {
    let key = session_key.expose_secret();
    let b64_json = open_data("data", key, &request.data)?;
    verify_hmac("hmac", key, &b64_json, &request.hmac)?;
    decode_b64_json("data", &b64_json)
}

/// Encrypts a response body under a fresh random response key `REK` (server side).
pub fn encrypt_response(session_key: &SessionKey, json: &[u8]) -> EncryptedResponse {
    encrypt_response_with_key(session_key, &ResponseKey::generate(), json)
}

/// Encrypts a response body under the given `REK`: `rek = b64(AES(EK, REK))`,
/// `data = b64(AES(REK, utf8(b64(json))))`, `hmac = b64(HMAC-SHA256(REK, utf8(b64(json))))`.
/// Use [`encrypt_response`] outside tests.
pub fn encrypt_response_with_key(
    session_key: &SessionKey,
    response_key: &ResponseKey,
    json: &[u8],
) -> EncryptedResponse {
    let rek = response_key.expose_secret();
    let b64_json = Zeroizing::new(b64_encode(json));
    EncryptedResponse {
        status_cd: StatusCd::Success,
        data: b64_encode(&aes_encrypt(rek, b64_json.as_bytes())),
        rek: b64_encode(&aes_encrypt(session_key.expose_secret(), rek)),
        hmac: b64_encode(&hmac_sha256(rek, b64_json.as_bytes())),
    }
}

/// Decrypts a response body: `REK = AES-dec(EK, b64d(rek))`, `b64json = AES-dec(REK,
/// b64d(data))`, `hmac` checked in constant time against `HMAC-SHA256(REK, b64json)`, then
/// `json = b64d(b64json)`. A changed byte anywhere is an error, never garbage data.
pub fn decrypt_response(
    session_key: &SessionKey,
    response: &EncryptedResponse,
) -> Result<Vec<u8>, CryptoError> {
    let rek_bytes = decrypt_key("rek", session_key.expose_secret(), &response.rek)?;
    let rek = ResponseKey::try_from_slice(&rek_bytes)?;
    let b64_json = open_data("data", rek.expose_secret(), &response.data)?;
    verify_hmac("hmac", rek.expose_secret(), &b64_json, &response.hmac)?;
    decode_b64_json("data", &b64_json)
}

/// EVC's `sid`: `PAN|OTP`. It holds the OTP: keep it out of logs.
pub fn evc_sid(pan: &str, otp: &Otp) -> Zeroizing<String> {
    Zeroizing::new(format!("{pan}|{}", otp.expose_secret()))
}

/// EVC's `sign` for RETFILE: `b64(HMAC-SHA256(key = utf8("PAN|OTP"), msg = utf8(b64(json))))`,
/// where `json` is the summary being filed (the same bytes encrypted into `data`).
pub fn evc_sign(pan: &str, otp: &Otp, summary_json: &[u8]) -> String {
    let sid = evc_sid(pan, otp);
    let b64_json = Zeroizing::new(b64_encode(summary_json));
    b64_encode(&hmac_sha256(sid.as_bytes(), b64_json.as_bytes()))
}

/// Checks an EVC `sign` (server side) in constant time, given the `sid` received and the summary
/// JSON decrypted from `data`.
pub fn verify_evc_sign(sid: &str, summary_json: &[u8], sign: &str) -> Result<(), CryptoError> {
    let b64_json = Zeroizing::new(b64_encode(summary_json));
    verify_hmac("sign", sid.as_bytes(), b64_json.as_bytes(), sign)
}

/// A large file's content (server side): `b64(AES(ek, utf8(b64(json))))` as ASCII text.
pub fn encrypt_file_content(key: &FileKey, json: &[u8]) -> String {
    let b64_json = Zeroizing::new(b64_encode(json));
    b64_encode(&aes_encrypt(key.expose_secret(), b64_json.as_bytes()))
}

/// Decrypts a downloaded file's content with `ek` to the JSON bytes. Surrounding ASCII
/// whitespace (a trailing newline) is ignored. Integrity comes from the URL entry's SHA-256
/// `hash` of the `.tar.gz`, checked before this (see [`sha256_hex`]).
pub fn decrypt_file_content(key: &FileKey, content: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let text = std::str::from_utf8(content.trim_ascii()).map_err(|_| CryptoError::Plaintext {
        field: "content",
        expected: "base64 text",
    })?;
    let b64_json = open_data("content", key.expose_secret(), text)?;
    decode_b64_json("content", &b64_json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ek() -> SessionKey {
        SessionKey::from_bytes([3; 32])
    }

    #[test]
    fn request_round_trip_and_hmac_checked() {
        let req = encrypt_request(&ek(), Action::RetSave, br#"{"gstin":"x"}"#);
        assert_eq!(decrypt_request(&ek(), &req).unwrap(), br#"{"gstin":"x"}"#);
        let other = SessionKey::from_bytes([4; 32]);
        assert!(decrypt_request(&other, &req).is_err());
        let mut bad = req.clone();
        bad.hmac = b64_encode(&[0; 32]);
        assert!(matches!(
            decrypt_request(&ek(), &bad),
            Err(CryptoError::HmacMismatch { field: "hmac" })
        ));
    }

    #[test]
    fn response_round_trip_uses_fresh_rek() {
        let a = encrypt_response(&ek(), b"{}");
        let b = encrypt_response(&ek(), b"{}");
        assert_ne!(a.rek, b.rek);
        assert_eq!(decrypt_response(&ek(), &a).unwrap(), b"{}");
        assert_eq!(decrypt_response(&ek(), &b).unwrap(), b"{}");
    }

    #[test]
    fn sek_must_hold_a_32_byte_key() {
        let app = AppKey::from_bytes([1; 32]);
        let short = b64_encode(&aes_encrypt(app.expose_secret(), &[5; 16]));
        assert!(matches!(
            decrypt_sek(&app, &short),
            Err(CryptoError::KeyLength {
                field: "sek",
                len: 16
            })
        ));
    }

    #[test]
    fn otp_round_trip() {
        let app = AppKey::from_bytes([1; 32]);
        let otp = Otp::new("575757").unwrap();
        let back = decrypt_otp(&app, &encrypt_otp(&app, &otp)).unwrap();
        assert!(back.ct_eq(&otp));
        let not_otp = b64_encode(&aes_encrypt(app.expose_secret(), b"hello!"));
        assert!(decrypt_otp(&app, &not_otp).is_err());
    }

    #[test]
    fn evc_sign_checks_otp_and_data() {
        let otp = Otp::new("123456").unwrap();
        let sign = evc_sign("AAPFU0939F", &otp, b"{\"a\":1}");
        verify_evc_sign("AAPFU0939F|123456", b"{\"a\":1}", &sign).unwrap();
        assert!(verify_evc_sign("AAPFU0939F|123457", b"{\"a\":1}", &sign).is_err());
        assert!(verify_evc_sign("AAPFU0939F|123456", b"{\"a\":2}", &sign).is_err());
    }

    #[test]
    fn file_content_round_trip_ignores_trailing_newline() {
        let key = FileKey::from_bytes([8; 32]);
        let mut content = encrypt_file_content(&key, b"[1,2]").into_bytes();
        content.push(b'\n');
        assert_eq!(decrypt_file_content(&key, &content).unwrap(), b"[1,2]");
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2: a short key.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block, hashed first.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        // A key of exactly the block size is used as is.
        let key = [0x0b; 64];
        let expected = <HmacSha256 as hmac::digest::KeyInit>::new_from_slice(&key)
            .unwrap()
            .chain_update(b"m")
            .finalize()
            .into_bytes();
        assert_eq!(hmac_sha256(&key, b"m")[..], expected[..]);
    }

    #[test]
    fn sha256_hex_is_lower_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
