//! The IMS reads: counts (GETCNT) and records by section (GETINV, through FILEDET when GSTN
//! answers a token).

use gstn_proto::{Action, LargeFileToken};
use gstr2_model::codes::{ImsAction, ImsSection};
use gstr2_model::ims::{ImsCounts, ImsRecords};
use reqwest::Method;

use super::{ims_section_code, IMS_SECTIONS};
use crate::client::{answer_error, decode_json, GstnClient};
use crate::error::{Error, Result};
use crate::gstr2a::FileScope;
use crate::progress::ProgressEvent;

impl GstnClient {
    /// The record counts by section and action (GETCNT, goods type `ALL_OTH`).
    pub async fn ims_counts(&self) -> Result<ImsCounts> {
        let config = self.config();
        let action = Action::GetCnt;
        let request = self
            .taxpayer_request(action.clone(), Method::GET, &config.paths.ims, None)?
            .query("action", action.as_str())
            .query("gstin", config.gstin.as_str())
            .query("goods_typ", "ALL_OTH");
        let data = self.call_encrypted(&request).await?;
        decode_json(&action, "ims counts", &data)
    }

    /// The records of one section (GETINV), all of them or those whose current action is
    /// `status`. A large section that GSTN answers with a token (`{token, est}`) is followed
    /// through FILEDET: wait the estimate (capped by the poll policy's longest interval), poll
    /// while queued, download, check, unpack and decrypt every file, and merge.
    pub async fn ims_records(
        &self,
        section: &ImsSection,
        status: Option<&ImsAction>,
    ) -> Result<ImsRecords> {
        let config = self.config();
        let action = Action::GetInv;
        let code = ims_section_code(section).ok_or_else(|| {
            Error::Config(format!("{section} is not an IMS section GETINV lists"))
        })?;
        let mut request = self
            .taxpayer_request(action.clone(), Method::GET, &config.paths.ims, None)?
            .query("action", action.as_str())
            .query("gstin", config.gstin.as_str())
            .query("section", code);
        if let Some(status) = status {
            request = request.query("status", status.as_str());
        }
        let data = match self.call_encrypted(&request).await {
            Ok(data) => data,
            Err(Error::Gstn { code, .. }) if code.is_no_documents() => {
                return Ok(ImsRecords::default())
            }
            Err(e) => return Err(e),
        };
        let value: serde_json::Value = decode_json(&action, "decrypted data", &data)?;
        let is_token = value.get("token").is_some() && value.get(section.as_str()).is_none();
        let mut records = if is_token {
            let token: LargeFileToken = decode_json(&action, "large-file token", &data)?;
            tracing::info!(
                section = code,
                est_minutes = token.est_minutes,
                "ims large-file token"
            );
            let scope = FileScope {
                path: &config.paths.ims,
                period: None,
                section: code,
            };
            let mut merged = ImsRecords::default();
            for (index, members) in self
                .large_file(&scope, &token, &|_, _| {})
                .await?
                .into_iter()
                .enumerate()
            {
                for plain in members {
                    merged.merge(read_records(&plain, &format!("file {index} of {code}"))?);
                }
            }
            merged
        } else {
            read_records(&data, &format!("section {code}"))?
        };
        records.gstin = records.gstin.or(Some(config.gstin));
        self.emit(ProgressEvent::ImsSectionFetched {
            section: section.clone(),
            records: records.document_count(),
        });
        Ok(records)
    }

    /// Every IMS record of the taxpayer: the sections of [`IMS_SECTIONS`], merged.
    pub async fn download_ims(&self) -> Result<ImsRecords> {
        let mut all = ImsRecords {
            gstin: Some(self.config().gstin),
            ..ImsRecords::default()
        };
        for section in &IMS_SECTIONS {
            all.merge(self.ims_records(section, None).await?);
        }
        Ok(all)
    }
}

/// Reads IMS records from GETINV's answer (or a file of it).
fn read_records(bytes: &[u8], what: &str) -> Result<ImsRecords> {
    ImsRecords::from_json(bytes).map_err(|e| answer_error(&Action::GetInv, what, e))
}
