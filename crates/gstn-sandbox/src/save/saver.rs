//! A save applied section by section: grouped sections (by supplier, with counterparty
//! flags checked against GSTR2A), flat sections, and the sections held once per return; every
//! document stored, replaced or deleted on its own, the rejected ones reported.

use std::collections::BTreeMap;

use gstn_proto::error_code::chosen;
use gstr2_model::codes::{Flag, YesNo};
use gstr2_model::gstr2a::Gstr2a;
use gstr2_model::Gstin;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::check::{Doc, Env, GroupedDoc};
use super::report::{decode, Report};
use super::{problem, Problem, SaveStats};
use crate::sections::Sections;

/// Whether GSTN listed `ctin` as a supplier in the receiver's GSTR2A.
fn sent_by_gstn(gstr2a: &Gstr2a, ctin: Gstin) -> bool {
    gstr2a.b2b.iter().any(|s| s.supplier_gstin == ctin)
        || gstr2a.b2ba.iter().any(|s| s.supplier_gstin == ctin)
        || gstr2a.cdn.iter().any(|s| s.supplier_gstin == ctin)
        || gstr2a.cdna.iter().any(|s| s.supplier_gstin == ctin)
}

pub(super) struct Saver<'a> {
    pub(super) env: Env<'a>,
    pub(super) report: Report,
    pub(super) stats: SaveStats,
}

pub(super) fn array(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Array(a) => Some(a),
        _ => None,
    }
}

impl Saver<'_> {
    pub(super) fn reject_section(&mut self, section: &str, why: &str) {
        self.stats.rejected += 1;
        let p = problem(chosen::RECORD_STRUCTURE, format!("{section}: {why}"));
        self.report.bare(section, &p);
    }

    pub(super) fn grouped<D: GroupedDoc>(
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

    pub(super) fn flat<D: Doc>(
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

    pub(super) fn flat_section<D: Doc>(
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

    pub(super) fn single<T: DeserializeOwned>(
        &mut self,
        section: &str,
        value: &Value,
    ) -> Option<T> {
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
