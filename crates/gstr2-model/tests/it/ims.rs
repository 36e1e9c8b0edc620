//! Tests of IMS: the GETINV records of every section, the portal's download, GETCNT, the SAVE
//! and RESET bodies and the REQSTS answer; property tests that what the model writes reads back
//! the same.

use chrono::NaiveDate;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use gstr2_model::codes::{
    CounterpartyInvoiceType, FilingStatus, ImsAction, ImsRequestState, ImsRequestType, ImsSection,
    Indicator, NoteType,
};
use gstr2_model::counterparty::CounterpartyDocument;
use gstr2_model::envelope::AnswerError;
use gstr2_model::ims::{
    ImsActionCounts, ImsAmendedInvoice, ImsAmendedNote, ImsCountGroup, ImsCounts, ImsErrorDocument,
    ImsInvoice, ImsNote, ImsRecordError, ImsRecords, ImsRequestStatus, ImsSaveRequest,
};
use gstr2_model::warning::Problem;
use gstr2_model::{json, Gstin, StateCode};

use super::properties::{code, gstin};

const RECORDS: &str = include_str!("../fixtures/ims_records.json");
const PORTAL: &str = include_str!("../fixtures/ims_portal.json");
const GETCNT: &str = include_str!("../fixtures/ims_getcnt.json");
const SAVE: &str = include_str!("../fixtures/ims_save.json");
const RESET: &str = include_str!("../fixtures/ims_reset.json");
const REQSTS: &str = include_str!("../fixtures/ims_reqsts.json");

fn records(text: &str) -> ImsRecords {
    match ImsRecords::from_json(text.as_bytes()) {
        Ok(records) => records,
        Err(e) => panic!("{e}"),
    }
}

fn d(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).expect("a day")
}

fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

#[test]
fn getinv_records_of_every_section_read() {
    let ims = records(RECORDS);
    assert_eq!(
        ims,
        json::from_str::<ImsRecords>(RECORDS).expect("a bare object")
    );
    assert_eq!(
        ims.gstin.map(|g| g.to_string()).as_deref(),
        Some("27AAPFU0939F1ZV")
    );

    // A published sample record, as GSTN sent it.
    let sample = &ims.b2b[0];
    assert_eq!(sample.supplier_gstin.as_str(), "24MAYAS0100J1JD");
    assert_eq!(
        (sample.number.as_str(), sample.date),
        ("b1", day(2023, 1, 23))
    );
    assert_eq!(sample.invoice_type, Some(CounterpartyInvoiceType::Regular));
    assert_eq!(sample.action(), ImsAction::Reject);
    assert_eq!(sample.pending_blocked, Some(Indicator::No));
    assert_eq!(sample.source_form.as_deref(), Some("R1"));
    assert_eq!(sample.supplier_period.as_deref(), Some("012023"));
    assert_eq!(sample.supplier_filing_status, Some(FilingStatus::NotFiled));
    assert_eq!(sample.place_of_supply, StateCode::new(24));
    assert_eq!(sample.taxable_value().expect("no sum"), d("100"));
    assert_eq!(sample.tax().expect("no sum").sgst, d("20"));
    assert!(sample.hash.as_deref().is_some_and(|h| h.len() == 64));

    // The older name of the pending flag; heads left out.
    let older = &ims.b2b[1];
    assert_eq!(older.pending_blocked, Some(Indicator::No));
    assert_eq!((older.cgst, older.sgst, older.cess), (None, None, None));
    assert_eq!(older.tax().expect("no sum").cgst, Decimal::ZERO);
    assert_eq!(
        ims.b2b[2].invoice_type,
        Some(CounterpartyInvoiceType::SezWithPayment)
    );
    assert_eq!(ims.b2b[2].value.to_string(), "9440.00");

    let amended = &ims.b2ba[0];
    assert_eq!(amended.original(), Some(("RPM/1411", day(2025, 9, 24))));
    assert_eq!(amended.action(), ImsAction::Pending);
    assert_eq!(ims.b2bcn[0].pending_blocked, Some(Indicator::Yes));
    assert_eq!(
        ims.b2bcna[0].original(),
        Some(("CN/0198", day(2025, 9, 12)))
    );
    assert_eq!(ims.b2bdna[0].tax().expect("no sum").cgst, d("90"));

    let listed: Vec<(&str, Option<NoteType>)> =
        ims.iter().map(|r| (r.section, r.note_type)).collect();
    assert_eq!(
        listed,
        [
            ("b2b", None),
            ("b2b", None),
            ("b2b", None),
            ("b2ba", None),
            ("b2bcn", Some(NoteType::Credit)),
            ("b2bcna", Some(NoteType::Credit)),
            ("b2bdn", Some(NoteType::Debit)),
            ("b2bdna", Some(NoteType::Debit)),
            ("ecom", None),
            ("ecoma", None),
        ]
    );
    assert_eq!(ims.document_count(), 10);
    assert_eq!(
        ims.iter()
            .next()
            .and_then(|r| r.supplier_gstin)
            .map(Gstin::as_str),
        Some("24MAYAS0100J1JD")
    );

    let warnings: Vec<String> = ims.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["b2b[0].stin: GSTIN 24MAYAS0100J1JD: check character is D, expected 2"]
    );

    // JSON → model → JSON, as values (the older flag name written as the newer).
    let written = value(&json::to_string(&ims).expect("writes"));
    assert_eq!(
        written,
        value(&RECORDS.replace("ispendactnallwd", "ispendactblocked"))
    );
}

