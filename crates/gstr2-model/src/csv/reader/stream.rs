//! Reading a large input in blocks, each decoded on a worker thread while the next is read.
//!
//! The calling thread reads blocks of about `block` bytes, cuts each at the last line end
//! between two documents (the rest goes to the next block) and queues it; `threads` workers
//! decode the blocks as they come (a later block after the header, read again), while the
//! calling thread checks the finished ones for shared keys and appends them in order. Reading
//! the input thus overlaps decoding, instead of coming before it. When a block holds a quote char
//! or an error, or a document's key turns up in two blocks, the bytes read are handed back for
//! the one-thread reading, which gives the documents and errors the one-thread reading gives.
//!
//! Input already in memory ([`read_slice`]) is cut the same way ([`next_cut`]), but its blocks
//! are parts of it rather than copies, and nothing needs to be kept for a second reading.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use super::group::{decode_rows, key_fields, line_key};
use super::{span, Assemble, Errors, FastMap, Grouped, RowDocument, Rows};

/// What [`read_blocks`] gives.
pub(super) enum Streamed<A> {
    /// The documents, read in blocks.
    Read(A),
    /// The bytes read so far, for the one-thread reading; with the error that stopped reading,
    /// if one did (else the rest of the input is still to be read).
    Again(Replay, Option<std::io::Error>),
}

/// Reads `input` (of which `read` was read already) in blocks of about `block` bytes, decoded
/// on `threads` threads.
pub(super) fn read_blocks<D: RowDocument, R: Read, A: Assemble<D>>(
    mut read: Vec<u8>,
    input: &mut R,
    threads: usize,
    block: usize,
) -> Streamed<A> {
    let block = block.max(1);
    let mut eof = false;
    // The header, read whole.
    let header_len = loop {
        if let Some(at) = memchr::memchr(b'\n', &read) {
            break at + 1;
        }
        if eof {
            return Streamed::Again(Replay::new(vec![read]), None);
        }
        if let Err(e) = fill(&mut read, input, block, &mut eof) {
            return Streamed::Again(Replay::new(vec![read]), Some(e));
        }
    };
    let header = span(&read, ..header_len).to_vec();
    let Some(keys) = header_keys::<D>(&header) else {
        return Streamed::Again(Replay::new(vec![read]), None);
    };
    let mut blocks: Vec<Arc<Vec<u8>>> = Vec::new();
    let mut failure = None;
    let (joined, sent) = decode_blocks::<D, A>(&header, threads, |send| {
        // The first block starts with the header: it is cut after it at the earliest.
        let mut min_cut = header_len + 1;
        loop {
            if !eof && read.len() < block {
                read.reserve(block);
                if let Err(e) = fill(&mut read, input, block, &mut eof) {
                    failure = Some(e);
                    break;
                }
            }
            let Some(cut) = next_cut(&read, block, &keys, min_cut, eof) else {
                // No document boundary yet (one long document): read on.
                if let Err(e) = fill(&mut read, input, block, &mut eof) {
                    failure = Some(e);
                    break;
                }
                continue;
            };
            if cut > 0 || blocks.is_empty() {
                let rest = read.split_off(cut.min(read.len()));
                let piece = Arc::new(std::mem::replace(&mut read, rest));
                send(Block::Read(Arc::clone(&piece)));
                blocks.push(piece);
                min_cut = 1;
            }
            if eof && read.is_empty() {
                break;
            }
        }
        failure.is_none()
    });
    let complete = !joined.failed && failure.is_none() && read.is_empty();
    match joined.assembled {
        all if complete && joined.pieces == sent => Streamed::Read(all),
        _ => {
            // The workers are gone: each block has one owner left.
            let mut read_so_far: Vec<Vec<u8>> = blocks
                .into_iter()
                .map(|b| Arc::try_unwrap(b).unwrap_or_else(|b| b.to_vec()))
                .collect();
            read_so_far.push(read);
            Streamed::Again(Replay::new(read_so_far), failure)
        }
    }
}

