//! The JSON envelopes around every call: `status_cd`, GSTN's error body, the authentication
//! bodies, and the encrypted request, file and response bodies.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::action::Action;
use crate::crypto;
use crate::error::{from_json_slice, CryptoError, EnvelopeError};
use crate::error_code::ErrorCode;
use crate::keys::GstnPublicKey;
use crate::secret::{auth_token_serde, AppKey, AuthToken, Otp, SessionKey};

/// The envelope's `status_cd`: read from `"1"`/`1` or `"0"`/`0`, written as `"1"`/`"0"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusCd {
    /// `"1"`: success.
    Success,
    /// `"0"`: failure, with an `error` object.
    Failure,
    /// Any other value (GSTR-2B's `3` means paginated), as text.
    Other(String),
}

impl StatusCd {
    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            StatusCd::Success => "1",
            StatusCd::Failure => "0",
            StatusCd::Other(text) => text,
        }
    }

    fn parse(text: &str) -> StatusCd {
        match text.trim() {
            "1" => StatusCd::Success,
            "0" => StatusCd::Failure,
            other => StatusCd::Other(other.to_owned()),
        }
    }
}

impl Serialize for StatusCd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatusCd {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(StatusCd::parse(&number_or_string(d)?))
    }
}

/// Reads a JSON number or string as text (through `Value`, which understands serde_json's
/// arbitrary-precision numbers).
fn number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(text) => Ok(text),
        serde_json::Value::Number(number) => Ok(number.to_string()),
        other => Err(serde::de::Error::custom(format_args!(
            "expected a number or a string, found {other}"
        ))),
    }
}

/// Serde helpers for counts GSTN sends as numbers or strings (`expiry`, `est`, `fc`, `ic`).
pub(crate) mod count {
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(*value)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = super::number_or_string(d)?;
        text.trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format_args!("expected a count, found {text:?}")))
    }

    /// An optional count; `null` and an empty string are none.
    pub(crate) mod option {
        use serde::{Deserialize, Deserializer, Serializer};

        pub(crate) fn serialize<S: Serializer>(
            value: &Option<u64>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => s.serialize_u64(*v),
                None => s.serialize_none(),
            }
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<u64>, D::Error> {
            let text = match serde_json::Value::deserialize(d)? {
                serde_json::Value::Null => return Ok(None),
                serde_json::Value::String(text) => text,
                serde_json::Value::Number(number) => number.to_string(),
                other => {
                    return Err(serde::de::Error::custom(format_args!(
                        "expected a count, found {other}"
                    )))
                }
            };
            if text.trim().is_empty() {
                return Ok(None);
            }
            text.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format_args!("expected a count, found {text:?}"))
            })
        }
    }
}

/// GSTN's error object, `{"message": .., "error_cd": ..}`, with the wait GSTN asks for when
/// the work is queued (`RTN_24` of GET2B: `retryTimeInMinutes`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GstnError {
    /// GSTN's message (`message`).
    #[serde(rename = "message", default)]
    pub message: String,
    /// GSTN's code (`error_cd`).
    #[serde(rename = "error_cd")]
    pub error_code: ErrorCode,
    /// Minutes to wait before asking again (`retryTimeInMinutes`), a number or a string; read
    /// from the error object or, by [`decode_body`], from beside it. Where GSTN puts it is
    /// unconfirmed.
    #[serde(
        rename = "retryTimeInMinutes",
        default,
        with = "count::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_after_minutes: Option<u64>,
}

impl GstnError {
    /// An error with the code's standard message.
    pub fn new(error_code: ErrorCode) -> Self {
        Self {
            message: error_code.message().to_owned(),
            error_code,
            retry_after_minutes: None,
        }
    }

    /// An error with a specific message.
    pub fn with_message(error_code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            error_code,
            retry_after_minutes: None,
        }
    }

    /// The same error, asking the client to wait `minutes` before asking again.
    pub fn retry_after(mut self, minutes: u64) -> Self {
        self.retry_after_minutes = Some(minutes);
        self
    }
}

impl fmt::Display for GstnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error_code, self.message)
    }
}

/// A failure body: `{"status_cd":"0","error":{"message":..,"error_cd":..}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Always [`StatusCd::Failure`] when written (`status_cd`).
    #[serde(rename = "status_cd")]
    pub status_cd: StatusCd,
    /// The error (`error`).
    #[serde(rename = "error")]
    pub error: GstnError,
}

