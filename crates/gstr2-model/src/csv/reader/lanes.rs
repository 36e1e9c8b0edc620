//! The fast lane and the csv crate's lane read the same documents, lines and errors.

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::csv::b2b::{Col, COLUMNS, ITEM};
use crate::csv::items::{self, NumberedItem};
use crate::{Gstin, StateCode};

/// A `b2b` invoice with a few typed fields, enough to meet every kind of cell error.
#[derive(Debug, PartialEq)]
struct Invoice {
    ctin: Gstin,
    inum: String,
    idt: NaiveDate,
    val: Decimal,
    pos: StateCode,
    items: Vec<NumberedItem>,
}

impl RowDocument for Invoice {
    type Item = NumberedItem;
    const TABLE: Table = Table::B2b;
    const COLUMNS: &'static [Column] = COLUMNS;
    const DOC: &'static [usize] = &[
        Col::Ctin as usize,
        Col::Inum as usize,
        Col::Idt as usize,
        Col::Val as usize,
        Col::Pos as usize,
    ];
    const KEY: usize = 2;
    const ITEM: &'static [usize] = &ITEM.slots();

    fn parse(row: &Row<'_>) -> Result<Self, CsvError> {
        Ok(Invoice {
            ctin: row.gstin(Col::Ctin)?,
            inum: row.string(Col::Inum)?,
            idt: row.date(Col::Idt)?,
            val: row.decimal(Col::Val)?,
            pos: row.state(Col::Pos)?,
            items: Vec::new(),
        })
    }

    fn parse_item(row: &Row<'_>) -> Result<NumberedItem, CsvError> {
        items::read_item(row, &ITEM)
    }

    fn reserve(&mut self, n: usize) {
        self.items.reserve_exact(n);
    }

    fn push(&mut self, item: NumberedItem) {
        self.items.push(item);
    }
}

/// Everything a reading gives: documents, their lines, the `\n` count (when reading did not
/// stop at the errors' cap: the csv crate reads ahead), the errors.
type Outcome = (Vec<Invoice>, Vec<u64>, Option<u64>, Vec<String>);

fn read(input: impl Read, split: Split, cap: usize) -> Outcome {
    let mut errors = Errors::new(cap);
    let decoded = read_split::<Invoice, _>(input, &mut errors, split);
    let newlines = (!errors.is_full()).then_some(decoded.newlines);
    let errors = errors.list.iter().map(|e| format!("{e} {e:?}")).collect();
    (
        decoded.grouped.docs,
        decoded.grouped.lines,
        newlines,
        errors,
    )
}

/// Whether the fast lane reads all of `text` by hand.
fn stays_fast(text: &[u8], chunk: usize) -> bool {
    match Rows::open_split(Table::B2b, COLUMNS, text, Split::Fast(chunk)) {
        Ok(Some(mut rows)) => {
            while let Ok(true) = rows.advance() {}
            rows.in_fast_lane()
        }
        _ => true,
    }
}

const HEADERS: [&str; 4] = [
    "ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_i",
    " ctin , INUM,idt,val,pos,rchrg,num,rt,txval,iamt,,tx_i",
    "\u{feff}ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg",
    "ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_j",
];

/// Cells for each column of the first header: good values (spaced ones among them), then bad
/// and empty ones.
const POOLS: [(&[&str], &[&str]); 12] = [
    (
        &["27AAPFU0939F1ZV", "33GSPTN4811G1ZC", " 27AAPFU0939F1ZV"],
        &["27AAPFU0939F1ZX", ""],
    ),
    (&["A1", "A2", "A1 ", "\t A3"], &[""]),
    (
        &["01-07-2017", " 01-07-2017 "],
        &["02-07-2017", "31-02-2017", "1-7-2017", ""],
    ),
    (&["100.00", "100.00\t"], &["100.0", "-5", "1O0", ""]),
    (&["27", " 27"], &["33", "99", ""]),
    (&["N", "Y"], &["x", ""]),
    (&["1", "2", ""], &["0"]),
    (&["18", "5"], &["", "1e5"]),
    (&["100.00", " 7 "], &["", "abc"]),
    (&["18.00", "", " 1 "], &["1.2.3"]),
    (&["ip", "no", ""], &["zz"]),
    (&["18.00", "", "2"], &["-"]),
];

