//! Tests of GSTR-2B: both layouts, every section, the paged form, a quarterly 2B, the wrappers
//! around it and GSTN's error answer, and each quirk of real files; property tests that any 2B
//! the model writes reads back the same.

use chrono::NaiveDate;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use gstr2_model::codes::{
    CounterpartyInvoiceType, Indicator, IsdDocumentType, ItcAvailability, ItcUnavailableReason,
    NoteType, SourceType,
};
use gstr2_model::counterparty::CounterpartyDocument;
use gstr2_model::envelope::AnswerError;
use gstr2_model::gstr2b::{
    filing_date, Gstr2b, Gstr2bAmendedInvoice, Gstr2bAmendedIsdDocument, Gstr2bAmendedNote,
    Gstr2bB2bSupplier, Gstr2bB2baSupplier, Gstr2bBillOfEntry, Gstr2bCdnrSupplier,
    Gstr2bCdnraSupplier, Gstr2bDocuments, Gstr2bInvoice, Gstr2bIsdDocument, Gstr2bIsdSupplier,
    Gstr2bIsdaSupplier, Gstr2bItem, Gstr2bNote, Gstr2bSezSupplier, Gstr2bSupplierSummaries,
    Gstr2bSupplierSummary, ItcNode,
};
use gstr2_model::warning::Problem;
use gstr2_model::{json, Gstin, GstinError, ReturnPeriod, StateCode, TaxAmounts};

use super::properties::{code, gstin};

const V3: &str = include_str!("../fixtures/gstr2b_v3_items.json");
const V3_BOM_MINIFIED: &[u8] = include_bytes!("../fixtures/gstr2b_v3_bom_minified.json");
const V4: &str = include_str!("../fixtures/gstr2b_v4.json");
const PAGED_HEAD: &str = include_str!("../fixtures/gstr2b_paged_head.json");
const PAGED_PART1: &str = include_str!("../fixtures/gstr2b_paged_part1.json");
const PAGED_PART2: &str = include_str!("../fixtures/gstr2b_paged_part2.json");
const QUARTERLY: &str = include_str!("../fixtures/gstr2b_quarterly.json");
const QUIRKS: &str = include_str!("../fixtures/gstr2b_quirks.json");
const PROVIDER: &str = include_str!("../fixtures/gstr2b_provider.json");
const NOT_GENERATED: &str = include_str!("../fixtures/gstr2b_error_not_generated.json");

fn read(text: &str) -> Gstr2b {
    match Gstr2b::from_json(text.as_bytes()) {
        Ok(gstr2b) => gstr2b,
        Err(e) => panic!("{e}"),
    }
}

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).expect("a day")
}

/// The `data` of a fixture with the keys whose value is `""` removed: the model reads a blank
/// code (`rsn`, `srctyp`) as absent and writes it so.
fn data_without_blanks(text: &str) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(map) => {
                map.retain(|_, v| v.as_str() != Some(""));
                map.values_mut().for_each(strip);
            }
            Value::Array(list) => list.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: Value = serde_json::from_str(text).expect("JSON");
    let mut data = match v.get_mut("data") {
        Some(data) => data.take(),
        None => v,
    };
    strip(&mut data);
    data
}

fn written(gstr2b: &Gstr2b) -> Value {
    serde_json::from_str(&json::to_string(gstr2b).expect("writes")).expect("JSON")
}

#[test]
fn the_older_layout_has_amounts_in_items() {
    let gstr2b = read(V3);
    assert_eq!(
        gstr2b.checksum.as_deref(),
        Some("9f2e1c7a5b3d48e6a1c0b2d4f6e8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4")
    );
    assert_eq!(
        gstr2b.gstin.map(|g| g.to_string()).as_deref(),
        Some("27AAPFU0939F1ZV")
    );
    assert_eq!(gstr2b.return_period, ReturnPeriod::new(4, 2024));
    assert_eq!(gstr2b.version.as_deref(), Some("1.0"));
    assert_eq!(gstr2b.generated_on.as_deref(), Some("14-05-2024"));
    let invoice = &gstr2b.documents.b2b[0].invoices[0];
    assert!(!invoice.has_document_amounts());
    assert_eq!(invoice.items.len(), 2);
    assert_eq!(invoice.taxable_value().expect("sums"), d("20000"));
    assert_eq!(invoice.tax().expect("sums").igst, d("3600"));
    assert_eq!(invoice.source, Some(SourceType::EInvoice));
    assert_eq!(invoice.itc_unavailable_reason, None, "rsn \"\"");
    let intra = &gstr2b.documents.b2b[1].invoices[0];
    assert_eq!(
        intra.tax().expect("sums"),
        TaxAmounts {
            igst: d("0"),
            cgst: d("945"),
            sgst: d("945"),
            cess: d("0")
        }
    );
    assert!(gstr2b.rejected.is_empty());
    assert!(gstr2b.warnings().is_empty(), "{:?}", gstr2b.warnings());
    // The same file minified, with a byte-order mark.
    assert_eq!(Gstr2b::from_json(V3_BOM_MINIFIED).expect("reads"), gstr2b);
}

