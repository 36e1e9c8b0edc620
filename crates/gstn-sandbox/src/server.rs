//! The HTTP face of the sandbox: GSTN's paths on axum, with fault injection.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gstn_proto::action::Action;
use gstn_proto::crypto;
use gstn_proto::envelope::{
    AuthRequest, AuthTokenResponse, EncryptedRequest, EncryptedResponse, ErrorBody, FileRequest,
    GstnError, SignatureType, StatusResponse,
};
use gstn_proto::error::CryptoError;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::headers::TxnId;
use gstn_proto::secret::{AuthToken, FileKey, Otp, SessionKey};
use gstr2_model::amount::AmountOverflow;
use gstr2_model::summary::Gstr2Summary;
use gstr2_model::{Gstin, ReturnPeriod, StateCode};
use rand::Rng;
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::save::SaveOutcome;
use crate::state::{lock, token_id, FileJob, Job, Pending, SandboxState, Session, Token};

/// The authentication path.
pub const AUTH_PATH: &str = gstn_proto::headers::paths::AUTHENTICATE;
/// The GSTR2 path.
pub const GSTR2_PATH: &str = gstn_proto::headers::paths::GSTR2;
/// The GSTR2A path.
pub const GSTR2A_PATH: &str = gstn_proto::headers::paths::GSTR2A;
/// The common returns path (RETSTATUS, FILEDET).
pub const RETURNS_PATH: &str = gstn_proto::headers::paths::RETURNS;
/// Where the certificate is served.
pub const CERTIFICATE_PATH: &str = gstn_proto::headers::paths::PUBLIC_CERT;
/// Where large GSTR2A files are served: `/files/{token}/{n}.tar.gz`.
pub const FILES_PATH: &str = "/files";

/// A request refused with GSTN's error body.
#[derive(Debug)]
pub(crate) struct Reject {
    status: StatusCode,
    error: GstnError,
}

impl Reject {
    fn new(status: StatusCode, code: ErrorCode) -> Self {
        Reject {
            status,
            error: GstnError::new(code),
        }
    }

    fn msg(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Reject {
            status,
            error: GstnError::with_message(code, message),
        }
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        (self.status, axum::Json(ErrorBody::new(self.error))).into_response()
    }
}

type Answer = Result<Response, Reject>;

const BAD: StatusCode = StatusCode::BAD_REQUEST;
const UNAUTH: StatusCode = StatusCode::UNAUTHORIZED;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const CONFLICT: StatusCode = StatusCode::CONFLICT;

fn plain<T: Serialize>(body: &T) -> Response {
    axum::Json(body).into_response()
}

fn sealed<T: Serialize>(key: &SessionKey, body: &T) -> Answer {
    let envelope = EncryptedResponse::seal(key, body).map_err(|e| {
        Reject::msg(
            StatusCode::INTERNAL_SERVER_ERROR,
            chosen::RETURNS_SYSTEM_FAILURE,
            format!("encoding the response failed: {e}"),
        )
    })?;
    Ok(plain(&envelope))
}

fn header<'h>(h: &'h HeaderMap, name: &str) -> Option<&'h str> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// A header a returns call must carry (`RET11400` when missing).
fn required<'h>(h: &'h HeaderMap, name: &str) -> Result<&'h str, Reject> {
    header(h, name).ok_or_else(|| {
        Reject::msg(
            BAD,
            chosen::RETURNS_HEADER_MISSING,
            format!("header value missing: {name}"),
        )
    })
}

/// A header an `/authenticate` call must carry (`GEN5001` when missing).
fn required_auth<'h>(h: &'h HeaderMap, name: &str) -> Result<&'h str, Reject> {
    header(h, name).ok_or_else(|| {
        Reject::msg(
            BAD,
            chosen::AUTH_HEADER_MISSING,
            format!("missing mandatory params: header {name}"),
        )
    })
}

/// The `txn` header: 32 hex characters (`RET11408` otherwise).
fn txn(value: &str) -> Result<TxnId, Reject> {
    value.parse::<TxnId>().map_err(|e| {
        Reject::msg(
            BAD,
            chosen::TXN_INVALID,
            format!("invalid transaction id: {e}"),
        )
    })
}

/// A request whose `data` does not decrypt or whose `hmac` (or `sign`) does not match.
fn crypto_reject(e: &CryptoError) -> Reject {
    Reject::msg(
        BAD,
        chosen::PAYLOAD_CORRUPTED,
        format!("corrupted api payload data: {e}"),
    )
}

/// Builds the router: GSTN's paths, the certificate, the large files, fault injection.
///
/// Serve it with [`crate::spawn`] for dropped connections to really drop; served another way,
/// a "dropped" request is answered 503 instead.
pub fn app(state: SandboxState) -> Router {
    Router::new()
        .route(CERTIFICATE_PATH, get(certificate))
        .route(AUTH_PATH, get(evc_otp).post(authenticate))
        .route(GSTR2_PATH, get(gstr2_get).put(gstr2_put).post(gstr2_post))
        .route(RETURNS_PATH, get(returns_get))
        .route(GSTR2A_PATH, get(gstr2a_get))
        .route("/files/{token}/{file}", get(file_download))
        .layer(DefaultBodyLimit::max(state.inner.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), faults))
        .with_state(state)
}

