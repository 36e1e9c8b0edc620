//! Progress of long operations, reported to a callback the application gives the builder.
//!
//! The library never prints; an application that wants a progress bar turns these events into
//! one.

use std::fmt;
use std::sync::Arc;

use gstr2_model::codes::ImsSection;
use gstr2_model::{ReturnPeriod, Table};

/// One step of a long operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// A chunk of a `RETSAVE` was accepted by GSTN (it answered a reference id).
    ChunkSaved {
        /// Chunks accepted so far (1-based).
        done: usize,
        /// Chunks in all.
        total: usize,
        /// Documents in this chunk.
        documents: usize,
    },
    /// A chunk's `RETSTATUS` reached a final status (`P`, `PE` or `ER`).
    ChunkProcessed {
        /// Chunks whose status is final so far (1-based).
        done: usize,
        /// Chunks in all.
        total: usize,
    },
    /// GSTR2A: a section answered a large-file token; its files are being prepared.
    Gstr2aWaiting {
        /// The section (`B2B`, `B2BA`, `CDN`, `CDNA`).
        section: &'static str,
    },
    /// GSTR2A: one large-file part was downloaded, checked and decrypted.
    Gstr2aFileDownloaded {
        /// The section.
        section: &'static str,
        /// Files done so far in this section (1-based).
        done: usize,
        /// Files in this section.
        total: usize,
    },
    /// GSTR2A: a section is complete.
    Gstr2aSectionDone {
        /// The section.
        section: &'static str,
        /// Documents the section holds.
        documents: usize,
    },
    /// A section of the saved GSTR2 was fetched.
    SectionFetched {
        /// The table.
        table: Table,
    },
    /// GSTR-2B: GSTN is still preparing it (`RTN_24`); the client waits and asks again.
    Gstr2bQueued {
        /// The period.
        period: ReturnPeriod,
    },
    /// GSTR-2B: one part of a paged 2B was downloaded.
    Gstr2bPartDownloaded {
        /// Parts done so far (1-based).
        done: usize,
        /// Parts in all (`fc`).
        total: usize,
    },
    /// IMS: the records of a section were fetched (GETINV).
    ImsSectionFetched {
        /// The section.
        section: ImsSection,
        /// Records fetched.
        records: usize,
    },
    /// IMS: a SAVE or RESETIMS reached a final status in REQSTS.
    ImsRequestProcessed {
        /// Requests whose status is final so far (1-based).
        done: usize,
        /// Requests in all.
        total: usize,
    },
}

/// The callback that receives [`ProgressEvent`]s. It must be quick: it runs on the request path.
#[derive(Clone)]
pub struct ProgressFn(pub(crate) Arc<dyn Fn(ProgressEvent) + Send + Sync>);

impl ProgressFn {
    /// Wraps a closure.
    pub fn new(f: impl Fn(ProgressEvent) + Send + Sync + 'static) -> Self {
        ProgressFn(Arc::new(f))
    }

    pub(crate) fn emit(&self, event: ProgressEvent) {
        (self.0)(event);
    }
}

impl fmt::Debug for ProgressFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressFn(..)")
    }
}
