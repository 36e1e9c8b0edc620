//! The HTTP face of the sandbox: GSTN's paths on axum, one module per API family.
//!
//! This file holds the router ([`app`]), the rejection every handler answers with (GSTN's
//! error body, its code a [`gstn_proto::ErrorCode`]), the paths, and the helpers the families
//! share (headers, sealing a response, the common returns path). The families:
//!
//! | module | API family | GSTN actions |
//! |---|---|---|
//! | `auth` | authentication | OTPREQUEST, AUTHTOKEN, REFRESHTOKEN, LOGOUT, EVCOTP |
//! | `gstr2` | GSTR-2 | section GETs, RETSUM, RETSAVE, RETSUBMIT, RETFILE, RETSTATUS |
//! | `gstr2a` | GSTR2A | section GETs (B2B, B2BA, CDN, CDNA), FILEDET, the large files |
//! | `gstr2b` | GSTR-2B | GET2B (whole or paged), GEN2B, GENSTS2B |
//! | `ims` | IMS | GETCNT, GETINV, FILEDET, SAVE, RESETIMS, REQSTS |
//! | `faults` | fault injection | latency, 5xx, dropped connections, on every path |
//!
//! GSTR-2B and IMS answer on any version segment of their paths ([`GSTR2B_PATH`],
//! [`IMS_PATH`]), since which versions GSTN serves is configuration of the client.

use std::collections::BTreeMap;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use gstn_proto::action::Action;
use gstn_proto::envelope::{EncryptedRequest, EncryptedResponse, ErrorBody, GstnError};
use gstn_proto::error::CryptoError;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::headers::TxnId;
use gstn_proto::secret::SessionKey;
use serde::Serialize;

use crate::state::SandboxState;

mod auth;
mod faults;
mod gstr2;
mod gstr2a;
mod gstr2b;
mod ims;

pub(crate) use faults::{ConnTag, KillableListener};

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
/// The GSTR-2B path, any version (`/taxpayerapi/v4.0/returns/gstr2b`, …).
pub const GSTR2B_PATH: &str = "/taxpayerapi/{version}/returns/gstr2b";
/// The IMS path, any version (`/taxpayerapi/v1.0/returns/ims`, …).
pub const IMS_PATH: &str = "/taxpayerapi/{version}/returns/ims";
/// Where large GSTR2A and IMS files are served: `/files/{token}/{n}.tar.gz`.
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
        .route(AUTH_PATH, get(auth::evc_otp).post(auth::authenticate))
        .route(
            GSTR2_PATH,
            get(gstr2::get).put(gstr2::put).post(gstr2::post),
        )
        .route(RETURNS_PATH, get(returns_get))
        .route(GSTR2A_PATH, get(gstr2a::get))
        .route(GSTR2B_PATH, get(gstr2b::get).put(gstr2b::put))
        .route(IMS_PATH, get(ims::get).put(ims::put))
        .route("/files/{token}/{file}", get(gstr2a::file_download))
        .layer(DefaultBodyLimit::max(state.inner.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::faults,
        ))
        .with_state(state)
}

async fn certificate(State(s): State<SandboxState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        s.certificate_pem(),
    )
        .into_response()
}

/// Whole minutes, rounded up (`expiry` and `est` are minutes on the wire).
fn expiry_minutes(d: Duration) -> u64 {
    u64::try_from(d.as_millis().div_ceil(60_000)).unwrap_or(u64::MAX)
}

/// A GET's query parameters.
type Params = Query<BTreeMap<String, String>>;

/// The body of a PUT or POST on a returns path (`RET11406` when it is not one).
fn encrypted_request(body: &[u8]) -> Result<EncryptedRequest, Reject> {
    serde_json::from_slice(gstr2_model::json::without_bom(body)).map_err(|e| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11406,
            format!("malformed api request: {e}"),
        )
    })
}

/// The common returns path: RETSTATUS (GSTR-2's saves, submit and file) and FILEDET (the
/// large files of GSTR2A).
async fn returns_get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&action);
    let ctx = auth::context(&s, &h, &q)?;
    match Action::parse(&action) {
        Action::RetStatus => gstr2::ret_status(&s, &ctx, &q),
        Action::FileDet => {
            gstr2a::file_details(&s, &ctx.caller.key, ctx.gstin, Some(ctx.period), &h, &q)
        }
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: action {:?}", other.as_str()),
        )),
    }
}