async fn certificate(State(s): State<SandboxState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        s.certificate_pem(),
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Fault injection and dropped connections

/// Marks a connection to be closed without a response.
#[derive(Clone, Debug, Default)]
pub(crate) struct ConnTag {
    kill: Arc<AtomicBool>,
}

/// The TCP listener of [`crate::spawn`]: every connection can be killed by its request.
pub(crate) struct KillableListener {
    pub listener: TcpListener,
}

/// A TCP stream that fails every read and write once killed.
pub(crate) struct KillableStream {
    inner: TcpStream,
    kill: Arc<AtomicBool>,
}

fn killed() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "dropped by fault injection",
    )
}

impl AsyncRead for KillableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for KillableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.kill.load(Ordering::SeqCst) {
            return Poll::Ready(Err(killed()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl axum::serve::Listener for KillableListener {
    type Io = KillableStream;
    type Addr = ConnTag;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    let tag = ConnTag::default();
                    let io = KillableStream {
                        inner: stream,
                        kill: tag.kill.clone(),
                    };
                    return (io, tag);
                }
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.listener.local_addr().map(|_| ConnTag::default())
    }
}

impl Connected<axum::serve::IncomingStream<'_, KillableListener>> for ConnTag {
    fn connect_info(stream: axum::serve::IncomingStream<'_, KillableListener>) -> Self {
        stream.remote_addr().clone()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    None,
    ServerError,
    DropBefore,
    DropAfter,
}

fn drop_connection(req_tag: Option<ConnTag>) -> Option<Response> {
    match req_tag {
        Some(tag) => {
            tag.kill.store(true, Ordering::SeqCst);
            Some(StatusCode::SERVICE_UNAVAILABLE.into_response())
        }
        None => None,
    }
}

fn server_error(auth: bool) -> Response {
    let code = if auth {
        chosen::AUTH_SYSTEM_FAILURE
    } else {
        chosen::RETURNS_SYSTEM_FAILURE
    };
    Reject::msg(
        StatusCode::SERVICE_UNAVAILABLE,
        code,
        "system failure (injected)",
    )
    .into_response()
}

async fn faults(State(s): State<SandboxState>, req: Request, next: Next) -> Response {
    let inner = &s.inner;
    if !req.uri().path().starts_with("/taxpayerapi/") {
        return next.run(req).await;
    }
    let response = faulty(&s, req, next).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return Reject::msg(
            StatusCode::PAYLOAD_TOO_LARGE,
            chosen::RETURNS_MALFORMED,
            format!(
                "malformed api request: the body exceeds {} bytes",
                inner.config.max_body_bytes
            ),
        )
        .into_response();
    }
    response
}

