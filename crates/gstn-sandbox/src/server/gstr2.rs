//! GSTR-2, on the GSTR2 path and the common returns path: the section GETs (B2B … ITCRVSL),
//! RETSUM, RETSAVE (PUT), RETSUBMIT and RETFILE (POST), and RETSTATUS. Saves are idempotent
//! per `txn` and body; RETSUBMIT and RETFILE process every queued save first.

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use gstn_proto::action::Action;
use gstn_proto::crypto;
use gstn_proto::envelope::{FileRequest, SignatureType};
use gstn_proto::error::CryptoError;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::secret::Otp;
use gstr2_model::amount::AmountOverflow;
use gstr2_model::summary::Gstr2Summary;
use gstr2_model::StateCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::auth::{context, Ctx};
use super::{
    crypto_reject, encrypted_request, sealed, Answer, Params, Reject, BAD, CONFLICT, FORBIDDEN,
    UNAUTH,
};
use crate::save::SaveOutcome;
use crate::state::{lock, Job, Pending, SandboxState};

fn body_hash(body: &[u8]) -> [u8; 32] {
    Sha256::digest(body).into()
}

/// RETSUM or RETFILE on a return whose saved amounts add up beyond what a decimal holds: no
/// summary can be computed, so the return's state forbids the action (as RETFILE before
/// RETSUBMIT does), and the message names the document.
fn summary_overflow(e: AmountOverflow) -> Reject {
    Reject::msg(
        CONFLICT,
        chosen::SUMMARY_OVERFLOW,
        format!("invalid api request: the return's summary (RETSUM) cannot be computed: {e}"),
    )
}

fn filter_ctin(section: Value, ctin: Option<&String>) -> Value {
    match (section, ctin) {
        (Value::Array(list), Some(ctin)) => Value::Array(
            list.into_iter()
                .filter(|s| s.get("ctin").and_then(Value::as_str) == Some(ctin.as_str()))
                .collect(),
        ),
        (v, _) => v,
    }
}

/// GET on the GSTR2 path: RETSUM, or a section as saved (B2B, B2BA, B2BUR, CDN, CDNA, CDNUR,
/// IMPG, IMPGA, IMPS, IMPSA, NIL, TXLI, ATXLI, TXP, HSNSUM, ITCRVSL); the B2B and CDN sections
/// and their amendments of one supplier with `ctin`.
pub(super) async fn get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&action);
    let ctx = context(&s, &h, &q)?;
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let action = Action::parse(&action);
    if action == Action::RetSum {
        let summary = {
            let mut ret = lock(&ret);
            s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
            crate::summary::compute(&ret.sections, ctx.gstin, ctx.period)
        }
        .map_err(summary_overflow)?;
        return sealed(&ctx.caller.key, &summary);
    }
    let key = action.section_key().ok_or_else(|| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: action {:?}", action.as_str()),
        )
    })?;
    let payload = {
        let mut ret = lock(&ret);
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
        ret.sections.to_payload(ctx.gstin, ctx.period)
    };
    let mut value = serde_json::to_value(&payload).unwrap_or_default();
    let section = value
        .as_object_mut()
        .and_then(|m| m.remove(key))
        .unwrap_or_else(|| match key {
            "nil_supplies" | "itc_rvsl" | "hsnsum" => json!({}),
            _ => json!([]),
        });
    let section = match key {
        "b2b" | "b2ba" | "cdn" | "cdna" => filter_ctin(section, q.get("ctin")),
        _ => section,
    };
    let mut out = serde_json::Map::new();
    out.insert(key.to_owned(), section);
    sealed(&ctx.caller.key, &Value::Object(out))
}

