//! Fault injection, on every GSTN path (`/taxpayerapi/…`) and no GSTN action of its own:
//! latency, server faults answered with GSTN's system-failure codes (`TEC4001` on
//! `/authenticate`, `RET12501` on the returns paths), and connections dropped before or after
//! the request runs, through the killable listener of [`crate::spawn`]. A body over the size
//! limit is answered as GSTN's malformed request (`RET11406`).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gstn_proto::error_code::chosen;
use rand::Rng;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::{Reject, AUTH_PATH};
use crate::state::{lock, SandboxState};

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

/// The middleware: on GSTN's paths, runs the request through [`faulty`] and answers a body over
/// the size limit with GSTN's error body.
pub(super) async fn faults(State(s): State<SandboxState>, req: Request, next: Next) -> Response {
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