/// Latency and the dice: a 5xx, a dropped connection (before or after the request runs), or
/// nothing.
async fn faulty(s: &SandboxState, req: Request, next: Next) -> Response {
    let inner = &s.inner;
    let f = &inner.config.faults;
    if !f.latency.is_zero() {
        tokio::time::sleep(f.latency).await;
    }
    let fault = if f.error_5xx > 0.0 || f.drop > 0.0 {
        let mut rng = lock(&inner.rng);
        let roll: f64 = rng.gen();
        if roll < f.error_5xx {
            Fault::ServerError
        } else if roll < f.error_5xx + f.drop {
            if rng.gen_bool(0.5) {
                Fault::DropBefore
            } else {
                Fault::DropAfter
            }
        } else {
            Fault::None
        }
    } else {
        Fault::None
    };
    let auth = req.uri().path() == AUTH_PATH;
    let tag = req
        .extensions()
        .get::<ConnectInfo<ConnTag>>()
        .map(|c| c.0.clone());
    match fault {
        Fault::None => next.run(req).await,
        Fault::ServerError => {
            inner.count("fault:5xx");
            server_error(auth)
        }
        Fault::DropBefore => {
            inner.count("fault:drop-before");
            drop_connection(tag).unwrap_or_else(|| server_error(auth))
        }
        Fault::DropAfter => {
            inner.count("fault:drop-after");
            let response = next.run(req).await;
            drop_connection(tag).unwrap_or(response)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Authentication

fn check_client(s: &SandboxState, h: &HeaderMap) -> Result<(), Reject> {
    let c = &s.inner.config;
    match header(h, "clientid") {
        None => return Err(Reject::new(UNAUTH, ErrorCode::Aut4031)),
        Some(id) if id != c.client_id => return Err(Reject::new(UNAUTH, ErrorCode::Aut4033)),
        Some(_) => {}
    }
    match header(h, "client-secret") {
        None => Err(Reject::new(UNAUTH, ErrorCode::Aut4032)),
        Some(secret) if secret != c.client_secret => Err(Reject::new(UNAUTH, ErrorCode::Aut4034)),
        Some(_) => Ok(()),
    }
}

fn check_auth_headers(s: &SandboxState, h: &HeaderMap) -> Result<(), Reject> {
    check_client(s, h)?;
    txn(required_auth(h, "txn")?)?;
    let state = required_auth(h, "state-cd")?;
    state.parse::<StateCode>().map_err(|_| {
        Reject::msg(
            BAD,
            ErrorCode::Auth4041,
            format!("invalid state code {state:?}"),
        )
    })?;
    Ok(())
}

fn user_known(s: &SandboxState, username: &str) -> bool {
    match &s.inner.config.users {
        None => !username.trim().is_empty(),
        Some(users) => users.contains_key(username),
    }
}

/// Whole minutes, rounded up (`expiry` and `est` are minutes on the wire).
fn expiry_minutes(d: Duration) -> u64 {
    u64::try_from(d.as_millis().div_ceil(60_000)).unwrap_or(u64::MAX)
}

fn new_token(
    s: &SandboxState,
    session_id: u64,
    session_end: Instant,
    now: Instant,
) -> (AuthToken, SessionKey, Duration) {
    let token = AuthToken::generate();
    let key = SessionKey::generate();
    let lifetime = s
        .inner
        .config
        .token_lifetime
        .min(session_end.saturating_duration_since(now));
    // The announced lifetime; with `faults.expire_after` the token dies earlier than that.
    let real = match s.inner.config.faults.expire_after {
        Some(early) => lifetime.min(early),
        None => lifetime,
    };
    let mut sessions = lock(&s.inner.sessions);
    // Forget tokens an hour after they expired (until then they answer "expired").
    sessions
        .tokens
        .retain(|_, t| now < t.expires + crate::persist::TOKEN_GRACE);
    sessions.tokens.insert(
        token_id(token.expose_secret()),
        Token {
            session: session_id,
            session_key: key.clone(),
            expires: now + real,
        },
    );
    s.inner.sessions_changed(&sessions);
    (token, key, lifetime)
}

async fn authenticate(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Response {
    // RSA decryption is CPU work: keep it off the async workers.
    match tokio::task::spawn_blocking(move || auth_inner(&s, &h, &body)).await {
        Ok(answer) => answer.unwrap_or_else(IntoResponse::into_response),
        Err(e) => Reject::msg(
            StatusCode::INTERNAL_SERVER_ERROR,
            chosen::AUTH_SYSTEM_FAILURE,
            format!("technical error: {e}"),
        )
        .into_response(),
    }
}

fn auth_inner(s: &SandboxState, h: &HeaderMap, body: &[u8]) -> Answer {
    check_auth_headers(s, h)?;
    let req: AuthRequest = serde_json::from_slice(gstr2_model::json::without_bom(body))
        .map_err(|e| Reject::msg(BAD, ErrorCode::Auth4040, format!("malformed request: {e}")))?;
    s.inner.count(req.action.as_str());
    let inner = &s.inner;
    let now = Instant::now();
    match req.action {
        Action::OtpRequest => {
            if !user_known(s, &req.username) {
                return Err(Reject::new(UNAUTH, ErrorCode::Auth4032));
            }
            inner
                .keys
                .private
                .decrypt_app_key(&req.app_key)
                .map_err(|e| {
                    Reject::msg(UNAUTH, ErrorCode::Auth4036, format!("invalid app key: {e}"))
                })?;
            {
                let mut sessions = lock(&inner.sessions);
                sessions.otp_sent.insert(req.username.clone());
                inner.sessions_changed(&sessions);
            }
            // The sandbox's fixed OTP is configuration, not a secret: the log line stands for the
            // SMS GSTN would send.
            tracing::info!(
                username = %req.username,
                "SMS to the mobile of {}: your GSTN OTP is {}",
                req.username,
                inner.config.otp
            );
            Ok(plain(&StatusResponse::success()))
        }
        Action::AuthToken => {
            if !user_known(s, &req.username) {
                return Err(Reject::new(UNAUTH, ErrorCode::Auth4032));
            }
            let app_key = inner
                .keys
                .private
                .decrypt_app_key(&req.app_key)
                .map_err(|e| {
                    Reject::msg(UNAUTH, ErrorCode::Auth4036, format!("invalid app key: {e}"))
                })?;
            let otp = req
                .otp
                .as_deref()
                .ok_or_else(|| Reject::msg(BAD, ErrorCode::Auth4040, "otp missing"))?;
            let otp = crypto::decrypt_otp(&app_key, otp).map_err(|e| {
                Reject::msg(UNAUTH, ErrorCode::Auth4034, format!("invalid otp: {e}"))
            })?;
            let expected = Otp::new(inner.config.otp.clone()).ok();
            if !lock(&inner.sessions).otp_sent.contains(&req.username) {
                return Err(Reject::msg(
                    UNAUTH,
                    ErrorCode::Auth4034,
                    "invalid otp: no otp was requested for this user",
                ));
            }
            if !expected.is_some_and(|e| e.ct_eq(&otp)) {
                return Err(Reject::new(UNAUTH, ErrorCode::Auth4034));
            }
            let ends = now + inner.config.session_max;
            let id = {
                let mut sessions = lock(&inner.sessions);
                sessions.next_id += 1;
                let id = sessions.next_id;
                sessions.sessions.insert(
                    id,
                    Session {
                        username: req.username.clone(),
                        app_key: app_key.clone(),
                        ends,
                        evc_requested: Default::default(),
                    },
                );
                id
            };
            let (token, key, lifetime) = new_token(s, id, ends, now);
            tracing::info!(username = %req.username, "session opened");
            Ok(plain(&AuthTokenResponse::new(
                token,
                expiry_minutes(lifetime),
                &app_key,
                &key,
            )))
        }
        Action::RefreshToken => {
            let token = req
                .auth_token
                .as_ref()
                .ok_or_else(|| Reject::msg(BAD, ErrorCode::Auth4040, "auth_token missing"))?;
            let (session_id, old_key, session_end, app_key) = {
                let sessions = lock(&inner.sessions);
                let t = sessions
                    .tokens
                    .get(&token_id(token.expose_secret()))
                    .ok_or_else(|| Reject::new(UNAUTH, ErrorCode::Auth4033))?;
                let session = sessions
                    .sessions
                    .get(&t.session)
                    .ok_or_else(|| Reject::new(UNAUTH, ErrorCode::Auth4033))?;
                if session.username != req.username {
                    return Err(Reject::new(UNAUTH, ErrorCode::Auth4032));
                }
                if now >= t.expires || now >= session.ends {
                    return Err(Reject::msg(
                        UNAUTH,
                        ErrorCode::Auth4038,
                        "session expired: a token can be refreshed only while it is valid",
                    ));
                }
                (
                    t.session,
                    t.session_key.clone(),
                    session.ends,
                    session.app_key.clone(),
                )
            };
            let sent = crypto::decrypt_refresh_app_key(&old_key, &req.app_key).map_err(|e| {
                Reject::msg(UNAUTH, ErrorCode::Auth4036, format!("invalid app key: {e}"))
            })?;
            if !sent.ct_eq(&app_key) {
                return Err(Reject::msg(
                    UNAUTH,
                    ErrorCode::Auth4036,
                    "invalid app key: not the session's app key",
                ));
            }
            let (token, key, lifetime) = new_token(s, session_id, session_end, now);
            Ok(plain(&AuthTokenResponse::new(
                token,
                expiry_minutes(lifetime),
                &app_key,
                &key,
            )))
        }
        Action::Logout => {
            inner
                .keys
                .private
                .decrypt_app_key(&req.app_key)
                .map_err(|e| {
                    Reject::msg(UNAUTH, ErrorCode::Auth4036, format!("invalid app key: {e}"))
                })?;
            let token = req
                .auth_token
                .as_ref()
                .ok_or_else(|| Reject::msg(BAD, ErrorCode::Auth4040, "auth_token missing"))?;
            let mut sessions = lock(&inner.sessions);
            let id = sessions
                .tokens
                .get(&token_id(token.expose_secret()))
                .map(|t| t.session)
                .ok_or_else(|| Reject::new(UNAUTH, ErrorCode::Auth4033))?;
            sessions.end(id);
            inner.sessions_changed(&sessions);
            Ok(plain(&StatusResponse::success()))
        }
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Auth4035,
            format!("invalid request action {}", other.as_str()),
        )),
    }
}

/// The session behind a request's `auth-token` and `username`.
struct Caller {
    session_id: u64,
    key: SessionKey,
}

/// Finds the session of `auth-token`; `on_auth` picks `/authenticate`'s codes (EVCOTP) over
/// the returns paths' ones.
fn caller(s: &SandboxState, h: &HeaderMap, on_auth: bool) -> Result<Caller, Reject> {
    type Required = for<'a> fn(&'a HeaderMap, &str) -> Result<&'a str, Reject>;
    let (missing, unknown, mismatch): (Required, _, _) = if on_auth {
        (
            required_auth,
            chosen::AUTH_TOKEN_UNKNOWN,
            chosen::USER_INVALID,
        )
    } else {
        (
            required,
            chosen::RETURNS_TOKEN_UNKNOWN,
            chosen::USERNAME_MISMATCH,
        )
    };
    let token = missing(h, "auth-token")?;
    let username = missing(h, "username")?;
    let inner = &s.inner;
    let expire_early = inner.config.faults.expire_session > 0.0
        && lock(&inner.rng).gen_bool(inner.config.faults.expire_session);
    let mut sessions = lock(&inner.sessions);
    let t = sessions
        .tokens
        .get(&token_id(token))
        .ok_or_else(|| Reject::new(UNAUTH, unknown.clone()))?;
    let (session_id, key, expires) = (t.session, t.session_key.clone(), t.expires);
    let session = sessions
        .sessions
        .get(&session_id)
        .ok_or_else(|| Reject::new(UNAUTH, unknown.clone()))?;
    if session.username != username {
        return Err(Reject::new(UNAUTH, mismatch));
    }
    let now = Instant::now();
    if now >= session.ends {
        sessions.end(session_id);
        inner.sessions_changed(&sessions);
        return Err(Reject::new(UNAUTH, ErrorCode::Auth4038));
    }
    if now >= expires {
        return Err(Reject::new(UNAUTH, ErrorCode::Auth4038));
    }
    if expire_early {
        sessions.end(session_id);
        inner.sessions_changed(&sessions);
        drop(sessions);
        inner.count("fault:expire-session");
        return Err(Reject::msg(
            UNAUTH,
            ErrorCode::Auth4038,
            "session expired (injected)",
        ));
    }
    Ok(Caller { session_id, key })
}

type Params = Query<BTreeMap<String, String>>;

async fn evc_otp(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Response {
    evc_inner(&s, &h, &q).unwrap_or_else(IntoResponse::into_response)
}

fn evc_inner(s: &SandboxState, h: &HeaderMap, q: &BTreeMap<String, String>) -> Answer {
    check_client(s, h)?;
    let action = q.get("action").map(String::as_str).unwrap_or_default();
    if action != Action::EvcOtp.as_str() {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Auth4035,
            format!("invalid request action {action:?}"),
        ));
    }
    s.inner.count(action);
    let who = caller(s, h, true)?;
    let gstin = q
        .get("gstin")
        .ok_or_else(|| Reject::new(BAD, ErrorCode::Otp0001))?;
    let gstin =
        Gstin::parse(gstin).map_err(|e| Reject::msg(BAD, ErrorCode::Otp0005, e.to_string()))?;
    if header(h, "gstin").is_some_and(|g| g != gstin.as_str()) {
        return Err(Reject::new(BAD, ErrorCode::Otp0002));
    }
    let pan = q
        .get("pan")
        .ok_or_else(|| Reject::new(BAD, ErrorCode::Otp0003))?;
    q.get("form_type")
        .ok_or_else(|| Reject::new(BAD, ErrorCode::Otp0004))?;
    if gstin.pan() != Some(pan.as_str()) {
        return Err(Reject::new(FORBIDDEN, ErrorCode::Otp0006));
    }
    {
        let mut sessions = lock(&s.inner.sessions);
        if let Some(session) = sessions.sessions.get_mut(&who.session_id) {
            session.evc_requested.insert(gstin);
        }
        s.inner.sessions_changed(&sessions);
    }
    tracing::info!(
        gstin = %gstin,
        "SMS to the authorised signatory of {gstin}: your EVC OTP is {}",
        s.inner.config.evc_otp
    );
    Ok(plain(&StatusResponse::success()))
}

