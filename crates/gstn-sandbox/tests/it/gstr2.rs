//! GSTR2: RETSAVE, RETSTATUS, section GETs, RETSUM, RETSUBMIT, RETFILE.

use gstn_proto::headers::paths;
use gstn_proto::{Action, ReturnStatus, TxnId};
use gstr2_model::codes::Flag;
use gstr2_model::Gstr2Payload;
use serde_json::{json, Value};

use crate::support::*;

async fn logged_in(sb: &gstn_sandbox::SandboxHandle) -> Client {
    let mut c = Client::new(sb, receiver()).await;
    c.login().await;
    c
}

#[tokio::test]
async fn save_is_processed_asynchronously_and_stored() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let local = gstin(27, 1);
    let p = payload(
        receiver(),
        json!({"b2b": [
            {"ctin": supplier_tn(), "inv": [b2b_invoice("TN-1", "03-07-2017", "27", false)]},
            {"ctin": local, "inv": [b2b_invoice("MH-1", "04-07-2017", "27", true)]}
        ]}),
    );
    let (_, seen, last) = c.save_and_wait(&p).await;
    assert_eq!(seen.first().map(String::as_str), Some("IP"), "{seen:?}");
    assert_eq!(last["status_cd"], "P", "{last}");
    assert_eq!(last["form_typ"], "R2");
    let stored = sb.stored_payload(receiver(), period()).unwrap();
    let sent: Gstr2Payload = gstr2_model::json::from_str(&p.to_string()).unwrap();
    let mut expected = sent.clone();
    expected.b2b.sort_by_key(|s| s.supplier_gstin);
    assert_eq!(stored, expected);
    // The section GET answers what was saved, in the wire shape.
    let got = c.get(paths::GSTR2, &[("action", "B2B")]).await.ok();
    assert_eq!(got["b2b"], serde_json::to_value(&expected.b2b).unwrap());
    let one = c
        .get(paths::GSTR2, &[("action", "B2B"), ("ctin", local.as_str())])
        .await
        .ok();
    assert_eq!(one["b2b"].as_array().unwrap().len(), 1);
    assert_eq!(one["b2b"][0]["ctin"], local.as_str());
    assert_eq!(sb.request_count("RETSAVE"), 1);
    sb.shutdown().await;
}