/// Reads input already in memory in blocks of about `block` bytes, decoded on `threads`
/// threads in place (no block is copied); `None` when it must be read on one thread (a quote
/// char, an error, a document's key in two blocks).
pub(super) fn read_slice<D: RowDocument, A: Assemble<D>>(
    bytes: &[u8],
    threads: usize,
    block: usize,
) -> Option<A> {
    let block = block.max(1);
    let header_len = memchr::memchr(b'\n', bytes)? + 1;
    let header = bytes.get(..header_len)?;
    let keys = header_keys::<D>(header)?;
    let (joined, sent) = decode_blocks::<D, A>(header, threads, |send| {
        // The first block starts with the header: it is cut after it at the earliest.
        let (mut at, mut min_cut) = (0, header_len + 1);
        while let Some(rest) = bytes.get(at..).filter(|rest| !rest.is_empty()) {
            // At the end of the input there is always a cut; it is never empty, so the loop
            // always moves on.
            let cut = next_cut(rest, block, &keys, min_cut, true)
                .unwrap_or(rest.len())
                .max(1);
            send(Block::Borrowed(span(rest, ..cut)));
            at += cut;
            min_cut = 1;
        }
        true
    });
    let complete = !joined.failed && joined.pieces == sent;
    complete.then_some(joined.assembled)
}

/// The key fields of a header line that blocks can be read after; `None` for one with a quote
/// char or a lone carriage return (the header must be one record, read again before each
/// block), or without the table's key columns.
fn header_keys<D: RowDocument>(header: &[u8]) -> Option<Vec<Option<usize>>> {
    let line = header.strip_suffix(b"\n").unwrap_or(header);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.contains(&b'"') || line.contains(&b'\r') {
        return None;
    }
    key_fields::<D>(header)
}

/// A block for a worker: read from a reader (and kept, to be read again on one thread if need
/// be), or a part of input already in memory.
enum Block<'s> {
    Read(Arc<Vec<u8>>),
    Borrowed(&'s [u8]),
}

impl Block<'_> {
    fn bytes(&self) -> &[u8] {
        match self {
            Block::Read(bytes) => bytes,
            Block::Borrowed(bytes) => bytes,
        }
    }
}

/// Decodes the blocks that `produce` hands to its `send`, in order, on up to `threads` tasks of
/// the current rayon pool (the app's own, or rayon's global one), and joins them while they are
/// decoded. `produce` runs on the calling thread and returns `false` when it failed (the blocks
/// not yet decoded are then skipped). Gives the joined blocks and how many were sent.
///
/// The calling thread never waits for a task the pool may not have started: when no decoded
/// block is ready it decodes one itself, and it waits only while every block is taken by a task
/// that runs. In a pool of one thread it decodes every block.
fn decode_blocks<'s, D: RowDocument, A: Assemble<D>>(
    header: &[u8],
    threads: usize,
    produce: impl FnOnce(&mut dyn FnMut(Block<'s>)) -> bool,
) -> (Joined<D, A>, usize) {
    let (jobs, queue) = mpsc::channel::<(usize, Block<'s>)>();
    let queue = Mutex::new(queue);
    let (done, finished) = mpsc::channel::<(usize, Option<Piece<D>>)>();
    let failed = AtomicBool::new(false);
    // One block decoded, unless a block has failed already (the rest are not worth it).
    let decode = |k: usize, block: Block<'s>| {
        let piece = if failed.load(Ordering::Relaxed) {
            None
        } else {
            decode_block::<D>(k, header, block.bytes())
        };
        if piece.is_none() {
            failed.store(true, Ordering::Relaxed);
        }
        (k, piece)
    };
    let helpers = threads
        .max(1)
        .min(rayon::current_num_threads().saturating_sub(1));
    let mut sent = 0;
    let mut len = 0;
    let joined = rayon::in_place_scope(|scope| {
        for _ in 0..helpers {
            let done = done.clone();
            let (queue, decode) = (&queue, &decode);
            scope.spawn(move |_| loop {
                // The lock is held through `recv` only while the producer may still send.
                let job = match queue.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                let Ok((k, block)) = job else {
                    return;
                };
                if done.send(decode(k, block)).is_err() {
                    return;
                }
            });
        }
        drop(done);
        let produced = produce(&mut |block: Block<'s>| {
            len += block.bytes().len();
            if jobs.send((sent, block)).is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            sent += 1;
        });
        if !produced {
            failed.store(true, Ordering::Relaxed);
        }
        drop(jobs);
        // While the tasks decode, the blocks decoded so far are checked for keys seen in
        // earlier blocks and appended in order, so that little is left once the last is done.
        let mut joined = Joined::<D, A>::default();
        // About as many documents as `decode_rows` reserves for.
        let _ = joined.seen.try_reserve(len / 128);
        let mut waiting: Vec<Option<Piece<D>>> = Vec::new();
        waiting.resize_with(sent, || None);
        for _ in 0..sent {
            let next = match finished.try_recv() {
                Ok(next) => Some(next),
                Err(_) => {
                    let job = queue.lock().ok().and_then(|queue| queue.try_recv().ok());
                    match job {
                        Some((k, block)) => Some(decode(k, block)),
                        // Every block left is being decoded by a task that runs.
                        None => finished.recv().ok(),
                    }
                }
            };
            let Some((k, piece)) = next else {
                // A task stopped without its result (it cannot, short of a panic).
                joined.failed = true;
                break;
            };
            match piece {
                Some(piece) if !joined.failed => {
                    if joined.seen_before(&piece.hashes) {
                        failed.store(true, Ordering::Relaxed);
                    }
                    if let Some(slot) = waiting.get_mut(k) {
                        *slot = Some(piece);
                    }
                    while let Some(piece) = waiting.get_mut(joined.pieces).and_then(Option::take) {
                        joined.append(piece);
                    }
                }
                _ => {
                    joined.failed = true;
                    failed.store(true, Ordering::Relaxed);
                }
            }
        }
        joined
    });
    (joined, sent)
}

