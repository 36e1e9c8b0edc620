//! What the flows show and ask, shared by the GSTR-2 flow ([`crate::flow`]) and the IMS flow
//! ([`crate::ims_flow`]): lines of output ([`say_line`]), tables of fixed columns ([`Columns`]),
//! progress bars drawn from the client's events on standard error, the OTPs and the yes/no
//! questions read from one input ([`Otps`], [`Confirm`]), and the files written to the output
//! folder.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use gstn_client::ProgressEvent;
use gstn_proto::Otp;
use gstr2_model::json;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::error::FlowError;

/// Writes one line of what the user sees ([`say_line`] with `format!` arguments).
macro_rules! say {
    ($out:expr, $($arg:tt)*) => { $crate::present::say_line($out, format_args!($($arg)*)) };
}
pub(crate) use say;

/// Writes `line` and a newline to `out`.
pub fn say_line(out: &mut dyn Write, line: fmt::Arguments<'_>) -> Result<(), FlowError> {
    writeln!(out, "{line}").map_err(|source| FlowError::Io {
        what: "writing the output".into(),
        source,
    })
}

/// Writes `value` as pretty JSON (GSTN's wire form) to `path`, with a final newline.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), FlowError> {
    let text = json::to_string_pretty(value)
        .map_err(FlowError::encode(format!("encoding {}", path.display())))?;
    std::fs::write(path, text + "\n").map_err(|source| FlowError::Io {
        what: format!("writing {}", path.display()),
        source,
    })
}

/// Creates `dir` and its parents.
pub(crate) fn create_dir(dir: &Path) -> Result<(), FlowError> {
    std::fs::create_dir_all(dir).map_err(|source| FlowError::Io {
        what: format!("creating {}", dir.display()),
        source,
    })
}

/// "1 document", "2 documents".
pub(crate) fn docs(n: usize) -> String {
    count(n, "document", "documents")
}

/// "1 record", "2 records": `n` and the word for one or many.
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A time as the flows print it: `2026-12-01 10:30 UTC`.
pub(crate) fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// An amount to two places.
pub(crate) fn amount(v: rust_decimal::Decimal) -> String {
    v.round_dp(2).to_string()
}

/// The name of a reason serialized with its kind under `reason` (the engine's `Reason`, the
/// IMS policy's `ImsReason`): `matched`, `only_in_ims`, …
pub(crate) fn reason_name<T: serde::Serialize>(reason: &T) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.get("reason").and_then(|r| r.as_str().map(str::to_owned)))
        .unwrap_or_default()
}

/// One column of a [`Columns`] table.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The least width; longer cells are not cut.
    pub width: usize,
    /// Whether the cells are right-aligned (amounts, counts).
    pub right: bool,
    /// Spaces before the column (1 between columns; the first column's are the indent).
    pub gap: usize,
}

impl Column {
    /// A left-aligned column of `width`, one space after the previous one.
    pub const fn left(width: usize) -> Column {
        Column {
            width,
            right: false,
            gap: 1,
        }
    }

    /// A right-aligned column of `width`, one space after the previous one.
    pub const fn right(width: usize) -> Column {
        Column {
            width,
            right: true,
            gap: 1,
        }
    }

    /// The same column, `gap` spaces after the previous one.
    pub const fn after(self, gap: usize) -> Column {
        Column { gap, ..self }
    }
}

/// A table of fixed columns, written a line at a time: the flows' listings (GSTR2A documents,
/// reconciliation results, IMS counts and actions, ITC by head).
///
/// ```
/// use gstr2_demo::present::{Column, Columns};
/// let table = Columns::new(4, &[Column::left(6), Column::right(8)]);
/// assert_eq!(table.line(&["b2b", "12.50"]), "    b2b       12.50");
/// ```
#[derive(Clone, Debug)]
pub struct Columns {
    indent: usize,
    columns: Vec<Column>,
}

impl Columns {
    /// Columns after an indent of `indent` spaces.
    pub fn new(indent: usize, columns: &[Column]) -> Columns {
        Columns {
            indent,
            columns: columns.to_vec(),
        }
    }

    /// One line of `cells`, each in its column; cells beyond the columns are left out.
    pub fn line<S: AsRef<str>>(&self, cells: &[S]) -> String {
        let mut line = " ".repeat(self.indent);
        for (i, (cell, c)) in cells.iter().zip(&self.columns).enumerate() {
            if i > 0 {
                line.push_str(&" ".repeat(c.gap));
            }
            let cell = cell.as_ref();
            let pad = " ".repeat(c.width.saturating_sub(cell.chars().count()));
            if c.right {
                line.push_str(&pad);
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&pad);
            }
        }
        line
    }

    /// Writes one line of `cells` to `out`.
    pub fn say<S: AsRef<str>>(&self, out: &mut dyn Write, cells: &[S]) -> Result<(), FlowError> {
        say!(out, "{}", self.line(cells))
    }
}

