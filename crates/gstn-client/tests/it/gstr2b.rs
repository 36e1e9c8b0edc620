//! GSTR-2B against the sandbox: not generated, GEN2B polled, RTN_24 waited out, the paged form
//! merged into the unpaged 2B, IMS2005, not applicable, and GSTN's other codes.

use std::time::Duration;

use gstn_client::{Error, Gstr2bGeneration, ProgressEvent};
use gstn_proto::{Action, ErrorCode};
use gstr2_model::codes::{ImsAction, Indicator};
use gstr2_model::ims::{ImsRecords, ImsSaveRequest};
use gstr2_model::ReturnPeriod;

use crate::common::*;
use crate::ims::{ims_records, ims_sandbox};

fn april() -> ReturnPeriod {
    "042025".parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_generated_then_generated_from_the_ims_actions() {
    let records = ims_records(8);
    let sandbox = ims_sandbox(
        config().with_gstr2b(1000, Duration::from_millis(150)),
        records.clone(),
    )
    .await;
    let recorder = Recorder::default();
    let client = builder(&sandbox)
        .progress(recorder.callback())
        .build()
        .unwrap();
    login(&client).await;

    let err = client.gstr2b(april()).await.unwrap_err();
    assert!(matches!(err, Error::Gstr2bNotGenerated { .. }), "{err:?}");
    assert_eq!(err.gstn_code(), Some(&ErrorCode::Gtr2b002));
    assert!(err.to_string().contains("generate it"), "{err}");
    assert!(!err.is_retryable());

    // Accept 0, reject 1, keep 2 pending; the rest stay no action (deemed accepted); 4's
    // supplier has not filed; a credit note accepted with itcRedReq.
    let mut body = ImsRecords::default();
    body.b2b.push(records.b2b[0].to_save(ImsAction::Accept));
    body.b2b.push(records.b2b[1].to_save(ImsAction::Reject));
    body.b2b.push(records.b2b[2].to_save(ImsAction::Pending));
    let mut cn = records.b2bcn[0].to_save(ImsAction::Accept);
    cn.itc_reduction_required = Some(Indicator::Yes);
    body.b2bcn.push(cn);
    let saved = client
        .save_ims(&ImsSaveRequest::save(gstin(), body))
        .await
        .unwrap();
    assert!(saved.is_clean(), "{:?}", saved.failures);

    let generated = client.generate_gstr2b(april()).await.expect("GEN2B");
    assert!(
        matches!(generated, Gstr2bGeneration::Generated { .. }),
        "{generated:?}"
    );
    assert!(sandbox.request_count("GENSTS2B") >= 2, "polled through IP");

    let gstr2b = client.gstr2b(april()).await.expect("GET2B after the queue");
    assert!(
        sandbox.request_count("GET2B") >= 3,
        "RTN_24 was answered and waited out"
    );
    assert!(recorder
        .events()
        .iter()
        .any(|e| matches!(e, ProgressEvent::Gstr2bQueued { .. })));
    assert_eq!(
        Some(gstr2b.clone()),
        sandbox.state().gstr2b(gstin(), april())
    );

    let available: Vec<&str> = gstr2b
        .documents
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(|i| i.number.as_str()))
        .collect();
    // 0 accepted, 3, 5, 6, 7 no action; 1 rejected, 2 pending, 4 not filed.
    let mut sorted = available.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        // INV/00000 (accepted) is superseded by its amendment A-1, which 2B lists in b2ba.
        ["INV/00003", "INV/00005", "INV/00006", "INV/00007"]
    );
    let rejected: Vec<&str> = gstr2b
        .rejected
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(|i| i.number.as_str()))
        .collect();
    assert_eq!(rejected, ["INV/00001"]);
    let igst = |keys: &[&str]| {
        gstr2b
            .itc_available()
            .and_then(|n| n.get(keys))
            .map(|n| n.tax().igst.to_string())
    };
    // 18 % of 1003, 1005, 1006, 1007, each rounded down (1000's invoice is superseded by its
    // amendment: 36 in b2ba); the credit notes: CN-1 accepted (-18), CN-2 no action (-9); the
    // debit note no action (+1.8).
    assert_eq!(igst(&["nonrevsup", "b2b"]).as_deref(), Some("722"));
    assert_eq!(igst(&["nonrevsup", "b2ba"]).as_deref(), Some("36"));
    assert_eq!(igst(&["nonrevsup", "cdnr"]).as_deref(), Some("-25.2"));
    let rejected_igst = gstr2b
        .itc_rejected()
        .and_then(|n| n.get(&["nonrevsup", "b2b"]))
        .map(|n| n.tax().igst.to_string());
    assert_eq!(rejected_igst.as_deref(), Some("180"));

    // Nothing changed since: IMS2005, not a failure.
    let again = client.generate_gstr2b(april()).await.unwrap();
    assert!(
        matches!(again, Gstr2bGeneration::Unchanged { .. }),
        "{again:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paged_2b_merges_into_the_unpaged_one() {
    // 300 invoices over 7 suppliers and the notes: parts of 45 documents split suppliers.
    let records = ims_records(300);
    let sandbox = ims_sandbox(
        config().with_gstr2b(45, Duration::from_millis(20)),
        records.clone(),
    )
    .await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let mut body = ImsRecords::default();
    for r in records.b2b.iter().step_by(4) {
        body.b2b.push(r.to_save(ImsAction::Reject));
    }
    assert!(client
        .save_ims(&ImsSaveRequest::save(gstin(), body))
        .await
        .unwrap()
        .is_clean());
    client.generate_gstr2b(april()).await.unwrap();
    let paged = client.gstr2b(april()).await.expect("every part");
    let whole = sandbox.state().gstr2b(gstin(), april()).expect("generated");
    assert_eq!(
        whole.documents.document_count() + whole.rejected.document_count(),
        // Every record that enters 2B but INV/00000, superseded by its amendment A-1.
        302
    );
    assert_eq!(paged, whole, "the merged parts are the unpaged 2B");
    let parts = 302usize.div_ceil(45) as u64;
    assert!(
        sandbox.request_count("GET2B") > parts,
        "{} GET2B for {parts} parts",
        sandbox.request_count("GET2B")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gstn_codes_become_errors_that_say_what_to_do() {
    let sandbox = ims_sandbox(config(), ims_records(2)).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let may: ReturnPeriod = "052025".parse().unwrap();
    sandbox.state().set_gstr2b_not_applicable(gstin(), may);
    let err = client.gstr2b(may).await.unwrap_err();
    assert!(matches!(err, Error::Gstr2bNotApplicable { .. }), "{err:?}");
    assert!(err.to_string().contains("not applicable"), "{err}");
    let err = client.generate_gstr2b(may).await.unwrap_err();
    assert!(matches!(err, Error::Gstr2bNotApplicable { .. }), "{err:?}");

    sandbox
        .state()
        .fail_next(Action::Get2b, ErrorCode::Ret2b1023, 1);
    let err = client.gstr2b(april()).await.unwrap_err();
    assert!(matches!(err, Error::Gstr2bNotGenerated { .. }), "{err:?}");
    assert_eq!(err.gstn_code(), Some(&ErrorCode::Ret2b1023));

    sandbox
        .state()
        .fail_next(Action::Get2b, ErrorCode::Ret2b1016, 1);
    let empty = client
        .gstr2b(april())
        .await
        .expect("no documents is an empty 2B");
    assert!(empty.documents.is_empty() && empty.rejected.is_empty());
    assert_eq!(empty.return_period, Some(april()));

    sandbox
        .state()
        .fail_next(Action::Gen2b, ErrorCode::Ims2005, 1);
    let unchanged = client.generate_gstr2b(april()).await.unwrap();
    assert!(matches!(unchanged, Gstr2bGeneration::Unchanged { .. }));
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_longer_than_the_poll_timeout_is_still_processing() {
    let sandbox = ims_sandbox(
        config().with_gstr2b(1000, Duration::from_secs(30)),
        ims_records(2),
    )
    .await;
    let mut poll = gstn_client::PollPolicy::fast();
    poll.timeout = Duration::from_millis(300);
    let client = builder(&sandbox).poll_policy(poll).build().unwrap();
    login(&client).await;
    client.generate_gstr2b(april()).await.unwrap();
    let err = client.gstr2b(april()).await.unwrap_err();
    assert!(matches!(err, Error::StillProcessing { .. }), "{err:?}");
    assert!(err.is_retryable());
    sandbox.shutdown().await;
}
