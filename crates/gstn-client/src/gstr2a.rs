//! GSTR2A: the documents suppliers reported, section by section, through the large-file flow
//! when GSTN answers a token instead of data.

use std::io::Read as _;
use std::time::{Duration, Instant};

use gstn_proto::{Action, ErrorClass, FileDetails, FileKey, LargeFileToken};
use gstr2_model::{Gstr2a, ReturnPeriod};
use reqwest::{Method, Url};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::client::{decode_json, Endpoint, GstnClient, Repeat, Request};
use crate::config::check_scheme;
use crate::error::{Error, Result};
use crate::progress::ProgressEvent;

/// The GSTR2A sections [`GstnClient::download_gstr2a`] fetches.
pub const GSTR2A_SECTIONS: [&str; 4] = ["B2B", "B2BA", "CDN", "CDNA"];

/// The largest `.tar.gz` member read (64 MiB): a guard against a runaway archive.
const MAX_MEMBER_BYTES: u64 = 64 * 1024 * 1024;

impl GstnClient {
    /// Downloads GSTR2A for a period, all counterparty sections (`B2B`, `B2BA`, `CDN`, `CDNA`),
    /// merged into one [`Gstr2a`] ([`Gstr2a::merge`]: a supplier split over files joined again).
    ///
    /// A section GSTN answers with a large-file token (`{token, est}`) is followed through by
    /// itself: wait the estimate (capped by the poll policy's longest interval), poll `FILEDET`
    /// while it answers `RTN_24` (queued), download every URL, check its SHA-256 against
    /// `hash`, unpack the `.tar.gz`, decrypt the content with `ek`, and merge.
    pub async fn download_gstr2a(&self, period: ReturnPeriod) -> Result<Gstr2a> {
        let mut all = Gstr2a {
            gstin: Some(self.config().gstin),
            fp: Some(period),
            ..Gstr2a::default()
        };
        for section in GSTR2A_SECTIONS {
            let part = self.gstr2a_section(period, section).await?;
            self.emit(ProgressEvent::Gstr2aSectionDone {
                section,
                documents: part.document_count(),
            });
            all.merge(part);
        }
        Ok(all)
    }

    /// One GSTR2A section, following the large-file flow if needed.
    pub async fn gstr2a_section(
        &self,
        period: ReturnPeriod,
        section: &'static str,
    ) -> Result<Gstr2a> {
        let config = self.config();
        let action = Action::parse(section);
        let request = self
            .returns_request(action.clone(), Method::GET, &config.paths.gstr2a, period)?
            .query("action", section)
            .query("gstin", config.gstin.as_str())
            .query("ret_period", period.to_string());
        let data = match self.call_encrypted(&request).await {
            Ok(data) => data,
            Err(Error::Gstn { code, .. }) if code.is_no_documents() => {
                return Ok(Gstr2a::default());
            }
            Err(e) => return Err(e),
        };
        let value: serde_json::Value = decode_json(&action, "decrypted data", &data)?;
        let is_token =
            value.get("token").is_some() && value.get(section.to_ascii_lowercase()).is_none();
        if !is_token {
            return decode_json(&action, &format!("gstr2a section {section}"), &data);
        }
        let token: LargeFileToken = decode_json(&action, "large-file token", &data)?;
        self.emit(ProgressEvent::Gstr2aWaiting { section });
        tracing::info!(
            section,
            est_minutes = token.est_minutes,
            "large-file token received"
        );
        let scope = FileScope {
            path: &self.config().paths.returns,
            period: Some(period),
            section,
        };
        let mut merged = Gstr2a::default();
        for (index, members) in self
            .large_file(&scope, &token, &|done, total| {
                self.emit(ProgressEvent::Gstr2aFileDownloaded {
                    section,
                    done,
                    total,
                })
            })
            .await?
            .into_iter()
            .enumerate()
        {
            for plain in members {
                let part: Gstr2a = decode_json(
                    &Action::FileDet,
                    &format!("file {index} of {section}"),
                    &plain,
                )?;
                merged.merge(part);
            }
        }
        Ok(merged)
    }

