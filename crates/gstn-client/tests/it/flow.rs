//! The whole sequence: OTP → token → save (one call, and chunked) → status → sections →
//! summary → submit → file.

use gstn_client::{Progress, SessionStatus};
use gstn_proto::ProcessingStatus;
use gstr2_model::Table;

use crate::common::*;

#[tokio::test]
async fn otp_token_save_status_sections_summary_submit_file() {
    let sandbox = sandbox(config()).await;
    let recorder = Recorder::default();
    let client = builder(&sandbox)
        .progress(recorder.callback())
        .build()
        .unwrap();
    assert_eq!(client.session_status().await, SessionStatus::NotConnected);

    // Step-1: OTP, then the token.
    client.request_otp().await.unwrap();
    let status = client.authenticate(&otp()).await.unwrap();
    assert!(
        matches!(status, SessionStatus::Obtained { .. }),
        "{status:?}"
    );
    assert_eq!(sandbox.request_count("OTPREQUEST"), 1);
    assert_eq!(sandbox.request_count("AUTHTOKEN"), 1);

    // Step-5: save in one call.
    let first = payload(30, 7);
    let report = client.save(&first).await.unwrap();
    assert_eq!(report.chunks.len(), 1);
    assert!(report.is_clean(), "{:?}", report.failures());
    assert_eq!(report.documents(), 32);
    assert_eq!(report.chunks[0].status, ProcessingStatus::Processed);
    assert!(!report.chunks[0].reference_id.is_empty());
    // RETSTATUS was polled until final (the sandbox answers IP first).
    assert!(sandbox.request_count("RETSTATUS") >= 2);
    assert_eq!(
        documents(&sandbox.stored_payload(gstin(), period()).unwrap()),
        documents(&first)
    );

    // The reference id answers a final status on its own.
    let status = client
        .return_status(period(), &report.chunks[0].reference_id)
        .await
        .unwrap();
    assert_eq!(status.status, ProcessingStatus::Processed);

    // Save again, chunked: 300 invoices cut into several RETSAVE calls.
    let client = builder(&sandbox)
        .chunk_limit(16 * 1024)
        .progress(recorder.callback())
        .build()
        .unwrap();
    assert!(matches!(
        client.connect_with_stored().await.unwrap(),
        SessionStatus::NotConnected
    ));
    login(&client).await;
    let saves_before = sandbox.request_count("RETSAVE");
    let big = payload(300, 7);
    let report = client.save(&big).await.unwrap();
    assert!(report.chunks.len() > 3, "{} chunks", report.chunks.len());
    assert!(report.is_clean(), "{:?}", report.failures());
    assert_eq!(report.documents(), big.total_documents());
    let ids = report.reference_ids();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "one reference per chunk");
    assert_eq!(
        sandbox.request_count("RETSAVE") - saves_before,
        report.chunks.len() as u64
    );
    let stored = sandbox.stored_payload(gstin(), period()).unwrap();
    assert_eq!(
        documents(&stored),
        documents(&big),
        "nothing lost, nothing duplicated"
    );
    let saved: Vec<_> = recorder
        .events()
        .into_iter()
        .filter(
            |e| matches!(e, Progress::ChunkSaved { total, .. } if *total == report.chunks.len()),
        )
        .collect();
    assert_eq!(saved.len(), report.chunks.len());

    // Sections.
    let b2b = client.get_section(period(), Table::B2b).await.unwrap();
    assert_eq!(b2b.document_count(Table::B2b), 300);
    let cdn = client.get_section(period(), Table::Cdn).await.unwrap();
    assert_eq!(cdn.document_count(Table::Cdn), 2);
    let mut both = b2b.clone();
    both.cdn = cdn.cdn;
    assert_eq!(documents(&both), documents(&big));
    let empty = client.get_section(period(), Table::ImpG).await.unwrap();
    assert!(empty.is_empty());

    // Step-6: the summary equals the sandbox's own.
    let summary = client.summary(period()).await.unwrap();
    assert_eq!(summary, sandbox.summary(gstin(), period()));
    let b2b_summary = summary
        .sections
        .iter()
        .find(|s| s.section == "B2B")
        .unwrap();
    assert_eq!(b2b_summary.record_count, Some(300));

    // Step-7 and Step-8.
    let reference = client.submit(period()).await.unwrap();
    assert!(reference.is_some_and(|r| !r.is_empty()));
    assert_eq!(
        sandbox.state().return_status(gstin(), period()),
        (true, None)
    );
    client.request_evc_otp(PAN).await.unwrap();
    let ack = client
        .file_with_evc(period(), PAN, &otp(), &summary)
        .await
        .unwrap();
    assert!(!ack.is_empty());
    assert_eq!(
        sandbox.state().return_status(gstin(), period()),
        (true, Some(ack.clone()))
    );
    assert_eq!(sandbox.request_count("RETSUBMIT"), 1);
    assert_eq!(sandbox.request_count("RETFILE"), 1);

    client.logout().await.unwrap();
    assert_eq!(client.session_status().await, SessionStatus::NotConnected);
    assert_eq!(sandbox.request_count("LOGOUT"), 1);
    sandbox.shutdown().await;
}

#[test]
fn the_client_and_its_futures_can_move_between_threads() {
    fn send_sync<T: Send + Sync>(_: &T) {}
    fn send<T: Send>(_: T) {}
    let _ = |c: gstn_client::GstnClient, p: gstr2_model::Gstr2Payload, e: gstn_client::Error| {
        send_sync(&c);
        send_sync(&e);
        send(async move {
            let _ = c.save(&p).await;
            let _ = c.download_gstr2a(p.fp).await;
            let _ = c.summary(p.fp).await;
            let _ = c.submit(p.fp).await;
            let _ = c.connect_with_stored().await;
        });
    };
}
