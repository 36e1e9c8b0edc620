//! `json::gstr2a_from_slice_parallel` gives what the one-thread `json::from_slice` gives, value
//! or error: on the sample download, on the seeded generator's download, on arbitrary downloads
//! written with arbitrary whitespace and escapes, and on broken inputs.

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use gstr2_model::codes::{CounterpartyFlag, InvoiceType, NoteType, UploadedBy, YesNo};
use gstr2_model::gstr2a::{
    Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aB2bSupplier, Gstr2aB2baSupplier,
    Gstr2aCdnSupplier, Gstr2aCdnaSupplier, Gstr2aImport, Gstr2aInvoice, Gstr2aIsdDocument,
    Gstr2aIsdSupplier, Gstr2aNote,
};
use gstr2_model::item::{Item, ItemDetail, ItemExtra};
use gstr2_model::{json, Gstin, Gstr2a, ReturnPeriod, StateCode};

use super::properties::{code, gstin};

// By path, not through gstr2-demo (which would bring a second gstr2_model): its public items
// are this test's private ones.
#[path = "../../../gstr2-demo/src/recon_data.rs"]
#[allow(dead_code, unreachable_pub)]
mod recon_data;

const SAMPLE: &[u8] = include_bytes!("../../../../examples/data/gstr2a.json");

/// The parallel reading on 1 to 4 threads gives exactly the one-thread reading's result.
fn assert_same(bytes: &[u8]) {
    assert_same_on(bytes, 1..=4);
}

/// The same on the given numbers of threads.
fn assert_same_on(bytes: &[u8], threads: std::ops::RangeInclusive<usize>) {
    let serial = json::from_slice::<Gstr2a>(bytes);
    for threads in threads {
        let parallel = json::gstr2a_from_slice_parallel(bytes, threads);
        match (&serial, &parallel) {
            (Ok(s), Ok(p)) => assert_eq!(s, p, "{threads} threads"),
            (Err(s), Err(p)) => {
                assert_eq!(s.to_string(), p.to_string(), "{threads} threads");
                assert_eq!(s.path(), p.path(), "{threads} threads");
            }
            _ => panic!(
                "{threads} threads: one thread gave {serial:?}, the parallel reading {parallel:?}\n{}",
                String::from_utf8_lossy(bytes)
            ),
        }
    }
}

#[test]
fn the_sample_download() {
    assert_same(SAMPLE);
    let gstr2a = json::gstr2a_from_slice_parallel(SAMPLE, 2).expect("the sample reads");
    assert_eq!(
        (
            gstr2a.b2b.len(),
            gstr2a.b2ba.len(),
            gstr2a.cdn.len(),
            gstr2a.cdna.len()
        ),
        (3, 1, 1, 1)
    );
}

#[test]
fn the_generated_download() {
    for one_supplier in [false, true] {
        let (_, gstr2a) = recon_data::generate(7, 3000, one_supplier);
        let bytes = json::to_vec(&gstr2a).expect("encodes");
        assert_same(&bytes);
        let pretty = json::to_string_pretty(&gstr2a).expect("encodes");
        let parallel = json::gstr2a_from_slice_parallel(pretty.as_bytes(), 2).expect("reads");
        assert_eq!(parallel, gstr2a);
    }
}

#[test]
fn broken_inputs_give_the_one_thread_error() {
    let v: Value = serde_json::from_slice(SAMPLE).expect("the sample is JSON");
    let text = v.to_string();
    let mut broken: Vec<String> = Vec::new();
    // Cut short at many places, and a byte changed at many places.
    for at in (0..text.len()).step_by(11) {
        broken.push(text[..at].to_owned());
        for with in ["}", "]", ",", "\"", "\\", "x", " ", "{"] {
            if text.is_char_boundary(at + 1) {
                broken.push(format!("{}{with}{}", &text[..at], &text[at + 1..]));
            }
        }
    }
    // Values that do not fit, deep in a section and at the top.
    let mut bad = v.clone();
    bad["b2b"][0]["inv"][0]["idt"] = Value::from("31-02-2017");
    broken.push(bad.to_string());
    let mut bad = v.clone();
    bad["cdn"][0]["nt"][0]["val"] = Value::from("ten");
    broken.push(bad.to_string());
    let mut bad = v.clone();
    bad["fp"] = Value::from("132017");
    broken.push(bad.to_string());
    let mut bad = v.clone();
    bad["b2b"] = Value::Null;
    broken.push(bad.to_string());
    // A key given twice, at the top and in an element; an element that is not an object.
    broken.push(text.replacen("\"b2b\":", "\"b2b\":[],\"b2b\":", 1));
    broken.push(text.replacen("\"ctin\":", "\"ctin\":\"x\",\"ctin\":", 1));
    broken.push(text.replacen("\"b2b\":[", "\"b2b\":[1,", 1));
    broken.push(format!("{text} x"));
    broken.push(format!("{text}{text}"));
    assert!(broken.len() > 1000);
    for input in &broken {
        assert_same_on(input.as_bytes(), 3..=3);
    }
    let err = json::gstr2a_from_slice_parallel(broken[broken.len() - 9].as_bytes(), 2)
        .expect_err("a bad date");
    assert_eq!(err.path(), Some("b2b[0].inv[0].idt"));
}

