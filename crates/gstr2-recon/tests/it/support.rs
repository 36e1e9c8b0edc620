//! Builders for small registers and GSTR2A downloads.

use chrono::NaiveDate;
use gstr2_model::codes::{Eligibility, InvoiceType, NoteType, YesNo};
use gstr2_model::gstr2a::{
    Gstr2aAmendedInvoice, Gstr2aB2bSupplier, Gstr2aB2baSupplier, Gstr2aCdnSupplier, Gstr2aInvoice,
    Gstr2aNote,
};
use gstr2_model::tables::b2b::{B2bInvoice, B2bSupplier};
use gstr2_model::tables::b2ba::{B2baInvoice, B2baSupplier};
use gstr2_model::tables::cdn::{CdnSupplier, CreditDebitNote};
use gstr2_model::{Gstin, Gstr2Payload, Gstr2a, Itc, Item, ItemDetail, StateCode};
use gstr2_recon::{Decisions, MatchResult, Reconciler, Report};
use rust_decimal::Decimal;

pub(crate) fn gstin(n: u32) -> Gstin {
    let first = format!("27ABCDE{:04}F1Z", n % 10000);
    let c = gstr2_model::gstin::check_character(first.as_bytes()) as char;
    format!("{first}{c}").parse().expect("valid test gstin")
}

/// The same PAN as `gstin(n)`, registered in state 29.
pub(crate) fn gstin_29(n: u32) -> Gstin {
    let first = format!("29ABCDE{:04}F1Z", n % 10000);
    let c = gstr2_model::gstin::check_character(first.as_bytes()) as char;
    format!("{first}{c}").parse().expect("valid test gstin")
}

pub(crate) fn me() -> Gstin {
    let first = "29AAPFU0939F1Z";
    let c = gstr2_model::gstin::check_character(first.as_bytes()) as char;
    format!("{first}{c}").parse().expect("valid test gstin")
}

pub(crate) fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

pub(crate) fn date(s: &str) -> NaiveDate {
    gstr2_model::date::parse(s).expect("date")
}

pub(crate) fn pos() -> StateCode {
    "27".parse().expect("pos")
}

/// One item at 18% IGST.
pub(crate) fn item(txval: &str, igst: &str, itc: bool) -> Item {
    Item {
        number: 1,
        detail: ItemDetail {
            rate: dec("18"),
            taxable_value: dec(txval),
            igst: Some(dec(igst)),
            cgst: None,
            sgst: None,
            cess: None,
            extra: None,
        },
        itc: itc.then(|| {
            Box::new(Itc {
                eligibility: Eligibility::Inputs,
                igst: Some(dec(igst)),
                cgst: None,
                sgst: None,
                cess: None,
                this_month: None,
            })
        }),
    }
}

pub(crate) fn inv(number: &str, d: &str, val: &str, txval: &str, igst: &str) -> B2bInvoice {
    B2bInvoice {
        flag: None,
        checksum: None,
        number: number.into(),
        date: date(d),
        value: dec(val),
        place_of_supply: pos(),
        reverse_charge: YesNo::No,
        uploaded_by: None,
        counterparty_flag: None,
        original_period: None,
        invoice_type: Some(InvoiceType::Regular),
        items: vec![item(txval, igst, true)],
    }
}

pub(crate) fn cp_inv(number: &str, d: &str, val: &str, txval: &str, igst: &str) -> Gstr2aInvoice {
    Gstr2aInvoice {
        checksum: Some(format!("ck-{number}")),
        number: number.into(),
        date: date(d),
        value: dec(val),
        place_of_supply: Some(pos()),
        reverse_charge: Some(YesNo::No),
        invoice_type: Some(InvoiceType::Regular),
        diff_percent: None,
        amended_in: None,
        amendment_type: None,
        source: None,
        irn: None,
        irn_date: None,
        items: vec![item(txval, igst, false)],
    }
}

pub(crate) fn own_amend(orig: &str, orig_d: &str, i: B2bInvoice) -> B2baInvoice {
    B2baInvoice {
        flag: None,
        checksum: None,
        original_number: orig.into(),
        original_date: date(orig_d),
        number: i.number,
        date: i.date,
        value: i.value,
        place_of_supply: i.place_of_supply,
        reverse_charge: i.reverse_charge,
        uploaded_by: None,
        invoice_type: i.invoice_type,
        items: i.items,
    }
}

pub(crate) fn cp_amend(orig: &str, orig_d: &str, i: Gstr2aInvoice) -> Gstr2aAmendedInvoice {
    Gstr2aAmendedInvoice {
        checksum: i.checksum,
        original_number: orig.into(),
        original_date: date(orig_d),
        number: i.number,
        date: i.date,
        value: i.value,
        place_of_supply: i.place_of_supply,
        reverse_charge: i.reverse_charge,
        invoice_type: i.invoice_type,
        diff_percent: None,
        amended_in: None,
        amendment_type: None,
        source: None,
        irn: None,
        irn_date: None,
        items: i.items,
    }
}

pub(crate) fn note(number: &str, d: &str, val: &str, txval: &str, igst: &str) -> CreditDebitNote {
    CreditDebitNote {
        flag: None,
        checksum: None,
        note_type: NoteType::Credit,
        number: number.into(),
        date: date(d),
        reason: None,
        pre_gst: None,
        invoice_number: None,
        invoice_date: None,
        value: dec(val),
        uploaded_by: None,
        counterparty_flag: None,
        original_period: None,
        items: vec![item(txval, igst, true)],
    }
}

