//! No secret of a full session (app key, session key, auth tokens, OTPs, client secret) in any
//! log line (TRACE, every target but the sandbox's own) or any `Debug` output.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use gstn_client::{MemoryTokenStore, TokenStore};
use gstn_proto::Otp;
use gstn_sandbox::config::DEFAULT_CLIENT_SECRET;
use gstr2_model::Table;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::common::*;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;
    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

/// The forms a secret could leak in: as text, and its bytes in Base64 and hex.
fn forms(bytes: &[u8]) -> Vec<String> {
    vec![
        B64.encode(bytes),
        hex::encode(bytes),
        hex::encode_upper(bytes),
    ]
}

/// Every log line of the test binary, from the first call on: one global subscriber at TRACE.
///
/// A scoped subscriber (`set_default`) would miss events: tracing caches each callsite's
/// interest process-wide, and a sibling test that first reaches a callsite from a thread without
/// a subscriber caches "never" for it. A global subscriber is what every thread sees.
fn capture() -> Buffer {
    static LOGS: OnceLock<Buffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .with_env_filter(EnvFilter::new("trace,gstn_sandbox=off,axum=off"))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        tracing::callsite::rebuild_interest_cache();
        logs
    })
    .clone()
}

#[tokio::test]
async fn no_secret_in_logs_or_debug_output() {
    let logs = capture();

    let evc = "918273";
    let login_otp = "647382";
    let mut config = config().with_otp(login_otp);
    config.evc_otp = evc.into();
    config.gstr2a_seed = Some(5);
    let sandbox = sandbox(config.with_large_files(5, 4, Duration::from_millis(50))).await;
    let store = Arc::new(MemoryTokenStore::new());
    let client = builder(&sandbox)
        .token_store(store.clone())
        .chunk_limit(4096)
        .build()
        .unwrap();
    let mut debug = Vec::new();
    let mut secrets: Vec<String> = vec![
        login_otp.into(),
        evc.into(),
        format!("{PAN}|{evc}"),
        DEFAULT_CLIENT_SECRET.into(),
    ];
    let remember = |store: &MemoryTokenStore, secrets: &mut Vec<String>| {
        let session = store.load().unwrap().unwrap();
        secrets.extend(forms(session.app_key().expose_secret()));
        secrets.extend(forms(session.session_key().expose_secret()));
        secrets.push(session.auth_token().expose_secret().to_owned());
        format!("{session:?}")
    };

    // A full session: a wrong OTP, login, save (chunked), status, sections, GSTR2A (large
    // files), refresh, summary, submit, EVC, file, logout.
    client.request_otp().await.unwrap();
    let wrong = client
        .authenticate(&Otp::new("000000").unwrap())
        .await
        .unwrap_err();
    debug.push(format!("{wrong:?} {wrong}"));
    let status = client
        .authenticate(&Otp::new(login_otp).unwrap())
        .await
        .unwrap();
    debug.push(format!("{status:?}"));
    debug.push(remember(&store, &mut secrets));
    let report = client.save(&payload(40, 3)).await.unwrap();
    debug.push(format!("{report:?}"));
    debug.push(format!(
        "{:?}",
        client.get_section(period(), Table::B2b).await.unwrap()
    ));
    debug.push(format!(
        "{:?}",
        client.download_gstr2a(period()).await.unwrap()
    ));
    client.refresh().await.unwrap();
    debug.push(remember(&store, &mut secrets));
    let summary = client.summary(period()).await.unwrap();
    debug.push(format!("{:?}", client.submit(period()).await.unwrap()));
    client.request_evc_otp(PAN).await.unwrap();
    let ack = client
        .file_with_evc(period(), PAN, &Otp::new(evc).unwrap(), &summary)
        .await
        .unwrap();
    debug.push(ack);
    debug.push(format!("{client:?}"));
    debug.push(format!("{:?}", store));
    debug.push(format!("{:?}", Otp::new(evc).unwrap()));
    client.logout().await.unwrap();
    debug.push(format!("{client:?}"));
    sandbox.shutdown().await;

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("txn="), "requests are logged with their txn");
    // This test's session (the only save of 42 documents in 4 chunks) is in the logs.
    assert!(
        logs.contains("documents=42 chunks=4") && logs.contains("token refreshed"),
        "the session was logged"
    );
    assert!(logs.lines().count() > 50, "trace output was captured");
    let debug = debug.join("\n");
    assert!(secrets.len() >= 16);
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret is in the logs");
        assert!(
            !debug.contains(secret.as_str()),
            "a secret is in Debug output"
        );
    }
}
