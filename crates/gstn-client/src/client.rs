//! [`GstnClient`]: the session (OTP login, refresh, logout) and the one place requests are sent,
//! retried and decrypted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use gstn_proto::headers as h;
use gstn_proto::{
    decode_body, Action, AppKey, AuthRequest, AuthTokenResponse, EncryptedResponse, EnvelopeError,
    ErrorClass, ErrorCode, FileRequest, Otp, StatusResponse, TxnId,
};
use gstr2_model::ReturnPeriod;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};
use secrecy::ExposeSecret as _;
use serde::de::DeserializeOwned;
use tokio::sync::Mutex;
use tracing::Instrument as _;
use zeroize::{Zeroize as _, Zeroizing};

use crate::config::{check_scheme, Config, GstnClientBuilder};
use crate::error::{Error, Result, SessionError};
use crate::progress::Progress;
use crate::session::{Session, SessionStatus};

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

/// How a request may be repeated when it fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Safe to repeat: GETs, and RETSAVE with the same `txn`.
    Idempotent,
    /// Repeat only when the request never left (connection refused): the OTP calls, RETSUBMIT,
    /// RETFILE.
    ConnectOnly,
}

/// Which headers a request carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `/authenticate` POSTs: client and caller headers only.
    Auth,
    /// Returns calls: plus `gstin`, `ret_period`, `username`, `auth-token`.
    Returns(Option<ReturnPeriod>),
    /// Large-file downloads: no GSTN header at all (the URL may be another host).
    Download,
}

/// A request body. Encrypted bodies are sealed at each attempt with the session of that attempt,
/// so a refresh between two attempts (a new `EK`) never sends data sealed under a dead key.
pub(crate) enum Body {
    /// Sent as is (the authentication calls).
    Json(Zeroizing<Vec<u8>>),
    /// Plaintext JSON sealed as `{action, data, hmac}` under the session key.
    Sealed(Zeroizing<Vec<u8>>),
    /// A summary filed with EVC: `{action, data, sign, st, sid}`.
    Evc {
        summary: Zeroizing<Vec<u8>>,
        pan: String,
        otp: Otp,
    },
}

/// One request, ready to be sent (and sent again).
pub(crate) struct Request {
    pub action: Action,
    pub method: Method,
    pub url: Url,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Body>,
    pub repeat: Repeat,
    pub endpoint: Endpoint,
    /// The `txn` header: kept across retries of the same request.
    pub txn: TxnId,
}

impl Request {
    pub fn new(action: Action, method: Method, url: Url, endpoint: Endpoint) -> Self {
        Request {
            action,
            method,
            url,
            query: Vec::new(),
            body: None,
            repeat: Repeat::Idempotent,
            endpoint,
            txn: TxnId::generate(),
        }
    }

    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    pub fn json_body(mut self, body: Zeroizing<Vec<u8>>) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    pub fn sealed_body(mut self, plaintext: Zeroizing<Vec<u8>>) -> Self {
        self.body = Some(Body::Sealed(plaintext));
        self
    }

    pub fn evc_body(mut self, summary: Zeroizing<Vec<u8>>, pan: String, otp: Otp) -> Self {
        self.body = Some(Body::Evc { summary, pan, otp });
        self
    }

    pub fn repeat(mut self, repeat: Repeat) -> Self {
        self.repeat = repeat;
        self
    }
}

