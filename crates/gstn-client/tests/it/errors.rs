//! GSTN errors surfaced with their codes, and per-document errors of `PE`.

use gstn_client::Error;
use gstn_proto::ProcessingStatus;
use gstr2_model::{json, ErrorChain};

use crate::common::*;

#[tokio::test]
async fn gstn_errors_carry_gstn_codes() {
    let sandbox = sandbox(config()).await;

    // A wrong client secret: AUT4034, not retryable.
    let client = builder(&sandbox).client_secret("wrong").build().unwrap();
    let err = client.request_otp().await.unwrap_err();
    assert!(matches!(err, Error::Gstn { .. }), "{err:?}");
    assert_eq!(err.gstn_code().map(|c| c.code()), Some("AUT4034"), "{err}");
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .starts_with("OTPREQUEST: gstn error AUT4034"),
        "{err}"
    );

    // Filing before submitting: GSTN refuses with its code.
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    client.save(&payload(3, 1)).await.unwrap();
    let summary = client.summary(period()).await.unwrap();
    client.request_evc_otp(PAN).await.unwrap();
    let err = client
        .file_with_evc(period(), PAN, &otp(), &summary)
        .await
        .unwrap_err();
    assert_eq!(err.gstn_code().map(|c| c.code()), Some("RET11403"), "{err}");

    // Submitting twice: the second is refused as already submitted.
    assert!(client.submit(period()).await.unwrap().is_some());
    let err = client.submit(period()).await.unwrap_err();
    assert_eq!(err.gstn_code().map(|c| c.code()), Some("RET12521"), "{err}");
    // Saving after submission too.
    let err = client.save(&payload(2, 1)).await.unwrap_err();
    assert_eq!(err.gstn_code().map(|c| c.code()), Some("RET12521"), "{err}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn processed_with_errors_reports_each_failed_document() {
    let sandbox = sandbox(config()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let mut payload = payload(6, 2);
    // CGST and SGST on an inter-state invoice, and a date after the period.
    let bad: serde_json::Value = serde_json::json!({
        "inum": "BAD-1", "idt": "03-07-2017", "val": 118, "pos": "27", "rchrg": "N",
        "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 100, "camt": 9, "samt": 9}}]
    });
    payload.b2b[0]
        .invoices
        .push(json::from_str(&bad.to_string()).unwrap());
    let late = bad
        .to_string()
        .replace("BAD-1", "BAD-2")
        .replace("03-07-2017", "03-09-2017");
    payload.b2b[1].invoices.push(json::from_str(&late).unwrap());
    let report = client.save(&payload).await.unwrap();
    assert_eq!(
        report.chunks[0].status,
        ProcessingStatus::ProcessedWithErrors
    );
    assert!(!report.is_clean());
    let failures = report.failures();
    let mut numbers: Vec<_> = failures.iter().filter_map(|f| f.document.clone()).collect();
    numbers.sort();
    assert_eq!(numbers, ["BAD-1", "BAD-2"], "{failures:?}");
    assert!(
        failures
            .iter()
            .all(|f| f.section == "b2b" && f.code.as_deref() == Some("RET191114")),
        "{failures:?}"
    );
    assert!(failures.iter().all(|f| f.supplier_gstin.is_some()));
    // The good documents were stored.
    let stored = sandbox.stored_payload(gstin(), period()).unwrap();
    assert_eq!(stored.document_count(gstr2_model::Table::B2b), 6);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_slow_answer_is_a_retryable_timeout() {
    let mut faults = gstn_sandbox::Faults::default();
    faults.latency = std::time::Duration::from_millis(600);
    let sandbox = sandbox(config().with_faults(faults)).await;
    // A retry would wait at least a second first.
    let client = builder(&sandbox)
        .request_timeout(std::time::Duration::from_millis(150))
        .retry_policy(gstn_client::RetryPolicy::default().with_backoff(
            std::time::Duration::from_secs(2),
            std::time::Duration::from_secs(2),
        ))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.request_otp().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                timeout: true,
                connect: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    // OTPREQUEST is not repeated after the request left: one attempt only.
    assert!(
        started.elapsed() < std::time::Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_tampered_answer_is_a_crypto_error_never_data() {
    let sandbox = sandbox(config()).await;
    let proxy =
        crate::tamper::start(sandbox.base_url(), crate::tamper::Target::SectionData, 1).await;
    let client = builder(&sandbox).base_url(proxy).build().unwrap();
    login(&client).await;
    client.save(&payload(4, 2)).await.unwrap();
    let err = client
        .get_section(period(), gstr2_model::Table::B2b)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Crypto { .. }), "{err:?}");
    assert!(!err.is_retryable());
    assert!(
        ErrorChain(&err).to_string().starts_with("B2B: crypto:"),
        "{err}"
    );
    // The next answer is intact.
    let b2b = client
        .get_section(period(), gstr2_model::Table::B2b)
        .await
        .unwrap();
    assert_eq!(b2b.document_count(gstr2_model::Table::B2b), 4);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_payload_with_a_section_gstr2_does_not_model_is_not_saved() {
    let sandbox = sandbox(config()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let mut v: serde_json::Value =
        serde_json::from_str(&json::to_string(&payload(3, 1)).unwrap()).unwrap();
    v["isd"] = serde_json::json!([{"ctin": "01AAAAP1208Q1ZS", "doclist": []}]);
    let whole: gstr2_model::Gstr2Payload = json::from_str(&v.to_string()).unwrap();
    let err = client.save(&whole).await.unwrap_err();
    assert!(
        matches!(&err, Error::Chunk(gstn_client::chunk::ChunkError::UnmodelledSections { sections }) if sections == &["isd"]),
        "{err:?}"
    );
    assert_eq!(
        ErrorChain(&err).to_string(),
        "payload: the payload has section that gstr2 does not model (isd): not saved, as GSTN would get it without them"
    );
    // Nothing reached GSTN: the summary counts no document.
    let summary = client.summary(period()).await.unwrap();
    assert!(
        summary
            .sections
            .iter()
            .all(|s| s.record_count.unwrap_or(0) == 0),
        "{summary:?}"
    );
    sandbox.shutdown().await;
}