#[test]
fn the_newer_layout_has_amounts_on_documents_and_rejected_documents() {
    let gstr2b = read(V4);
    assert_eq!(gstr2b.return_period, ReturnPeriod::new(10, 2025));
    let invoice = &gstr2b.documents.b2b[0].invoices[0];
    assert!(invoice.has_document_amounts());
    assert!(invoice.items.is_empty());
    assert_eq!(
        invoice.taxable_value().expect("on the document"),
        d("40000")
    );
    assert_eq!(invoice.tax().expect("on the document").igst, d("7200"));
    assert_eq!(invoice.ims_status.as_deref(), Some("No Action"));
    let sez = &gstr2b.documents.b2b[2].invoices[0];
    assert_eq!(
        sez.invoice_type,
        Some(CounterpartyInvoiceType::SezWithPayment)
    );
    assert_eq!(sez.itc_availability, Some(ItcAvailability::No));
    assert_eq!(
        sez.itc_unavailable_reason,
        Some(ItcUnavailableReason::PlaceOfSupply)
    );
    let note = &gstr2b.documents.cdnr[0].notes[0];
    assert_eq!(note.note_type, NoteType::Credit);
    assert_eq!(note.itc_reduction_required, Some(Indicator::Yes));

    let rejected = &gstr2b.rejected.b2b[0].invoices[0];
    assert_eq!(rejected.number, "WA/2025/3310");
    assert_eq!(rejected.remarks.as_deref(), Some("Goods not received"));
    assert_eq!(gstr2b.rejected.document_count(), 2);
    let rejected_summary = gstr2b
        .rejected_supplier_summary
        .as_ref()
        .expect("cpSummRej");
    assert_eq!(rejected_summary.b2b[0].document_count, Some(1));
    assert_eq!(rejected_summary.cdnr[0].note_type, Some(NoteType::Credit));

    // ITC per section and head, available and rejected.
    let available = gstr2b.itc_available().expect("itcavl");
    let b2b = available.get(&["nonrevsup", "b2b"]).expect("listed");
    assert_eq!(b2b.taxable_value, Some(d("101000")));
    assert_eq!(b2b.tax().igst, d("16380"));
    let rejected_itc = gstr2b.itc_rejected().expect("itcRejected");
    assert_eq!(
        rejected_itc
            .get(&["nonrevsup", "cdnr"])
            .map(|n| n.tax().igst),
        Some(d("-360"))
    );
    let sections: Vec<(&str, &str)> = rejected_itc.sections().map(|(g, s, _)| (g, s)).collect();
    assert_eq!(sections, [("nonrevsup", "b2b"), ("nonrevsup", "cdnr")]);
    assert!(gstr2b.itc_reversal().is_some() && gstr2b.itc_unavailable().is_some());
    // A node the model has no name for is read and kept.
    assert!(available.get(&["imports", "impgasez"]).is_some());
    assert!(gstr2b.warnings().is_empty(), "{:?}", gstr2b.warnings());
}

#[test]
fn every_section_reads_with_one_vocabulary() {
    let gstr2b = read(V4);
    let listed: Vec<(&str, String, Option<NoteType>)> = gstr2b
        .documents
        .iter()
        .map(|d| (d.section, d.document.number().to_owned(), d.note_type))
        .collect();
    let sections: Vec<&str> = listed.iter().map(|(s, _, _)| *s).collect();
    assert_eq!(
        sections,
        [
            "b2b", "b2b", "b2b", "b2b", "b2b", "b2ba", "cdnr", "cdnr", "cdnra", "isd", "isda",
            "impg", "impg", "impgsez", "ecom", "ecoma"
        ]
    );
    assert_eq!(gstr2b.documents.document_count(), 16);
    let note_types: Vec<Option<NoteType>> = listed.iter().map(|(_, _, t)| t.clone()).collect();
    assert_eq!(
        note_types[6..9],
        [
            Some(NoteType::Credit),
            Some(NoteType::Debit),
            Some(NoteType::Debit)
        ]
    );

    let amended = &gstr2b.documents.b2ba[0].invoices[0];
    assert_eq!(amended.original(), Some(("RPM/1411", day(2025, 9, 24))));
    let isda = &gstr2b.documents.isda[0].documents[0];
    assert_eq!(isda.document_type, Some(IsdDocumentType::CreditNote));
    assert_eq!(isda.original_document_type, Some(IsdDocumentType::Invoice));
    assert_eq!(CounterpartyDocument::value(isda), None);
    let bill = &gstr2b.documents.impg[1];
    assert_eq!(bill.bill_number, "4468120");
    assert_eq!(
        CounterpartyDocument::tax(bill).expect("no sum").cess,
        d("1000")
    );
    let all: Vec<_> = gstr2b.documents.iter().collect();
    assert_eq!(all[11].supplier_gstin, None, "impg has no supplier");
    assert_eq!(
        all[13].supplier_gstin.map(Gstin::as_str),
        Some("24AAACG0569P1ZD")
    );
    assert_eq!(all[14].trade_name, Some("Instakart Services"));

    let v3 = read(V3);
    let sections: Vec<&str> = v3.documents.iter().map(|d| d.section).collect();
    assert_eq!(
        sections,
        ["b2b", "b2b", "b2b", "b2ba", "cdnr", "cdnra", "isd", "isd", "isda", "impg", "impgsez"]
    );
    let isd_note = &v3.documents.isd[0].documents[1];
    assert_eq!(isd_note.invoice_number.as_deref(), Some("ISD/24/017"));
    assert_eq!(isd_note.invoice_date, Some(day(2024, 3, 31)));
    let amended_note = &v3.documents.cdnra[0].notes[0];
    assert_eq!(amended_note.original_note_type, Some(NoteType::Debit));
    assert_eq!(amended_note.tax().expect("items").cgst, d("90"));
}

