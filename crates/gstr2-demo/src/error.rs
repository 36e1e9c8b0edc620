//! Why a flow stopped: one error for the GSTR-2 flow ([`crate::flow`]) and the IMS flow
//! ([`crate::ims_flow`]), each variant saying how far the flow got.

use std::fmt;
use std::path::PathBuf;

use gstn_client::{DocumentFailure, ImsRecordFailure};
use gstr2_recon::ims::ItcDifference;
use gstr2_recon::SummaryDifference;

/// Why the flow stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum FlowError {
    /// A missing or malformed setting.
    Config(String),
    /// Bad input from the user (an OTP).
    Input(String),
    /// A file could not be read or written.
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The purchase register could not be read.
    Register(String),
    /// GSTN (or the client) failed at a step.
    Gstn {
        /// The workflow's step (`docs/workflow.md`), as the flow names it.
        step: &'static str,
        /// The cause.
        source: Box<gstn_client::Error>,
    },
    /// Payloads could not be built from the reconciliation.
    Payload(String),
    /// Amounts of the register, GSTR2A or the payloads add up beyond what a decimal holds (the
    /// reconciliation, the local summary): the message names the document.
    Amounts(String),
    /// GSTN did not store every document saved.
    SaveFailures(Vec<DocumentFailure>),
    /// The downloaded summary differs from the local one (Step-6).
    SummaryDiffers(Vec<SummaryDifference>),
    /// The decisions file (`GSTR2_DECISIONS`) is not the JSON of
    /// [`Decisions`](gstr2_recon::Decisions).
    Decisions {
        /// The file.
        path: PathBuf,
        /// Where in it (the JSON path) and what is wrong.
        message: String,
    },
    /// GSTN refused some IMS actions of a SAVE or RESET (IMS flow, Step-5): each record with
    /// GSTN's code and message and what to do.
    ImsRefused(Vec<ImsRecordFailure>),
    /// The downloaded GSTR-2B's ITC is not the expected one (IMS flow, Step-6), head by head.
    ItcDiffers(Vec<ItcDifference>),
    /// The user did not confirm a step ([`Confirm::Ask`](crate::present::Confirm::Ask)); the
    /// step sent nothing.
    NotConfirmed {
        /// The workflow's step (`docs/workflow.md`), as the flow names it.
        step: &'static str,
        /// Where that leaves the return.
        consequence: &'static str,
    },
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowError::Config(m) => write!(f, "configuration: {m}"),
            FlowError::Input(m) => write!(f, "input: {m}"),
            FlowError::Io { what, source } => write!(f, "{what}: {source}"),
            FlowError::Register(m) => write!(f, "purchase register: {m}"),
            FlowError::Gstn { step, source } => write!(f, "{step}: {source}"),
            FlowError::Payload(m) => write!(f, "payload: {m}"),
            FlowError::Amounts(m) => write!(f, "amounts: {m}"),
            FlowError::SaveFailures(failures) => {
                write!(f, "gstn did not store {} document(s):", failures.len())?;
                for x in failures {
                    // A note is named by its own number, with the invoice it adjusts.
                    let adjusts = x
                        .adjusted_invoice
                        .as_deref()
                        .map(|inv| format!(" (adjusts {inv})"))
                        .unwrap_or_default();
                    write!(
                        f,
                        "\n  chunk {} ({}): {} {} {}{adjusts}: {} {}",
                        x.chunk + 1,
                        x.reference_id,
                        x.section,
                        x.supplier_gstin.as_deref().unwrap_or("-"),
                        x.document.as_deref().unwrap_or("-"),
                        x.code.as_deref().unwrap_or("-"),
                        x.message.as_deref().unwrap_or("")
                    )?;
                }
                Ok(())
            }
            FlowError::SummaryDiffers(diffs) => {
                write!(
                    f,
                    "the summary downloaded from gstn differs from the local one on {} field(s); \
                     do not submit:",
                    diffs.len()
                )?;
                for d in diffs {
                    write!(f, "\n  {}", describe_difference(d))?;
                }
                Ok(())
            }
            FlowError::ImsRefused(failures) => {
                write!(f, "gstn refused {} ims action(s):", failures.len())?;
                for x in failures {
                    write!(f, "\n  {x}")?;
                }
                Ok(())
            }
            FlowError::ItcDiffers(diffs) => {
                write!(
                    f,
                    "the itc of the downloaded gstr-2b differs from the expected itc on {} head(s); \
                     do not take it into gstr-3b before finding out why:",
                    diffs.len()
                )?;
                for d in diffs {
                    write!(f, "\n  {}", describe_itc_difference(d))?;
                }
                Ok(())
            }
            FlowError::Decisions { path, message } => {
                write!(f, "decisions file {}: {message}", path.display())
            }
            FlowError::NotConfirmed { step, consequence } => {
                write!(f, "{step}: not confirmed; {consequence}")
            }
        }
    }
}

impl std::error::Error for FlowError {}

/// One summary difference in words: section, supplier, field, both values.
pub fn describe_difference(d: &SummaryDifference) -> String {
    let value =
        |v: Option<rust_decimal::Decimal>| v.map_or_else(|| "absent".to_owned(), |v| v.to_string());
    format!(
        "{}{} {}: local {}, gstn {}",
        d.section,
        d.ctin.map(|c| format!(" supplier {c}")).unwrap_or_default(),
        d.field,
        value(d.local),
        value(d.downloaded)
    )
}

/// One ITC difference in words: part, section, head, both amounts.
pub fn describe_itc_difference(d: &ItcDifference) -> String {
    let part = match d.part.as_str() {
        "itcavl" => "ITC available",
        "itcRejected" => "ITC rejected",
        other => other,
    };
    format!(
        "{part} ({}) {} {}: expected {}, in GSTR-2B {}",
        d.part, d.section, d.head, d.expected, d.in_gstr2b
    )
}

/// The [`FlowError`] of a failed call to GSTN at `step`.
pub(crate) fn gstn(step: &'static str) -> impl FnOnce(gstn_client::Error) -> FlowError {
    move |source| FlowError::Gstn {
        step,
        source: Box::new(source),
    }
}
