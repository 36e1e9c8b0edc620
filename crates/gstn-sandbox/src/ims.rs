//! A taxpayer's IMS (Invoice Management System): the supplier documents and the recipient's
//! action on each, what a SAVE or RESET does to them, and the GSTR-2B generated from them
//! ([`crate::gstr2b`]).
//!
//! **Where records come from.** Seeded through the library
//! ([`SandboxState::seed_ims`](crate::SandboxState::seed_ims)), from the file of
//! [`SandboxConfig::ims_file`](crate::SandboxConfig::ims_file) (the binary's `--ims FILE`), or
//! from `seed_dir/<GSTIN>/ims.json`: a JSON object with `gstin` and the GETINV sections as keys
//! (`b2b`, `b2ba`, `b2bcn`, `b2bcna`, `b2bdn`, `b2bdna`, also `ecom`, `ecoma`), records in the
//! GETINV shape, read with [`ImsRecords::from_json`]. Otherwise a taxpayer has no records.
//!
//! **SAVE and RESET.** Acknowledged at once with a `reference_id`, processed after the
//! processing delay, one at a time per GSTIN: a SAVE or RESET while the previous one is being
//! processed is refused with `IMSSAV0015`. Each record of the body is looked up by section,
//! supplier (`stin`), number and date, and checked in this order; the first failed check is
//! its entry in REQSTS's `error_report`, and it is left as it was:
//!
//! | check | `error_cd` |
//! |---|---|
//! | IMS holds no such record | `IMSSAV0010` |
//! | `prev_status` is not the action IMS holds (absent counts as wrong) | `IMSSAV0010` |
//! | `val`, `txval`, `iamt`, `camt`, `samt` or `cess` differ from the record's (the supplier edited it) | `IMSSAV0010` |
//! | a SAVE record without `action`, or with an action other than A, R, P | `RET191106` |
//! | Pending (`P`) where `ispendactblocked` is `Y` | `IMSSAV0011` |
//! | Accept or Pending of a credit note (`b2bcn`, `b2bcna`) without `itcRedReq` | `IMSSAV0054` |
//!
//! A record that passes takes the new action (No action for a RESET), with the request's
//! `itcRedReq`, `decl*` and `remarks`. Which actions need `itcRedReq` is unconfirmed: the
//! sandbox asks for it where ITC is to be reduced, on credit notes accepted or kept pending.
//! GSTN's handling of the same `txn` sent twice is unconfirmed for IMS, so the sandbox takes
//! the stricter view: every SAVE is a new request (a repeat whose first copy was applied finds
//! its records' `prev_status` stale).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstr2_model::codes::{ImsAction, ImsRequestState, ImsRequestType, ImsSection, Indicator};
use gstr2_model::ims::{ImsErrorDocument, ImsRecordError, ImsRecords, ImsRequestStatus};
use gstr2_model::{Gstin, ReturnPeriod};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::error::SandboxError;

/// Runs `$body` once per section of `$records` (a place expression of [`ImsRecords`]), with
/// `$key` the section and `$list` the section's records (each section has its own record
/// type; the body uses the fields they share).
macro_rules! each_section {
    ($records:expr, |$key:ident, $list:ident| $body:block) => {{
        {
            let $key = ImsSection::B2b;
            let $list = &mut $records.b2b;
            $body
        }
        {
            let $key = ImsSection::B2ba;
            let $list = &mut $records.b2ba;
            $body
        }
        {
            let $key = ImsSection::CreditNotes;
            let $list = &mut $records.b2bcn;
            $body
        }
        {
            let $key = ImsSection::CreditNoteAmendments;
            let $list = &mut $records.b2bcna;
            $body
        }
        {
            let $key = ImsSection::DebitNotes;
            let $list = &mut $records.b2bdn;
            $body
        }
        {
            let $key = ImsSection::DebitNoteAmendments;
            let $list = &mut $records.b2bdna;
            $body
        }
        {
            let $key = ImsSection::Ecom;
            let $list = &mut $records.ecom;
            $body
        }
        {
            let $key = ImsSection::Ecoma;
            let $list = &mut $records.ecoma;
            $body
        }
    }};
}

/// A SAVE or RESET acknowledged and waiting to be processed.
#[derive(Debug)]
pub(crate) struct PendingRequest {
    pub reference: String,
    pub ready_at: Instant,
    pub body: gstr2_model::ims::ImsSaveRequest,
}

/// A SAVE or RESET that REQSTS reports on.
#[derive(Debug)]
pub(crate) struct RequestJob {
    pub request_type: ImsRequestType,
    pub created: Instant,
    pub polls: u32,
    /// `None` while waiting to be processed.
    pub outcome: Option<ImsRequestStatus>,
}