#[test]
fn fixtures_round_trip_as_values() {
    for text in [V3, V4, QUARTERLY] {
        let gstr2b = read(text);
        // A code is written in its list's spelling: `e-Invoice` as `E-Invoice`.
        let spelled = text.replace("\"e-Invoice\"", "\"E-Invoice\"");
        assert_eq!(written(&gstr2b), data_without_blanks(&spelled));
        // And through the `{"chksum", "data"}` form.
        let answer = json::to_string(&gstr2b.answer()).expect("writes");
        assert_eq!(read(&answer), gstr2b);
    }
}

#[test]
fn the_paged_form_merges_to_the_unpaged_2b() {
    let whole = read(V4);
    let head = read(PAGED_HEAD);
    assert!(head.is_paged());
    assert_eq!(head.file_count, Some(2));
    assert_eq!(head.checksum, whole.checksum);
    let part1 = read(PAGED_PART1);
    let part2 = read(PAGED_PART2);
    assert_eq!(
        (part1.file_number, part2.file_number),
        (Some(1), Some(2)),
        "2 is a string"
    );
    assert!(!part1.is_paged());
    // In either order: the parts are put in file_num order.
    assert_eq!(
        head.clone().merge_parts([part1.clone(), part2.clone()]),
        whole
    );
    assert_eq!(head.clone().merge_parts([part2, part1]), whole);
    // Without the head's summaries, the documents are the same all the same.
    let mut bare = Gstr2b::default();
    bare.merge(read(PAGED_PART1));
    bare.merge(read(PAGED_PART2));
    assert_eq!(bare.documents, whole.documents);
    assert_eq!(bare.rejected, whole.rejected);
}

#[test]
fn a_quarterly_2b_has_the_quarters_documents() {
    let gstr2b = read(QUARTERLY);
    assert_eq!(gstr2b.checksum, None, "a bare object");
    assert_eq!(gstr2b.return_period, ReturnPeriod::new(3, 2024));
    let dates: Vec<NaiveDate> = gstr2b.documents.iter().map(|d| d.document.date()).collect();
    assert_eq!(dates, [day(2024, 1, 5), day(2024, 2, 14), day(2024, 3, 20)]);
    let periods: Vec<Option<&str>> = gstr2b
        .documents
        .b2b
        .iter()
        .map(|s| s.supplier_period.as_deref())
        .collect();
    assert_eq!(periods, [Some("012024"), Some("022024"), Some("032024")]);
    // One supplier listed once a month: not a duplicate.
    assert!(gstr2b.warnings().is_empty(), "{:?}", gstr2b.warnings());
}

#[test]
fn what_real_files_look_like_is_read_and_reported() {
    let gstr2b = read(QUIRKS);
    assert_eq!(gstr2b.checksum.as_deref(), Some("q"));
    assert_eq!(
        gstr2b.version.as_deref(),
        Some("1.0"),
        "a number, as written"
    );
    let supplier = &gstr2b.documents.b2b[0];
    assert_eq!(
        supplier.supplier_filed_on.as_deref(),
        Some("11-May-24"),
        "dd-Mon-yy kept"
    );
    assert_eq!(
        supplier.supplier_filed_on.as_deref().and_then(filing_date),
        Some(day(2024, 5, 11))
    );

    let first = &supplier.invoices[0];
    let numbers: Vec<u32> = first.items.iter().map(|i| i.number).collect();
    assert_eq!(numbers, [501, 1418]);
    assert_eq!(
        first.items[1].igst.map(|v| v.to_string()).as_deref(),
        Some("69.099999999999994")
    );
    assert_eq!(
        first.items[1].rate.map(|v| v.to_string()).as_deref(),
        Some("18.0")
    );
    assert_eq!(first.items[0].cgst, None, "heads left out");
    assert_eq!(
        first.tax().expect("sums"),
        TaxAmounts {
            igst: d("87.099999999999994"),
            ..TaxAmounts::default()
        }
    );
    assert_eq!(first.taxable_value().expect("sums"), d("383.89"));
    assert_eq!(first.value.to_string(), "460.5");
    assert_eq!(
        first.invoice_type,
        Some(CounterpartyInvoiceType::SezWithPayment),
        "SEWP"
    );
    assert_eq!(first.source, Some(SourceType::EInvoice), "e-Invoice");
    assert_eq!(first.itc_unavailable_reason, None, "rsn \"\"");

    let numeric = &supplier.invoices[2];
    assert_eq!(numeric.number, "12345", "a number, read as its digits");
    assert_eq!(numeric.date, day(2019, 4, 4), "years older than the period");
    assert_eq!(
        numeric.invoice_type,
        Some(CounterpartyInvoiceType::SezWithPayment),
        "SEZWP"
    );
    assert_eq!(numeric.source, Some(SourceType::EInvoice), "EInvoice");
    assert_eq!(numeric.itc_availability, Some(ItcAvailability::Temporary));
    assert_eq!(
        numeric.itc_unavailable_reason,
        Some(ItcUnavailableReason::LateReturn)
    );
    assert_eq!(
        numeric
            .taxable_value()
            .expect("on the document")
            .to_string(),
        "1000.00"
    );

    let bare = &gstr2b.documents.b2b[2].invoices[0];
    assert_eq!(
        (
            bare.place_of_supply,
            &bare.reverse_charge,
            &bare.invoice_type,
            bare.items.len()
        ),
        (None, &None, &None, 0),
        "optional keys absent"
    );
    assert_eq!(bare.tax().expect("none"), TaxAmounts::default());

    let note = &gstr2b.documents.cdnr[0].notes[0];
    assert_eq!(note.note_type, NoteType::Credit, "\"c\"");
    assert_eq!(
        note.invoice_type,
        Some(CounterpartyInvoiceType::SezWithoutPayment),
        "SEWOP"
    );
    assert_eq!(note.source, Some(SourceType::EInvoice), "E-Invoice");
    assert_eq!(
        note.itc_unavailable_reason,
        Some(ItcUnavailableReason::PlaceOfSupply)
    );
    assert_eq!(note.tax().expect("no heads"), TaxAmounts::default());

    let bills = &gstr2b.documents.impg;
    assert_eq!(bills[0].bill_number, "2566282");
    assert_eq!(bills[1].bill_number, "7766282", "a number");
    assert_eq!(bills[1].port_code.as_deref(), Some("400001"));
    let summary = &gstr2b.supplier_summary.as_ref().expect("cpsumm").b2b;
    assert_eq!(summary[0].document_count, Some(4), "\"4\"");
    assert_eq!(summary[1].document_count, Some(1));

    let warnings = gstr2b.warnings();
    let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "cpsumm.b2b[0].ctin: GSTIN 01AABCE2207R1Z5: check character is 5, expected V",
            "cpsumm.b2b[1].ctin: GSTIN 00AAACR5055K1ZN: \"00\" is not a state code",
            "docdata.b2b[0].ctin: GSTIN 01AABCE2207R1Z5: check character is 5, expected V",
            "docdata.b2b[0].inv[1]: the same document as docdata.b2b[0].inv[0] (identical)",
            "docdata.b2b[1].ctin: GSTIN 01AABCE2207R1Z5: check character is 5, expected V",
            "docdata.b2b[1].inv[0]: the same document as docdata.b2b[0].inv[0] (with other values)",
            "docdata.b2b[2].ctin: GSTIN 00AAACR5055K1ZN: \"00\" is not a state code",
            "docdata.cdnr[0].ctin: GSTIN 24MAYAS0100J1JD: check character is D, expected 2",
        ]
    );
    assert!(matches!(
        warnings[1].problem,
        Problem::Gstin(GstinError::State { .. })
    ));
    assert!(matches!(
        warnings[3].problem,
        Problem::Duplicate {
            identical: true,
            ..
        }
    ));
    assert_eq!(gstr2b.documents.document_count(), 8, "every document kept");
}