// ---------------------------------------------------------------------------------------------
// Returns

/// An authenticated returns request: who, for which GSTIN and period.
struct Ctx {
    caller: Caller,
    gstin: Gstin,
    period: ReturnPeriod,
    txn: String,
}

fn context(s: &SandboxState, h: &HeaderMap, q: &BTreeMap<String, String>) -> Result<Ctx, Reject> {
    check_client(s, h)?;
    let txn = txn(required(h, "txn")?)?.as_str().to_owned();
    let gstin_text = required(h, "gstin")?;
    let gstin = Gstin::parse(gstin_text)
        .map_err(|e| Reject::msg(BAD, ErrorCode::Ret11410, e.to_string()))?;
    let state = required(h, "state-cd")?;
    if gstin.as_str().get(..2) != Some(state) {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11404,
            format!("state-cd {state} is not the state of gstin {gstin}"),
        ));
    }
    if q.get("gstin").is_some_and(|g| g != gstin.as_str()) {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11405,
            "the gstin parameter is not the gstin header",
        ));
    }
    let period_text = match (header(h, "ret_period"), q.get("ret_period")) {
        (Some(a), Some(b)) if a != b => {
            return Err(Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                "the ret_period parameter is not the ret_period header",
            ))
        }
        (Some(a), _) => a.to_owned(),
        (None, Some(b)) => b.clone(),
        (None, None) => return Err(Reject::new(BAD, ErrorCode::Auth141)),
    };
    let period: ReturnPeriod =
        period_text
            .parse()
            .map_err(|e: gstr2_model::ReturnPeriodError| {
                Reject::msg(BAD, ErrorCode::Auth113, e.to_string())
            })?;
    let caller = caller(s, h, false)?;
    if let Some(users) = &s.inner.config.users {
        let username = header(h, "username").unwrap_or_default();
        if !users.get(username).is_some_and(|g| g.contains(&gstin)) {
            return Err(Reject::new(FORBIDDEN, ErrorCode::Ret11402));
        }
    }
    Ok(Ctx {
        caller,
        gstin,
        period,
        txn,
    })
}

