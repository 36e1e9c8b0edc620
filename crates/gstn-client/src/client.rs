//! [`GstnClient`]: the session (OTP login, refresh, logout) and the one place requests are sent,
//! retried and decrypted.

// The code: the session here; `request` (a request's shape, and sending it with retries,
// headers, sealing and decryption); `answer` (GSTN's answers read: errors, JSON with its path).

use std::sync::Arc;

use chrono::Utc;
use gstn_proto::{Action, AppKey, AuthRequest, AuthTokenResponse, ErrorClass, Otp, StatusResponse};
use reqwest::Method;
use tokio::sync::Mutex;

use crate::config::{Config, GstnClientBuilder};
use crate::error::{Error, Result, SessionError};
use crate::progress::ProgressEvent;
use crate::session::{Session, SessionStatus};

mod answer;
mod request;

pub(crate) use answer::{answer_error, decode_json, decode_plain, to_json};
pub(crate) use request::{Endpoint, Repeat, Request};

/// The async GSTN client: one taxpayer (GSTIN and user), one session at a time.
///
/// Cheap to clone: clones share the session, the HTTP connection pool and the token store.
/// See the crate documentation for the whole filing sequence.
#[derive(Clone, Debug)]
pub struct GstnClient {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub http: reqwest::Client,
    pub config: Config,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    session: Option<Session>,
    status: SessionStatus,
    /// The app key sent with the last OTPREQUEST, waiting for `authenticate`.
    pending_app_key: Option<AppKey>,
}

impl GstnClient {
    /// A builder; see [`GstnClientBuilder`].
    pub fn builder() -> GstnClientBuilder {
        GstnClientBuilder::default()
    }