#[test]
fn every_wrapper_reads_and_gstns_error_is_its_own() {
    let v4 = read(V4);
    let data = serde_json::to_string(&serde_json::from_str::<Value>(V4).expect("JSON")["data"])
        .expect("writes");
    // The bare object, the two key orders of GSTN's form, a provider's wrapper, indented.
    let bare = read(&data);
    assert_eq!(bare.checksum, None);
    assert_eq!(
        Gstr2b {
            checksum: v4.checksum.clone(),
            ..bare
        },
        v4
    );
    let swapped = format!(r#"{{"chksum":"c0ffee","data":{data}}}"#);
    assert_eq!(read(&swapped).checksum.as_deref(), Some("c0ffee"));
    let provider = read(PROVIDER);
    assert_eq!(provider.checksum.as_deref(), Some("aa55"));
    assert_eq!(
        provider.documents.b2b[0].invoices[0].number,
        "ST/24-25/0101"
    );
    for wrapper in ["data", "response", "result", "message"] {
        let text = format!(r#"{{"status":"Success","{wrapper}":{{"data":{data},"chksum":"x"}}}}"#);
        assert_eq!(read(&text).documents, v4.documents, "{wrapper}");
    }
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&swapped).expect("JSON"))
            .expect("writes");
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(pretty.as_bytes());
    assert_eq!(
        Gstr2b::from_json(&bom).expect("reads").documents,
        v4.documents
    );

    // GSTN's error answer: its code and message, status_cd 0 or "0", wrapped or not.
    let gstn = |text: &str| match Gstr2b::from_json(text.as_bytes()) {
        Err(AnswerError::Gstn { code, message }) => (code, message),
        other => panic!("{text}: {other:?}"),
    };
    let (code, message) = gstn(NOT_GENERATED);
    assert_eq!(code, "GTR2B-002");
    assert!(
        message.starts_with("Either there is no record for GSTR 2B"),
        "{message}"
    );
    assert_eq!(
        gstn(r#"{"status_cd":"0","error":{"message":"No document found","error_cd":"RET2B1016"}}"#),
        ("RET2B1016".to_owned(), "No document found".to_owned())
    );
    assert_eq!(
        gstn(
            r#"{"status":0,"data":{"status_cd":"0",
                "error":{"error_cd":"RTN_24","message":"queued"}}}"#
        ),
        ("RTN_24".to_owned(), "queued".to_owned())
    );
    assert_eq!(
        gstn(r#"{"status_cd":0,"err_cd":"RET2B1023","err_msg":"not generated"}"#),
        ("RET2B1023".to_owned(), "not generated".to_owned())
    );
    let err = Gstr2b::from_json(NOT_GENERATED.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("GSTN answered with error GTR2B-002: Either"),
        "{err}"
    );

    // What is not a 2B says so, with where.
    let not = |text: &str| match Gstr2b::from_json(text.as_bytes()) {
        Err(AnswerError::Json(e)) => (e.path().map(str::to_owned), e.to_string()),
        other => panic!("{text}: {other:?}"),
    };
    let (path, message) = not(r#"{"status_cd":"1","data":"c2VjcmV0","rek":"x","hmac":"y"}"#);
    assert_eq!(path.as_deref(), Some("data"));
    assert!(message.contains("still encrypted"), "{message}");
    let (path, message) = not(r#"{"foo":1}"#);
    assert_eq!(path.as_deref(), Some("."));
    assert!(message.contains("expected a GSTR-2B"), "{message}");
    assert!(not("[1,2]").1.contains("expected an object"));
    assert!(not("{\"data\":").1.contains("EOF"));
    let broken = PROVIDER.replace("\"03-04-2024\"", "\"31-02-2024\"");
    let (path, message) = not(&broken);
    assert_eq!(
        path.as_deref(),
        Some("response.data.data.docdata.b2b[0].inv[0].dt")
    );
    assert!(message.contains("no such day"), "{message}");
    assert!(not(&format!("{data} x")).1.contains("trailing"));
    // An empty object is an empty 2B.
    assert_eq!(read("{}"), Gstr2b::default());
}

// ---- property tests ------------------------------------------------------------------------

fn date() -> impl Strategy<Value = NaiveDate> {
    (2017i32..=2026, 1u32..=12, 1u32..=28).prop_map(|(y, m, dd)| day(y, m, dd))
}

fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-100_000_000i64..100_000_000).prop_map(|cents| Decimal::new(cents, 2)),
        (0i64..1_000_000).prop_map(Decimal::from),
        (0i64..1_000_000_000_000_000).prop_map(|n| Decimal::new(n, 15)),
    ]
}

