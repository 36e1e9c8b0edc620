//! A GSTR2A download read on several threads.
//!
//! A small scanner walks the top-level object: for each section array (`b2b`, `b2ba`, `cdn`,
//! `cdna`, `isd`, `impg`, `impgsez`) it finds the byte range of every element (a supplier, or a
//! bill of entry), and within a supplier the range of every document (`inv`, `nt`), by following
//! strings, their escapes and the nesting of brackets. As it goes, it hands runs of consecutive
//! elements (an eighth of a thread's share of the input each) to the other threads, which decode
//! them with serde_json, each through the same `Deserialize` as the one-thread reading; once the
//! scan is done the calling thread decodes runs too. A supplier that spans runs is split: its
//! documents are decoded in the runs they fall in, its other fields from its bytes with an empty
//! document array in place of its documents. The runs are put back together in their order.
//! `gstin`, `fp` and any field the model does not know are decoded on the calling thread.
//!
//! The scanner only has to be right when the input is well formed: every element is still
//! decoded, and so checked, by serde_json, and the scanner checks the JSON between them (commas,
//! brackets, colons, whitespace). Whatever it is not sure of (a key with an escape, a key seen
//! twice, a section that is not an array, nesting deep enough to meet serde_json's recursion
//! limit, an element, a document or a split supplier's fields that do not decode, a document key
//! given twice) makes [`read`] give up, and the caller reads the input on one thread instead, which
//! gives the error, with its JSON path.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use serde::de::{DeserializeOwned, IgnoredAny};

use crate::gstr2a::{
    Gstr2a, Gstr2aAmendedInvoice, Gstr2aAmendedNote, Gstr2aB2bSupplier, Gstr2aB2baSupplier,
    Gstr2aCdnSupplier, Gstr2aCdnaSupplier, Gstr2aInvoice, Gstr2aNote,
};

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

impl Section {
    /// The key of a supplier's documents in the sections whose elements are suppliers.
    fn documents_key(self) -> Option<&'static [u8]> {
        match self {
            Section::B2b | Section::B2ba => Some(b"inv"),
            Section::Cdn | Section::Cdna => Some(b"nt"),
            Section::Isd | Section::Impg | Section::Impgsez => None,
        }
    }
}

/// A supplier whose documents the scanner reported one by one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Supplier {
    section: Section,
    /// The supplier object.
    whole: Range<usize>,
    /// Its documents' array, brackets included.
    documents: Range<usize>,
    /// How many documents the array holds.
    count: usize,
}

/// What the scanner reports, in the order of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Found {
    /// A whole element of a section.
    Element(Section, Range<usize>),
    /// One document of the supplier being scanned (an element of its `inv` or `nt`).
    Document(Section, Range<usize>),
    /// The end of a supplier whose documents were reported before it.
    Supplier(Supplier),
}

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

    /// After a member or element and its whitespace: `Some(false)` past a comma (and the
    /// whitespace after it), `Some(true)` past `close`, `None` on anything else.
    fn separator(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                self.whitespace();
                Some(false)
            }
            b if b == close => {
                self.at += 1;
                Some(true)
            }
            _ => None,
        }
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

    /// An array whose elements are objects or arrays: `element` scans each, starting at its
    /// first byte. Returns how many there were.
    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<usize> {
        self.eat(b'[')?;
        self.whitespace();
        if self.eat(b']').is_some() {
            return Some(0);
        }
        let mut count = 0;
        loop {
            // Elements are objects (suppliers, documents, bills of entry); anything else is left
            // to the one-thread reading, which says what is wrong.
            if !matches!(self.peek()?, b'{' | b'[') {
                return None;
            }
            element(self)?;
            count += 1;
            self.whitespace();
            if self.separator(b']')? {
                return Some(count);
            }
        }
    }

    /// A section's array: each element handed to `sink` as it is found (`false` from the sink
    /// stops the scan). The documents of a supplier are reported one by one, then the supplier.
    fn section(&mut self, section: Section, sink: &mut impl FnMut(Found) -> bool) -> Option<()> {
        self.array(|s| match section.documents_key() {
            Some(key) if s.peek() == Some(b'{') => s.supplier(section, key, sink),
            _ => {
                let start = s.at;
                s.composite()?;
                sink(Found::Element(section, start..s.at)).then_some(())
            }
        })?;
        Some(())
    }

    /// A supplier object: its documents (the array under `key`) reported one by one, then the
    /// supplier; a supplier without that key is reported whole, for serde_json to say what is
    /// missing.
    fn supplier(
        &mut self,
        section: Section,
        key: &[u8],
        sink: &mut impl FnMut(Found) -> bool,
    ) -> Option<()> {
        let start = self.at;
        self.eat(b'{')?;
        self.whitespace();
        let mut documents = None;
        let mut count = 0;
        if self.eat(b'}').is_none() {
            loop {
                let name = self.key()?;
                self.whitespace();
                self.eat(b':')?;
                self.whitespace();
                if name == key {
                    if documents.is_some() {
                        return None;
                    }
                    let from = self.at;
                    count = self.array(|s| {
                        let start = s.at;
                        s.composite()?;
                        sink(Found::Document(section, start..s.at)).then_some(())
                    })?;
                    documents = Some(from..self.at);
                } else {
                    self.value()?;
                }
                self.whitespace();
                if self.separator(b'}')? {
                    break;
                }
            }
        }
        let whole = start..self.at;
        let found = match documents {
            Some(documents) => Found::Supplier(Supplier {
                section,
                whole,
                documents,
                count,
            }),
            None => Found::Element(section, whole),
        };
        sink(found).then_some(())
    }
}

