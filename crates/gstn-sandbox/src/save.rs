//! `RETSAVE` processing: a save payload read document by document, checked, and applied.
//!
//! The payload is read leniently: it is first parsed as plain JSON, then every document on its
//! own, so one bad document lands in the `error_report` while the others are stored. What makes a
//! document invalid, and the code it is reported with (the record-level constants of
//! [`gstn_proto::error_code::chosen`], `RECORD_STRUCTURE` … `RECORD_CHECKSUM_MISMATCH`):
//!
//! | problem | `error_cd` |
//! |---|---|
//! | the document does not fit the GSTR2 model (missing or mistyped field) | `RET191106` |
//! | a GSTIN (`ctin`, `stin`, `rtin`) fails its shape or check digit (a `ctin` that fails its check digit or state code is taken where GSTN listed it in the receiver's GSTR2A: GSTN takes back what it sent); a `ctin` that is the receiver's own GSTIN | `RET191113` |
//! | an impossible date, or a date after the return period | `RET191114` |
//! | a place of supply that is no state code, or tax heads against it: CGST/SGST on an inter-state supply, IGST on an intra-state one | `RET191114` |
//! | a counterparty flag (`A`, `R`, `M`, `P`, `N`) on a document not in the receiver's GSTR2A, or on a section without counterparty documents | `RET191115` |
//! | a counterparty flag whose `chksum` differs from the GSTR2A document's | `RET191116` |
//! | a section the GSTR2 save does not know | `RET191106` |
//!
//! A document without a flag (or with `U` or `E`) is the receiver's own: inserted, or replacing
//! the stored one with the same key. `A`, `R`, `M`, `P` and `N` store the counterparty document
//! as sent, flag included. `D` removes the stored document with that key (nothing happens when
//! there is none). The keys:
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
//!
//! Tax heads are checked against the kind of supply: for `b2b`/`b2ba` the supplier's state
//! (`ctin`) against the place of supply (`pos`); for `cdn`/`cdna`, which carry no place of
//! supply, the supplier's state against the receiver's; for `b2bur`, `txi` and `txpd` the
//! supply type (`sply_ty`). Every date must lie on or before the last day of the return period.
//!
//! A payload that is not a JSON object, or whose `gstin`/`fp` differ from the request's headers,
//! is not processed at all: `RETSTATUS` answers `ER`.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};
use gstn_proto::error_code::{chosen, ErrorCode};
use gstr2_model::codes::{Flag, SupplyType, YesNo};
use gstr2_model::gstr2a::Gstr2a;
use gstr2_model::item::Item;
use gstr2_model::tables::{
    b2b::B2bInvoice, b2b_unregistered::B2bUnregisteredInvoice, b2ba::B2baInvoice,
    cdn::CreditDebitNote, cdn_unregistered::UnregisteredNote, cdna::CreditDebitNoteAmendment,
    hsnsum::HsnSummary, imp_g::ImportOfGoods, imp_ga::ImportOfGoodsAmendment,
    imp_s::ImportOfServices, imp_sa::ImportOfServicesAmendment, itc::ItcReversal,
    nil_supplies::NilSupplies, txi::Advance, txia::AdvanceAmendment,
};
use gstr2_model::{Document, Gstin, ReturnPeriod, StateCode};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::sections::{Grouped, Sections};

/// Why one document (or section) was not stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    pub code: ErrorCode,
    pub message: String,
}

fn problem(code: ErrorCode, message: impl Into<String>) -> Problem {
    Problem {
        code,
        message: message.into(),
    }
}

/// The result of processing one save, as `RETSTATUS` reports it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SaveOutcome {
    /// Every document stored (`P`).
    Processed,
    /// The valid documents stored, the others listed per section key (`PE`).
    ProcessedWithErrors(BTreeMap<String, Vec<Value>>),
    /// Nothing stored (`ER`).
    Error(Problem),
}

/// Counts of what a save did, for logs and tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SaveStats {
    pub stored: usize,
    pub deleted: usize,
    pub rejected: usize,
}

/// What a document is checked against.
struct Env<'a> {
    receiver: Gstin,
    period_end: NaiveDate,
    gstr2a: &'a Gstr2a,
}

