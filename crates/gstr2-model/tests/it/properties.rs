//! Property tests of the codecs: arbitrary valid documents of every table round-trip CSV → model
//! → CSV and JSON → model → JSON unchanged, and CSV → JSON → CSV through the model; arbitrary
//! bytes fed to every reader give an error or a value, never a panic.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use rust_decimal::Decimal;

use gstr2_model::codes::{
    CounterpartyFlag, Eligibility, Flag, GoodsOrServices, InvoiceType, NoteType, OriginalPeriod,
    SupplyType, UnregisteredNoteType, UploadedBy, YesNo,
};
use gstr2_model::csv::{self, TableData};
use gstr2_model::gstin::check_character;
use gstr2_model::item::{AdvanceItem, ImportItem, Itc, ItcThisMonth, Item, ItemDetail, ItemExtra};
use gstr2_model::tables::{
    b2b::{B2bInvoice, B2bSupplier},
    b2b_unregistered::{B2bUnregistered, B2bUnregisteredInvoice},
    b2ba::{B2baInvoice, B2baSupplier},
    cdn::{CdnSupplier, CreditDebitNote},
    cdn_unregistered::UnregisteredNote,
    cdna::{CdnaSupplier, CreditDebitNoteAmendment},
    imp_g::ImportOfGoods,
    imp_ga::ImportOfGoodsAmendment,
    imp_s::ImportOfServices,
    imp_sa::ImportOfServicesAmendment,
    itc::{ItcReversal, ReversalAmounts, ReversalRule},
    nil_supplies::{NilSupplies, NilSupplyAmounts},
    txi::Advance,
    txia::{AdvanceAmendment, AdvanceAmendmentItem},
};
use gstr2_model::{
    json, Gstin, Gstr2Payload, Gstr2Summary, Gstr2a, ReturnPeriod, StateCode, Table,
};

// ---- building blocks ----------------------------------------------------------------------

/// Valid GSTINs of regular taxpayers in states 01-37 (shared with `json_parallel`).
pub(super) fn gstin() -> impl Strategy<Value = Gstin> {
    (
        1u8..=37,
        "[A-Z]{5}[0-9]{4}[A-Z]",
        select(b"123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
    )
        .prop_map(|(state, pan, entity)| {
            let first14 = format!("{state:02}{pan}{}Z", entity as char);
            let check = check_character(first14.as_bytes()) as char;
            Gstin::parse(&format!("{first14}{check}")).expect("generated GSTIN is valid")
        })
}

fn state() -> impl Strategy<Value = StateCode> {
    (1u8..=38).prop_map(|n| StateCode::new(n).expect("01-38 are states"))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (2017i32..=2026, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).expect("day 1-28 exists"))
}

/// Amounts with two decimal places, as GSTN writes them.
fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..100_000_000).prop_map(|cents| Decimal::new(cents, 2))
}

fn opt_amount() -> impl Strategy<Value = Option<Decimal>> {
    option::of(amount())
}

/// Rates in percent, with zero to two decimal places.
fn rate() -> impl Strategy<Value = Decimal> {
    (0i64..=2800, 0u32..=2).prop_map(|(n, scale)| Decimal::new(n, scale))
}

/// Document numbers and other text: no leading or trailing spaces (spaces around a CSV value
/// are not part of it), but commas, quotes and inner spaces to exercise quoting.
fn text() -> impl Strategy<Value = String> {
    "[A-Z0-9]([A-Za-z0-9/ ,\"-]{0,10}[A-Z0-9])?"
}

/// One of a code list's codes, parsed (shared with `json_parallel`).
pub(super) fn code<T: std::str::FromStr + std::fmt::Debug>(
    codes: &'static [&'static str],
) -> impl Strategy<Value = T>
where
    T::Err: std::fmt::Debug,
{
    select(codes).prop_map(|c| c.parse::<T>().expect("listed code"))
}

fn yes_no() -> impl Strategy<Value = YesNo> {
    code(YesNo::CODES)
}

fn original_period() -> impl Strategy<Value = OriginalPeriod> {
    prop_oneof![
        Just(OriginalPeriod::Supplier),
        Just(OriginalPeriod::Receiver),
        (1u8..=12, 2017u16..=2030).prop_map(|(m, y)| OriginalPeriod::Period(
            ReturnPeriod::new(m, y).expect("valid period")
        )),
    ]
}