/// The index just past the closing quote of a string whose contents start at `at`.
fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        // Most strings are short (keys, codes, dates): a plain loop beats a vectorised search
        // that has to be set up first.
        match bytes.get(at..at + 16) {
            Some(head) => match head.iter().position(|&b| b == b'"' || b == b'\\') {
                Some(i) => at += i,
                None => {
                    at += 16;
                    continue;
                }
            },
            None => at += memchr::memchr2(b'"', b'\\', bytes.get(at..)?)?,
        }
        if bytes.get(at) == Some(&b'"') {
            return Some(at + 1);
        }
        // A backslash: the next byte is escaped, whatever it is (serde_json checks which).
        at += 2;
    }
}

/// Walks the top-level object and finds where each part is; the section elements go to `sink`,
/// in the order of the input.
fn scan(bytes: &[u8], sink: &mut impl FnMut(Found) -> bool) -> Option<Layout> {
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
            if s.separator(b'}')? {
                break;
            }
        }
    }
    s.whitespace();
    (s.at == bytes.len()).then_some(layout)
}

/// One piece of work: a whole element, or some documents of a supplier split across runs.
#[derive(Debug)]
enum Job {
    Whole(Section, Range<usize>),
    Documents {
        section: Section,
        /// Which split supplier (numbered in the order of the input).
        split: usize,
        ranges: Vec<Range<usize>>,
        /// The supplier's last documents.
        last: bool,
    },
}

/// Decoded documents of one supplier.
#[derive(Debug)]
enum Documents {
    Invoices(Vec<Gstr2aInvoice>),
    AmendedInvoices(Vec<Gstr2aAmendedInvoice>),
    Notes(Vec<Gstr2aNote>),
    AmendedNotes(Vec<Gstr2aAmendedNote>),
}

impl Documents {
    fn decode(section: Section, bytes: &[u8], ranges: &[Range<usize>]) -> Option<Documents> {
        fn all<T: DeserializeOwned>(bytes: &[u8], ranges: &[Range<usize>]) -> Option<Vec<T>> {
            ranges.iter().map(|r| one(bytes, r)).collect()
        }
        Some(match section {
            Section::B2b => Documents::Invoices(all(bytes, ranges)?),
            Section::B2ba => Documents::AmendedInvoices(all(bytes, ranges)?),
            Section::Cdn => Documents::Notes(all(bytes, ranges)?),
            Section::Cdna => Documents::AmendedNotes(all(bytes, ranges)?),
            Section::Isd | Section::Impg | Section::Impgsez => return None,
        })
    }

    /// Makes room for `count` documents in all (a large first run's documents grow in place
    /// instead of being copied into a new vector).
    fn reserve(&mut self, count: usize) {
        fn room<T>(to: &mut Vec<T>, count: usize) {
            to.reserve_exact(count.saturating_sub(to.len()));
        }
        match self {
            Documents::Invoices(v) => room(v, count),
            Documents::AmendedInvoices(v) => room(v, count),
            Documents::Notes(v) => room(v, count),
            Documents::AmendedNotes(v) => room(v, count),
        }
    }