impl ErrorBody {
    /// A failure body for `error`.
    pub fn new(error: GstnError) -> Self {
        Self {
            status_cd: StatusCd::Failure,
            error,
        }
    }
}

impl From<GstnError> for ErrorBody {
    fn from(error: GstnError) -> Self {
        Self::new(error)
    }
}

#[derive(Deserialize)]
struct Probe {
    #[serde(default)]
    status_cd: Option<StatusCd>,
    #[serde(default)]
    error: Option<GstnError>,
    #[serde(rename = "retryTimeInMinutes", default, with = "count::option")]
    retry_after_minutes: Option<u64>,
}

/// Reads a body GSTN answered: a `status_cd` of `0` becomes [`EnvelopeError::Gstn`] with
/// GSTN's `{error_cd, message}`; anything else is read as `T`. `what` names the body in errors.
pub fn decode_body<T: DeserializeOwned>(
    what: &'static str,
    body: &[u8],
) -> Result<T, EnvelopeError> {
    let probe: Probe = from_json_slice(what, body)?;
    if probe.status_cd == Some(StatusCd::Failure) {
        return Err(match probe.error {
            Some(mut error) => {
                error.retry_after_minutes = error.retry_after_minutes.or(probe.retry_after_minutes);
                EnvelopeError::Gstn(error)
            }
            None => EnvelopeError::FailureWithoutError,
        });
    }
    Ok(from_json_slice(what, body)?)
}

/// A body of only `{"status_cd":"1"}`: the answer to OTPREQUEST, LOGOUT and EVCOTP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusResponse {
    /// `status_cd`.
    #[serde(rename = "status_cd")]
    pub status_cd: StatusCd,
}

impl StatusResponse {
    /// `{"status_cd":"1"}`.
    pub fn success() -> Self {
        Self {
            status_cd: StatusCd::Success,
        }
    }
}

/// The body of every POST to `/authenticate` (OTPREQUEST, AUTHTOKEN, REFRESHTOKEN, LOGOUT).
/// `Debug` hides `app_key`, `otp` and `auth_token`.
#[derive(Clone, Serialize, Deserialize)]
pub struct AuthRequest {
    /// The action (`action`).
    #[serde(rename = "action")]
    pub action: Action,
    /// The app key (`app_key`): RSA-wrapped, or under the session key for REFRESHTOKEN.
    #[serde(rename = "app_key")]
    pub app_key: String,
    /// The GST portal user name (`username`).
    #[serde(rename = "username")]
    pub username: String,
    /// AUTHTOKEN only: the OTP under the app key (`otp`).
    #[serde(rename = "otp", default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
    /// REFRESHTOKEN and LOGOUT: the current token (`auth_token`).
    #[serde(
        rename = "auth_token",
        default,
        skip_serializing_if = "Option::is_none",
        with = "auth_token_serde::option"
    )]
    pub auth_token: Option<AuthToken>,
}

impl fmt::Debug for AuthRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthRequest")
            .field("action", &self.action)
            .field("app_key", &"***")
            .field("username", &self.username)
            .field("otp", &self.otp.as_ref().map(|_| "***"))
            .field("auth_token", &self.auth_token)
            .finish()
    }
}

impl AuthRequest {
    /// OTPREQUEST: `app_key` wrapped with GSTN's public key.
    pub fn otp_request(
        username: impl Into<String>,
        gstn_key: &GstnPublicKey,
        app_key: &AppKey,
    ) -> Result<Self, CryptoError> {
        Ok(Self {
            action: Action::OtpRequest,
            app_key: gstn_key.encrypt_app_key(app_key)?,
            username: username.into(),
            otp: None,
            auth_token: None,
        })
    }

    /// AUTHTOKEN: `app_key` wrapped with GSTN's public key, `otp` under the app key.
    pub fn auth_token(
        username: impl Into<String>,
        gstn_key: &GstnPublicKey,
        app_key: &AppKey,
        otp: &Otp,
    ) -> Result<Self, CryptoError> {
        Ok(Self {
            action: Action::AuthToken,
            app_key: gstn_key.encrypt_app_key(app_key)?,
            username: username.into(),
            otp: Some(crypto::encrypt_otp(app_key, otp)),
            auth_token: None,
        })
    }

