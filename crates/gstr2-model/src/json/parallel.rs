//! A GSTR2A download read on several threads.
//!
//! A small scanner walks the top-level object: for each section array (`b2b`, `b2ba`, `cdn`,
//! `cdna`, `isd`, `impg`, `impgsez`) it finds the byte range of every element (a supplier, or a
//! bill of entry), and within a supplier the range of every document (`inv`, `nt`), by following
//! strings, their escapes and the nesting of brackets. As it goes, it hands runs of consecutive
//! elements (an eighth of a thread's share of the input each) to tasks of the current rayon pool
//! (the app's own, or rayon's global one), which decode
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
//!
//! [`scan`](mod@scan) holds the scanner, [`decode`] the decoding of runs; this module holds the
//! queue between them, the batching of what the scanner finds into runs, and [`read`], which
//! puts it together.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

use serde::de::IgnoredAny;

use crate::gstr2a::Gstr2a;
use decode::{decode_run, one, Decoded, Documents, Job};
use scan::{scan, Found, Supplier};

mod decode;
mod scan;
#[cfg(test)]
mod tests;

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
    // The decoding runs in the current rayon pool (the app's, or rayon's global one), with at
    // most as many helpers as the pool has threads besides the one scanning.
    let helpers = helpers.min(rayon::current_num_threads().saturating_sub(1));
    let decoded: Mutex<Vec<(usize, Vec<Decoded>)>> = Mutex::new(Vec::new());
    let keep = |done: Vec<(usize, Vec<Decoded>)>| {
        decoded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(done);
    };
    let layout = rayon::scope(|scope| {
        let (queue, keep) = (&queue, &keep);
        for _ in 0..helpers {
            scope.spawn(move |_| keep(queue.work(bytes)));
        }
        let layout = scan(bytes, &mut |found| batcher.found(found));
        match layout {
            Some(_) => batcher.send(),
            None => queue.failed.store(true, Ordering::Relaxed),
        }
        queue.close();
        // The scanning thread decodes too, once the scan is done; in a pool of one thread it
        // decodes every run (the helpers, started after, find none left).
        keep(queue.work(bytes));
        layout
    });
    let mut runs = decoded.into_inner().unwrap_or_else(PoisonError::into_inner);
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
                out.append(part);
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
