//! GSTR-2B (`returns/gstr2b`): download (GET2B, the paged form merged into one), and
//! generation on demand (GEN2B, polled through GENSTS2B).
//!
//! | GSTN answers | the client |
//! |---|---|
//! | the 2B | answers it ([`Gstr2b`]) |
//! | `fc` without documents (paged) | asks `file_num` 1 to `fc` and merges the parts into one 2B: the same 2B as an unpaged answer, a supplier split over parts joined again |
//! | `RTN_24` (queued) | waits the `retryTimeInMinutes` GSTN gives (at most [`PollPolicy::queued_wait_max`](crate::PollPolicy::queued_wait_max); `max_interval` without a time) and asks again, until the poll timeout |
//! | `GTR2B-001` | [`Error::Gstr2bNotApplicable`]: nothing to download for the period |
//! | `GTR2B-002`, `RET2B1023` | [`Error::Gstr2bNotGenerated`]: generate it ([`GstnClient::generate_gstr2b`]) and download again |
//! | `RET2B1016` (no documents) | an empty 2B of the period |
//! | GEN2B `IMS2005` (no change since the last generation) | [`Gstr2bGeneration::Unchanged`], not a failure |

use std::time::Instant;

use gstn_proto::{
    Action, ErrorCode, Gstr2bGenerateRequest, Gstr2bGenerationStatus, ProcessingStatus,
    SaveResponse,
};
use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::ReturnPeriod;
use reqwest::Method;

use crate::client::{decode_json, to_json, GstnClient, Repeat};
use crate::error::{Error, Result};
use crate::progress::ProgressEvent;

/// How a GEN2B ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Gstr2bGeneration {
    /// GSTN generated the period's GSTR-2B again (GENSTS2B answered `P`).
    Generated {
        /// GSTN's `reference_id` of the GEN2B.
        reference_id: String,
    },
    /// No IMS action changed since the last generation (`IMS2005`): the GSTR-2B GSTN holds is
    /// current.
    Unchanged {
        /// GSTN's message.
        message: String,
    },
}

impl GstnClient {
    /// Downloads the GSTR-2B of `period` (GET2B), whole: a paged answer (`fc`) is followed by
    /// `file_num` 1 to `fc` and merged ([`Gstr2b::merge_parts`]), each supplier once per
    /// section, documents in file order. See the [module docs](crate::gstr2b) for how each of GSTN's answers is taken;
    /// the errors that say what to do are [`Error::Gstr2bNotApplicable`] and
    /// [`Error::Gstr2bNotGenerated`].
    pub async fn gstr2b(&self, period: ReturnPeriod) -> Result<Gstr2b> {
        let head = match self.gstr2b_part(period, None).await {
            Err(Error::Gstn {
                code: ErrorCode::Ret2b1016,
                ..
            }) => {
                return Ok(Gstr2b {
                    gstin: Some(self.config().gstin),
                    return_period: Some(period),
                    ..Gstr2b::default()
                })
            }
            other => other?,
        };
        let Some(count) = head.file_count.filter(|_| head.is_paged()) else {
            return Ok(head);
        };
        tracing::info!(period = %period, files = count, "gstr-2b is paged");
        let mut parts = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        for file in 1..=count {
            let mut part = self.gstr2b_part(period, Some(file)).await?;
            part.file_number = part.file_number.or(Some(file));
            parts.push(part);
            self.emit(ProgressEvent::Gstr2bPartDownloaded {
                done: file as usize,
                total: count as usize,
            });
        }
        Ok(head.merge_parts(parts))
    }