/// PUT on the GSTR2 path: RETSAVE, acknowledged at once and processed later ([`crate::save`]).
pub(super) async fn put(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Answer {
    let req = encrypted_request(&body)?;
    s.inner.count(req.action.as_str());
    let ctx = context(&s, &h, &BTreeMap::new())?;
    if req.action != Action::RetSave {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!(
                "invalid api request: {} is not a PUT action",
                req.action.as_str()
            ),
        ));
    }
    let plaintext =
        crypto::decrypt_request(&ctx.caller.key, &req).map_err(|e| crypto_reject(&e))?;
    let hash = body_hash(&plaintext);
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
        if let Some(previous) = ret.answered.get(&(ctx.txn.clone(), hash)) {
            previous.clone()
        } else {
            if ret.filed.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Auth117));
            }
            if ret.submitted.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Ret12521));
            }
            let reference = s.inner.next_reference("SBX");
            let now = Instant::now();
            tracing::info!(
                gstin = %ctx.gstin,
                period = %ctx.period,
                reference = %reference,
                bytes = plaintext.len(),
                "RETSAVE acknowledged"
            );
            ret.jobs.insert(
                reference.clone(),
                Job {
                    action: "SAVE",
                    created: now,
                    polls: 0,
                    outcome: None,
                },
            );
            ret.pending.push_back(Pending {
                reference: reference.clone(),
                ready_at: now + s.inner.config.processing_delay,
                payload: plaintext,
            });
            let answer = json!({ "reference_id": reference });
            ret.answered.insert((ctx.txn.clone(), hash), answer.clone());
            answer
        }
    };
    sealed(&ctx.caller.key, &answer)
}

#[derive(serde::Deserialize)]
struct ActionOnly {
    action: Action,
}

/// POST on the GSTR2 path: RETSUBMIT or RETFILE.
pub(super) async fn post(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Answer {
    let probe: ActionOnly =
        serde_json::from_slice(gstr2_model::json::without_bom(&body)).map_err(|e| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11406,
                format!("malformed api request: {e}"),
            )
        })?;
    s.inner.count(probe.action.as_str());
    let ctx = context(&s, &h, &BTreeMap::new())?;
    match probe.action {
        Action::RetSubmit => submit(&s, &ctx, &body),
        Action::RetFile => file(&s, &ctx, &body),
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!(
                "invalid api request: {} is not a POST action",
                other.as_str()
            ),
        )),
    }
}

fn check_identity(ctx: &Ctx, json: &[u8]) -> Result<(), Reject> {
    #[derive(serde::Deserialize)]
    struct Identity {
        gstin: String,
        ret_period: String,
    }
    let id: Identity =
        serde_json::from_slice(gstr2_model::json::without_bom(json)).map_err(|e| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11406,
                format!("malformed api request: {e}"),
            )
        })?;
    if id.gstin != ctx.gstin.as_str() || id.ret_period != ctx.period.to_string() {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11405,
            "gstin or ret_period of the data differ from the headers",
        ));
    }
    Ok(())
}

/// RETSUBMIT: freezes the return once every acknowledged save is processed.
fn submit(s: &SandboxState, ctx: &Ctx, body: &[u8]) -> Answer {
    let req = encrypted_request(body)?;
    let plaintext =
        crypto::decrypt_request(&ctx.caller.key, &req).map_err(|e| crypto_reject(&e))?;
    check_identity(ctx, &plaintext)?;
    let hash = body_hash(&plaintext);
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        // Submitting or filing waits for every acknowledged save to be processed.
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, true);
        if let Some(previous) = ret.answered.get(&(ctx.txn.clone(), hash)) {
            previous.clone()
        } else {
            if ret.filed.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Auth117));
            }
            if ret.submitted.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Ret12521));
            }
            let reference = s.inner.next_reference("SBX");
            ret.submitted = Some(reference.clone());
            ret.jobs.insert(
                reference.clone(),
                Job {
                    action: "SUBMIT",
                    created: Instant::now(),
                    polls: 0,
                    outcome: Some(SaveOutcome::Processed),
                },
            );
            tracing::info!(gstin = %ctx.gstin, period = %ctx.period, "RETSUBMIT: return frozen");
            let answer = json!({ "reference_id": reference });
            ret.answered.insert((ctx.txn.clone(), hash), answer.clone());
            answer
        }
    };
    sealed(&ctx.caller.key, &answer)
}

