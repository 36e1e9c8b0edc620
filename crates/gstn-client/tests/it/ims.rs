//! IMS against the sandbox: GETCNT, GETINV (and FILEDET), SAVE and RESETIMS through REQSTS,
//! refused records mapped back, one request in flight, and a large SAVE through faults.

use std::time::Duration;

use gstn_client::{GstnClient, ImsFailureKind, RetryPolicy};
use gstn_proto::{Action, ErrorCode};
use gstn_sandbox::{Faults, SandboxConfig};
use gstr2_model::codes::{ImsAction, ImsSection, Indicator};
use gstr2_model::ims::{ImsRecords, ImsSaveRequest};

use crate::common::*;

/// IMS records of `n` invoices (suppliers of Tamil Nadu, filed, no action), two credit notes,
/// a debit note, an amended invoice; invoice 3 may not be kept pending, invoice 4's supplier
/// has not filed.
pub(crate) fn ims_records(n: usize) -> ImsRecords {
    let mut b2b = Vec::new();
    for i in 0..n {
        let stin = supplier_gstin(33, 1 + i % 7);
        let txval = 1000 + i;
        let iamt = txval * 18 / 100;
        let blocked = if i == 3 { "Y" } else { "N" };
        let filed = if i == 4 { "Not Filed" } else { "Filed" };
        b2b.push(format!(
            r#"{{"stin":"{stin}","inum":"INV/{i:05}","idt":"{:02}-04-2025","inv_typ":"R","action":"N",
              "ispendactblocked":"{blocked}","srcform":"R1","rtnprd":"042025","srcfilstatus":"{filed}",
              "val":{},"pos":"27","txval":{txval},"iamt":{iamt},"camt":0,"samt":0,"cess":0}}"#,
            1 + i % 28,
            txval + iamt
        ));
    }
    let s1 = supplier_gstin(33, 1);
    let text = format!(
        r#"{{"gstin":"{GSTIN}","b2b":[{}],
          "b2ba":[{{"stin":"{s1}","inum":"A-1","idt":"10-04-2025","oinum":"INV/00000","oidt":"01-04-2025",
            "action":"N","srcfilstatus":"Filed","rtnprd":"042025","val":236,"txval":200,"iamt":36}}],
          "b2bcn":[{{"stin":"{s1}","nt_num":"CN-1","nt_dt":"12-04-2025","action":"N","srcfilstatus":"Filed",
              "rtnprd":"042025","val":118,"txval":100,"iamt":18}},
            {{"stin":"{s1}","nt_num":"CN-2","nt_dt":"13-04-2025","action":"N","srcfilstatus":"Filed",
              "rtnprd":"042025","val":59,"txval":50,"iamt":9}}],
          "b2bdn":[{{"stin":"{s1}","nt_num":"DN-1","nt_dt":"14-04-2025","action":"N","srcfilstatus":"Filed",
              "rtnprd":"042025","val":11.8,"txval":10,"iamt":1.8}}]}}"#,
        b2b.join(",")
    );
    ImsRecords::from_json(text.as_bytes()).expect("generated records read")
}

/// A sandbox seeded with `records` for the test GSTIN, with short delays.
pub(crate) async fn ims_sandbox(
    config: SandboxConfig,
    records: ImsRecords,
) -> gstn_sandbox::SandboxHandle {
    let sandbox = sandbox(config.with_processing(Duration::from_millis(20), 1)).await;
    sandbox.state().seed_ims(gstin(), records);
    sandbox
}

/// Logs in, again and again if a fault hits the OTP calls (which are not repeated blindly).
async fn login_through_faults(client: &GstnClient) {
    for _ in 0..20 {
        if client.request_otp().await.is_ok() && client.authenticate(&otp()).await.is_ok() {
            return;
        }
    }
    panic!("no login through the faults");
}