fn itc() -> impl Strategy<Value = Itc> {
    (
        code::<Eligibility>(Eligibility::CODES),
        (opt_amount(), opt_amount(), opt_amount(), opt_amount()),
        (opt_amount(), opt_amount(), opt_amount(), opt_amount()),
    )
        .prop_map(|(eligibility, (i, c, s, cs), (ti, tc, ts, tcs))| Itc {
            eligibility,
            igst: i,
            cgst: c,
            sgst: s,
            cess: cs,
            this_month: ItcThisMonth {
                igst: ti,
                cgst: tc,
                sgst: ts,
                cess: tcs,
            }
            .non_empty(),
        })
}

fn item() -> impl Strategy<Value = Item> {
    (
        1u32..=999,
        rate(),
        amount(),
        (opt_amount(), opt_amount(), opt_amount(), opt_amount()),
        option::of(rate()),
        option::of(code::<GoodsOrServices>(GoodsOrServices::CODES)),
        option::of("[0-9]{4,8}"),
        option::of(itc().prop_map(Box::new)),
    )
        .prop_map(
            |(number, rate, taxable_value, (igst, cgst, sgst, cess), cess_rate, ty, hsn, itc)| {
                Item {
                    number,
                    detail: ItemDetail {
                        rate,
                        taxable_value,
                        igst,
                        cgst,
                        sgst,
                        cess,
                        extra: ItemExtra {
                            cess_rate,
                            goods_or_services: ty,
                            hsn_sac: hsn,
                        }
                        .non_empty(),
                    },
                    itc,
                }
            },
        )
}

fn items() -> impl Strategy<Value = Vec<Item>> {
    vec(item(), 0..4)
}

fn import_item() -> impl Strategy<Value = ImportItem> {
    (
        1u32..=999,
        amount(),
        rate(),
        (opt_amount(), opt_amount(), option::of(rate())),
        option::of(code::<Eligibility>(Eligibility::CODES)),
        (opt_amount(), opt_amount(), opt_amount(), opt_amount()),
        option::of("[0-9]{4,8}"),
    )
        .prop_map(
            |(
                number,
                taxable_value,
                rate,
                (igst, cess, cess_rate),
                elg,
                (ti, tcs, mi, mcs),
                hsn,
            )| {
                ImportItem {
                    number,
                    taxable_value,
                    rate,
                    igst,
                    cess,
                    cess_rate,
                    eligibility: elg,
                    itc_igst: ti,
                    itc_cess: tcs,
                    itc_igst_this_month: mi,
                    itc_cess_this_month: mcs,
                    hsn_sac: hsn,
                }
            },
        )
}

fn advance_item() -> impl Strategy<Value = AdvanceItem> {
    (
        1u32..=999,
        rate(),
        amount(),
        (opt_amount(), opt_amount(), opt_amount(), opt_amount()),
    )
        .prop_map(
            |(number, rate, advance, (igst, cgst, sgst, cess))| AdvanceItem {
                number,
                rate,
                advance,
                igst,
                cgst,
                sgst,
                cess,
            },
        )
}

/// Keeps the first element of each key: the CSV tells documents apart by key.
fn unique_by<T, K: Ord>(mut v: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let mut seen = BTreeSet::new();
    v.retain(|x| seen.insert(key(x)));
    v
}

// ---- the tables ---------------------------------------------------------------------------

fn b2b_invoice() -> impl Strategy<Value = B2bInvoice> {
    (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (text(), date(), amount(), state(), yes_no()),
        (
            option::of(code::<UploadedBy>(UploadedBy::CODES)),
            option::of(code::<CounterpartyFlag>(CounterpartyFlag::CODES)),
            option::of(original_period()),
            option::of(code::<InvoiceType>(InvoiceType::CODES)),
        ),
        items(),
    )
        .prop_map(
            |(
                (flag, checksum),
                (number, date, value, pos, rchrg),
                (updby, cflag, opd, typ),
                items,
            )| {
                B2bInvoice {
                    flag,
                    checksum,
                    number,
                    date,
                    value,
                    place_of_supply: pos,
                    reverse_charge: rchrg,
                    uploaded_by: updby,
                    counterparty_flag: cflag,
                    original_period: opd,
                    invoice_type: typ,
                    items,
                }
            },
        )
}