#[test]
fn what_serde_json_accepts_but_the_scanner_leaves_alone() {
    // Escaped keys, deep nesting in an unknown field, a section in array form: read on one thread,
    // still the same result.
    let v: Value = serde_json::from_slice(SAMPLE).expect("the sample is JSON");
    let text = v.to_string();
    assert_same(text.replacen("\"b2b\":", "\"b\\u0032b\":", 1).as_bytes());
    let deep = format!("{}1{}", "[".repeat(120), "]".repeat(120));
    assert_same(
        text.replacen("{", &format!("{{\"deep\":{deep},"), 1)
            .as_bytes(),
    );
    let deeper = format!("{}1{}", "[".repeat(127), "]".repeat(127));
    assert_same(
        text.replacen("{", &format!("{{\"deep\":{deeper},"), 1)
            .as_bytes(),
    );
}

// ---- arbitrary downloads ------------------------------------------------------------------

fn date() -> impl Strategy<Value = NaiveDate> {
    (1990i32..=2040, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("day 1-28 exists"))
}

fn amount() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=4).prop_map(|(n, scale)| Decimal::new(n, scale))
}

/// Text with what JSON must escape: quotes, backslashes, control characters, and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9/ -]{0,12}",
        "[\"\\\\/\u{1}\n\té€😀{}\\[\\],:a-z]{0,10}",
    ]
}

fn item() -> impl Strategy<Value = Item> {
    (
        1u32..=999,
        amount(),
        amount(),
        (
            option::of(amount()),
            option::of(amount()),
            option::of(amount()),
            option::of(amount()),
        ),
        option::of("[0-9]{4,8}"),
    )
        .prop_map(
            |(number, rate, taxable_value, (igst, cgst, sgst, cess), hsn_sac)| Item {
                number,
                detail: ItemDetail {
                    rate,
                    taxable_value,
                    igst,
                    cgst,
                    sgst,
                    cess,
                    extra: ItemExtra {
                        hsn_sac,
                        ..ItemExtra::default()
                    }
                    .non_empty(),
                },
                itc: None,
            },
        )
}

/// The fields every GSTR2A document ends with.
#[derive(Clone, Debug)]
struct Tail {
    checksum: Option<String>,
    place_of_supply: Option<StateCode>,
    reverse_charge: Option<YesNo>,
    invoice_type: Option<InvoiceType>,
    diff_percent: Option<Decimal>,
    strings: [Option<String>; 5],
    items: Vec<Item>,
}

fn tail() -> impl Strategy<Value = Tail> {
    (
        option::of("[0-9a-f]{16}"),
        option::of((1u8..=38).prop_filter_map("a state", StateCode::new)),
        option::of(code::<YesNo>(YesNo::CODES)),
        option::of(code::<InvoiceType>(InvoiceType::CODES)),
        option::of(amount()),
        [
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(text()),
        ],
        vec(item(), 0..3),
    )
        .prop_map(|(c, p, r, t, d, strings, items)| Tail {
            checksum: c,
            place_of_supply: p,
            reverse_charge: r,
            invoice_type: t,
            diff_percent: d,
            strings,
            items,
        })
}

/// Builds a document from its own fields and a [`Tail`].
macro_rules! document {
    ($ty:ident, $tail:expr, { $($f:ident: $v:expr),* $(,)? }) => {{
        let Tail { checksum, place_of_supply, reverse_charge, invoice_type, diff_percent, strings, items } = $tail;
        let [amended_in, amendment_type, source, irn, irn_date] = strings;
        $ty {
            checksum, place_of_supply, reverse_charge, invoice_type, diff_percent,
            amended_in, amendment_type, source, irn, irn_date, items,
            $($f: $v,)*
        }
    }};
}