fn every_section() -> Value {
    let item = json!({"num": 1, "itm_det": {"rt": 18, "txval": 100, "iamt": 18, "csamt": 0},
                      "itc": {"elg": "ip", "tx_i": 18}});
    let intra = json!({"num": 1, "itm_det": {"rt": 18, "txval": 100, "camt": 9, "samt": 9},
                       "itc": {"elg": "is", "tx_c": 9, "tx_s": 9}});
    let imp = json!({"num": 1, "txval": 100, "rt": 18, "iamt": 18, "csamt": 0, "elg": "ip", "tx_i": 18, "tx_cs": 0});
    json!({
        "b2ba": [{"ctin": supplier_jk(), "inv": [{"oinum": "J-0", "oidt": "01-07-2017", "inum": "J-1",
                  "idt": "02-07-2017", "val": 118, "pos": "27", "rchrg": "N", "itms": [item]}]}],
        "b2bur": [{"inv": [{"inum": "UR-1", "idt": "05-07-2017", "val": 118, "pos": "27",
                   "sply_ty": "INTRA", "itms": [intra]}]}],
        "imp_g": [{"is_sez": "N", "boe_num": "B-1", "boe_dt": "06-07-2017", "boe_val": 118,
                   "port_code": "INBOM4", "itms": [imp]}],
        "imp_ga": [{"oboe_num": "B-0", "oboe_dt": "01-07-2017", "boe_num": "B-2", "boe_dt": "06-07-2017",
                    "boe_val": 118, "itms": [imp]}],
        "imp_s": [{"inum": "S-1", "idt": "07-07-2017", "ival": 118, "pos": "27", "itms": [imp]}],
        "imp_sa": [{"oinum": "S-0", "oidt": "01-07-2017", "inum": "S-2", "idt": "07-07-2017", "ival": 118, "itms": [imp]}],
        "cdn": [{"ctin": supplier_tn(), "nt": [{"ntty": "C", "nt_num": "CN-1", "nt_dt": "08-07-2017",
                 "p_gst": "N", "inum": "TN-1", "idt": "03-07-2017", "val": 59,
                 "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 50, "iamt": 9}, "itc": {"elg": "ip", "tx_i": 9}}]}]}],
        "cdna": [{"ctin": supplier_tn(), "nt": [{"ntty": "D", "ont_num": "CN-0", "ont_dt": "01-07-2017",
                  "nt_num": "DN-1", "nt_dt": "09-07-2017", "val": 118, "itms": [item]}]}],
        "cdnur": [{"ntty": "C", "nt_num": "UCN-1", "nt_dt": "10-07-2017", "inv_typ": "B2BUR", "val": 118,
                   "itms": [item]}],
        "nil_supplies": {"inter": {"cpddr": 10, "exptdsply": 20, "nilsply": 0, "ngsply": 5},
                         "intra": {"cpddr": 1, "exptdsply": 2, "nilsply": 3, "ngsply": 4}},
        "itc_rvsl": {"rule2_2": {"iamt": 1, "camt": 2, "samt": 2, "csamt": 0}, "other": {"iamt": 5}},
        "txi": [{"pos": "29", "sply_ty": "INTER", "itms": [{"num": 1, "rt": 18, "adamt": 100, "iamt": 18, "csamt": 0}]}],
        "atxi": [{"cpty": "ACME", "odnum": "AD-0", "otdt": "01-07-2017", "dnum": "AD-1", "dt": "11-07-2017",
                  "state_cd": "27", "txval": 100, "camt": 9, "samt": 9,
                  "itms": [{"txval": 100, "crt": 9, "camt": 9, "srt": 9, "samt": 9}]}],
        "txpd": [{"pos": "27", "sply_ty": "INTRA", "itms": [{"num": 1, "rt": 18, "adamt": 50, "camt": 4.5, "samt": 4.5}]}],
        "hsnsum": {"det": [{"num": 1, "hsn_sc": "1001", "desc": "Wheat", "uqc": "KGS", "qty": 10, "val": 118, "txval": 100, "iamt": 18}]}
    })
}

#[tokio::test]
async fn every_section_get_returns_what_was_saved() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let sections = every_section();
    let (_, _, last) = c
        .save_and_wait(&payload(receiver(), sections.clone()))
        .await;
    assert_eq!(last["status_cd"], "P", "{last}");
    for (action, key) in [
        ("B2BA", "b2ba"),
        ("B2BUR", "b2bur"),
        ("IMPG", "imp_g"),
        ("IMPGA", "imp_ga"),
        ("IMPS", "imp_s"),
        ("IMPSA", "imp_sa"),
        ("CDN", "cdn"),
        ("CDNA", "cdna"),
        ("CDNUR", "cdnur"),
        ("NIL", "nil_supplies"),
        ("ITCRVSL", "itc_rvsl"),
        ("TXLI", "txi"),
        ("ATXLI", "atxi"),
        ("TXP", "txpd"),
        ("HSNSUM", "hsnsum"),
    ] {
        let got = c.get(paths::GSTR2, &[("action", action)]).await.ok();
        assert_eq!(got[key], sections[key], "{action}");
    }
    // Nothing saved in B2B: an empty list.
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "B2B")]).await.ok()["b2b"],
        json!([])
    );
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "NOPE")]).await.code(),
        "RET11403"
    );
    // The summary: one entry per saved section, in table order.
    let sum = c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    let names: Vec<&str> = sum["section_summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["sec_nm"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "B2BA", "B2BUR", "IMP_G", "IMP_GA", "IMP_S", "IMP_SA", "CDN", "CDNA", "CDNUR", "NIL",
            "ITC_RVSL", "TXI", "ATXI", "TXPD"
        ]
    );
    let sec = |n: &str| {
        sum["section_summary"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["sec_nm"] == n)
            .unwrap()
            .clone()
    };
    let num = |v: &Value| v.to_string().parse::<f64>().unwrap();
    // Credit note: negative.
    assert_eq!(num(&sec("CDN")["ttl_val"]), -59.0);
    assert_eq!(num(&sec("CDN")["ttl_txpd_igst"]), -9.0);
    assert_eq!(num(&sec("CDN")["ttl_itcavld_igst"]), -9.0);
    assert_eq!(sec("CDN")["cpty_sum"][0]["ctin"], supplier_tn().as_str());
    // Debit note amendment: positive.
    assert_eq!(num(&sec("CDNA")["ttl_val"]), 118.0);
    assert_eq!(num(&sec("IMP_G")["ttl_val"]), 118.0);
    assert_eq!(num(&sec("IMP_G")["ttl_itcavld_igst"]), 18.0);
    assert_eq!(num(&sec("B2BUR")["ttl_txpd_cgst"]), 9.0);
    assert_eq!(num(&sec("NIL")["ttl_cppdr"]), 11.0);
    assert_eq!(num(&sec("NIL")["ttl_expdsply"]), 22.0);
    assert_eq!(num(&sec("NIL")["ttl_nilsply"]), 3.0);
    assert_eq!(num(&sec("NIL")["ttl_ngsply"]), 9.0);
    assert_eq!(num(&sec("NIL")["rc"]), 2.0, "two blocks, inter and intra");
    assert!(sec("NIL").get("ttl_val").is_none());
    assert!(sec("TXI").get("ttl_itcavld_igst").is_none());
    assert!(sec("ITC_RVSL").get("ttl_val").is_none());
    assert_eq!(num(&sec("ITC_RVSL")["rc"]), 2.0);
    assert_eq!(num(&sec("ITC_RVSL")["ttl_txpd_igst"]), 6.0);
    assert_eq!(num(&sec("TXI")["ttl_val"]), 100.0);
    assert_eq!(num(&sec("TXPD")["ttl_txpd_sgst"]), 4.5);
    assert_eq!(num(&sec("ATXI")["ttl_txpd_cgst"]), 9.0);
    assert!(sum["chksum"].as_str().unwrap().len() == 64);
    sb.shutdown().await;
}