fn b2b() -> impl Strategy<Value = Vec<B2bSupplier>> {
    vec(
        (gstin(), option::of(yes_no()), vec(b2b_invoice(), 1..4)).prop_map(
            |(ctin, cfs, invoices)| B2bSupplier {
                supplier_gstin: ctin,
                filing_status: cfs,
                invoices: unique_by(invoices, |i| i.number.clone()),
            },
        ),
        0..4,
    )
    .prop_map(|v| unique_by(v, |s| s.supplier_gstin))
}

fn b2ba() -> impl Strategy<Value = Vec<B2baSupplier>> {
    let invoice = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (text(), date(), text(), date(), amount(), state(), yes_no()),
        option::of(code::<UploadedBy>(UploadedBy::CODES)),
        option::of(code::<InvoiceType>(InvoiceType::CODES)),
        items(),
    )
        .prop_map(
            |(
                (flag, checksum),
                (onum, odt, number, date, value, pos, rchrg),
                updby,
                typ,
                items,
            )| {
                B2baInvoice {
                    flag,
                    checksum,
                    original_number: onum,
                    original_date: odt,
                    number,
                    date,
                    value,
                    place_of_supply: pos,
                    reverse_charge: rchrg,
                    uploaded_by: updby,
                    invoice_type: typ,
                    items,
                }
            },
        );
    vec(
        (gstin(), option::of(yes_no()), vec(invoice, 1..4)).prop_map(|(ctin, cfs, invoices)| {
            B2baSupplier {
                supplier_gstin: ctin,
                filing_status: cfs,
                invoices: unique_by(invoices, |i| i.number.clone()),
            }
        }),
        0..3,
    )
    .prop_map(|v| unique_by(v, |s| s.supplier_gstin))
}

fn b2bur() -> impl Strategy<Value = Vec<B2bUnregistered>> {
    let invoice = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (
            text(),
            date(),
            amount(),
            state(),
            code::<SupplyType>(SupplyType::CODES),
        ),
        items(),
    )
        .prop_map(
            |((flag, checksum), (number, date, value, pos, sply), items)| B2bUnregisteredInvoice {
                flag,
                checksum,
                number,
                date,
                value,
                place_of_supply: pos,
                supply_type: sply,
                items,
            },
        );
    vec(invoice, 0..4).prop_map(|v| {
        let invoices = unique_by(v, |i| (i.number.clone(), i.date));
        if invoices.is_empty() {
            Vec::new()
        } else {
            vec![B2bUnregistered { invoices }]
        }
    })
}

fn imp_g() -> impl Strategy<Value = Vec<ImportOfGoods>> {
    let bill = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (option::of(yes_no()), option::of(gstin())),
        (text(), date(), amount(), option::of("IN[A-Z]{3}[0-9]")),
        vec(import_item(), 0..4),
    )
        .prop_map(
            |((flag, checksum), (is_sez, stin), (num, dt, val, port), items)| ImportOfGoods {
                flag,
                checksum,
                is_sez,
                sez_supplier_gstin: stin,
                bill_number: num,
                bill_date: dt,
                bill_value: val,
                port_code: port,
                items,
            },
        );
    vec(bill, 0..4).prop_map(|v| unique_by(v, |b| (b.bill_number.clone(), b.bill_date)))
}

fn imp_ga() -> impl Strategy<Value = Vec<ImportOfGoodsAmendment>> {
    let bill = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (option::of(yes_no()), option::of(gstin())),
        (
            text(),
            date(),
            text(),
            date(),
            amount(),
            option::of("IN[A-Z]{3}[0-9]"),
        ),
        vec(import_item(), 0..4),
    )
        .prop_map(
            |((flag, checksum), (is_sez, stin), (onum, odt, num, dt, val, port), items)| {
                ImportOfGoodsAmendment {
                    flag,
                    checksum,
                    is_sez,
                    sez_supplier_gstin: stin,
                    original_bill_number: onum,
                    original_bill_date: odt,
                    bill_number: num,
                    bill_date: dt,
                    bill_value: val,
                    port_code: port,
                    items,
                }
            },
        );
    vec(bill, 0..4).prop_map(|v| unique_by(v, |b| (b.bill_number.clone(), b.bill_date)))
}