/// Codes that mean "nothing there" rather than failure on a GET (protocol notes §5).
pub(crate) const NO_DOCUMENTS: [&str; 5] =
    ["RET11416", "RET13508", "RET13509", "RET13510", "RET11417"];

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

    pub(crate) fn emit(&self, event: Progress) {
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
                action: "OTPREQUEST".into(),
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
                action: "AUTHTOKEN".into(),
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
            action: "LOGOUT".into(),
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
                action: action.to_string(),
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

    /// Sends a returns call with the session, decrypts the answer, and handles a rejected
    /// session: if another task refreshed meanwhile, once more with the new token; otherwise
    /// [`SessionError::ReloginRequired`].
    pub(crate) async fn call_encrypted(&self, request: &Request) -> Result<Zeroizing<Vec<u8>>> {
        let mut session = self.session().await?;
        for _ in 0..2 {
            match self.send(request, Some(&session)).await {
                Ok(bytes) => return self.open(&request.action, &session, &bytes),
                Err(Error::Gstn { code, message, .. }) if code.class() == ErrorClass::Session => {
                    let mut state = self.inner.state.lock().await;
                    let newer = state
                        .session
                        .as_ref()
                        .filter(|s| !s.auth_token().ct_eq(session.auth_token()))
                        .cloned();
                    match newer {
                        Some(newer) => session = newer,
                        None => {
                            self.expire(&mut state)?;
                            return Err(Error::Session(SessionError::ReloginRequired {
                                reason: format!("{}: {message}", code.code()),
                            }));
                        }
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Err(Error::Session(SessionError::ReloginRequired {
            reason: "the session was rejected twice".into(),
        }))
    }

    /// Decrypts an encrypted answer to its JSON bytes.
    fn open(&self, action: &Action, session: &Session, bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        let envelope: EncryptedResponse = decode_plain(action, "encrypted response", bytes)?;
        gstn_proto::crypto::decrypt_response(session.session_key(), &envelope)
            .map(Zeroizing::new)
            .map_err(|source| Error::Crypto {
                action: action.to_string(),
                source,
            })
    }

    /// Sends a request with retries as its [`Repeat`] allows; answers the body of a 2xx, or of
    /// any status whose body is a GSTN error (turned into [`Error::Gstn`]).
    pub(crate) async fn send(
        &self,
        request: &Request,
        session: Option<&Session>,
    ) -> Result<Vec<u8>> {
        let policy = &self.config().retry;
        let span = tracing::info_span!(
            "gstn_request",
            action = %request.action,
            txn = %request.txn,
            method = %request.method,
            path = request.url.path(),
        );
        async {
            let mut retry = 0u32;
            loop {
                let started = Instant::now();
                let result = self.send_once(request, session).await;
                let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                match result {
                    Ok(bytes) => {
                        tracing::debug!(attempt = retry + 1, elapsed_ms, bytes = bytes.len(), "answered");
                        return Ok(bytes);
                    }
                    Err(error) => {
                        // Queued work (`RTN_24`) and a busy taxpayer (`IMSSAV0015`) are waited
                        // out by the callers' poll loops, at GSTN's pace, not retried here.
                        let waits = matches!(
                            error.gstn_code().map(ErrorCode::class),
                            Some(ErrorClass::Queued | ErrorClass::Busy)
                        );
                        let may_repeat = match request.repeat {
                            Repeat::Idempotent => error.is_retryable() && !waits,
                            Repeat::ConnectOnly => {
                                matches!(error, Error::Transport { connect: true, .. })
                            }
                        };
                        if !may_repeat || retry >= policy.max_retries {
                            tracing::warn!(attempt = retry + 1, elapsed_ms, error = %error, "failed");
                            return Err(error);
                        }
                        let wait = policy.backoff(retry);
                        tracing::info!(
                            attempt = retry + 1,
                            elapsed_ms,
                            wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                            error = %error,
                            "retrying"
                        );
                        tokio::time::sleep(wait).await;
                        retry += 1;
                    }
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn send_once(&self, request: &Request, session: Option<&Session>) -> Result<Vec<u8>> {
        let action = request.action.to_string();
        let headers = self.headers(request, session)?;
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), request.url.clone())
            .headers(headers);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = self.body(request, session)? {
            builder = builder.body(body.to_vec());
        }
        let transport = |source: reqwest::Error| Error::Transport {
            action: action.clone(),
            connect: source.is_connect(),
            timeout: source.is_timeout(),
            source: source.without_url(),
        };
        let response = builder.send().await.map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        check_answer(&request.action, status, &bytes)?;
        Ok(bytes.to_vec())
    }

    /// The bytes of a request's body for one attempt.
    fn body(
        &self,
        request: &Request,
        session: Option<&Session>,
    ) -> Result<Option<Zeroizing<Vec<u8>>>> {
        let action = &request.action;
        let key = || {
            session
                .map(Session::session_key)
                .ok_or(Error::Session(SessionError::NotConnected))
        };
        Ok(match &request.body {
            None => None,
            Some(Body::Json(bytes)) => Some(bytes.clone()),
            Some(Body::Sealed(plain)) => {
                let sealed = gstn_proto::crypto::encrypt_request(key()?, action.clone(), plain);
                Some(to_json(action, &sealed)?)
            }
            Some(Body::Evc { summary, pan, otp }) => {
                let mut file = FileRequest::evc(key()?, summary, pan, otp);
                let bytes = to_json(action, &file);
                file.sid.zeroize();
                Some(bytes?)
            }
        })
    }

    fn headers(&self, request: &Request, session: Option<&Session>) -> Result<HeaderMap> {
        let config = self.config();
        let mut headers = HeaderMap::new();
        if request.endpoint == Endpoint::Download {
            return Ok(headers);
        }
        let mut put = |name: &'static str, value: &str, secret: bool| -> Result<()> {
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(format!("header {name} holds characters http forbids"))
            })?;
            value.set_sensitive(secret);
            headers.insert(HeaderName::from_static(name), value);
            Ok(())
        };
        put(h::CLIENT_ID, &config.client_id, false)?;
        put(h::CLIENT_SECRET, config.client_secret.expose_secret(), true)?;
        if let Some(state) = config.gstin.state_code() {
            put(h::STATE_CD, &state.to_string(), false)?;
        }
        put(h::IP_USR, &config.ip_usr, false)?;
        put(h::TXN, request.txn.as_str(), false)?;
        if let Endpoint::Returns(period) = request.endpoint {
            put(h::GSTIN, config.gstin.as_str(), false)?;
            put(h::USERNAME, &config.username, false)?;
            if let Some(period) = period {
                put(h::RET_PERIOD, &period.to_string(), false)?;
            }
            if let Some(session) = session {
                put(h::AUTH_TOKEN, session.auth_token().expose_secret(), true)?;
            }
        }
        if request.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        Ok(headers)
    }

    /// A returns request on an API path.
    pub(crate) fn returns_request(
        &self,
        action: Action,
        method: Method,
        path: &str,
        period: ReturnPeriod,
    ) -> Result<Request> {
        self.taxpayer_request(action, method, path, Some(period))
    }

    /// A request on a taxpayer API path, with the `ret_period` header where `period` is given
    /// (IMS names none).
    pub(crate) fn taxpayer_request(
        &self,
        action: Action,
        method: Method,
        path: &str,
        period: Option<ReturnPeriod>,
    ) -> Result<Request> {
        let config = self.config();
        let url = config.url(path)?;
        check_scheme(&url)?;
        Ok(Request::new(action, method, url, Endpoint::Returns(period)))
    }

    /// Sleeps (a helper so the poll loops read plainly).
    pub(crate) async fn pause(&self, wait: Duration) {
        tokio::time::sleep(wait).await;
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

/// Turns a non-2xx answer into an error: GSTN's own error body if there is one, else the HTTP
/// status. A 2xx body with `status_cd` 0 is a GSTN error too.
fn check_answer(action: &Action, status: StatusCode, bytes: &[u8]) -> Result<()> {
    match decode_body::<serde::de::IgnoredAny>("response", bytes) {
        Err(EnvelopeError::Gstn(error)) => Err(Error::Gstn {
            action: action.to_string(),
            code: error.error_code,
            message: error.message,
            retry_after_minutes: error.retry_after_minutes,
        }),
        Err(EnvelopeError::FailureWithoutError) => Err(Error::Protocol {
            action: action.to_string(),
            detail: format!(
                "status_cd 0 without an error object (http {})",
                status.as_u16()
            ),
        }),
        _ if !status.is_success() => Err(Error::Http {
            action: action.to_string(),
            status: status.as_u16(),
        }),
        _ => Ok(()),
    }
}

/// Serializes a request body, wiping the bytes when dropped.
pub(crate) fn to_json<T: serde::Serialize>(
    action: &Action,
    body: &T,
) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(body)
        .map(Zeroizing::new)
        .map_err(|e| Error::Protocol {
            action: action.to_string(),
            detail: format!("cannot encode the request: {e}"),
        })
}

/// Reads a plain (not encrypted) JSON answer, with the JSON path of any fault.
pub(crate) fn decode_plain<T: DeserializeOwned>(
    action: &Action,
    what: &str,
    bytes: &[u8],
) -> Result<T> {
    decode_body::<T>("response", bytes).map_err(|e| envelope_error(action, what, e))
}

/// Reads decrypted JSON, with the JSON path of any fault.
pub(crate) fn decode_json<T: DeserializeOwned>(
    action: &Action,
    what: &str,
    bytes: &[u8],
) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(gstr2_model::json::without_bom(bytes));
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| Error::Decode {
        action: action.to_string(),
        what: what.to_owned(),
        path: e.path().to_string(),
        message: e.into_inner().to_string(),
    })?;
    de.end().map_err(|e| Error::Decode {
        action: action.to_string(),
        what: what.to_owned(),
        path: ".".into(),
        message: e.to_string(),
    })?;
    Ok(value)
}

pub(crate) fn envelope_error(action: &Action, what: &str, error: EnvelopeError) -> Error {
    let action = action.to_string();
    match error {
        EnvelopeError::Gstn(error) => Error::Gstn {
            action,
            code: error.error_code,
            message: error.message,
            retry_after_minutes: error.retry_after_minutes,
        },
        EnvelopeError::FailureWithoutError => Error::Protocol {
            action,
            detail: "status_cd 0 without an error object".into(),
        },
        EnvelopeError::Json(json) => Error::Decode {
            action,
            what: what.to_owned(),
            path: json.path,
            message: json.source.to_string(),
        },
        EnvelopeError::Crypto(source) => Error::Crypto { action, source },
        other => Error::Protocol {
            action,
            detail: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gstn_error_bodies_win_over_http_status() {
        let body =
            br#"{"status_cd":"0","error":{"error_cd":"RET12501","message":"System Failure"}}"#;
        let err =
            check_answer(&Action::RetSave, StatusCode::SERVICE_UNAVAILABLE, body).unwrap_err();
        assert_eq!(err.gstn_code().map(|c| c.code()), Some("RET12501"));
        assert!(err.is_retryable());
        // status_cd 0 inside a 200 is an error too.
        let body = br#"{"status_cd":0,"error":{"error_cd":"RTN_24","message":"queued"}}"#;
        let err = check_answer(&Action::FileDet, StatusCode::OK, body).unwrap_err();
        assert_eq!(err.gstn_code().map(|c| c.code()), Some("RTN_24"));
    }

    #[test]
    fn other_failures_are_http_errors() {
        let err = check_answer(&Action::RetSum, StatusCode::BAD_GATEWAY, b"<html>").unwrap_err();
        assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
        assert!(err.is_retryable());
        let err = check_answer(&Action::RetSum, StatusCode::NOT_FOUND, b"").unwrap_err();
        assert!(!err.is_retryable());
        assert!(check_answer(&Action::RetSum, StatusCode::OK, br#"{"status_cd":"1"}"#).is_ok());
        assert!(check_answer(
            &Action::Other("DOWNLOAD".into()),
            StatusCode::OK,
            b"\x1f\x8b"
        )
        .is_ok());
    }

    #[test]
    fn decode_errors_carry_the_json_path() {
        #[derive(serde::Deserialize, Debug)]
        struct Answer {
            #[allow(dead_code)]
            reference_id: String,
        }
        let err = decode_json::<Vec<Answer>>(
            &Action::RetSave,
            "data",
            br#"[{"reference_id":"a"},{"reference_id":5}]"#,
        )
        .unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "[1].reference_id"),
            other => panic!("{other:?}"),
        }
    }
}