    /// Appends `more` (of the same kind) after these, with room for `count` in all.
    fn append(&mut self, more: Documents, count: usize) -> Option<()> {
        fn join<T>(to: &mut Vec<T>, mut more: Vec<T>, count: usize) {
            to.reserve_exact(count.saturating_sub(to.len()));
            to.append(&mut more);
        }
        match (self, more) {
            (Documents::Invoices(to), Documents::Invoices(more)) => join(to, more, count),
            (Documents::AmendedInvoices(to), Documents::AmendedInvoices(more)) => {
                join(to, more, count)
            }
            (Documents::Notes(to), Documents::Notes(more)) => join(to, more, count),
            (Documents::AmendedNotes(to), Documents::AmendedNotes(more)) => join(to, more, count),
            _ => return None,
        }
        Some(())
    }

    /// Puts the split supplier back together: its fields but the documents decoded from its
    /// bytes with an empty document array in their place, then these documents.
    fn finish(self, bytes: &[u8], supplier: &Supplier, out: &mut Gstr2a) -> Option<()> {
        let mut head = Vec::new();
        head.extend_from_slice(bytes.get(supplier.whole.start..supplier.documents.start)?);
        head.extend_from_slice(b"[]");
        head.extend_from_slice(bytes.get(supplier.documents.end..supplier.whole.end)?);
        let head = &head[..];
        match (supplier.section, self) {
            (Section::B2b, Documents::Invoices(invoices)) => out.b2b.push(Gstr2aB2bSupplier {
                invoices,
                ..serde_json::from_slice(head).ok()?
            }),
            (Section::B2ba, Documents::AmendedInvoices(invoices)) => {
                out.b2ba.push(Gstr2aB2baSupplier {
                    invoices,
                    ..serde_json::from_slice(head).ok()?
                })
            }
            (Section::Cdn, Documents::Notes(notes)) => out.cdn.push(Gstr2aCdnSupplier {
                notes,
                ..serde_json::from_slice(head).ok()?
            }),
            (Section::Cdna, Documents::AmendedNotes(notes)) => out.cdna.push(Gstr2aCdnaSupplier {
                notes,
                ..serde_json::from_slice(head).ok()?
            }),
            _ => return None,
        }
        Some(())
    }
}

/// Decodes one element or document.
fn one<T: DeserializeOwned>(bytes: &[u8], range: &Range<usize>) -> Option<T> {
    serde_json::from_slice(bytes.get(range.clone())?).ok()
}

/// A run decoded: whole elements gathered into partial downloads, and the documents of split
/// suppliers, in the order of the input.
#[derive(Debug)]
enum Decoded {
    Part(Gstr2a),
    Documents {
        split: usize,
        last: bool,
        documents: Documents,
    },
}

/// Decodes a run; `None` if anything in it does not decode.
fn decode_run(bytes: &[u8], run: &[Job]) -> Option<Vec<Decoded>> {
    let mut out = Vec::new();
    let mut part = Gstr2a::default();
    for job in run {
        match job {
            Job::Whole(section, range) => match section {
                Section::B2b => part.b2b.push(one(bytes, range)?),
                Section::B2ba => part.b2ba.push(one(bytes, range)?),
                Section::Cdn => part.cdn.push(one(bytes, range)?),
                Section::Cdna => part.cdna.push(one(bytes, range)?),
                Section::Isd => part.isd.push(one(bytes, range)?),
                Section::Impg => part.impg.push(one(bytes, range)?),
                Section::Impgsez => part.impgsez.push(one(bytes, range)?),
            },
            Job::Documents {
                section,
                split,
                ranges,
                last,
            } => {
                if part != Gstr2a::default() {
                    out.push(Decoded::Part(std::mem::take(&mut part)));
                }
                out.push(Decoded::Documents {
                    split: *split,
                    last: *last,
                    documents: Documents::decode(*section, bytes, ranges)?,
                });
            }
        }
    }
    if part != Gstr2a::default() {
        out.push(Decoded::Part(part));
    }
    Some(out)
}