fn imp_s() -> impl Strategy<Value = Vec<ImportOfServices>> {
    let invoice = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (text(), date(), amount(), option::of(state())),
        vec(import_item(), 0..4),
    )
        .prop_map(
            |((flag, checksum), (number, date, value, pos), items)| ImportOfServices {
                flag,
                checksum,
                number,
                date,
                value,
                place_of_supply: pos,
                items,
            },
        );
    vec(invoice, 0..4).prop_map(|v| unique_by(v, |i| (i.number.clone(), i.date)))
}

fn imp_sa() -> impl Strategy<Value = Vec<ImportOfServicesAmendment>> {
    let invoice = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (
            text(),
            date(),
            text(),
            date(),
            amount(),
            option::of(state()),
        ),
        vec(import_item(), 0..4),
    )
        .prop_map(
            |((flag, checksum), (onum, odt, number, date, value, pos), items)| {
                ImportOfServicesAmendment {
                    flag,
                    checksum,
                    original_number: onum,
                    original_date: odt,
                    number,
                    date,
                    value,
                    place_of_supply: pos,
                    items,
                }
            },
        );
    vec(invoice, 0..4).prop_map(|v| unique_by(v, |i| (i.number.clone(), i.date)))
}

fn cdn() -> impl Strategy<Value = Vec<CdnSupplier>> {
    let note = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (code::<NoteType>(NoteType::CODES), text(), date()),
        (
            option::of(text()),
            option::of(yes_no()),
            option::of(text()),
            option::of(date()),
        ),
        amount(),
        (
            option::of(code::<UploadedBy>(UploadedBy::CODES)),
            option::of(code::<CounterpartyFlag>(CounterpartyFlag::CODES)),
            option::of(original_period()),
        ),
        items(),
    )
        .prop_map(
            |(
                (flag, checksum),
                (ntty, number, date),
                (rsn, p_gst, inum, idt),
                value,
                (updby, cflag, opd),
                items,
            )| {
                CreditDebitNote {
                    flag,
                    checksum,
                    note_type: ntty,
                    number,
                    date,
                    reason: rsn,
                    pre_gst: p_gst,
                    invoice_number: inum,
                    invoice_date: idt,
                    value,
                    uploaded_by: updby,
                    counterparty_flag: cflag,
                    original_period: opd,
                    items,
                }
            },
        );
    vec(
        (gstin(), option::of(yes_no()), vec(note, 1..4)).prop_map(|(ctin, cfs, notes)| {
            CdnSupplier {
                supplier_gstin: ctin,
                filing_status: cfs,
                notes: unique_by(notes, |n| n.number.clone()),
            }
        }),
        0..3,
    )
    .prop_map(|v| unique_by(v, |s| s.supplier_gstin))
}

fn cdna() -> impl Strategy<Value = Vec<CdnaSupplier>> {
    let note = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (
            code::<NoteType>(NoteType::CODES),
            text(),
            date(),
            text(),
            date(),
        ),
        (
            option::of(text()),
            option::of(yes_no()),
            option::of(text()),
            option::of(date()),
        ),
        amount(),
        (
            option::of(code::<UploadedBy>(UploadedBy::CODES)),
            option::of(yes_no()),
        ),
        items(),
    )
        .prop_map(
            |(
                (flag, checksum),
                (ntty, onum, odt, number, date),
                (rsn, p_gst, inum, idt),
                value,
                (updby, rchrg),
                items,
            )| {
                CreditDebitNoteAmendment {
                    flag,
                    checksum,
                    note_type: ntty,
                    original_number: onum,
                    original_date: odt,
                    number,
                    date,
                    reason: rsn,
                    pre_gst: p_gst,
                    invoice_number: inum,
                    invoice_date: idt,
                    value,
                    uploaded_by: updby,
                    reverse_charge: rchrg,
                    items,
                }
            },
        );
    vec(
        (gstin(), option::of(yes_no()), vec(note, 1..4)).prop_map(|(ctin, cfs, notes)| {
            CdnaSupplier {
                supplier_gstin: ctin,
                filing_status: cfs,
                notes: unique_by(notes, |n| n.number.clone()),
            }
        }),
        0..3,
    )
    .prop_map(|v| unique_by(v, |s| s.supplier_gstin))
}

