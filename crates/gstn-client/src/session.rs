//! A GSTN session: the app key, the session key (`EK`), the auth token and when it expires.
//!
//! This is what the user calls the "token" (Step 1 of the workflows, `docs/workflow.md`): obtained with an OTP, kept in a
//! [`TokenStore`](crate::TokenStore), reused while valid ("Existing token"), refreshed before it
//! expires.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use gstn_proto::{AppKey, AuthToken, SessionKey};
use gstr2_model::Gstin;

/// A logged-in GSTN session for one user and GSTIN.
///
/// `Debug` shows who and until when, never the keys or the token.
#[derive(Clone)]
pub struct Session {
    pub(crate) username: String,
    pub(crate) gstin: Gstin,
    pub(crate) app_key: AppKey,
    pub(crate) session_key: SessionKey,
    pub(crate) auth_token: AuthToken,
    pub(crate) obtained_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
}

impl Session {
    /// Puts a session together from its parts, e.g. when a custom
    /// [`TokenStore`](crate::TokenStore) reads one back.
    #[allow(clippy::too_many_arguments)]
    pub fn from_parts(
        username: impl Into<String>,
        gstin: Gstin,
        app_key: AppKey,
        session_key: SessionKey,
        auth_token: AuthToken,
        obtained_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Session {
            username: username.into(),
            gstin,
            app_key,
            session_key,
            auth_token,
            obtained_at,
            expires_at,
        }
    }

    /// The GST portal user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The taxpayer's GSTIN.
    pub fn gstin(&self) -> Gstin {
        self.gstin
    }

    /// The app key this session was opened with. A secret: keep it out of logs.
    pub fn app_key(&self) -> &AppKey {
        &self.app_key
    }

    /// The session key `EK`. A secret: keep it out of logs.
    pub fn session_key(&self) -> &SessionKey {
        &self.session_key
    }

    /// The auth token. A secret: keep it out of logs.
    pub fn auth_token(&self) -> &AuthToken {
        &self.auth_token
    }

    /// When the auth token was obtained or last refreshed.
    pub fn obtained_at(&self) -> DateTime<Utc> {
        self.obtained_at
    }

    /// When the auth token expires.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Whether the token is still valid at `now`.
    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }

    /// Whether the token should be refreshed at `now`: it expires within `margin`.
    pub fn needs_refresh_at(&self, now: DateTime<Utc>, margin: Duration) -> bool {
        let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::MAX);
        now.checked_add_signed(margin)
            .is_none_or(|later| later >= self.expires_at)
    }

    /// Whether this session belongs to `username` and `gstin`.
    pub fn belongs_to(&self, username: &str, gstin: Gstin) -> bool {
        self.username == username && self.gstin == gstin
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("username", &self.username)
            .field("gstin", &self.gstin)
            .field("app_key", &self.app_key)
            .field("session_key", &self.session_key)
            .field("auth_token", &self.auth_token)
            .field("obtained_at", &self.obtained_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Where the client's session stands, e.g. to tell the user "Existing token" from "Token
/// obtained" (Step 1 of the workflows, `docs/workflow.md`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionStatus {
    /// No session: [`request_otp`](crate::GstnClient::request_otp) then
    /// [`authenticate`](crate::GstnClient::authenticate).
    NotConnected,
    /// A valid session read back from the token store ("Existing token").
    Existing {
        /// When it expires.
        expires_at: DateTime<Utc>,
    },
    /// A session obtained with an OTP by this client ("Token obtained").
    Obtained {
        /// When it expires.
        expires_at: DateTime<Utc>,
    },
    /// A session refreshed by this client (REFRESHTOKEN).
    Refreshed {
        /// When it expires.
        expires_at: DateTime<Utc>,
    },
    /// The session expired and could not be refreshed: a new OTP is needed.
    Expired,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(expires_in: i64) -> Session {
        let now = Utc::now();
        Session::from_parts(
            "asp_user",
            "27AAPFU0939F1ZV".parse().unwrap(),
            AppKey::from_bytes([1; 32]),
            SessionKey::from_bytes([2; 32]),
            AuthToken::new("token-abc").unwrap(),
            now,
            now + chrono::Duration::seconds(expires_in),
        )
    }

    #[test]
    fn debug_shows_who_but_no_secret() {
        let s = session(60);
        let text = format!("{s:?}");
        assert!(
            text.contains("asp_user") && text.contains("27AAPFU0939F1ZV"),
            "{text}"
        );
        assert!(!text.contains("token-abc"), "{text}");
        assert!(!text.contains("[1, 1"), "{text}");
    }

    #[test]
    fn validity_and_refresh_margin() {
        let s = session(60);
        let now = Utc::now();
        assert!(s.is_valid_at(now));
        assert!(!s.needs_refresh_at(now, Duration::from_secs(10)));
        assert!(s.needs_refresh_at(now, Duration::from_secs(120)));
        assert!(!session(-1).is_valid_at(now));
        assert!(s.belongs_to("asp_user", "27AAPFU0939F1ZV".parse().unwrap()));
        assert!(!s.belongs_to("other", "27AAPFU0939F1ZV".parse().unwrap()));
    }
}