fn cell(
    (good, bad): (&'static [&'static str], &'static [&'static str]),
) -> BoxedStrategy<&'static str> {
    prop_oneof![12 => prop::sample::select(good), 1 => prop::sample::select(bad)].boxed()
}

const JUNK: [&[u8]; 8] = [
    b" ",
    b"x",
    b"\t",
    b"\x0c27\x0c",
    b" N",
    "\u{20b9}".as_bytes(),
    b"\xff",
    b"",
];
const QUOTED: [&[u8]; 6] = [
    b"\"A1\"",
    b" \"27\" ",
    b"\"a,b\"",
    b"\"x\ny\"",
    b"x\"y",
    b"\"\"\"\"",
];
const ENDS: [&[u8]; 12] = [
    b"\n",
    b"\n",
    b"\n",
    b"\r\n",
    b"\r\n",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\r\n\r\n",
    b"\n\r",
    b"\r\r",
    b"",
];

/// One line: a row of the first header's cells, made short, long, blank or spoilt.
fn line(odd: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    let cells: Vec<_> = POOLS.into_iter().map(cell).collect();
    (
        cells,
        0..20u8,
        0..13usize,
        prop::sample::select(odd),
        prop::sample::select(&ENDS[..]),
    )
        .prop_map(|(cells, how, at, odd, end)| {
            let mut cells: Vec<&[u8]> = cells.iter().map(|c| c.as_bytes()).collect();
            match how {
                0 => cells.truncate(at),
                1 => cells.extend([odd, b"x"].iter().take(at % 3)),
                2 => cells.iter_mut().for_each(|c| *c = b""),
                3 => cells = vec![b"  "],
                4 | 5 => {
                    if let Some(c) = cells.get_mut(at) {
                        *c = odd;
                    }
                }
                _ => {}
            }
            let mut line = cells.join(&b","[..]);
            line.extend_from_slice(end);
            line
        })
}

fn text(odd: &'static [&'static [u8]]) -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(&HEADERS[..]),
        prop::sample::select(&ENDS[..]),
        prop::collection::vec(line(odd), 0..40),
    )
        .prop_map(|(header, end, lines)| {
            let mut text = header.as_bytes().to_vec();
            if !end.is_empty() {
                text.extend_from_slice(end);
            } else {
                text.push(b'\n');
            }
            text.extend(lines.concat());
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Quote-free text: the fast lane, in any chunk size, reads what the csv crate reads.
    #[test]
    fn the_fast_lane_reads_as_the_csv_crate(
        text in text(&JUNK),
        chunk in 1..48usize,
        cap in prop::sample::select(vec![1usize, 3, 1000]),
    ) {
        let csv = read(&text[..], Split::Csv, cap);
        for chunk in [chunk, 64 << 10] {
            prop_assert!(stays_fast(&text, chunk));
            prop_assert_eq!(&read(&text[..], Split::Fast(chunk), cap), &csv);
        }
    }

    /// Any bytes of a small alphabet after a header (or as the header): both lanes agree.
    #[test]
    fn the_lanes_agree_on_any_bytes(
        header in prop::sample::select(vec![HEADERS[0], HEADERS[1], ""]),
        body in prop::collection::vec(
            prop::sample::select(b"a1, \t\r\n\"\xff".to_vec()), 0..200),
        chunk in 1..32usize,
    ) {
        let mut text = header.as_bytes().to_vec();
        text.extend_from_slice(&body);
        let csv = read(&text[..], Split::Csv, 1000);
        prop_assert_eq!(&read(&text[..], Split::Fast(chunk), 1000), &csv);
    }

    /// Read in small blocks on several threads: what the csv crate's lane reads on one.
    #[test]
    fn blocks_read_as_one_thread_does(
        text in text(&JUNK),
        block in 16..400usize,
        threads in 2..4usize,
    ) {
        let csv = read(&text[..], Split::Csv, 1000);
        let mut errors = Errors::new(1000);
        let grouped = read_docs_in_blocks::<Invoice, _, Grouped<Invoice>>(&text[..], &mut errors, threads, 0, block);
        let errors: Vec<String> = errors.list.iter().map(|e| format!("{e} {e:?}")).collect();
        prop_assert_eq!((&grouped.docs, &grouped.lines, &errors), (&csv.0, &csv.1, &csv.3));
    }

    /// With quotes: the fast lane hands over to the csv crate and still reads what it reads.
    #[test]
    fn the_fast_lane_hands_quotes_over(
        text in text(&QUOTED),
        chunk in 1..48usize,
    ) {
        let csv = read(&text[..], Split::Csv, 1000);
        for chunk in [chunk, 64 << 10] {
            prop_assert_eq!(&read(&text[..], Split::Fast(chunk), 1000), &csv);
        }
    }
}

/// Gives `piece` bytes a read, then fails after `len` bytes.
struct Failing<'a> {
    data: &'a [u8],
    len: usize,
    piece: usize,
}

