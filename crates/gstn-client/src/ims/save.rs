//! Acting on IMS records: SAVE and RESETIMS, cut at record boundaries, each polled through
//! REQSTS under the taxpayer's lock, with GSTN's refusals mapped back to the records sent and
//! the stale ones read again (the [module docs](super) say why).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use chrono::NaiveDate;
use gstn_proto::{Action, ErrorCode, SaveResponse};
use gstr2_model::codes::{ImsAction, ImsRequestState, ImsRequestType, ImsSection};
use gstr2_model::ims::{ImsRequestStatus, ImsSaveRequest};
use gstr2_model::{json, Gstin};
use reqwest::Method;
use zeroize::Zeroizing;

use super::{ImsFailureKind, ImsRecordFailure, ImsRecordRef, ImsRequestReport, ImsSaveReport};
use crate::client::{decode_json, GstnClient, Repeat};
use crate::error::{Error, Result};
use crate::progress::ProgressEvent;

/// Runs `$body` for each section list of an [`ImsRecords`] (`$list` a shared reference; each
/// section has its own record type, and the body uses the fields they share).
macro_rules! each_list {
    ($records:expr, |$section:ident, $list:ident| $body:block) => {{
        {
            let $section = ImsSection::B2b;
            let $list = &$records.b2b;
            $body
        }
        {
            let $section = ImsSection::B2ba;
            let $list = &$records.b2ba;
            $body
        }
        {
            let $section = ImsSection::CreditNotes;
            let $list = &$records.b2bcn;
            $body
        }
        {
            let $section = ImsSection::CreditNoteAmendments;
            let $list = &$records.b2bcna;
            $body
        }
        {
            let $section = ImsSection::DebitNotes;
            let $list = &$records.b2bdn;
            $body
        }
        {
            let $section = ImsSection::DebitNoteAmendments;
            let $list = &$records.b2bdna;
            $body
        }
        {
            let $section = ImsSection::Ecom;
            let $list = &$records.ecom;
            $body
        }
        {
            let $section = ImsSection::Ecoma;
            let $list = &$records.ecoma;
            $body
        }
    }};
}

/// As [`each_list`], with `$list` a mutable reference.
macro_rules! each_list_mut {
    ($records:expr, |$section:ident, $list:ident| $body:block) => {{
        {
            let $section = ImsSection::B2b;
            let $list = &mut $records.b2b;
            $body
        }
        {
            let $section = ImsSection::B2ba;
            let $list = &mut $records.b2ba;
            $body
        }
        {
            let $section = ImsSection::CreditNotes;
            let $list = &mut $records.b2bcn;
            $body
        }
        {
            let $section = ImsSection::CreditNoteAmendments;
            let $list = &mut $records.b2bcna;
            $body
        }
        {
            let $section = ImsSection::DebitNotes;
            let $list = &mut $records.b2bdn;
            $body
        }
        {
            let $section = ImsSection::DebitNoteAmendments;
            let $list = &mut $records.b2bdna;
            $body
        }
        {
            let $section = ImsSection::Ecom;
            let $list = &mut $records.ecom;
            $body
        }
        {
            let $section = ImsSection::Ecoma;
            let $list = &mut $records.ecoma;
            $body
        }
    }};
}

/// One lock per GSTIN and GSTN (base URL) in the process: IMS's one request at a time.
fn ims_lock(base_url: &str, gstin: Gstin) -> Arc<tokio::sync::Mutex<()>> {
    type Locks = BTreeMap<(String, Gstin), Arc<tokio::sync::Mutex<()>>>;
    static LOCKS: OnceLock<std::sync::Mutex<Locks>> = OnceLock::new();
    let locks = LOCKS.get_or_init(Default::default);
    let mut locks = locks
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    locks
        .entry((base_url.to_owned(), gstin))
        .or_default()
        .clone()
}