fn cdnur() -> impl Strategy<Value = Vec<UnregisteredNote>> {
    let note = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
            option::of(gstin()),
        ),
        (code::<NoteType>(NoteType::CODES), text(), date()),
        (
            option::of(text()),
            option::of(yes_no()),
            option::of(code::<UnregisteredNoteType>(UnregisteredNoteType::CODES)),
        ),
        (amount(), option::of(text()), option::of(date())),
        items(),
    )
        .prop_map(
            |(
                (flag, checksum, rtin),
                (ntty, number, date),
                (rsn, p_gst, typ),
                (value, inum, idt),
                items,
            )| {
                UnregisteredNote {
                    flag,
                    checksum,
                    receiver_gstin: rtin,
                    note_type: ntty,
                    number,
                    date,
                    reason: rsn,
                    pre_gst: p_gst,
                    invoice_type: typ,
                    value,
                    invoice_number: inum,
                    invoice_date: idt,
                    items,
                }
            },
        );
    vec(note, 0..4).prop_map(|v| unique_by(v, |n| (n.number.clone(), n.date)))
}

fn nil_amounts() -> impl Strategy<Value = NilSupplyAmounts> {
    (opt_amount(), opt_amount(), opt_amount(), opt_amount()).prop_map(
        |(composition, exempt, nil_rated, non_gst)| NilSupplyAmounts {
            composition,
            exempt,
            nil_rated,
            non_gst,
        },
    )
}

fn nil_supplies() -> impl Strategy<Value = NilSupplies> {
    (option::of(nil_amounts()), option::of(nil_amounts()))
        .prop_map(|(inter, intra)| NilSupplies { inter, intra })
}

fn itc_reversal() -> impl Strategy<Value = ItcReversal> {
    let amounts = (opt_amount(), opt_amount(), opt_amount(), opt_amount()).prop_map(
        |(igst, cgst, sgst, cess)| ReversalAmounts {
            igst,
            cgst,
            sgst,
            cess,
        },
    );
    vec((select(ReversalRule::ALL.to_vec()), amounts), 0..5).prop_map(|blocks| {
        let mut out = ItcReversal::default();
        for (rule, a) in blocks {
            out.set(rule, a);
        }
        out
    })
}

fn advances() -> impl Strategy<Value = Vec<Advance>> {
    let advance = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        state(),
        code::<SupplyType>(SupplyType::CODES),
        vec(advance_item(), 0..4),
    )
        .prop_map(|((flag, checksum), pos, sply, items)| Advance {
            flag,
            checksum,
            place_of_supply: pos,
            supply_type: sply,
            items,
        });
    vec(advance, 0..4).prop_map(|v| unique_by(v, |a| (a.place_of_supply, a.supply_type.clone())))
}

