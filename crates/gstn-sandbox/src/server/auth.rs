//! Authentication, on `/authenticate`: the client check (`clientid`, `client-secret`),
//! OTPREQUEST, AUTHTOKEN (the OTP and the auth token), REFRESHTOKEN, LOGOUT, and EVCOTP (the
//! OTP that signs RETFILE). Also the session check every returns path makes first
//! ([`context`]), so that each API family starts from an authenticated [`Ctx`].

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gstn_proto::action::Action;
use gstn_proto::crypto;
use gstn_proto::envelope::{AuthRequest, AuthTokenResponse, StatusResponse};
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::secret::{AuthToken, Otp, SessionKey};
use gstr2_model::{Gstin, ReturnPeriod, StateCode};
use rand::Rng;

use super::{
    expiry_minutes, header, plain, required, required_auth, txn, Answer, Params, Reject, BAD,
    FORBIDDEN, UNAUTH,
};
use crate::state::{lock, token_id, SandboxState, Session, Token};

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

/// POST on `/authenticate`: OTPREQUEST, AUTHTOKEN, REFRESHTOKEN, LOGOUT.
pub(super) async fn authenticate(
    State(s): State<SandboxState>,
    h: HeaderMap,
    body: Bytes,
) -> Response {
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
pub(super) struct Caller {
    pub(super) session_id: u64,
    pub(super) key: SessionKey,
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

/// EVCOTP (GET on `/authenticate`): sends the EVC OTP that RETFILE's `sid` carries.
pub(super) async fn evc_otp(
    State(s): State<SandboxState>,
    h: HeaderMap,
    Query(q): Params,
) -> Answer {
    check_client(&s, &h)?;
    let action = q.get("action").map(String::as_str).unwrap_or_default();
    if action != Action::EvcOtp.as_str() {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Auth4035,
            format!("invalid request action {action:?}"),
        ));
    }
    s.inner.count(action);
    let who = caller(&s, &h, true)?;
    let gstin = q
        .get("gstin")
        .ok_or_else(|| Reject::new(BAD, ErrorCode::Otp0001))?;
    let gstin =
        Gstin::parse(gstin).map_err(|e| Reject::msg(BAD, ErrorCode::Otp0005, e.to_string()))?;
    if header(&h, "gstin").is_some_and(|g| g != gstin.as_str()) {
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

/// An authenticated returns request: who, for which GSTIN and period.
pub(super) struct Ctx {
    pub(super) caller: Caller,
    pub(super) gstin: Gstin,
    pub(super) period: ReturnPeriod,
    pub(super) txn: String,
}

/// An authenticated request of an API without a return period (IMS; GSTR-2B, whose period
/// is a parameter of its own): who, for which GSTIN.
pub(super) struct GstinCtx {
    pub(super) caller: Caller,
    pub(super) gstin: Gstin,
}

/// Checks the headers and session of a request that names no return period: the client,
/// `txn`, `gstin` and `state-cd`, the auth token and user, and the user's access to the GSTIN.
/// A `ret_period` header, if sent, is not looked at.
pub(super) fn gstin_context(
    s: &SandboxState,
    h: &HeaderMap,
    q: &BTreeMap<String, String>,
) -> Result<GstinCtx, Reject> {
    let (_txn, gstin) = taxpayer_headers(s, h, q)?;
    let caller = caller(s, h, false)?;
    check_access(s, h, gstin)?;
    Ok(GstinCtx { caller, gstin })
}

fn check_access(s: &SandboxState, h: &HeaderMap, gstin: Gstin) -> Result<(), Reject> {
    if let Some(users) = &s.inner.config.users {
        let username = header(h, "username").unwrap_or_default();
        if !users.get(username).is_some_and(|g| g.contains(&gstin)) {
            return Err(Reject::new(FORBIDDEN, ErrorCode::Ret11402));
        }
    }
    Ok(())
}

/// The client, `txn`, `gstin` header (and parameter) and `state-cd`.
fn taxpayer_headers(
    s: &SandboxState,
    h: &HeaderMap,
    q: &BTreeMap<String, String>,
) -> Result<(String, Gstin), Reject> {
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
    Ok((txn, gstin))
}

/// Checks a returns request's headers and session: the client, `txn`, `gstin` and `state-cd`,
/// the return period (header or query), the auth token and user, and the user's access to the
/// GSTIN.
pub(super) fn context(
    s: &SandboxState,
    h: &HeaderMap,
    q: &BTreeMap<String, String>,
) -> Result<Ctx, Reject> {
    let (txn, gstin) = taxpayer_headers(s, h, q)?;
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
    check_access(s, h, gstin)?;
    Ok(Ctx {
        caller,
        gstin,
        period,
        txn,
    })
}