/// A GSTR-2B generated from IMS (GEN2B).
#[derive(Debug, Clone)]
pub(crate) struct Generated {
    /// The 2B's `data`, whole.
    pub data: Arc<Value>,
    /// Hex SHA-256 of `data`'s JSON (`chksum`).
    pub checksum: String,
    /// GET2B answers `RTN_24` until then.
    pub ready_at: Instant,
    /// The IMS version it was made from ([`Taxpayer::version`]).
    pub version: u64,
}

/// A GEN2B that GENSTS2B reports on.
#[derive(Debug)]
pub(crate) struct GenerationJob {
    pub created: Instant,
    pub polls: u32,
    /// `Err((code, message))` when the 2B could not be made.
    pub outcome: Result<(), (ErrorCode, String)>,
}

/// One taxpayer's IMS and GSTR-2B.
#[derive(Debug, Default)]
pub(crate) struct Taxpayer {
    pub records: ImsRecords,
    /// Bumped whenever an action changes or records are seeded: GEN2B of a period made from
    /// the same version answers `IMS2005`.
    pub version: u64,
    /// REQSTS jobs by reference id.
    pub jobs: BTreeMap<String, RequestJob>,
    /// The SAVE or RESET being processed, if any (one at a time).
    pub pending: Option<PendingRequest>,
    /// The generated GSTR-2Bs by period.
    pub generated: BTreeMap<ReturnPeriod, Generated>,
    /// GENSTS2B jobs by reference id.
    pub generations: BTreeMap<String, GenerationJob>,
    /// Periods for which GSTR-2B is not applicable (`GTR2B-001`).
    pub not_applicable: std::collections::BTreeSet<ReturnPeriod>,
}

impl Taxpayer {
    /// Processes the pending SAVE or RESET if its time has come (or at once with `force`).
    /// Answers the number of actions it changed.
    pub(crate) fn settle(&mut self, force: bool) -> u64 {
        let due = self
            .pending
            .as_ref()
            .is_some_and(|p| force || Instant::now() >= p.ready_at);
        if !due {
            return 0;
        }
        let Some(p) = self.pending.take() else {
            return 0;
        };
        let (status, applied) = apply(&mut self.records, &p.body);
        if applied > 0 {
            self.version += 1;
        }
        tracing::info!(
            reference = %p.reference,
            applied,
            refused = status.error_count.unwrap_or(0),
            "IMS request processed"
        );
        if let Some(job) = self.jobs.get_mut(&p.reference) {
            job.outcome = Some(status);
        }
        applied
    }
}

/// The identity of a record within its section: supplier, number, date.
type Key = (Gstin, String, NaiveDate);

/// Why a record of a SAVE or RESET was refused.
struct Refusal {
    code: ErrorCode,
    message: String,
}