#[tokio::test]
async fn retsum_counts_own_accepted_and_modified_documents_only() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let g2a = sb.gstr2a(receiver(), period()).unwrap();
    let supplier = &g2a.b2b[0];
    assert!(
        supplier.invoices.len() >= 4,
        "the generated GSTR2A has enough invoices"
    );
    let as_save = |i: usize, flag: &str| {
        let mut v = serde_json::to_value(&supplier.invoices[i]).unwrap();
        v["flag"] = json!(flag);
        v
    };
    let mut modified = as_save(2, "M");
    modified["val"] = json!(1);
    let p = payload(
        receiver(),
        json!({"b2b": [
            {"ctin": supplier.supplier_gstin, "inv": [as_save(0, "A"), as_save(1, "R"), modified, as_save(3, "P")]},
            {"ctin": supplier_tn(), "inv": [b2b_invoice("OWN-1", "03-07-2017", "27", false)]}
        ]}),
    );
    let (_, _, last) = c.save_and_wait(&p).await;
    assert_eq!(last["status_cd"], "P", "{last}");
    let stored = sb.stored_payload(receiver(), period()).unwrap();
    assert_eq!(
        stored.document_count(gstr2_model::Table::B2b),
        5,
        "all five are stored"
    );
    let flags: Vec<Option<Flag>> = stored
        .b2b
        .iter()
        .flat_map(|s| s.invoices.iter().map(|i| i.flag.clone()))
        .collect();
    assert!(flags.contains(&Some(Flag::Reject)) && flags.contains(&Some(Flag::Pending)));
    let sum = sb.summary(receiver(), period()).expect("a summary");
    let b2b = sum.sections.iter().find(|s| s.section == "B2B").unwrap();
    assert_eq!(b2b.record_count, Some(3), "own upload + A + M, not R or P");
    let a = &supplier.invoices[0];
    assert_eq!(
        b2b.value,
        Some(a.value + rust_decimal::Decimal::ONE + rust_decimal::Decimal::from(1180))
    );
    let cp = b2b
        .counterparties
        .iter()
        .find(|c| c.counterparty_gstin == supplier.supplier_gstin)
        .unwrap();
    assert_eq!(cp.record_count, Some(2));
    assert_eq!(
        cp.tax_igst.unwrap() + cp.tax_cgst.unwrap(),
        a.tax().expect("tax").igst
            + a.tax().expect("tax").cgst
            + supplier.invoices[2].tax().expect("tax").igst
            + supplier.invoices[2].tax().expect("tax").cgst
    );
    // The wire answer is the same summary.
    let wire = c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    let wire: gstr2_model::Gstr2Summary = serde_json::from_value(wire).unwrap();
    assert_eq!(wire, sum);
    sb.shutdown().await;
}

