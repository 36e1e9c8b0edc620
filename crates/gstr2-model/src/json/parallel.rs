//! A GSTR2A download read on several threads.
//!
//! A small scanner walks the top-level object: for each section array (`b2b`, `b2ba`, `cdn`,
//! `cdna`, `isd`, `impg`, `impgsez`) it finds the byte range of every element (one supplier, or
//! one bill of entry) by following strings, their escapes and the nesting of brackets. As it goes,
//! it hands runs of consecutive elements (an eighth of a thread's share of the input each) to the
//! other threads, which decode them with serde_json, each element through the same `Deserialize`
//! as the one-thread reading; once the scan is done the calling thread decodes runs too. The runs
//! are put back together in their order. `gstin`, `fp` and any field the model does not know are
//! decoded on the calling thread.
//!
//! The scanner only has to be right when the input is well formed: every element is still
//! decoded, and so checked, by serde_json, and the scanner checks the JSON between them (commas,
//! brackets, colons, whitespace). Whatever it is not sure of (a key with an escape, a key seen
//! twice, a section that is not an array, nesting deep enough to meet serde_json's recursion
//! limit, an element that does not decode) makes [`read`] give up, and the caller reads the input
//! on one thread instead, which gives the error, with its JSON path.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use serde::de::IgnoredAny;

use crate::gstr2a::Gstr2a;

/// Nesting the scanner accepts: serde_json stops at 128 levels for the whole document, and an
/// element alone is two levels shallower than in the document, so anything near the limit is left
/// to the one-thread reading.
const MAX_DEPTH: usize = 100;

/// The sections that are arrays of elements, each decoded on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    B2b = 0,
    B2ba,
    Cdn,
    Cdna,
    Isd,
    Impg,
    Impgsez,
}

impl Section {
    fn from_key(key: &[u8]) -> Option<Section> {
        Some(match key {
            b"b2b" => Section::B2b,
            b"b2ba" => Section::B2ba,
            b"cdn" => Section::Cdn,
            b"cdna" => Section::Cdna,
            b"isd" => Section::Isd,
            b"impg" => Section::Impg,
            b"impgsez" => Section::Impgsez,
            _ => return None,
        })
    }
}

/// One element of a section: which section, and where its bytes are.
type Element = (Section, Range<usize>);

/// What the scan of the top-level object found.
#[derive(Debug, Default)]
struct Layout {
    /// The value of `gstin`, if present.
    gstin: Option<Range<usize>>,
    /// The value of `fp`, if present.
    fp: Option<Range<usize>>,
    /// Values of keys the model does not know: decoded only to check them, as the one-thread
    /// reading does.
    unknown: Vec<Range<usize>>,
}

/// A cursor over the input. Every method returns `None` where the input is not what it expects.
struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skips JSON whitespace (space, tab, line feed, carriage return: nothing else).
    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string starting at the cursor; returns the range of its contents (without the quotes).
    fn string(&mut self) -> Option<Range<usize>> {
        self.eat(b'"')?;
        let start = self.at;
        self.at = string_end(self.bytes, start)?;
        Some(start..self.at - 1)
    }

    /// An object key without escapes, as UTF-8 without control characters; anything else is left
    /// to the one-thread reading.
    fn key(&mut self) -> Option<&'a [u8]> {
        let range = self.string()?;
        let key = self.bytes.get(range)?;
        let plain = key.iter().all(|&b| b >= 0x20 && b != b'\\');
        (plain && std::str::from_utf8(key).is_ok()).then_some(key)
    }

    /// Any value starting at the cursor; returns its range. Only its extent is found here: its
    /// contents are checked when serde_json decodes it.
    fn value(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        match self.peek()? {
            b'{' | b'[' => self.composite()?,
            b'"' => {
                self.string()?;
            }
            _ => {
                // A number, `true`, `false` or `null`: up to the next delimiter.
                while !matches!(
                    self.peek()?,
                    b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'
                ) {
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
            }
        }
        Some(start..self.at)
    }

    /// An object or array starting at the cursor, to its matching close.
    fn composite(&mut self) -> Option<()> {
        let bytes = self.bytes;
        let mut depth = 0usize;
        let mut at = self.at;
        loop {
            match *bytes.get(at)? {
                b'"' => at = string_end(bytes, at + 1)?,
                b'{' | b'[' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return None;
                    }
                    at += 1;
                }
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    at += 1;
                    if depth == 0 {
                        self.at = at;
                        return Some(());
                    }
                }
                _ => at += 1,
            }
        }
    }

    /// A section's array: the range of each element, handed to `sink` as it is found (`false`
    /// from the sink stops the scan).
    fn section(&mut self, section: Section, sink: &mut impl FnMut(Element) -> bool) -> Option<()> {
        self.eat(b'[')?;
        self.whitespace();
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            // Elements are objects (suppliers, bills of entry); anything else is left to the
            // one-thread reading, which says what is wrong.
            if !matches!(self.peek()?, b'{' | b'[') {
                return None;
            }
            let start = self.at;
            self.composite()?;
            if !sink((section, start..self.at)) {
                return None;
            }
            self.whitespace();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.whitespace();
                }
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// The index just past the closing quote of a string whose contents start at `at`.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at += memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?;
        if bytes.get(at) == Some(&b'"') {
            return Some(at + 1);
        }
        // A backslash: the next byte is escaped, whatever it is (serde_json checks which).
        at += 2;
    }
}