impl Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.len == 0 {
            return Err(std::io::Error::other("the disk is gone"));
        }
        let n = buf.len().min(self.piece).min(self.len).min(self.data.len());
        let (head, tail) = self.data.split_at(n);
        buf.get_mut(..n).unwrap_or_default().copy_from_slice(head);
        self.data = tail;
        self.len -= n;
        Ok(n)
    }
}

#[test]
fn io_errors_are_met_on_the_same_line() {
    let text = "ctin,inum,idt,val,pos,rchrg,rt,txval\r\n\
                27AAPFU0939F1ZV,A1,01-07-2017,5,27,N,18,1\r\n\r\n\
                27AAPFU0939F1ZV,A2,01-07-2017,5,27,N,18,1\n\
                27AAPFU0939F1ZV,A3,01-07-2017,5,27,N,18,1\r\
                27AAPFU0939F1ZV,A\"4\",01-07-2017,5,27,N,18,1\n\
                27AAPFU0939F1ZV,A5,01-07-2017,5,27,N,18,1\n";
    let text = text.as_bytes();
    let mut lines_seen = std::collections::BTreeSet::new();
    for len in 0..=text.len() {
        for piece in [1, 7, 1000] {
            let failing = || Failing {
                data: text,
                len,
                piece,
            };
            let csv = read(failing(), Split::Csv, 1000);
            for chunk in [1, 5, 64 << 10] {
                assert_eq!(
                    read(failing(), Split::Fast(chunk), 1000),
                    csv,
                    "{len} {piece} {chunk}"
                );
            }
            lines_seen.extend(csv.3.iter().filter_map(|e| {
                e.split(" line ")
                    .nth(1)?
                    .split(':')
                    .next()
                    .map(str::to_owned)
            }));
        }
    }
    // The errors point at every line (the seventh after the last line end), not at one by
    // accident.
    assert_eq!(lines_seen.len(), 7, "{lines_seen:?}");
}

/// The texts above are not all errors: many give documents with items, many give errors of
/// several kinds, and some switch lanes midway.
#[test]
fn the_texts_give_documents_and_errors() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut kinds = std::collections::BTreeSet::new();
    let (mut with_docs, mut with_items) = (0, 0);
    for _ in 0..200 {
        let Ok(tree) = text(&JUNK).new_tree(&mut runner) else {
            continue;
        };
        let (docs, _, _, errors) = read(&tree.current()[..], Split::DEFAULT, 1000);
        with_docs += usize::from(!docs.is_empty());
        with_items += usize::from(docs.iter().any(|d| d.items.len() > 1));
        for kind in ["Cell {", "RowLength {", "Conflict {", "UnknownColumn {"] {
            if errors.iter().any(|e| e.contains(kind)) {
                kinds.insert(kind);
            }
        }
    }
    assert!(
        with_docs > 50 && with_items > 20,
        "{with_docs} {with_items}"
    );
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

/// Pieces look for quote chars on their own threads: a quote anywhere sends the whole input to
/// the one-thread reading, which gives what the csv crate's lane gives.
#[test]
fn a_quote_in_any_piece_falls_back_to_one_thread() {
    let mut text = String::from("ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_i\n");
    for i in 0..400 {
        for num in 1..=2 {
            text.push_str(&format!(
                "27AAPFU0939F1ZV,INV-{i},01-07-2017,100.00,27,N,{num},18,100.00,18.00,ip,18.00\n"
            ));
        }
    }
    assert!(read_pieces::<Invoice>(text.as_bytes(), 2).is_some());
    for at in [60, text.len() / 2, text.len() - 30] {
        let Some(cut) = text.get(at..).and_then(|t| t.find(",100.00,")) else {
            panic!("no amount after {at}");
        };
        let mut quoted = text.clone();
        quoted.replace_range(at + cut..at + cut + 8, ",\"100.00\",");
        assert!(
            read_pieces::<Invoice>(quoted.as_bytes(), 2).is_none(),
            "{at}"
        );
        let mut errors = Errors::new(10);
        let grouped: Grouped<Invoice> =
            assemble_docs(Input::Reader(quoted.as_bytes()), &mut errors, 2, 0);
        let (docs, lines, _, csv_errors) = read(quoted.as_bytes(), Split::Csv, 10);
        assert_eq!((grouped.docs, grouped.lines), (docs, lines), "{at}");
        assert!(
            errors.list.is_empty() && csv_errors.is_empty(),
            "{csv_errors:?}"
        );
    }
}

