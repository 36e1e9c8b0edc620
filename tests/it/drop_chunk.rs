//! A GSTN that acknowledges a save chunk without storing it: the client cannot see it (the
//! chunk is answered with a reference id whose status is `P`), and the summary comparison of
//! Step-6 catches it, naming the differences.
//!
//! The fault sits in a proxy on 127.0.0.1 between the client and the sandbox: it forwards every
//! request, except the second `RETSAVE`, which it answers with the first one's answer (a valid,
//! encrypted answer for the session) without passing it on.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gstr2::model::{json, Gstr2Payload};

use crate::common::{demo_config, demo_sandbox, run};
use crate::flow::{demo_otps, describe_difference, FlowError};

type Answer = (StatusCode, HeaderMap, Bytes);

struct Proxy {
    upstream: String,
    http: reqwest::Client,
    /// Which `RETSAVE` (1-based) is swallowed.
    swallow: usize,
    saves: AtomicUsize,
    swallowed: AtomicUsize,
    last_save: Mutex<Option<Answer>>,
}

async fn forward(
    State(proxy): State<Arc<Proxy>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_save = method == Method::PUT && uri.path().ends_with("/returns/gstr2");
    if is_save && proxy.saves.fetch_add(1, Ordering::SeqCst) + 1 == proxy.swallow {
        let replay = proxy.last_save.lock().unwrap().clone();
        if let Some(answer) = replay {
            proxy.swallowed.fetch_add(1, Ordering::SeqCst);
            return answer.into_response();
        }
    }
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut request = proxy
        .http
        .request(method, format!("{}{path}", proxy.upstream));
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            request = request.header(name, value);
        }
    }
    let answer = match request.body(body).send().await {
        Ok(r) => {
            let status = r.status();
            let mut headers = HeaderMap::new();
            if let Some(t) = r.headers().get("content-type") {
                headers.insert("content-type", t.clone());
            }
            match r.bytes().await {
                Ok(b) => (status, headers, b),
                Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
            }
        }
        Err(_) => return StatusCode::BAD_GATEWAY.into_response(),
    };
    if is_save {
        *proxy.last_save.lock().unwrap() = Some(answer.clone());
    }
    answer.into_response()
}

async fn start_proxy(upstream: String, swallow: usize) -> (String, Arc<Proxy>) {
    let proxy = Arc::new(Proxy {
        upstream,
        http: reqwest::Client::new(),
        swallow,
        saves: AtomicUsize::new(0),
        swallowed: AtomicUsize::new(0),
        last_save: Mutex::new(None),
    });
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), proxy)
}

#[tokio::test]
async fn a_chunk_acknowledged_but_not_stored_stops_the_flow_at_step_6() {
    let sandbox = demo_sandbox().await;
    let (proxy_url, proxy) = start_proxy(sandbox.base_url(), 2).await;
    let dir = tempfile::tempdir().unwrap();
    let config = crate::flow::FlowConfig {
        base_url: proxy_url,
        ..demo_config(&sandbox, &dir)
    };
    let (result, printed) = run(&config, &mut demo_otps(&sandbox)).await;
    assert_eq!(proxy.swallowed.load(Ordering::SeqCst), 1, "{printed}");

    // The client saw every chunk processed.
    assert!(printed.contains("Success: New/Modify saved"), "{printed}");
    assert!(
        !printed.contains("status PE") && !printed.contains("status ER"),
        "{printed}"
    );

    // Step-6 stopped the flow, naming each difference; nothing was submitted.
    let differences = match result {
        Err(FlowError::SummaryDiffers(d)) => d,
        other => panic!("expected the summaries to differ: {other:?}\n{printed}"),
    };
    assert!(!printed.contains("Step-7"), "{printed}");
    assert_eq!(
        sandbox.state().return_status(config.gstin, config.period),
        (false, None)
    );

    // The differences are exactly what the swallowed chunk held: count what GSTN lacks.
    let upsert: Gstr2Payload = json::from_str(
        &std::fs::read_to_string(config.out_dir.join("payload-new-modified.json")).unwrap(),
    )
    .unwrap();
    let stored = sandbox.stored_payload(config.gstin, config.period).unwrap();
    let missing: Vec<_> = gstr2::model::Table::ALL
        .into_iter()
        .filter(|t| stored.document_count(*t) < upsert.document_count(*t))
        .collect();
    assert!(!missing.is_empty());
    for table in &missing {
        let sec = gstr2::model::csv::TableData::from_payload(&upsert, *table);
        assert!(!sec.is_empty());
    }
    let rc: Vec<_> = differences
        .iter()
        .filter(|d| d.field == "rc" && d.ctin.is_none())
        .collect();
    assert!(!rc.is_empty(), "{differences:?}");
    for d in &rc {
        let (local, gstn) = (
            d.local.unwrap_or_default(),
            d.downloaded.unwrap_or_default(),
        );
        assert!(gstn < local, "{}", describe_difference(d));
    }
    let message = FlowError::SummaryDiffers(differences.clone()).to_string();
    for d in &differences {
        assert!(message.contains(&describe_difference(d)), "{message}");
    }
    assert!(message.contains("do not submit"), "{message}");
    sandbox.shutdown().await;
}
