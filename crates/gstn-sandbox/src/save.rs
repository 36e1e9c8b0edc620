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

// The code: `check` (what a document is checked against, section by section), `saver`
// (documents stored and deleted, section by section), `report` (the per-document decode errors
// and the `error_report`), and `apply` here (the payload as a whole).

use std::collections::BTreeMap;

use gstn_proto::error_code::{chosen, ErrorCode};
use gstr2_model::gstr2a::Gstr2a;
use gstr2_model::tables::{
    b2b::B2bInvoice, b2ba::B2baInvoice, cdn::CreditDebitNote, cdna::CreditDebitNoteAmendment,
    hsnsum::HsnSummary, itc::ItcReversal, nil_supplies::NilSupplies,
};
use gstr2_model::{Gstin, ReturnPeriod};
use serde_json::Value;

use crate::sections::Sections;

mod check;
mod report;
mod saver;
#[cfg(test)]
mod tests;

use check::{period_end, Env};
use report::Report;
use saver::{array, Saver};

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
