//! Header names, a typed header set, and the transaction id; plus the API paths.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use gstr2_model::{Gstin, ReturnPeriod, StateCode};
use rand::RngCore as _;

use crate::secret::AuthToken;

/// `clientid`: the GSP's client id.
pub const CLIENT_ID: &str = "clientid";
/// `client-secret`: the GSP's client secret.
pub const CLIENT_SECRET: &str = "client-secret";
/// `state-cd`: the taxpayer's state code, the GSTIN's first two digits.
pub const STATE_CD: &str = "state-cd";
/// `ip-usr`: the end user's public IP address.
pub const IP_USR: &str = "ip-usr";
/// `txn`: a unique transaction id per request ([`TxnId`]).
pub const TXN: &str = "txn";
/// `username`: the GST portal user name.
pub const USERNAME: &str = "username";
/// `auth-token`: the session's token.
pub const AUTH_TOKEN: &str = "auth-token";
/// `gstin`: the taxpayer.
pub const GSTIN: &str = "gstin";
/// `ret_period`: the return period, `MMYYYY`.
pub const RET_PERIOD: &str = "ret_period";

/// Headers whose values `Debug` hides.
const SECRET_HEADERS: [&str; 2] = [CLIENT_SECRET, AUTH_TOKEN];

/// The API paths, relative to the base URL.
pub mod paths {
    /// Authentication (all auth actions; EVCOTP is a GET here).
    pub const AUTHENTICATE: &str = "/taxpayerapi/v1.0/authenticate";
    /// GSTR2: RETSAVE (PUT), RETSUBMIT and RETFILE (POST), section GETs and RETSUM.
    pub const GSTR2: &str = "/taxpayerapi/v0.3/returns/gstr2";
    /// GSTR2A: the counterparty documents (GET B2B, B2BA, CDN, CDNA).
    pub const GSTR2A: &str = "/taxpayerapi/v0.3/returns/gstr2a";
    /// Common returns calls: RETSTATUS and FILEDET.
    pub const RETURNS: &str = "/taxpayerapi/v0.3/returns";
    /// GSTR-2B: GET2B (the newest version a source shows, v4.0: documents without
    /// `items[]`, with `docRejdata`). Which version GSTN serves now is unconfirmed.
    pub const GSTR2B: &str = "/taxpayerapi/v4.0/returns/gstr2b";
    /// GSTR-2B generation: GEN2B (PUT) and GENSTS2B (v4.0, as a client library uses).
    pub const GSTR2B_GENERATE: &str = "/taxpayerapi/v4.0/returns/gstr2b";
    /// IMS: GETCNT, GETINV, FILEDET, SAVE and RESETIMS (PUT), REQSTS (v1.0, as a client library
    /// uses; a provider shows v0.3). Which version GSTN serves now is unconfirmed.
    pub const IMS: &str = "/taxpayerapi/v1.0/returns/ims";
    /// Where a GSP hands out GSTN's public certificate (the sandbox serves it here).
    pub const PUBLIC_CERT: &str = "/static/gstn-public.pem";
}

/// A transaction id for the `txn` header: 32 lower-case hex characters, random per request.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TxnId(String);

/// A `txn` header value is not 32 hex characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("txn must be 32 hex characters, got {len} characters")]
pub struct TxnIdError {
    /// The length received (the value itself is not repeated).
    pub len: usize,
}

impl TxnId {
    /// A fresh random id.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(hex::encode(bytes))
    }

    /// The 32 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for TxnId {
    type Err = TxnIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(s.to_ascii_lowercase()))
        } else {
            Err(TxnIdError {
                len: s.chars().count(),
            })
        }
    }
}

