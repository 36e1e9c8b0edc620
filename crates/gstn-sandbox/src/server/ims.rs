//! IMS, on `/taxpayerapi/{version}/returns/ims` (any version): GETCNT, GETINV (a token for
//! FILEDET above the large-file threshold), FILEDET, SAVE and RESETIMS (PUT, one at a time per
//! GSTIN: `IMSSAV0015` while the previous one is processed), and REQSTS (`IP`, then `P` or
//! `PE` with the records refused). What a SAVE does to the records: [`crate::ims`].

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use gstn_proto::action::Action;
use gstn_proto::crypto;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::secret::{AuthToken, FileKey};
use gstr2_model::codes::{ImsAction, ImsRequestType};
use gstr2_model::ims::ImsSaveRequest;
use serde_json::{json, Value};

use super::auth::{gstin_context, GstinCtx};
use super::{
    crypto_reject, encrypted_request, expiry_minutes, sealed, Answer, Params, Reject, BAD,
};
use crate::ims::{PendingRequest, RequestJob};
use crate::state::{lock, FileJob, SandboxState};

/// An error injected for this action ([`SandboxState::fail_next`]).
pub(super) fn injected(s: &SandboxState, action: &str) -> Result<(), Reject> {
    match s.inner.injected(action) {
        Some(error) => Err(Reject { status: BAD, error }),
        None => Ok(()),
    }
}

/// The taxpayer's IMS, or a system failure where its seed file cannot be read.
fn taxpayer(
    s: &SandboxState,
    ctx: &GstinCtx,
) -> Result<std::sync::Arc<std::sync::Mutex<crate::ims::Taxpayer>>, Reject> {
    s.inner.taxpayer(ctx.gstin).map_err(|e| {
        Reject::msg(
            StatusCode::INTERNAL_SERVER_ERROR,
            chosen::RETURNS_SYSTEM_FAILURE,
            format!("system failure: {e}"),
        )
    })
}

/// GET on the IMS path: GETCNT, GETINV, FILEDET, REQSTS.
pub(super) async fn get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&action);
    let ctx = gstin_context(&s, &h, &q)?;
    injected(&s, &action)?;
    match Action::parse(&action) {
        Action::GetCnt => {
            let counts = {
                let t = taxpayer(&s, &ctx)?;
                let mut t = lock(&t);
                s.inner.count_n("ims:applied", t.settle(false));
                crate::ims::counts(&t.records)
            };
            sealed(&ctx.caller.key, &counts)
        }
        Action::GetInv => get_invoices(&s, &ctx, &q),
        Action::FileDet => {
            super::gstr2a::file_details(&s, &ctx.caller.key, ctx.gstin, None, &h, &q)
        }
        Action::ReqSts => request_status(&s, &ctx, &q),
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: ims action {:?}", other.as_str()),
        )),
    }
}

/// GETINV: the records of `section` (`B2B`, `B2BA`, `CN`, `CNA`, `DN`, `DNA`), of one action
/// with `status`; a token for FILEDET above the large-file threshold.
fn get_invoices(s: &SandboxState, ctx: &GstinCtx, q: &BTreeMap<String, String>) -> Answer {
    let code = q
        .get("section")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "section missing"))?;
    let section = crate::ims::section_for_code(code).ok_or_else(|| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11405,
            format!("invalid api request parameters: section {code:?}"),
        )
    })?;
    let status = match q.get("status") {
        None => None,
        Some(text) => match ImsAction::from_sent(text) {
            ImsAction::Other(_) => {
                return Err(Reject::msg(
                    BAD,
                    ErrorCode::Ret11405,
                    format!("invalid api request parameters: status {text:?}"),
                ))
            }
            action => Some(action),
        },
    };
    let list = {
        let t = taxpayer(s, ctx)?;
        let mut t = lock(&t);
        s.inner.count_n("ims:applied", t.settle(false));
        crate::ims::section_json(&t.records, &section, status.as_ref())
    };
    let key = section.as_str().to_owned();
    let c = &s.inner.config;
    if list.len() > c.large_file_threshold {
        let file_key = FileKey::generate();
        let files = list
            .chunks(c.documents_per_file.max(1))
            .enumerate()
            .map(|(i, chunk)| {
                let body = json!({ key.as_str(): chunk });
                let plain = serde_json::to_vec(&body)?;
                let content = crypto::encrypt_file_content(&file_key, &plain);
                let tar = super::gstr2a::tar_gz(&format!("{key}_{i}.json"), content.as_bytes())?;
                Ok((chunk.len(), tar))
            })
            .collect::<Result<Vec<_>, std::io::Error>>()
            .map_err(|e| {
                Reject::msg(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    chosen::RETURNS_SYSTEM_FAILURE,
                    e.to_string(),
                )
            })?;
        let token: String = hex::encode(AuthToken::generate().expose_secret().as_bytes())
            .chars()
            .take(32)
            .collect();
        lock(&s.inner.files).insert(
            token.clone(),
            FileJob {
                gstin: ctx.gstin,
                period: None,
                ready_at: Instant::now() + c.file_queue_time,
                key: file_key,
                files,
            },
        );
        let est = expiry_minutes(c.file_queue_time).max(1);
        return sealed(&ctx.caller.key, &json!({ "token": token, "est": est }));
    }
    let mut out = serde_json::Map::new();
    out.insert(key, Value::Array(list));
    sealed(&ctx.caller.key, &Value::Object(out))
}

