//! GSTR2: save (in chunks), status, sections, summary, submit, EVC filing.

use std::time::Instant;

use gstn_proto::{
    Action, ErrorClass, ErrorReport, EvcOtpQuery, FileAck, Otp, ProcessingStatus, ReturnStatus,
    SaveResponse, StatusResponse, SubmitRequest,
};
use gstr2_model::{json, Gstr2Payload, Gstr2Summary, ReturnPeriod, Table};
use reqwest::Method;
use zeroize::Zeroizing;

use crate::chunk::split_payload;
use crate::client::{decode_json, decode_plain, to_json, Endpoint, GstnClient, Repeat, Request};
use crate::error::{Error, Result};
use crate::progress::ProgressEvent;

/// How a call that must take effect once ended.
enum Once {
    /// GSTN answered (the first time, or the same answer again for the same `txn`).
    Answered(Zeroizing<Vec<u8>>),
    /// GSTN reports the work already done (a state error on the check).
    AlreadyDone,
}

/// Whether the request may have been carried out although no usable answer came back:
/// a transport error after connecting, a 5xx, or GSTN's own "system failure".
fn outcome_unknown(error: &Error) -> bool {
    match error {
        Error::Gstn { code, .. } => code.class() == ErrorClass::Retryable,
        other => other.outcome_unknown(),
    }
}

/// What a [`GstnClient::save`] did: one entry per `RETSAVE` chunk, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct SaveReport {
    /// The chunks, in the order they were saved.
    pub chunks: Vec<ChunkReport>,
}

/// One `RETSAVE` call and its final `RETSTATUS`.
#[derive(Clone, Debug, PartialEq)]
pub struct ChunkReport {
    /// GSTN's `reference_id` for the save.
    pub reference_id: String,
    /// Documents in the chunk.
    pub documents: usize,
    /// The final status: `P`, `PE` or `ER`.
    pub status: ProcessingStatus,
    /// GSTN's `error_report` for `PE` and `ER`.
    pub error_report: Option<ErrorReport>,
}

/// One document (or section, or chunk) GSTN did not accept, flattened out of an
/// `error_report`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentFailure {
    /// The 0-based chunk.
    pub chunk: usize,
    /// The chunk's `reference_id`.
    pub reference_id: String,
    /// The section key (`b2b`), empty for an error of the whole chunk (`ER`).
    pub section: String,
    /// The supplier (`ctin`), when the section has suppliers.
    pub supplier_gstin: Option<String>,
    /// The document's number, when given: a credit/debit note's own number (`nt_num`), else
    /// the invoice's (`inum`) or the bill of entry's (`boe_num`).
    pub document: Option<String>,
    /// For a credit/debit note, the invoice it adjusts (its `inum`), when given; `None` for
    /// other documents.
    pub adjusted_invoice: Option<String>,
    /// GSTN's `error_cd`.
    pub code: Option<String>,
    /// GSTN's `error_msg`.
    pub message: Option<String>,
}

impl SaveReport {
    /// The `reference_id` of every chunk, in order.
    pub fn reference_ids(&self) -> Vec<&str> {
        self.chunks
            .iter()
            .map(|c| c.reference_id.as_str())
            .collect()
    }

    /// Whether every chunk was processed without error (`P`).
    pub fn is_clean(&self) -> bool {
        self.chunks
            .iter()
            .all(|c| c.status == ProcessingStatus::Processed)
    }

    /// Documents saved in all.
    pub fn documents(&self) -> usize {
        self.chunks.iter().map(|c| c.documents).sum()
    }