fn opt_amount() -> impl Strategy<Value = Option<Decimal>> {
    option::of(amount())
}

fn heads() -> impl Strategy<Value = [Option<Decimal>; 4]> {
    [opt_amount(), opt_amount(), opt_amount(), opt_amount()]
}

fn text() -> impl Strategy<Value = String> {
    "[A-Z0-9][A-Za-z0-9/ -]{0,12}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

/// A code of a list, or another code that is none of its spellings.
fn sent<
    T: std::str::FromStr<Err = std::convert::Infallible> + std::fmt::Debug + Clone + 'static,
>(
    codes: &'static [&'static str],
) -> impl Strategy<Value = Option<T>> {
    option::of(prop_oneof![
        4 => code::<T>(codes),
        1 => "Q[0-9]{1,2}".prop_map(|s| s.parse::<T>().unwrap_or_else(|never| match never {})),
    ])
}

fn state() -> impl Strategy<Value = Option<StateCode>> {
    option::of((1u8..=38).prop_map(|n| StateCode::new(n).expect("01-38")))
}

fn item() -> impl Strategy<Value = Gstr2bItem> {
    (1u32..5000, opt_amount(), opt_amount(), heads()).prop_map(
        |(number, rate, taxable_value, [igst, cgst, sgst, cess])| Gstr2bItem {
            number,
            rate,
            taxable_value,
            igst,
            cgst,
            sgst,
            cess,
        },
    )
}

/// What every invoice and note of 2B has beyond its own fields.
#[derive(Clone, Debug)]
struct Common {
    value: Decimal,
    place_of_supply: Option<StateCode>,
    reverse_charge: Option<Indicator>,
    itc_availability: Option<ItcAvailability>,
    itc_unavailable_reason: Option<ItcUnavailableReason>,
    diff_percent: Option<Decimal>,
    source: Option<SourceType>,
    irn: Option<String>,
    irn_date: Option<String>,
    ims_status: Option<String>,
    itc_reduction_required: Option<Indicator>,
    remarks: Option<String>,
    taxable_value: Option<Decimal>,
    heads: [Option<Decimal>; 4],
    items: Vec<Gstr2bItem>,
}

fn common() -> impl Strategy<Value = Common> {
    let layout = prop_oneof![
        (Just(None), Just([None; 4]), vec(item(), 0..3)),
        (opt_amount(), heads(), Just(Vec::new())),
    ];
    (
        (
            amount(),
            state(),
            sent(Indicator::CODES),
            sent(ItcAvailability::CODES),
        ),
        (
            sent(ItcUnavailableReason::CODES),
            option::of(prop_oneof![Just(Decimal::ONE), Just(Decimal::new(65, 2))]),
            sent(SourceType::CODES),
        ),
        (
            opt_text(),
            option::of(date().prop_map(|d| d.format("%d-%m-%Y").to_string())),
        ),
        (opt_text(), sent(Indicator::CODES), opt_text()),
        layout,
    )
        .prop_map(|(a, b, c, e, (taxable_value, heads, items))| Common {
            value: a.0,
            place_of_supply: a.1,
            reverse_charge: a.2,
            itc_availability: a.3,
            itc_unavailable_reason: b.0,
            diff_percent: b.1,
            source: b.2,
            irn: c.0,
            irn_date: c.1,
            ims_status: e.0,
            itc_reduction_required: e.1,
            remarks: e.2,
            taxable_value,
            heads,
            items,
        })
}

macro_rules! with_common {
    ($t:ident { $($f:ident: $v:expr),* $(,)? }, $c:expr) => {{
        let c: Common = $c;
        let [igst, cgst, sgst, cess] = c.heads;
        $t {
            $($f: $v,)*
            value: c.value,
            place_of_supply: c.place_of_supply,
            reverse_charge: c.reverse_charge,
            itc_availability: c.itc_availability,
            itc_unavailable_reason: c.itc_unavailable_reason,
            diff_percent: c.diff_percent,
            source: c.source,
            irn: c.irn,
            irn_date: c.irn_date,
            ims_status: c.ims_status,
            itc_reduction_required: c.itc_reduction_required,
            remarks: c.remarks,
            taxable_value: c.taxable_value,
            igst,
            cgst,
            sgst,
            cess,
            items: c.items,
        }
    }};
}