/// A run of consecutive jobs and its place among the runs.
type Run = (usize, Vec<Job>);

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
    fn work(&self, bytes: &[u8]) -> Vec<(usize, Vec<Decoded>)> {
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

/// Gathers what the scanner finds into runs and hands them to the queue.
///
/// A supplier whose documents all fall in one run goes as one job, decoded whole. One that spans
/// runs (a large supplier, or one where a run fills up) is split: its documents go in the runs they
/// fall in, and it is put back together at the end.
struct Batcher<'q> {
    queue: &'q Queue,
    /// Bytes of elements that fill a run.
    limit: usize,
    run: Vec<Job>,
    size: usize,
    sent: usize,
    /// Documents of the supplier being scanned not yet in a job.
    documents: Vec<Range<usize>>,
    /// The number of the supplier being scanned if it is split.
    split: Option<usize>,
    /// The split suppliers, by number.
    splits: Vec<Supplier>,
    /// Elements per section, for vectors of exactly their length.
    counts: [usize; 7],
}

impl Batcher<'_> {
    fn found(&mut self, found: Found) -> bool {
        match found {
            Found::Element(section, range) => {
                self.counts[section as usize] += 1;
                self.size += range.len();
                self.run.push(Job::Whole(section, range));
            }
            Found::Document(section, range) => {
                self.size += range.len();
                self.documents.push(range);
                if self.size >= self.limit {
                    let next = self.splits.len();
                    let split = *self.split.get_or_insert(next);
                    self.run.push(Job::Documents {
                        section,
                        split,
                        ranges: std::mem::take(&mut self.documents),
                        last: false,
                    });
                }
            }
            Found::Supplier(supplier) => {
                self.counts[supplier.section as usize] += 1;
                match self.split.take() {
                    Some(split) => {
                        self.run.push(Job::Documents {
                            section: supplier.section,
                            split,
                            ranges: std::mem::take(&mut self.documents),
                            last: true,
                        });
                        if split != self.splits.len() {
                            return false;
                        }
                        self.splits.push(supplier);
                    }
                    None => {
                        self.documents.clear();
                        self.run.push(Job::Whole(supplier.section, supplier.whole));
                    }
                }
            }
        }
        if self.size >= self.limit {
            self.send();
        }
        !self.queue.failed.load(Ordering::Relaxed)
    }

    fn send(&mut self) {
        if !self.run.is_empty() {
            self.queue.push((self.sent, std::mem::take(&mut self.run)));
            self.sent += 1;
        }
        self.size = 0;
    }
}