#[tokio::test]
async fn invalid_documents_are_reported_and_valid_ones_stored() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let g2a = sb.gstr2a(receiver(), period()).unwrap();
    let mut wrong_sum = serde_json::to_value(&g2a.b2b[0].invoices[0]).unwrap();
    wrong_sum["flag"] = json!("A");
    wrong_sum["chksum"] = json!("0".repeat(64));
    let mut not_in_2a = b2b_invoice("GHOST-1", "03-07-2017", "27", false);
    not_in_2a["flag"] = json!("A");
    not_in_2a["chksum"] = json!("abc");
    let p = payload(
        receiver(),
        json!({"b2b": [
            {"ctin": "27AAPFU0939F1ZA", "inv": [b2b_invoice("BADGSTIN-1", "03-07-2017", "27", true)]},
            {"ctin": supplier_tn(), "inv": [
                b2b_invoice("OK-1", "03-07-2017", "27", false),
                b2b_invoice("BADDATE-1", "31-02-2017", "27", false),
                b2b_invoice("LATE-1", "05-08-2017", "27", false),
                b2b_invoice("HEADS-1", "03-07-2017", "27", true),
                not_in_2a
            ]},
            {"ctin": g2a.b2b[0].supplier_gstin, "inv": [wrong_sum]}
        ],
        "imp_g": [{"boe_num": "X", "boe_dt": "01-07-2017"}],
        "isd": [{"x": 1}]}),
    );
    let (_, seen, last) = c.save_and_wait(&p).await;
    assert_eq!(seen.last().map(String::as_str), Some("PE"));
    // The report parses with gstn-proto's types.
    let status: ReturnStatus = serde_json::from_value(last.clone()).unwrap();
    let report = status.error_report.unwrap();
    let b2b = &report.sections["b2b"];
    let code_of = |inum: &str| {
        b2b.iter()
            .find(|e| {
                e.invoices
                    .iter()
                    .any(|d| d.invoice_number.as_deref() == Some(inum))
            })
            .and_then(|e| e.error_code.clone())
            .unwrap_or_else(|| panic!("{inum} not in the report: {last}"))
    };
    assert_eq!(code_of("BADGSTIN-1"), "RET191113");
    assert_eq!(code_of("BADDATE-1"), "RET191114");
    assert_eq!(code_of("LATE-1"), "RET191114");
    assert_eq!(code_of("HEADS-1"), "RET191114");
    assert_eq!(code_of("GHOST-1"), "RET191115");
    assert_eq!(code_of(&g2a.b2b[0].invoices[0].number), "RET191116");
    assert_eq!(b2b.len(), 6);
    assert_eq!(
        report.sections["imp_g"][0].error_code.as_deref(),
        Some("RET191106")
    );
    assert_eq!(
        report.sections["isd"][0].error_code.as_deref(),
        Some("RET191106")
    );
    let msg = b2b[0].error_message.clone().unwrap();
    assert!(msg.contains("b2b["), "messages say where: {msg}");
    // Only the valid one is stored.
    let stored = sb.stored_payload(receiver(), period()).unwrap();
    assert_eq!(stored.total_documents(), 1);
    assert_eq!(stored.b2b[0].invoices[0].number, "OK-1");
    sb.shutdown().await;
}

