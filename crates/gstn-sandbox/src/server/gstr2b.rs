//! GSTR-2B, on `/taxpayerapi/{version}/returns/gstr2b` (any version): GET2B (whole, or paged
//! above [`SandboxConfig::gstr2b_documents_per_file`](crate::SandboxConfig)), GEN2B (PUT: a new
//! 2B from the taxpayer's IMS, [`crate::gstr2b`]) and GENSTS2B.
//!
//! | answer | when |
//! |---|---|
//! | `GTR2B-001` | GET2B or GEN2B of a period made not applicable ([`SandboxState::set_gstr2b_not_applicable`](crate::SandboxState::set_gstr2b_not_applicable)) |
//! | `GTR2B-002` | GET2B of a period never generated |
//! | `RTN_24` with `retryTimeInMinutes` | GET2B within `gstr2b_queue_time` of the period's GEN2B |
//! | `IMS2005` | GEN2B with no IMS action changed since the period's last GEN2B |

use std::collections::BTreeMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use gstn_proto::action::Action;
use gstn_proto::crypto;
use gstn_proto::envelope::GstnError;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::Gstr2bGenerateRequest;
use gstr2_model::ReturnPeriod;
use serde_json::json;

use super::auth::{gstin_context, GstinCtx};
use super::ims::injected;
use super::{
    crypto_reject, encrypted_request, expiry_minutes, header, sealed, Answer, Params, Reject, BAD,
};
use crate::ims::{Generated, GenerationJob, Taxpayer};
use crate::state::{lock, SandboxState};

fn taxpayer(
    s: &SandboxState,
    ctx: &GstinCtx,
) -> Result<std::sync::Arc<std::sync::Mutex<Taxpayer>>, Reject> {
    s.inner.taxpayer(ctx.gstin).map_err(|e| {
        Reject::msg(
            StatusCode::INTERNAL_SERVER_ERROR,
            chosen::RETURNS_SYSTEM_FAILURE,
            format!("system failure: {e}"),
        )
    })
}

/// GET on the GSTR-2B path: GET2B or GENSTS2B.
pub(super) async fn get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&action);
    let ctx = gstin_context(&s, &h, &q)?;
    injected(&s, &action)?;
    match Action::parse(&action) {
        Action::Get2b => get_2b(&s, &ctx, &h, &q),
        Action::GenSts2b => generation_status(&s, &ctx, &q),
        other => Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: gstr2b action {:?}", other.as_str()),
        )),
    }
}

/// The period of GET2B: `rtnprd`, else the `ret_period` header.
fn period(h: &HeaderMap, q: &BTreeMap<String, String>) -> Result<ReturnPeriod, Reject> {
    let text = q
        .get("rtnprd")
        .map(String::as_str)
        .or_else(|| header(h, "ret_period"))
        .ok_or_else(|| Reject::new(BAD, ErrorCode::Auth141))?;
    text.parse().map_err(|e: gstr2_model::ReturnPeriodError| {
        Reject::msg(BAD, ErrorCode::Auth113, e.to_string())
    })
}

fn not_applicable(t: &Taxpayer, period: ReturnPeriod) -> Result<(), Reject> {
    if t.not_applicable.contains(&period) {
        return Err(Reject::new(BAD, chosen::GSTR2B_NOT_APPLICABLE));
    }
    Ok(())
}

/// GET2B: the whole 2B, the head of a paged one (`fc`), or part `file_num`.
fn get_2b(s: &SandboxState, ctx: &GstinCtx, h: &HeaderMap, q: &BTreeMap<String, String>) -> Answer {
    let period = period(h, q)?;
    let file_num = match q.get("file_num") {
        None => None,
        Some(n) => Some(n.trim().parse::<usize>().map_err(|_| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                format!("file_num {n:?} is not a number"),
            )
        })?),
    };
    let generated = {
        let t = taxpayer(s, ctx)?;
        let t = lock(&t);
        not_applicable(&t, period)?;
        t.generated.get(&period).cloned()
    };
    let generated = generated.ok_or_else(|| Reject::new(BAD, chosen::GSTR2B_NOT_GENERATED))?;
    let now = Instant::now();
    if now < generated.ready_at {
        let minutes = expiry_minutes(generated.ready_at - now).max(1);
        return Err(Reject {
            status: StatusCode::OK,
            error: GstnError::new(chosen::GSTR2B_QUEUED).retry_after(minutes),
        });
    }
    let per_file = s.inner.config.gstr2b_documents_per_file;
    let paged = crate::gstr2b::document_count(&generated.data) > per_file;
    let data = match (paged, file_num) {
        (false, None | Some(1)) => (*generated.data).clone(),
        (true, None) => {
            let count = crate::gstr2b::parts(&generated.data, per_file).len();
            crate::gstr2b::head(&generated.data, count)
        }
        (true, Some(k)) => {
            let mut parts = crate::gstr2b::parts(&generated.data, per_file);
            if k == 0 || k > parts.len() {
                return Err(Reject::msg(
                    BAD,
                    ErrorCode::Ret11405,
                    format!("file_num {k} is not between 1 and {}", parts.len()),
                ));
            }
            parts.swap_remove(k - 1)
        }
        (false, Some(k)) => {
            return Err(Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                format!("file_num {k}: this GSTR-2B has one part"),
            ))
        }
    };
    sealed(
        &ctx.caller.key,
        &json!({ "chksum": generated.checksum, "data": data }),
    )
}

