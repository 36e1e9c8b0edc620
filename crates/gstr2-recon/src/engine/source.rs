//! The counterparty side read from each source: GSTR2A ([`counterparty_docs`](super::doc::counterparty_docs)),
//! GSTR-2B ([`gstr2b_docs`]) and IMS ([`ims_docs`]), into one kind of [`Doc`], so that every
//! pass serves every source.
//!
//! What each source gives the documents:
//! - amounts: GSTR-2B's items with their rates where every item has one (its older layout),
//!   else the document's totals (its newer layout, IMS, ISD documents, bills of entry), which
//!   are compared as totals;
//! - the supplier's filing: a GSTR-2B lists filed documents only (`cfs` `Y`); an IMS record
//!   says it in `srcfilstatus`;
//! - the IMS role ([`ImsRole`]): an IMS record in its reported state; a GSTR-2B document as a
//!   record with no action of its own (Reject where listed in `docRejdata`), unless it never
//!   passes IMS (reverse charge, ISD, imports before October 2025, ITC not available by rule);
//! - the sections the register cannot hold (ISD, imports) are read but paired by no pass
//!   (`Doc::pairable`): every document of a GSTR-2B gets a result.

use gstr2_model::amount::AmountOverflow;
use gstr2_model::codes::{ImsAction, Indicator, IsdDocumentType, ItcAvailability, NoteType, YesNo};
use gstr2_model::counterparty::CounterpartyDocument;
use gstr2_model::gstr2b::{Gstr2b, Gstr2bDocuments, Gstr2bItem};
use gstr2_model::ims::ImsRecords;
use gstr2_model::{Gstin, ReturnPeriod};
use rust_decimal::Decimal;

use super::doc::{Amounts, Doc, Fields, ImsRole};
use crate::ims::{NeverInIms, RecordState};
use crate::report::{DocKind, Section};

/// The first period whose imports of goods pass through IMS (October 2025).
const IMPORTS_IN_IMS_FROM: (u16, u8) = (2025, 10);

/// The amounts of a GSTR-2B document: its items with their rates when it has items and each
/// has a rate, else its totals (summed with checks).
fn gstr2b_amounts<'a>(
    items: &'a [Gstr2bItem],
    doc: &'a (dyn CounterpartyDocument + Sync),
) -> Result<Amounts<'a>, &'static str> {
    if !items.is_empty() && items.iter().all(|i| i.rate.is_some()) {
        return Ok(Amounts::Gstr2bItems(items));
    }
    totals(doc)
}

/// A document's totals, as its source sums them, once found to fit.
fn totals(doc: &(dyn CounterpartyDocument + Sync)) -> Result<Amounts<'_>, &'static str> {
    doc.taxable_value().map_err(|_| "its taxable value")?;
    doc.tax().map_err(|_| "its tax")?;
    Ok(Amounts::Totals(doc))
}

/// The actions a GSTR-2B document stands in: rejected (`docRejdata`) or not.
static REJECTED: ImsAction = ImsAction::Reject;

fn yes_no(i: Option<&Indicator>) -> Option<YesNo> {
    i.map(|i| if i.is_yes() { YesNo::Yes } else { YesNo::No })
}

/// What IMS makes of a GSTR-2B document of a section IMS covers.
fn gstr2b_role(
    reverse_charge: Option<&Indicator>,
    itc: Option<&ItcAvailability>,
    rejected: bool,
) -> ImsRole<'static> {
    if reverse_charge.is_some_and(Indicator::is_yes) {
        ImsRole::Never(NeverInIms::ReverseCharge)
    } else if matches!(itc, Some(ItcAvailability::No)) {
        ImsRole::Never(NeverInIms::ItcNotAvailable)
    } else {
        ImsRole::Record {
            current: rejected.then_some(&REJECTED),
            pending_blocked: false,
            supplier_filed: true,
        }
    }
}

