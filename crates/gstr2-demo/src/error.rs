//! Why a flow stopped: one error for the GSTR-2 flow ([`crate::flow`]) and the IMS flow
//! ([`crate::ims_flow`]), each variant saying how far the flow got.

use std::path::PathBuf;

use gstn_client::{DocumentFailure, ImsRecordFailure};
use gstr2_model::csv::CsvErrors;
use gstr2_recon::ims::ItcDifference;
use gstr2_recon::{PayloadError, SummaryDifference};

/// A cause of any type, kept as the [`source`](std::error::Error::source) of a [`FlowError`].
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why the flow stopped.
///
/// A variant caused by another error says what the flow was doing and keeps the cause as its
/// [`source`](std::error::Error::source) (the workspace's rule, [`ErrorChain`](gstr2_model::ErrorChain)): print it with
/// `ErrorChain(&error)` (or anyhow's `{:#}`) to see the whole story.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlowError {
    /// A missing or malformed setting.
    #[error("configuration: {0}")]
    Config(String),
    /// A setting, or the demo's own data, could not be used: what, and the cause.
    #[error("configuration: {what}")]
    Setting {
        /// What was being set up (`starting the sandbox`, `GSTN_GSTIN`).
        what: String,
        /// The cause.
        #[source]
        source: Cause,
    },
    /// Bad or missing input from the user.
    #[error("input: {0}")]
    Input(String),
    /// An OTP as typed is not an OTP.
    #[error("input: the {which} OTP")]
    Otp {
        /// Which OTP (`login`, `EVC`).
        which: String,
        /// Why it is not one (never the OTP itself).
        #[source]
        source: gstn_proto::SecretError,
    },
    /// A file could not be read or written.
    #[error("{what}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// Something could not be written as JSON.
    #[error("{what}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// The cause.
        #[source]
        source: Cause,
    },
    /// The purchase register could not be read.
    #[error("purchase register {}", dir.display())]
    Register {
        /// The register's folder.
        dir: PathBuf,
        /// Every error found in it, each with its file, line and column.
        #[source]
        source: CsvErrors,
    },
    /// GSTN (or the client) failed at a step.
    #[error("{step}")]
    Gstn {
        /// The workflow's step (`docs/workflow.md`), as the flow names it.
        step: &'static str,
        /// The cause.
        #[source]
        source: Box<gstn_client::Error>,
    },
    /// Payloads could not be built from the reconciliation.
    #[error("payload")]
    Payload(#[source] PayloadError),
    /// Amounts of the register, GSTR2A or the payloads add up beyond what a decimal holds (the
    /// reconciliation, the local summary): the cause names the document.
    #[error("amounts")]
    Amounts(#[source] Cause),
    /// GSTN did not store every document saved.
    #[error("{}", save_failures(.0))]
    SaveFailures(Vec<DocumentFailure>),
    /// The downloaded summary differs from the local one (Step-6).
    #[error("{}", summary_differences(.0))]
    SummaryDiffers(Vec<SummaryDifference>),
    /// The decisions file (`GSTR2_DECISIONS`) is not the JSON of
    /// [`Decisions`](gstr2_recon::Decisions).
    #[error("decisions file {}", path.display())]
    Decisions {
        /// The file.
        path: PathBuf,
        /// Where in it (the JSON path) and what is wrong.
        #[source]
        source: Cause,
    },
    /// GSTN refused some IMS actions of a SAVE or RESET (IMS flow, Step-5): each record with
    /// GSTN's code and message and what to do.
    #[error("{}", ims_refusals(.0))]
    ImsRefused(Vec<ImsRecordFailure>),
    /// The downloaded GSTR-2B's ITC is not the expected one (IMS flow, Step-6), head by head.
    #[error("{}", itc_differences(.0))]
    ItcDiffers(Vec<ItcDifference>),
    /// The user did not confirm a step ([`Confirm::Ask`](crate::present::Confirm::Ask)); the
    /// step sent nothing.
    #[error("{step}: not confirmed; {consequence}")]
    NotConfirmed {
        /// The workflow's step (`docs/workflow.md`), as the flow names it.
        step: &'static str,
        /// Where that leaves the return.
        consequence: &'static str,
    },
}

fn save_failures(failures: &[DocumentFailure]) -> String {
    let mut text = format!("gstn did not store {} document(s):", failures.len());
    for x in failures {
        // A note is named by its own number, with the invoice it adjusts.
        let adjusts = x
            .adjusted_invoice
            .as_deref()
            .map(|inv| format!(" (adjusts {inv})"))
            .unwrap_or_default();
        text += &format!(
            "\n  chunk {} ({}): {} {} {}{adjusts}: {} {}",
            x.chunk + 1,
            x.reference_id,
            x.section,
            x.supplier_gstin.as_deref().unwrap_or("-"),
            x.document.as_deref().unwrap_or("-"),
            x.code.as_deref().unwrap_or("-"),
            x.message.as_deref().unwrap_or("")
        );
    }
    text
}

fn summary_differences(diffs: &[SummaryDifference]) -> String {
    let mut text = format!(
        "the summary downloaded from gstn differs from the local one on {} field(s); \
         do not submit:",
        diffs.len()
    );
    for d in diffs {
        text += &format!("\n  {}", describe_difference(d));
    }
    text
}

fn ims_refusals(failures: &[ImsRecordFailure]) -> String {
    let mut text = format!("gstn refused {} ims action(s):", failures.len());
    for x in failures {
        text += &format!("\n  {x}");
    }
    text
}

fn itc_differences(diffs: &[ItcDifference]) -> String {
    let mut text = format!(
        "the itc of the downloaded gstr-2b differs from the expected itc on {} head(s); \
         do not take it into gstr-3b before finding out why:",
        diffs.len()
    );
    for d in diffs {
        text += &format!("\n  {}", describe_itc_difference(d));
    }
    text
}

impl FlowError {
    /// A setting or the demo's data that could not be used: `what`, and the cause.
    pub(crate) fn setting<E: std::error::Error + Send + Sync + 'static>(
        what: impl Into<String>,
    ) -> impl FnOnce(E) -> FlowError {
        let what = what.into();
        move |source| FlowError::Setting {
            what,
            source: Box::new(source),
        }
    }

    /// Something that could not be written as JSON: `what`, and the cause.
    pub(crate) fn encode<E: std::error::Error + Send + Sync + 'static>(
        what: impl Into<String>,
    ) -> impl FnOnce(E) -> FlowError {
        let what = what.into();
        move |source| FlowError::Encode {
            what,
            source: Box::new(source),
        }
    }

    /// Amounts that add up beyond a decimal, with the cause naming the document.
    pub(crate) fn amounts<E: std::error::Error + Send + Sync + 'static>(source: E) -> FlowError {
        FlowError::Amounts(Box::new(source))
    }
}

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
