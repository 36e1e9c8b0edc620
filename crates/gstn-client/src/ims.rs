//! IMS, the Invoice Management System (`returns/ims`): counts (GETCNT), records by section
//! (GETINV, through FILEDET when GSTN answers a token), and acting on them (SAVE, RESETIMS,
//! polled through REQSTS), with the per-record errors mapped back to the records sent.
//!
//! **One request at a time.** GSTN processes one SAVE or RESET of a taxpayer at a time and
//! refuses another meanwhile (`IMSSAV0015`). The client never sends a second one beside the
//! first: every SAVE and RESET of a GSTIN at a base URL, from any clone of any client in the
//! process, holds one lock from sending until REQSTS is final. Should GSTN still answer
//! `IMSSAV0015` (another program acting for the taxpayer, or a request whose answer was lost
//! still running), the client waits as the poll policy says and sends it again.
//!
//! **A repeated SAVE.** A SAVE whose answer is lost (a dropped connection, a timeout, a 5xx)
//! is sent again with the same `txn` and body. If GSTN took the first, the second finds the
//! records' `prev_status` stale: their action is already the one asked for, which GSTN
//! reports as `IMSSAV0010` like any stale record. So the client reads the sections of every
//! `IMSSAV0010` record again (GETINV) after the request is final, and a record whose action
//! GSTN now holds is the one the request asked for (No action, for a RESET) counts as applied
//! ([`ImsSaveReport::already_applied`]), not as a failure. Whether GSTN also recognises the
//! repeated `txn` is unconfirmed; the client does not rely on it.

// The code: the reads (GETCNT, GETINV with FILEDET) in `read`; SAVE and RESETIMS, REQSTS, the
// per-GSTIN lock and the refusals mapped back to the records in `save`.

use gstn_proto::ErrorCode;
use gstr2_model::codes::{ImsRequestType, ImsSection};
use gstr2_model::ims::ImsRequestStatus;
use gstr2_model::Gstin;

#[cfg(doc)]
use crate::client::GstnClient;

mod read;
mod save;

/// The IMS sections [`GstnClient::download_ims`] fetches, in this order: invoices, amended
/// invoices, credit notes, amended credit notes, debit notes, amended debit notes.
pub const IMS_SECTIONS: [ImsSection; 6] = [
    ImsSection::B2b,
    ImsSection::B2ba,
    ImsSection::CreditNotes,
    ImsSection::CreditNoteAmendments,
    ImsSection::DebitNotes,
    ImsSection::DebitNoteAmendments,
];

/// The GETINV `section` code of an IMS section: `B2B`, `B2BA`, `CN`, `CNA`, `DN`, `DNA`, and
/// `ECOM`, `ECOMA` (these two inferred: unconfirmed); `None` for a section IMS does not
/// list.
///
/// ```
/// use gstr2_model::codes::ImsSection;
/// assert_eq!(gstn_client::ims_section_code(&ImsSection::CreditNotes), Some("CN"));
/// ```
pub fn ims_section_code(section: &ImsSection) -> Option<&'static str> {
    Some(match section {
        ImsSection::B2b => "B2B",
        ImsSection::B2ba => "B2BA",
        ImsSection::CreditNotes => "CN",
        ImsSection::CreditNoteAmendments => "CNA",
        ImsSection::DebitNotes => "DN",
        ImsSection::DebitNoteAmendments => "DNA",
        ImsSection::Ecom => "ECOM",
        ImsSection::Ecoma => "ECOMA",
        _ => return None,
    })
}

/// A record of a SAVE or RESET body: its section and position there, and who and what it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ImsRecordRef {
    /// The section (`b2b`, `b2bcn`, …).
    pub section: ImsSection,
    /// The 0-based position in that section of the body given to [`GstnClient::save_ims`].
    pub index: usize,
    /// The supplier (`stin`).
    pub supplier_gstin: Gstin,
    /// The invoice or note number.
    pub number: String,
}

