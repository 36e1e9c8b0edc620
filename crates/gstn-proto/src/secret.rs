//! Secrets held in zeroizing types: the app key, the session key (`EK`), a response key
//! (`REK`), a large-file key (`ek`), the auth token, the OTP and the API client's secret.
//!
//! None of them implements `Display` or `Serialize`. `Debug` prints only the type's name with
//! `***` (`AppKey(***)`). Reading the secret is explicit: `expose_secret()`. Memory is wiped on
//! drop.

use std::fmt;

use base64::Engine as _;
use rand::RngCore as _;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{CryptoError, SecretError};

/// The length in bytes of every AES-256 key in the protocol.
pub const KEY_LEN: usize = 32;

macro_rules! aes_key {
    ($(#[$doc:meta])* $name:ident, $field:literal) => {
        $(#[$doc])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name([u8; KEY_LEN]);

        impl $name {
            /// Makes a fresh random key from the operating system's generator.
            pub fn generate() -> Self {
                let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
                rand::rngs::OsRng.fill_bytes(bytes.as_mut());
                Self(*bytes)
            }

            /// Wraps 32 key bytes.
            pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
                Self(bytes)
            }

            /// Wraps a slice that must be exactly 32 bytes long.
            pub fn try_from_slice(bytes: &[u8]) -> Result<Self, CryptoError> {
                let array: [u8; KEY_LEN] =
                    bytes.try_into().map_err(|_| CryptoError::KeyLength {
                        field: $field,
                        len: bytes.len(),
                    })?;
                Ok(Self(array))
            }

            /// The key bytes. Keep them out of logs and messages.
            pub fn expose_secret(&self) -> &[u8; KEY_LEN] {
                &self.0
            }

            /// Constant-time comparison of two keys.
            pub fn ct_eq(&self, other: &Self) -> bool {
                ct_eq(&self.0, &other.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

aes_key!(
    /// The app key: 32 random bytes the client makes per session (`docs/protocol.md` §4). Sent
    /// to GSTN wrapped in RSA (OTPREQUEST, AUTHTOKEN, LOGOUT) or under the session key
    /// (REFRESHTOKEN); the key of the OTP and of `sek`.
    AppKey,
    "app_key"
);

aes_key!(
    /// The session key `EK`: `sek` decrypted with the app key (`docs/protocol.md` §4). Encrypts
    /// request `data`, keys request `hmac`, and wraps each response's `rek`.
    SessionKey,
    "sek"
);

aes_key!(
    /// A response key `REK`: the server picks one per response; it encrypts `data` and keys the
    /// response `hmac` (`docs/protocol.md` §4).
    ResponseKey,
    "rek"
);

aes_key!(
    /// A large-file key: `ek` of `FILEDET`, Base64 on the wire, the AES key of each downloaded
    /// file's content (`docs/protocol.md` §8).
    FileKey,
    "ek"
);

impl FileKey {
    /// Reads `ek` as GSTN sends it: standard Base64 of 32 bytes.
    pub fn from_base64(ek: &str) -> Result<Self, CryptoError> {
        let bytes = Zeroizing::new(crate::crypto::b64_decode("ek", ek)?);
        Self::try_from_slice(&bytes)
    }

    /// Writes the key as `ek`: standard Base64. The result is the secret itself.
    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

/// A secret held as text: zeroized on drop, compared in constant time (`==` too), hidden from
/// `Debug`, built only through a check of its form (`$valid`, else `$error`).
macro_rules! secret_text {
    ($(#[$m:meta])* $name:ident, $what:literal, $valid:expr, $error:expr) => {
        $(#[$m])*
        #[derive(Clone, Zeroize, ZeroizeOnDrop)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("The ", $what, " as text. Keep it out of logs, URLs and messages.")]
            pub fn expose_secret(&self) -> &str {
                &self.0
            }

            /// Constant-time comparison of two of them.
            pub fn ct_eq(&self, other: &Self) -> bool {
                ct_eq(self.0.as_bytes(), other.0.as_bytes())
            }

            /// Wraps the text once its form is checked; the text given is wiped either way.
            fn checked(text: impl Into<String>) -> Result<Self, SecretError> {
                let text = Zeroizing::new(text.into());
                let valid: fn(&str) -> bool = $valid;
                if !valid(&text) {
                    return Err($error);
                }
                Ok(Self(text.as_str().to_owned()))
            }
        }

        #[doc = concat!("Equal in constant time ([`", stringify!($name), "::ct_eq`]).")]
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.ct_eq(other)
            }
        }

        impl Eq for $name {}

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(***)"))
            }
        }
    };
}

/// Non-empty visible ASCII: what may travel in an HTTP header.
fn header_text(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic())
}

secret_text!(
    /// The auth token GSTN answers to AUTHTOKEN and REFRESHTOKEN (`auth_token`), sent back in
    /// the `auth-token` header of every returns call.
    AuthToken, "token", header_text, SecretError::AuthToken
);

impl AuthToken {
    /// Wraps a token. It must be non-empty visible ASCII (it travels in an HTTP header).
    pub fn new(token: impl Into<String>) -> Result<Self, SecretError> {
        Self::checked(token)
    }

    /// Makes a fresh random token (32 hex characters), as the sandbox hands out.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 16]);
        rand::rngs::OsRng.fill_bytes(bytes.as_mut());
        Self(hex::encode(*bytes))
    }
}

secret_text!(
    /// The API client's secret (`client-secret` header of every call), issued to the GSP or
    /// ASP with its client id.
    ClientSecret, "secret", header_text, SecretError::ClientSecret
);

impl ClientSecret {
    /// Wraps a client secret. It must be non-empty visible ASCII (it travels in an HTTP
    /// header).
    pub fn new(secret: impl Into<String>) -> Result<Self, SecretError> {
        Self::checked(secret)
    }
}

secret_text!(
    /// A one-time password: the login OTP of AUTHTOKEN or the EVC OTP of RETFILE. Four to ten
    /// ASCII digits (GSTN sends six).
    Otp, "digits",
    |otp| (4..=10).contains(&otp.len()) && otp.bytes().all(|b| b.is_ascii_digit()),
    SecretError::Otp
);

impl Otp {
    /// Wraps an OTP: 4 to 10 ASCII digits.
    pub fn new(otp: impl Into<String>) -> Result<Self, SecretError> {
        Self::checked(otp)
    }
}

/// Compares two byte strings in time that depends only on their lengths (`subtle`'s
/// comparison, which the optimiser cannot turn into an early exit).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    bool::from(a.ct_eq(b))
}

/// Serde helpers for the one place a secret goes on the wire in clear: `auth_token` in the
/// REFRESHTOKEN and LOGOUT bodies and in the AUTHTOKEN answer. Used through `#[serde(with)]`.
pub(crate) mod auth_token_serde {
    use serde::{Deserialize as _, Deserializer, Serializer};

    use super::AuthToken;

    pub(crate) fn serialize<S: Serializer>(token: &AuthToken, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(token.expose_secret())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AuthToken, D::Error> {
        let text = zeroize::Zeroizing::new(String::deserialize(d)?);
        AuthToken::new(text.as_str()).map_err(serde::de::Error::custom)
    }

    pub(crate) mod option {
        use serde::{Deserialize as _, Deserializer, Serializer};

        use super::super::AuthToken;

        pub(crate) fn serialize<S: Serializer>(
            token: &Option<AuthToken>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match token {
                Some(token) => s.serialize_str(token.expose_secret()),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<AuthToken>, D::Error> {
            let text = Option::<String>::deserialize(d)?.map(zeroize::Zeroizing::new);
            text.map(|t| AuthToken::new(t.as_str()).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_every_secret() {
        let app = AppKey::from_bytes([0x41; 32]);
        assert_eq!(format!("{app:?}"), "AppKey(***)");
        assert_eq!(format!("{:?}", SessionKey::generate()), "SessionKey(***)");
        assert_eq!(format!("{:?}", ResponseKey::generate()), "ResponseKey(***)");
        assert_eq!(format!("{:?}", FileKey::generate()), "FileKey(***)");
        let token = AuthToken::new("tok-secret-123").unwrap();
        assert_eq!(format!("{token:?}"), "AuthToken(***)");
        let otp = Otp::new("575757").unwrap();
        assert_eq!(format!("{otp:?}"), "Otp(***)");
        let secret = ClientSecret::new("sandbox-secret").unwrap();
        assert_eq!(format!("{secret:?}"), "ClientSecret(***)");
        assert!(!format!("{app:#?}").contains("41"));
    }

    #[test]
    fn generated_keys_differ() {
        assert!(!AppKey::generate().ct_eq(&AppKey::generate()));
        assert_ne!(AuthToken::generate(), AuthToken::generate());
        assert_eq!(AuthToken::generate().expose_secret().len(), 32);
    }

    #[test]
    fn key_from_slice_checks_length() {
        assert!(AppKey::try_from_slice(&[0; 31]).is_err());
        assert!(AppKey::try_from_slice(&[0; 33]).is_err());
        assert!(AppKey::try_from_slice(&[7; 32])
            .unwrap()
            .ct_eq(&AppKey::from_bytes([7; 32])));
    }

    #[test]
    fn otp_token_and_client_secret_are_validated() {
        assert!(Otp::new("575757").is_ok());
        assert!(Otp::new("57a757").is_err());
        assert!(Otp::new("123").is_err());
        assert!(Otp::new("").is_err());
        assert!(AuthToken::new("").is_err());
        assert!(AuthToken::new("a b").is_err());
        assert!(AuthToken::new("a\nb").is_err());
        assert!(ClientSecret::new("").is_err());
        assert!(ClientSecret::new("a b").is_err());
        assert!(ClientSecret::new("s3cret-!").is_ok());
    }

    #[test]
    fn file_key_base64_round_trip() {
        let key = FileKey::from_bytes([9; 32]);
        let back = FileKey::from_base64(&key.to_base64()).unwrap();
        assert!(key.ct_eq(&back));
        assert!(FileKey::from_base64("AAAA").is_err());
        assert!(FileKey::from_base64("not base64!").is_err());
    }

    #[test]
    fn ct_eq_compares() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