fn invoice() -> impl Strategy<Value = Gstr2aInvoice> {
    (text(), date(), amount(), tail()).prop_map(|(number, date, value, t)| {
        document!(Gstr2aInvoice, t, { number: number, date: date, value: value })
    })
}

fn amended_invoice() -> impl Strategy<Value = Gstr2aAmendedInvoice> {
    (text(), date(), text(), date(), amount(), tail()).prop_map(|(on, od, n, d, v, t)| {
        document!(Gstr2aAmendedInvoice, t, {
            original_number: on, original_date: od, number: n, date: d, value: v,
        })
    })
}

/// The fields of a note after its number and date.
type NoteRest = (
    Option<YesNo>,
    Option<String>,
    Option<NaiveDate>,
    Decimal,
    Option<CounterpartyFlag>,
    Option<UploadedBy>,
    Option<String>,
);

fn note_rest() -> impl Strategy<Value = NoteRest> {
    (
        option::of(code::<YesNo>(YesNo::CODES)),
        option::of(text()),
        option::of(date()),
        amount(),
        option::of(code::<CounterpartyFlag>(CounterpartyFlag::CODES)),
        option::of(code::<UploadedBy>(UploadedBy::CODES)),
        option::of(text()),
    )
}

fn note() -> impl Strategy<Value = Gstr2aNote> {
    (
        code::<NoteType>(NoteType::CODES),
        text(),
        date(),
        note_rest(),
        tail(),
    )
        .prop_map(
            |(note_type, number, date, (pre_gst, inum, idt, value, cflag, updby, d_flag), t)| {
                document!(Gstr2aNote, t, {
                    note_type: note_type, number: number, date: date, pre_gst: pre_gst,
                    invoice_number: inum, invoice_date: idt, value: value,
                    counterparty_flag: cflag, uploaded_by: updby, delete_flag: d_flag,
                })
            },
        )
}

fn amended_note() -> impl Strategy<Value = Gstr2aAmendedNote> {
    (
        code::<NoteType>(NoteType::CODES),
        (text(), date(), text(), date()),
        note_rest(),
        tail(),
    )
        .prop_map(
            |(note_type, (on, od, n, d), (pre_gst, inum, idt, value, cflag, updby, d_flag), t)| {
                document!(Gstr2aAmendedNote, t, {
                    note_type: note_type, original_number: on, original_date: od, number: n,
                    date: d, pre_gst: pre_gst, invoice_number: inum, invoice_date: idt,
                    value: value, counterparty_flag: cflag, uploaded_by: updby, delete_flag: d_flag,
                })
            },
        )
}

/// The supplier fields before the documents.
type Head = (Gstin, Option<YesNo>, Option<YesNo>, [Option<String>; 3]);

fn head() -> impl Strategy<Value = Head> {
    (
        gstin(),
        option::of(code::<YesNo>(YesNo::CODES)),
        option::of(code::<YesNo>(YesNo::CODES)),
        [option::of(text()), option::of(text()), option::of(text())],
    )
}

macro_rules! supplier {
    ($ty:ident, $field:ident, $doc:expr) => {
        (head(), vec($doc, 0..4)).prop_map(|((gstin, cfs, cfs3b, [dt, fl, pr]), docs)| $ty {
            supplier_gstin: gstin,
            filing_status: cfs,
            filing_status_3b: cfs3b,
            cancelled_on: dt,
            gstr1_filed_on: fl,
            gstr1_period: pr,
            $field: docs,
        })
    };
}

fn isd() -> impl Strategy<Value = Gstr2aIsdSupplier> {
    let doc = (
        (option::of(text()), option::of(text()), text(), date()),
        (option::of(text()), option::of(text()), option::of(text())),
        [
            option::of(amount()),
            option::of(amount()),
            option::of(amount()),
            option::of(amount()),
        ],
    )
        .prop_map(
            |((c, ty, n, d), (elg, aspd, atyp), [i, ca, s, cs])| Gstr2aIsdDocument {
                checksum: c,
                document_type: ty,
                number: n,
                date: d,
                itc_eligible: elg,
                amended_in: aspd,
                amendment_type: atyp,
                igst: i,
                cgst: ca,
                sgst: s,
                cess: cs,
            },
        );
    (
        gstin(),
        option::of(code::<YesNo>(YesNo::CODES)),
        vec(doc, 0..3),
    )
        .prop_map(|(gstin, cfs, documents)| Gstr2aIsdSupplier {
            supplier_gstin: gstin,
            filing_status: cfs,
            documents,
        })
}

