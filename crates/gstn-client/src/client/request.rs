//! A request's shape ([`Request`]: action, URL, body, how it may be repeated) and the one place
//! requests are sent: headers, a body sealed per attempt, retries as the policy allows, and
//! encrypted answers opened, with a rejected session handled.

use std::time::{Duration, Instant};

use gstn_proto::headers as h;
use gstn_proto::{Action, EncryptedResponse, ErrorClass, ErrorCode, FileRequest, Otp, TxnId};
use gstr2_model::ReturnPeriod;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, Url};
use tracing::Instrument as _;
use zeroize::{Zeroize as _, Zeroizing};

use super::answer::{check_answer, decode_plain, to_json};
use super::GstnClient;
use crate::config::check_scheme;
use crate::error::{Error, Result, SessionError};
use crate::session::Session;

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
    pub(crate) fn new(action: Action, method: Method, url: Url, endpoint: Endpoint) -> Self {
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

    pub(crate) fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    pub(crate) fn json_body(mut self, body: Zeroizing<Vec<u8>>) -> Self {
        self.body = Some(Body::Json(body));
        self
    }

    pub(crate) fn sealed_body(mut self, plaintext: Zeroizing<Vec<u8>>) -> Self {
        self.body = Some(Body::Sealed(plaintext));
        self
    }

    pub(crate) fn evc_body(mut self, summary: Zeroizing<Vec<u8>>, pan: String, otp: Otp) -> Self {
        self.body = Some(Body::Evc { summary, pan, otp });
        self
    }

    pub(crate) fn repeat(mut self, repeat: Repeat) -> Self {
        self.repeat = repeat;
        self
    }
}

impl GstnClient {
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
                action: action.clone(),
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
        let action = request.action.clone();
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
        put(h::IP_USR, &config.user_ip.to_string(), false)?;
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