impl Env<'_> {
    fn date(&self, field: &str, date: NaiveDate) -> Result<(), Problem> {
        if date > self.period_end {
            return Err(problem(
                chosen::RECORD_DATE_OR_POS_INVALID,
                format!(
                    "{field} {} is after the return period (ends {})",
                    gstr2_model::date::format(date),
                    gstr2_model::date::format(self.period_end)
                ),
            ));
        }
        Ok(())
    }
}

fn period_end(period: ReturnPeriod) -> NaiveDate {
    let first = period.first_day();
    first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

fn nonzero(v: Option<Decimal>) -> bool {
    v.is_some_and(|v| !v.is_zero())
}

/// Tax heads against the kind of supply: IGST only inter-state, CGST and SGST only intra-state.
fn check_heads(
    items: impl IntoIterator<Item = (u32, Option<Decimal>, Option<Decimal>, Option<Decimal>)>,
    inter: bool,
    why: &str,
) -> Result<(), Problem> {
    for (num, igst, cgst, sgst) in items {
        if inter && (nonzero(cgst) || nonzero(sgst)) {
            return Err(problem(
                chosen::RECORD_DATE_OR_POS_INVALID,
                format!("item {num}: cgst/sgst on an inter-state supply ({why})"),
            ));
        }
        if !inter && nonzero(igst) {
            return Err(problem(
                chosen::RECORD_DATE_OR_POS_INVALID,
                format!("item {num}: igst on an intra-state supply ({why})"),
            ));
        }
    }
    Ok(())
}

fn item_heads(
    items: &[Item],
) -> impl Iterator<Item = (u32, Option<Decimal>, Option<Decimal>, Option<Decimal>)> + '_ {
    items
        .iter()
        .map(|i| (i.number, i.detail.igst, i.detail.cgst, i.detail.sgst))
}

fn supplier_vs(supplier: Gstin, to: Option<StateCode>, what: &str) -> Option<(bool, String)> {
    let from = supplier.state_code()?;
    let to = to?;
    Some((from != to, format!("supplier state {from}, {what} {to}")))
}

/// A document of a section.
trait Doc: DeserializeOwned + Clone + Document {
    /// The key within its section (or within its supplier).
    fn key(&self) -> String;
    /// Semantic checks; `supplier` is the `ctin` of grouped sections.
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem>;
}

/// A document of a section grouped by supplier, which may be a counterparty document.
trait GroupedDoc: Doc {
    /// The `chksum` of the GSTR2A document with this supplier and key: `None` when GSTR2A has
    /// no such document, `Some(None)` when it has one without a checksum.
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>>;
    fn section(s: &mut Sections) -> &mut Grouped<Self>;
}

impl Doc for B2bInvoice {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, Some(self.place_of_supply), "place of supply"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for B2bInvoice {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.b2b
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.invoices)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.b2b
    }
}

impl Doc for B2baInvoice {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        env.date("oidt", self.original_date)?;
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, Some(self.place_of_supply), "place of supply"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for B2baInvoice {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.b2ba
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.invoices)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.b2ba
    }
}

impl Doc for CreditDebitNote {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("nt_dt", self.date)?;
        if let Some(d) = self.invoice_date {
            env.date("idt", d)?;
        }
        // A note carries no place of supply: the receiver's state stands for it.
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, env.receiver.state_code(), "receiver state"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for CreditDebitNote {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.cdn
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.notes)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.cdn
    }
}

impl Doc for CreditDebitNoteAmendment {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, supplier: Option<Gstin>) -> Result<(), Problem> {
        env.date("nt_dt", self.date)?;
        env.date("ont_dt", self.original_date)?;
        if let Some((inter, why)) =
            supplier.and_then(|s| supplier_vs(s, env.receiver.state_code(), "receiver state"))
        {
            check_heads(item_heads(&self.items), inter, &why)?;
        }
        Ok(())
    }
}

impl GroupedDoc for CreditDebitNoteAmendment {
    fn in_gstr2a<'a>(g: &'a Gstr2a, ctin: Gstin, key: &str) -> Option<Option<&'a str>> {
        g.cdna
            .iter()
            .filter(|s| s.supplier_gstin == ctin)
            .flat_map(|s| &s.notes)
            .find(|d| d.number == key)
            .map(|d| d.checksum.as_deref())
    }
    fn section(s: &mut Sections) -> &mut Grouped<Self> {
        &mut s.cdna
    }
}

