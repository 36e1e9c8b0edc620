//! GSTR2A: small sections inline, and the large-file flow (token, wait, FILEDET while queued,
//! download, SHA-256, decrypt, merge).

use std::time::Duration;

use gstn_client::Progress;
use gstr2_model::{json, Gstr2a};

use crate::common::*;

/// Every counterparty document as (section, supplier, JSON), sorted.
fn docs(g: &Gstr2a) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for s in &g.b2b {
        for d in &s.invoices {
            out.push((
                "b2b".into(),
                s.supplier_gstin.to_string(),
                json::to_string(d).unwrap(),
            ));
        }
    }
    for s in &g.b2ba {
        for d in &s.invoices {
            out.push((
                "b2ba".into(),
                s.supplier_gstin.to_string(),
                json::to_string(d).unwrap(),
            ));
        }
    }
    for s in &g.cdn {
        for d in &s.notes {
            out.push((
                "cdn".into(),
                s.supplier_gstin.to_string(),
                json::to_string(d).unwrap(),
            ));
        }
    }
    for s in &g.cdna {
        for d in &s.notes {
            out.push((
                "cdna".into(),
                s.supplier_gstin.to_string(),
                json::to_string(d).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn small_sections_come_inline() {
    let mut config = config();
    config.gstr2a_seed = Some(7);
    config.gstr2a_documents = 12;
    let sandbox = sandbox(config).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let got = client.download_gstr2a(period()).await.unwrap();
    let want = sandbox.gstr2a(gstin(), period()).unwrap();
    assert!(got.document_count() > 0);
    assert_eq!(docs(&got), docs(&want));
    assert_eq!(got.gstin, Some(gstin()));
    assert_eq!(sandbox.request_count("FILEDET"), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_large_file_flow_is_followed_to_the_end() {
    let mut config = config().with_large_files(20, 15, Duration::from_millis(300));
    config.gstr2a_seed = Some(3);
    config.gstr2a_documents = 90;
    let sandbox = sandbox(config).await;
    let recorder = Recorder::default();
    let client = builder(&sandbox)
        .progress(recorder.callback())
        .build()
        .unwrap();
    login(&client).await;

    let got = client.download_gstr2a(period()).await.unwrap();
    let want = sandbox.gstr2a(gstin(), period()).unwrap();
    assert!(
        want.b2b.iter().map(|s| s.invoices.len()).sum::<usize>() > 20,
        "b2b is large"
    );
    assert_eq!(docs(&got), docs(&want), "every document, once");

    // FILEDET was polled while queued, and several files were fetched.
    assert!(
        sandbox.request_count("FILEDET") >= 2,
        "{:?}",
        sandbox.state().counters()
    );
    assert!(sandbox.request_count("FILE") >= 2);
    let files: Vec<_> = recorder
        .events()
        .into_iter()
        .filter(|e| matches!(e, Progress::Gstr2aFileDownloaded { section: "B2B", .. }))
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    assert!(matches!(
        files.last(),
        Some(Progress::Gstr2aFileDownloaded { done, total, .. }) if done == total
    ));
    sandbox.shutdown().await;
}
