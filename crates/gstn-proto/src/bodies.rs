//! Decrypted bodies of the returns calls: what goes inside `data` once decrypted, and the
//! query parameters of the GETs.

use std::collections::BTreeMap;
use std::fmt;

use gstr2_model::{Gstin, ReturnPeriod};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::action::Action;
use crate::envelope::count;

/// The answer to RETSAVE and RETSUBMIT: `{"reference_id": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveResponse {
    /// The id to ask RETSTATUS about (`reference_id`).
    #[serde(rename = "reference_id")]
    pub reference_id: String,
}

/// RETSUBMIT's body: `{"gstin": .., "ret_period": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitRequest {
    /// The taxpayer (`gstin`).
    #[serde(rename = "gstin")]
    pub gstin: Gstin,
    /// The period, `MMYYYY` (`ret_period`).
    #[serde(rename = "ret_period")]
    pub return_period: ReturnPeriod,
}

/// GEN2B's body: `{"rtin": <gstin>, "itcprd": <MMYYYY>}`, generate GSTR-2B of a period again
/// from the IMS actions. The answer is a [`SaveResponse`] (`reference_id`).
///
/// ```
/// use gstn_proto::Gstr2bGenerateRequest;
///
/// let body = Gstr2bGenerateRequest {
///     recipient_gstin: "27AAPFU0939F1ZV".parse()?,
///     itc_period: "042025".parse()?,
/// };
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"rtin":"27AAPFU0939F1ZV","itcprd":"042025"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bGenerateRequest {
    /// The recipient (`rtin`).
    #[serde(rename = "rtin")]
    pub recipient_gstin: Gstin,
    /// The ITC period, `MMYYYY` (`itcprd`).
    #[serde(rename = "itcprd")]
    pub itc_period: ReturnPeriod,
}

/// GENSTS2B's answer: `{"status_cd": "IP"|"P"|"ER", "err_cd", "err_msg"}`.
///
/// ```
/// use gstn_proto::{Gstr2bGenerationStatus, ProcessingStatus};
///
/// let status: Gstr2bGenerationStatus =
///     serde_json::from_str(r#"{"status_cd":"ER","err_cd":"IMS2005","err_msg":"no changes"}"#)?;
/// assert_eq!(status.status, ProcessingStatus::Error);
/// assert_eq!(status.error_code.as_deref(), Some("IMS2005"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gstr2bGenerationStatus {
    /// In progress, processed or failed (`status_cd`).
    #[serde(rename = "status_cd")]
    pub status: ProcessingStatus,
    /// Why it failed, for `ER` (`err_cd`); empty or absent otherwise.
    #[serde(rename = "err_cd", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// GSTN's message, for `ER` (`err_msg`).
    #[serde(rename = "err_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// RETFILE's answer: `{"ack_num": ..}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileAck {
    /// The acknowledgement number (`ack_num`).
    #[serde(rename = "ack_num")]
    pub ack_num: String,
}

/// The processing status inside RETSTATUS (`status_cd`): `P`, `PE`, `ER` or `IP`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProcessingStatus {
    /// `P`: processed.
    Processed,
    /// `PE`: processed with errors; the invalid documents are in `error_report`.
    ProcessedWithErrors,
    /// `ER`: the whole save failed; `error_report.error_msg` says why.
    Error,
    /// `IP`: in progress; ask again.
    InProgress,
    /// Any other value, as received.
    Other(String),
}

impl ProcessingStatus {
    /// The wire code.
    pub fn as_str(&self) -> &str {
        match self {
            ProcessingStatus::Processed => "P",
            ProcessingStatus::ProcessedWithErrors => "PE",
            ProcessingStatus::Error => "ER",
            ProcessingStatus::InProgress => "IP",
            ProcessingStatus::Other(other) => other,
        }
    }

    /// Whether processing is over (anything but `IP`).
    pub fn is_final(&self) -> bool {
        *self != ProcessingStatus::InProgress
    }
}

impl Serialize for ProcessingStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ProcessingStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(match text.as_str() {
            "P" => ProcessingStatus::Processed,
            "PE" => ProcessingStatus::ProcessedWithErrors,
            "ER" => ProcessingStatus::Error,
            "IP" => ProcessingStatus::InProgress,
            _ => ProcessingStatus::Other(text),
        })
    }
}