    /// REFRESHTOKEN: `app_key` under the session key, with the current token. The new `sek` is
    /// under this same app key.
    pub fn refresh_token(
        username: impl Into<String>,
        session_key: &SessionKey,
        app_key: &AppKey,
        auth_token: AuthToken,
    ) -> Self {
        Self {
            action: Action::RefreshToken,
            app_key: crypto::encrypt_refresh_app_key(session_key, app_key),
            username: username.into(),
            otp: None,
            auth_token: Some(auth_token),
        }
    }

    /// LOGOUT: `app_key` wrapped with GSTN's public key, with the current token.
    pub fn logout(
        username: impl Into<String>,
        gstn_key: &GstnPublicKey,
        app_key: &AppKey,
        auth_token: AuthToken,
    ) -> Result<Self, CryptoError> {
        Ok(Self {
            action: Action::Logout,
            app_key: gstn_key.encrypt_app_key(app_key)?,
            username: username.into(),
            otp: None,
            auth_token: Some(auth_token),
        })
    }
}

/// The answer to AUTHTOKEN and REFRESHTOKEN:
/// `{"status_cd":"1","auth_token":..,"expiry":<minutes>,"sek":..}`. `Debug` hides the token and
/// `sek`.
#[derive(Clone, Serialize, Deserialize)]
pub struct AuthTokenResponse {
    /// `status_cd`.
    #[serde(rename = "status_cd")]
    pub status_cd: StatusCd,
    /// The token for the `auth-token` header (`auth_token`).
    #[serde(rename = "auth_token", with = "auth_token_serde")]
    pub auth_token: AuthToken,
    /// Minutes the token is valid (`expiry`), a number or a numeric string on the wire.
    #[serde(rename = "expiry", with = "count")]
    pub expiry_minutes: u64,
    /// The session key under the app key (`sek`).
    #[serde(rename = "sek")]
    pub sek: String,
}

impl fmt::Debug for AuthTokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthTokenResponse")
            .field("status_cd", &self.status_cd)
            .field("auth_token", &self.auth_token)
            .field("expiry_minutes", &self.expiry_minutes)
            .field("sek", &"***")
            .finish()
    }
}

impl AuthTokenResponse {
    /// Server side: a success answer with `sek` = the session key under the app key.
    pub fn new(
        auth_token: AuthToken,
        expiry_minutes: u64,
        app_key: &AppKey,
        session_key: &SessionKey,
    ) -> Self {
        Self {
            status_cd: StatusCd::Success,
            auth_token,
            expiry_minutes,
            sek: crypto::encrypt_sek(app_key, session_key),
        }
    }

    /// Client side: the session key `EK` from `sek`.
    pub fn session_key(&self, app_key: &AppKey) -> Result<SessionKey, CryptoError> {
        crypto::decrypt_sek(app_key, &self.sek)
    }
}

/// An encrypted returns request: `{"action":..,"data":..,"hmac":..}` (RETSAVE, RETSUBMIT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedRequest {
    /// The action (`action`).
    #[serde(rename = "action")]
    pub action: Action,
    /// `b64(AES(EK, utf8(b64(json))))` (`data`).
    #[serde(rename = "data")]
    pub data: String,
    /// `b64(HMAC-SHA256(EK, utf8(b64(json))))` (`hmac`).
    #[serde(rename = "hmac")]
    pub hmac: String,
}

impl EncryptedRequest {
    /// Serializes `body` to JSON and encrypts it (see [`crypto::encrypt_request`]).
    pub fn seal<T: Serialize>(
        session_key: &SessionKey,
        action: Action,
        body: &T,
    ) -> Result<Self, serde_json::Error> {
        let json = zeroize::Zeroizing::new(serde_json::to_vec(body)?);
        Ok(crypto::encrypt_request(session_key, action, &json))
    }

    /// Server side: decrypts, verifies the `hmac` and reads the JSON as `T`.
    pub fn open<T: DeserializeOwned>(&self, session_key: &SessionKey) -> Result<T, EnvelopeError> {
        let json = zeroize::Zeroizing::new(crypto::decrypt_request(session_key, self)?);
        Ok(from_json_slice("request data", &json)?)
    }
}

/// How a RETFILE is signed (`st`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureType {
    /// `EVC`: HMAC keyed with `PAN|OTP`.
    Evc,
    /// `DSC`: a digital signature certificate (not supported by this crate's helpers).
    Dsc,
    /// Any other value, as received.
    Other(String),
}

impl Serialize for SignatureType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            SignatureType::Evc => "EVC",
            SignatureType::Dsc => "DSC",
            SignatureType::Other(other) => other,
        })
    }
}