fn txia() -> impl Strategy<Value = Vec<AdvanceAmendment>> {
    let item = (
        option::of(code::<GoodsOrServices>(GoodsOrServices::CODES)),
        option::of("[0-9]{4,8}"),
        amount(),
        (
            option::of(rate()),
            opt_amount(),
            option::of(rate()),
            opt_amount(),
        ),
        (
            option::of(rate()),
            opt_amount(),
            option::of(rate()),
            opt_amount(),
        ),
    )
        .prop_map(
            |(ty, hsn, txval, (irt, iamt, crt, camt), (srt, samt, csrt, csamt))| {
                AdvanceAmendmentItem {
                    goods_or_services: ty,
                    hsn_sac: hsn,
                    taxable_value: txval,
                    igst_rate: irt,
                    igst: iamt,
                    cgst_rate: crt,
                    cgst: camt,
                    sgst_rate: srt,
                    sgst: samt,
                    cess_rate: csrt,
                    cess: csamt,
                }
            },
        );
    let doc = (
        (
            option::of(code::<Flag>(Flag::CODES)),
            option::of("[0-9a-f]{8,64}"),
        ),
        (
            text(),
            option::of(text()),
            text(),
            date(),
            text(),
            date(),
            state(),
        ),
        (option::of(text()), option::of(text())),
        (
            amount(),
            opt_amount(),
            opt_amount(),
            opt_amount(),
            opt_amount(),
        ),
        vec(item, 0..4),
    )
        .prop_map(
            |(
                (flag, checksum),
                (cpty, reg, onum, odt, num, dt, pos),
                (oreg, ocpty),
                (txval, i, c, s, cs),
                items,
            )| {
                AdvanceAmendment {
                    flag,
                    checksum,
                    counterparty: cpty,
                    registration_type: reg,
                    original_number: onum,
                    original_date: odt,
                    number: num,
                    date: dt,
                    place_of_supply: pos,
                    original_registration_type: oreg,
                    original_counterparty: ocpty,
                    taxable_value: txval,
                    igst: i,
                    cgst: c,
                    sgst: s,
                    cess: cs,
                    items,
                }
            },
        );
    vec(doc, 0..4).prop_map(|v| unique_by(v, |d| (d.counterparty.clone(), d.number.clone())))
}

pub(super) fn payload() -> impl Strategy<Value = Gstr2Payload> {
    (
        (gstin(), (1u8..=12, 2017u16..=2030)),
        (b2b(), b2ba(), b2bur(), imp_g(), imp_ga()),
        (imp_s(), imp_sa(), cdn(), cdna(), cdnur()),
        (
            option::of(nil_supplies()),
            option::of(itc_reversal()),
            advances(),
            txia(),
            advances(),
        ),
    )
        .prop_map(
            |(
                (gstin, (m, y)),
                (b2b, b2ba, b2bur, imp_g, imp_ga),
                (imp_s, imp_sa, cdn, cdna, cdnur),
                (nil, itc, txi, atxi, txpd),
            )| {
                let mut p = Gstr2Payload::new(gstin, ReturnPeriod::new(m, y).expect("valid"));
                p.b2b = b2b;
                p.b2ba = b2ba;
                p.b2bur = b2bur;
                p.imp_g = imp_g;
                p.imp_ga = imp_ga;
                p.imp_s = imp_s;
                p.imp_sa = imp_sa;
                p.cdn = cdn;
                p.cdna = cdna;
                p.cdnur = cdnur;
                // The CSV cannot tell an empty block from an absent one.
                p.nil_supplies = nil.filter(|n| n.inter.is_some() || n.intra.is_some());
                p.itc_rvsl = itc.filter(|i| i.iter().next().is_some());
                p.txi = txi;
                p.atxi = atxi;
                p.txpd = txpd;
                p
            },
        )
}

// ---- the properties -----------------------------------------------------------------------