fn body_hash(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

async fn gstr2_get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Response {
    gstr2_get_inner(&s, &h, &q).unwrap_or_else(IntoResponse::into_response)
}

/// RETSUM or RETFILE on a return whose saved amounts add up beyond what a decimal holds: no
/// summary can be computed, so the return's state forbids the action (as RETFILE before
/// RETSUBMIT does), and the message names the document.
fn summary_overflow(e: AmountOverflow) -> Reject {
    Reject::msg(
        CONFLICT,
        chosen::SUMMARY_OVERFLOW,
        format!("invalid api request: the return's summary (RETSUM) cannot be computed: {e}"),
    )
}

fn filter_ctin(section: Value, ctin: Option<&String>) -> Value {
    match (section, ctin) {
        (Value::Array(list), Some(ctin)) => Value::Array(
            list.into_iter()
                .filter(|s| s.get("ctin").and_then(Value::as_str) == Some(ctin.as_str()))
                .collect(),
        ),
        (v, _) => v,
    }
}

fn gstr2_get_inner(s: &SandboxState, h: &HeaderMap, q: &BTreeMap<String, String>) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&action);
    let ctx = context(s, h, q)?;
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let action = Action::parse(&action);
    if action == Action::RetSum {
        let summary = {
            let mut ret = lock(&ret);
            s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
            crate::summary::compute(&ret.sections, ctx.gstin, ctx.period)
        }
        .map_err(summary_overflow)?;
        return sealed(&ctx.caller.key, &summary);
    }
    let key = action.section_key().ok_or_else(|| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: action {:?}", action.as_str()),
        )
    })?;
    let payload = {
        let mut ret = lock(&ret);
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
        ret.sections.to_payload(ctx.gstin, ctx.period)
    };
    let mut value = serde_json::to_value(&payload).unwrap_or_default();
    let section = value
        .as_object_mut()
        .and_then(|m| m.remove(key))
        .unwrap_or_else(|| match key {
            "nil_supplies" | "itc_rvsl" | "hsnsum" => json!({}),
            _ => json!([]),
        });
    let section = match key {
        "b2b" | "b2ba" | "cdn" | "cdna" => filter_ctin(section, q.get("ctin")),
        _ => section,
    };
    let mut out = serde_json::Map::new();
    out.insert(key.to_owned(), section);
    sealed(&ctx.caller.key, &Value::Object(out))
}

