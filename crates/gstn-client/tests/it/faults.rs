//! With 20% of requests failing (5xx, dropped connections) and latency, a save of 10,000
//! invoices completes, and the sandbox holds exactly the payload.

use std::time::Duration;

use gstn_client::GstnClient;
use gstn_sandbox::Faults;

use crate::common::*;

/// Logs in, again and again if a fault hits the OTP calls (which are not repeated blindly).
async fn login_through_faults(client: &GstnClient) {
    for _ in 0..20 {
        if client.request_otp().await.is_ok() && client.authenticate(&otp()).await.is_ok() {
            return;
        }
    }
    panic!("no login through the faults");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_invoices_survive_twenty_percent_faults() {
    let mut faults = Faults::default();
    faults.error_5xx = 0.10;
    faults.drop = 0.10;
    faults.latency = Duration::from_millis(2);
    faults.seed = 20;
    let sandbox = sandbox(config().with_faults(faults)).await;
    let client = builder(&sandbox)
        .chunk_limit(256 * 1024)
        .request_timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    login_through_faults(&client).await;

    let payload = payload(10_000, 40);
    assert_eq!(payload.total_documents(), 10_002);
    let report = client.save(&payload).await.expect("the save completes");
    assert!(report.chunks.len() > 5, "{} chunks", report.chunks.len());
    assert!(report.is_clean(), "{:?}", report.failures());
    assert_eq!(report.documents(), payload.total_documents());

    let stored = sandbox.stored_payload(gstin(), period()).unwrap();
    assert_eq!(
        stored.total_documents(),
        payload.total_documents(),
        "nothing lost or duplicated"
    );
    assert!(
        documents(&stored) == documents(&payload),
        "the stored documents are the payload's"
    );

    // The faults did happen, and were overcome.
    let counters = sandbox.state().counters();
    let faults_seen: u64 = ["fault:5xx", "fault:drop-before", "fault:drop-after"]
        .iter()
        .map(|k| counters.get(*k).copied().unwrap_or(0))
        .sum();
    assert!(faults_seen > 0, "{counters:?}");
    eprintln!(
        "10,002 documents in {} chunks through {faults_seen} injected faults; counters {counters:?}",
        report.chunks.len()
    );
    assert!(
        sandbox.request_count("RETSAVE") >= report.chunks.len() as u64,
        "{counters:?}"
    );

    // Submit and file through the same faults: each takes effect once, and the answer that
    // comes back is the one GSTN holds.
    let summary = client.summary(period()).await.unwrap();
    assert_eq!(
        summary,
        sandbox.summary(gstin(), period()).expect("a summary")
    );
    client.submit(period()).await.expect("submitted");
    assert!(sandbox.state().return_status(gstin(), period()).0);
    client.request_evc_otp(PAN).await.unwrap();
    let ack = client
        .file_with_evc(period(), PAN, &otp(), &summary)
        .await
        .expect("filed");
    assert_eq!(
        sandbox.state().return_status(gstin(), period()).1,
        Some(ack)
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_and_file_take_effect_once_when_answers_are_lost() {
    let mut faults = Faults::default();
    faults.drop = 0.45;
    faults.seed = 7;
    let sandbox = sandbox(config().with_faults(faults)).await;
    let client = builder(&sandbox)
        .retry_policy(
            gstn_client::RetryPolicy::default()
                .with_max_retries(16)
                .with_backoff(Duration::from_millis(2), Duration::from_millis(20)),
        )
        .chunk_limit(1024)
        .build()
        .unwrap();
    login_through_faults(&client).await;

    // Saves whose answer is lost are sent again with the same txn: GSTN answers the same
    // reference, and every document is stored once.
    let payload = payload(100, 4);
    let report = client.save(&payload).await.expect("saved");
    assert!(report.is_clean(), "{:?}", report.failures());
    assert!(report.chunks.len() >= 30, "{} chunks", report.chunks.len());
    let saves = sandbox.request_count("RETSAVE");
    assert!(
        saves > report.chunks.len() as u64,
        "no save answer was lost: {saves}"
    );
    eprintln!("{} chunks, {saves} RETSAVE answered", report.chunks.len());
    let stored = sandbox.stored_payload(gstin(), period()).unwrap();
    assert!(documents(&stored) == documents(&payload));

    let periods: Vec<gstr2_model::ReturnPeriod> = (1..=12)
        .map(|m| format!("{m:02}2018").parse().unwrap())
        .collect();
    for &period in &periods {
        // 072017 (the saved return) is not among them: submit and file on empty returns.
        client.submit(period).await.expect("submitted");
        assert!(sandbox.state().return_status(gstin(), period).0);
        let summary = client.summary(period).await.unwrap();
        client.request_evc_otp(PAN).await.unwrap();
        let ack = client
            .file_with_evc(period, PAN, &otp(), &summary)
            .await
            .expect("filed");
        assert_eq!(sandbox.state().return_status(gstin(), period).1, Some(ack));
    }
    // Answers were lost on the way, and the same transactions were asked about again.
    let counters = sandbox.state().counters();
    let sent = counters.get("RETSUBMIT").copied().unwrap_or(0)
        + counters.get("RETFILE").copied().unwrap_or(0);
    assert!(sent > 24, "no submit or file answer was lost: {counters:?}");
    sandbox.shutdown().await;
}
