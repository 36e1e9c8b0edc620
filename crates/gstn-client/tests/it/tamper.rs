//! A proxy on 127.0.0.1 in front of the sandbox that damages some answers, as a broken transfer
//! or a meddler would.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;

/// Which answers are damaged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// Large-file downloads (`/files/...`): a byte of the `.tar.gz` flipped.
    Files,
    /// Encrypted GSTR2 section answers: a character of `data` changed (still Base64).
    SectionData,
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: reqwest::Client,
    target: Target,
    corrupt: Arc<AtomicUsize>,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut upstream = proxy
        .http
        .request(parts.method.clone(), format!("{}{path}", proxy.upstream))
        .body(bytes.to_vec());
    // The Host header goes along, so FILEDET's URLs point back at the proxy.
    for (name, value) in &parts.headers {
        upstream = upstream.header(name, value);
    }
    let answer = upstream.send().await.unwrap();
    let status = answer.status();
    let headers = answer.headers().clone();
    let mut body = answer.bytes().await.unwrap().to_vec();
    let take = |n: usize| n.checked_sub(1);
    let hit = match proxy.target {
        Target::Files => parts.uri.path().starts_with("/files/"),
        Target::SectionData => {
            parts.method == axum::http::Method::GET
                && parts.uri.path().ends_with("/returns/gstr2")
                && parts.uri.query().is_some_and(|q| q.contains("action=B2B"))
        }
    };
    if hit
        && !body.is_empty()
        && proxy
            .corrupt
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, take)
            .is_ok()
    {
        match proxy.target {
            Target::Files => {
                let middle = body.len() / 2;
                body[middle] ^= 0xff;
            }
            Target::SectionData => {
                let mut value: serde_json::Value = serde_json::from_slice(&body).unwrap();
                let data = value["data"].as_str().unwrap().to_owned();
                let middle = data.len() / 2;
                let swapped = if &data[middle..=middle] == "A" {
                    "B"
                } else {
                    "A"
                };
                value["data"] =
                    format!("{}{swapped}{}", &data[..middle], &data[middle + 1..]).into();
                body = serde_json::to_vec(&value).unwrap();
            }
        }
    }
    let mut out = Response::builder().status(status);
    for (name, value) in &headers {
        if name != "content-length" && name != "transfer-encoding" {
            out = out.header(name, value);
        }
    }
    out.body(Body::from(body)).unwrap()
}

/// Starts the proxy, damaging the first `corrupt` answers of `target`; answers its base URL.
pub(crate) async fn start(upstream: String, target: Target, corrupt: usize) -> String {
    let proxy = Proxy {
        upstream,
        http: reqwest::Client::new(),
        target,
        corrupt: Arc::new(AtomicUsize::new(corrupt)),
    };
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}