/// A record of the body, flattened: where it is, who and what it is, and the action asked.
struct Sent {
    at: ImsRecordRef,
    date: NaiveDate,
    supplier_period: Option<String>,
    wanted: ImsAction,
    bytes: usize,
}

impl GstnClient {
    /// One REQSTS call: how the SAVE or RESETIMS of `reference_id` stands.
    pub async fn ims_request_status(&self, reference_id: &str) -> Result<ImsRequestStatus> {
        let config = self.config();
        let action = Action::ReqSts;
        let request = self
            .taxpayer_request(action.clone(), Method::GET, &config.paths.ims, None)?
            .query("action", action.as_str())
            .query("gstin", config.gstin.as_str())
            .query("int_tran_id", reference_id);
        let data = self.call_encrypted(&request).await?;
        decode_json(&action, "request status", &data)
    }

    /// Saves IMS actions (a body made with [`ImsSaveRequest::save`]) or sets records back to
    /// no action ([`ImsSaveRequest::reset`]), and waits until GSTN has processed them.
    ///
    /// The body goes out as SAVE or RESETIMS by its `reqtyp`, cut into several requests at
    /// record boundaries where its JSON is larger than the chunk limit; each is sent, then its
    /// REQSTS polled until final (`P`, `PE`, `ER`), before the next, all under the taxpayer's
    /// IMS lock (one request in flight per GSTIN; `IMSSAV0015` waited out). A request whose
    /// answer is lost is sent again with the same `txn` and body. Refused records are mapped
    /// back to the records of the body they name ([`ImsSaveReport::failures`], each with what
    /// to do); an `IMSSAV0010` on a record that GSTN, read again, holds with the asked-for
    /// action is applied, not refused ([`ImsSaveReport::already_applied`]; see the
    /// [module docs](crate::ims) for why). Refusals do not fail the call.
    ///
    /// Errors: a body for another GSTIN ([`Error::Config`]); GSTN busy for longer than the
    /// poll timeout ([`Error::StillProcessing`]); transport, session and GSTN errors of the
    /// calls themselves.
    pub async fn save_ims(&self, body: &ImsSaveRequest) -> Result<ImsSaveReport> {
        let config = self.config();
        if body.recipient_gstin != config.gstin {
            return Err(Error::Config(format!(
                "the ims body is for gstin {}, the client for {}",
                body.recipient_gstin, config.gstin
            )));
        }
        let action = match body.request_type {
            ImsRequestType::Save => Action::Save,
            ImsRequestType::Reset => Action::ResetIms,
            ref other => {
                return Err(Error::Config(format!(
                    "ims request type {other} is neither SAVE nor RESET"
                )))
            }
        };
        let sent = flatten(body)?;
        let mut report = ImsSaveReport {
            request_type: Some(body.request_type.clone()),
            records: sent.len(),
            ..ImsSaveReport::default()
        };
        if sent.is_empty() {
            return Ok(report);
        }
        let chunks = chunk(&sent, config.chunk_limit);
        let total = chunks.iter().max().map_or(0, |c| c + 1);
        let lock = ims_lock(config.base_url.as_str(), config.gstin);
        let _one_at_a_time = lock.lock().await;
        tracing::info!(records = sent.len(), requests = total, action = %action, "saving ims actions");
        for c in 0..total {
            let part = part_of(body, &sent, &chunks, c);
            let in_part: Vec<&Sent> = sent
                .iter()
                .zip(&chunks)
                .filter(|(_, k)| **k == c)
                .map(|(s, _)| s)
                .collect();
            let reference_id = self.send_ims_request(&action, &part).await?;
            let status = self.wait_for_ims_request(&reference_id).await?;
            self.emit(ProgressEvent::ImsRequestProcessed { done: c + 1, total });
            map_failures(&status, &in_part, &mut report.failures);
            report.requests.push(ImsRequestReport {
                reference_id,
                records: in_part.len(),
                status,
            });
        }
        self.settle_stale(&sent, &mut report).await?;
        tracing::info!(
            applied = report.applied(),
            refused = report.failures.len(),
            already = report.already_applied.len(),
            "ims actions processed"
        );
        Ok(report)
    }