/// A SAVE body of `records`' `section` with every record set to `action`.
fn save_all(records: &ImsRecords, action: ImsAction) -> ImsSaveRequest {
    let body = ImsRecords {
        b2b: records
            .b2b
            .iter()
            .map(|r| r.to_save(action.clone()))
            .collect(),
        ..ImsRecords::default()
    };
    ImsSaveRequest::save(gstin(), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_and_records_by_section() {
    let records = ims_records(10);
    let sandbox = ims_sandbox(config(), records.clone()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;

    let counts = client.ims_counts().await.expect("GETCNT");
    let others = counts.others().expect("all_oth");
    assert_eq!(others.sections["b2b"].no_action, 10);
    assert_eq!(others.sections["b2bcn"].total(), 2);
    assert_eq!(others.total, Some(14));

    let all = client.download_ims().await.expect("every section");
    assert_eq!(all, records, "GETINV gives the records as IMS holds them");
    let cn = client
        .ims_records(&ImsSection::CreditNotes, None)
        .await
        .unwrap();
    assert_eq!(cn.b2bcn.len(), 2);
    assert!(cn.b2b.is_empty());
    let accepted = client
        .ims_records(&ImsSection::B2b, Some(&ImsAction::Accept))
        .await
        .unwrap();
    assert!(accepted.is_empty(), "nothing accepted yet");
    assert_eq!(sandbox.request_count("GETINV"), 8);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_section_comes_through_filedet() {
    let records = ims_records(40);
    let sandbox = ims_sandbox(
        config().with_large_files(25, 15, Duration::from_millis(50)),
        records.clone(),
    )
    .await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let b2b = client.ims_records(&ImsSection::B2b, None).await.unwrap();
    assert_eq!(
        b2b.b2b, records.b2b,
        "all 40 records, in order, from 3 files"
    );
    assert!(sandbox.request_count("FILEDET") >= 1);
    assert_eq!(sandbox.request_count("FILE"), 3);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_and_reset_report_each_refusal_on_its_record() {
    let records = ims_records(6);
    let sandbox = ims_sandbox(config(), records.clone()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;

    let mut body = ImsRecords::default();
    // 0: accepted. 1: prev_status stale (IMS holds N). 3: pending where it is blocked.
    body.b2b.push(records.b2b[0].to_save(ImsAction::Accept));
    let mut stale = records.b2b[1].to_save(ImsAction::Reject);
    stale.previous_action = Some(ImsAction::Accept);
    body.b2b.push(stale);
    body.b2b.push(records.b2b[3].to_save(ImsAction::Pending));
    // A credit note accepted without itcRedReq; another with it; a rejected one needs none.
    body.b2bcn.push(records.b2bcn[0].to_save(ImsAction::Accept));
    let mut with_flag = records.b2bcn[1].to_save(ImsAction::Accept);
    with_flag.itc_reduction_required = Some(Indicator::Yes);
    body.b2bcn.push(with_flag);
    body.b2bdn.push(records.b2bdn[0].to_save(ImsAction::Reject));
    let report = client
        .save_ims(&ImsSaveRequest::save(gstin(), body))
        .await
        .expect("the save is processed");
    assert_eq!(report.requests.len(), 1);
    assert_eq!(report.records, 6);
    assert_eq!(report.applied(), 3);
    let refused: Vec<_> = report
        .failures
        .iter()
        .map(|f| {
            let r = f.record.as_ref().expect("names a record of the body");
            (
                r.section.as_str().to_owned(),
                r.index,
                f.code.code().to_owned(),
                f.kind,
            )
        })
        .collect();
    assert_eq!(
        refused,
        [
            ("b2b".into(), 1, "IMSSAV0010".into(), ImsFailureKind::Stale),
            (
                "b2b".into(),
                2,
                "IMSSAV0011".into(),
                ImsFailureKind::PendingBlocked
            ),
            (
                "b2bcn".into(),
                0,
                "IMSSAV0054".into(),
                ImsFailureKind::ItcReductionMissing
            ),
        ]
    );
    let stale = report.failures[0].to_string();
    assert!(stale.contains("download IMS again"), "{stale}");
    assert!(
        report.already_applied.is_empty(),
        "the stale record is not in the asked state"
    );

    let held = sandbox.state().ims_records(gstin()).unwrap();
    assert_eq!(held.b2b[0].action(), ImsAction::Accept);
    assert_eq!(held.b2b[1].action(), ImsAction::NoAction);
    assert_eq!(held.b2b[3].action(), ImsAction::NoAction);
    assert_eq!(held.b2bcn[0].action(), ImsAction::NoAction);
    assert_eq!(held.b2bcn[1].action(), ImsAction::Accept);
    assert_eq!(held.b2bdn[0].action(), ImsAction::Reject);

    // RESET the accepted invoice back to no action, from what GSTN now reports.
    let mut reset = ImsRecords::default();
    reset.b2b.push(held.b2b[0].to_reset());
    let report = client
        .save_ims(&ImsSaveRequest::reset(gstin(), reset))
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.failures);
    assert_eq!(
        sandbox.state().ims_records(gstin()).unwrap().b2b[0].action(),
        ImsAction::NoAction
    );
    assert_eq!(sandbox.request_count("RESETIMS"), 1);
    assert!(sandbox.request_count("REQSTS") >= 4, "polled through IP");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_save_whose_first_copy_went_through_counts_as_applied() {
    let records = ims_records(4);
    let sandbox = ims_sandbox(config(), records.clone()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    let body = save_all(&records, ImsAction::Accept);
    let first = client.save_ims(&body).await.unwrap();
    assert!(first.is_clean());
    assert!(first.already_applied.is_empty());
    // The same body again, as a retry after a lost answer sends it: every prev_status is now
    // stale, and every record already holds the asked-for action.
    let again = client.save_ims(&body).await.unwrap();
    assert!(again.is_clean(), "{:?}", again.failures);
    assert_eq!(again.already_applied.len(), 4);
    assert_eq!(again.applied(), 4);
    assert_eq!(sandbox.request_count("ims:applied"), 4, "applied once");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_two_requests_in_flight_and_busy_is_waited_out() {
    let records = ims_records(24);
    let sandbox = ims_sandbox(config(), records.clone()).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    // A second client of the same taxpayer and GSTN in the process shares the IMS lock.
    let other = builder(&sandbox).build().unwrap();
    login(&other).await;

    let mut tasks = Vec::new();
    for (i, record) in records.b2b.iter().enumerate() {
        let mut body = ImsRecords::default();
        body.b2b.push(record.to_save(ImsAction::Accept));
        let c = if i % 2 == 0 {
            client.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            c.save_ims(&ImsSaveRequest::save(gstin(), body)).await
        }));
    }
    for task in tasks {
        let report = task.await.unwrap().expect("saved");
        assert!(report.is_clean(), "{:?}", report.failures);
    }
    assert_eq!(sandbox.request_count("SAVE"), 24);
    assert_eq!(
        sandbox.request_count("IMSSAV0015"),
        0,
        "no SAVE was sent while another was in progress"
    );

    // GSTN busy with another program's request: waited out, then sent.
    sandbox
        .state()
        .fail_next(Action::Save, ErrorCode::Imssav0015, 3);
    let mut body = ImsRecords::default();
    body.b2bdn.push(records.b2bdn[0].to_save(ImsAction::Reject));
    let report = client
        .save_ims(&ImsSaveRequest::save(gstin(), body))
        .await
        .expect("saved after the wait");
    assert!(report.is_clean());
    assert_eq!(sandbox.request_count("injected:IMSSAV0015"), 3);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_actions_through_twenty_percent_faults_apply_once() {
    let records = ims_records(3000);
    let mut faults = Faults::default();
    faults.error_5xx = 0.10;
    faults.drop = 0.10;
    faults.seed = 17;
    let sandbox = ims_sandbox(config().with_faults(faults), records.clone()).await;
    let client = builder(&sandbox)
        .chunk_limit(24 * 1024)
        .retry_policy(
            RetryPolicy::default()
                .with_max_retries(12)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(60)),
        )
        .build()
        .unwrap();
    login_through_faults(&client).await;

    // Accept every invoice but those of every fifth, which are rejected.
    let mut body = ImsRecords::default();
    for (i, r) in records.b2b.iter().enumerate() {
        let action = if i % 5 == 0 {
            ImsAction::Reject
        } else {
            ImsAction::Accept
        };
        body.b2b.push(r.to_save(action));
    }
    let report = client
        .save_ims(&ImsSaveRequest::save(gstin(), body))
        .await
        .expect("the save completes");
    assert!(
        report.requests.len() > 2,
        "{} requests",
        report.requests.len()
    );
    assert!(
        report.is_clean(),
        "{:?}",
        &report.failures[..report.failures.len().min(5)]
    );
    assert_eq!(report.applied(), 3000);

    let held = sandbox.state().ims_records(gstin()).unwrap();
    for (i, r) in held.b2b.iter().enumerate() {
        let want = if i % 5 == 0 {
            ImsAction::Reject
        } else {
            ImsAction::Accept
        };
        assert_eq!(r.action(), want, "b2b[{i}]");
    }
    let counters = sandbox.state().counters();
    assert_eq!(
        counters.get("ims:applied").copied(),
        Some(3000),
        "each action applied exactly once: {counters:?}"
    );
    let faults_seen: u64 = ["fault:5xx", "fault:drop-before", "fault:drop-after"]
        .iter()
        .map(|k| counters.get(*k).copied().unwrap_or(0))
        .sum();
    assert!(faults_seen > 0, "{counters:?}");
    eprintln!(
        "3000 actions in {} requests through {faults_seen} faults; {} found already applied; counters {counters:?}",
        report.requests.len(),
        report.already_applied.len()
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ims_file_of_the_configuration_seeds_the_taxpayer() {
    let records = ims_records(3);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ims.json");
    std::fs::write(&path, gstr2_model::json::to_string(&records).unwrap()).unwrap();
    let sandbox = sandbox(config().with_ims_file(&path)).await;
    let client = builder(&sandbox).build().unwrap();
    login(&client).await;
    assert_eq!(client.download_ims().await.unwrap(), records);
    sandbox.shutdown().await;
}