fn refuse(code: ErrorCode, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

/// The amounts GSTN checks against the record: `val`, `txval` and the four heads, absent
/// ones as zero.
fn amounts(value: Decimal, heads: [Option<Decimal>; 5]) -> (Decimal, [Decimal; 5]) {
    (value, heads.map(Option::unwrap_or_default))
}

/// Applies a SAVE or RESET to `records` (see the module docs): the REQSTS answer, and the
/// number of records whose action it set.
pub(crate) fn apply(
    records: &mut ImsRecords,
    request: &gstr2_model::ims::ImsSaveRequest,
) -> (ImsRequestStatus, u64) {
    let reset = request.request_type == ImsRequestType::Reset;
    let mut report: BTreeMap<ImsSection, Vec<ImsRecordError>> = BTreeMap::new();
    let mut processed = 0u64;
    let mut refused = 0u64;
    let mut applied = 0u64;
    let mut asked = request.records.clone();
    each_section!(asked, |section, wanted| {
        if !wanted.is_empty() {
            let mut current = section_of(records, &section);
            let index: BTreeMap<Key, usize> =
                current.as_ref().map(SectionRef::keys).unwrap_or_default();
            let note = matches!(
                section,
                ImsSection::CreditNotes
                    | ImsSection::CreditNoteAmendments
                    | ImsSection::DebitNotes
                    | ImsSection::DebitNoteAmendments
            );
            let credit_note = matches!(
                section,
                ImsSection::CreditNotes | ImsSection::CreditNoteAmendments
            );
            let mut errors: Vec<ImsRecordError> = Vec::new();
            for r in wanted.iter() {
                processed += 1;
                let key = (r.supplier_gstin, r.number.clone(), r.date);
                let outcome = index
                    .get(&key)
                    .copied()
                    .ok_or_else(|| refuse(chosen::IMS_RECORD_STALE, "no such record in IMS"));
                let outcome = outcome.and_then(|at| {
                    let new_action = if reset {
                        ImsAction::NoAction
                    } else {
                        match &r.action {
                            Some(
                                a @ (ImsAction::Accept | ImsAction::Reject | ImsAction::Pending),
                            ) => a.clone(),
                            Some(other) => {
                                return Err(refuse(
                                    chosen::RECORD_STRUCTURE,
                                    format!("action {other} is not A, R or P"),
                                ))
                            }
                            None => return Err(refuse(chosen::RECORD_STRUCTURE, "action missing")),
                        }
                    };
                    let sent = amounts(r.value, [r.taxable_value, r.igst, r.cgst, r.sgst, r.cess]);
                    let extras = Extras {
                        itc_reduction_required: r.itc_reduction_required.clone(),
                        remarks: r.remarks.clone(),
                        declared: [
                            r.declared_igst,
                            r.declared_cgst,
                            r.declared_sgst,
                            r.declared_cess,
                        ],
                    };
                    match current.as_mut() {
                        Some(list) => list.check_and_set(
                            at,
                            &sent,
                            r.previous_action.as_ref(),
                            &new_action,
                            credit_note,
                            extras,
                        ),
                        None => Err(refuse(chosen::IMS_RECORD_STALE, "no such record in IMS")),
                    }
                });
                match outcome {
                    Ok(changed) => applied += u64::from(changed),
                    Err(refusal) => {
                        refused += 1;
                        let document = ImsErrorDocument {
                            supplier_period: r.supplier_period.clone(),
                            number: r.number.clone(),
                            note,
                        };
                        let code = refusal.code.code().to_owned();
                        match errors.iter_mut().find(|e| {
                            e.supplier_gstin == r.supplier_gstin
                                && e.error_code == code
                                && e.error_message.as_deref() == Some(refusal.message.as_str())
                        }) {
                            Some(entry) => entry.documents.push(document),
                            None => errors.push(ImsRecordError {
                                supplier_gstin: r.supplier_gstin,
                                error_code: code,
                                error_message: Some(refusal.message),
                                documents: vec![document],
                            }),
                        }
                    }
                }
            }
            if !errors.is_empty() {
                report.entry(section.clone()).or_default().extend(errors);
            }
        }
    });
    let status = ImsRequestStatus {
        status: if refused == 0 {
            ImsRequestState::Processed
        } else {
            ImsRequestState::ProcessedWithErrors
        },
        transaction_type: Some(if reset { "RST" } else { "SAV" }.to_owned()),
        processed_count: Some(processed),
        error_count: Some(refused),
        error_code: Some(String::new()),
        error_message: Some(String::new()),
        error_report: report,
    };
    (status, applied)
}

/// What a SAVE sets besides the action.
struct Extras {
    itc_reduction_required: Option<Indicator>,
    remarks: Option<String>,
    declared: [Option<Decimal>; 4],
}

/// One section's records, whatever their type, as [`apply`] needs them.
enum SectionRef<'a> {
    Invoices(&'a mut Vec<gstr2_model::ims::ImsInvoice>),
    Amended(&'a mut Vec<gstr2_model::ims::ImsAmendedInvoice>),
    Notes(&'a mut Vec<gstr2_model::ims::ImsNote>),
    AmendedNotes(&'a mut Vec<gstr2_model::ims::ImsAmendedNote>),
}

fn section_of<'a>(records: &'a mut ImsRecords, section: &ImsSection) -> Option<SectionRef<'a>> {
    Some(match section {
        ImsSection::B2b => SectionRef::Invoices(&mut records.b2b),
        ImsSection::Ecom => SectionRef::Invoices(&mut records.ecom),
        ImsSection::B2ba => SectionRef::Amended(&mut records.b2ba),
        ImsSection::Ecoma => SectionRef::Amended(&mut records.ecoma),
        ImsSection::CreditNotes => SectionRef::Notes(&mut records.b2bcn),
        ImsSection::DebitNotes => SectionRef::Notes(&mut records.b2bdn),
        ImsSection::CreditNoteAmendments => SectionRef::AmendedNotes(&mut records.b2bcna),
        ImsSection::DebitNoteAmendments => SectionRef::AmendedNotes(&mut records.b2bdna),
        _ => return None,
    })
}

/// The same code for every record type of [`SectionRef`].
macro_rules! on_records {
    ($section:expr, |$list:ident| $body:expr) => {
        match $section {
            SectionRef::Invoices($list) => $body,
            SectionRef::Amended($list) => $body,
            SectionRef::Notes($list) => $body,
            SectionRef::AmendedNotes($list) => $body,
        }
    };
}

impl SectionRef<'_> {
    /// Where each record is, by identity (the first of repeated ones).
    fn keys(&self) -> BTreeMap<Key, usize> {
        let mut index = BTreeMap::new();
        on_records!(self, |list| {
            for (i, r) in list.iter().enumerate() {
                index
                    .entry((r.supplier_gstin, r.number.clone(), r.date))
                    .or_insert(i);
            }
        });
        index
    }

    /// Checks record `at` against what was sent and sets its action: whether the action
    /// changed.
    fn check_and_set(
        &mut self,
        at: usize,
        sent: &(Decimal, [Decimal; 5]),
        previous: Option<&ImsAction>,
        action: &ImsAction,
        credit_note: bool,
        extras: Extras,
    ) -> Result<bool, Refusal> {
        on_records!(self, |list| {
            let Some(c) = list.get_mut(at) else {
                return Err(refuse(chosen::IMS_RECORD_STALE, "no such record in IMS"));
            };
            if previous != Some(&c.action()) {
                return Err(refuse(
                    chosen::IMS_RECORD_STALE,
                    format!(
                        "Either previous action is incorrect/ invoice might have edited by supplier: prev_status {} but the action is {}",
                        previous.map(ImsAction::as_str).unwrap_or("(none)"),
                        c.action()
                    ),
                ));
            }
            let held = amounts(c.value, [c.taxable_value, c.igst, c.cgst, c.sgst, c.cess]);
            if &held != sent {
                return Err(refuse(
                    chosen::IMS_RECORD_STALE,
                    "Either previous action is incorrect/ invoice might have edited by supplier: the amounts are not the record's",
                ));
            }
            if *action == ImsAction::Pending
                && c.pending_blocked.as_ref().is_some_and(Indicator::is_yes)
            {
                return Err(refuse(
                    chosen::IMS_PENDING_BLOCKED,
                    ErrorCode::Imssav0011.message(),
                ));
            }
            if credit_note
                && matches!(action, ImsAction::Accept | ImsAction::Pending)
                && extras.itc_reduction_required.is_none()
            {
                return Err(refuse(
                    chosen::IMS_ITC_REDUCTION_MISSING,
                    ErrorCode::Imssav0054.message(),
                ));
            }
            let changed = c.action() != *action;
            c.action = Some(action.clone());
            c.itc_reduction_required = extras.itc_reduction_required;
            c.remarks = extras.remarks;
            let [i, ce, s, cs] = extras.declared;
            c.declared_igst = i;
            c.declared_cgst = ce;
            c.declared_sgst = s;
            c.declared_cess = cs;
            Ok(changed)
        })
    }
}

/// Reads a file of IMS records; it must name its `gstin`.
pub(crate) fn load_file(path: &Path) -> Result<(Gstin, ImsRecords), SandboxError> {
    let bytes = std::fs::read(path).map_err(|source| SandboxError::Io {
        path: path.to_owned(),
        source,
    })?;
    let records = ImsRecords::from_json(&bytes).map_err(|e| SandboxError::State {
        path: path.to_owned(),
        reason: format!("not IMS records: {e}"),
    })?;
    let gstin = records.gstin.ok_or_else(|| SandboxError::State {
        path: path.to_owned(),
        reason: "the file names no gstin".into(),
    })?;
    Ok((gstin, records))
}

/// Reads `dir/<GSTIN>/ims.json` if it exists.
pub(crate) fn load_seeded(dir: &Path, gstin: Gstin) -> Result<Option<ImsRecords>, SandboxError> {
    let path = dir.join(gstin.as_str()).join("ims.json");
    if !path.exists() {
        return Ok(None);
    }
    load_file(&path).map(|(_, records)| Some(records))
}

/// The GETINV `section` code of an IMS section (`B2B`, `CN`, …) and back. `ECOM` and `ECOMA`
/// are inferred (unconfirmed).
pub(crate) fn section_for_code(code: &str) -> Option<ImsSection> {
    Some(match code.to_ascii_uppercase().as_str() {
        "B2B" => ImsSection::B2b,
        "B2BA" => ImsSection::B2ba,
        "CN" => ImsSection::CreditNotes,
        "CNA" => ImsSection::CreditNoteAmendments,
        "DN" => ImsSection::DebitNotes,
        "DNA" => ImsSection::DebitNoteAmendments,
        "ECOM" => ImsSection::Ecom,
        "ECOMA" => ImsSection::Ecoma,
        _ => return None,
    })
}

/// The records of one section as GETINV lists them (`status` filters by action).
pub(crate) fn section_json(
    records: &ImsRecords,
    section: &ImsSection,
    status: Option<&ImsAction>,
) -> Vec<Value> {
    fn listed<R: serde::Serialize>(
        list: &[R],
        action: impl Fn(&R) -> ImsAction,
        status: Option<&ImsAction>,
    ) -> Vec<Value> {
        list.iter()
            .filter(|r| status.is_none_or(|s| action(r) == *s))
            .filter_map(|r| serde_json::to_value(r).ok())
            .collect()
    }
    match section {
        ImsSection::B2b => listed(&records.b2b, |r| r.action(), status),
        ImsSection::Ecom => listed(&records.ecom, |r| r.action(), status),
        ImsSection::B2ba => listed(&records.b2ba, |r| r.action(), status),
        ImsSection::Ecoma => listed(&records.ecoma, |r| r.action(), status),
        ImsSection::CreditNotes => listed(&records.b2bcn, |r| r.action(), status),
        ImsSection::DebitNotes => listed(&records.b2bdn, |r| r.action(), status),
        ImsSection::CreditNoteAmendments => listed(&records.b2bcna, |r| r.action(), status),
        ImsSection::DebitNoteAmendments => listed(&records.b2bdna, |r| r.action(), status),
        _ => Vec::new(),
    }
}

/// GETCNT's answer: counts per section and action under `all_oth`, and `ttl_cnt`.
pub(crate) fn counts(records: &ImsRecords) -> Value {
    let mut group = serde_json::Map::new();
    let mut total = 0u64;
    let mut copy = records.clone();
    each_section!(copy, |section, list| {
        let mut c = [0u64; 4];
        for r in list.iter() {
            let slot = match r.action() {
                ImsAction::NoAction => 0,
                ImsAction::Accept => 1,
                ImsAction::Reject => 2,
                _ => 3,
            };
            c[slot] += 1;
        }
        total += c.iter().sum::<u64>();
        group.insert(
            section.as_str().to_owned(),
            serde_json::json!({"noaction": c[0], "accept": c[1], "reject": c[2], "pending": c[3]}),
        );
    });
    group.insert("ttl_cnt".into(), Value::from(total));
    serde_json::json!({ "all_oth": group })
}

#[cfg(test)]
mod tests {
    use gstr2_model::ims::ImsSaveRequest;

    use super::*;

    #[test]
    fn a_save_applies_what_passes_and_reports_the_rest_once_per_record() {
        let mut held = ImsRecords::from_json(
            br#"{"b2b":[
              {"stin":"33GSPTN4811G1ZC","inum":"S1","idt":"02-04-2024","action":"N","val":10,"txval":10},
              {"stin":"33GSPTN4811G1ZC","inum":"S2","idt":"02-04-2024","action":"N","val":10,"ispendactblocked":"Y"}],
             "b2bcn":[{"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"05-04-2024","action":"N","val":1}]}"#,
        )
        .unwrap();
        let mut body = ImsRecords::default();
        body.b2b.push(held.b2b[0].to_save(ImsAction::Accept));
        body.b2b.push(held.b2b[1].to_save(ImsAction::Pending));
        body.b2bcn.push(held.b2bcn[0].to_save(ImsAction::Accept));
        let request = ImsSaveRequest::save("27AAPFU0939F1ZV".parse().unwrap(), body);
        let (status, applied) = apply(&mut held, &request);
        assert_eq!(applied, 1);
        assert_eq!(status.status, ImsRequestState::ProcessedWithErrors);
        assert_eq!(
            (status.processed_count, status.error_count),
            (Some(3), Some(2))
        );
        let codes: Vec<_> = status
            .error_report
            .values()
            .flatten()
            .map(|e| e.error_code.as_str())
            .collect();
        assert_eq!(codes, ["IMSSAV0011", "IMSSAV0054"]);
        assert_eq!(held.b2b[0].action(), ImsAction::Accept);
        // The same SAVE again: its first copy changed the action, so prev_status is stale.
        let (status, applied) = apply(&mut held, &request);
        assert_eq!(applied, 0);
        let stale = &status.error_report[&ImsSection::B2b][0];
        assert_eq!(stale.error_code, "IMSSAV0010");
        assert_eq!(stale.documents[0].number, "S1");
    }
}
