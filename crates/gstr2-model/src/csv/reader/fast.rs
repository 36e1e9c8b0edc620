//! The quote-free fast lane: records and fields split by hand, with `memchr`.
//!
//! For input with no `"` byte the csv crate (flexible, no header handling, its default
//! terminator) reads a record as a maximal run of bytes that are neither `\r` nor `\n`, split at
//! every `,`; runs of `\r` and `\n` between records (blank lines, CRLF) yield nothing, and a
//! last record may end at the end of the input. [`Fast`] reads exactly those records from a
//! small buffer refilled from the input, counting `\n` bytes as it skips them, so a record's
//! line is known without indexing line ends. It never looks into a chunk that holds a `"`: it
//! stops at the start of the next record and hands the rest over to the csv crate
//! ([`Fast::into_rest`]), which from a record's start reads what it would have read from the
//! beginning.

use std::io::Read;

use super::{span, span_mut};

/// What [`Fast::next`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// A record: [`Fast::record`] and [`Fast::line`].
    Record,
    /// The end of the input.
    End,
    /// A chunk with a `"` byte was read: the rest must go to the csv crate.
    Quote,
}

/// Quote-free records from a reader, through a buffer of `chunk` bytes (larger when a record is
/// longer).
pub(super) struct Fast<R> {
    input: R,
    buf: Vec<u8>,
    /// Bytes of `buf` holding input.
    filled: usize,
    /// First byte of `buf` not yet taken: a record's start or a line end.
    start: usize,
    /// The current record, a range of `buf`.
    record: (usize, usize),
    /// Whether the current record has a space, tab or form feed: a byte a cell may need
    /// trimmed of.
    spaced: bool,
    /// The first space, tab or form feed in `buf` from the start of the last record that
    /// looked for one, or `filled` when there is none.
    space: usize,
    /// `\n` bytes before `start`.
    newlines: u64,
    /// 1-based line of the current record.
    line: u64,
    /// The input is exhausted (or failed, after which nothing more is read, as in the csv crate).
    eof: bool,
    /// The last chunk read holds a `"`.
    quote: bool,
}

impl<R: Read> Fast<R> {
    pub(super) fn new(input: R, chunk: usize) -> Self {
        Fast {
            input,
            buf: vec![0; chunk.max(1)],
            filled: 0,
            start: 0,
            record: (0, 0),
            spaced: false,
            space: 0,
            newlines: 0,
            line: 1,
            eof: false,
            quote: false,
        }
    }

    /// Advances to the next record.
    ///
    /// An I/O error ends the input, as it does in the csv crate; the error's line is
    /// [`Fast::error_line`].
    pub(super) fn next(&mut self) -> std::io::Result<Step> {
        loop {
            if self.quote {
                return Ok(Step::Quote);
            }
            let window = span(&self.buf, self.start..self.filled);
            let skip = window
                .iter()
                .position(|&b| b != b'\n' && b != b'\r')
                .unwrap_or(window.len());
            if skip > 0 {
                let ends = span(window, ..skip);
                self.newlines += memchr::memchr_iter(b'\n', ends).count() as u64;
                self.start += skip;
            }
            let window = span(window, skip..);
            if !window.is_empty() {
                let end = match memchr::memchr2(b'\n', b'\r', window) {
                    Some(p) => Some(self.start + p),
                    None if self.eof => Some(self.filled),
                    None => None,
                };
                if let Some(end) = end {
                    // Found again when it is not known to lie beyond this record's start
                    // (after a refill it is 0: unknown).
                    if self.space <= self.start {
                        let rest = span(&self.buf, self.start..self.filled);
                        self.space = memchr::memchr3(b' ', b'\t', b'\x0c', rest)
                            .map_or(self.filled, |p| self.start + p);
                    }
                    self.spaced = self.space < end;
                    self.record = (self.start, end);
                    self.line = 1 + self.newlines;
                    self.start = end;
                    return Ok(Step::Record);
                }
            } else if self.eof {
                return Ok(Step::End);
            }
            self.refill()?;
        }
    }

    /// Moves the unfinished record to the front of the buffer and reads more after it.
    fn refill(&mut self) -> std::io::Result<()> {
        self.buf.copy_within(self.start..self.filled, 0);
        self.filled -= self.start;
        self.start = 0;
        self.record = (0, 0);
        // Looked for again in what is read now.
        self.space = 0;
        if self.filled == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let space = span_mut(&mut self.buf, self.filled..);
        let n = match self.input.read(space) {
            // A reader that claims more than the room it was given is not believed.
            Ok(n) => n.min(space.len()),
            Err(e) => {
                self.eof = true;
                return Err(e);
            }
        };
        let read = span(space, ..n);
        self.quote = memchr::memchr(b'"', read).is_some();
        self.eof = n == 0;
        self.filled += n;
        Ok(())
    }

    /// The current record's bytes, its line end excluded.
    pub(super) fn record(&self) -> &[u8] {
        span(&self.buf, self.record.0..self.record.1)
    }

    /// Whether the current record has a byte a cell may need trimmed of (a space, tab or form
    /// feed); when not, every cell is its field as it is.
    pub(super) fn spaced(&self) -> bool {
        self.spaced
    }