async fn gstr2_put(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Response {
    gstr2_put_inner(&s, &h, &body).unwrap_or_else(IntoResponse::into_response)
}

fn encrypted_request(body: &[u8]) -> Result<EncryptedRequest, Reject> {
    serde_json::from_slice(gstr2_model::json::without_bom(body)).map_err(|e| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11406,
            format!("malformed api request: {e}"),
        )
    })
}

fn gstr2_put_inner(s: &SandboxState, h: &HeaderMap, body: &[u8]) -> Answer {
    let req = encrypted_request(body)?;
    s.inner.count(req.action.as_str());
    let ctx = context(s, h, &BTreeMap::new())?;
    if req.action != Action::RetSave {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!(
                "invalid api request: {} is not a PUT action",
                req.action.as_str()
            ),
        ));
    }
    let plaintext =
        crypto::decrypt_request(&ctx.caller.key, &req).map_err(|e| crypto_reject(&e))?;
    let hash = body_hash(&plaintext);
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
        if let Some(previous) = ret.answered.get(&(ctx.txn.clone(), hash)) {
            previous.clone()
        } else {
            if ret.filed.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Auth117));
            }
            if ret.submitted.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Ret12521));
            }
            let reference = s.inner.next_reference("SBX");
            let now = Instant::now();
            tracing::info!(
                gstin = %ctx.gstin,
                period = %ctx.period,
                reference = %reference,
                bytes = plaintext.len(),
                "RETSAVE acknowledged"
            );
            ret.jobs.insert(
                reference.clone(),
                Job {
                    action: "SAVE",
                    created: now,
                    polls: 0,
                    outcome: None,
                },
            );
            ret.pending.push_back(Pending {
                reference: reference.clone(),
                ready_at: now + s.inner.config.processing_delay,
                payload: plaintext,
            });
            let answer = json!({ "reference_id": reference });
            ret.answered.insert((ctx.txn.clone(), hash), answer.clone());
            answer
        }
    };
    sealed(&ctx.caller.key, &answer)
}

async fn gstr2_post(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Response {
    gstr2_post_inner(&s, &h, &body).unwrap_or_else(IntoResponse::into_response)
}

#[derive(serde::Deserialize)]
struct ActionOnly {
    action: Action,
}

fn gstr2_post_inner(s: &SandboxState, h: &HeaderMap, body: &[u8]) -> Answer {
    let probe: ActionOnly =
        serde_json::from_slice(gstr2_model::json::without_bom(body)).map_err(|e| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11406,
                format!("malformed api request: {e}"),
            )
        })?;
    s.inner.count(probe.action.as_str());
    let ctx = context(s, h, &BTreeMap::new())?;
    match probe.action {
        Action::RetSubmit => submit(s, &ctx, body),
        Action::RetFile => file(s, &ctx, body),
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!(
                "invalid api request: {} is not a POST action",
                other.as_str()
            ),
        )),
    }
}

fn check_identity(ctx: &Ctx, json: &[u8]) -> Result<(), Reject> {
    #[derive(serde::Deserialize)]
    struct Identity {
        gstin: String,
        ret_period: String,
    }
    let id: Identity =
        serde_json::from_slice(gstr2_model::json::without_bom(json)).map_err(|e| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11406,
                format!("malformed api request: {e}"),
            )
        })?;
    if id.gstin != ctx.gstin.as_str() || id.ret_period != ctx.period.to_string() {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11405,
            "gstin or ret_period of the data differ from the headers",
        ));
    }
    Ok(())
}

fn submit(s: &SandboxState, ctx: &Ctx, body: &[u8]) -> Answer {
    let req = encrypted_request(body)?;
    let plaintext =
        crypto::decrypt_request(&ctx.caller.key, &req).map_err(|e| crypto_reject(&e))?;
    check_identity(ctx, &plaintext)?;
    let hash = body_hash(&plaintext);
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        // Submitting or filing waits for every acknowledged save to be processed.
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, true);
        if let Some(previous) = ret.answered.get(&(ctx.txn.clone(), hash)) {
            previous.clone()
        } else {
            if ret.filed.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Auth117));
            }
            if ret.submitted.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Ret12521));
            }
            let reference = s.inner.next_reference("SBX");
            ret.submitted = Some(reference.clone());
            ret.jobs.insert(
                reference.clone(),
                Job {
                    action: "SUBMIT",
                    created: Instant::now(),
                    polls: 0,
                    outcome: Some(SaveOutcome::Processed),
                },
            );
            tracing::info!(gstin = %ctx.gstin, period = %ctx.period, "RETSUBMIT: return frozen");
            let answer = json!({ "reference_id": reference });
            ret.answered.insert((ctx.txn.clone(), hash), answer.clone());
            answer
        }
    };
    sealed(&ctx.caller.key, &answer)
}