fn write(data: &TableData) -> String {
    let mut out = Vec::new();
    csv::write_table(data, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the writer writes UTF-8")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every table: model → CSV → model gives the same model, and writing it again the same
    /// bytes.
    #[test]
    fn csv_round_trips_every_table(payload in payload()) {
        for table in Table::ALL {
            let data = TableData::from_payload(&payload, table);
            let text = write(&data);
            let back = csv::read_table(table, text.as_bytes());
            prop_assert!(back.is_ok(), "{table}: {:?}\n{text}", back.err());
            let back = back.unwrap_or_else(|_| unreachable!());
            prop_assert_eq!(&back, &data, "{}\n{}", table, text);
            prop_assert_eq!(write(&back), text);
        }
    }

    /// JSON → model → JSON gives the same bytes and the same value.
    #[test]
    fn json_round_trips(payload in payload()) {
        let text = json::to_string(&payload).expect("encode");
        let back: Gstr2Payload = json::from_str(&text).expect("decode");
        prop_assert_eq!(&back, &payload);
        prop_assert_eq!(json::to_string(&back).expect("encode"), text.clone());
        let a: serde_json::Value = serde_json::from_str(&text).expect("value");
        let b: serde_json::Value = serde_json::to_value(&back).expect("value");
        prop_assert_eq!(a, b);
    }

    /// A folder of CSV files → payload → JSON → payload → folder gives the same files.
    #[test]
    fn csv_to_json_to_csv_through_the_model(payload in payload()) {
        let dir = tempfile::tempdir().expect("temp dir");
        csv::write_dir(&payload, dir.path()).expect("write_dir");
        let read = csv::read_dir(dir.path(), payload.gstin, payload.fp);
        prop_assert!(read.is_ok(), "{}", read.as_ref().err().map(|e| e.to_string()).unwrap_or_default());
        let read = read.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!(&read, &payload);
        let text = json::to_string(&read).expect("encode");
        let again: Gstr2Payload = json::from_str(&text).expect("decode");
        for table in Table::ALL {
            let original = std::fs::read_to_string(dir.path().join(table.file_name())).expect("file");
            prop_assert_eq!(write(&TableData::from_payload(&again, table)), original);
        }
    }
}

/// Cells that reach deep into the readers: valid and broken values of every kind.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        select(vec![
            "27AAPFU0939F1ZV",
            "27AAPFU0939F1ZX",
            "33GSPTN4811G1ZC",
            "24-07-2017",
            "31-02-2017",
            "1000.50",
            "-0",
            "1e5",
            "18",
            "9.0",
            "0",
            "Y",
            "N",
            "ip",
            "no",
            "INTER",
            "INTRA",
            "C",
            "D",
            "A",
            "X",
            "S",
            "R",
            "072017",
            "rule2_2",
            "other",
            "27",
            "96",
            "\"",
            " ",
            "4294967296",
            "99999999999999999999999999999999",
            "\u{feff}",
        ])
        .prop_map(str::to_owned),
        "[ -~]{0,12}",
        any::<String>(),
    ]
}

fn table() -> impl Strategy<Value = Table> {
    select(Table::ALL.to_vec())
}

/// A file with a real header (some columns dropped, shuffled, repeated) and rows of such cells.
fn csv_like() -> impl Strategy<Value = (Table, Vec<u8>)> {
    (table(), vec(cell(), 0..40), 0usize..6, any::<u64>())
        .prop_flat_map(|(table, _, _, _)| {
            let header = {
                let mut out = Vec::new();
                csv::write_table(
                    &TableData::from_payload(
                        &Gstr2Payload::new(
                            "27AAPFU0939F1ZV".parse().expect("valid"),
                            "072017".parse().expect("valid"),
                        ),
                        table,
                    ),
                    &mut out,
                )
                .expect("header");
                String::from_utf8(out).expect("utf-8")
            };
            let columns: Vec<String> = header.trim_end().split(',').map(str::to_owned).collect();
            let width = columns.len();
            (
                Just(table),
                prop_oneof![
                    proptest::sample::subsequence(columns.clone(), 0..=width),
                    Just(columns.clone()).prop_shuffle(),
                ],
                vec(vec(cell(), 0..width + 2), 0..6),
                vec(select(columns), 0..2),
            )
        })
        .prop_map(|(table, mut header, rows, extra)| {
            header.extend(extra);
            let mut w = ::csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(Vec::new());
            let _ = w.write_record(&header);
            for row in rows {
                let _ = w.write_record(&row);
            }
            (table, w.into_inner().unwrap_or_default())
        })
}