fn supply_type_heads(
    sply: &SupplyType,
    items: impl IntoIterator<Item = (u32, Option<Decimal>, Option<Decimal>, Option<Decimal>)>,
) -> Result<(), Problem> {
    match sply {
        SupplyType::Inter => check_heads(items, true, "sply_ty INTER"),
        SupplyType::Intra => check_heads(items, false, "sply_ty INTRA"),
        _ => Ok(()),
    }
}

impl Doc for B2bUnregisteredInvoice {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        supply_type_heads(&self.supply_type, item_heads(&self.items))
    }
}

impl Doc for ImportOfGoods {
    fn key(&self) -> String {
        self.bill_number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("boe_dt", self.bill_date)
    }
}

impl Doc for ImportOfGoodsAmendment {
    fn key(&self) -> String {
        self.bill_number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("boe_dt", self.bill_date)?;
        env.date("oboe_dt", self.original_bill_date)
    }
}

impl Doc for ImportOfServices {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)
    }
}

impl Doc for ImportOfServicesAmendment {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("idt", self.date)?;
        env.date("oidt", self.original_date)
    }
}

impl Doc for UnregisteredNote {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("nt_dt", self.date)?;
        if let Some(d) = self.invoice_date {
            env.date("idt", d)?;
        }
        Ok(())
    }
}

impl Doc for Advance {
    fn key(&self) -> String {
        format!("{}/{}", self.place_of_supply, self.supply_type)
    }
    fn check(&self, _: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        supply_type_heads(
            &self.supply_type,
            self.items
                .iter()
                .map(|i| (i.number, i.igst, i.cgst, i.sgst)),
        )
    }
}

impl Doc for AdvanceAmendment {
    fn key(&self) -> String {
        self.number.clone()
    }
    fn check(&self, env: &Env<'_>, _: Option<Gstin>) -> Result<(), Problem> {
        env.date("dt", self.date)?;
        env.date("otdt", self.original_date)
    }
}

/// Sorts a per-document decode error into the report's codes by the field it failed on.
fn decode_problem(path: &str, message: &str) -> Problem {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    let code = match field {
        "idt" | "oidt" | "nt_dt" | "ont_dt" | "boe_dt" | "oboe_dt" | "dt" | "otdt" | "pos"
        | "state_cd" => chosen::RECORD_DATE_OR_POS_INVALID,
        "ctin" | "stin" | "rtin" => chosen::RECORD_GSTIN_INVALID,
        _ => chosen::RECORD_STRUCTURE,
    };
    problem(code, format!("{path}: {message}"))
}

fn decode<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value.clone()).map_err(|e| {
        let inner = e.path().to_string();
        let full = if inner == "." {
            path.to_owned()
        } else {
            format!("{path}.{inner}")
        };
        decode_problem(&full, &e.into_inner().to_string())
    })
}

/// Collects the `error_report`, one entry per rejected document.
#[derive(Default)]
struct Report {
    entries: BTreeMap<String, Vec<Value>>,
}

/// A document as it goes into the report: objects as sent, anything else as `{"doc": value}`.
fn as_object(doc: &Value) -> Value {
    match doc {
        Value::Object(_) => doc.clone(),
        other => {
            let mut m = Map::new();
            m.insert("doc".into(), other.clone());
            Value::Object(m)
        }
    }
}

fn with_error(mut entry: Map<String, Value>, p: &Problem) -> Value {
    entry.insert("error_cd".into(), Value::String(p.code.code().to_owned()));
    entry.insert("error_msg".into(), Value::String(p.message.clone()));
    Value::Object(entry)
}

impl Report {
    /// An entry `{"ctin", "inv"|"nt": [document], "error_cd", "error_msg"}`.
    fn grouped(&mut self, section: &str, ctin: &Value, docs_key: &str, doc: &Value, p: &Problem) {
        let mut entry = Map::new();
        entry.insert("ctin".into(), ctin.clone());
        entry.insert(docs_key.into(), Value::Array(vec![as_object(doc)]));
        self.push(section, with_error(entry, p));
    }

    /// An entry `{"ctin", "error_cd", "error_msg"}` for a supplier without documents.
    fn supplier(&mut self, section: &str, ctin: &Value, p: &Problem) {
        let mut entry = Map::new();
        entry.insert("ctin".into(), ctin.clone());
        self.push(section, with_error(entry, p));
    }

    /// An entry: the document's own fields plus `error_cd` and `error_msg`.
    fn flat(&mut self, section: &str, doc: &Value, p: &Problem) {
        let entry = match as_object(doc) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        self.push(section, with_error(entry, p));
    }