/// PUT on the GSTR-2B path: GEN2B, a new 2B of the period from the taxpayer's IMS (every
/// acknowledged SAVE and RESET processed first); `IMS2005` when nothing changed since the
/// period's last one.
pub(super) async fn put(State(s): State<SandboxState>, h: HeaderMap, body: Bytes) -> Answer {
    let req = encrypted_request(&body)?;
    s.inner.count(req.action.as_str());
    let ctx = gstin_context(&s, &h, &BTreeMap::new())?;
    injected(&s, req.action.as_str())?;
    if req.action != Action::Gen2b {
        return Err(Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!(
                "invalid api request: {} is not a gstr2b PUT action",
                req.action.as_str()
            ),
        ));
    }
    let plaintext =
        crypto::decrypt_request(&ctx.caller.key, &req).map_err(|e| crypto_reject(&e))?;
    let request: Gstr2bGenerateRequest =
        serde_json::from_slice(gstr2_model::json::without_bom(&plaintext)).map_err(|e| {
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
    let period = request.itc_period;
    let answer = {
        let t = taxpayer(&s, &ctx)?;
        let mut t = lock(&t);
        not_applicable(&t, period)?;
        s.inner.count_n("ims:applied", t.settle(true));
        if t.generated
            .get(&period)
            .is_some_and(|g| g.version == t.version)
        {
            return Err(Reject::new(BAD, chosen::GSTR2B_UNCHANGED));
        }
        let now = Instant::now();
        let today = chrono::Local::now().date_naive();
        let outcome = match crate::gstr2b::generate(&t.records, ctx.gstin, period, today) {
            Ok(data) => {
                let generated = Generated {
                    checksum: crate::gstr2b::checksum(&data),
                    data: std::sync::Arc::new(data),
                    ready_at: now + s.inner.config.gstr2b_queue_time,
                    version: t.version,
                };
                tracing::info!(
                    gstin = %ctx.gstin,
                    period = %period,
                    documents = crate::gstr2b::document_count(&generated.data),
                    "GSTR-2B generated"
                );
                t.generated.insert(period, generated);
                Ok(())
            }
            Err(message) => Err((ErrorCode::Ret11403, message)),
        };
        let reference = s.inner.next_reference("G2B");
        t.generations.insert(
            reference.clone(),
            GenerationJob {
                created: now,
                polls: 0,
                outcome,
            },
        );
        json!({ "reference_id": reference })
    };
    sealed(&ctx.caller.key, &answer)
}

/// GENSTS2B: `IP` for the processing delay (and at least `processing_polls` polls), then `P`,
/// or `ER` with `err_cd` and `err_msg`.
fn generation_status(s: &SandboxState, ctx: &GstinCtx, q: &BTreeMap<String, String>) -> Answer {
    let reference = q
        .get("int_tran_id")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "int_tran_id missing"))?;
    let answer = {
        let t = taxpayer(s, ctx)?;
        let mut t = lock(&t);
        let c = &s.inner.config;
        let job = t.generations.get_mut(reference).ok_or_else(|| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                format!("no gstr2b generation {reference} for this gstin"),
            )
        })?;
        job.polls = job.polls.saturating_add(1);
        let busy = job.polls <= c.processing_polls || job.created.elapsed() < c.processing_delay;
        match (&job.outcome, busy) {
            (_, true) => json!({ "status_cd": "IP" }),
            (Ok(()), false) => json!({ "status_cd": "P" }),
            (Err((code, message)), false) => {
                json!({ "status_cd": "ER", "err_cd": code.code(), "err_msg": message })
            }
        }
    };
    sealed(&ctx.caller.key, &answer)
}