#[test]
fn the_portals_download_reads_with_its_spellings() {
    let ims = records(PORTAL);
    assert_eq!(ims.b2b.len(), 3);
    let first = &ims.b2b[0];
    assert_eq!(first.trade_name.as_deref(), Some("Sundaram Traders"));
    assert_eq!(
        first.supplier_filing_status,
        Some(FilingStatus::Filed),
        "FILED"
    );
    let saved = &ims.b2b[2];
    assert_eq!(
        saved.supplier_filing_status,
        Some(FilingStatus::Saved),
        "SAVED"
    );
    assert_eq!(saved.action(), ImsAction::NoAction, "No Action");
    assert_eq!(
        saved.invoice_type,
        Some(CounterpartyInvoiceType::SezWithPayment),
        "SEWP"
    );
    assert_eq!(saved.source_form.as_deref(), Some("IFF"));
    // `cn` and `dn`, the older keys.
    assert_eq!(ims.b2bcn[0].number, "CN/0241");
    let debit = &ims.b2bdn[0];
    assert_eq!(debit.number, "DN/88");
    assert_eq!(debit.supplier_filing_status, Some(FilingStatus::NotFiled));
    assert_eq!(
        (&debit.invoice_type, debit.place_of_supply, &debit.hash),
        (&None, None, &None)
    );
    assert_eq!(
        ims.iter()
            .map(|r| r.trade_name)
            .filter(Option::is_some)
            .count(),
        4
    );

    let warnings: Vec<String> = ims.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "b2b[1]: the same document as b2b[0] (identical)",
            "b2b[2].stin: GSTIN 00AAACR5055K1ZN: \"00\" is not a state code",
        ]
    );
    // Written with today's keys and spellings, it reads back the same.
    let text = json::to_string(&ims).expect("writes");
    assert!(
        text.contains("\"b2bcn\"") && text.contains("\"srcfilstatus\":\"Filed\""),
        "{text}"
    );
    assert_eq!(records(&text), ims);
}