    /// An entry with `error_cd` and `error_msg` only.
    fn bare(&mut self, section: &str, p: &Problem) {
        self.push(section, with_error(Map::new(), p));
    }

    fn push(&mut self, section: &str, entry: Value) {
        self.entries
            .entry(section.to_owned())
            .or_default()
            .push(entry);
    }
}

/// Whether GSTN listed `ctin` as a supplier in the receiver's GSTR2A.
fn sent_by_gstn(gstr2a: &Gstr2a, ctin: Gstin) -> bool {
    gstr2a.b2b.iter().any(|s| s.supplier_gstin == ctin)
        || gstr2a.b2ba.iter().any(|s| s.supplier_gstin == ctin)
        || gstr2a.cdn.iter().any(|s| s.supplier_gstin == ctin)
        || gstr2a.cdna.iter().any(|s| s.supplier_gstin == ctin)
}

struct Saver<'a> {
    env: Env<'a>,
    report: Report,
    stats: SaveStats,
}

fn array(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Array(a) => Some(a),
        _ => None,
    }
}

impl Saver<'_> {
    fn reject_section(&mut self, section: &str, why: &str) {
        self.stats.rejected += 1;
        let p = problem(chosen::RECORD_STRUCTURE, format!("{section}: {why}"));
        self.report.bare(section, &p);
    }

    fn grouped<D: GroupedDoc>(
        &mut self,
        sections: &mut Sections,
        section: &str,
        docs_key: &str,
        value: &Value,
    ) {
        let Some(suppliers) = array(value) else {
            return self.reject_section(section, "expected an array of suppliers");
        };
        for (i, supplier) in suppliers.iter().enumerate() {
            let ctin_value = supplier.get("ctin").cloned().unwrap_or(Value::Null);
            let docs = supplier.get(docs_key).and_then(array);
            let Some(docs) = docs else {
                self.stats.rejected += 1;
                let p = problem(
                    chosen::RECORD_STRUCTURE,
                    format!("{section}[{i}].{docs_key}: missing or not an array"),
                );
                self.report.supplier(section, &ctin_value, &p);
                continue;
            };
            // A GSTIN of GSTN's form whose check character or state code is wrong is one GSTN
            // takes back only where it sent it itself, in this receiver's GSTR2A.
            let sent = |g: Gstin| {
                g.verify().map(|()| g).or_else(|e| {
                    if sent_by_gstn(self.env.gstr2a, g) {
                        Ok(g)
                    } else {
                        Err(e)
                    }
                })
            };
            let ctin = match ctin_value
                .as_str()
                .map(|s| Gstin::parse_as_sent(s).and_then(sent))
            {
                Some(Ok(g)) if g == self.env.receiver => {
                    let p = problem(
                        chosen::RECORD_GSTIN_INVALID,
                        format!("{section}[{i}].ctin: {g} is the receiver's own gstin"),
                    );
                    for doc in docs {
                        self.stats.rejected += 1;
                        self.report.grouped(section, &ctin_value, docs_key, doc, &p);
                    }
                    continue;
                }
                Some(Ok(g)) => g,
                Some(Err(e)) => {
                    let p = problem(
                        chosen::RECORD_GSTIN_INVALID,
                        format!("{section}[{i}].ctin: {e}"),
                    );
                    for doc in docs {
                        self.stats.rejected += 1;
                        self.report.grouped(section, &ctin_value, docs_key, doc, &p);
                    }
                    continue;
                }
                None => {
                    let p = problem(
                        chosen::RECORD_STRUCTURE,
                        format!("{section}[{i}].ctin: missing or not a string"),
                    );
                    for doc in docs {
                        self.stats.rejected += 1;
                        self.report.grouped(section, &ctin_value, docs_key, doc, &p);
                    }
                    continue;
                }
            };
            let cfs = supplier
                .get("cfs")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<YesNo>().ok());
            for (j, doc_value) in docs.iter().enumerate() {
                let path = format!("{section}[{i}].{docs_key}[{j}]");
                if let Err(p) = self.grouped_doc::<D>(sections, ctin, cfs.clone(), doc_value, &path)
                {
                    self.stats.rejected += 1;
                    self.report
                        .grouped(section, &ctin_value, docs_key, doc_value, &p);
                }
            }
        }
    }

    fn grouped_doc<D: GroupedDoc>(
        &mut self,
        sections: &mut Sections,
        ctin: Gstin,
        cfs: Option<YesNo>,
        value: &Value,
        path: &str,
    ) -> Result<(), Problem> {
        let doc: D = decode(value, path)?;
        let key = doc.key();
        let store = D::section(sections);
        match doc.flag() {
            Some(Flag::Delete) => {
                if let Some(s) = store.get_mut(&ctin) {
                    if s.docs.remove(&key).is_some() {
                        self.stats.deleted += 1;
                    }
                    if s.docs.is_empty() {
                        store.remove(&ctin);
                    }
                }
                return Ok(());
            }
            None | Some(Flag::Upload) | Some(Flag::Edit) => {}
            Some(flag) => {
                let expected = D::in_gstr2a(self.env.gstr2a, ctin, &key).ok_or_else(|| {
                    problem(
                        chosen::RECORD_NOT_IN_GSTR2A,
                        format!("{path}: flag {flag} but supplier {ctin} has no document {key:?} in GSTR2A"),
                    )
                })?;
                if expected.is_none() || expected != doc.checksum() {
                    return Err(problem(
                        chosen::RECORD_CHECKSUM_MISMATCH,
                        format!(
                            "{path}: chksum does not match the GSTR2A document {key:?} of {ctin}"
                        ),
                    ));
                }
            }
        }
        doc.check(&self.env, Some(ctin))
            .map_err(|p| problem(p.code, format!("{path}: {}", p.message)))?;
        let entry = store.entry(ctin).or_default();
        if cfs.is_some() {
            entry.cfs = cfs;
        }
        entry.docs.insert(key, doc);
        self.stats.stored += 1;
        Ok(())
    }

    fn flat<D: Doc>(
        &mut self,
        store: &mut BTreeMap<String, D>,
        section: &str,
        docs: &[Value],
        path_prefix: &str,
    ) {
        for (j, doc_value) in docs.iter().enumerate() {
            let path = format!("{path_prefix}[{j}]");
            if let Err(p) = self.flat_doc(store, doc_value, &path) {
                self.stats.rejected += 1;
                self.report.flat(section, doc_value, &p);
            }
        }
    }

    fn flat_doc<D: Doc>(
        &mut self,
        store: &mut BTreeMap<String, D>,
        value: &Value,
        path: &str,
    ) -> Result<(), Problem> {
        let doc: D = decode(value, path)?;
        let key = doc.key();
        match doc.flag() {
            Some(Flag::Delete) => {
                if store.remove(&key).is_some() {
                    self.stats.deleted += 1;
                }
                return Ok(());
            }
            None | Some(Flag::Upload) | Some(Flag::Edit) => {}
            Some(flag) => {
                return Err(problem(
                    chosen::RECORD_NOT_IN_GSTR2A,
                    format!("{path}: flag {flag} applies only to counterparty documents (b2b, b2ba, cdn, cdna)"),
                ))
            }
        }
        doc.check(&self.env, None)
            .map_err(|p| problem(p.code, format!("{path}: {}", p.message)))?;
        store.insert(key, doc);
        self.stats.stored += 1;
        Ok(())
    }

    fn flat_section<D: Doc>(
        &mut self,
        store: &mut BTreeMap<String, D>,
        section: &str,
        value: &Value,
    ) {
        match array(value) {
            Some(docs) => self.flat(store, section, docs, section),
            None => self.reject_section(section, "expected an array"),
        }
    }

    fn single<T: DeserializeOwned>(&mut self, section: &str, value: &Value) -> Option<T> {
        match decode::<T>(value, section) {
            Ok(t) => {
                self.stats.stored += 1;
                Some(t)
            }
            Err(p) => {
                self.stats.rejected += 1;
                self.report.flat(section, value, &p);
                None
            }
        }
    }
}