fn import() -> impl Strategy<Value = Gstr2aImport> {
    (
        (option::of(text()), option::of(text()), text(), date()),
        (option::of(gstin()), option::of(text())),
        [
            option::of(amount()),
            option::of(amount()),
            option::of(amount()),
        ],
        option::of(code::<YesNo>(YesNo::CODES)),
    )
        .prop_map(
            |((refdt, port, num, dt), (sgstin, name), [tx, i, cs], amd)| Gstr2aImport {
                reference_date: refdt,
                port_code: port,
                bill_number: num,
                bill_date: dt,
                sez_supplier_gstin: sgstin,
                trade_name: name,
                taxable_value: tx,
                igst: i,
                cess: cs,
                amended: amd,
            },
        )
}

pub(super) fn gstr2a() -> impl Strategy<Value = Gstr2a> {
    (
        option::of(gstin()),
        option::of(
            (1u8..=12, 2017u16..=2030)
                .prop_filter_map("a period", |(m, y)| ReturnPeriod::new(m, y)),
        ),
        vec(supplier!(Gstr2aB2bSupplier, invoices, invoice()), 0..5),
        vec(
            supplier!(Gstr2aB2baSupplier, invoices, amended_invoice()),
            0..3,
        ),
        vec(supplier!(Gstr2aCdnSupplier, notes, note()), 0..3),
        vec(supplier!(Gstr2aCdnaSupplier, notes, amended_note()), 0..3),
        vec(isd(), 0..3),
        vec(import(), 0..3),
        vec(import(), 0..3),
    )
        .prop_map(
            |(gstin, fp, b2b, b2ba, cdn, cdna, isd, impg, impgsez)| Gstr2a {
                gstin,
                fp,
                b2b,
                b2ba,
                cdn,
                cdna,
                isd,
                impg,
                impgsez,
            },
        )
}

/// A tiny deterministic generator for the layout choices below.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Writes a JSON value with whitespace between tokens and escapes in strings chosen by `dice`;
/// numbers keep their exact text.
fn write_varied(v: &Value, dice: &mut Dice, out: &mut String) {
    fn space(dice: &mut Dice, out: &mut String) {
        out.push_str([" ", "", "\n  ", "\t", "\r\n", "", ""][dice.roll(7) as usize]);
    }
    fn string(s: &str, dice: &mut Dice, out: &mut String) {
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 || dice.roll(8) == 0 => {
                    let mut units = [0u16; 2];
                    for unit in c.encode_utf16(&mut units) {
                        out.push_str(&format!("\\u{unit:04x}"));
                    }
                }
                '/' if dice.roll(2) == 0 => out.push_str("\\/"),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    match v {
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(dice, out);
                // Keys are left unescaped but for one in 32: the scanner hands those over.
                if dice.roll(32) == 0 {
                    string(k, dice, out);
                } else {
                    out.push('"');
                    out.push_str(k);
                    out.push('"');
                }
                space(dice, out);
                out.push(':');
                space(dice, out);
                write_varied(v, dice, out);
                space(dice, out);
            }
            out.push('}');
        }
        Value::Array(list) => {
            out.push('[');
            for (i, v) in list.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                space(dice, out);
                write_varied(v, dice, out);
                space(dice, out);
            }
            out.push(']');
        }
        Value::String(s) => string(s, dice, out),
        other => out.push_str(&other.to_string()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_downloads_read_the_same(gstr2a in gstr2a(), seed in 1u64.., extra in any::<bool>()) {
        let mut v = serde_json::to_value(&gstr2a).expect("encodes");
        if extra {
            // A field GSTN added, at the top and in a supplier.
            v["gen_dt"] = Value::from("01-04-2024");
            if let Some(first) = v.get_mut("b2b").and_then(|b| b.get_mut(0)) {
                first["new"] = serde_json::json!({"x": [1, {"y": "}"}]});
            }
        }
        let mut text = String::new();
        write_varied(&v, &mut Dice(seed), &mut text);
        let serial: Gstr2a = json::from_str(&text).expect("the varied text reads");
        prop_assert_eq!(&serial, &gstr2a);
        for threads in 2..=3 {
            let parallel = json::gstr2a_from_slice_parallel(text.as_bytes(), threads).ok();
            prop_assert_eq!(parallel.as_ref(), Some(&gstr2a));
        }
    }

    #[test]
    fn arbitrary_bytes_read_the_same(bytes in vec(any::<u8>(), 0..256)) {
        assert_same(&bytes);
    }
}
