use std::mem::size_of;

use gstr2_model::gstr2a::{Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aInvoice, Gstr2aNote};
use gstr2_model::tables::b2b::B2bInvoice;
use gstr2_model::tables::b2ba::B2baInvoice;
use gstr2_model::tables::cdn::CreditDebitNote;
use gstr2_model::tables::cdna::CreditDebitNoteAmendment;
use gstr2_model::Item;

use super::build::{with_itc, OwnItems};
use super::*;

fn item(rate: i64, itc: Option<i64>) -> Item {
    let mut i: Item = gstr2_model::json::from_str(&format!(
        r#"{{"num":1,"itm_det":{{"rt":{rate},"txval":100,"iamt":1}}}}"#
    ))
    .expect("valid item");
    i.itc = itc.map(|v| {
        let text = format!(r#"{{"elg":"ip","tx_i":{v}}}"#);
        Box::new(gstr2_model::json::from_str(&text).expect("valid itc"))
    });
    i
}

#[test]
fn each_taxpayer_item_lends_its_itc_once_at_the_same_rate() {
    for n in [1, 3, 64, 65, 130] {
        let own: Vec<Item> = (0..n).map(|k| item(18, Some(k))).collect();
        let mut cp: Vec<Item> = (0..n).map(|_| item(18, None)).collect();
        cp.push(item(18, None));
        cp.push(item(5, None));
        let out = with_itc(cp, Some(OwnItems::Lent(&own)));
        for (k, i) in out.iter().take(n as usize).enumerate() {
            assert_eq!(i.itc, own[k].itc, "{n} items, item {k}");
        }
        assert_eq!(out[n as usize].itc, None, "no taxpayer item left at 18");
        assert_eq!(out[n as usize + 1].itc, None, "no taxpayer item at 5");
        // Given-up items lend the same ITC by moving it out.
        let mut given_up = own.clone();
        let cp: Vec<Item> = (0..=n).map(|_| item(18, None)).collect();
        let moved = with_itc(cp, Some(OwnItems::Owned(&mut given_up)));
        assert_eq!(&moved[..n as usize], &out[..n as usize], "{n} items moved");
        assert!(
            given_up.iter().all(|i| i.itc.is_none()),
            "{n} items moved out"
        );
    }
    let out = with_itc(
        vec![item(5, None), item(18, None)],
        Some(OwnItems::Lent(&[item(18, Some(7)), item(5, None)])),
    );
    assert_eq!(out[0].itc, None, "the item at 5 claims no ITC");
    assert_eq!(
        out[1].itc,
        Some(Box::new(
            gstr2_model::json::from_str(r#"{"elg":"ip","tx_i":7}"#).expect("valid")
        ))
    );
}

#[test]
fn given_up_blocks_are_pooled_in_their_own_memory() {
    assert_eq!(size_of::<Option<B2bInvoice>>(), size_of::<B2bInvoice>());
    assert_eq!(size_of::<Option<B2baInvoice>>(), size_of::<B2baInvoice>());
    assert_eq!(
        size_of::<Option<CreditDebitNote>>(),
        size_of::<CreditDebitNote>()
    );
    assert_eq!(
        size_of::<Option<CreditDebitNoteAmendment>>(),
        size_of::<CreditDebitNoteAmendment>()
    );
    assert_eq!(
        size_of::<Option<Gstr2aInvoice>>(),
        size_of::<Gstr2aInvoice>()
    );
    assert_eq!(
        size_of::<Option<Gstr2aAmendedInvoice>>(),
        size_of::<Gstr2aAmendedInvoice>()
    );
    assert_eq!(size_of::<Option<Gstr2aNote>>(), size_of::<Gstr2aNote>());
    assert_eq!(
        size_of::<Option<Gstr2aAmendedNote>>(),
        size_of::<Gstr2aAmendedNote>()
    );
}

fn inputs_of(register: &str, gstr2a: &str) -> (Gstr2Payload, Gstr2a) {
    (
        gstr2_model::json::from_str(register).expect("valid register"),
        gstr2_model::json::from_str(gstr2a).expect("valid GSTR2A"),
    )
}

fn inputs<'a>(register: &'a Gstr2Payload, gstr2a: &'a Gstr2a) -> Reconciler<'a> {
    Reconciler::new(register, gstr2a)
}

const REGISTER: &str = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[{"ctin":"33GSPTN4811G1ZC",
    "inv":[{"inum":"S1","idt":"24-07-2017","val":118,"pos":"27","rchrg":"N",
    "itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#;
const GSTR2A: &str = r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","inv":[{"chksum":"c",
    "inum":"S2","idt":"24-07-2017","val":118,"rchrg":"N",
    "itms":[{"num":1,"itm_det":{"rt":18,"txval":100,"iamt":18}}]}]}]}"#;

#[test]
fn a_report_or_plan_from_other_inputs_is_refused_naming_the_document() {
    let (reg, a) = inputs_of(REGISTER, GSTR2A);
    let inputs = inputs(&reg, &a);
    let report = inputs.run().expect("reconciled");
    // Read back from JSON, the report no longer knows where its documents sit.
    let text = serde_json::to_string(&report).expect("serialized");
    let read_back: Report = serde_json::from_str(&text).expect("read back");
    let e = save_payloads(&inputs, &read_back).expect_err("not from these inputs");
    assert!(
        matches!(&e, PayloadError::NotFromTheseInputs { side: "own", key, .. } if key.number == "S1"),
        "{e}"
    );
    assert!(e.to_string().contains("S1"), "{e}");
    // Another register with another document at the same place.
    let other = REGISTER.replace("\"S1\"", "\"S9\"");
    let (reg2, a2) = inputs_of(&other, GSTR2A);
    let e = into_save_payloads(reg2.clone(), a2.clone(), None, &report)
        .expect_err("not from these inputs");
    assert!(
        matches!(&e, PayloadError::NotFromTheseInputs { side: "own", key, .. } if key.number == "S1"),
        "{e}"
    );
    let plan = PayloadPlan::of(&report);
    assert_eq!(plan.len(), 2);
    let e = plan
        .into_payloads(reg2, a2, None)
        .expect_err("not from these inputs");
    assert!(
        matches!(
            &e,
            PayloadError::PlanNotFromTheseInputs {
                side: "own",
                result: 0,
                section: "b2b"
            }
        ),
        "{e}"
    );
}

#[test]
fn a_counterparty_invoice_without_any_place_of_supply_is_refused() {
    // A GSTR2A invoice with no pos, no register side, and a supplier GSTIN whose state
    // code is not a state (a UN body's "99").
    let gstr2a = GSTR2A.replace("33GSPTN4811G1ZC", "9917UNO00001OSQ");
    let (reg, a) = inputs_of(REGISTER, &gstr2a);
    let inputs = inputs(&reg, &a);
    let report = inputs.run().expect("reconciled");
    match save_payloads(&inputs, &report) {
        Err(PayloadError::NoPlaceOfSupply { key }) => assert_eq!(key.number, "S2"),
        other => panic!("expected NoPlaceOfSupply, got {other:?}"),
    }
}

/// The size [`PayloadPlan`]'s docs give per result that sends a document, on 64-bit targets.
#[cfg(target_pointer_width = "64")]
#[test]
fn a_planned_result_is_the_documented_size() {
    assert_eq!(size_of::<Planned>(), 64);
}
