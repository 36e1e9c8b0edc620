//! The whole sequence: OTP → token → save (one call, and chunked) → status → sections →
//! summary → submit → file.

use gstn_client::{ProgressEvent, SessionStatus};
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
            |e| matches!(e, ProgressEvent::ChunkSaved { total, .. } if *total == report.chunks.len()),
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
    assert_eq!(
        summary,
        sandbox.summary(gstin(), period()).expect("a summary")
    );
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

#[tokio::test]
async fn new_and_modified_then_deleted_documents() {
    let sandbox = sandbox(config()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let saved = payload(6, 2);
    assert!(client.save(&saved).await.unwrap().is_clean());

    // Modified: the same invoice number with another value replaces the stored one.
    let mut modified = payload(6, 2);
    modified.cdn.clear();
    modified.b2b[0].invoices.truncate(1);
    modified.b2b.truncate(1);
    let changed = modified.b2b[0].invoices[0].number.clone();
    modified.b2b[0].invoices[0].reverse_charge = gstr2_model::codes::YesNo::Yes;
    assert!(client.save(&modified).await.unwrap().is_clean());
    let stored = sandbox.stored_payload(gstin(), period()).unwrap();
    assert_eq!(stored.document_count(Table::B2b), 6);
    let now = stored
        .b2b
        .iter()
        .flat_map(|s| &s.invoices)
        .find(|i| i.number == changed)
        .unwrap();
    assert_eq!(now.reverse_charge, gstr2_model::codes::YesNo::Yes);

    // Deleted: `flag: D` removes two invoices.
    let mut deleted = payload(6, 2);
    deleted.cdn.clear();
    for supplier in &mut deleted.b2b {
        supplier.invoices.truncate(1);
        for invoice in &mut supplier.invoices {
            invoice.flag = Some(gstr2_model::codes::Flag::Delete);
        }
    }
    let report = client.save(&deleted).await.unwrap();
    assert!(report.is_clean(), "{:?}", report.failures());

    let stored = sandbox.stored_payload(gstin(), period()).unwrap();
    let numbers: Vec<&str> = stored
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(|i| i.number.as_str()))
        .collect();
    assert_eq!(stored.document_count(Table::B2b), 4, "{numbers:?}");
    assert!(!numbers.contains(&changed.as_str()), "{numbers:?}");
    assert_eq!(stored.document_count(Table::Cdn), 2);
    sandbox.shutdown().await;
}
