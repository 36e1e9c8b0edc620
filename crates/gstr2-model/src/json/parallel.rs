//! A GSTR2A download read on several threads.
//!
//! A small scanner walks the top-level object: for each section array (`b2b`, `b2ba`, `cdn`,
//! `cdna`, `isd`, `impg`, `impgsez`) it finds the byte range of every element (one supplier, or
//! one bill of entry) by following strings, their escapes and the nesting of brackets. The
//! elements are cut into as many runs of about equal size as there are threads, each run is
//! decoded on its own thread with serde_json (each element through the same `Deserialize` as the
//! one-thread reading), and the runs are put back together in their order. `gstin`, `fp` and any
//! field the model does not know are decoded on the calling thread.
//!
//! The scanner only has to be right when the input is well formed: every element is still
//! decoded, and so checked, by serde_json, and the scanner checks the JSON between them (commas,
//! brackets, colons, whitespace). Whatever it is not sure of (a key with an escape, a key seen
//! twice, a section that is not an array, nesting deep enough to meet serde_json's recursion
//! limit, an element that does not decode) makes [`read`] give up, and the caller reads the input
//! on one thread instead, which gives the error, with its JSON path.

use std::ops::Range;

use serde::de::IgnoredAny;

use crate::gstr2a::Gstr2a;

/// Nesting the scanner accepts: serde_json stops at 128 levels for the whole document, and an
/// element alone is two levels shallower than in the document, so anything near the limit is left
/// to the one-thread reading.
const MAX_DEPTH: usize = 100;

/// The sections that are arrays of elements, each decoded on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    B2b,
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
    /// Every section element, in the order of the input.
    elements: Vec<Element>,
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

    /// A section's array: the range of each element, appended to `out`.
    fn section(&mut self, section: Section, out: &mut Vec<Element>) -> Option<()> {
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
            out.push((section, start..self.at));
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

/// Walks the top-level object and finds where each part is.
fn scan(bytes: &[u8]) -> Option<Layout> {
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
                (_, Some(section)) => s.section(section, &mut layout.elements)?,
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

/// Decodes a run of elements into the sections of a partial download.
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

/// Cuts the elements into at most `runs` consecutive runs of about equal bytes.
fn runs(elements: &[Element], runs: usize) -> Vec<&[Element]> {
    let total: usize = elements.iter().map(|(_, r)| r.len()).sum();
    let runs = runs.clamp(1, elements.len().max(1));
    let mut out = Vec::with_capacity(runs);
    let mut start = 0;
    let mut bytes = 0;
    for (i, (_, range)) in elements.iter().enumerate() {
        bytes += range.len();
        // Close the run once it holds its share of the bytes so far.
        if out.len() + 1 < runs && bytes * runs >= total * (out.len() + 1) {
            out.push(&elements[start..=i]);
            start = i + 1;
        }
    }
    out.push(&elements[start..]);
    out
}

/// Reads a GSTR2A download on up to `threads` threads; `None` if anything is irregular, for the
/// caller to read it on one thread instead.
pub(super) fn read(bytes: &[u8], threads: usize) -> Option<Gstr2a> {
    let layout = scan(bytes)?;
    let runs = runs(&layout.elements, threads);
    let (first, rest) = runs.split_first()?;
    let parts: Vec<Option<Gstr2a>> = std::thread::scope(|scope| {
        let handles: Vec<_> = rest
            .iter()
            .map(|run| {
                let run = *run;
                std::thread::Builder::new()
                    .name("gstr2a-json".into())
                    .spawn_scoped(scope, move || decode_run(bytes, run))
                    .map_err(|_| run)
            })
            .collect();
        let mut parts = vec![decode_run(bytes, first)];
        for handle in handles {
            parts.push(match handle {
                Ok(handle) => handle.join().ok().flatten(),
                // The thread could not be started: its run is decoded here.
                Err(run) => decode_run(bytes, run),
            });
        }
        parts
    });

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
    let count = |section| {
        layout
            .elements
            .iter()
            .filter(|(s, _)| *s == section)
            .count()
    };
    out.b2b.reserve_exact(count(Section::B2b));
    out.b2ba.reserve_exact(count(Section::B2ba));
    out.cdn.reserve_exact(count(Section::Cdn));
    out.cdna.reserve_exact(count(Section::Cdna));
    out.isd.reserve_exact(count(Section::Isd));
    out.impg.reserve_exact(count(Section::Impg));
    out.impgsez.reserve_exact(count(Section::Impgsez));
    for part in parts {
        out.merge(part?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Option<Vec<(Section, &str)>> {
        let layout = scan(text.as_bytes())?;
        Some(
            layout
                .elements
                .into_iter()
                .map(|(s, r)| (s, &text[r]))
                .collect(),
        )
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
        let layout = scan(text.as_bytes()).unwrap();
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
            assert!(scan(text.as_bytes()).is_none(), "{text}");
        }
        let deep = format!(
            "{{\"x\":{}{}}}",
            "[".repeat(MAX_DEPTH + 1),
            "]".repeat(MAX_DEPTH + 1)
        );
        assert!(scan(deep.as_bytes()).is_none());
    }

    #[test]
    fn the_sample_download_reads_in_parallel() {
        let bytes = include_bytes!("../../../../examples/data/gstr2a.json");
        let serial: Gstr2a = crate::json::from_slice(bytes).unwrap();
        let pretty = crate::json::to_string_pretty(&serial).unwrap();
        for threads in 1..5 {
            assert_eq!(read(bytes, threads), Some(serial.clone()), "{threads}");
            assert_eq!(read(pretty.as_bytes(), threads), Some(serial.clone()), "{threads}");
        }
    }

    #[test]
    fn runs_are_consecutive_and_cover_every_element() {
        let elements: Vec<Element> = (0..10)
            .map(|i| (Section::B2b, i * 100..i * 100 + 10 + i))
            .collect();
        for n in 1..14 {
            let cut = runs(&elements, n);
            assert!(cut.len() <= n.min(elements.len()), "{n}");
            let joined: Vec<Element> = cut.concat();
            assert_eq!(joined, elements, "{n}");
        }
        assert_eq!(runs(&[], 4).len(), 1);
    }
}