    /// Sends one SAVE or RESETIMS, waiting while GSTN answers `IMSSAV0015`; answers the
    /// `reference_id`.
    async fn send_ims_request(&self, action: &Action, part: &ImsSaveRequest) -> Result<String> {
        let config = self.config();
        let plain = Zeroizing::new(json::to_vec(part).map_err(|e| Error::Protocol {
            action: action.clone(),
            detail: format!("cannot encode the body: {e}"),
        })?);
        let request = self
            .taxpayer_request(action.clone(), Method::PUT, &config.paths.ims_save, None)?
            .sealed_body(plain)
            .repeat(Repeat::Idempotent);
        let started = Instant::now();
        let mut n = 0u32;
        loop {
            match self.call_encrypted(&request).await {
                Ok(data) => {
                    let answer: SaveResponse = decode_json(action, "decrypted data", &data)?;
                    return Ok(answer.reference_id);
                }
                Err(Error::Gstn {
                    code: ErrorCode::Imssav0015,
                    ..
                }) => {
                    tracing::info!(
                        wait = n + 1,
                        "a previous ims request is in progress; waiting"
                    );
                }
                Err(e) => return Err(e),
            }
            if started.elapsed() >= config.poll.timeout {
                return Err(Error::StillProcessing {
                    action: action.clone(),
                    reference: "a previous ims request (IMSSAV0015)".into(),
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            self.pause(config.poll.interval(n)).await;
            n += 1;
        }
    }

    /// Polls REQSTS until final.
    async fn wait_for_ims_request(&self, reference_id: &str) -> Result<ImsRequestStatus> {
        let poll = &self.config().poll;
        let started = Instant::now();
        let mut n = 0u32;
        loop {
            let status = self.ims_request_status(reference_id).await?;
            match status.status {
                ImsRequestState::InProgress => {}
                ImsRequestState::Processed
                | ImsRequestState::ProcessedWithErrors
                | ImsRequestState::Error => return Ok(status),
                ref other => {
                    return Err(Error::Protocol {
                        action: Action::ReqSts,
                        detail: format!("unknown status_cd {other} for reference {reference_id}"),
                    })
                }
            }
            if started.elapsed() >= poll.timeout {
                return Err(Error::StillProcessing {
                    action: Action::ReqSts,
                    reference: reference_id.to_owned(),
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            self.pause(poll.interval(n)).await;
            n += 1;
        }
    }

    /// Reads again the sections of the records reported stale and moves those whose action
    /// GSTN holds is the asked-for one to `already_applied`.
    async fn settle_stale(&self, sent: &[Sent], report: &mut ImsSaveReport) -> Result<()> {
        let stale_sections: std::collections::BTreeSet<ImsSection> = report
            .failures
            .iter()
            .filter(|f| f.kind == ImsFailureKind::Stale && f.record.is_some())
            .map(|f| f.section.clone())
            .collect();
        if stale_sections.is_empty() {
            return Ok(());
        }
        let mut held: BTreeMap<(ImsSection, Gstin, String, NaiveDate), ImsAction> = BTreeMap::new();
        for section in &stale_sections {
            let records = self.ims_records(section, None).await?;
            each_list!(records, |key, list| {
                for r in list.iter() {
                    held.entry((key.clone(), r.supplier_gstin, r.number.clone(), r.date))
                        .or_insert_with(|| r.action());
                }
            });
        }
        let by_ref: BTreeMap<&ImsRecordRef, &Sent> = sent.iter().map(|s| (&s.at, s)).collect();
        let mut kept = Vec::with_capacity(report.failures.len());
        for failure in report.failures.drain(..) {
            let done = failure.kind == ImsFailureKind::Stale
                && failure
                    .record
                    .as_ref()
                    .and_then(|r| by_ref.get(r))
                    .is_some_and(|s| {
                        held.get(&(
                            s.at.section.clone(),
                            s.at.supplier_gstin,
                            s.at.number.clone(),
                            s.date,
                        )) == Some(&s.wanted)
                    });
            match (done, failure.record) {
                (true, Some(record)) => report.already_applied.push(record),
                (_, record) => kept.push(ImsRecordFailure { record, ..failure }),
            }
        }
        report.failures = kept;
        Ok(())
    }
}

/// The records of a body, in section order, with the action each asks for.
fn flatten(body: &ImsSaveRequest) -> Result<Vec<Sent>> {
    let reset = body.request_type == ImsRequestType::Reset;
    let mut out = Vec::with_capacity(body.records.document_count());
    let mut problem = None;
    each_list!(body.records, |section, list| {
        for (index, r) in list.iter().enumerate() {
            let bytes = json::to_vec(r).map(|b| b.len()).unwrap_or_else(|e| {
                problem.get_or_insert(e.to_string());
                0
            });
            out.push(Sent {
                at: ImsRecordRef {
                    section: section.clone(),
                    index,
                    supplier_gstin: r.supplier_gstin,
                    number: r.number.clone(),
                },
                date: r.date,
                supplier_period: r.supplier_period.clone(),
                wanted: if reset {
                    ImsAction::NoAction
                } else {
                    r.action()
                },
                bytes,
            });
        }
    });
    match problem {
        Some(detail) => Err(Error::Protocol {
            action: Action::Save,
            detail: format!("cannot encode the body: {detail}"),
        }),
        None => Ok(out),
    }
}

/// The request each record goes in: consecutive records while their JSON fits `limit` bytes
/// (less an allowance for the envelope), at least one record per request.
fn chunk(sent: &[Sent], limit: usize) -> Vec<usize> {
    let room = limit.saturating_sub(256).max(1);
    let mut out = Vec::with_capacity(sent.len());
    let (mut current, mut used) = (0usize, 0usize);
    for s in sent {
        if used > 0 && used + s.bytes + 1 > room {
            current += 1;
            used = 0;
        }
        used += s.bytes + 1;
        out.push(current);
    }
    out
}

/// The body of request `c`: the records of the body assigned to it.
fn part_of(body: &ImsSaveRequest, sent: &[Sent], chunks: &[usize], c: usize) -> ImsSaveRequest {
    let keep: std::collections::BTreeSet<(ImsSection, usize)> = sent
        .iter()
        .zip(chunks)
        .filter(|(_, k)| **k == c)
        .map(|(s, _)| (s.at.section.clone(), s.at.index))
        .collect();
    let mut part = body.clone();
    each_list_mut!(part.records, |section, list| {
        let mut i = 0usize;
        list.retain(|_| {
            let kept = keep.contains(&(section.clone(), i));
            i += 1;
            kept
        });
    });
    part
}

/// The refusals of a final REQSTS, each mapped to the record of `in_part` it names (by
/// section, supplier, number, and the supplier's period where both give one).
fn map_failures(status: &ImsRequestStatus, in_part: &[&Sent], out: &mut Vec<ImsRecordFailure>) {
    if status.status == ImsRequestState::Error {
        let code = ErrorCode::parse(status.error_code.as_deref().unwrap_or_default());
        let message = status.error_message.clone().unwrap_or_default();
        for s in in_part {
            out.push(ImsRecordFailure {
                record: Some(s.at.clone()),
                section: s.at.section.clone(),
                supplier_gstin: s.at.supplier_gstin,
                number: s.at.number.clone(),
                code: code.clone(),
                message: message.clone(),
                kind: ImsFailureKind::RequestFailed,
            });
        }
        return;
    }
    for (section, entries) in &status.error_report {
        for entry in entries {
            let code = ErrorCode::parse(&entry.error_code);
            for doc in &entry.documents {
                let record = in_part
                    .iter()
                    .find(|s| {
                        s.at.section == *section
                            && s.at.supplier_gstin == entry.supplier_gstin
                            && s.at.number == doc.number
                            && match (&doc.supplier_period, &s.supplier_period) {
                                (Some(a), Some(b)) => a == b,
                                _ => true,
                            }
                    })
                    .map(|s| s.at.clone());
                out.push(ImsRecordFailure {
                    record,
                    section: section.clone(),
                    supplier_gstin: entry.supplier_gstin,
                    number: doc.number.clone(),
                    kind: ImsFailureKind::of(&code),
                    code: code.clone(),
                    message: entry.error_message.clone().unwrap_or_default(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gstr2_model::ims::ImsRecords;

    fn body() -> ImsSaveRequest {
        let records = ImsRecords::from_json(
            br#"{"b2b":[
              {"stin":"33GSPTN4811G1ZC","inum":"S1","idt":"02-04-2024","val":1,"rtnprd":"042024","prev_status":"N","action":"A"},
              {"stin":"33GSPTN4811G1ZC","inum":"S2","idt":"02-04-2024","val":1,"rtnprd":"042024","prev_status":"N","action":"R"}],
             "b2bcn":[{"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"05-04-2024","val":1,"prev_status":"N","action":"A"}]}"#,
        )
        .unwrap();
        ImsSaveRequest::save("27AAPFU0939F1ZV".parse().unwrap(), records)
    }

    #[test]
    fn refusals_are_mapped_to_the_records_they_name() {
        let body = body();
        let sent = flatten(&body).unwrap();
        let status: ImsRequestStatus = json::from_str(
            r#"{"status_cd":"PE","proc_cnt":"3","err_cnt":"3","error_report":{
              "b2b":[{"stin":"33GSPTN4811G1ZC","error_cd":"IMSSAV0010","error_msg":"stale",
                      "inv":[{"rtnprd":"042024","inum":"S2"},{"inum":"S9"}]}],
              "cn":[{"stin":"33GSPTN4811G1ZC","error_cd":"IMSSAV0054","error_msg":"itcRedReq",
                     "inv":[{"nt_num":"C1"}]}]}}"#,
        )
        .unwrap();
        let in_part: Vec<&Sent> = sent.iter().collect();
        let mut failures = Vec::new();
        map_failures(&status, &in_part, &mut failures);
        let named: Vec<_> = failures
            .iter()
            .map(|f| {
                (
                    f.record.as_ref().map(|r| (r.section.as_str(), r.index)),
                    f.kind,
                )
            })
            .collect();
        assert_eq!(
            named,
            [
                (Some(("b2b", 1)), ImsFailureKind::Stale),
                (None, ImsFailureKind::Stale),
                (Some(("b2bcn", 0)), ImsFailureKind::ItcReductionMissing),
            ]
        );
        assert!(
            failures[2].to_string().contains("give itcRedReq"),
            "{}",
            failures[2]
        );
        let report = ImsSaveReport {
            records: 3,
            failures,
            ..ImsSaveReport::default()
        };
        assert_eq!(report.applied(), 1);
    }

    #[test]
    fn bodies_are_cut_at_records_and_put_back_together() {
        let body = body();
        let sent = flatten(&body).unwrap();
        let one = chunk(&sent, 1 << 20);
        assert_eq!(one, [0, 0, 0]);
        let each = chunk(&sent, 1);
        assert_eq!(each, [0, 1, 2]);
        let parts: Vec<_> = (0..3).map(|c| part_of(&body, &sent, &each, c)).collect();
        assert_eq!(parts[0].records.b2b.len(), 1);
        assert_eq!(parts[1].records.b2b[0].number, "S2");
        assert_eq!(parts[2].records.b2bcn.len(), 1);
        let mut back = ImsRecords::default();
        for p in parts {
            back.merge(p.records);
        }
        assert_eq!(back.document_count(), 3);
    }
}