/// A register of `n` invoices with two rows each, CRLF or LF, a blank line now and then.
fn register(n: usize, eol: &str) -> String {
    let mut text = format!("ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_i{eol}");
    for i in 0..n {
        let ctin = ["27AAPFU0939F1ZV", "33GSPTN4811G1ZC"][i % 2];
        for num in 1..=2 {
            text.push_str(&format!(
                "{ctin},INV-{i},01-07-2017,100.00,27,N,{num},18,100.00,18.00,ip,18.00{eol}"
            ));
        }
        if i % 7 == 3 {
            text.push_str(&format!(",,,,,,,,,,,{eol}"));
        }
    }
    text
}

/// Clean registers are read in blocks (no fallback), whatever the block size and the number of
/// threads, and give what the one-thread reading gives.
#[test]
fn registers_are_read_in_blocks() {
    for eol in ["\n", "\r\n"] {
        let text = register(300, eol);
        let (docs, lines, _, errors) = read(text.as_bytes(), Split::Csv, 10);
        assert!(errors.is_empty() && docs.len() == 300, "{errors:?}");
        for block in [1, 50, 137, 1000, 4096, 1 << 20] {
            for threads in [1, 2, 3] {
                let streamed = stream::read_blocks::<Invoice, _, Grouped<Invoice>>(
                    Vec::new(),
                    &mut text.as_bytes(),
                    threads,
                    block,
                );
                let Streamed::Read(grouped) = streamed else {
                    panic!("fell back: {block} {threads} {eol:?}");
                };
                assert_eq!(grouped.docs, docs, "{block} {threads} {eol:?}");
                assert_eq!(grouped.lines, lines, "{block} {threads} {eol:?}");
            }
        }
    }
}

/// A header that ends with a lone CR, its line going on with a row: the blocks fall back (the
/// row is no part of the header to read again), and read as one thread does.
#[test]
fn a_header_line_with_a_row_falls_back() {
    let text = register(300, "\n").replacen('\n', "\r", 1);
    let (docs, lines, _, errors) = read(text.as_bytes(), Split::Csv, 10);
    assert!(errors.is_empty() && docs.len() == 300, "{errors:?}");
    let streamed = stream::read_blocks::<Invoice, _, Grouped<Invoice>>(
        Vec::new(),
        &mut text.as_bytes(),
        2,
        500,
    );
    assert!(matches!(streamed, Streamed::Again(..)));
    let mut errors = Errors::new(10);
    let grouped = read_docs_in_blocks::<Invoice, _, Grouped<Invoice>>(
        text.as_bytes(),
        &mut errors,
        2,
        0,
        500,
    );
    assert!(errors.list.is_empty());
    assert_eq!((grouped.docs, grouped.lines), (docs, lines));
}

/// An I/O error while reading in blocks surfaces as it does on one thread.
#[test]
fn io_errors_in_blocks_are_those_of_one_thread() {
    let text = register(40, "\n");
    let text = text.as_bytes();
    for len in (0..=text.len()).step_by(37) {
        let failing = || Failing {
            data: text,
            len,
            piece: 100,
        };
        let csv = read(failing(), Split::Csv, 1000);
        let mut errors = Errors::new(1000);
        let grouped =
            read_docs_in_blocks::<Invoice, _, Grouped<Invoice>>(failing(), &mut errors, 2, 0, 300);
        let errors: Vec<String> = errors.list.iter().map(|e| format!("{e} {e:?}")).collect();
        assert_eq!(
            (&grouped.docs, &grouped.lines, &errors),
            (&csv.0, &csv.1, &csv.3),
            "{len}"
        );
        assert_eq!(errors.len(), 1, "{len}");
    }
}
