//! Acting on records: the body of a SAVE or RESET ([`ImsSaveRequest`]) and the answer of
//! REQSTS ([`ImsRequestStatus`]), with the records it refused.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_with::{serde_as, NoneAsEmptyString, PickFirst};

use crate::codes::{ImsRequestState, ImsRequestType, ImsSection};
use crate::Gstin;

use super::ImsRecords;

/// The body of an IMS `SAVE` or `RESETIMS` (`{"rtin", "reqtyp", "invdata"}`): the records to
/// act on, by section, each as [`ImsInvoice::to_save`] or [`ImsInvoice::to_reset`] (and the
/// same methods of the other records) make it.
///
/// [`ImsInvoice::to_save`]: super::ImsInvoice::to_save
/// [`ImsInvoice::to_reset`]: super::ImsInvoice::to_reset
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsSaveRequest {
    /// The recipient's GSTIN (`rtin`).
    #[serde(rename = "rtin")]
    pub recipient_gstin: Gstin,
    /// Save or reset (`reqtyp`).
    #[serde(rename = "reqtyp")]
    pub request_type: ImsRequestType,
    /// The records (`invdata`).
    #[serde(rename = "invdata")]
    pub records: ImsRecords,
}

impl ImsSaveRequest {
    /// A SAVE of `records`' actions.
    pub fn save(recipient_gstin: Gstin, records: ImsRecords) -> ImsSaveRequest {
        ImsSaveRequest {
            recipient_gstin,
            request_type: ImsRequestType::Save,
            records,
        }
    }

    /// A RESET of `records` to no action.
    pub fn reset(recipient_gstin: Gstin, records: ImsRecords) -> ImsSaveRequest {
        ImsSaveRequest {
            recipient_gstin,
            request_type: ImsRequestType::Reset,
            records,
        }
    }
}

/// The answer of `REQSTS`: how far GSTN is with a SAVE or RESET, and the records it refused.
///
/// ```
/// use gstr2_model::codes::{ImsRequestState, ImsSection};
/// use gstr2_model::ims::ImsRequestStatus;
///
/// let status: ImsRequestStatus = gstr2_model::json::from_str(r#"{"status_cd":"PE",
///   "transTypCd":"SAV","proc_cnt":"10","err_cnt":"1","err_cd":"","err_msg":"",
///   "error_report":{"cn":[{"stin":"32TAAOA2947A1Z7","error_cd":"IMSSAV0054",
///   "error_msg":"Error! Please enter value for the column itcRedReq.",
///   "inv":[{"rtnprd":"042023","nt_num":"C-7"}]}]}}"#)?;
/// assert_eq!(status.status, ImsRequestState::ProcessedWithErrors);
/// assert_eq!((status.processed_count, status.error_count), (Some(10), Some(1)));
/// let refused = &status.error_report[&ImsSection::CreditNotes][0];
/// assert_eq!(refused.error_code, "IMSSAV0054");
/// assert_eq!(refused.documents[0].number, "C-7");
/// assert!(refused.documents[0].note);
/// # Ok::<(), gstr2_model::json::JsonError>(())
/// ```
#[serde_as]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsRequestStatus {
    /// In progress, processed, processed with errors, or failed (`status_cd`).
    #[serde(rename = "status_cd")]
    pub status: ImsRequestState,
    /// What the request was, e.g. `SAV` (`transTypCd`).
    #[serde(
        rename = "transTypCd",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub transaction_type: Option<String>,
    /// Records processed (`proc_cnt`), a number or a string.
    #[serde_as(as = "PickFirst<(_, NoneAsEmptyString)>")]
    #[serde(rename = "proc_cnt", default, skip_serializing_if = "Option::is_none")]
    pub processed_count: Option<u64>,
    /// Records refused (`err_cnt`), a number or a string.
    #[serde_as(as = "PickFirst<(_, NoneAsEmptyString)>")]
    #[serde(rename = "err_cnt", default, skip_serializing_if = "Option::is_none")]
    pub error_count: Option<u64>,
    /// The request's error code (`err_cd`), for `ER`.
    #[serde(rename = "err_cd", default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The request's error message (`err_msg`), for `ER`.
    #[serde(rename = "err_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The refused records, by section (`error_report`; keys such as `b2b`, `cn`, `dn`).
    #[serde(
        rename = "error_report",
        default,
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub error_report: BTreeMap<ImsSection, Vec<ImsRecordError>>,
}

/// Records of one supplier that a SAVE or RESET refused, with GSTN's reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImsRecordError {
    /// Supplier's GSTIN (`stin`), as GSTN sent it.
    #[serde(rename = "stin", deserialize_with = "crate::gstin::as_sent")]
    pub supplier_gstin: Gstin,
    /// GSTN's error code (`error_cd`), e.g. `IMSSAV0010` (previous action stale, or the
    /// supplier edited the record).
    #[serde(rename = "error_cd", default)]
    pub error_code: String,
    /// GSTN's message (`error_msg`).
    #[serde(rename = "error_msg", default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The records (`inv`).
    #[serde(rename = "inv", default)]
    pub documents: Vec<ImsErrorDocument>,
}

/// One refused record: its number and the supplier's period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ErrorDocumentWire", into = "ErrorDocumentWire")]
pub struct ImsErrorDocument {
    /// The supplier's return period, as GSTN writes it (`rtnprd`).
    pub supplier_period: Option<String>,
    /// The invoice or note number (`inum` or `nt_num`).
    pub number: String,
    /// Whether GSTN named the number `nt_num` (a note) rather than `inum`; written back so.
    pub note: bool,
}

#[derive(Clone, Serialize, Deserialize)]
struct ErrorDocumentWire {
    #[serde(
        rename = "rtnprd",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    rtnprd: Option<String>,
    #[serde(
        rename = "inum",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    inum: Option<String>,
    #[serde(
        rename = "nt_num",
        default,
        deserialize_with = "crate::text::option_number_or_string",
        skip_serializing_if = "Option::is_none"
    )]
    nt_num: Option<String>,
}

impl TryFrom<ErrorDocumentWire> for ImsErrorDocument {
    type Error = &'static str;
    fn try_from(w: ErrorDocumentWire) -> Result<Self, Self::Error> {
        let (number, note) = match (w.inum, w.nt_num) {
            (Some(number), _) => (number, false),
            (None, Some(number)) => (number, true),
            (None, None) => return Err("missing field `inum` or `nt_num`"),
        };
        Ok(ImsErrorDocument {
            supplier_period: w.rtnprd,
            number,
            note,
        })
    }
}

impl From<ImsErrorDocument> for ErrorDocumentWire {
    fn from(d: ImsErrorDocument) -> Self {
        let (inum, nt_num) = if d.note {
            (None, Some(d.number))
        } else {
            (Some(d.number), None)
        };
        ErrorDocumentWire {
            rtnprd: d.supplier_period,
            inum,
            nt_num,
        }
    }
}
