//! Saved amounts whose sum is beyond what a decimal holds (about 7.9 × 10²⁸): RETSUM and
//! RETFILE answer GSTN's error naming the document, and the sandbox keeps serving (a panic in a
//! handler would drop the connection).

use gstn_proto::headers::paths;
use serde_json::{json, Value};

use crate::support::*;

/// An inter-state invoice of 5 × 10²⁸: it fits in a decimal, two of them added do not.
fn huge_invoice(inum: &str) -> Value {
    let big = |digits: &str| format!("{digits}0000000000000000000000000000.00");
    serde_json::from_str(&format!(
        r#"{{"inum": "{inum}", "idt": "03-07-2017", "val": {}, "pos": "27", "rchrg": "N",
            "inv_typ": "R",
            "itms": [{{"num": 1, "itm_det": {{"rt": 18, "txval": {}, "iamt": {}}},
                       "itc": {{"elg": "ip", "tx_i": {}}}}}]}}"#,
        big("5"),
        big("4"),
        big("1"),
        big("1")
    ))
    .expect("an invoice")
}

#[tokio::test]
async fn a_save_whose_amounts_overflow_the_summary_gets_a_gstn_error_not_a_dropped_connection() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    let p = payload(
        receiver(),
        json!({"b2b": [{"ctin": supplier_tn(), "inv": [huge_invoice("BIG-1"), huge_invoice("BIG-2")]}]}),
    );
    // Each document fits: the save stores both.
    let (_, _, last) = c.save_and_wait(&p).await;
    assert_eq!(last["status_cd"], "P", "{last}");

    // Their sum does not: RETSUM answers GSTN's error, naming the document and the supplier.
    let (status, e) = c.get(paths::GSTR2, &[("action", "RETSUM")]).await.err();
    assert_eq!(status, 409);
    assert_eq!(e.error_code.code(), "RET11403");
    assert!(e.message.contains("BIG-2"), "{}", e.message);
    assert!(e.message.contains(supplier_tn().as_str()), "{}", e.message);
    assert!(
        e.message.contains("beyond what a decimal holds") || e.message.contains("overflows"),
        "{}",
        e.message
    );
    let state = sb.summary(receiver(), period()).expect_err("no summary");
    assert_eq!(state.document.as_deref(), Some("BIG-2"));

    // The sandbox still answers on the same client: the section GET, then RETFILE after
    // submitting, which needs the summary too.
    let b2b = c.get(paths::GSTR2, &[("action", "B2B")]).await.ok();
    assert_eq!(b2b["b2b"][0]["inv"].as_array().map(Vec::len), Some(2));
    let submitted = c.submit().await.ok();
    let (_, last) = c.wait(submitted["reference_id"].as_str().unwrap()).await;
    assert_eq!(last["status_cd"], "P", "{last}");
    c.evc_otp().await.ok();
    let filed = json!({"gstin": receiver(), "ret_period": "072017", "section_summary": []});
    let (status, e) = c.file(&filed, OTP).await.err();
    assert_eq!(status, 409);
    assert_eq!(e.error_code.code(), "RET11403");
    assert!(e.message.contains("BIG-2"), "{}", e.message);

    sb.shutdown().await;
}