#[test]
fn wrappers_and_gstns_error_around_records() {
    let ims = records(RECORDS);
    assert_eq!(records(&format!(r#"{{"data":{RECORDS}}}"#)), ims);
    assert_eq!(
        records(&format!(
            r#"{{"status":1,"response":{{"imsDetails":{RECORDS}}}}}"#
        )),
        ims
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(RECORDS.as_bytes());
    assert_eq!(ImsRecords::from_json(&bom).expect("reads"), ims);
    assert_eq!(records("{}"), ImsRecords::default());

    match ImsRecords::from_json(
        br#"{"status_cd":"0","error":{"error_cd":"IMS2005","message":"no change"}}"#,
    ) {
        Err(AnswerError::Gstn { code, message }) => {
            assert_eq!((code.as_str(), message.as_str()), ("IMS2005", "no change"))
        }
        other => panic!("{other:?}"),
    }
    // A large answer's token is not records.
    let err = ImsRecords::from_json(br#"{"token":"c2e1","est":"2"}"#).unwrap_err();
    assert!(err.to_string().contains("expected IMS records"), "{err}");
    let broken = RECORDS.replace("\"23-01-2023\"", "\"23-13-2023\"");
    let err = ImsRecords::from_json(format!(r#"{{"data":{broken}}}"#).as_bytes()).unwrap_err();
    assert_eq!(err.path(), Some("data.b2b[0].idt"));
}

#[test]
fn save_and_reset_bodies_are_the_records_with_their_actions() {
    let ims = records(RECORDS);
    let rtin: Gstin = "27AAPFU0939F1ZV".parse().expect("valid");

    let mut save = ImsRecords::default();
    save.b2b.push(ims.b2b[1].to_save(ImsAction::Accept));
    let mut rejected = ims.b2ba[0].to_save(ImsAction::Reject);
    rejected.remarks = Some("Rate differs from the purchase order".into());
    save.b2ba.push(rejected);
    let mut credit = ims.b2bcn[0].to_save(ImsAction::Accept);
    credit.itc_reduction_required = Some(Indicator::Yes);
    credit.declared_igst = Some(d("300"));
    credit.declared_cgst = Some(Decimal::ZERO);
    credit.declared_sgst = Some(Decimal::ZERO);
    credit.declared_cess = Some(Decimal::ZERO);
    save.b2bcn.push(credit);
    let mut pending = ims.b2bdn[0].to_save(ImsAction::Pending);
    pending.remarks = Some("Under review".into());
    save.b2bdn.push(pending);
    let body = ImsSaveRequest::save(rtin, save);
    let fixture: ImsSaveRequest = json::from_str(SAVE).expect("reads");
    assert_eq!(body, fixture);
    assert_eq!(value(&json::to_string(&body).expect("writes")), value(SAVE));
    assert_eq!(
        body.records.b2ba[0].previous_action,
        Some(ImsAction::Pending)
    );

    let mut reset = ImsRecords::default();
    reset.b2b.push(ims.b2b[2].to_reset());
    reset.b2bcna.push(ims.b2bcna[0].to_reset());
    let body = ImsSaveRequest::reset(rtin, reset);
    assert_eq!(body.request_type, ImsRequestType::Reset);
    assert_eq!(
        body,
        json::from_str::<ImsSaveRequest>(RESET).expect("reads")
    );
    let written = value(&json::to_string(&body).expect("writes"));
    assert_eq!(written["invdata"]["b2b"][0].get("action"), None);
    assert_eq!(
        written["invdata"]["b2b"][0]["prev_status"],
        Value::from("A")
    );
    assert_eq!(
        written["invdata"]["b2b"][0]["val"],
        value("9440.00"),
        "as GETINV wrote it"
    );
}

#[test]
fn fields_gstn_adds_to_a_record_are_kept_written_back_and_named() {
    let text = r#"{"b2b":[
      {"stin":"33GSPTN4811G1ZC","inum":"S1","idt":"02-04-2024","val":1180,"action":"N"},
      {"stin":"33GSPTN4811G1ZC","inum":"S2","idt":"03-04-2024","val":1180,"action":"N",
       "isRemarksBlocked":"N","itcRedReqBlocked":"Y"},
      {"stin":"33GSPTN4811G1ZC","inum":"S3","idt":"04-04-2024","val":1180,"action":"A",
       "itcRedReqBlocked":{"since":"102025","flags":[1, 2.50]}}],
      "b2bcn":[{"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"05-04-2024","val":118,
       "isRemarksBlocked":"Y"}]}"#;
    let ims = records(text);

    // Kept, as read.
    assert!(ims.b2b[0].other_fields.is_empty());
    let second = &ims.b2b[1].other_fields;
    assert_eq!(
        second.names().collect::<Vec<_>>(),
        ["isRemarksBlocked", "itcRedReqBlocked"]
    );
    assert_eq!(second.get("isRemarksBlocked"), Some(r#""N""#));
    assert_eq!(second.get("itcRedReqBlocked"), Some(r#""Y""#));
    assert_eq!(
        ims.b2b[2].other_fields.get("itcRedReqBlocked"),
        Some(r#"{"since":"102025","flags":[1, 2.50]}"#)
    );
    assert_eq!(ims.b2b[1].number, "S2", "the record itself read as before");

    // Named once a section, at the first record that has each, with their paths.
    let warnings: Vec<String> = ims.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "b2b[1].isRemarksBlocked: a field gstr2 does not model, kept as read",
            "b2b[1].itcRedReqBlocked: a field gstr2 does not model, kept as read \
             (2 records of the section have it)",
            "b2bcn[0].isRemarksBlocked: a field gstr2 does not model, kept as read",
        ]
    );
    assert_eq!(
        ims.warnings()[1].problem,
        Problem::UnmodelledField { records: 2 }
    );

    // Written back as read, after the record's own fields; and read back the same.
    let written = json::to_string(&ims).expect("writes");
    assert!(
        written.contains(r#""action":"N","isRemarksBlocked":"N","itcRedReqBlocked":"Y"}"#),
        "{written}"
    );
    assert!(
        written.contains(r#""itcRedReqBlocked":{"since":"102025","flags":[1, 2.50]}}"#),
        "{written}"
    );
    assert_eq!(value(&written), value(text));
    assert_eq!(records(&written), ims);
    // The records differ from the same records without them.
    let mut without = ims.clone();
    assert_eq!(
        without.b2b[1].other_fields.clear(),
        ["isRemarksBlocked", "itcRedReqBlocked"]
    );
    assert_ne!(without, ims);

    // A SAVE or RESET sends the fields GSTN documents for it, not these.
    let saved = ims.b2b[1].to_save(ImsAction::Accept);
    assert!(saved.other_fields.is_empty());
    assert!(ims.b2b[2].to_reset().other_fields.is_empty());
    let body = json::to_string(&saved).expect("writes");
    assert!(!body.contains("Blocked"), "{body}");

    // An error further on still names its path.
    let broken = text.replace(r#""idt":"04-04-2024""#, r#""idt":"31-02-2024""#);
    let err = ImsRecords::from_json(broken.as_bytes()).unwrap_err();
    assert_eq!(err.path(), Some("b2b[2].idt"));
    // A field the model does not know given twice is refused, as a known one is.
    let twice = text.replace(
        r#""isRemarksBlocked":"N","#,
        r#""isRemarksBlocked":"N","isRemarksBlocked":"Y","#,
    );
    let err = ImsRecords::from_json(twice.as_bytes()).unwrap_err();
    assert!(
        err.to_string()
            .contains("duplicate field `isRemarksBlocked`"),
        "{err}"
    );
    assert_eq!(err.path(), Some("b2b[1].isRemarksBlocked"));
}

#[test]
fn the_request_status_reports_refused_records() {
    let status: ImsRequestStatus = json::from_str(REQSTS).expect("reads");
    assert_eq!(status.status, ImsRequestState::ProcessedWithErrors);
    assert_eq!(status.transaction_type.as_deref(), Some("SAV"));
    assert_eq!(
        (status.processed_count, status.error_count),
        (Some(10), Some(3))
    );
    assert_eq!(status.error_code.as_deref(), Some(""));
    let sections: Vec<&ImsSection> = status.error_report.keys().collect();
    assert_eq!(
        sections,
        [
            &ImsSection::B2b,
            &ImsSection::CreditNotes,
            &ImsSection::DebitNotes
        ]
    );
    let debit = &status.error_report[&ImsSection::DebitNotes][0];
    assert_eq!(debit.error_code, "IMSSAV0010");
    assert_eq!(
        debit.documents,
        [ImsErrorDocument {
            supplier_period: Some("042023".into()),
            number: "debit-note-1".into(),
            note: true
        }]
    );
    let invoice = &status.error_report[&ImsSection::B2b][0];
    assert_eq!(invoice.supplier_gstin.as_str(), "32TAAOA2947A1Z7");
    assert!(!invoice.documents[0].note);
    // Written with today's keys, numbers as numbers, `nt_num` kept for notes.
    let text = json::to_string(&status).expect("writes");
    assert!(
        text.contains(r#""b2bdn":[{"stin""#) && text.contains(r#""nt_num":"debit-note-1""#),
        "{text}"
    );
    assert!(text.contains(r#""proc_cnt":10"#), "{text}");
    assert_eq!(
        json::from_str::<ImsRequestStatus>(&text).expect("reads"),
        status
    );

    let failed: ImsRequestStatus = json::from_str(
        r#"{"status_cd":"ER","err_cd":"IMSSAV0015",
            "err_msg":"Previous Save or Reset request is already under progress",
            "proc_cnt":0,"err_cnt":""}"#,
    )
    .expect("reads");
    assert_eq!(failed.status, ImsRequestState::Error);
    assert_eq!(
        (failed.processed_count, failed.error_count),
        (Some(0), None)
    );
    assert!(failed.error_report.is_empty());
    let busy: ImsRequestStatus = json::from_str(r#"{"status_cd":"IP"}"#).expect("reads");
    assert_eq!(busy.status, ImsRequestState::InProgress);
    let odd: ImsRequestStatus = json::from_str(r#"{"status_cd":"XX"}"#).expect("reads");
    assert_eq!(odd.status, ImsRequestState::Other("XX".into()));
    let no_number = r#"{"status_cd":"P","error_report":{"b2b":[{"stin":"32TAAOA2947A1Z7",
        "inv":[{"rtnprd":"042023"}]}]}}"#;
    let err = json::from_str::<ImsRequestStatus>(no_number).unwrap_err();
    assert!(err.to_string().contains("`inum` or `nt_num`"), "{err}");
}

#[test]
fn counts_read_as_numbers_or_strings() {
    let counts: ImsCounts = json::from_str(GETCNT).expect("reads");
    let others = counts.others().expect("all_oth");
    assert_eq!(others.total, Some(12));
    assert_eq!(others.sections.len(), 8);
    assert_eq!(
        others.sections["b2b"],
        ImsActionCounts {
            no_action: 3,
            accepted: 1,
            rejected: 1,
            pending: 0
        }
    );
    assert_eq!(others.sections["b2ba"].pending, 1, "\"1\"");
    let sum: u64 = others.sections.values().map(ImsActionCounts::total).sum();
    assert_eq!(Some(sum), others.total);
    assert_eq!(counts.groups["inv_supp_isd"].total, Some(0), "\"0\"");
    assert_eq!(
        others.sections["b2b"].to_string(),
        "no action 3, accepted 1, rejected 1, pending 0"
    );
    let text = json::to_string(&counts).expect("writes");
    assert_eq!(json::from_str::<ImsCounts>(&text).expect("reads"), counts);
    assert!(text.contains(r#""ttl_cnt":12"#), "{text}");

    // Keys GSTN adds are read; what is not a count is skipped; a count that is not one is an
    // error with its path.
    let odd: ImsCounts = json::from_str(
        r#"{"gstin":"27AAPFU0939F1ZV",
            "imp":{"impg":{"accept":"2","noaction":null},"note":"x","ttl_cnt":2}}"#,
    )
    .expect("reads");
    assert_eq!(odd.groups.keys().collect::<Vec<_>>(), ["imp"]);
    assert_eq!(odd.groups["imp"].sections["impg"].accepted, 2);
    let err = json::from_str::<ImsCounts>(r#"{"all_oth":{"b2b":{"accept":1.5}}}"#).unwrap_err();
    assert_eq!(err.path(), Some("all_oth.b2b.accept"));
    assert!(json::from_str::<ImsCounts>("[1]").is_err());
}

#[test]
fn codes_read_in_every_spelling_and_keep_the_unknown() {
    for (text, section) in [
        ("b2bcn", ImsSection::CreditNotes),
        ("cn", ImsSection::CreditNotes),
        ("CNA", ImsSection::CreditNoteAmendments),
        ("dn", ImsSection::DebitNotes),
        ("b2bdna", ImsSection::DebitNoteAmendments),
        ("impg", ImsSection::Other("impg".into())),
    ] {
        assert_eq!(ImsSection::from_sent(text), section, "{text}");
    }
    assert_eq!(ImsSection::DebitNotes.as_str(), "b2bdn");
    for (text, action) in [
        ("A", ImsAction::Accept),
        ("accepted", ImsAction::Accept),
        ("Rejected", ImsAction::Reject),
        ("p", ImsAction::Pending),
        ("No Action", ImsAction::NoAction),
        ("X", ImsAction::Other("X".into())),
    ] {
        assert_eq!(text.parse::<ImsAction>(), Ok(action), "{text}");
    }
    assert_eq!(FilingStatus::from_sent("NOT FILED"), FilingStatus::NotFiled);
    assert_eq!(FilingStatus::from_sent("").as_str(), "", "kept as written");
    let typ: CounterpartyInvoiceType = json::from_str("\"sewop\"").expect("reads");
    assert_eq!(json::to_string(&typ).expect("writes"), "\"SEZWOP\"");
    assert!(json::from_str::<ImsAction>("1").is_err(), "not text");
}

// ---- property tests ------------------------------------------------------------------------

fn date() -> impl Strategy<Value = NaiveDate> {
    (2017i32..=2026, 1u32..=12, 1u32..=28).prop_map(|(y, m, dd)| day(y, m, dd))
}

fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..100_000_000).prop_map(|cents| Decimal::new(cents, 2)),
        (0i64..1_000_000).prop_map(Decimal::from),
    ]
}

fn opt_amount() -> impl Strategy<Value = Option<Decimal>> {
    option::of(amount())
}

fn text() -> impl Strategy<Value = String> {
    "[A-Z0-9][A-Za-z0-9/ -]{0,12}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    option::of(text())
}

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

/// What every IMS record has beyond its identity.
#[derive(Clone, Debug)]
struct Common {
    supplier: Gstin,
    trade_name: Option<String>,
    invoice_type: Option<CounterpartyInvoiceType>,
    source_form: Option<String>,
    supplier_period: Option<String>,
    filing: Option<FilingStatus>,
    value: Decimal,
    pos: Option<StateCode>,
    amounts: [Option<Decimal>; 5],
    pending_blocked: Option<Indicator>,
    hash: Option<String>,
    previous: Option<ImsAction>,
    action: Option<ImsAction>,
    remarks: Option<String>,
    reduction: Option<Indicator>,
    declared: [Option<Decimal>; 4],
}

fn common() -> impl Strategy<Value = Common> {
    (
        (
            gstin(),
            opt_text(),
            sent(CounterpartyInvoiceType::CODES),
            option::of("R1|IFF|R1A"),
        ),
        (option::of("[0-9]{6}"), sent(FilingStatus::CODES), amount()),
        (
            option::of((1u8..=38).prop_map(|n| StateCode::new(n).expect("01-38"))),
            [
                opt_amount(),
                opt_amount(),
                opt_amount(),
                opt_amount(),
                opt_amount(),
            ],
        ),
        (
            sent(Indicator::CODES),
            option::of("[0-9a-f]{64}"),
            sent(ImsAction::CODES),
            sent(ImsAction::CODES),
        ),
        (
            opt_text(),
            sent(Indicator::CODES),
            [opt_amount(), opt_amount(), opt_amount(), opt_amount()],
        ),
    )
        .prop_map(|(a, b, c, e, f)| Common {
            supplier: a.0,
            trade_name: a.1,
            invoice_type: a.2,
            source_form: a.3,
            supplier_period: b.0,
            filing: b.1,
            value: b.2,
            pos: c.0,
            amounts: c.1,
            pending_blocked: e.0,
            hash: e.1,
            previous: e.2,
            action: e.3,
            remarks: f.0,
            reduction: f.1,
            declared: f.2,
        })
}

macro_rules! record {
    ($t:ident { $($f:ident: $v:expr),* $(,)? }, $c:expr) => {{
        let c: Common = $c;
        let [taxable_value, igst, cgst, sgst, cess] = c.amounts;
        let [declared_igst, declared_cgst, declared_sgst, declared_cess] = c.declared;
        $t {
            supplier_gstin: c.supplier,
            $($f: $v,)*
            trade_name: c.trade_name,
            invoice_type: c.invoice_type,
            source_form: c.source_form,
            supplier_period: c.supplier_period,
            supplier_filing_status: c.filing,
            value: c.value,
            place_of_supply: c.pos,
            taxable_value,
            igst,
            cgst,
            sgst,
            cess,
            pending_blocked: c.pending_blocked,
            hash: c.hash,
            previous_action: c.previous,
            action: c.action,
            remarks: c.remarks,
            itc_reduction_required: c.reduction,
            declared_igst,
            declared_cgst,
            declared_sgst,
            declared_cess,
            other_fields: Default::default(),
        }
    }};
}

fn invoice() -> impl Strategy<Value = ImsInvoice> {
    (text(), date(), common()).prop_map(|(number, date, c)| {
        record!(
            ImsInvoice {
                number: number,
                date: date
            },
            c
        )
    })
}

fn amended_invoice() -> impl Strategy<Value = ImsAmendedInvoice> {
    (text(), date(), text(), date(), common()).prop_map(|(number, date, onum, odate, c)| {
        record!(
            ImsAmendedInvoice {
                number: number,
                date: date,
                original_number: onum,
                original_date: odate
            },
            c
        )
    })
}

fn note() -> impl Strategy<Value = ImsNote> {
    (text(), date(), common()).prop_map(|(number, date, c)| {
        record!(
            ImsNote {
                number: number,
                date: date
            },
            c
        )
    })
}

fn amended_note() -> impl Strategy<Value = ImsAmendedNote> {
    (text(), date(), text(), date(), common()).prop_map(|(number, date, onum, odate, c)| {
        record!(
            ImsAmendedNote {
                number: number,
                date: date,
                original_number: onum,
                original_date: odate
            },
            c
        )
    })
}

fn ims_records() -> impl Strategy<Value = ImsRecords> {
    (
        option::of(gstin()),
        (
            vec(invoice(), 0..3),
            vec(amended_invoice(), 0..3),
            vec(note(), 0..3),
            vec(amended_note(), 0..3),
        ),
        (
            vec(note(), 0..3),
            vec(amended_note(), 0..3),
            vec(invoice(), 0..2),
            vec(amended_invoice(), 0..2),
        ),
    )
        .prop_map(
            |(gstin, (b2b, b2ba, b2bcn, b2bcna), (b2bdn, b2bdna, ecom, ecoma))| ImsRecords {
                gstin,
                b2b,
                b2ba,
                b2bcn,
                b2bcna,
                b2bdn,
                b2bdna,
                ecom,
                ecoma,
                other_sections: Default::default(),
            },
        )
}

fn section() -> impl Strategy<Value = ImsSection> {
    prop_oneof![
        4 => code::<ImsSection>(ImsSection::CODES),
        1 => "imp[a-z]{0,3}".prop_map(|s| ImsSection::from_sent(&s)),
    ]
}

fn request_status() -> impl Strategy<Value = ImsRequestStatus> {
    let document = (option::of("[0-9]{6}"), text(), any::<bool>()).prop_map(
        |(supplier_period, number, note)| ImsErrorDocument {
            supplier_period,
            number,
            note,
        },
    );
    let refused = (gstin(), "IMSSAV[0-9]{4}", opt_text(), vec(document, 0..3)).prop_map(
        |(supplier_gstin, error_code, error_message, documents)| ImsRecordError {
            supplier_gstin,
            error_code,
            error_message,
            documents,
        },
    );
    (
        (
            code::<ImsRequestState>(ImsRequestState::CODES),
            option::of("SAV|RST"),
        ),
        (
            option::of(0u64..1000),
            option::of(0u64..1000),
            opt_text(),
            opt_text(),
        ),
        btree_map(section(), vec(refused, 1..3), 0..3),
    )
        .prop_map(
            |((status, kind), (proc, err, code, message), report)| ImsRequestStatus {
                status,
                transaction_type: kind,
                processed_count: proc,
                error_count: err,
                error_code: code,
                error_message: message,
                error_report: report,
            },
        )
}

fn counts() -> impl Strategy<Value = ImsCounts> {
    let action =
        (0u64..100, 0u64..100, 0u64..100, 0u64..100).prop_map(|(n, a, r, p)| ImsActionCounts {
            no_action: n,
            accepted: a,
            rejected: r,
            pending: p,
        });
    let group = (
        btree_map("b2b|b2ba|b2bcn|isd|impg", action, 0..4),
        option::of(0u64..1000),
    )
        .prop_map(|(sections, total)| ImsCountGroup { sections, total });
    btree_map("all_oth|inv_supp_isd|imp", group, 0..3).prop_map(|groups| ImsCounts { groups })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any IMS records the model writes read back the same, bare or wrapped, minified or
    /// indented.
    #[test]
    fn ims_records_read_back_as_written(
        original in ims_records(),
        wrapper in 0usize..3,
        pretty in any::<bool>(),
    ) {
        let write = if pretty {
            json::to_string_pretty::<ImsRecords>
        } else {
            json::to_string::<ImsRecords>
        };
        let text = write(&original);
        let text = text.expect("writes");
        let text = match wrapper {
            0 => text,
            1 => format!(r#"{{"imsDetails":{text}}}"#),
            _ => format!(r#"{{"status_cd":"1","data":{text}}}"#),
        };
        let read = ImsRecords::from_json(text.as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&read, &original);
        for record in read.iter() {
            prop_assert!(record.document.tax().is_ok() && record.document.taxable_value().is_ok());
        }
    }

    /// SAVE and RESET bodies, REQSTS and GETCNT answers the model writes read back the same.
    #[test]
    fn ims_bodies_and_answers_read_back_as_written(
        records in ims_records(),
        rtin in gstin(),
        reset in any::<bool>(),
        status in request_status(),
        counts in counts(),
    ) {
        let body = if reset {
            ImsSaveRequest::reset(rtin, records)
        } else {
            ImsSaveRequest::save(rtin, records)
        };
        let back: ImsSaveRequest = json::from_str(&json::to_string(&body).expect("writes"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, body);
        let back: ImsRequestStatus = json::from_str(&json::to_string(&status).expect("writes"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, status);
        let back: ImsCounts = json::from_str(&json::to_string(&counts).expect("writes"))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, counts);
    }
}

#[test]
fn a_section_the_model_does_not_know_is_kept_and_named() {
    let text =
        br#"{"data":{"gstin":"27AAPFU0939F1ZV","b2b":[],"impg":[{"boenum":"1","amt":1.10}]}}"#;
    let records = ImsRecords::from_json(text).expect("reads");
    assert_eq!(records.other_sections.names().collect::<Vec<_>>(), ["impg"]);
    let warnings: Vec<String> = records.warnings().iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("impg"), "{warnings:?}");
    // Written back as read: the amount's digits too.
    let written = serde_json::to_string(&records).expect("json");
    assert!(
        written.contains(r#""impg":[{"boenum":"1","amt":1.10}]"#),
        "{written}"
    );
    // And read back the same.
    assert_eq!(
        ImsRecords::from_json(written.as_bytes()).expect("reads"),
        records
    );
}