fn invoice() -> impl Strategy<Value = Gstr2bInvoice> {
    (
        text(),
        sent(CounterpartyInvoiceType::CODES),
        date(),
        common(),
    )
        .prop_map(|(number, invoice_type, date, c)| {
            with_common!(
                Gstr2bInvoice {
                    number: number,
                    invoice_type: invoice_type,
                    date: date
                },
                c
            )
        })
}

fn amended_invoice() -> impl Strategy<Value = Gstr2bAmendedInvoice> {
    (
        text(),
        sent(CounterpartyInvoiceType::CODES),
        date(),
        text(),
        date(),
        common(),
    )
        .prop_map(
            |(number, invoice_type, date, original_number, original_date, c)| {
                with_common!(
                    Gstr2bAmendedInvoice {
                        number: number,
                        invoice_type: invoice_type,
                        date: date,
                        original_number: original_number,
                        original_date: original_date,
                    },
                    c
                )
            },
        )
}

fn note() -> impl Strategy<Value = Gstr2bNote> {
    (
        text(),
        code::<NoteType>(NoteType::CODES),
        sent(CounterpartyInvoiceType::CODES),
        date(),
        common(),
    )
        .prop_map(|(number, note_type, invoice_type, date, c)| {
            with_common!(
                Gstr2bNote {
                    number: number,
                    note_type: note_type,
                    invoice_type: invoice_type,
                    date: date,
                },
                c
            )
        })
}

fn amended_note() -> impl Strategy<Value = Gstr2bAmendedNote> {
    (
        (
            text(),
            code::<NoteType>(NoteType::CODES),
            sent(CounterpartyInvoiceType::CODES),
            date(),
        ),
        (
            option::of(code::<NoteType>(NoteType::CODES)),
            text(),
            date(),
        ),
        common(),
    )
        .prop_map(
            |((number, note_type, invoice_type, date), (ont, onum, odate), c)| {
                with_common!(
                    Gstr2bAmendedNote {
                        number: number,
                        note_type: note_type,
                        invoice_type: invoice_type,
                        date: date,
                        original_note_type: ont,
                        original_number: onum,
                        original_date: odate,
                    },
                    c
                )
            },
        )
}

type IsdParts = (
    Option<IsdDocumentType>,
    String,
    NaiveDate,
    Option<String>,
    Option<NaiveDate>,
    [Option<Decimal>; 4],
    Option<ItcAvailability>,
);

fn isd_parts() -> impl Strategy<Value = IsdParts> {
    (
        sent(IsdDocumentType::CODES),
        text(),
        date(),
        opt_text(),
        option::of(date()),
        heads(),
        sent(ItcAvailability::CODES),
    )
}

fn isd() -> impl Strategy<Value = Gstr2bIsdDocument> {
    isd_parts().prop_map(
        |(t, number, date, inum, idt, [igst, cgst, sgst, cess], elg)| Gstr2bIsdDocument {
            document_type: t,
            number,
            date,
            invoice_number: inum,
            invoice_date: idt,
            igst,
            cgst,
            sgst,
            cess,
            itc_eligible: elg,
        },
    )
}

fn isda() -> impl Strategy<Value = Gstr2bAmendedIsdDocument> {
    (isd_parts(), sent(IsdDocumentType::CODES), text(), date()).prop_map(
        |((t, number, date, inum, idt, [igst, cgst, sgst, cess], elg), ot, onum, odate)| {
            Gstr2bAmendedIsdDocument {
                document_type: t,
                number,
                date,
                invoice_number: inum,
                invoice_date: idt,
                original_document_type: ot,
                original_number: onum,
                original_date: odate,
                igst,
                cgst,
                sgst,
                cess,
                itc_eligible: elg,
            }
        },
    )
}

fn bill() -> impl Strategy<Value = Gstr2bBillOfEntry> {
    (
        (opt_text(), opt_text(), option::of("IN[A-Z]{3}[0-9]")),
        ("[0-9]{7}", date(), sent(Indicator::CODES)),
        (opt_amount(), opt_amount(), opt_amount()),
    )
        .prop_map(
            |((refdt, recdt, port), (number, date, amended), (txval, igst, cess))| {
                Gstr2bBillOfEntry {
                    reference_date: refdt,
                    received_on: recdt,
                    port_code: port,
                    bill_number: number,
                    bill_date: date,
                    amended,
                    taxable_value: txval,
                    igst,
                    cess,
                }
            },
        )
}

/// The fields of a supplier entry: GSTIN, trade name, filing date, period.
fn supplier_head() -> impl Strategy<Value = (Gstin, Option<String>, Option<String>, Option<String>)>
{
    (
        gstin(),
        opt_text(),
        option::of("[0-9]{2}-[A-Z][a-z]{2}-[0-9]{2}"),
        option::of("[0-9]{6}"),
    )
}

macro_rules! suppliers {
    ($t:ident, $field:ident, $doc:expr) => {
        vec(
            (supplier_head(), vec($doc, 0..3)).prop_map(|((g, trade, filed, period), docs)| $t {
                supplier_gstin: g,
                trade_name: trade,
                supplier_filed_on: filed,
                supplier_period: period,
                $field: docs,
            }),
            0..3,
        )
    };
}