    /// Every failure of every chunk, in order.
    pub fn failures(&self) -> Vec<DocumentFailure> {
        let mut out = Vec::new();
        for (index, chunk) in self.chunks.iter().enumerate() {
            let Some(report) = &chunk.error_report else {
                continue;
            };
            let base = DocumentFailure {
                chunk: index,
                reference_id: chunk.reference_id.clone(),
                section: String::new(),
                supplier_gstin: None,
                document: None,
                adjusted_invoice: None,
                code: None,
                message: None,
            };
            if report.error_code.is_some() || report.error_message.is_some() {
                out.push(DocumentFailure {
                    code: report.error_code.clone(),
                    message: report.error_message.clone(),
                    ..base.clone()
                });
            }
            for (section, entries) in &report.sections {
                for entry in entries {
                    let docs: Vec<_> = entry
                        .invoices
                        .iter()
                        .map(|d| (d, false))
                        .chain(entry.notes.iter().map(|d| (d, true)))
                        .collect();
                    if docs.is_empty() {
                        let field = |key: &str| {
                            entry
                                .document
                                .get(key)
                                .and_then(|v| v.as_str().map(str::to_owned))
                        };
                        // A note (`cdnur`) carries the invoice it adjusts as `inum` too: it is
                        // named by its own `nt_num`.
                        let note = field("nt_num");
                        let adjusted_invoice = note.as_ref().and_then(|_| field("inum"));
                        let number = note.or_else(|| field("inum")).or_else(|| field("boe_num"));
                        out.push(DocumentFailure {
                            section: section.clone(),
                            supplier_gstin: entry.supplier_gstin.clone(),
                            document: number,
                            adjusted_invoice,
                            code: entry.error_code.clone(),
                            message: entry.error_message.clone(),
                            ..base.clone()
                        });
                    }
                    for (doc, is_note) in docs {
                        // A note names the invoice it adjusts (`inum`) besides its own number.
                        let (document, adjusted_invoice) = if is_note {
                            match &doc.note_number {
                                Some(n) => (Some(n.clone()), doc.invoice_number.clone()),
                                None => (doc.invoice_number.clone(), None),
                            }
                        } else {
                            (doc.invoice_number.clone().or(doc.note_number.clone()), None)
                        };
                        out.push(DocumentFailure {
                            section: section.clone(),
                            supplier_gstin: entry.supplier_gstin.clone(),
                            document,
                            adjusted_invoice,
                            code: doc.error_code.clone().or(entry.error_code.clone()),
                            message: doc.error_message.clone().or(entry.error_message.clone()),
                            ..base.clone()
                        });
                    }
                }
            }
        }
        out
    }
}

impl GstnClient {
    /// Saves a payload (new, modified and deleted documents alike: the `flag` of each document
    /// says which) and waits until GSTN has processed it.
    ///
    /// A payload whose JSON is larger than the chunk limit is cut into several `RETSAVE` calls
    /// at document boundaries ([`crate::chunk`]); each chunk is saved, then its `RETSTATUS` is
    /// polled until final, before the next one, so GSTN applies them in order. A failed
    /// transmission is retried with the same `txn` and body, which GSTN treats as the same
    /// transaction. `PE` and `ER` do not fail the call: their errors are in the report
    /// ([`SaveReport::failures`]).
    ///
    /// An empty payload saves nothing and answers an empty report.
    pub async fn save(&self, payload: &Gstr2Payload) -> Result<SaveReport> {
        let config = self.config();
        if payload.gstin != config.gstin {
            return Err(Error::Config(format!(
                "the payload is for gstin {}, the client for {}",
                payload.gstin, config.gstin
            )));
        }
        let chunks = split_payload(payload, config.chunk_limit)?;
        let total = chunks.len();
        tracing::info!(
            documents = payload.total_documents(),
            chunks = total,
            period = %payload.fp,
            "saving gstr2"
        );
        let mut reports = Vec::with_capacity(total);
        for (index, chunk) in chunks.iter().enumerate() {
            let documents = chunk.total_documents();
            let reference_id = self.save_chunk(chunk).await?;
            self.emit(ProgressEvent::ChunkSaved {
                done: index + 1,
                total,
                documents,
            });
            let status = self.wait_for_status(payload.fp, &reference_id).await?;
            self.emit(ProgressEvent::ChunkProcessed {
                done: index + 1,
                total,
            });
            tracing::info!(
                chunk = index + 1,
                of = total,
                reference_id = %reference_id,
                status = %status.status,
                "chunk processed"
            );
            reports.push(ChunkReport {
                reference_id,
                documents,
                status: status.status,
                error_report: status.error_report,
            });
        }
        Ok(SaveReport { chunks: reports })
    }