    /// One GET2B answer: the whole 2B, the head of a paged one (`file_num` `None`), or part
    /// `file_num`; waits while GSTN answers `RTN_24`.
    async fn gstr2b_part(&self, period: ReturnPeriod, file_num: Option<u32>) -> Result<Gstr2b> {
        let config = self.config();
        let action = Action::Get2b;
        let started = Instant::now();
        let mut n = 0u32;
        loop {
            let mut request = self
                .returns_request(action.clone(), Method::GET, &config.paths.gstr2b, period)?
                .query("action", action.as_str())
                .query("gstin", config.gstin.as_str())
                .query("rtnprd", period.to_string());
            if let Some(k) = file_num {
                request = request.query("file_num", k.to_string());
            }
            let wait = match self.call_encrypted(&request).await {
                Ok(data) => {
                    return Gstr2b::from_json(&data).map_err(|e| answer_error(&action, e, period))
                }
                Err(Error::Gstn {
                    code: ErrorCode::Rtn24,
                    retry_after_minutes,
                    ..
                }) => {
                    let wait = config.poll.queued_wait(retry_after_minutes);
                    tracing::info!(
                        period = %period,
                        retry_after_minutes,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "gstr-2b queued"
                    );
                    self.emit(ProgressEvent::Gstr2bQueued { period });
                    wait
                }
                Err(e) => return Err(typed(e, period)),
            };
            if started.elapsed() >= config.poll.timeout {
                return Err(Error::StillProcessing {
                    action: action.clone(),
                    reference: format!("gstr-2b {period}"),
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            self.pause(wait.max(config.poll.interval(n))).await;
            n += 1;
        }
    }

    /// Generates the GSTR-2B of `period` again from the IMS actions (GEN2B) and polls
    /// GENSTS2B until it is done. `IMS2005` (no change since the last generation) is
    /// [`Gstr2bGeneration::Unchanged`], whether GEN2B or GENSTS2B answers it; another `ER` is
    /// [`Error::Gstn`] with GSTN's `err_cd` and `err_msg`; `GTR2B-001` is
    /// [`Error::Gstr2bNotApplicable`].
    ///
    /// GEN2B is repeated on a transport failure like a GET: a generation GSTN already started
    /// is at worst done twice, and a second one with nothing changed answers `IMS2005`.
    pub async fn generate_gstr2b(&self, period: ReturnPeriod) -> Result<Gstr2bGeneration> {
        let config = self.config();
        let action = Action::Gen2b;
        let body = Gstr2bGenerateRequest {
            recipient_gstin: config.gstin,
            itc_period: period,
        };
        let request = self
            .returns_request(
                action.clone(),
                Method::PUT,
                &config.paths.gstr2b_generate,
                period,
            )?
            .sealed_body(to_json(&action, &body)?)
            .repeat(Repeat::Idempotent);
        let data = match self.call_encrypted(&request).await {
            Ok(data) => data,
            Err(Error::Gstn {
                code: ErrorCode::Ims2005,
                message,
                ..
            }) => {
                tracing::info!(period = %period, "gstr-2b unchanged");
                return Ok(Gstr2bGeneration::Unchanged { message });
            }
            Err(e) => return Err(typed(e, period)),
        };
        let answer: SaveResponse = decode_json(&action, "decrypted data", &data)?;
        let reference_id = answer.reference_id;
        tracing::info!(period = %period, reference_id = %reference_id, "gstr-2b generation started");
        let poll = &config.poll;
        let started = Instant::now();
        let mut n = 0u32;
        loop {
            let status = self.gstr2b_generation_status(&reference_id).await?;
            match status.status {
                ProcessingStatus::InProgress => {}
                ProcessingStatus::Processed => {
                    return Ok(Gstr2bGeneration::Generated { reference_id })
                }
                ProcessingStatus::Error => {
                    let code = ErrorCode::parse(status.error_code.as_deref().unwrap_or_default());
                    let message = status.error_message.unwrap_or_default();
                    if code == ErrorCode::Ims2005 {
                        return Ok(Gstr2bGeneration::Unchanged { message });
                    }
                    return Err(typed(
                        Error::Gstn {
                            action: Action::GenSts2b,
                            code,
                            message,
                            retry_after_minutes: None,
                        },
                        period,
                    ));
                }
                other => {
                    return Err(Error::Protocol {
                        action: Action::GenSts2b,
                        detail: format!("unknown status_cd {other} for reference {reference_id}"),
                    })
                }
            }
            if started.elapsed() >= poll.timeout {
                return Err(Error::StillProcessing {
                    action: Action::GenSts2b,
                    reference: reference_id,
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            self.pause(poll.interval(n)).await;
            n += 1;
        }
    }

    /// One GENSTS2B call: how the GEN2B of `reference_id` stands.
    pub async fn gstr2b_generation_status(
        &self,
        reference_id: &str,
    ) -> Result<Gstr2bGenerationStatus> {
        let config = self.config();
        let action = Action::GenSts2b;
        let request = self
            .taxpayer_request(
                action.clone(),
                Method::GET,
                &config.paths.gstr2b_generate,
                None,
            )?
            .query("action", action.as_str())
            .query("gstin", config.gstin.as_str())
            .query("int_tran_id", reference_id);
        let data = self.call_encrypted(&request).await?;
        decode_json(&action, "decrypted data", &data)
    }
}

/// GSTN's "not applicable" and "not generated" as the typed errors that say what to do.
fn typed(error: Error, period: ReturnPeriod) -> Error {
    match error {
        Error::Gstn { code, message, .. } if code == ErrorCode::Gtr2b001 => {
            Error::Gstr2bNotApplicable {
                period,
                code,
                message,
            }
        }
        Error::Gstn { code, message, .. }
            if code == ErrorCode::Gtr2b002 || code == ErrorCode::Ret2b1023 =>
        {
            Error::Gstr2bNotGenerated {
                period,
                code,
                message,
            }
        }
        other => other,
    }
}

/// A GET2B answer that did not read as a 2B: GSTN's error inside it, or where the JSON is
/// wrong.
fn answer_error(
    action: &Action,
    error: gstr2_model::envelope::AnswerError,
    period: ReturnPeriod,
) -> Error {
    typed(
        crate::client::answer_error(action, &format!("gstr-2b {period}"), error),
        period,
    )
}