/// Reads one part (`docdata`, or `docRejdata` when `rejected`) of a GSTR-2B.
fn gstr2b_part<'a>(
    out: &mut Vec<Doc<'a>>,
    docs: &'a Gstr2bDocuments,
    receiver: Gstin,
    period: Option<ReturnPeriod>,
    rejected: bool,
) -> Result<(), AmountOverflow> {
    let overflow = |sum: &'static str, section: Section, supplier: Gstin, number: &str| {
        AmountOverflow::new(sum, section.as_str(), Some(number)).with_supplier(supplier)
    };
    // Invoices (`b2b`, `ecom`; amended `b2ba`, `ecoma`) and notes (`cdnr`; amended `cdnra`):
    // each supplier's `$docs`, of kind `$kind`, naming `$original`.
    macro_rules! documents {
        ($list:expr, $docs:ident, $section:expr, |$d:ident| $kind:expr, $original:expr) => {
            for (si, s) in $list.iter().enumerate() {
                for (di, $d) in s.$docs.iter().enumerate() {
                    let amounts = gstr2b_amounts(&$d.items, $d)
                        .map_err(|sum| overflow(sum, $section, s.supplier_gstin, &$d.number))?;
                    let mut doc = Doc::new(Fields {
                        section: $section,
                        kind: $kind,
                        supplier: s.supplier_gstin,
                        number: &$d.number,
                        date: $d.date,
                        original: $original,
                        value: $d.value,
                        amounts,
                        pos: $d.place_of_supply,
                        rchrg: yes_no($d.reverse_charge.as_ref()),
                        inv_typ: None,
                        checksum: None,
                        cfs: Some(YesNo::Yes),
                        source: (si, di),
                    });
                    doc.ims = gstr2b_role(
                        $d.reverse_charge.as_ref(),
                        $d.itc_availability.as_ref(),
                        rejected,
                    );
                    doc.rejected = rejected;
                    out.push(doc);
                }
            }
        };
    }
    let original = |n: &'a String, d| Some((n.as_str(), d));
    documents!(docs.b2b, invoices, Section::B2b, |d| DocKind::Invoice, None);
    documents!(
        docs.b2ba,
        invoices,
        Section::B2ba,
        |d| DocKind::Invoice,
        original(&d.original_number, d.original_date)
    );
    documents!(
        docs.ecom,
        invoices,
        Section::Ecom,
        |d| DocKind::Invoice,
        None
    );
    documents!(
        docs.ecoma,
        invoices,
        Section::Ecoma,
        |d| DocKind::Invoice,
        original(&d.original_number, d.original_date)
    );
    documents!(
        docs.cdnr,
        notes,
        Section::Cdnr,
        |d| DocKind::of_note(&d.note_type),
        None
    );
    documents!(
        docs.cdnra,
        notes,
        Section::Cdnra,
        |d| DocKind::of_note(&d.note_type),
        original(&d.original_number, d.original_date)
    );
    // ISD documents: never in IMS, never in the register's reconciled tables.
    macro_rules! isd {
        ($list:expr, $section:expr, |$d:ident| $original:expr) => {
            for (si, s) in $list.iter().enumerate() {
                for (di, $d) in s.documents.iter().enumerate() {
                    let kind = match $d.document_type {
                        Some(IsdDocumentType::CreditNote) => DocKind::CreditNote,
                        _ => DocKind::Invoice,
                    };
                    // An ISD document's sums are of four optional heads: they fit.
                    let amounts = Amounts::Totals($d);
                    let mut doc = Doc::new(Fields {
                        section: $section,
                        kind,
                        supplier: s.supplier_gstin,
                        number: &$d.number,
                        date: $d.date,
                        original: $original,
                        value: Decimal::ZERO,
                        amounts,
                        pos: None,
                        rchrg: None,
                        inv_typ: None,
                        checksum: None,
                        cfs: Some(YesNo::Yes),
                        source: (si, di),
                    });
                    doc.ims = ImsRole::Never(NeverInIms::Isd);
                    doc.rejected = rejected;
                    out.push(doc);
                }
            }
        };
    }
    isd!(docs.isd, Section::Isd, |d| None);
    isd!(docs.isda, Section::Isda, |d| Some((
        &d.original_number,
        d.original_date
    )));
    // Bills of entry: imports pass through IMS from October 2025 only.
    let import_role = || {
        let in_ims = period.is_some_and(|p| (p.year(), p.month()) >= IMPORTS_IN_IMS_FROM);
        if in_ims {
            gstr2b_role(None, None, rejected)
        } else {
            ImsRole::Never(NeverInIms::Import)
        }
    };
    let mut bill = |section: Section,
                    supplier: Gstin,
                    at: (usize, usize),
                    b: &'a gstr2_model::gstr2b::Gstr2bBillOfEntry|
     -> Result<(), AmountOverflow> {
        let amounts = totals(b).map_err(|sum| overflow(sum, section, supplier, &b.bill_number))?;
        let mut doc = Doc::new(Fields {
            section,
            kind: DocKind::BillOfEntry,
            supplier,
            number: &b.bill_number,
            date: b.bill_date,
            original: None,
            value: Decimal::ZERO,
            amounts,
            pos: None,
            rchrg: None,
            inv_typ: None,
            checksum: None,
            cfs: Some(YesNo::Yes),
            source: at,
        });
        doc.ims = import_role();
        doc.rejected = rejected;
        out.push(doc);
        Ok(())
    };
    // Imports from abroad name no supplier: the importer, the receiver, stands in.
    for (di, b) in docs.impg.iter().enumerate() {
        bill(Section::Impg, receiver, (0, di), b)?;
    }
    for (si, s) in docs.impgsez.iter().enumerate() {
        for (di, b) in s.bills.iter().enumerate() {
            bill(Section::Impgsez, s.supplier_gstin, (si, di), b)?;
        }
    }
    Ok(())
}