    /// One `RETSAVE` call (PUT), retried with the same `txn`; answers the `reference_id`.
    async fn save_chunk(&self, chunk: &Gstr2Payload) -> Result<String> {
        let config = self.config();
        let action = Action::RetSave;
        let plain = Zeroizing::new(json::to_vec(chunk).map_err(|e| Error::Protocol {
            action: action.clone(),
            detail: format!("cannot encode the payload: {e}"),
        })?);
        let request = self
            .returns_request(action.clone(), Method::PUT, &config.paths.gstr2, chunk.fp)?
            .sealed_body(plain)
            .repeat(Repeat::Idempotent);
        let data = self.call_encrypted(&request).await?;
        let answer: SaveResponse = decode_json(&action, "decrypted data", &data)?;
        Ok(answer.reference_id)
    }

    /// One `RETSTATUS` call: the processing status of a save.
    pub async fn return_status(
        &self,
        period: ReturnPeriod,
        reference_id: &str,
    ) -> Result<ReturnStatus> {
        let action = Action::RetStatus;
        let request = self
            .returns_request(
                action.clone(),
                Method::GET,
                &self.config().paths.returns,
                period,
            )?
            .query("action", action.as_str())
            .query("gstin", self.config().gstin.as_str())
            .query("ret_period", period.to_string())
            .query("ref_id", reference_id);
        let data = self.call_encrypted(&request).await?;
        decode_json(&action, "decrypted data", &data)
    }