    /// The 1-based line of the current record.
    pub(super) fn line(&self) -> u64 {
        self.line
    }

    /// The line the csv crate gives an error met after the records read so far: the line after
    /// every `\n` read (an error is met only when what was read holds no further record).
    pub(super) fn error_line(&self) -> u64 {
        1 + self.newlines
    }

    /// `\n` bytes read; all of them once [`Step::End`] is reached.
    pub(super) fn newlines(&self) -> u64 {
        self.newlines
    }

    /// What is left for the csv crate after [`Step::Quote`]: the bytes read from the next
    /// record's start on, the rest of the input, and the `\n` bytes before them.
    pub(super) fn into_rest(mut self) -> (Vec<u8>, R, u64) {
        self.buf.truncate(self.filled);
        self.buf.drain(..self.start.min(self.filled));
        (self.buf, self.input, self.newlines)
    }
}

/// Calls `field(start, end)` for each comma-separated field of a quote-free record, in order:
/// one more field than commas.
///
/// Fields are short (a few bytes), too short for `memchr` to pay: commas are found eight bytes
/// at a time in a word.
#[inline]
pub(super) fn split_commas(bytes: &[u8], mut field: impl FnMut(usize, usize)) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const COMMAS: u64 = 0x2c2c_2c2c_2c2c_2c2c;
    let mut start = 0;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ COMMAS;
        // The high bit of each byte that is zero in `x` (a comma in the chunk), exactly.
        let mut commas = !((x & LOW7).wrapping_add(LOW7) | x | LOW7);
        while commas != 0 {
            let end = at + (commas.trailing_zeros() / 8) as usize;
            field(start, end);
            start = end + 1;
            commas &= commas - 1;
        }
        at += 8;
    }
    for (j, &b) in chunks.remainder().iter().enumerate() {
        if b == b',' {
            field(start, at + j);
            start = at + j + 1;
        }
    }
    field(start, bytes.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str, chunk: usize) -> (Vec<(u64, String)>, Step, u64) {
        let mut fast = Fast::new(text.as_bytes(), chunk);
        let mut out = Vec::new();
        loop {
            match fast.next().unwrap() {
                Step::Record => out.push((
                    fast.line(),
                    String::from_utf8_lossy(fast.record()).into_owned(),
                )),
                step => return (out, step, fast.newlines()),
            }
        }
    }

    #[test]
    fn records_end_at_cr_lf_and_the_end() {
        let text = "\r\n\na,b\r\nc\rd\n\n e ,\r\r\nlast";
        for chunk in [1, 2, 3, 5, 64 << 10] {
            let (recs, step, newlines) = records(text, chunk);
            let expected = [(3, "a,b"), (4, "c"), (4, "d"), (6, " e ,"), (7, "last")];
            let expected: Vec<(u64, String)> =
                expected.iter().map(|(l, s)| (*l, s.to_string())).collect();
            assert_eq!((recs, step, newlines), (expected, Step::End, 6), "{chunk}");
        }
    }

    #[test]
    fn records_know_whether_they_have_a_space() {
        let text = "a,b\n c\nd\t,x\r\ne\n\x0cf\ng,h,i\n\nj k\nl";
        let expected = [false, true, true, false, true, false, true, false];
        for chunk in [1, 2, 3, 4, 7, 64 << 10] {
            let mut fast = Fast::new(text.as_bytes(), chunk);
            let mut spaced = Vec::new();
            while fast.next().unwrap() == Step::Record {
                spaced.push(fast.spaced());
            }
            assert_eq!(spaced, expected, "{chunk}");
        }
    }

    #[test]
    fn fields_are_split_at_every_comma() {
        let all: Vec<u8> = (0..=255).collect();
        for text in [
            &b""[..],
            b",",
            b"a",
            b",,,,,,,,,,,,,,,,,",
            b"27AAPFU0939F1ZV,Y,INV/1,01-07-2017,1180.00,,,",
            b"-,-,+,-.,\xac,\xad,\x2c\x2d",
            &all,
        ] {
            let mut fields = Vec::new();
            split_commas(text, |a, b| fields.push(&text[a..b]));
            let expected: Vec<&[u8]> = text.split(|&b| b == b',').collect();
            assert_eq!(fields, expected, "{text:?}");
        }
    }

    #[test]
    fn a_quote_stops_the_lane_at_a_record_start() {
        let text = "a,b\nc,d\ne,\"f\"\ng\n";
        // Chunks of six: `a,b\nc,` `d\ne,` `"f"\n`: the third holds a quote.
        let (recs, step, _) = records(text, 6);
        assert_eq!(step, Step::Quote);
        assert_eq!(recs, vec![(1, "a,b".to_owned()), (2, "c,d".to_owned())]);
        let mut fast = Fast::new(text.as_bytes(), 6);
        assert_eq!(fast.next().unwrap(), Step::Record);
        assert_eq!(fast.next().unwrap(), Step::Record);
        assert_eq!(fast.next().unwrap(), Step::Quote);
        let (rest, input, newlines) = fast.into_rest();
        let mut all = rest;
        all.extend_from_slice(input);
        assert_eq!((all.as_slice(), newlines), (&b"e,\"f\"\ng\n"[..], 2));
    }
}