impl fmt::Display for ProcessingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// RETSTATUS's answer: `{"status_cd": "P"|"PE"|"ER"|"IP", "form_typ": "R2", "action": "SAVE",
/// "error_report": {..}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReturnStatus {
    /// The processing status (`status_cd`).
    #[serde(rename = "status_cd")]
    pub status: ProcessingStatus,
    /// The form (`form_typ`), `R2` for GSTR2.
    #[serde(rename = "form_typ", default, skip_serializing_if = "Option::is_none")]
    pub form_type: Option<String>,
    /// The action processed (`action`), e.g. `SAVE`.
    #[serde(rename = "action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// What failed, for `PE` and `ER` (`error_report`).
    #[serde(
        rename = "error_report",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub error_report: Option<ErrorReport>,
}

/// RETSTATUS's `error_report`: an overall `error_cd`/`error_msg` (for `ER`) and, per section key
/// (`b2b`, `cdn`, `imp_g`, ...), the entries that failed with their own codes (for `PE`).
/// Keys that are not arrays of entries are kept in `other`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<String, Value>", into = "BTreeMap<String, Value>")]
pub struct ErrorReport {
    /// The overall code (`error_cd`).
    pub error_code: Option<String>,
    /// The overall message (`error_msg`).
    pub error_message: Option<String>,
    /// Failed entries per section key, sorted by key.
    pub sections: BTreeMap<String, Vec<SectionError>>,
    /// Any other key GSTN sends.
    pub other: BTreeMap<String, Value>,
}

impl TryFrom<BTreeMap<String, Value>> for ErrorReport {
    type Error = serde_json::Error;
    fn try_from(mut map: BTreeMap<String, Value>) -> Result<Self, Self::Error> {
        let mut take_text = |key: &str| -> Result<Option<String>, serde_json::Error> {
            map.remove(key).map(serde_json::from_value).transpose()
        };
        let error_code = take_text("error_cd")?;
        let error_message = take_text("error_msg")?;
        let mut sections = BTreeMap::new();
        let mut other = BTreeMap::new();
        for (key, value) in map {
            if value.is_array() {
                let entries = serde_json::from_value(value).map_err(|e| {
                    serde::de::Error::custom(format_args!("error_report.{key}: {e}"))
                })?;
                sections.insert(key, entries);
            } else {
                other.insert(key, value);
            }
        }
        Ok(Self {
            error_code,
            error_message,
            sections,
            other,
        })
    }
}

impl From<ErrorReport> for BTreeMap<String, Value> {
    fn from(report: ErrorReport) -> Self {
        let mut map = report.other;
        if let Some(code) = report.error_code {
            map.insert("error_cd".to_owned(), Value::String(code));
        }
        if let Some(message) = report.error_message {
            map.insert("error_msg".to_owned(), Value::String(message));
        }
        for (key, entries) in report.sections {
            let values = entries
                .into_iter()
                .map(|entry| serde_json::to_value(entry).unwrap_or(Value::Null))
                .collect();
            map.insert(key, Value::Array(values));
        }
        map
    }
}

/// One failed entry of a section: a supplier with its failed invoices (`ctin` + `inv`) or notes
/// (`ctin` + `nt`), or a document of a section without suppliers (`b2bur`, `imp_g`), which
/// carries its own number in `document`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SectionError {
    /// The supplier's GSTIN (`ctin`), as sent (it may be the invalid part).
    #[serde(rename = "ctin", default, skip_serializing_if = "Option::is_none")]
    pub supplier_gstin: Option<String>,
    /// Failed invoices (`inv`).
    #[serde(rename = "inv", default, skip_serializing_if = "Vec::is_empty")]
    pub invoices: Vec<DocumentError>,
    /// Failed credit/debit notes (`nt`).
    #[serde(rename = "nt", default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<DocumentError>,
    /// The entry's code (`error_cd`).
    #[serde(rename = "error_cd", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The entry's message (`error_msg`).
    #[serde(rename = "error_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The document itself, for sections without suppliers (`inum`, `nt_num`, `boe_num`, ...).
    #[serde(flatten)]
    pub document: BTreeMap<String, Value>,
}