/// Bytes read in blocks, read again in order.
pub(super) struct Replay {
    blocks: std::collections::VecDeque<Vec<u8>>,
    /// Bytes of the front block already read.
    at: usize,
}

impl Replay {
    pub(super) fn new(blocks: Vec<Vec<u8>>) -> Self {
        Replay {
            blocks: blocks.into(),
            at: 0,
        }
    }
}

impl Read for Replay {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while let Some(front) = self.blocks.front() {
            let rest = span(front, self.at..);
            if rest.is_empty() {
                // A block read is dropped at once.
                self.blocks.pop_front();
                self.at = 0;
                continue;
            }
            let n = rest.len().min(buf.len());
            if let (Some(to), Some(from)) = (buf.get_mut(..n), rest.get(..n)) {
                to.copy_from_slice(from);
            }
            self.at += n;
            return Ok(n);
        }
        Ok(0)
    }
}

/// A block of the input decoded on its own thread.
struct Piece<D> {
    grouped: Grouped<D>,
    /// The hashes of its documents' keys, each once.
    hashes: Vec<u64>,
    /// `\n` bytes read, the header's included.
    newlines: u64,
}

/// Blocks joined so far.
struct Joined<D, A> {
    /// Their documents, as `A` assembles them.
    assembled: A,
    /// How many blocks are in.
    pieces: usize,
    /// `\n` bytes of the file in them.
    newlines: u64,
    /// The key hashes of all blocks received.
    seen: FastMap<u64, ()>,
    /// A block failed, or two share a key hash.
    failed: bool,
    documents: std::marker::PhantomData<D>,
}

impl<D, A: Default> Default for Joined<D, A> {
    fn default() -> Self {
        Joined {
            assembled: A::default(),
            pieces: 0,
            newlines: 0,
            seen: FastMap::default(),
            failed: false,
            documents: std::marker::PhantomData,
        }
    }
}

impl<D, A: Assemble<D>> Joined<D, A> {
    /// Records a block's key hashes; `true` (and failed) when one was seen in another block. A
    /// shared hash is taken as a shared key: the one-thread reading sorts it out.
    fn seen_before(&mut self, hashes: &[u64]) -> bool {
        // A block's own hashes are distinct: they are its index's keys.
        for &h in hashes {
            if self.seen.insert(h, ()).is_some() {
                self.failed = true;
            }
        }
        self.failed
    }

