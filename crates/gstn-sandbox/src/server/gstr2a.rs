//! GSTR2A, on the GSTR2A path: the section GETs (B2B, B2BA, CDN, CDNA) from the return's
//! GSTR2A ([`crate::gstr2a`]), and the large-file flow: a token when a section has more
//! documents than the threshold, FILEDET (`RTN_24` while queued), and the encrypted
//! `.tar.gz` parts served under [`FILES_PATH`].

use std::collections::BTreeMap;
use std::io;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gstn_proto::crypto;
use gstn_proto::error_code::{chosen, ErrorCode};
use gstn_proto::secret::{AuthToken, FileKey, SessionKey};
use gstr2_model::{Gstin, ReturnPeriod};
use serde_json::{json, Value};

use super::auth::context;
use super::{expiry_minutes, header, sealed, Answer, Params, Reject, BAD, FILES_PATH};
use crate::state::{lock, FileJob, SandboxState};

/// FILEDET (GET on the common returns path for GSTR2A, on the IMS path for IMS records): the
/// URLs and key of a large file of `gstin` (and `period`, for GSTR2A), or `RTN_24` while it is
/// still queued.
pub(super) fn file_details(
    s: &SandboxState,
    key: &SessionKey,
    gstin: Gstin,
    period: Option<ReturnPeriod>,
    h: &HeaderMap,
    q: &BTreeMap<String, String>,
) -> Answer {
    let token = q
        .get("token")
        .ok_or_else(|| Reject::msg(BAD, ErrorCode::Ret11405, "token missing"))?;
    let files = lock(&s.inner.files);
    let job = files
        .get(token)
        .filter(|j| j.gstin == gstin && j.period == period)
        .ok_or_else(|| {
            Reject::msg(
                BAD,
                ErrorCode::Ret11405,
                "no such token for this gstin and period",
            )
        })?;
    if Instant::now() < job.ready_at {
        return Err(Reject::new(StatusCode::OK, ErrorCode::Rtn24));
    }
    let host = header(h, "host").unwrap_or("127.0.0.1");
    let urls: Vec<Value> = job
        .files
        .iter()
        .enumerate()
        .map(|(n, (ic, bytes))| {
            json!({
                "ul": format!("http://{host}{FILES_PATH}/{token}/{n}.tar.gz"),
                "ic": ic,
                "hash": crypto::sha256_hex(bytes),
            })
        })
        .collect();
    let answer = json!({ "fc": job.files.len(), "ek": job.key.to_base64(), "urls": urls });
    drop(files);
    sealed(key, &answer)
}

/// GET on the GSTR2A path: a section (B2B, B2BA, CDN, CDNA), optionally of one supplier
/// (`ctin`); a section over the large-file threshold answers a token for FILEDET instead.
pub(super) async fn get(State(s): State<SandboxState>, h: HeaderMap, Query(q): Params) -> Answer {
    let action = q.get("action").cloned().unwrap_or_default();
    s.inner.count(&format!("GSTR2A:{action}"));
    let ctx = context(&s, &h, &q)?;
    let ctin = match q.get("ctin") {
        Some(c) => Some(
            Gstin::parse(c).map_err(|e| Reject::msg(BAD, ErrorCode::Ret11405, e.to_string()))?,
        ),
        None => None,
    };
    let gstr2a = {
        let ret = s.inner.return_state(ctx.gstin, ctx.period);
        let mut ret = lock(&ret);
        s.inner
            .gstr2a_of(&mut ret, ctx.gstin, ctx.period)
            .map_err(|e| {
                Reject::msg(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    chosen::RETURNS_SYSTEM_FAILURE,
                    e.to_string(),
                )
            })?
    };
    let (section, count) = crate::gstr2a::section(&gstr2a, &action, ctin).ok_or_else(|| {
        Reject::msg(
            BAD,
            ErrorCode::Ret11403,
            format!("invalid api request: gstr2a action {action:?}"),
        )
    })?;
    let key = action.to_ascii_lowercase();
    let c = &s.inner.config;
    if count > c.large_file_threshold {
        let docs_key = if key.starts_with("cdn") { "nt" } else { "inv" };
        let file_key = FileKey::generate();
        let files = split_into_files(&section, &key, docs_key, c.documents_per_file, &file_key)
            .map_err(|e| {
                Reject::msg(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    chosen::RETURNS_SYSTEM_FAILURE,
                    e.to_string(),
                )
            })?;
        let token = hex::encode(AuthToken::generate().expose_secret().as_bytes())
            .chars()
            .take(32)
            .collect::<String>();
        lock(&s.inner.files).insert(
            token.clone(),
            FileJob {
                gstin: ctx.gstin,
                period: Some(ctx.period),
                ready_at: Instant::now() + c.file_queue_time,
                key: file_key,
                files,
            },
        );
        let est = expiry_minutes(c.file_queue_time).max(1);
        return sealed(&ctx.caller.key, &json!({ "token": token, "est": est }));
    }
    let mut out = serde_json::Map::new();
    out.insert(key, section);
    sealed(&ctx.caller.key, &Value::Object(out))
}