/// Walks the top-level object and finds where each part is; the section elements go to `sink`,
/// in the order of the input.
fn scan(bytes: &[u8], sink: &mut impl FnMut(Element) -> bool) -> Option<Layout> {
    let mut s = Scanner { bytes, at: 0 };
    let mut layout = Layout::default();
    let mut seen: Vec<&[u8]> = Vec::new();
    s.whitespace();
    s.eat(b'{')?;
    s.whitespace();
    if s.eat(b'}').is_none() {
        loop {
            let key = s.key()?;
            if seen.contains(&key) {
                return None;
            }
            seen.push(key);
            s.whitespace();
            s.eat(b':')?;
            s.whitespace();
            match (key, Section::from_key(key)) {
                (_, Some(section)) => s.section(section, sink)?,
                (b"gstin", None) => layout.gstin = Some(s.value()?),
                (b"fp", None) => layout.fp = Some(s.value()?),
                _ => layout.unknown.push(s.value()?),
            }
            s.whitespace();
            match s.peek()? {
                b',' => {
                    s.at += 1;
                    s.whitespace();
                }
                b'}' => {
                    s.at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    s.whitespace();
    (s.at == bytes.len()).then_some(layout)
}

/// Decodes a run of elements into the sections of a partial download; `None` if one does not
/// decode.
fn decode_run(bytes: &[u8], run: &[Element]) -> Option<Gstr2a> {
    fn one<T: serde::de::DeserializeOwned>(bytes: &[u8], range: &Range<usize>) -> Option<T> {
        serde_json::from_slice(bytes.get(range.clone())?).ok()
    }
    let mut part = Gstr2a::default();
    for (section, range) in run {
        match section {
            Section::B2b => part.b2b.push(one(bytes, range)?),
            Section::B2ba => part.b2ba.push(one(bytes, range)?),
            Section::Cdn => part.cdn.push(one(bytes, range)?),
            Section::Cdna => part.cdna.push(one(bytes, range)?),
            Section::Isd => part.isd.push(one(bytes, range)?),
            Section::Impg => part.impg.push(one(bytes, range)?),
            Section::Impgsez => part.impgsez.push(one(bytes, range)?),
        }
    }
    Some(part)
}

/// A run of consecutive elements and its place among the runs.
type Run = (usize, Vec<Element>);

/// What the scanner has handed over and no thread has taken yet.
#[derive(Default)]
struct Pending {
    runs: VecDeque<Run>,
    /// The scanner has sent its last run.
    closed: bool,
}

/// Runs of elements on their way from the scanner to the threads that decode them.
struct Queue {
    state: Mutex<Pending>,
    ready: Condvar,
    /// Set when anything fails: every thread stops as soon as it sees it.
    failed: AtomicBool,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A thread that panicked holding the lock left the queue consistent (push and pop
        // only): carry on with it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, run: Run) {
        self.lock().runs.push_back(run);
        self.ready.notify_one();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    /// The next run, waiting for the scanner if need be; `None` once there are no more or
    /// something failed.
    fn pop(&self) -> Option<Run> {
        let mut state = self.lock();
        loop {
            if self.failed.load(Ordering::Relaxed) {
                return None;
            }
            if let Some(run) = state.runs.pop_front() {
                return Some(run);
            }
            if state.closed {
                return None;
            }
            state = self
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Decodes runs until there are none left; the decoded runs with their numbers.
    fn work(&self, bytes: &[u8]) -> Vec<(usize, Gstr2a)> {
        let mut done = Vec::new();
        while let Some((n, run)) = self.pop() {
            match decode_run(bytes, &run) {
                Some(part) => done.push((n, part)),
                None => {
                    self.failed.store(true, Ordering::Relaxed);
                    self.ready.notify_all();
                }
            }
        }
        done
    }
}

/// Bytes of elements per run: small enough for the threads to share the work evenly (and to start
/// decoding while the scanner is still early in the input), large enough to cost nothing to hand
/// over.
fn run_bytes(input: usize, threads: usize) -> usize {
    (input / (threads * 8)).max(64 * 1024)
}

/// Reads a GSTR2A download on up to `threads` threads; `None` if anything is irregular, for the
/// caller to read it on one thread instead.
///
/// The calling thread scans and hands runs of elements to the other threads as it finds them,
/// then decodes runs itself until none are left.
pub(super) fn read(bytes: &[u8], threads: usize) -> Option<Gstr2a> {
    read_in_runs(bytes, threads, run_bytes(bytes.len(), threads.max(1)))
}

/// [`read`] with runs of at least `limit` bytes of elements.
fn read_in_runs(bytes: &[u8], threads: usize, limit: usize) -> Option<Gstr2a> {
    let queue = Queue {
        state: Mutex::new(Pending::default()),
        ready: Condvar::new(),
        failed: AtomicBool::new(false),
    };
    let mut counts = [0usize; 7];
    let (layout, mut parts) = std::thread::scope(|scope| {
        let queue = &queue;
        let workers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("gstr2a-json".into())
                    .spawn_scoped(scope, move || queue.work(bytes))
                    // A thread that cannot be started is one fewer: the caller decodes more.
                    .ok()
            })
            .collect();
        let mut run = Vec::new();
        let mut run_size = 0;
        let mut sent = 0;
        let layout = scan(bytes, &mut |element: Element| {
            counts[element.0 as usize] += 1;
            run_size += element.1.len();
            run.push(element);
            if run_size >= limit {
                queue.push((sent, std::mem::take(&mut run)));
                sent += 1;
                run_size = 0;
            }
            !queue.failed.load(Ordering::Relaxed)
        });
        if layout.is_some() && !run.is_empty() {
            queue.push((sent, run));
        }
        if layout.is_none() {
            queue.failed.store(true, Ordering::Relaxed);
        }
        queue.close();
        let mut parts = queue.work(bytes);
        for worker in workers {
            match worker.join() {
                Ok(done) => parts.extend(done),
                Err(_) => queue.failed.store(true, Ordering::Relaxed),
            }
        }
        (layout, parts)
    });
    if queue.failed.load(Ordering::Relaxed) {
        return None;
    }
    let layout = layout?;

    let mut out = Gstr2a {
        gstin: match &layout.gstin {
            Some(range) => serde_json::from_slice(bytes.get(range.clone())?).ok()?,
            None => None,
        },
        fp: match &layout.fp {
            Some(range) => serde_json::from_slice(bytes.get(range.clone())?).ok()?,
            None => None,
        },
        ..Gstr2a::default()
    };
    for range in &layout.unknown {
        serde_json::from_slice::<IgnoredAny>(bytes.get(range.clone())?).ok()?;
    }
    let [b2b, b2ba, cdn, cdna, isd, impg, impgsez] = counts;
    out.b2b.reserve_exact(b2b);
    out.b2ba.reserve_exact(b2ba);
    out.cdn.reserve_exact(cdn);
    out.cdna.reserve_exact(cdna);
    out.isd.reserve_exact(isd);
    out.impg.reserve_exact(impg);
    out.impgsez.reserve_exact(impgsez);
    parts.sort_unstable_by_key(|(n, _)| *n);
    for (_, part) in parts {
        out.merge(part);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Option<Vec<(Section, &str)>> {
        let mut elements = Vec::new();
        scan(text.as_bytes(), &mut |e| {
            elements.push(e);
            true
        })?;
        Some(elements.into_iter().map(|(s, r)| (s, &text[r])).collect())
    }

    #[test]
    fn finds_each_element() {
        let text = r#" { "gstin" : "x", "b2b" : [ {"a":"}\"{["} , {"b":[{}]} ] ,"cdn":[],"zz":{"b2b":[1]}, "impg":[{}]} "#;
        assert_eq!(
            ranges(text),
            Some(vec![
                (Section::B2b, r#"{"a":"}\"{["}"#),
                (Section::B2b, r#"{"b":[{}]}"#),
                (Section::Impg, "{}"),
            ])
        );
        let layout = scan(text.as_bytes(), &mut |_| true).unwrap();
        assert_eq!(&text[layout.gstin.unwrap()], r#""x""#);
        assert_eq!(&text[layout.unknown[0].clone()], r#"{"b2b":[1]}"#);
        assert_eq!(ranges("{}"), Some(vec![]));
    }

    #[test]
    fn gives_up_on_what_it_is_not_sure_of() {
        for text in [
            r#"{"b2b":[],"b2b":[]}"#,
            r#"{"b\u0032b":[]}"#,
            r#"{"b2b":null}"#,
            r#"{"b2b":[{},]}"#,
            r#"{"b2b":[{} {}]}"#,
            r#"{"b2b":[1]}"#,
            r#"{"b2b":[{}]"#,
            r#"{"b2b":[{}]} x"#,
            r#"{"b2b":[{"a":"}]}"#,
            r#"{"gstin" "x"}"#,
            r#"{"gstin":}"#,
            r#"[]"#,
            "",
        ] {
            assert!(scan(text.as_bytes(), &mut |_| true).is_none(), "{text}");
        }
        let deep = format!(
            "{{\"x\":{}{}}}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(scan(deep.as_bytes(), &mut |_| true).is_none());
        // A sink that says stop stops the scan.
        assert!(scan(br#"{"b2b":[{}]}"#, &mut |_| false).is_none());
    }

    #[test]
    fn the_sample_download_reads_in_parallel() {
        let bytes = include_bytes!("../../../../examples/data/gstr2a.json");
        let serial: Gstr2a = crate::json::from_slice(bytes).unwrap();
        let pretty = crate::json::to_string_pretty(&serial).unwrap();
        for threads in 1..5 {
            assert_eq!(read(bytes, threads), Some(serial.clone()), "{threads}");
            assert_eq!(
                read(pretty.as_bytes(), threads),
                Some(serial.clone()),
                "{threads}"
            );
        }
    }
}