/// PUT on the IMS path: SAVE or RESETIMS, acknowledged at once and processed after the
/// processing delay; `IMSSAV0015` while the taxpayer's previous one is being processed.
pub(super) async fn put(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Answer {
    let req = encrypted_request(&body)?;
    s.inner.count(req.action.as_str());
    let ctx = gstin_context(&s, &h, &BTreeMap::new())?;
    injected(&s, req.action.as_str())?;
    let expected = match req.action {
        Action::Save => ImsRequestType::Save,
        Action::ResetIms => ImsRequestType::Reset,
        ref other => {
            return Err(Reject::msg(
                BAD,
                ErrorCode::Ret11403,
                format!(
                    "invalid api request: {} is not an ims PUT action",
                    other.as_str()
                ),
            ))
        }
    };
    let plaintext =
        crypto::decrypt_request(&ctx.caller.key, &req).map_err(|e| crypto_reject(&e))?;
    let request: ImsSaveRequest = gstr2_model::json::from_slice(&plaintext).map_err(|e| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11406,
            format!("malformed api request: {e}"),
        )
    })?;
    if request.recipient_gstin != ctx.gstin {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11405,
            "rtin of the data is not the gstin header",
        ));
    }
    if request.request_type != expected {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11406,
            format!(
                "malformed api request: reqtyp {} with action {}",
                request.request_type,
                req.action.as_str()
            ),
        ));
    }
    let answer = {
        let t = taxpayer(&s, &ctx)?;
        let mut t = lock(&t);
        s.inner.count_n("ims:applied", t.settle(false));
        if t.pending.is_some() {
            s.inner.count(chosen::IMS_BUSY.code());
            return Err(Reject::new(StatusCode::CONFLICT, chosen::IMS_BUSY));
        }
        let reference = s.inner.next_reference("IMS");
        let now = Instant::now();
        tracing::info!(
            gstin = %ctx.gstin,
            reference = %reference,
            records = request.records.document_count(),
            action = req.action.as_str(),
            "IMS request acknowledged"
        );
        t.jobs.insert(
            reference.clone(),
            RequestJob {
                request_type: expected,
                created: now,
                polls: 0,
                outcome: None,
            },
        );
        t.pending = Some(PendingRequest {
            reference: reference.clone(),
            ready_at: now + s.inner.config.processing_delay,
            body: request,
        });
        json!({ "reference_id": reference })
    };
    sealed(&ctx.caller.key, &answer)
}

/// REQSTS: `IP` until the request is processed (and at least `processing_polls` times), then
/// `P` or `PE` with the refused records.
fn request_status(s: &SandboxState, ctx: &GstinCtx, q: &BTreeMap<String, String>) -> Answer {
    let reference = q
        .get("int_tran_id")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "int_tran_id missing"))?;
    let answer = {
        let t = taxpayer(s, ctx)?;
        let mut t = lock(&t);
        s.inner.count_n("ims:applied", t.settle(false));
        let c = &s.inner.config;
        let job = t.jobs.get_mut(reference).ok_or_else(|| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                format!("no ims request {reference} for this gstin"),
            )
        })?;
        job.polls = job.polls.saturating_add(1);
        let busy = job.polls <= c.processing_polls || job.created.elapsed() < c.processing_delay;
        match (&job.outcome, busy) {
            (Some(outcome), false) => serde_json::to_value(outcome).unwrap_or_default(),
            _ => json!({
                "status_cd": "IP",
                "transTypCd": if job.request_type == ImsRequestType::Reset { "RST" } else { "SAV" },
            }),
        }
    };
    sealed(&ctx.caller.key, &answer)
}