fn documents() -> impl Strategy<Value = Gstr2bDocuments> {
    (
        (
            suppliers!(Gstr2bB2bSupplier, invoices, invoice()),
            suppliers!(Gstr2bB2baSupplier, invoices, amended_invoice()),
            suppliers!(Gstr2bCdnrSupplier, notes, note()),
            suppliers!(Gstr2bCdnraSupplier, notes, amended_note()),
            suppliers!(Gstr2bIsdSupplier, documents, isd()),
        ),
        (
            suppliers!(Gstr2bIsdaSupplier, documents, isda()),
            vec(bill(), 0..3),
            suppliers!(Gstr2bSezSupplier, bills, bill()),
            suppliers!(Gstr2bB2bSupplier, invoices, invoice()),
            suppliers!(Gstr2bB2baSupplier, invoices, amended_invoice()),
        ),
    )
        .prop_map(
            |((b2b, b2ba, cdnr, cdnra, isd), (isda, impg, impgsez, ecom, ecoma))| Gstr2bDocuments {
                b2b,
                b2ba,
                cdnr,
                cdnra,
                isd,
                isda,
                impg,
                impgsez,
                ecom,
                ecoma,
                other_sections: Default::default(),
            },
        )
}

fn itc_node() -> impl Strategy<Value = ItcNode> {
    let leaf = (
        opt_amount(),
        heads(),
        btree_map("ttl|tcs_amt", amount(), 0..2),
    )
        .prop_map(|(txval, [igst, cgst, sgst, cess], other_amounts)| ItcNode {
            taxable_value: txval,
            igst,
            cgst,
            sgst,
            cess,
            other_amounts,
            children: Default::default(),
        });
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            inner,
            btree_map(
                "itcavl|itcRejected|nonrevsup|b2b|cdnr|isdsup|impgsez",
                itc_node_leafless(),
                0..4,
            ),
        )
            .prop_map(|(mut node, children)| {
                node.children = children;
                node
            })
    })
}

/// A node with no amounts of its own, as the upper levels often are.
fn itc_node_leafless() -> impl Strategy<Value = ItcNode> {
    (opt_amount(), heads()).prop_map(|(txval, [igst, cgst, sgst, cess])| ItcNode {
        taxable_value: txval,
        igst,
        cgst,
        sgst,
        cess,
        ..ItcNode::default()
    })
}

fn summary_row() -> impl Strategy<Value = Gstr2bSupplierSummary> {
    (
        (
            option::of(gstin()),
            opt_text(),
            option::of("[0-9]{6}"),
            opt_text(),
        ),
        (
            option::of(code::<NoteType>(NoteType::CODES)),
            sent(IsdDocumentType::CODES),
            opt_text(),
        ),
        (option::of(0u64..10_000), opt_amount(), heads()),
    )
        .prop_map(
            |(
                (g, trade, period, filed),
                (nt, dt, port),
                (count, txval, [igst, cgst, sgst, cess]),
            )| {
                Gstr2bSupplierSummary {
                    supplier_gstin: g,
                    trade_name: trade,
                    supplier_period: period,
                    supplier_filed_on: filed,
                    note_type: nt,
                    document_type: dt,
                    port_code: port,
                    document_count: count,
                    taxable_value: txval,
                    igst,
                    cgst,
                    sgst,
                    cess,
                }
            },
        )
}

fn summaries() -> impl Strategy<Value = Option<Gstr2bSupplierSummaries>> {
    option::of(
        (
            vec(summary_row(), 0..2),
            vec(summary_row(), 0..2),
            vec(summary_row(), 0..2),
        )
            .prop_map(|(b2b, cdnr, isd)| Gstr2bSupplierSummaries {
                b2b,
                cdnr,
                isd,
                ..Default::default()
            }),
    )
}

pub(super) fn gstr2b() -> impl Strategy<Value = Gstr2b> {
    (
        (
            option::of(gstin()),
            option::of(
                (1u8..=12, 2017u16..=2030)
                    .prop_map(|(m, y)| ReturnPeriod::new(m, y).expect("valid")),
            ),
            option::of(Just("1.0".to_owned())),
            option::of(date().prop_map(|d| d.format("%d-%m-%Y").to_string())),
        ),
        (
            option::of(1u32..10),
            option::of(1u32..10),
            option::of(itc_node()),
        ),
        (summaries(), summaries(), documents(), documents()),
    )
        .prop_map(
            |((gstin, period, version, gendt), (fc, file, itc), (cp, cprej, docs, rej))| Gstr2b {
                checksum: None,
                gstin,
                return_period: period,
                version,
                generated_on: gendt,
                file_count: fc,
                file_number: file,
                itc_summary: itc,
                supplier_summary: cp,
                rejected_supplier_summary: cprej,
                documents: docs,
                rejected: rej,
            },
        )
}

