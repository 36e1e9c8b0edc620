//! The scanner: walks the top-level object and finds the byte range of every section element,
//! and of every document of a supplier, checking the JSON between them.

use std::ops::Range;

/// Nesting the scanner accepts: serde_json stops at 128 levels for the whole document, and an
/// element alone is two levels shallower than in the document, so anything near the limit is left
/// to the one-thread reading.
pub(super) const MAX_DEPTH: usize = 100;

/// The sections that are arrays of elements, each decoded on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Section {
    B2b = 0,
    B2ba,
    Cdn,
    Cdna,
    Isd,
    Impg,
    Impgsez,
}

impl Section {
    pub(super) fn from_key(key: &[u8]) -> Option<Section> {
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
    pub(super) fn documents_key(self) -> Option<&'static [u8]> {
        match self {
            Section::B2b | Section::B2ba => Some(b"inv"),
            Section::Cdn | Section::Cdna => Some(b"nt"),
            Section::Isd | Section::Impg | Section::Impgsez => None,
        }
    }
}

/// A supplier whose documents the scanner reported one by one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Supplier {
    pub(super) section: Section,
    /// The supplier object.
    pub(super) whole: Range<usize>,
    /// Its documents' array, brackets included.
    pub(super) documents: Range<usize>,
    /// How many documents the array holds.
    pub(super) count: usize,
}

/// What the scanner reports, in the order of the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Found {
    /// A whole element of a section.
    Element(Section, Range<usize>),
    /// One document of the supplier being scanned (an element of its `inv` or `nt`).
    Document(Section, Range<usize>),
    /// The end of a supplier whose documents were reported before it.
    Supplier(Supplier),
}

/// What the scan of the top-level object found.
#[derive(Debug, Default)]
pub(super) struct Layout {
    /// The value of `gstin`, if present.
    pub(super) gstin: Option<Range<usize>>,
    /// The value of `fp`, if present.
    pub(super) fp: Option<Range<usize>>,
    /// Values of keys the model does not know: decoded only to check them, as the one-thread
    /// reading does.
    pub(super) unknown: Vec<Range<usize>>,
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
pub(super) fn string_end(bytes: &[u8], mut at: usize) -> Option<usize> {
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
pub(super) fn scan(bytes: &[u8], sink: &mut impl FnMut(Found) -> bool) -> Option<Layout> {
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