fn file(s: &SandboxState, ctx: &Ctx, body: &[u8]) -> Answer {
    let req: FileRequest =
        serde_json::from_slice(gstr2_model::json::without_bom(body)).map_err(|e| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11406,
                format!("malformed api request: {e}"),
            )
        })?;
    if req.signature_type != SignatureType::Evc {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            "invalid api request: the sandbox files with EVC only",
        ));
    }
    let (pan, otp) = req
        .evc_signer()
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11406, "sid is not PAN|OTP"))?;
    if ctx.gstin.pan() != Some(pan) {
        return Err(Reject::new(FORBIDDEN, ErrorCode::Otp0006));
    }
    let evc_ok = Otp::new(s.inner.config.evc_otp.clone())
        .ok()
        .is_some_and(|e| e.ct_eq(&otp));
    let requested = lock(&s.inner.sessions)
        .sessions
        .get(&ctx.caller.session_id)
        .is_some_and(|sess| sess.evc_requested.contains(&ctx.gstin));
    if !requested {
        return Err(Reject::msg(
            UNAUTH,
            ErrorCode::Auth4034,
            "invalid otp: no evc otp was requested for this gstin in this session",
        ));
    }
    if !evc_ok {
        return Err(Reject::msg(UNAUTH, ErrorCode::Auth4034, "invalid evc otp"));
    }
    let json = req.open_evc(&ctx.caller.key).map_err(|e| match e {
        CryptoError::HmacMismatch { .. } => Reject::msg(
            BAD,
            chosen::PAYLOAD_CORRUPTED,
            "corrupted api payload data: the evc signature does not verify over the summary",
        ),
        other => crypto_reject(&other),
    })?;
    let filed: Gstr2Summary = gstr2_model::json::from_slice(&json)
        .map_err(|e| Reject::msg(BAD, ErrorCode::Ret11406, format!("the filed summary: {e}")))?;
    let hash = body_hash(&json);
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        // Submitting or filing waits for every acknowledged save to be processed.
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, true);
        if let Some(previous) = ret.answered.get(&(ctx.txn.clone(), hash)) {
            previous.clone()
        } else {
            if ret.filed.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Auth117));
            }
            if ret.submitted.is_none() {
                return Err(Reject::msg(
                    CONFLICT,
                    ErrorCode::Ret11403,
                    "invalid api request: the return must be submitted (RETSUBMIT) before filing",
                ));
            }
            let current = crate::summary::compute(&ret.sections, ctx.gstin, ctx.period)
                .map_err(summary_overflow)?;
            if filed != current {
                return Err(Reject::msg(
                    BAD,
                    ErrorCode::Ret11405,
                    "the filed summary is not the return's summary (RETSUM)",
                ));
            }
            let n = s.inner.next_reference("");
            let ack = format!(
                "AA{}{}",
                ctx.gstin.state_code().map(StateCode::code).unwrap_or(0),
                n
            );
            ret.filed = Some(ack.clone());
            tracing::info!(gstin = %ctx.gstin, period = %ctx.period, ack = %ack, "RETFILE: return filed");
            let answer = json!({ "ack_num": ack, "status": "P" });
            ret.answered.insert((ctx.txn.clone(), hash), answer.clone());
            answer
        }
    };
    sealed(&ctx.caller.key, &answer)
}

async fn returns_get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Response {
    returns_inner(&s, &h, &q).unwrap_or_else(IntoResponse::into_response)
}

fn returns_inner(s: &SandboxState, h: &HeaderMap, q: &BTreeMap<String, String>) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&action);
    let ctx = context(s, h, q)?;
    match Action::parse(&action) {
        Action::RetStatus => ret_status(s, &ctx, q),
        Action::FileDet => file_details(s, &ctx, h, q),
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: action {:?}", other.as_str()),
        )),
    }
}

fn ret_status(s: &SandboxState, ctx: &Ctx, q: &BTreeMap<String, String>) -> Answer {
    let reference = q
        .get("ref_id")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "ref_id missing"))?;
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
        let job = ret.jobs.get_mut(reference).ok_or_else(|| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                format!("no request with ref_id {reference} for this gstin and period"),
            )
        })?;
        job.polls = job.polls.saturating_add(1);
        let c = &s.inner.config;
        let busy = job.polls <= c.processing_polls || job.created.elapsed() < c.processing_delay;
        let mut answer = serde_json::Map::new();
        answer.insert("form_typ".into(), json!("R2"));
        answer.insert("action".into(), json!(job.action));
        let (status, report) = match (&job.outcome, busy) {
            (None, _) | (_, true) => ("IP", None),
            (Some(SaveOutcome::Processed), false) => ("P", None),
            (Some(SaveOutcome::ProcessedWithErrors(report)), false) => {
                ("PE", Some(serde_json::to_value(report).unwrap_or_default()))
            }
            (Some(SaveOutcome::Error(p)), false) => (
                "ER",
                Some(json!({ "error_cd": p.code, "error_msg": p.message })),
            ),
        };
        answer.insert("status_cd".into(), json!(status));
        if let Some(report) = report {
            answer.insert("error_report".into(), report);
        }
        Value::Object(answer)
    };
    sealed(&ctx.caller.key, &answer)
}

fn file_details(
    s: &SandboxState,
    ctx: &Ctx,
    h: &HeaderMap,
    q: &BTreeMap<String, String>,
) -> Answer {
    let token = q
        .get("token")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "token missing"))?;
    let files = lock(&s.inner.files);
    let job = files
        .get(token)
        .filter(|j| j.gstin == ctx.gstin && j.period == ctx.period)
        .ok_or_else(|| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                "no such token for this gstin and period",
            )
        })?;
    if Instant::now() < job.ready_at {
        return Err(Reject::new(StatusCode::OK, ErrorCode::Rtn24));
    }
    let host = header(h, "host").unwrap_or("127.0.0.1");
    let urls: Vec<Value> = job
        .files
        .iter()
        .enumerate()
        .map(|(n, (ic, bytes))| {
            json!({
                "ul": format!("http://{host}{FILES_PATH}/{token}/{n}.tar.gz"),
                "ic": ic,
                "hash": crypto::sha256_hex(bytes),
            })
        })
        .collect();
    let answer = json!({ "fc": job.files.len(), "ek": job.key.to_base64(), "urls": urls });
    drop(files);
    sealed(&ctx.caller.key, &answer)
}