    /// Follows a large-file token through: waits GSTN's estimate (capped by the poll policy's
    /// longest interval), polls `FILEDET` while it answers `RTN_24`, downloads every file,
    /// checks its SHA-256, unpacks it and decrypts its members. Answers the decrypted JSON
    /// members of each file, in order; `on_file(done, total)` after each file.
    pub(crate) async fn large_file(
        &self,
        scope: &FileScope<'_>,
        token: &LargeFileToken,
        on_file: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Vec<Vec<Zeroizing<Vec<u8>>>>> {
        let poll = &self.config().poll;
        let estimate = Duration::from_secs(token.est_minutes.saturating_mul(60));
        self.pause(estimate.min(poll.max_interval)).await;
        let details = self.file_details(scope, &token.token).await?;
        let key = FileKey::from_base64(&details.ek).map_err(|source| Error::Crypto {
            action: Action::FileDet,
            source,
        })?;
        if usize::try_from(details.file_count).ok() != Some(details.urls.len()) {
            tracing::warn!(
                fc = details.file_count,
                urls = details.urls.len(),
                "file count differs from urls"
            );
        }
        let total = details.urls.len();
        let mut files = Vec::with_capacity(total);
        for (index, file) in details.urls.iter().enumerate() {
            let members = self
                .download_file(scope.section, index, &file.url, &file.hash, &key)
                .await?;
            files.push(members);
            on_file(index + 1, total);
        }
        Ok(files)
    }

    /// Polls `FILEDET` while GSTN answers `RTN_24` (queued).
    async fn file_details(&self, scope: &FileScope<'_>, token: &str) -> Result<FileDetails> {
        let config = self.config();
        let action = Action::FileDet;
        let started = Instant::now();
        let mut n = 0u32;
        loop {
            let mut request = self
                .taxpayer_request(action.clone(), Method::GET, scope.path, scope.period)?
                .query("action", action.as_str())
                .query("gstin", config.gstin.as_str());
            if let Some(period) = scope.period {
                request = request.query("ret_period", period.to_string());
            }
            let request = request.query("token", token);
            match self.call_encrypted(&request).await {
                Ok(data) => return decode_json(&action, "file details", &data),
                Err(Error::Gstn { code, .. }) if code.class() == ErrorClass::Queued => {
                    tracing::debug!(poll = n + 1, "files still queued");
                }
                Err(e) => return Err(e),
            }
            if started.elapsed() >= config.poll.timeout {
                return Err(Error::StillProcessing {
                    action: action.clone(),
                    reference: token.to_owned(),
                    waited_secs: started.elapsed().as_secs(),
                });
            }
            self.pause(config.poll.interval(n)).await;
            n += 1;
        }
    }

    /// Downloads one file, checks its hash, unpacks and decrypts its members; a hash mismatch
    /// is retried like a transport error (the download is idempotent).
    async fn download_file(
        &self,
        section: &str,
        index: usize,
        url: &str,
        hash: &str,
        key: &FileKey,
    ) -> Result<Vec<Zeroizing<Vec<u8>>>> {
        let config = self.config();
        let url = match Url::parse(url) {
            Ok(url) => url,
            Err(_) => config
                .base_url
                .join(url.trim_start_matches('/'))
                .map_err(|e| Error::Protocol {
                    action: Action::FileDet,
                    detail: format!("file {index} of {section}: bad url: {e}"),
                })?,
        };
        check_scheme(&url)?;
        let request = Request::new(
            Action::Other("DOWNLOAD".into()),
            Method::GET,
            url,
            Endpoint::Download,
        )
        .repeat(Repeat::Idempotent);
        let mut retry = 0u32;
        let bytes = loop {
            let bytes = self.send(&request, None).await?;
            let actual = hex::encode(Sha256::digest(&bytes));
            if actual.eq_ignore_ascii_case(hash.trim()) {
                break bytes;
            }
            let error = Error::Integrity {
                action: Action::FileDet,
                section: section.to_owned(),
                index,
                expected: hash.to_owned(),
                actual,
            };
            if retry >= config.retry.max_retries {
                return Err(error);
            }
            tracing::warn!(error = %error, "downloading again");
            self.pause(config.retry.backoff(retry)).await;
            retry += 1;
        };
        let content = unpack(&bytes).map_err(|detail| Error::Protocol {
            action: Action::FileDet,
            detail: format!("file {index} of {section}: {detail}"),
        })?;
        content
            .iter()
            .map(|member| {
                gstn_proto::crypto::decrypt_file_content(key, member)
                    .map(Zeroizing::new)
                    .map_err(|source| Error::Crypto {
                        action: Action::FileDet,
                        source,
                    })
            })
            .collect()
    }
}

/// Where FILEDET is asked about a token: the API path, the period (GSTR2A's; IMS names
/// none), and the section, for messages.
pub(crate) struct FileScope<'a> {
    pub path: &'a str,
    pub period: Option<ReturnPeriod>,
    pub section: &'a str,
}

/// The `.json` members of a `.tar.gz`, in archive order.
fn unpack(bytes: &[u8]) -> std::result::Result<Vec<Vec<u8>>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let mut out = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| format!("not a tar.gz: {e}"))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("bad tar entry: {e}"))?;
        let is_json = entry
            .path()
            .map(|p| {
                p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            })
            .unwrap_or(false);
        if !is_json || !entry.header().entry_type().is_file() {
            continue;
        }
        let mut content = Vec::new();
        entry
            .take(MAX_MEMBER_BYTES)
            .read_to_end(&mut content)
            .map_err(|e| format!("cannot read a tar member: {e}"))?;
        out.push(content);
    }
    if out.is_empty() {
        return Err("the archive holds no .json file".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_gz(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (name, data) in members {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, *data).unwrap();
        }
        builder.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn unpack_keeps_json_members_in_order() {
        let bytes = tar_gz(&[("a.json", b"one"), ("readme.txt", b"x"), ("b.JSON", b"two")]);
        assert_eq!(
            unpack(&bytes).unwrap(),
            vec![b"one".to_vec(), b"two".to_vec()]
        );
    }

    #[test]
    fn unpack_rejects_garbage_and_empty_archives() {
        assert!(unpack(b"not gzip").is_err());
        let err = unpack(&tar_gz(&[("x.txt", b"1")])).unwrap_err();
        assert!(err.contains("no .json"), "{err}");
    }
}