/// What kind of refusal an IMS record got, and so what to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImsFailureKind {
    /// `IMSSAV0010`: the `prev_status` sent is not the action GSTN holds, or the supplier
    /// edited the record.
    Stale,
    /// `IMSSAV0054`: a credit note's action needs `itcRedReq`.
    ItcReductionMissing,
    /// The record may not be kept pending (`ispendactblocked` is `Y`).
    PendingBlocked,
    /// The whole request failed (REQSTS `ER`).
    RequestFailed,
    /// Any other code.
    Other,
}

impl ImsFailureKind {
    fn of(code: &ErrorCode) -> ImsFailureKind {
        match code {
            ErrorCode::Imssav0010 => ImsFailureKind::Stale,
            ErrorCode::Imssav0054 => ImsFailureKind::ItcReductionMissing,
            ErrorCode::Imssav0011 => ImsFailureKind::PendingBlocked,
            _ => ImsFailureKind::Other,
        }
    }

    /// What the user should do about it.
    pub fn what_to_do(&self) -> &'static str {
        match self {
            ImsFailureKind::Stale => {
                "download IMS again (GETINV): GSTN holds another action than prev_status, or the supplier edited the record; decide on the record as it is now"
            }
            ImsFailureKind::ItcReductionMissing => {
                "give itcRedReq (Y, or N with the declared amounts) on this credit note and save again"
            }
            ImsFailureKind::PendingBlocked => "this record cannot be kept pending: accept or reject it",
            ImsFailureKind::RequestFailed => "GSTN could not process the request: save it again later",
            ImsFailureKind::Other => "see GSTN's message",
        }
    }
}

/// A record GSTN refused, with GSTN's code and message and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImsRecordFailure {
    /// The record of the body GSTN names; `None` where GSTN names a record that is not in the
    /// body (then `supplier_gstin` and `number` are GSTN's).
    pub record: Option<ImsRecordRef>,
    /// The section GSTN's report lists it under.
    pub section: ImsSection,
    /// The supplier, as GSTN names it.
    pub supplier_gstin: Gstin,
    /// The number, as GSTN names it.
    pub number: String,
    /// GSTN's `error_cd`.
    pub code: ErrorCode,
    /// GSTN's `error_msg`.
    pub message: String,
    /// What kind of refusal, and so what to do ([`ImsFailureKind::what_to_do`]).
    pub kind: ImsFailureKind,
}

impl std::fmt::Display for ImsRecordFailure {
    /// `b2bcn[3] 33GSPTN4811G1ZC C-7: IMSSAV0054 Error! …: give itcRedReq …`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.record {
            Some(r) => write!(f, "{}[{}] ", r.section, r.index)?,
            None => write!(f, "{} (not in the request) ", self.section)?,
        }
        write!(
            f,
            "{} {}: {} {}: {}",
            self.supplier_gstin,
            self.number,
            self.code,
            self.message,
            self.kind.what_to_do()
        )
    }
}

/// One SAVE or RESETIMS call and its final REQSTS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImsRequestReport {
    /// GSTN's `reference_id` (`int_tran_id` of REQSTS).
    pub reference_id: String,
    /// Records in the request.
    pub records: usize,
    /// The final REQSTS answer (`P`, `PE` or `ER`).
    pub status: ImsRequestStatus,
}

/// What [`GstnClient::save_ims`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImsSaveReport {
    /// Save or reset.
    pub request_type: Option<ImsRequestType>,
    /// The calls, in order (more than one where the body is larger than the chunk limit).
    pub requests: Vec<ImsRequestReport>,
    /// Records in the body.
    pub records: usize,
    /// Records GSTN refused, in the order of its reports.
    pub failures: Vec<ImsRecordFailure>,
    /// Records GSTN reported stale (`IMSSAV0010`) whose action, read again, is already the one
    /// asked for: applied by an earlier copy of the same request (or by someone else).
    pub already_applied: Vec<ImsRecordRef>,
}

impl ImsSaveReport {
    /// Whether every record of the body has the asked-for action at GSTN.
    pub fn is_clean(&self) -> bool {
        self.failures.is_empty()
    }

    /// The records of the body that now have the asked-for action: all but the refused ones.
    pub fn applied(&self) -> usize {
        let refused = self
            .failures
            .iter()
            .filter_map(|f| f.record.as_ref())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        self.records.saturating_sub(refused)
    }
}