// ---------------------------------------------------------------------------------------------
// GSTR2A and large files

async fn gstr2a_get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Response {
    gstr2a_inner(&s, &h, &q).unwrap_or_else(IntoResponse::into_response)
}

fn gstr2a_inner(s: &SandboxState, h: &HeaderMap, q: &BTreeMap<String, String>) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&format!("GSTR2A:{action}"));
    let ctx = context(s, h, q)?;
    let ctin = match q.get("ctin") {
        Some(c) => Some(
            Gstin::parse(c).map_err(|e| Reject::msg(BAD, ErrorCode::Ret11405, e.to_string()))?,
        ),
        None => None,
    };
    let gstr2a = {
        let ret = s.inner.return_state(ctx.gstin, ctx.period);
        let mut ret = lock(&ret);
        s.inner
            .gstr2a_of(&mut ret, ctx.gstin, ctx.period)
            .map_err(|e| {
                Reject::msg(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    chosen::RETURNS_SYSTEM_FAILURE,
                    e.to_string(),
                )
            })?
    };
    let (section, count) = crate::gstr2a::section(&gstr2a, &action, ctin).ok_or_else(|| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: gstr2a action {action:?}"),
        )
    })?;
    let key = action.to_ascii_lowercase();
    let c = &s.inner.config;
    if count > c.large_file_threshold {
        let docs_key = if key.starts_with("cdn") { "nt" } else { "inv" };
        let file_key = FileKey::generate();
        let files = split_into_files(&section, &key, docs_key, c.documents_per_file, &file_key)
            .map_err(|e| {
                Reject::msg(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    chosen::RETURNS_SYSTEM_FAILURE,
                    e.to_string(),
                )
            })?;
        let token = hex::encode(AuthToken::generate().expose_secret().as_bytes())
            .chars()
            .take(32)
            .collect::<String>();
        lock(&s.inner.files).insert(
            token.clone(),
            FileJob {
                gstin: ctx.gstin,
                period: ctx.period,
                ready_at: Instant::now() + c.file_queue_time,
                key: file_key,
                files,
            },
        );
        let est = expiry_minutes(c.file_queue_time).max(1);
        return sealed(&ctx.caller.key, &json!({ "token": token, "est": est }));
    }
    let mut out = serde_json::Map::new();
    out.insert(key, section);
    sealed(&ctx.caller.key, &Value::Object(out))
}

/// Splits a section's suppliers into files of at most `per_file` documents, each file a
/// `.tar.gz` with one `.json` whose content is `b64(AES(ek, b64(json)))`.
fn split_into_files(
    section: &Value,
    key: &str,
    docs_key: &str,
    per_file: usize,
    file_key: &FileKey,
) -> io::Result<Vec<(usize, Vec<u8>)>> {
    let mut chunks: Vec<(usize, Vec<Value>)> = vec![(0, Vec::new())];
    for supplier in section.as_array().into_iter().flatten() {
        let docs = supplier
            .get(docs_key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut rest = docs.as_slice();
        while !rest.is_empty() {
            let room = match chunks.last() {
                Some((n, _)) if *n < per_file => per_file - n,
                _ => {
                    chunks.push((0, Vec::new()));
                    per_file
                }
            };
            let (take, left) = rest.split_at(room.min(rest.len()));
            let mut part = supplier.clone();
            if let Some(fields) = part.as_object_mut() {
                fields.insert(docs_key.to_owned(), Value::Array(take.to_vec()));
            }
            if let Some((n, list)) = chunks.last_mut() {
                *n += take.len();
                list.push(part);
            }
            rest = left;
        }
    }
    chunks
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .enumerate()
        .map(|(i, (n, suppliers))| {
            let mut body = serde_json::Map::new();
            body.insert(key.to_owned(), Value::Array(suppliers));
            let json = serde_json::to_vec(&Value::Object(body))?;
            let content = crypto::encrypt_file_content(file_key, &json);
            Ok((n, tar_gz(&format!("{key}_{i}.json"), content.as_bytes())?))
        })
        .collect()
}

fn tar_gz(name: &str, content: &[u8]) -> io::Result<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    tar.append_data(&mut header, name, content)?;
    tar.into_inner()?.finish()
}

async fn file_download(
    State(s): State<SandboxState>,
    Path((token, file)): Path<(String, String)>,
) -> Response {
    s.inner.count("FILE");
    let n = file
        .strip_suffix(".tar.gz")
        .and_then(|n| n.parse::<usize>().ok());
    let files = lock(&s.inner.files);
    let bytes = files
        .get(&token)
        .filter(|j| Instant::now() >= j.ready_at)
        .and_then(|j| n.and_then(|n| j.files.get(n)))
        .map(|(_, b)| b.clone());
    drop(files);
    match bytes {
        Some(b) => ([(header::CONTENT_TYPE, "application/gzip")], Body::from(b)).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