/// RETFILE: files the submitted return with EVC, the signed summary being its RETSUM.
fn file(s: &SandboxState, ctx: &Ctx, body: &[u8]) -> Answer {
    let req: FileRequest =
        serde_json::from_slice(gstr2_model::json::without_bom(body)).map_err(|e| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11406,
                format!("malformed api request: {e}"),
            )
        })?;
    if req.signature_type != SignatureType::Evc {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            "invalid api request: the sandbox files with EVC only",
        ));
    }
    let (pan, otp) = req
        .evc_signer()
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11406, "sid is not PAN|OTP"))?;
    if ctx.gstin.pan() != Some(pan) {
        return Err(Reject::new(FORBIDDEN, ErrorCode::Otp0006));
    }
    let evc_ok = Otp::new(s.inner.config.evc_otp.clone())
        .ok()
        .is_some_and(|e| e.ct_eq(&otp));
    let requested = lock(&s.inner.sessions)
        .sessions
        .get(&ctx.caller.session_id)
        .is_some_and(|sess| sess.evc_requested.contains(&ctx.gstin));
    if !requested {
        return Err(Reject::msg(
            UNAUTH,
            ErrorCode::Auth4034,
            "invalid otp: no evc otp was requested for this gstin in this session",
        ));
    }
    if !evc_ok {
        return Err(Reject::msg(UNAUTH, ErrorCode::Auth4034, "invalid evc otp"));
    }
    let json = req.open_evc(&ctx.caller.key).map_err(|e| match e {
        CryptoError::HmacMismatch { .. } => Reject::msg(
            BAD,
            chosen::PAYLOAD_CORRUPTED,
            "corrupted api payload data: the evc signature does not verify over the summary",
        ),
        other => crypto_reject(&other),
    })?;
    let filed: Gstr2Summary = gstr2_model::json::from_slice(&json)
        .map_err(|e| Reject::msg(BAD, ErrorCode::Ret11406, format!("the filed summary: {e}")))?;
    let hash = body_hash(&json);
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        // Submitting or filing waits for every acknowledged save to be processed.
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, true);
        if let Some(previous) = ret.answered.get(&(ctx.txn.clone(), hash)) {
            previous.clone()
        } else {
            if ret.filed.is_some() {
                return Err(Reject::new(CONFLICT, ErrorCode::Auth117));
            }
            if ret.submitted.is_none() {
                return Err(Reject::msg(
                    CONFLICT,
                    ErrorCode::Ret11403,
                    "invalid api request: the return must be submitted (RETSUBMIT) before filing",
                ));
            }
            let current = crate::summary::compute(&ret.sections, ctx.gstin, ctx.period)
                .map_err(summary_overflow)?;
            if filed != current {
                return Err(Reject::msg(
                    BAD,
                    ErrorCode::Ret11405,
                    "the filed summary is not the return's summary (RETSUM)",
                ));
            }
            let n = s.inner.next_reference("");
            let ack = format!(
                "AA{}{}",
                ctx.gstin.state_code().map(StateCode::code).unwrap_or(0),
                n
            );
            ret.filed = Some(ack.clone());
            tracing::info!(gstin = %ctx.gstin, period = %ctx.period, ack = %ack, "RETFILE: return filed");
            let answer = json!({ "ack_num": ack, "status": "P" });
            ret.answered.insert((ctx.txn.clone(), hash), answer.clone());
            answer
        }
    };
    sealed(&ctx.caller.key, &answer)
}

/// RETSTATUS (GET on the common returns path): how a RETSAVE, RETSUBMIT or RETFILE went.
pub(super) fn ret_status(s: &SandboxState, ctx: &Ctx, q: &BTreeMap<String, String>) -> Answer {
    let reference = q
        .get("ref_id")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "ref_id missing"))?;
    let ret = s.inner.return_state(ctx.gstin, ctx.period);
    let answer = {
        let mut ret = lock(&ret);
        s.inner.settle(&mut ret, ctx.gstin, ctx.period, false);
        let job = ret.jobs.get_mut(reference).ok_or_else(|| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                format!("no request with ref_id {reference} for this gstin and period"),
            )
        })?;
        job.polls = job.polls.saturating_add(1);
        let c = &s.inner.config;
        let busy = job.polls <= c.processing_polls || job.created.elapsed() < c.processing_delay;
        let mut answer = serde_json::Map::new();
        answer.insert("form_typ".into(), json!("R2"));
        answer.insert("action".into(), json!(job.action));
        let (status, report) = match (&job.outcome, busy) {
            (None, _) | (_, true) => ("IP", None),
            (Some(SaveOutcome::Processed), false) => ("P", None),
            (Some(SaveOutcome::ProcessedWithErrors(report)), false) => {
                ("PE", Some(serde_json::to_value(report).unwrap_or_default()))
            }
            (Some(SaveOutcome::Error(p)), false) => (
                "ER",
                Some(json!({ "error_cd": p.code, "error_msg": p.message })),
            ),
        };
        answer.insert("status_cd".into(), json!(status));
        if let Some(report) = report {
            answer.insert("error_report".into(), report);
        }
        Value::Object(answer)
    };
    sealed(&ctx.caller.key, &answer)
}