/// [`read`] with runs of at least `limit` bytes of elements.
fn read_in_runs(bytes: &[u8], threads: usize, limit: usize) -> Option<Gstr2a> {
    let queue = Queue {
        state: Mutex::new(Pending::default()),
        ready: Condvar::new(),
        failed: AtomicBool::new(false),
    };
    let mut batcher = Batcher {
        queue: &queue,
        limit,
        run: Vec::new(),
        size: 0,
        sent: 0,
        documents: Vec::new(),
        split: None,
        splits: Vec::new(),
        counts: [0; 7],
    };
    // An input that makes one run at most is decoded on the calling thread alone.
    let helpers = if bytes.len() > limit {
        threads.saturating_sub(1)
    } else {
        0
    };
    let (layout, mut runs) = std::thread::scope(|scope| {
        let queue = &queue;
        let workers: Vec<_> = (0..helpers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("gstr2a-json".into())
                    .spawn_scoped(scope, move || queue.work(bytes))
                    // A thread that cannot be started is one fewer: the caller decodes more.
                    .ok()
            })
            .collect();
        let layout = scan(bytes, &mut |found| batcher.found(found));
        match layout {
            Some(_) => batcher.send(),
            None => queue.failed.store(true, Ordering::Relaxed),
        }
        queue.close();
        let mut runs = queue.work(bytes);
        for worker in workers {
            match worker.join() {
                Ok(done) => runs.extend(done),
                Err(_) => queue.failed.store(true, Ordering::Relaxed),
            }
        }
        (layout, runs)
    });
    if queue.failed.load(Ordering::Relaxed) {
        return None;
    }
    let layout = layout?;

    let mut out = Gstr2a {
        gstin: match &layout.gstin {
            Some(range) => one::<Option<crate::gstin::AsSent>>(bytes, range)?.map(|g| g.0),
            None => None,
        },
        fp: match &layout.fp {
            Some(range) => one(bytes, range)?,
            None => None,
        },
        ..Gstr2a::default()
    };
    for range in &layout.unknown {
        one::<IgnoredAny>(bytes, range)?;
    }
    let [b2b, b2ba, cdn, cdna, isd, impg, impgsez] = batcher.counts;
    out.b2b.reserve_exact(b2b);
    out.b2ba.reserve_exact(b2ba);
    out.cdn.reserve_exact(cdn);
    out.cdna.reserve_exact(cdna);
    out.isd.reserve_exact(isd);
    out.impg.reserve_exact(impg);
    out.impgsez.reserve_exact(impgsez);
    runs.sort_unstable_by_key(|(n, _)| *n);
    // The split supplier being put together: its number and its documents so far.
    let mut open: Option<(usize, Documents)> = None;
    for decoded in runs.into_iter().flat_map(|(_, run)| run) {
        match decoded {
            Decoded::Part(part) => {
                if open.is_some() {
                    return None;
                }
                out.merge(part);
            }
            Decoded::Documents {
                split,
                last,
                documents,
            } => {
                let supplier = batcher.splits.get(split)?;
                let documents = match open.take() {
                    Some((n, mut so_far)) if n == split => {
                        so_far.append(documents, supplier.count)?;
                        so_far
                    }
                    Some(_) => return None,
                    None => {
                        let mut first = documents;
                        first.reserve(supplier.count);
                        first
                    }
                };
                if last {
                    documents.finish(bytes, supplier, &mut out)?;
                } else {
                    open = Some((split, documents));
                }
            }
        }
    }
    open.is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the scan reports, with the text of each range.
    fn found(text: &str) -> Option<Vec<String>> {
        let mut found = Vec::new();
        scan(text.as_bytes(), &mut |f| {
            found.push(match f {
                Found::Element(s, r) => format!("{s:?} {}", &text[r]),
                Found::Document(s, r) => format!("{s:?} document {}", &text[r]),
                Found::Supplier(Supplier {
                    section,
                    whole,
                    documents,
                    count,
                }) => format!(
                    "{section:?} supplier {} with {count} in {}",
                    &text[whole], &text[documents]
                ),
            });
            true
        })?;
        Some(found)
    }

    #[test]
    fn finds_each_element() {
        let text = r#" { "gstin" : "x", "b2b" : [ {"a":"}\"{["} , {"b":[{}]} ] ,"cdn":[],"zz":{"b2b":[1]}, "impg":[{}]} "#;
        assert_eq!(
            found(text).unwrap(),
            [r#"B2b {"a":"}\"{["}"#, r#"B2b {"b":[{}]}"#, "Impg {}"]
        );
        let layout = scan(text.as_bytes(), &mut |_| true).unwrap();
        assert_eq!(&text[layout.gstin.unwrap()], r#""x""#);
        assert_eq!(&text[layout.unknown[0].clone()], r#"{"b2b":[1]}"#);
        assert_eq!(found("{}").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn reports_a_suppliers_documents_one_by_one() {
        let text = r#"{"cdna":[{"ctin":"x", "nt" : [ {"a":1} ,{"b":"]"}],"inv":[{}]}, {"nt":[]}],
            "isd":[{"doclist":[{}]}]}"#;
        assert_eq!(
            found(text).unwrap(),
            [
                r#"Cdna document {"a":1}"#,
                r#"Cdna document {"b":"]"}"#,
                r#"Cdna supplier {"ctin":"x", "nt" : [ {"a":1} ,{"b":"]"}],"inv":[{}]} with 2 in [ {"a":1} ,{"b":"]"}]"#,
                r#"Cdna supplier {"nt":[]} with 0 in []"#,
                r#"Isd {"doclist":[{}]}"#,
            ]
        );
    }

    #[test]
    fn strings_end_at_their_closing_quote() {
        // Contents of every length around the 16-byte window, an escaped quote or backslash
        // anywhere, then the closing quote and more input (or none).
        for len in 0..40 {
            for escape in (0..len).map(Some).chain([None]) {
                for (e, tail) in [("\\\"", ",\"x\""), ("\\\\", ""), ("\\n", "]")] {
                    let mut contents = "a".repeat(len);
                    if let Some(at) = escape {
                        contents.insert_str(at, e);
                    }
                    let text = format!("{contents}\"{tail}");
                    let end = string_end(text.as_bytes(), 0);
                    assert_eq!(end, Some(contents.len() + 1), "{text}");
                    let unterminated = string_end(contents.as_bytes(), 0);
                    assert_eq!(unterminated, None, "{contents}");
                }
            }
        }
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
            r#"{"b2b":[{"inv":[],"inv":[]}]}"#,
            r#"{"b2b":[{"inv":null}]}"#,
            r#"{"b2b":[{"inv":[1]}]}"#,
            r#"{"b2b":[{"i\u006ev":[]}]}"#,
            r#"{"b2b":[{"inv":[] "x":1}]}"#,
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
            assert_eq!(read(pretty.as_bytes(), threads), Some(serial.clone()));
            // Small runs: suppliers split across runs, documents decoded on any thread, put
            // back in order.
            for limit in [1, 50, 150, 400, 1000, 3000] {
                for _ in 0..5 {
                    assert_eq!(read_in_runs(bytes, threads, limit), Some(serial.clone()));
                    let pretty = read_in_runs(pretty.as_bytes(), threads, limit);
                    assert_eq!(pretty, Some(serial.clone()), "{threads} {limit}");
                }
            }
        }
        // With runs of one byte every supplier with documents is split.
        let queue = Queue {
            state: Mutex::new(Pending::default()),
            ready: Condvar::new(),
            failed: AtomicBool::new(false),
        };
        let mut batcher = Batcher {
            queue: &queue,
            limit: 1,
            run: Vec::new(),
            size: 0,
            sent: 0,
            documents: Vec::new(),
            split: None,
            splits: Vec::new(),
            counts: [0; 7],
        };
        scan(bytes, &mut |f| batcher.found(f)).unwrap();
        assert_eq!(batcher.splits.len(), 6);
        assert_eq!(batcher.counts, [3, 1, 1, 1, 0, 0, 0]);

        // Something that does not decode, among runs on several threads, in a whole supplier
        // or in a split one's documents or fields: nothing comes back.
        let text = std::str::from_utf8(bytes).unwrap();
        let bad_document = text.replacen("\"idt\"", "\"idt\":1,\"x\"", 2);
        let bad_supplier = text.replacen("\"cfs\"", "\"cfs\":1,\"x\"", 1);
        let repeated_field = text.replacen("\"cfs\"", "\"ctin\":\"x\",\"cfs\"", 1);
        for broken in [bad_document, bad_supplier, repeated_field] {
            assert!(crate::json::from_str::<Gstr2a>(&broken).is_err());
            for limit in [1, 50, 150, 400, 1 << 20] {
                assert_eq!(read_in_runs(broken.as_bytes(), 3, limit), None, "{limit}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Runs of any size on any number of threads put the download back as it was, whichever
        /// suppliers are split and wherever the runs end.
        #[test]
        fn any_runs_give_the_same_download(
            copies in 1usize..4,
            drop_documents in proptest::collection::vec(proptest::prelude::any::<bool>(), 6),
            limit in 1usize..3000,
            threads in 1usize..4,
            pretty in proptest::prelude::any::<bool>(),
        ) {
            let sample: Gstr2a =
                crate::json::from_slice(include_bytes!("../../../../examples/data/gstr2a.json"))
                    .unwrap();
            let mut gstr2a = Gstr2a::default();
            for _ in 0..copies {
                let mut copy = sample.clone();
                // Some suppliers without documents, some with.
                for (i, drop) in drop_documents.iter().enumerate() {
                    if *drop {
                        match i {
                            0..=2 => copy.b2b.get_mut(i).map(|s| s.invoices.clear()),
                            3 => copy.b2ba.get_mut(0).map(|s| s.invoices.clear()),
                            4 => copy.cdn.get_mut(0).map(|s| s.notes.clear()),
                            _ => copy.cdna.get_mut(0).map(|s| s.notes.clear()),
                        };
                    }
                }
                gstr2a.merge(copy);
            }
            let text = if pretty {
                crate::json::to_string_pretty(&gstr2a).unwrap()
            } else {
                crate::json::to_string(&gstr2a).unwrap()
            };
            proptest::prop_assert_eq!(read_in_runs(text.as_bytes(), threads, limit), Some(gstr2a));
        }
    }
}