#[tokio::test]
async fn an_undecodable_payload_is_er() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    for bad in [
        json!([1, 2]),
        json!({"gstin": supplier_tn(), "fp": "072017"}),
        json!({"gstin": receiver(), "fp": "082017"}),
    ] {
        let (_, _, last) = c.save_and_wait(&bad).await;
        assert_eq!(last["status_cd"], "ER", "{bad}");
        let status: ReturnStatus = serde_json::from_value(last).unwrap();
        assert_eq!(
            status.error_report.unwrap().error_code.as_deref(),
            Some("RET191106")
        );
    }
    assert_eq!(
        c.get(
            paths::RETURNS,
            &[("action", "RETSTATUS"), ("ref_id", "nope")]
        )
        .await
        .code(),
        "RET11405"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn delete_removes_and_flags_need_counterparty_documents() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let p = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [
            b2b_invoice("A-1", "03-07-2017", "27", false),
            b2b_invoice("A-2", "03-07-2017", "27", false)]}],
            "imp_s": [{"inum": "S-1", "idt": "07-07-2017", "ival": 118, "itms": []}]}),
    );
    assert_eq!(c.save_and_wait(&p).await.2["status_cd"], "P");
    let mut del = b2b_invoice("A-1", "03-07-2017", "27", false);
    del["flag"] = json!("D");
    let mut imp_accept = json!({"inum": "S-2", "idt": "07-07-2017", "ival": 1, "itms": []});
    imp_accept["flag"] = json!("A");
    let p = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [del]}], "imp_s": [imp_accept]}),
    );
    let (_, _, last) = c.save_and_wait(&p).await;
    assert_eq!(last["status_cd"], "PE");
    assert_eq!(last["error_report"]["imp_s"][0]["error_cd"], "RET191115");
    let stored = sb.stored_payload(receiver(), period()).unwrap();
    let numbers: Vec<&str> = stored.b2b[0]
        .invoices
        .iter()
        .map(|i| i.number.as_str())
        .collect();
    assert_eq!(numbers, ["A-2"]);
    let sum = sb.summary(receiver(), period()).expect("a summary");
    assert_eq!(sum.sections[0].record_count, Some(1));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_replayed_txn_gets_the_same_reference_and_is_not_applied_twice() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let txn = TxnId::generate();
    let add = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [b2b_invoice("R-1", "03-07-2017", "27", false)]}]}),
    );
    let first = c
        .send_raw(true, &txn, &c.seal(Action::RetSave, &add))
        .await
        .unwrap()
        .ok();
    let mut del = b2b_invoice("R-1", "03-07-2017", "27", false);
    del["flag"] = json!("D");
    let remove = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [del]}]}),
    );
    c.save_and_wait(&remove).await;
    // The replay (re-encrypted: a fresh envelope) answers the first reference and changes nothing.
    let again = c
        .send_raw(true, &txn, &c.seal(Action::RetSave, &add))
        .await
        .unwrap()
        .ok();
    assert_eq!(first["reference_id"], again["reference_id"]);
    assert_eq!(
        sb.stored_payload(receiver(), period())
            .unwrap()
            .total_documents(),
        0
    );
    // The same txn with another body is a new save.
    let other = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [b2b_invoice("R-2", "03-07-2017", "27", false)]}]}),
    );
    let third = c
        .send_raw(true, &txn, &c.seal(Action::RetSave, &other))
        .await
        .unwrap()
        .ok();
    assert_ne!(third["reference_id"], first["reference_id"]);
    assert_eq!(
        sb.stored_payload(receiver(), period())
            .unwrap()
            .total_documents(),
        1
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn bad_hmac_and_tampered_data_store_nothing() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let p = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [b2b_invoice("T-1", "03-07-2017", "27", false)]}]}),
    );
    let mut req = c.seal(Action::RetSave, &p);
    req.hmac = gstn_proto::crypto::b64_encode(&[1u8; 32]);
    let r = c.send_raw(true, &TxnId::generate(), &req).await.unwrap();
    assert_eq!(r.code(), "RET12505");
    let mut req = c.seal(Action::RetSave, &p);
    let mut bytes = gstn_proto::crypto::b64_decode("data", &req.data).unwrap();
    bytes[20] ^= 0x55;
    req.data = gstn_proto::crypto::b64_encode(&bytes);
    let code = c
        .send_raw(true, &TxnId::generate(), &req)
        .await
        .unwrap()
        .code();
    assert_eq!(code, "RET12505");
    let mut req = c.seal(Action::RetSave, &p);
    req.data = "not base64!".into();
    let code = c
        .send_raw(true, &TxnId::generate(), &req)
        .await
        .unwrap()
        .code();
    assert_eq!(code, "RET12505");
    assert!(sb
        .stored_payload(receiver(), period())
        .is_none_or(|s| s.total_documents() == 0));
    sb.shutdown().await;
}