pub(crate) fn cp_note(number: &str, d: &str, val: &str, txval: &str, igst: &str) -> Gstr2aNote {
    Gstr2aNote {
        checksum: Some(format!("ck-{number}")),
        note_type: NoteType::Credit,
        number: number.into(),
        date: date(d),
        pre_gst: None,
        invoice_number: None,
        invoice_date: None,
        value: dec(val),
        counterparty_flag: None,
        uploaded_by: None,
        delete_flag: None,
        place_of_supply: Some(pos()),
        reverse_charge: Some(YesNo::No),
        invoice_type: None,
        diff_percent: None,
        amended_in: None,
        amendment_type: None,
        source: None,
        irn: None,
        irn_date: None,
        items: vec![item(txval, igst, false)],
    }
}

/// A register with `b2b` invoices of one supplier.
pub(crate) fn register(ctin: Gstin, invoices: Vec<B2bInvoice>) -> Gstr2Payload {
    let mut p = Gstr2Payload::new(me(), "092023".parse().expect("fp"));
    if !invoices.is_empty() {
        p.b2b.push(B2bSupplier {
            supplier_gstin: ctin,
            filing_status: None,
            invoices,
        });
    }
    p
}

pub(crate) fn own_b2ba(p: &mut Gstr2Payload, ctin: Gstin, invoices: Vec<B2baInvoice>) {
    p.b2ba.push(B2baSupplier {
        supplier_gstin: ctin,
        filing_status: None,
        invoices,
    });
}

pub(crate) fn own_cdn(p: &mut Gstr2Payload, ctin: Gstin, notes: Vec<CreditDebitNote>) {
    p.cdn.push(CdnSupplier {
        supplier_gstin: ctin,
        filing_status: None,
        notes,
    });
}

/// A GSTR2A with `b2b` invoices of one supplier whose filing status is `cfs`.
pub(crate) fn gstr2a(ctin: Gstin, cfs: Option<YesNo>, invoices: Vec<Gstr2aInvoice>) -> Gstr2a {
    let mut a = Gstr2a {
        gstin: Some(me()),
        fp: Some("092023".parse().expect("fp")),
        ..Gstr2a::default()
    };
    if !invoices.is_empty() {
        a.b2b.push(Gstr2aB2bSupplier {
            supplier_gstin: ctin,
            filing_status: cfs,
            filing_status_3b: None,
            cancelled_on: None,
            gstr1_filed_on: None,
            gstr1_period: None,
            invoices,
        });
    }
    a
}

pub(crate) fn cp_b2ba(a: &mut Gstr2a, ctin: Gstin, invoices: Vec<Gstr2aAmendedInvoice>) {
    a.b2ba.push(Gstr2aB2baSupplier {
        supplier_gstin: ctin,
        filing_status: Some(YesNo::Yes),
        filing_status_3b: None,
        cancelled_on: None,
        gstr1_filed_on: None,
        gstr1_period: None,
        invoices,
    });
}

pub(crate) fn cp_cdn(a: &mut Gstr2a, ctin: Gstin, notes: Vec<Gstr2aNote>) {
    a.cdn.push(Gstr2aCdnSupplier {
        supplier_gstin: ctin,
        filing_status: Some(YesNo::Yes),
        filing_status_3b: None,
        cancelled_on: None,
        gstr1_filed_on: None,
        gstr1_period: None,
        notes,
    });
}

pub(crate) fn run(register: &Gstr2Payload, gstr2a: &Gstr2a, decisions: &Decisions) -> Report {
    let inputs = Reconciler::new(register, gstr2a).decisions(decisions);
    inputs.run().expect("reconciled")
}

/// One line per result: code/action, rule, both numbers, differences, reasons, suggestions.
pub(crate) fn line(r: &MatchResult) -> String {
    let mut s = format!(
        "{}/{} {} own={} cp={}",
        r.code.as_str(),
        r.action.as_str(),
        r.rule
            .map(|x| format!("{x:?}"))
            .unwrap_or_else(|| "-".into()),
        r.own.as_ref().map(|o| o.key.number.as_str()).unwrap_or("-"),
        r.counterparty
            .as_ref()
            .map(|o| o.key.number.as_str())
            .unwrap_or("-"),
    );
    for side in [&r.own, &r.counterparty].into_iter().flatten() {
        for k in &side.replaces {
            s.push_str(&format!(" replaces={}", k.number));
        }
        if side.sign_normalised {
            s.push_str(" sign-normalised");
        }
    }
    s.push_str(&format!(" total={}", r.totals().value));
    for d in &r.differences {
        s.push_str(&format!(
            " [{}{} {}->{}{}{}]",
            d.field.as_str(),
            d.rate.map(|x| format!("@{x}")).unwrap_or_default(),
            d.own.as_deref().unwrap_or("-"),
            d.counterparty.as_deref().unwrap_or("-"),
            d.difference.map(|x| format!(" ({x})")).unwrap_or_default(),
            if d.within_tolerance { " ok" } else { "" }
        ));
    }
    let reasons: Vec<String> = r
        .reasons
        .iter()
        .map(|x| {
            serde_json::to_value(x)
                .ok()
                .and_then(|v| v.get("reason").and_then(|s| s.as_str().map(str::to_owned)))
                .unwrap_or_default()
        })
        .collect();
    s.push_str(&format!(" reasons={}", reasons.join(",")));
    for g in &r.suggestions {
        s.push_str(&format!(" suggest={}@{}", g.key.number, g.score));
    }
    s
}

pub(crate) fn lines(report: &Report) -> String {
    let mut v: Vec<String> = report.results.iter().map(line).collect();
    for d in &report.stale_decisions {
        v.push(format!(
            "stale {}",
            serde_json::to_string(d).unwrap_or_default()
        ));
    }
    v.join(" | ")
}