/// Whether the steps that change what GSTN holds ask before they send: the GSTR-2 flow's
/// Step-5 save, Step-7 submit and Step-8 file; the IMS flow's Step-5 save of the actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// Show what the step will send and ask (`Save these to GSTN? [y/N]`,
    /// `Submit the return to GSTN? [y/N]`, `File the return with GSTN? [y/N]`;
    /// `Save these IMS actions to GSTN? [y/N]`). The answer is
    /// the next line of [`Otps::Lines`], the reader of the OTPs: `y` or `yes`, in any case, goes
    /// on; anything else, or the end of the input, stops the flow with
    /// [`FlowError::NotConfirmed`] before the step sends anything. The GSTR-2 flow's Step-8 asks
    /// before GSTN sends the EVC OTP. The default against a real endpoint.
    Ask,
    /// Go on without asking: the demo, and a real endpoint with `GSTR2_CONFIRM=yes` (the input
    /// then carries only the OTPs).
    Assume,
}

/// Where the OTPs come from. Its `Debug` shows neither the OTPs nor the reader.
pub enum Otps {
    /// Known in advance (the embedded sandbox "sends" a fixed OTP).
    Known {
        /// The login OTP.
        login: String,
        /// The EVC OTP.
        evc: String,
    },
    /// Read one line each from a reader (standard input), login first, then EVC; with
    /// [`Confirm::Ask`] the answers to the questions come from the same reader, in the order
    /// the steps ask (see each flow's documentation).
    Lines(Box<dyn BufRead + Send>),
}

impl fmt::Debug for Otps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Otps::Known { .. } => f
                .debug_struct("Known")
                .field("login", &"***")
                .field("evc", &"***")
                .finish(),
            Otps::Lines(_) => f.debug_tuple("Lines").finish_non_exhaustive(),
        }
    }
}

impl Otps {
    /// Reads the `which` OTP (`login`, `EVC`): the known one, or the next line.
    pub(crate) fn next(&mut self, which: &str, out: &mut dyn Write) -> Result<Otp, FlowError> {
        let text = match self {
            Otps::Known { login, evc } => {
                say!(
                    out,
                    "  The {which} OTP entered (the sandbox's own, from its configuration)"
                )?;
                if which == "login" {
                    login.clone()
                } else {
                    evc.clone()
                }
            }
            Otps::Lines(reader) => {
                say!(out, "  Enter the {which} OTP:")?;
                let mut line = String::new();
                let n = reader.read_line(&mut line).map_err(|e| FlowError::Io {
                    what: format!("reading the {which} OTP from standard input"),
                    source: e,
                })?;
                if n == 0 {
                    return Err(FlowError::Input(format!(
                        "standard input ended before the {which} OTP"
                    )));
                }
                line.trim().to_owned()
            }
        };
        Otp::new(text).map_err(|source| FlowError::Otp {
            which: which.to_owned(),
            source,
        })
    }

    /// Asks `question` and answers whether the next line says `y` or `yes` (in any case). The
    /// end of the input is a no. The answer is not echoed.
    pub(crate) fn confirm(
        &mut self,
        question: &str,
        out: &mut dyn Write,
    ) -> Result<bool, FlowError> {
        let Otps::Lines(reader) = self else {
            return Err(FlowError::Config(
                "the flow asks for confirmations, but no input lines were given to answer them"
                    .into(),
            ));
        };
        say!(out, "  {question} [y/N]")?;
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| FlowError::Io {
            what: "reading an answer from standard input".into(),
            source: e,
        })?;
        let answer = line.trim().to_ascii_lowercase();
        Ok(answer == "y" || answer == "yes")
    }
}

/// With [`Confirm::Ask`], shows `what` the step will do and asks `question`; a no stops the flow
/// with [`FlowError::NotConfirmed`] naming `step` and its `consequence`. With
/// [`Confirm::Assume`] it shows and asks nothing.
pub(crate) fn confirm_step(
    confirm: Confirm,
    otps: &mut Otps,
    out: &mut dyn Write,
    what: &[String],
    question: &str,
    step: &'static str,
    consequence: &'static str,
) -> Result<(), FlowError> {
    if confirm == Confirm::Assume {
        return Ok(());
    }
    for line in what {
        say!(out, "{line}")?;
    }
    if otps.confirm(question, out)? {
        Ok(())
    } else {
        Err(FlowError::NotConfirmed { step, consequence })
    }
}

