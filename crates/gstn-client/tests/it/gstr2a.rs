//! GSTR2A: small sections inline, and the large-file flow (token, wait, FILEDET while queued,
//! download, SHA-256, decrypt, merge).

use std::time::Duration;

use gstn_client::ProgressEvent;
use gstr2_model::{json, Gstr2a};

use crate::common::*;
use crate::tamper;

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
    let mut ctins: Vec<_> = got.b2b.iter().map(|s| s.supplier_gstin).collect();
    let suppliers = ctins.len();
    ctins.sort();
    ctins.dedup();
    assert_eq!(ctins.len(), suppliers, "one entry per supplier");

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
        .filter(|e| {
            matches!(
                e,
                ProgressEvent::Gstr2aFileDownloaded { section: "B2B", .. }
            )
        })
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    assert!(matches!(
        files.last(),
        Some(ProgressEvent::Gstr2aFileDownloaded { done, total, .. }) if done == total
    ));
    sandbox.shutdown().await;
}

fn large_config() -> gstn_sandbox::SandboxConfig {
    let mut config = config().with_large_files(20, 15, Duration::from_millis(50));
    config.gstr2a_seed = Some(11);
    config.gstr2a_documents = 60;
    config
}

#[tokio::test]
async fn a_damaged_download_is_fetched_again() {
    let sandbox = sandbox(large_config()).await;
    let proxy = tamper::start(sandbox.base_url(), tamper::Target::Files, 1).await;
    let client = builder(&sandbox).base_url(proxy).build().unwrap();
    login(&client).await;
    let got = client.download_gstr2a(period()).await.unwrap();
    let want = sandbox.gstr2a(gstin(), period()).unwrap();
    assert_eq!(docs(&got), docs(&want));
    let files = sandbox.request_count("FILE");
    let fetched = client_files(&want);
    assert_eq!(files, fetched + 1, "one file fetched twice");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_download_that_never_matches_its_hash_fails_naming_the_file() {
    let sandbox = sandbox(large_config()).await;
    let proxy = tamper::start(sandbox.base_url(), tamper::Target::Files, usize::MAX).await;
    let client = builder(&sandbox).base_url(proxy).build().unwrap();
    login(&client).await;
    let err = client.download_gstr2a(period()).await.unwrap_err();
    match &err {
        gstn_client::Error::Integrity {
            section,
            index,
            expected,
            actual,
            ..
        } => {
            assert_eq!((section.as_str(), *index), ("B2B", 0));
            assert_ne!(expected, actual);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("sha-256"), "{err}");
    sandbox.shutdown().await;
}

/// How many large files the sandbox cuts the sections above the threshold (20) into (15
/// documents per file).
fn client_files(g: &Gstr2a) -> u64 {
    let per_section = |n: usize| if n > 20 { n.div_ceil(15) as u64 } else { 0 };
    per_section(g.b2b.iter().map(|s| s.invoices.len()).sum())
        + per_section(g.b2ba.iter().map(|s| s.invoices.len()).sum())
        + per_section(g.cdn.iter().map(|s| s.notes.len()).sum())
        + per_section(g.cdna.iter().map(|s| s.notes.len()).sum())
}