impl fmt::Display for TxnId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A set of GSTN request headers, built with typed setters and read back by name. Sorted by
/// name; `Debug` hides `client-secret` and `auth-token`.
///
/// ```
/// use gstn_proto::headers::{Headers, TxnId, GSTIN, STATE_CD};
/// let gstin: gstr2_model::Gstin = "27AAPFU0939F1ZV".parse().unwrap();
/// let headers = Headers::new()
///     .client_id("l7xx")
///     .client_secret("s3cret")
///     .ip_usr("12.8.9.1")
///     .txn(&TxnId::generate())
///     .username("acme")
///     .gstin(&gstin);
/// assert_eq!(headers.get(STATE_CD), Some("27"));
/// assert_eq!(headers.get(GSTIN), Some("27AAPFU0939F1ZV"));
/// assert!(!format!("{headers:?}").contains("s3cret"));
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Headers {
    entries: BTreeMap<&'static str, String>,
}

impl Headers {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a header by name (one of this module's constants).
    pub fn set(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.entries.insert(name, value.into());
        self
    }

    /// `clientid`.
    pub fn client_id(self, client_id: &str) -> Self {
        self.set(CLIENT_ID, client_id)
    }

    /// `client-secret`.
    pub fn client_secret(self, client_secret: &str) -> Self {
        self.set(CLIENT_SECRET, client_secret)
    }

    /// `state-cd`.
    pub fn state_cd(self, state: StateCode) -> Self {
        self.set(STATE_CD, state.to_string())
    }

    /// `ip-usr`.
    pub fn ip_usr(self, ip: &str) -> Self {
        self.set(IP_USR, ip)
    }

    /// `txn`.
    pub fn txn(self, txn: &TxnId) -> Self {
        self.set(TXN, txn.as_str())
    }

    /// `username`.
    pub fn username(self, username: &str) -> Self {
        self.set(USERNAME, username)
    }

    /// `auth-token`.
    pub fn auth_token(self, token: &AuthToken) -> Self {
        self.set(AUTH_TOKEN, token.expose_secret())
    }

    /// `gstin`, and `state-cd` from its first two digits.
    pub fn gstin(self, gstin: &Gstin) -> Self {
        let with_gstin = self.set(GSTIN, gstin.as_str());
        match gstin.state_code() {
            Some(state) => with_gstin.state_cd(state),
            None => with_gstin,
        }
    }

    /// `ret_period`, `MMYYYY`.
    pub fn ret_period(self, period: ReturnPeriod) -> Self {
        self.set(RET_PERIOD, period.to_string())
    }

    /// The value of a header, by name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.get(name).map(String::as_str)
    }

    /// Every header, sorted by name. Values include secrets: send them, never log them.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.entries
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
    }
}

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.entries {
            if SECRET_HEADERS.contains(name) {
                map.entry(name, &"***");
            } else {
                map.entry(name, value);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn txn_ids_are_32_hex_and_parse() {
        let a = TxnId::generate();
        assert_eq!(a.as_str().len(), 32);
        assert!(a.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, TxnId::generate());
        assert_eq!(a.as_str().parse::<TxnId>().unwrap(), a);
        assert_eq!(
            "ABCDEF0123456789ABCDEF0123456789"
                .parse::<TxnId>()
                .unwrap()
                .as_str(),
            "abcdef0123456789abcdef0123456789"
        );
        assert!("xyz".parse::<TxnId>().is_err());
        assert!("g".repeat(32).parse::<TxnId>().is_err());
    }

    #[test]
    fn headers_hide_secrets_in_debug() {
        let token = AuthToken::new("tok-XYZ").unwrap();
        let period: ReturnPeriod = "072017".parse().unwrap();
        let h = Headers::new()
            .client_secret("abc123")
            .auth_token(&token)
            .ret_period(period);
        let debug = format!("{h:?}");
        assert!(
            !debug.contains("abc123") && !debug.contains("tok-XYZ"),
            "{debug}"
        );
        assert!(debug.contains("072017"));
        assert_eq!(h.get(AUTH_TOKEN), Some("tok-XYZ"));
        let names: Vec<_> = h.iter().map(|(n, _)| n).collect();
        assert_eq!(names, [AUTH_TOKEN, CLIENT_SECRET, RET_PERIOD]);
    }
}