    /// Appends the next block: its documents after the others, its lines moved down by the
    /// lines before it (a later block's lines count from its header's line, the line after
    /// the `\n` bytes before the block).
    fn append(&mut self, piece: Piece<D>) {
        if self.pieces == 0 {
            self.newlines = piece.newlines;
            self.assembled.append(piece.grouped, 0);
        } else {
            let shift = self.newlines.max(1) - 1;
            self.assembled.append(piece.grouped, shift);
            self.newlines += piece.newlines.max(1) - 1;
        }
        self.pieces += 1;
    }
}

/// Reads up to `block` more bytes into `read`; `eof` once the input is exhausted.
fn fill<R: Read>(
    read: &mut Vec<u8>,
    input: &mut R,
    block: usize,
    eof: &mut bool,
) -> std::io::Result<()> {
    let n = input
        .by_ref()
        .take(block as u64)
        .read_to_end(read)
        .inspect_err(|_| *eof = true)?;
    if n < block {
        *eof = true;
    }
    Ok(())
}

/// Decodes block `k` (the first one starts with the header; the others are read after it);
/// `None` when it holds a quote char or an error.
fn decode_block<D: RowDocument>(k: usize, header: &[u8], bytes: &[u8]) -> Option<Piece<D>> {
    if memchr::memchr(b'"', bytes).is_some() {
        return None;
    }
    let mut errors = Errors::new(1);
    let decoded = if k == 0 {
        decode_rows::<D, _>(
            Rows::open(D::TABLE, D::COLUMNS, bytes).ok()??,
            &mut errors,
            bytes.len(),
        )
    } else {
        decode_rows::<D, _>(
            Rows::open(D::TABLE, D::COLUMNS, header.chain(bytes)).ok()??,
            &mut errors,
            bytes.len(),
        )
    };
    if !errors.list.is_empty() {
        return None;
    }
    Some(Piece {
        grouped: decoded.grouped,
        hashes: decoded.index.into_keys().collect(),
        newlines: decoded.newlines,
    })
}

/// Where to cut the next block off `read` (what is read and not yet sent; `eof` when nothing
/// more will come): at the last document boundary in its first `block` bytes (what was read
/// at first may hold several blocks), else in all of it; all of it at the end of the input;
/// `None` when no boundary is in sight yet (one long document: read on).
fn next_cut(
    read: &[u8],
    block: usize,
    keys: &[Option<usize>],
    min_cut: usize,
    eof: bool,
) -> Option<usize> {
    if eof && read.len() <= block {
        return Some(read.len());
    }
    let first = span(read, ..block.min(read.len()));
    last_cut(first, keys, min_cut)
        .or_else(|| last_cut(read, keys, min_cut))
        .or(eof.then_some(read.len()))
}

/// The offset of the last line start from `min` on whose line and the line before it belong
/// to two documents, looking back over a bounded number of complete lines.
fn last_cut(bytes: &[u8], keys: &[Option<usize>], min: usize) -> Option<usize> {
    // Only complete lines: up to the last line end.
    let mut end = memchr::memrchr(b'\n', bytes)?;
    let mut after: Option<(usize, Vec<&[u8]>)> = None;
    for _ in 0..10_000 {
        let start = memchr::memrchr(b'\n', bytes.get(..end)?).map_or(0, |p| p + 1);
        if start < min {
            return None;
        }
        let key = line_key(bytes.get(start..end)?, keys);
        match (key, after.take()) {
            (Some(here), Some((next, there))) if here != there => return Some(next),
            (Some(here), _) => after = Some((start, here)),
            (None, _) => after = None,
        }
        end = start.checked_sub(1)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_fall_between_documents() {
        let keys = [Some(0), Some(1)];
        let text = b"h,h\na,1\na,1\nb,1\nb,1\r\nb,1\n,\nc,1\nc,";
        // The last complete line is `c,1`; the one before it is blank, so `b` | `c` is not seen
        // as a boundary; `a` | `b` is.
        assert_eq!(last_cut(text, &keys, 1), Some(12));
        assert_eq!(last_cut(text, &keys, 13), None);
        assert_eq!(last_cut(b"a,1\nb,1", &keys, 0), None);
        assert_eq!(last_cut(b"a,1\nb,1\n", &keys, 0), Some(4));
    }
}