/// Processes one decrypted save payload against the stored sections.
///
/// `body` is the plaintext JSON; `gstin` and `period` come from the request's headers.
pub(crate) fn apply(
    sections: &mut Sections,
    body: &[u8],
    gstin: Gstin,
    period: ReturnPeriod,
    gstr2a: &Gstr2a,
) -> (SaveOutcome, SaveStats) {
    let fail = |message: String| {
        (
            SaveOutcome::Error(problem(chosen::RECORD_STRUCTURE, message)),
            SaveStats::default(),
        )
    };
    let root: Value = match serde_json::from_slice(gstr2_model::json::without_bom(body)) {
        Ok(v) => v,
        Err(e) => return fail(format!("payload is not json: {e}")),
    };
    let Value::Object(root) = root else {
        return fail("payload is not a json object".into());
    };
    match root.get("gstin").and_then(Value::as_str) {
        Some(g) if g == gstin.as_str() => {}
        Some(g) => {
            return fail(format!(
                "payload gstin {g} is not the request's gstin {gstin}"
            ))
        }
        None => return fail("payload has no gstin".into()),
    }
    match root.get("fp").and_then(Value::as_str) {
        Some(fp) if fp == period.to_string() => {}
        Some(fp) => {
            return fail(format!(
                "payload fp {fp} is not the request's ret_period {period}"
            ))
        }
        None => return fail("payload has no fp".into()),
    }
    let mut saver = Saver {
        env: Env {
            receiver: gstin,
            period_end: period_end(period),
            gstr2a,
        },
        report: Report::default(),
        stats: SaveStats::default(),
    };
    for (key, value) in &root {
        match key.as_str() {
            "gstin" | "fp" => {}
            "b2b" => saver.grouped::<B2bInvoice>(sections, "b2b", "inv", value),
            "b2ba" => saver.grouped::<B2baInvoice>(sections, "b2ba", "inv", value),
            "cdn" => saver.grouped::<CreditDebitNote>(sections, "cdn", "nt", value),
            "cdna" => saver.grouped::<CreditDebitNoteAmendment>(sections, "cdna", "nt", value),
            "b2bur" => match array(value) {
                Some(groups) => {
                    for (i, group) in groups.iter().enumerate() {
                        match group.get("inv").and_then(array) {
                            Some(docs) => saver.flat(
                                &mut sections.b2bur,
                                "b2bur",
                                docs,
                                &format!("b2bur[{i}].inv"),
                            ),
                            None => saver.reject_section(
                                "b2bur",
                                &format!("b2bur[{i}].inv: missing or not an array"),
                            ),
                        }
                    }
                }
                None => saver.reject_section("b2bur", "expected an array"),
            },
            "imp_g" => saver.flat_section(&mut sections.imp_g, "imp_g", value),
            "imp_ga" => saver.flat_section(&mut sections.imp_ga, "imp_ga", value),
            "imp_s" => saver.flat_section(&mut sections.imp_s, "imp_s", value),
            "imp_sa" => saver.flat_section(&mut sections.imp_sa, "imp_sa", value),
            "cdnur" => saver.flat_section(&mut sections.cdnur, "cdnur", value),
            "txi" => saver.flat_section(&mut sections.txi, "txi", value),
            "atxi" => saver.flat_section(&mut sections.atxi, "atxi", value),
            "txpd" => saver.flat_section(&mut sections.txpd, "txpd", value),
            "nil_supplies" => {
                if let Some(n) = saver.single::<NilSupplies>("nil_supplies", value) {
                    sections.nil_supplies = Some(n);
                }
            }
            "itc_rvsl" => {
                if let Some(r) = saver.single::<ItcReversal>("itc_rvsl", value) {
                    let stored = sections.itc_rvsl.get_or_insert_with(ItcReversal::default);
                    for (rule, amounts) in r.iter() {
                        stored.set(rule, amounts.clone());
                    }
                }
            }
            "hsnsum" => {
                if let Some(h) = saver.single::<HsnSummary>("hsnsum", value) {
                    sections.hsnsum = Some(h);
                }
            }
            other => saver.reject_section(other, "not a section of the gstr2 save"),
        }
    }
    let Saver { report, stats, .. } = saver;
    if report.entries.is_empty() {
        (SaveOutcome::Processed, stats)
    } else {
        (SaveOutcome::ProcessedWithErrors(report.entries), stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn receiver() -> Gstin {
        "27AAPFU0939F1ZV".parse().unwrap()
    }

    fn fp() -> ReturnPeriod {
        "072017".parse().unwrap()
    }

    fn inv(inum: &str, idt: &str, igst: bool) -> Value {
        let det = if igst {
            json!({"rt": 18, "txval": 100, "iamt": 18})
        } else {
            json!({"rt": 18, "txval": 100, "camt": 9, "samt": 9})
        };
        json!({"inum": inum, "idt": idt, "val": 118, "pos": "27", "rchrg": "N", "itms": [{"num": 1, "itm_det": det}]})
    }

    fn run(sections: &mut Sections, payload: Value, g: &Gstr2a) -> (SaveOutcome, SaveStats) {
        apply(
            sections,
            payload.to_string().as_bytes(),
            receiver(),
            fp(),
            g,
        )
    }

    #[test]
    fn one_bad_document_does_not_sink_the_rest() {
        let mut s = Sections::default();
        let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017", "b2b": [
            {"ctin": "33GSPTN4811G1ZC", "inv": [inv("1", "01-07-2017", true), inv("2", "30-02-2017", true), 7]}
        ]});
        let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
        assert_eq!(
            stats,
            SaveStats {
                stored: 1,
                deleted: 0,
                rejected: 2
            }
        );
        let SaveOutcome::ProcessedWithErrors(report) = outcome else {
            panic!("expected PE")
        };
        let entries = &report["b2b"];
        assert_eq!(
            entries[0]["error_cd"],
            chosen::RECORD_DATE_OR_POS_INVALID.code()
        );
        assert!(entries[0]["error_msg"]
            .as_str()
            .unwrap()
            .starts_with("b2b[0].inv[1].idt"));
        assert_eq!(entries[1]["error_cd"], chosen::RECORD_STRUCTURE.code());
        assert_eq!(entries[1]["inv"][0], json!({"doc": 7}));
        assert_eq!(s.b2b.values().next().unwrap().docs.len(), 1);
    }

    #[test]
    fn tax_heads_follow_the_supply() {
        let mut s = Sections::default();
        // Tamil Nadu supplier, place of supply Maharashtra: inter-state, IGST only.
        let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
            "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [inv("1", "01-07-2017", false), inv("2", "01-07-2017", true)]}],
            "txi": [{"pos": "27", "sply_ty": "INTRA", "itms": [{"num": 1, "rt": 18, "adamt": 10, "iamt": 1.8}]}]});
        let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
        assert_eq!(stats.stored, 1);
        let SaveOutcome::ProcessedWithErrors(report) = outcome else {
            panic!("expected PE")
        };
        assert!(report["b2b"][0]["error_msg"]
            .as_str()
            .unwrap()
            .contains("inter-state"));
        assert!(report["txi"][0]["error_msg"]
            .as_str()
            .unwrap()
            .contains("intra-state"));
    }

    #[test]
    fn a_supplier_gstin_failing_its_check_is_taken_back_only_where_gstn_sent_it() {
        // 33GSPTN4811G1ZX: the check character should be C.
        let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
            "b2b": [{"ctin": "33GSPTN4811G1ZX", "inv": [inv("1", "01-07-2017", true)]}]});
        let mut s = Sections::default();
        let (outcome, stats) = run(&mut s, p.clone(), &Gstr2a::default());
        assert_eq!(stats.rejected, 1);
        let SaveOutcome::ProcessedWithErrors(report) = outcome else {
            panic!("expected PE")
        };
        assert_eq!(
            report["b2b"][0]["error_cd"],
            chosen::RECORD_GSTIN_INVALID.code()
        );
        assert!(report["b2b"][0]["error_msg"]
            .as_str()
            .unwrap()
            .contains("check character is X, expected C"));

        let sent: Gstr2a = gstr2_model::json::from_str(
            r#"{"b2b":[{"ctin":"33GSPTN4811G1ZX","cfs":"Y","inv":[]}]}"#,
        )
        .unwrap();
        let mut s = Sections::default();
        let (outcome, stats) = run(&mut s, p, &sent);
        assert_eq!((stats.stored, stats.rejected), (1, 0), "{outcome:?}");
    }

    #[test]
    fn the_receiver_is_not_its_own_supplier() {
        let mut s = Sections::default();
        let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017",
            "cdn": [{"ctin": "27AAPFU0939F1ZV", "nt": [{"ntty": "C", "nt_num": "N1", "nt_dt": "01-07-2017", "val": 1, "itms": []}]}]});
        let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
        assert_eq!(stats.rejected, 1);
        let SaveOutcome::ProcessedWithErrors(report) = outcome else {
            panic!("expected PE")
        };
        assert_eq!(
            report["cdn"][0]["error_cd"],
            chosen::RECORD_GSTIN_INVALID.code()
        );
        assert!(s.cdn.is_empty());
    }

    #[test]
    fn undecodable_payloads_are_errors() {
        for bad in [
            "",
            "[]",
            r#"{"fp":"072017"}"#,
            r#"{"gstin":"27AAPFU0939F1ZV","fp":"082017"}"#,
        ] {
            let mut s = Sections::default();
            let (outcome, _) = apply(&mut s, bad.as_bytes(), receiver(), fp(), &Gstr2a::default());
            assert!(matches!(outcome, SaveOutcome::Error(_)), "{bad}");
        }
    }

    #[test]
    fn delete_of_an_absent_document_is_a_no_op_and_period_end_is_the_last_day() {
        let mut s = Sections::default();
        let mut d = inv("9", "01-07-2017", true);
        d["flag"] = json!("D");
        let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017", "b2b": [{"ctin": "33GSPTN4811G1ZC", "inv": [d]}]});
        let (outcome, stats) = run(&mut s, p, &Gstr2a::default());
        assert_eq!(outcome, SaveOutcome::Processed);
        assert_eq!(stats, SaveStats::default());
        assert!(s.b2b.is_empty());
        let feb: ReturnPeriod = "022020".parse().unwrap();
        assert_eq!(
            period_end(feb),
            NaiveDate::from_ymd_opt(2020, 2, 29).unwrap()
        );
        let dec: ReturnPeriod = "122017".parse().unwrap();
        assert_eq!(
            period_end(dec),
            NaiveDate::from_ymd_opt(2017, 12, 31).unwrap()
        );
    }

    #[test]
    fn decode_errors_are_sorted_by_field() {
        assert_eq!(
            decode_problem("b2b[0].inv[1].idt", "x").code,
            chosen::RECORD_DATE_OR_POS_INVALID
        );
        assert_eq!(
            decode_problem("b2b[0].inv[1].pos", "x").code,
            chosen::RECORD_DATE_OR_POS_INVALID
        );
        assert_eq!(
            decode_problem("imp_g[0].stin", "x").code,
            chosen::RECORD_GSTIN_INVALID
        );
        assert_eq!(
            decode_problem("imp_g[0].itms[0].txval", "x").code,
            chosen::RECORD_STRUCTURE
        );
    }

    /// Random sequences of uploads, replacements and deletions over a few keys, in several
    /// saves, leave exactly what a plain map of "last write wins, D removes" holds.
    #[test]
    fn random_save_sequences_match_a_simple_model() {
        use rand::{Rng, SeedableRng};
        use std::collections::BTreeMap;
        let suppliers = ["33GSPTN4811G1ZC", "01AAAAP1208Q1ZS"];
        for seed in 0..64u64 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let mut s = Sections::default();
            let mut model: BTreeMap<(String, String), i64> = BTreeMap::new();
            for _ in 0..rng.gen_range(1..6) {
                let mut groups: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
                let mut expected = model.clone();
                for _ in 0..rng.gen_range(1..8) {
                    let ctin = suppliers[rng.gen_range(0..2)];
                    let inum = format!("I{}", rng.gen_range(0..5));
                    let value = rng.gen_range(1..1000i64);
                    let mut doc = inv(&inum, "01-07-2017", true);
                    doc["val"] = json!(value);
                    if rng.gen_bool(0.3) {
                        doc["flag"] = json!("D");
                        expected.remove(&(ctin.to_owned(), inum));
                    } else {
                        expected.insert((ctin.to_owned(), inum), value);
                    }
                    groups.entry(ctin).or_default().push(doc);
                }
                let b2b: Vec<Value> = groups
                    .into_iter()
                    .map(|(ctin, inv)| json!({"ctin": ctin, "inv": inv}))
                    .collect();
                let p = json!({"gstin": "27AAPFU0939F1ZV", "fp": "072017", "b2b": b2b});
                let (outcome, _) = run(&mut s, p, &Gstr2a::default());
                assert_eq!(outcome, SaveOutcome::Processed);
                model = expected;
                let stored: BTreeMap<(String, String), i64> = s
                    .b2b
                    .iter()
                    .flat_map(|(ctin, docs)| {
                        docs.docs.iter().map(move |(inum, d)| {
                            let v = d.value.to_string().parse::<i64>().unwrap();
                            ((ctin.to_string(), inum.clone()), v)
                        })
                    })
                    .collect();
                assert_eq!(stored, model, "seed {seed}");
                assert!(
                    s.b2b.values().all(|d| !d.docs.is_empty()),
                    "no empty suppliers"
                );
            }
        }
    }
}