/// Reads `bytes` as `table` through `Read` and in place: the same value, or the same error.
fn same_in_place(table: Table, bytes: &[u8]) -> Result<(), TestCaseError> {
    let show = |r: Result<TableData, csv::CsvError>| r.map_err(|e| e.to_string());
    prop_assert_eq!(
        show(csv::read_table(table, bytes)),
        show(csv::read_table_from_slice(table, bytes))
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary bytes never make a CSV reader panic; read in place, they give what they give
    /// through `Read`.
    #[test]
    fn csv_readers_never_panic_on_bytes(bytes in vec(any::<u8>(), 0..512), table in table()) {
        same_in_place(table, &bytes)?;
    }

    /// Nor do CSV-shaped inputs with real column names and odd cells.
    #[test]
    fn csv_readers_never_panic_on_csv_like_input((table, bytes) in csv_like()) {
        same_in_place(table, &bytes)?;
        if table == Table::B2b {
            let _ = csv::read_b2b(&bytes[..]);
            let _ = csv::read_b2b_from_slice(&bytes);
        }
        let _ = csv::read_b2ba(&bytes[..]);
        let _ = csv::read_cdn(&bytes[..]);
        let _ = csv::read_cdna(&bytes[..]);
    }

    /// Arbitrary bytes never make the JSON reader panic, for every model type.
    #[test]
    fn json_readers_never_panic(bytes in vec(any::<u8>(), 0..256)) {
        let _ = json::from_slice::<Gstr2Payload>(&bytes);
        let _ = json::from_slice::<Gstr2Summary>(&bytes);
        let _ = json::from_slice::<Gstr2a>(&bytes);
        let _ = json::from_slice::<Vec<B2bSupplier>>(&bytes);
        let _ = json::from_slice::<Vec<B2baSupplier>>(&bytes);
        let _ = json::from_slice::<Vec<B2bUnregistered>>(&bytes);
        let _ = json::from_slice::<Vec<ImportOfGoods>>(&bytes);
        let _ = json::from_slice::<Vec<ImportOfGoodsAmendment>>(&bytes);
        let _ = json::from_slice::<Vec<ImportOfServices>>(&bytes);
        let _ = json::from_slice::<Vec<ImportOfServicesAmendment>>(&bytes);
        let _ = json::from_slice::<Vec<CdnSupplier>>(&bytes);
        let _ = json::from_slice::<Vec<CdnaSupplier>>(&bytes);
        let _ = json::from_slice::<Vec<UnregisteredNote>>(&bytes);
        let _ = json::from_slice::<NilSupplies>(&bytes);
        let _ = json::from_slice::<ItcReversal>(&bytes);
        let _ = json::from_slice::<Vec<Advance>>(&bytes);
        let _ = json::from_slice::<Vec<AdvanceAmendment>>(&bytes);
        let _ = json::from_slice::<Item>(&bytes);
    }

    /// JSON-shaped inputs: a real payload with one byte changed.
    #[test]
    fn json_reader_never_panics_on_a_damaged_payload(
        payload in payload(), at in any::<prop::sample::Index>(), byte in any::<u8>()
    ) {
        let mut bytes = json::to_vec(&payload).expect("encode");
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = json::from_slice::<Gstr2Payload>(&bytes);
    }
}

/// GSTN's answers as published (GSTR-2B, IMS, GSTR2A) and a save payload: the documents the
/// damaged-input properties start from.
const ANSWERS: [&[u8]; 7] = [
    include_bytes!("../fixtures/gstr2b_v4.json"),
    include_bytes!("../fixtures/gstr2b_quirks.json"),
    include_bytes!("../fixtures/gstr2b_paged_head.json"),
    include_bytes!("../fixtures/ims_records.json"),
    include_bytes!("../fixtures/ims_portal.json"),
    include_bytes!("../fixtures/gstr2a_as_sent.json"),
    include_bytes!("../fixtures/gstr2_save.json"),
];

/// Every reader of what GSTN sends, on the same bytes; none may panic.
fn read_every_way(bytes: &[u8]) {
    let _ = gstr2_model::Gstr2b::from_json(bytes);
    let _ = gstr2_model::ImsRecords::from_json(bytes);
    let _ = json::from_slice::<Gstr2a>(bytes);
    for threads in 1..=3 {
        let _ = json::gstr2a_from_slice_parallel(bytes, threads);
    }
    let _ = json::from_slice::<Gstr2Payload>(bytes);
    let _ = json::from_reader::<_, Gstr2a>(bytes);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A real answer with a few bytes changed never makes a reader panic: unlike random bytes,
    /// these get past the first byte, deep into GSTR-2B's, IMS's and GSTR2A's documents.
    #[test]
    fn readers_of_gstn_answers_never_panic_on_damaged_input(
        answer in select(&ANSWERS[..]),
        changes in vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = answer.to_vec();
        for (at, byte) in changes {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        read_every_way(&bytes);
    }

    /// A real answer cut short anywhere never makes a reader panic.
    #[test]
    fn readers_of_gstn_answers_never_panic_on_truncated_input(
        answer in select(&ANSWERS[..]), at in any::<prop::sample::Index>()
    ) {
        read_every_way(&answer[..at.index(answer.len())]);
    }
}