#[tokio::test]
async fn submit_freezes_and_file_needs_evc_and_happens_once() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    let p = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [b2b_invoice("F-1", "03-07-2017", "27", false)]}]}),
    );
    c.save_and_wait(&p).await;
    let summary = c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    // Filing before submitting is refused.
    c.evc_otp().await.ok();
    assert_eq!(c.file(&summary, OTP).await.code(), "RET11403");
    // Submit, idempotent by txn; a second submit is refused.
    let txn = TxnId::generate();
    let body = json!({"gstin": receiver(), "ret_period": "072017"});
    let first = c
        .send_raw(false, &txn, &c.seal(Action::RetSubmit, &body))
        .await
        .unwrap()
        .ok();
    let again = c
        .send_raw(false, &txn, &c.seal(Action::RetSubmit, &body))
        .await
        .unwrap()
        .ok();
    assert_eq!(first, again);
    let (seen, last) = c.wait(first["reference_id"].as_str().unwrap()).await;
    assert_eq!(last["status_cd"], "P", "{seen:?}");
    assert_eq!(last["action"], "SUBMIT");
    assert_eq!(c.submit().await.code(), "RET12521");
    // Frozen: no more saves.
    assert_eq!(c.save(&p).await.code(), "RET12521");
    // Wrong EVC OTP, a changed signature, a summary that is not RETSUM's.
    assert_eq!(c.file(&summary, "111111").await.code(), "AUTH4034");
    let json_bytes = serde_json::to_vec(&summary).unwrap();
    let mut forged = gstn_proto::FileRequest::evc(
        c.key.as_ref().unwrap(),
        &json_bytes,
        c.gstin.pan().unwrap(),
        &gstn_proto::Otp::new(OTP).unwrap(),
    );
    forged.sign = gstn_proto::crypto::b64_encode(&[9u8; 32]);
    let r = c
        .send_raw(false, &TxnId::generate(), &forged)
        .await
        .unwrap();
    assert_eq!(r.code(), "RET12505");
    let mut other = summary.clone();
    other["section_summary"][0]["rc"] = json!(99);
    assert_eq!(c.file(&other, OTP).await.code(), "RET11405");
    // File, then a second filing is refused.
    let ack = c.file(&summary, OTP).await.ok();
    let ack_num = ack["ack_num"].as_str().unwrap().to_owned();
    assert!(ack_num.starts_with("AA27"), "{ack_num}");
    assert_eq!(
        sb.state().return_status(receiver(), period()),
        (true, Some(ack_num))
    );
    assert_eq!(c.file(&summary, OTP).await.code(), "AUTH117");
    assert_eq!(c.save(&p).await.code(), "AUTH117");
    sb.shutdown().await;
}

#[tokio::test]
async fn filing_needs_an_evc_otp_request_in_the_session() {
    let sb = sandbox(config()).await;
    let c = logged_in(&sb).await;
    c.submit().await.ok();
    let summary = c.get(paths::GSTR2, &[("action", "RETSUM")]).await.ok();
    assert_eq!(c.file(&summary, OTP).await.code(), "AUTH4034");
    c.evc_otp().await.ok();
    c.file(&summary, OTP).await.ok();
    sb.shutdown().await;
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_gstns_error_body() {
    let mut cfg = config();
    cfg.max_body_bytes = 4096;
    let sb = sandbox(cfg).await;
    let c = logged_in(&sb).await;
    let invoices: Vec<Value> = (0..40)
        .map(|n| b2b_invoice(&format!("BIG-{n}"), "03-07-2017", "27", false))
        .collect();
    let p = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": invoices}]}),
    );
    let (status, e) = c.save(&p).await.err();
    assert_eq!(status, 413);
    assert_eq!(e.error_code.code(), "RET11406");
    assert!(e.message.contains("4096"), "{}", e.message);
    assert!(sb
        .stored_payload(receiver(), period())
        .is_none_or(|s| s.total_documents() == 0));
    sb.shutdown().await;
}

#[tokio::test]
async fn saves_take_effect_when_processed_in_acknowledgement_order() {
    let sb = sandbox(config().with_processing(std::time::Duration::from_millis(300), 1)).await;
    let c = logged_in(&sb).await;
    let add = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [b2b_invoice("Q-1", "03-07-2017", "27", false)]}]}),
    );
    let mut del = b2b_invoice("Q-1", "03-07-2017", "27", false);
    del["flag"] = json!("D");
    let remove = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [del]}]}),
    );
    let first = c.save(&add).await.ok();
    // Not processed yet: the section is still empty and RETSTATUS says IP.
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "B2B")]).await.ok()["b2b"],
        json!([])
    );
    let r1 = first["reference_id"].as_str().unwrap().to_owned();
    let st = c
        .get(paths::RETURNS, &[("action", "RETSTATUS"), ("ref_id", &r1)])
        .await
        .ok();
    assert_eq!(st["status_cd"], "IP");
    let second = c.save(&remove).await.ok();
    let (_, last) = c.wait(&r1).await;
    assert_eq!(last["status_cd"], "P");
    let (_, last) = c.wait(second["reference_id"].as_str().unwrap()).await;
    assert_eq!(last["status_cd"], "P");
    // Applied in order: added, then deleted.
    assert_eq!(
        c.get(paths::GSTR2, &[("action", "B2B")]).await.ok()["b2b"],
        json!([])
    );
    // A save still waiting is processed before the return is frozen.
    c.save(&add).await.ok();
    c.submit().await.ok();
    let got = c.get(paths::GSTR2, &[("action", "B2B")]).await.ok();
    assert_eq!(got["b2b"][0]["inv"][0]["inum"], "Q-1");
    sb.shutdown().await;
}