    /// Polls `RETSTATUS` with growing intervals until it is final (`P`, `PE`, `ER`); fails with
    /// [`Error::StillProcessing`] after the poll policy's timeout.
    pub async fn wait_for_status(
        &self,
        period: ReturnPeriod,
        reference_id: &str,
    ) -> Result<ReturnStatus> {
        let poll = &self.config().poll;
        let started = Instant::now();
        let mut n = 0u32;
        loop {
            let status = self.return_status(period, reference_id).await?;
            match &status.status {
                ProcessingStatus::InProgress => {}
                ProcessingStatus::Processed
                | ProcessingStatus::ProcessedWithErrors
                | ProcessingStatus::Error => return Ok(status),
                other => {
                    return Err(Error::Protocol {
                        action: Action::RetStatus,
                        detail: format!("unknown status_cd {other:?} for reference {reference_id}"),
                    })
                }
            }
            if started.elapsed() >= poll.timeout {
                return Err(Error::StillProcessing {
                    action: Action::RetStatus,
                    reference: reference_id.to_owned(),
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            self.pause(poll.interval(n)).await;
            n += 1;
        }
    }

    /// One section of the saved GSTR2 (`B2B`, `CDN`, ... GET), as a payload holding only that
    /// section. A section without documents answers an empty payload.
    pub async fn get_section(&self, period: ReturnPeriod, table: Table) -> Result<Gstr2Payload> {
        let config = self.config();
        let action = Action::for_table(table);
        let request = self
            .returns_request(action.clone(), Method::GET, &config.paths.gstr2, period)?
            .query("action", action.as_str())
            .query("gstin", config.gstin.as_str())
            .query("ret_period", period.to_string());
        let data = match self.call_encrypted(&request).await {
            Ok(data) => data,
            Err(Error::Gstn { code, .. }) if code.is_no_documents() => {
                return Ok(Gstr2Payload::new(config.gstin, period));
            }
            Err(e) => return Err(e),
        };
        let mut value: serde_json::Value = decode_json(&action, "decrypted data", &data)?;
        // A section GET answers the section alone; the model wants the header too.
        if let Some(object) = value.as_object_mut() {
            object
                .entry("gstin")
                .or_insert_with(|| config.gstin.as_str().into());
            object
                .entry("fp")
                .or_insert_with(|| period.to_string().into());
        }
        let bytes = Zeroizing::new(serde_json::to_vec(&value).map_err(|e| Error::Protocol {
            action: action.clone(),
            detail: e.to_string(),
        })?);
        let payload: Gstr2Payload = decode_json(&action, &format!("section {table}"), &bytes)?;
        self.emit(ProgressEvent::SectionFetched { table });
        Ok(payload)
    }

    /// The return's summary (`RETSUM`), to compare with the books (Step 6 of the GSTR-2 workflow, `docs/workflow.md`) and to file.
    pub async fn summary(&self, period: ReturnPeriod) -> Result<Gstr2Summary> {
        let config = self.config();
        let action = Action::RetSum;
        let request = self
            .returns_request(action.clone(), Method::GET, &config.paths.gstr2, period)?
            .query("action", action.as_str())
            .query("gstin", config.gstin.as_str())
            .query("ret_period", period.to_string());
        let data = self.call_encrypted(&request).await?;
        decode_json(&action, "summary", &data)
    }

    /// Submits (freezes) the return (`RETSUBMIT`); answers GSTN's `reference_id`, or `None`
    /// when the answer was lost and GSTN then reported the return already submitted.
    ///
    /// Never repeated blindly; see [`GstnClient::file_with_evc`] for how a lost answer is
    /// settled.
    pub async fn submit(&self, period: ReturnPeriod) -> Result<Option<String>> {
        let config = self.config();
        let action = Action::RetSubmit;
        let body = SubmitRequest {
            gstin: config.gstin,
            return_period: period,
        };
        let request = self
            .returns_request(action.clone(), Method::POST, &config.paths.gstr2, period)?
            .sealed_body(to_json(&action, &body)?)
            .repeat(Repeat::ConnectOnly);
        match self.exactly_once(&request).await? {
            Once::Answered(data) => {
                let answer: SaveResponse = decode_json(&action, "decrypted data", &data)?;
                tracing::info!(reference_id = %answer.reference_id, "return submitted");
                Ok(Some(answer.reference_id))
            }
            Once::AlreadyDone => Ok(None),
        }
    }

    /// Sends a call that must take effect once (`RETSUBMIT`, `RETFILE`).
    ///
    /// When the answer is lost (a dropped connection, a timeout, a 5xx), the outcome is
    /// unknown. The client then asks GSTN about that very transaction: it sends the same
    /// request again with the same `txn` header and the same body, which GSTN identifies as the
    /// same transaction (the `txn` is the transaction id) and answers as it did the first time,
    /// or, if the first one never arrived, carries out once. A state error on that check
    /// (already submitted, already filed) means the first one went through.
    async fn exactly_once(&self, request: &Request) -> Result<Once> {
        let policy = &self.config().retry;
        let mut cause = match self.call_encrypted(request).await {
            Ok(data) => return Ok(Once::Answered(data)),
            Err(error) if outcome_unknown(&error) => error,
            Err(error) => return Err(error),
        };
        for check in 0..policy.max_retries.max(1) {
            tracing::warn!(
                error = %cause,
                txn = %request.txn,
                check = check + 1,
                "outcome unknown; asking gstn about the same transaction"
            );
            self.pause(policy.backoff(check)).await;
            match self.call_encrypted(request).await {
                Ok(data) => return Ok(Once::Answered(data)),
                Err(Error::Gstn { code, message, .. }) if code.class() == ErrorClass::State => {
                    tracing::info!(code = code.code(), message = %message, "the first request went through");
                    return Ok(Once::AlreadyDone);
                }
                Err(error) if outcome_unknown(&error) => cause = error,
                Err(error) => return Err(error),
            }
        }
        Err(Error::Uncertain {
            action: request.action.clone(),
            cause: cause.to_string(),
        })
    }

    /// Asks GSTN to send the EVC OTP for filing to the authorised signatory of `pan` (`EVCOTP`).
    pub async fn request_evc_otp(&self, pan: &str) -> Result<()> {
        let config = self.config();
        let action = Action::EvcOtp;
        let session = self.session().await?;
        let query = EvcOtpQuery::gstr2(config.gstin, pan);
        let request = Request::new(
            action.clone(),
            Method::GET,
            config.url(&config.paths.authenticate)?,
            Endpoint::Returns(None),
        )
        .query("action", query.action.as_str())
        .query("gstin", query.gstin.as_str())
        .query("pan", query.pan.clone())
        .query("form_type", query.form_type.clone());
        let bytes = self.send(&request, Some(&session)).await?;
        let _: StatusResponse = decode_plain(&action, "response", &bytes)?;
        tracing::info!("evc otp requested");
        Ok(())
    }

    /// Files the return with EVC (`RETFILE`, `st=EVC`, `sid=PAN|OTP`, `sign` = HMAC of the
    /// summary): answers the acknowledgement number.
    ///
    /// `summary` is what [`summary`](Self::summary) answered and the user checked.
    ///
    /// Never repeated blindly. When the answer is lost (a dropped connection, a timeout, a
    /// 5xx), the outcome is unknown; the client then asks GSTN about that very transaction by
    /// sending the same request with the same `txn` and body, which GSTN identifies as the same
    /// transaction and answers with the same acknowledgement (or carries out once, if the first
    /// never arrived). If GSTN instead reports the return already filed, the acknowledgement
    /// number is lost and the call fails with [`Error::Uncertain`]; if no answer comes at all,
    /// also [`Error::Uncertain`].
    pub async fn file_with_evc(
        &self,
        period: ReturnPeriod,
        pan: &str,
        otp: &Otp,
        summary: &Gstr2Summary,
    ) -> Result<String> {
        let config = self.config();
        let action = Action::RetFile;
        let summary_json = Zeroizing::new(json::to_vec(summary).map_err(|e| Error::Protocol {
            action: action.clone(),
            detail: format!("cannot encode the summary: {e}"),
        })?);
        let request = self
            .returns_request(action.clone(), Method::POST, &config.paths.gstr2, period)?
            .evc_body(summary_json, pan.to_owned(), otp.clone())
            .repeat(Repeat::ConnectOnly);
        let data = match self.exactly_once(&request).await? {
            Once::Answered(data) => data,
            Once::AlreadyDone => {
                return Err(Error::Uncertain {
                    action: action.clone(),
                    cause: "the answer was lost and gstn now reports the return filed; \
                            read the acknowledgement number on the portal"
                        .into(),
                })
            }
        };
        let ack: FileAck = decode_json(&action, "decrypted data", &data)?;
        if ack.ack_num.is_empty() {
            return Err(Error::Protocol {
                action: action.clone(),
                detail: "empty ack_num".into(),
            });
        }
        tracing::info!(ack_num = %ack.ack_num, "return filed");
        Ok(ack.ack_num)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// A `PE` chunk whose `error_report` is GSTN's JSON.
    fn report_of(error_report: serde_json::Value) -> SaveReport {
        let map: BTreeMap<String, serde_json::Value> =
            serde_json::from_value(error_report).expect("an object");
        SaveReport {
            chunks: vec![ChunkReport {
                reference_id: "REF1".into(),
                documents: 3,
                status: ProcessingStatus::ProcessedWithErrors,
                error_report: Some(ErrorReport::try_from(map).expect("a report")),
            }],
        }
    }

    #[test]
    fn notes_are_named_by_their_note_number_with_the_invoice_they_adjust() {
        let report = report_of(serde_json::json!({
            "cdn": [{"ctin": "27AABCT3518Q1ZW", "nt": [
                {"nt_num": "CN-7", "inum": "TPL/2017/298", "error_cd": "RET191114",
                 "error_msg": "cdn[0].nt[0].nt_dt: after the period"}]}],
            "b2b": [{"ctin": "27AABCT3518Q1ZW", "inv": [
                {"inum": "TPL/2017/311", "error_cd": "RET191114"}]}],
            "cdnur": [{"nt_num": "CNU-2", "inum": "UR-9", "error_cd": "RET191106"}],
            "b2bur": [{"inum": "UR-10", "error_cd": "RET191106"}],
        }));
        let named: Vec<_> = report
            .failures()
            .into_iter()
            .map(|f| (f.section, f.document, f.adjusted_invoice, f.code))
            .collect();
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            named,
            vec![
                ("b2b".into(), some("TPL/2017/311"), None, some("RET191114")),
                ("b2bur".into(), some("UR-10"), None, some("RET191106")),
                (
                    "cdn".into(),
                    some("CN-7"),
                    some("TPL/2017/298"),
                    some("RET191114")
                ),
                (
                    "cdnur".into(),
                    some("CNU-2"),
                    some("UR-9"),
                    some("RET191106")
                ),
            ]
        );
    }

    #[test]
    fn a_note_without_its_number_falls_back_to_the_invoice() {
        let report = report_of(serde_json::json!({
            "cdn": [{"ctin": "27AABCT3518Q1ZW", "nt": [{"inum": "TPL/2017/298"}]}],
        }));
        let failures = report.failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].document.as_deref(), Some("TPL/2017/298"));
        assert_eq!(failures[0].adjusted_invoice, None);
    }
}
