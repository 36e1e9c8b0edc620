use super::cell::{parse_decimal, Gstins};
use super::header::suggest;
use super::row::slot_mask;
use super::Rows;
use crate::{Gstin, Table};

#[test]
fn fast_decimals_match_the_general_parser() {
    for s in [
        "0",
        "1000.50",
        "-12",
        "+7.25",
        ".5",
        "5.",
        "0.00",
        "123456789012345678",
        "1234567890123456789.5",
        "-0",
        "-0.00",
        "1.2.3",
        "",
        "-",
        ".",
        "1e5",
        "1,0",
    ] {
        let fast = parse_decimal(s.as_bytes()).map(|d| d.to_string()).ok();
        let general = crate::amount::parse(s).map(|d| d.to_string()).ok();
        assert_eq!(fast, general, "{s}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 256, ..proptest::prelude::ProptestConfig::default()
    })]

    /// Short strings of digits, points and signs: the fast path agrees with the general
    /// parser, value and scale.
    #[test]
    fn fast_decimals_match_on_any_digits(s in "[-+]?[0-9.]{0,21}") {
        let fast = parse_decimal(s.as_bytes()).map(|d| d.to_string()).ok();
        let general = crate::amount::parse(&s).map(|d| d.to_string()).ok();
        proptest::prop_assert_eq!(fast, general);
    }
}

fn lines_of(text: &str) -> Vec<(u64, String)> {
    let mut rows = Rows::open(Table::Txi, crate::csv::txi::COLUMNS, text.as_bytes())
        .unwrap()
        .unwrap();
    let mut out = Vec::new();
    while rows.advance().unwrap() {
        let row = rows.row().unwrap();
        out.push((
            row.line(),
            String::from_utf8_lossy(row.raw(0usize)).into_owned(),
        ));
    }
    out
}

#[test]
fn rows_know_their_lines() {
    let expected = |v: &[(u64, &str)]| {
        v.iter()
            .map(|(l, s)| (*l, s.to_string()))
            .collect::<Vec<_>>()
    };
    let header = "pos,sply_ty,rt,adamt";
    for eol in ["\n", "\r\n"] {
        let text = [
            header,
            "27,INTRA,1,1",
            "",
            "29,INTER,1,1",
            ",,,",
            "07,INTER,1,1",
        ]
        .join(eol);
        assert_eq!(
            lines_of(&text),
            expected(&[(2, "27"), (4, "29"), (6, "07")]),
            "{eol:?}"
        );
        let text = format!("\u{feff}{header}{eol}\"2\n7\",INTRA,1,1{eol}\"29\",INTER,1,1{eol}");
        assert_eq!(
            lines_of(&text),
            expected(&[(2, "2\n7"), (4, "29")]),
            "{eol:?}"
        );
    }
    let spaced = format!("{header}\n  \"27\" ,INTRA,1,1\n");
    assert_eq!(lines_of(&spaced), expected(&[(2, "27")]));
}

/// The spans are not cleared between rows: a cell emptied in the next row reads empty,
/// and a shorter row is refused rather than read with the last row's cells.
#[test]
fn cells_are_those_of_the_current_row() {
    let text = "pos,sply_ty,rt,adamt\n27,INTRA,5,100\n29,,,7\n07,INTER\n,,,\n33,INTER,1,\n";
    let mut rows = Rows::open(Table::Txi, crate::csv::txi::COLUMNS, text.as_bytes())
        .unwrap()
        .unwrap();
    let mut seen = Vec::new();
    while rows.advance().unwrap() {
        let cells = rows.row().map(|row| {
            let cells: Vec<String> = (0..4usize)
                .map(|c| String::from_utf8_lossy(row.raw(c)).into_owned())
                .collect();
            (cells.join("|"), row.any_filled(slot_mask(&[1, 2])))
        });
        seen.push(cells.map_err(|e| e.to_string()));
    }
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0], Ok(("27|INTRA|5|100".to_owned(), true)));
    assert_eq!(seen[1], Ok(("29|||7".to_owned(), false)));
    let short = seen[2].as_ref().unwrap_err();
    assert!(short.contains("line 4"), "{short}");
    assert_eq!(seen[3], Ok(("33|INTER|1|".to_owned(), true)));
}

#[test]
fn cached_gstins_parse_as_gstin_parse_does() {
    let cache = Gstins::default();
    let mut texts: Vec<String> = (0..3000u32)
        .map(|i| {
            let first14 = format!("27AAPFU{:04}F1Z", i % 10_000);
            let check = char::from(crate::gstin::check_character(first14.as_bytes()));
            format!("{first14}{check}")
        })
        .collect();
    let valid = texts.len();
    for i in 0..valid / 3 {
        let spoilt = texts.get(i).map(|t| t.replacen("27", "99", 1));
        texts.extend(spoilt);
        let lower = texts.get(i).map(|t| t.to_ascii_lowercase());
        texts.extend(lower);
    }
    texts.push("27AAPFU0939F1ZX".into());
    // Twice over, in two orders: the second pass hits the cache wherever it can.
    for round in 0..2 {
        for (k, text) in texts.iter().enumerate() {
            let text = if round == 0 {
                text
            } else {
                texts.get((k * 7919) % texts.len()).unwrap_or(text)
            };
            let cached = cache.parse(text).map_err(|e| e.to_string());
            let parsed = Gstin::parse(text).map_err(|e| e.to_string());
            assert_eq!(cached, parsed, "{text}");
        }
    }
    let hits = texts
        .iter()
        .take(valid)
        .filter(|t| {
            cache
                .0
                .iter()
                .any(|slot| slot.get().is_some_and(|g| g.as_str() == t.as_str()))
        })
        .count();
    assert!(hits > 500 && hits < valid, "{hits}");
}

#[test]
fn suggestions_are_close_names() {
    assert_eq!(suggest("ctim", ["ctin", "cfs", "inum"]), Some("ctin"));
    assert_eq!(suggest("IDT", ["ctin", "idt"]), Some("idt"));
    assert_eq!(suggest("something", ["ctin", "idt"]), None);
}