impl<'de> Deserialize<'de> for SignatureType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.as_str() {
            "EVC" => SignatureType::Evc,
            "DSC" => SignatureType::Dsc,
            _ => SignatureType::Other(text),
        })
    }
}

/// A RETFILE body: `{"action":"RETFILE","data":..,"sign":..,"st":"EVC","sid":"PAN|OTP"}`.
/// `Debug` hides `sid` (it holds the OTP).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRequest {
    /// Always `RETFILE` (`action`).
    #[serde(rename = "action")]
    pub action: Action,
    /// The summary JSON encrypted like a request's data, with no hmac (`data`).
    #[serde(rename = "data")]
    pub data: String,
    /// The signature (`sign`).
    #[serde(rename = "sign")]
    pub sign: String,
    /// The signature type (`st`).
    #[serde(rename = "st")]
    pub signature_type: SignatureType,
    /// The signer: `PAN|OTP` for EVC, the PAN for DSC (`sid`).
    #[serde(rename = "sid")]
    pub sid: String,
}

impl fmt::Debug for FileRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileRequest")
            .field("action", &self.action)
            .field("data", &self.data)
            .field("sign", &self.sign)
            .field("signature_type", &self.signature_type)
            .field("sid", &"***")
            .finish()
    }
}

impl FileRequest {
    /// An EVC filing of `summary_json` (the RETSUM answer being filed) by the signatory `pan`
    /// with the EVC OTP.
    pub fn evc(session_key: &SessionKey, summary_json: &[u8], pan: &str, otp: &Otp) -> Self {
        Self {
            action: Action::RetFile,
            data: crypto::encrypt_data(session_key, summary_json),
            sign: crypto::evc_sign(pan, otp, summary_json),
            signature_type: SignatureType::Evc,
            sid: crypto::evc_sid(pan, otp).as_str().to_owned(),
        }
    }

    /// Server side: the PAN and OTP of an EVC `sid` (`PAN|OTP`), if it has that shape.
    pub fn evc_signer(&self) -> Option<(&str, Otp)> {
        let (pan, otp) = self.sid.split_once('|')?;
        Some((pan, Otp::new(otp).ok()?))
    }

    /// Server side: decrypts `data` and checks the EVC `sign` against `sid`; returns the summary
    /// JSON that was signed.
    pub fn open_evc(&self, session_key: &SessionKey) -> Result<Vec<u8>, CryptoError> {
        let json = crypto::decrypt_data(session_key, &self.data)?;
        crypto::verify_evc_sign(&self.sid, &json, &self.sign)?;
        Ok(json)
    }
}

/// An encrypted answer: `{"status_cd":"1","data":..,"rek":..,"hmac":..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedResponse {
    /// `status_cd`.
    #[serde(rename = "status_cd")]
    pub status_cd: StatusCd,
    /// `b64(AES(REK, utf8(b64(json))))` (`data`).
    #[serde(rename = "data")]
    pub data: String,
    /// `b64(AES(EK, REK))` (`rek`).
    #[serde(rename = "rek")]
    pub rek: String,
    /// `b64(HMAC-SHA256(REK, utf8(b64(json))))` (`hmac`).
    #[serde(rename = "hmac")]
    pub hmac: String,
}

impl EncryptedResponse {
    /// Server side: serializes `body` and encrypts it under a fresh `REK`.
    pub fn seal<T: Serialize>(
        session_key: &SessionKey,
        body: &T,
    ) -> Result<Self, serde_json::Error> {
        let json = zeroize::Zeroizing::new(serde_json::to_vec(body)?);
        Ok(crypto::encrypt_response(session_key, &json))
    }

    /// Decrypts, verifies the `hmac` and reads the JSON as `T`.
    pub fn open<T: DeserializeOwned>(&self, session_key: &SessionKey) -> Result<T, EnvelopeError> {
        let json = zeroize::Zeroizing::new(crypto::decrypt_response(session_key, self)?);
        Ok(from_json_slice("response data", &json)?)
    }

    /// Reads a body GSTN answered to an encrypted call: GSTN's error if `status_cd` is `0`,
    /// else the encrypted envelope, decrypted and read as `T`.
    pub fn decode_and_open<T: DeserializeOwned>(
        body: &[u8],
        session_key: &SessionKey,
    ) -> Result<T, EnvelopeError> {
        let envelope: EncryptedResponse = decode_body("encrypted response", body)?;
        envelope.open(session_key)
    }
}