/// The progress bar the client's callback draws on, and counts of its events.
#[derive(Clone, Default)]
pub(crate) struct Bars {
    /// Whether to draw on standard error (hidden bars still count the events).
    pub(crate) show: bool,
    current: Arc<Mutex<Option<ProgressBar>>>,
    /// The client's progress events, by kind.
    pub(crate) events: Arc<Mutex<BTreeMap<&'static str, usize>>>,
}

impl Bars {
    /// Bars drawn on standard error when `show`, else hidden.
    pub(crate) fn new(show: bool) -> Bars {
        Bars {
            show,
            ..Bars::default()
        }
    }

    /// Starts a bar of `len` steps named `what` (0: the client's events set the length).
    pub(crate) fn start(&self, len: u64, what: &str) -> ProgressBar {
        let bar = if self.show {
            ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        let style = ProgressStyle::with_template("  {prefix:<22} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(what.to_owned());
        if let Ok(mut slot) = self.current.lock() {
            *slot = Some(bar.clone());
        }
        bar
    }

    /// Clears the current bar.
    pub(crate) fn finish(&self) {
        if let Ok(mut slot) = self.current.lock() {
            if let Some(bar) = slot.take() {
                bar.finish_and_clear();
            }
        }
    }

    /// Draws one of the client's progress events.
    pub(crate) fn on_client(&self, event: ProgressEvent) {
        let kind = match &event {
            ProgressEvent::ChunkSaved { .. } => "chunk_saved",
            ProgressEvent::ChunkProcessed { .. } => "chunk_processed",
            ProgressEvent::Gstr2aWaiting { .. } => "gstr2a_waiting",
            ProgressEvent::Gstr2aFileDownloaded { .. } => "gstr2a_file_downloaded",
            ProgressEvent::Gstr2aSectionDone { .. } => "gstr2a_section_done",
            ProgressEvent::SectionFetched { .. } => "section_fetched",
            ProgressEvent::Gstr2bQueued { .. } => "gstr2b_queued",
            ProgressEvent::Gstr2bPartDownloaded { .. } => "gstr2b_part_downloaded",
            ProgressEvent::ImsSectionFetched { .. } => "ims_section_fetched",
            ProgressEvent::ImsRequestProcessed { .. } => "ims_request_processed",
            _ => "other",
        };
        if let Ok(mut events) = self.events.lock() {
            *events.entry(kind).or_default() += 1;
        }
        let Ok(slot) = self.current.lock() else {
            return;
        };
        let Some(bar) = slot.as_ref() else { return };
        match event {
            ProgressEvent::ChunkSaved {
                done,
                total,
                documents,
            } => {
                bar.set_length(total as u64);
                bar.set_message(format!(
                    "chunk {done} saved ({documents} documents), waiting for RETSTATUS"
                ));
            }
            ProgressEvent::ChunkProcessed { done, total } => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.set_message(format!("chunk {done} processed"));
            }
            ProgressEvent::Gstr2aWaiting { section } => {
                bar.set_message(format!("{section}: large file being prepared"));
            }
            ProgressEvent::Gstr2aFileDownloaded {
                section,
                done,
                total,
            } => {
                bar.set_message(format!("{section}: file {done}/{total}"));
            }
            ProgressEvent::Gstr2aSectionDone { section, documents } => {
                bar.inc(1);
                bar.set_message(format!("{section}: {documents} documents"));
            }
            ProgressEvent::SectionFetched { table } => {
                bar.inc(1);
                bar.set_message(table.code().to_owned());
            }
            ProgressEvent::Gstr2bQueued { period } => {
                bar.set_message(format!(
                    "GSTR-2B of {period} queued at GSTN (RTN_24), waiting"
                ));
            }
            ProgressEvent::Gstr2bPartDownloaded { done, total } => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.set_message(format!("part {done}/{total}"));
            }
            ProgressEvent::ImsSectionFetched { section, records } => {
                bar.inc(1);
                bar.set_message(format!("{section}: {records} records"));
            }
            ProgressEvent::ImsRequestProcessed { done, total } => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.set_message(format!("request {done} processed (REQSTS)"));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_otps() {
        let known = Otps::Known {
            login: "575757".into(),
            evc: "131313".into(),
        };
        let shown = format!("{known:?}");
        assert_eq!(shown, r#"Known { login: "***", evc: "***" }"#);
        let lines = Otps::Lines(Box::new(std::io::Cursor::new("575757\n")));
        assert_eq!(format!("{lines:?}"), "Lines(..)");
    }
}