/// Splits every section of `docs` at `at` (modulo its length) into two.
fn split(docs: &Gstr2bDocuments, at: usize) -> (Gstr2bDocuments, Gstr2bDocuments) {
    fn cut<T: Clone>(list: &[T], at: usize) -> (Vec<T>, Vec<T>) {
        let at = if list.is_empty() {
            0
        } else {
            at % (list.len() + 1)
        };
        (list[..at].to_vec(), list[at..].to_vec())
    }
    let mut a = Gstr2bDocuments::default();
    let mut b = Gstr2bDocuments::default();
    (a.b2b, b.b2b) = cut(&docs.b2b, at);
    (a.b2ba, b.b2ba) = cut(&docs.b2ba, at);
    (a.cdnr, b.cdnr) = cut(&docs.cdnr, at);
    (a.cdnra, b.cdnra) = cut(&docs.cdnra, at);
    (a.isd, b.isd) = cut(&docs.isd, at);
    (a.isda, b.isda) = cut(&docs.isda, at);
    (a.impg, b.impg) = cut(&docs.impg, at);
    (a.impgsez, b.impgsez) = cut(&docs.impgsez, at);
    (a.ecom, b.ecom) = cut(&docs.ecom, at);
    (a.ecoma, b.ecoma) = cut(&docs.ecoma, at);
    (a, b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any 2B the model writes reads back the same, bare or in any of GSTN's and providers'
    /// wrappers, minified or indented, with or without a byte-order mark.
    #[test]
    fn a_2b_reads_back_as_written(
        original in gstr2b(),
        wrapper in 0usize..4,
        pretty in any::<bool>(),
        bom in any::<bool>(),
    ) {
        let write = if pretty {
            json::to_string_pretty::<Gstr2b>
        } else {
            json::to_string::<Gstr2b>
        };
        let data = write(&original);
        let data = data.expect("writes");
        let (text, checksum) = match wrapper {
            0 => (data, None),
            1 => (format!(r#"{{"data":{data},"chksum":"abc"}}"#), Some("abc")),
            2 => (format!(r#"{{"chksum":"abc","data":{data}}}"#), Some("abc")),
            _ => {
                let inner = format!(r#"{{"chksum":"abc","data":{data}}}"#);
                let outer =
                    format!(r#"{{"status":1,"response":{{"status_cd":"1","data":{inner}}}}}"#);
                (outer, Some("abc"))
            }
        };
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend_from_slice(text.as_bytes());
        let read = Gstr2b::from_json(&bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let expected = Gstr2b { checksum: checksum.map(str::to_owned), ..original.clone() };
        prop_assert_eq!(&read, &expected);
        // Written through the answer form, the checksum comes back too.
        let answer = json::to_string(&expected.answer()).expect("writes");
        let back = Gstr2b::from_json(answer.as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, expected);
    }

    /// A 2B split into a head and two parts merges back to the same 2B.
    #[test]
    fn a_paged_2b_merges_back(original in gstr2b(), at in 0usize..4) {
        let original = Gstr2b { file_count: None, file_number: None, ..original };
        let (first, second) = split(&original.documents, at);
        let (rejected_first, rejected_second) = split(&original.rejected, at + 1);
        let head = Gstr2b {
            file_count: Some(2),
            documents: Gstr2bDocuments::default(),
            rejected: Gstr2bDocuments::default(),
            ..original.clone()
        };
        let part = |n: u32, documents, rejected| Gstr2b {
            return_period: original.return_period,
            file_number: Some(n),
            documents,
            rejected,
            ..Gstr2b::default()
        };
        let parts = [part(2, second, rejected_second), part(1, first, rejected_first)];
        let written: Vec<Vec<u8>> =
            parts.iter().map(|p| json::to_vec(p).expect("writes")).collect();
        let read: Vec<Gstr2b> = written
            .iter()
            .map(|bytes| Gstr2b::from_json(bytes))
            .collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(head.merge_parts(read), original);
    }
}

#[test]
fn sections_gstr2_does_not_model_are_kept_written_back_and_named() {
    let text = br#"{"data":{"gstin":"27AAPFU0939F1ZV","rtnprd":"042024","docdata":{
      "impga":[{"refdt":"01-04-2024","boenum":"7","igst":10.50}],
      "b2b":[]},"docRejdata":{"itcrev":{"x":1}}},"chksum":"c"}"#;
    let gstr2b = Gstr2b::from_json(text).expect("reads");
    let other = &gstr2b.documents.other_sections;
    assert_eq!(other.names().collect::<Vec<_>>(), ["impga"]);
    assert_eq!(
        other.get("impga"),
        Some(r#"[{"refdt":"01-04-2024","boenum":"7","igst":10.50}]"#)
    );
    let warnings: Vec<String> = gstr2b.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "docdata.impga: a section gstr2 does not model, kept as read but not reconciled",
            "docRejdata.itcrev: a section gstr2 does not model, kept as read but not reconciled",
        ]
    );
    // Written back as read.
    let written: serde_json::Value =
        serde_json::from_str(&gstr2b_model_json(&gstr2b)).expect("JSON");
    assert_eq!(
        written["docdata"]["impga"][0]["igst"].to_string(),
        "10.50",
        "{written}"
    );
    // Parts of a paged 2B join their arrays.
    let mut head = Gstr2b::from_json(br#"{"rtnprd":"042024","fc":2}"#).expect("reads");
    for part in [
        &br#"{"rtnprd":"042024","file_num":1,"docdata":{"impga":[{"boenum":"1"}]}}"#[..],
        &br#"{"rtnprd":"042024","file_num":2,"docdata":{"impga":[ {"boenum":"2"} ]}}"#[..],
    ] {
        head.merge(Gstr2b::from_json(part).expect("reads"));
    }
    assert_eq!(
        head.documents.other_sections.get("impga"),
        Some(r#"[{"boenum":"1"},{"boenum":"2"}]"#)
    );
}

/// The 2B as the model writes it (its `{chksum, data}` answer form, or bare).
fn gstr2b_model_json(gstr2b: &Gstr2b) -> String {
    gstr2_model::json::to_string(gstr2b).expect("writes")
}