    pub(crate) fn new(http: reqwest::Client, config: Config) -> Self {
        GstnClient {
            inner: Arc::new(Inner {
                http,
                config,
                state: Mutex::new(State {
                    session: None,
                    status: SessionStatus::NotConnected,
                    pending_app_key: None,
                }),
            }),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn emit(&self, event: ProgressEvent) {
        if let Some(progress) = &self.inner.config.progress {
            progress.emit(event);
        }
    }

    /// Where the session stands: not connected, an existing token reused, a token obtained,
    /// refreshed, or expired.
    pub async fn session_status(&self) -> SessionStatus {
        self.inner.state.lock().await.status.clone()
    }

    /// Reuses a stored session if there is a valid one for this user and GSTIN ("Existing
    /// token"), without an OTP. An expired stored session is removed from the store and
    /// [`SessionStatus::Expired`] is answered; then log in with an OTP.
    ///
    /// A session close to expiry is refreshed on the next call that needs it. A client that is
    /// already connected answers its current status.
    pub async fn connect_with_stored(&self) -> Result<SessionStatus> {
        let config = self.config();
        let mut state = self.inner.state.lock().await;
        if let Some(session) = &state.session {
            if session.is_valid_at(Utc::now()) {
                // Already connected: nothing to read back.
                return Ok(state.status.clone());
            }
        }
        let stored = config.store.load()?;
        let status = match stored {
            Some(session) if session.belongs_to(&config.username, config.gstin) => {
                if session.is_valid_at(Utc::now()) {
                    let status = SessionStatus::Existing {
                        expires_at: session.expires_at(),
                    };
                    state.session = Some(session);
                    status
                } else {
                    config.store.clear()?;
                    state.session = None;
                    SessionStatus::Expired
                }
            }
            _ => SessionStatus::NotConnected,
        };
        tracing::debug!(status = ?status, "stored session checked");
        state.status = status.clone();
        Ok(status)
    }

    /// Asks GSTN to send the login OTP to the user's registered mobile (OTPREQUEST), with a
    /// fresh app key that [`authenticate`](Self::authenticate) then uses.
    pub async fn request_otp(&self) -> Result<()> {
        let config = self.config();
        let app_key = AppKey::generate();
        let body = AuthRequest::otp_request(&config.username, &config.public_key, &app_key)
            .map_err(|source| Error::Crypto {
                action: Action::OtpRequest,
                source,
            })?;
        let request = Request::new(
            Action::OtpRequest,
            Method::POST,
            config.url(&config.paths.authenticate)?,
            Endpoint::Auth,
        )
        .json_body(to_json(&Action::OtpRequest, &body)?)
        .repeat(Repeat::ConnectOnly);
        let bytes = self.send(&request, None).await?;
        let _: StatusResponse = decode_plain(&Action::OtpRequest, "response", &bytes)?;
        self.inner.state.lock().await.pending_app_key = Some(app_key);
        tracing::info!("otp requested");
        Ok(())
    }

    /// Exchanges the OTP for an auth token and session key (AUTHTOKEN), stores the session, and
    /// answers [`SessionStatus::Obtained`] ("Token obtained").
    ///
    /// A wrong OTP fails with [`Error::Gstn`] and GSTN's code (`AUTH4034`); the app key stays
    /// pending, so the user may type the OTP again.
    pub async fn authenticate(&self, otp: &Otp) -> Result<SessionStatus> {
        let config = self.config();
        let app_key = self
            .inner
            .state
            .lock()
            .await
            .pending_app_key
            .clone()
            .ok_or(Error::Session(SessionError::NotConnected))?;
        let body = AuthRequest::auth_token(&config.username, &config.public_key, &app_key, otp)
            .map_err(|source| Error::Crypto {
                action: Action::AuthToken,
                source,
            })?;
        let request = Request::new(
            Action::AuthToken,
            Method::POST,
            config.url(&config.paths.authenticate)?,
            Endpoint::Auth,
        )
        .json_body(to_json(&Action::AuthToken, &body)?)
        .repeat(Repeat::ConnectOnly);
        let bytes = self.send(&request, None).await?;
        let answer: AuthTokenResponse = decode_plain(&Action::AuthToken, "response", &bytes)?;
        let session = self.session_from(&Action::AuthToken, app_key, answer)?;
        let status = SessionStatus::Obtained {
            expires_at: session.expires_at(),
        };
        let mut state = self.inner.state.lock().await;
        state.pending_app_key = None;
        state.session = Some(session.clone());
        state.status = status.clone();
        tracing::info!(expires_at = %state.status_expiry(), "token obtained");
        // The session is usable even if it cannot be kept; the caller still learns that.
        config.store.save(&session)?;
        Ok(status)
    }

    /// Refreshes the session now (REFRESHTOKEN): a new auth token, session key and expiry. The
    /// client also does this by itself before a call when the token expires within the refresh
    /// margin.
    pub async fn refresh(&self) -> Result<SessionStatus> {
        let mut state = self.inner.state.lock().await;
        self.refresh_locked(&mut state).await?;
        Ok(state.status.clone())
    }

    /// Ends the session (LOGOUT) and forgets it, here and in the token store. Without a session
    /// it does nothing.
    pub async fn logout(&self) -> Result<()> {
        let config = self.config();
        let mut state = self.inner.state.lock().await;
        let Some(session) = state.session.take() else {
            return Ok(());
        };
        state.status = SessionStatus::NotConnected;
        config.store.clear()?;
        drop(state);
        let body = AuthRequest::logout(
            &config.username,
            &config.public_key,
            session.app_key(),
            session.auth_token().clone(),
        )
        .map_err(|source| Error::Crypto {
            action: Action::Logout,
            source,
        })?;
        let request = Request::new(
            Action::Logout,
            Method::POST,
            config.url(&config.paths.authenticate)?,
            Endpoint::Auth,
        )
        .json_body(to_json(&Action::Logout, &body)?);
        let bytes = self.send(&request, None).await?;
        let _: StatusResponse = decode_plain(&Action::Logout, "response", &bytes)?;
        tracing::info!("logged out");
        Ok(())
    }

    /// The current session, refreshed first if it expires within the margin.
    pub(crate) async fn session(&self) -> Result<Session> {
        let mut state = self.inner.state.lock().await;
        let margin = self.config().refresh_margin;
        match &state.session {
            None => Err(Error::Session(SessionError::NotConnected)),
            Some(session) if session.needs_refresh_at(Utc::now(), margin) => {
                self.refresh_locked(&mut state).await?;
                state
                    .session
                    .clone()
                    .ok_or(Error::Session(SessionError::NotConnected))
            }
            Some(session) => Ok(session.clone()),
        }
    }

    async fn refresh_locked(&self, state: &mut State) -> Result<()> {
        let config = self.config();
        let Some(session) = state.session.clone() else {
            return Err(Error::Session(SessionError::NotConnected));
        };
        let now = Utc::now();
        if !session.is_valid_at(now) {
            let reason = format!("the session expired at {}", session.expires_at());
            self.expire(state)?;
            return Err(Error::Session(SessionError::ReloginRequired { reason }));
        }
        let body = AuthRequest::refresh_token(
            &config.username,
            session.session_key(),
            session.app_key(),
            session.auth_token().clone(),
        );
        let request = Request::new(
            Action::RefreshToken,
            Method::POST,
            config.url(&config.paths.authenticate)?,
            Endpoint::Auth,
        )
        .json_body(to_json(&Action::RefreshToken, &body)?)
        .repeat(Repeat::ConnectOnly);
        let answer = match self.send(&request, None).await.and_then(|bytes| {
            decode_plain::<AuthTokenResponse>(&Action::RefreshToken, "response", &bytes)
        }) {
            Ok(answer) => answer,
            // GSTN refused the refresh (not a passing failure of its own): the session is over.
            Err(Error::Gstn { code, message, .. }) if code.class() != ErrorClass::Retryable => {
                let reason = format!("refresh refused: {}: {message}", code.code());
                self.expire(state)?;
                return Err(Error::Session(SessionError::ReloginRequired { reason }));
            }
            Err(other) => return Err(other),
        };
        let refreshed =
            self.session_from(&Action::RefreshToken, session.app_key().clone(), answer)?;
        state.status = SessionStatus::Refreshed {
            expires_at: refreshed.expires_at(),
        };
        state.session = Some(refreshed.clone());
        tracing::info!(expires_at = %state.status_expiry(), "token refreshed");
        config.store.save(&refreshed)?;
        Ok(())
    }

    /// Forgets a session GSTN no longer accepts.
    fn expire(&self, state: &mut State) -> Result<()> {
        state.session = None;
        state.status = SessionStatus::Expired;
        self.config().store.clear()?;
        Ok(())
    }

    fn session_from(
        &self,
        action: &Action,
        app_key: AppKey,
        answer: AuthTokenResponse,
    ) -> Result<Session> {
        let config = self.config();
        let session_key = answer
            .session_key(&app_key)
            .map_err(|source| Error::Crypto {
                action: action.clone(),
                source,
            })?;
        let minutes = i64::try_from(answer.expiry_minutes).unwrap_or(i64::MAX / 120);
        let now = Utc::now();
        let expires_at = now
            .checked_add_signed(chrono::Duration::minutes(minutes.min(60 * 24 * 366)))
            .unwrap_or(now);
        Ok(Session::from_parts(
            config.username.clone(),
            config.gstin,
            app_key,
            session_key,
            answer.auth_token,
            now,
            expires_at,
        ))
    }
}

impl State {
    fn status_expiry(&self) -> String {
        match &self.status {
            SessionStatus::Existing { expires_at }
            | SessionStatus::Obtained { expires_at }
            | SessionStatus::Refreshed { expires_at } => expires_at.to_rfc3339(),
            _ => "-".into(),
        }
    }
}