/// The documents of a GSTR-2B, `docdata` then `docRejdata`. `receiver` stands in as the
/// supplier of imports from abroad, which name none.
pub(super) fn gstr2b_docs(
    gstr2b: &Gstr2b,
    receiver: Gstin,
) -> Result<Vec<Doc<'_>>, AmountOverflow> {
    let mut out =
        Vec::with_capacity(gstr2b.documents.document_count() + gstr2b.rejected.document_count());
    let period = gstr2b.return_period;
    gstr2b_part(&mut out, &gstr2b.documents, receiver, period, false)?;
    gstr2b_part(&mut out, &gstr2b.rejected, receiver, period, true)?;
    Ok(out)
}

/// The records of IMS, each in the state GSTN reported.
pub(super) fn ims_docs(records: &ImsRecords) -> Result<Vec<Doc<'_>>, AmountOverflow> {
    let mut out = Vec::with_capacity(records.document_count());
    macro_rules! section {
        ($list:expr, $section:expr, $kind:expr, |$d:ident| $original:expr) => {
            for (di, $d) in $list.iter().enumerate() {
                let amounts = totals($d).map_err(|sum| {
                    AmountOverflow::new(sum, $section.as_str(), Some(&$d.number))
                        .with_supplier($d.supplier_gstin)
                })?;
                let state = RecordState::of(
                    None,
                    $d.pending_blocked.as_ref(),
                    $d.supplier_filing_status.as_ref(),
                );
                let mut doc = Doc::new(Fields {
                    section: $section,
                    kind: $kind,
                    supplier: $d.supplier_gstin,
                    number: &$d.number,
                    date: $d.date,
                    original: $original,
                    value: $d.value,
                    amounts,
                    pos: $d.place_of_supply,
                    rchrg: None,
                    inv_typ: None,
                    checksum: None,
                    cfs: Some(if state.supplier_filed {
                        YesNo::Yes
                    } else {
                        YesNo::No
                    }),
                    source: (0, di),
                });
                doc.ims = ImsRole::Record {
                    current: $d.action.as_ref(),
                    pending_blocked: state.pending_blocked,
                    supplier_filed: state.supplier_filed,
                };
                out.push(doc);
            }
        };
    }
    section!(records.b2b, Section::B2b, DocKind::Invoice, |d| None);
    section!(records.b2ba, Section::B2ba, DocKind::Invoice, |d| Some((
        d.original_number.as_str(),
        d.original_date
    )));
    section!(
        records.b2bcn,
        Section::B2bcn,
        DocKind::of_note(&NoteType::Credit),
        |d| None
    );
    section!(
        records.b2bcna,
        Section::B2bcna,
        DocKind::of_note(&NoteType::Credit),
        |d| Some((d.original_number.as_str(), d.original_date))
    );
    section!(
        records.b2bdn,
        Section::B2bdn,
        DocKind::of_note(&NoteType::Debit),
        |d| None
    );
    section!(
        records.b2bdna,
        Section::B2bdna,
        DocKind::of_note(&NoteType::Debit),
        |d| Some((d.original_number.as_str(), d.original_date))
    );
    section!(records.ecom, Section::Ecom, DocKind::Invoice, |d| None);
    section!(records.ecoma, Section::Ecoma, DocKind::Invoice, |d| Some((
        d.original_number.as_str(),
        d.original_date
    )));
    Ok(out)
}