/// Splits a section's suppliers into files of at most `per_file` documents, each file a
/// `.tar.gz` with one `.json` whose content is `b64(AES(ek, b64(json)))`.
fn split_into_files(
    section: &Value,
    key: &str,
    docs_key: &str,
    per_file: usize,
    file_key: &FileKey,
) -> io::Result<Vec<(usize, Vec<u8>)>> {
    let mut chunks: Vec<(usize, Vec<Value>)> = vec![(0, Vec::new())];
    for supplier in section.as_array().into_iter().flatten() {
        let docs = supplier
            .get(docs_key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut rest = docs.as_slice();
        while !rest.is_empty() {
            let room = match chunks.last() {
                Some((n, _)) if *n < per_file => per_file - n,
                _ => {
                    chunks.push((0, Vec::new()));
                    per_file
                }
            };
            let (take, left) = rest.split_at(room.min(rest.len()));
            let mut part = supplier.clone();
            if let Some(fields) = part.as_object_mut() {
                fields.insert(docs_key.to_owned(), Value::Array(take.to_vec()));
            }
            if let Some((n, list)) = chunks.last_mut() {
                *n += take.len();
                list.push(part);
            }
            rest = left;
        }
    }
    chunks
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .enumerate()
        .map(|(i, (n, suppliers))| {
            let mut body = serde_json::Map::new();
            body.insert(key.to_owned(), Value::Array(suppliers));
            let json = serde_json::to_vec(&Value::Object(body))?;
            let content = crypto::encrypt_file_content(file_key, &json);
            Ok((n, tar_gz(&format!("{key}_{i}.json"), content.as_bytes())?))
        })
        .collect()
}

/// A `.tar.gz` of one member `name` holding `content`.
pub(super) fn tar_gz(name: &str, content: &[u8]) -> io::Result<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(0);
    tar.append_data(&mut header, name, content)?;
    tar.into_inner()?.finish()
}

/// A large file's part, `/files/{token}/{n}.tar.gz`, once the file is ready.
pub(super) async fn file_download(
    State(s): State<SandboxState>,
    Path((token, file)): Path<(String, String)>,
) -> Response {
    s.inner.count("FILE");
    let n = file
        .strip_suffix(".tar.gz")
        .and_then(|n| n.parse::<usize>().ok());
    let files = lock(&s.inner.files);
    let bytes = files
        .get(&token)
        .filter(|j| Instant::now() >= j.ready_at)
        .and_then(|j| n.and_then(|n| j.files.get(n)))
        .map(|(_, b)| b.clone());
    drop(files);
    match bytes {
        Some(b) => ([(CONTENT_TYPE, "application/gzip")], Body::from(b)).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