/// One failed document: its number and date as sent, and GSTN's code and message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocumentError {
    /// The invoice number (`inum`).
    #[serde(rename = "inum", default, skip_serializing_if = "Option::is_none")]
    pub invoice_number: Option<String>,
    /// The note number (`nt_num`).
    #[serde(rename = "nt_num", default, skip_serializing_if = "Option::is_none")]
    pub note_number: Option<String>,
    /// The code (`error_cd`), e.g. `RET191114`.
    #[serde(rename = "error_cd", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The message (`error_msg`).
    #[serde(rename = "error_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Any other field echoed back (`idt`, `val`, ...).
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

/// The answer to a GET whose data is too large: `{"token": .., "est": <minutes>}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LargeFileToken {
    /// The token to ask FILEDET about (`token`).
    #[serde(rename = "token")]
    pub token: String,
    /// Minutes to wait before asking (`est`).
    #[serde(rename = "est", with = "count")]
    pub est_minutes: u64,
}

/// FILEDET's answer: `{"fc": <count>, "ek": "<b64 key>", "urls": [{ul, ic, hash}]}`. `Debug`
/// hides `ek`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDetails {
    /// The number of files (`fc`).
    #[serde(rename = "fc", with = "count")]
    pub file_count: u64,
    /// The files' AES key, Base64 (`ek`); read it with [`crate::FileKey::from_base64`].
    #[serde(rename = "ek")]
    pub ek: String,
    /// The files (`urls`).
    #[serde(rename = "urls")]
    pub urls: Vec<FileUrl>,
}

impl fmt::Debug for FileDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileDetails")
            .field("file_count", &self.file_count)
            .field("ek", &"***")
            .field("urls", &self.urls)
            .finish()
    }
}

/// One file of a large download.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileUrl {
    /// Where to GET the `.tar.gz` (`ul`).
    #[serde(rename = "ul")]
    pub url: String,
    /// Documents in the file (`ic`).
    #[serde(rename = "ic", with = "count")]
    pub invoice_count: u64,
    /// SHA-256 of the `.tar.gz` in lower-case hex (`hash`).
    #[serde(rename = "hash")]
    pub hash: String,
}

/// The query of a returns GET: `action`, `gstin`, `ret_period` and the extras some actions take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnsQuery {
    /// The action (`action`).
    #[serde(rename = "action")]
    pub action: Action,
    /// The taxpayer (`gstin`).
    #[serde(rename = "gstin")]
    pub gstin: Gstin,
    /// The period (`ret_period`).
    #[serde(rename = "ret_period")]
    pub return_period: ReturnPeriod,
    /// RETSTATUS: the save's reference id (`ref_id`).
    #[serde(rename = "ref_id", default, skip_serializing_if = "Option::is_none")]
    pub reference_id: Option<String>,
    /// FILEDET: the large-file token (`token`).
    #[serde(rename = "token", default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// B2B/CDN: one supplier only (`ctin`).
    #[serde(rename = "ctin", default, skip_serializing_if = "Option::is_none")]
    pub supplier_gstin: Option<Gstin>,
    /// B2B/B2BA/CDN: `Y` for documents that need an action, `N` for the others
    /// (`action_required`).
    #[serde(
        rename = "action_required",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub action_required: Option<String>,
}

impl ReturnsQuery {
    /// A query with only `action`, `gstin` and `ret_period`.
    pub fn new(action: Action, gstin: Gstin, return_period: ReturnPeriod) -> Self {
        Self {
            action,
            gstin,
            return_period,
            reference_id: None,
            token: None,
            supplier_gstin: None,
            action_required: None,
        }
    }
}

/// The query of EVCOTP (GET `/authenticate`): `gstin`, `pan`, `form_type`, `action=EVCOTP`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvcOtpQuery {
    /// Always `EVCOTP` (`action`).
    #[serde(rename = "action")]
    pub action: Action,
    /// The taxpayer (`gstin`).
    #[serde(rename = "gstin")]
    pub gstin: Gstin,
    /// The authorised signatory's PAN (`pan`).
    #[serde(rename = "pan")]
    pub pan: String,
    /// The form (`form_type`), `R2` for GSTR2.
    #[serde(rename = "form_type")]
    pub form_type: String,
}

impl EvcOtpQuery {
    /// EVCOTP for GSTR2 (`form_type` `R2`).
    pub fn gstr2(gstin: Gstin, pan: impl Into<String>) -> Self {
        Self {
            action: Action::EvcOtp,
            gstin,
            pan: pan.into(),
            form_type: "R2".to_owned(),
        }
    }
}
