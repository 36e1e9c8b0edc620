//! Many clients at once, with and without faults: stored state equals what was acknowledged.

use std::collections::BTreeSet;
use std::time::Duration;

use gstn_proto::{Action, TxnId};
use gstn_sandbox::{Faults, SandboxHandle};
use gstr2_model::Gstin;
use serde_json::json;

use crate::support::*;

/// One acknowledged document: (receiver, supplier, invoice number).
type Doc = (Gstin, Gstin, String);
/// What the clients got acknowledged.
type Acked = Vec<Doc>;

/// Logs in, retrying through injected faults (dropped connections panic inside the simple
/// helper, so this one goes through `auth` by hand).
async fn login_retrying(c: &mut Client) {
    for _ in 0..200 {
        let otp = gstn_proto::AuthRequest::otp_request(&c.username, &c.cert, &c.app_key).unwrap();
        let sent = c
            .http
            .post(format!(
                "{}{}",
                c.base,
                gstn_proto::headers::paths::AUTHENTICATE
            ))
            .headers(c.headers(&TxnId::generate()))
            .json(&otp)
            .send()
            .await;
        if !matches!(sent, Ok(r) if r.status() == 200) {
            continue;
        }
        let body = gstn_proto::AuthRequest::auth_token(
            &c.username,
            &c.cert,
            &c.app_key,
            &gstn_proto::Otp::new(OTP).unwrap(),
        )
        .unwrap();
        let sent = c
            .http
            .post(format!(
                "{}{}",
                c.base,
                gstn_proto::headers::paths::AUTHENTICATE
            ))
            .headers(c.headers(&TxnId::generate()))
            .json(&body)
            .send()
            .await;
        let Ok(resp) = sent else { continue };
        if resp.status() != 200 {
            continue;
        }
        let Ok(bytes) = resp.bytes().await else {
            continue;
        };
        let Ok(r) = serde_json::from_slice::<gstn_proto::AuthTokenResponse>(&bytes) else {
            continue;
        };
        c.key = Some(r.session_key(&c.app_key).unwrap());
        c.token = Some(r.auth_token);
        return;
    }
    panic!("could not log in through the faults");
}

/// Saves with one txn until acknowledged: transport errors and 5xx are retried with the same
/// txn; an expired session is logged into again.
async fn save_retrying(c: &mut Client, payload: &serde_json::Value) -> String {
    let txn = TxnId::generate();
    for _ in 0..300 {
        let req = c.seal(Action::RetSave, payload);
        match c.send_raw(true, &txn, &req).await {
            Err(_) => continue,
            Ok(Reply::Ok(v)) => return v["reference_id"].as_str().unwrap().to_owned(),
            Ok(Reply::Err(status, e)) if status >= 500 => {
                assert!(
                    e.error_code.is_retryable() || e.error_code.code() == "NOTJSON",
                    "{e}"
                );
            }
            Ok(Reply::Err(_, e)) if e.error_code.is_session_error() => login_retrying(c).await,
            Ok(Reply::Err(status, e)) => panic!("unexpected {status} {e}"),
        }
    }
    panic!("no acknowledgement after 300 tries");
}

async fn run_clients(sb: &SandboxHandle, clients: usize, saves: usize, faulty: bool) -> Acked {
    let shared = receiver();
    let mut tasks = tokio::task::JoinSet::new();
    for k in 0..clients {
        // Half the clients save into their own GSTIN, half into one shared GSTIN.
        let target = if k % 2 == 0 {
            gstin(29, k as u32 + 100)
        } else {
            shared
        };
        let mut c = Client::new(sb, target).await;
        c.username = format!("client-{k}");
        tasks.spawn(async move {
            if faulty {
                login_retrying(&mut c).await;
            } else {
                c.login().await;
            }
            let supplier = gstin(33, k as u32);
            let mut acked = Vec::new();
            for n in 0..saves {
                let inum = format!("C{k}-{n}");
                let p = payload(
                    target,
                    json!({"b2b": [{"ctin": supplier, "inv": [b2b_invoice(&inum, "03-07-2017", "29", false)]}]}),
                );
                if faulty {
                    save_retrying(&mut c, &p).await;
                } else {
                    let (_, _, last) = c.save_and_wait(&p).await;
                    assert_eq!(last["status_cd"], "P", "{last}");
                }
                acked.push((target, supplier, inum));
            }
            acked
        });
    }
    let mut all = Vec::new();
    while let Some(r) = tasks.join_next().await {
        all.extend(r.unwrap());
    }
    all
}

fn stored(sb: &SandboxHandle, acked: &Acked) -> (BTreeSet<Doc>, BTreeSet<Doc>) {
    let receivers: BTreeSet<Gstin> = acked.iter().map(|a| a.0).collect();
    let mut have = BTreeSet::new();
    for r in receivers {
        let p = sb.stored_payload(r, period()).unwrap();
        for s in &p.b2b {
            for i in &s.invoices {
                have.insert((r, s.supplier_gstin, i.number.clone()));
            }
        }
    }
    (have, acked.iter().cloned().collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_clients_lose_nothing() {
    let sb = sandbox(config()).await;
    let acked = run_clients(&sb, 60, 3, false).await;
    assert_eq!(acked.len(), 180);
    let (have, want) = stored(&sb, &acked);
    assert_eq!(have, want);
    let shared = sb.stored_payload(receiver(), period()).unwrap();
    assert_eq!(
        shared.total_documents(),
        90,
        "30 clients x 3 saves into one GSTIN"
    );
    assert_eq!(sb.request_count("RETSAVE"), 180);
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn with_faults_stored_state_equals_acknowledged_state() {
    let mut faults = Faults::default();
    faults.error_5xx = 0.15;
    faults.drop = 0.15;
    faults.expire_session = 0.03;
    faults.latency = Duration::from_millis(2);
    faults.seed = 7;
    let sb = sandbox(config().with_faults(faults)).await;
    let acked = run_clients(&sb, 50, 4, true).await;
    assert_eq!(acked.len(), 200);
    let (have, want) = stored(&sb, &acked);
    assert_eq!(have, want, "stored == acknowledged");
    let counters = sb.state().counters();
    for fault in [
        "fault:5xx",
        "fault:drop-before",
        "fault:drop-after",
        "fault:expire-session",
    ] {
        assert!(
            counters.get(fault).copied().unwrap_or(0) > 0,
            "{fault} injected: {counters:?}"
        );
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn a_dropped_request_gets_no_response_at_all() {
    let mut faults = Faults::default();
    faults.drop = 1.0;
    let sb = sandbox(config().with_faults(faults)).await;
    let url = format!("{}{}", sb.base_url(), gstn_proto::headers::paths::GSTR2);
    for _ in 0..4 {
        let err = reqwest::get(&url)
            .await
            .expect_err("the connection is closed without a response");
        assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    }
    // Only the API is faulty: the certificate is still served.
    let pem = reqwest::get(format!("{}/static/gstn-public.pem", sb.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pem.contains("BEGIN CERTIFICATE"));
    let c = sb.state().counters();
    let count = |k: &str| c.get(k).copied().unwrap_or(0);
    assert_eq!(count("fault:drop-before") + count("fault:drop-after"), 4);
    sb.shutdown().await;
}
