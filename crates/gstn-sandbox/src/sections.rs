//! What a return holds: the saved documents of every section, keyed as GSTN keys them.
//!
//! | section | key |
//! |---|---|
//! | `b2b`, `b2ba` | supplier GSTIN (`ctin`) + invoice number (`inum`) |
//! | `cdn`, `cdna` | supplier GSTIN (`ctin`) + note number (`nt_num`) |
//! | `b2bur`, `imp_s`, `imp_sa` | invoice number (`inum`) |
//! | `imp_g`, `imp_ga` | bill of entry number (`boe_num`) |
//! | `cdnur` | note number (`nt_num`) |
//! | `txi`, `txpd` | place of supply (`pos`) + supply type (`sply_ty`) |
//! | `atxi` | document number (`dnum`) |
//! | `nil_supplies`, `hsnsum` | one per return, replaced as a whole |
//! | `itc_rvsl` | one per rule (`rule2_2`, …), each replaced on its own |

use std::collections::BTreeMap;

use gstr2_model::codes::YesNo;
use gstr2_model::tables::{
    b2b::{B2bInvoice, B2bSupplier},
    b2b_unregistered::{B2bUnregistered, B2bUnregisteredInvoice},
    b2ba::{B2baInvoice, B2baSupplier},
    cdn::{CdnSupplier, CreditDebitNote},
    cdn_unregistered::UnregisteredNote,
    cdna::{CdnaSupplier, CreditDebitNoteAmendment},
    hsnsum::HsnSummary,
    imp_g::ImportOfGoods,
    imp_ga::ImportOfGoodsAmendment,
    imp_s::ImportOfServices,
    imp_sa::ImportOfServicesAmendment,
    itc::ItcReversal,
    nil_supplies::NilSupplies,
    txi::Advance,
    txia::AdvanceAmendment,
};
use gstr2_model::{Gstin, Gstr2Payload, ReturnPeriod};

/// The documents of one supplier in a section grouped by supplier.
#[derive(Clone, Debug)]
pub(crate) struct SupplierDocs<D> {
    /// The counterparty filing status (`cfs`) last sent or seen.
    pub cfs: Option<YesNo>,
    /// Documents by number.
    pub docs: BTreeMap<String, D>,
}

impl<D> Default for SupplierDocs<D> {
    fn default() -> Self {
        SupplierDocs {
            cfs: None,
            docs: BTreeMap::new(),
        }
    }
}

/// A section grouped by supplier GSTIN.
pub(crate) type Grouped<D> = BTreeMap<Gstin, SupplierDocs<D>>;

/// Every section of a GSTR2 return as stored by the sandbox.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sections {
    pub b2b: Grouped<B2bInvoice>,
    pub b2ba: Grouped<B2baInvoice>,
    pub cdn: Grouped<CreditDebitNote>,
    pub cdna: Grouped<CreditDebitNoteAmendment>,
    pub b2bur: BTreeMap<String, B2bUnregisteredInvoice>,
    pub imp_g: BTreeMap<String, ImportOfGoods>,
    pub imp_ga: BTreeMap<String, ImportOfGoodsAmendment>,
    pub imp_s: BTreeMap<String, ImportOfServices>,
    pub imp_sa: BTreeMap<String, ImportOfServicesAmendment>,
    pub cdnur: BTreeMap<String, UnregisteredNote>,
    pub txi: BTreeMap<String, Advance>,
    pub atxi: BTreeMap<String, AdvanceAmendment>,
    pub txpd: BTreeMap<String, Advance>,
    pub nil_supplies: Option<NilSupplies>,
    pub itc_rvsl: Option<ItcReversal>,
    pub hsnsum: Option<HsnSummary>,
}

fn ungroup<D: Clone, S>(
    grouped: &Grouped<D>,
    make: impl Fn(Gstin, Option<YesNo>, Vec<D>) -> S,
) -> Vec<S> {
    grouped
        .iter()
        .filter(|(_, s)| !s.docs.is_empty())
        .map(|(ctin, s)| make(*ctin, s.cfs.clone(), s.docs.values().cloned().collect()))
        .collect()
}

impl Sections {
    /// The stored return as a save payload, sections and documents in key order.
    pub(crate) fn to_payload(&self, gstin: Gstin, fp: ReturnPeriod) -> Gstr2Payload {
        let mut p = Gstr2Payload::new(gstin, fp);
        p.b2b = ungroup(&self.b2b, |supplier_gstin, filing_status, invoices| {
            B2bSupplier {
                supplier_gstin,
                filing_status,
                invoices,
            }
        });
        p.b2ba = ungroup(&self.b2ba, |supplier_gstin, filing_status, invoices| {
            B2baSupplier {
                supplier_gstin,
                filing_status,
                invoices,
            }
        });
        p.cdn = ungroup(&self.cdn, |supplier_gstin, filing_status, notes| {
            CdnSupplier {
                supplier_gstin,
                filing_status,
                notes,
            }
        });
        p.cdna = ungroup(&self.cdna, |supplier_gstin, filing_status, notes| {
            CdnaSupplier {
                supplier_gstin,
                filing_status,
                notes,
            }
        });
        if !self.b2bur.is_empty() {
            p.b2bur = vec![B2bUnregistered {
                invoices: self.b2bur.values().cloned().collect(),
            }];
        }
        p.imp_g = self.imp_g.values().cloned().collect();
        p.imp_ga = self.imp_ga.values().cloned().collect();
        p.imp_s = self.imp_s.values().cloned().collect();
        p.imp_sa = self.imp_sa.values().cloned().collect();
        p.cdnur = self.cdnur.values().cloned().collect();
        p.txi = self.txi.values().cloned().collect();
        p.atxi = self.atxi.values().cloned().collect();
        p.txpd = self.txpd.values().cloned().collect();
        p.nil_supplies = self.nil_supplies.clone();
        p.itc_rvsl = self.itc_rvsl.clone();
        p.hsnsum = self.hsnsum.clone();
        p
    }
}
