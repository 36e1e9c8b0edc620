//! Document-number normalisation: how `INV/2023-24/0042` and `inv-42` become the same number.
//!
//! The rule, applied in this order:
//! 1. Split the number into tokens: runs of letters and runs of digits. Every other character
//!    (`/ - _ . space`, and any other punctuation) only separates tokens; a change from letters to
//!    digits also starts a new token (`INV42` is `inv`, `42`).
//! 2. Letters are lowercased.
//! 3. The document's own fiscal-year fragment is removed once, at its first occurrence: for a date
//!    in April 2023 to March 2024, the token pairs `2023 24`, `2023 2024`, `23 24` (whatever the
//!    separator: `2023-24`, `23/24`) or the single tokens `2324`, `202324`, `20232024`. Only the
//!    fiscal year of the document's date counts, and only when a numeric token remains after it
//!    (so a number that is nothing but `23-24` keeps it).
//! 4. Leading zeros are removed from each numeric token (`0042` is `42`, `000` is `0`).
//! 5. The tokens are joined with `-`, so `1-11` and `11-1` stay apart.
//!
//! ```
//! use chrono::NaiveDate;
//! use gstr2_recon::number::normalise;
//!
//! let date = NaiveDate::from_ymd_opt(2023, 9, 15).unwrap();
//! assert_eq!(normalise("INV/2023-24/0042", date), "inv-42");
//! assert_eq!(normalise("inv-42", date), "inv-42");
//! assert_eq!(normalise("INV42", date), "inv-42");
//! assert_ne!(normalise("1", date), normalise("11", date));
//! assert_ne!(normalise("A/101", date), normalise("A/1010", date));
//! // Another fiscal year's fragment is part of the number.
//! assert_eq!(normalise("INV/2022-23/42", date), "inv-2022-23-42");
//! ```

use chrono::{Datelike, NaiveDate};

/// The start year of the Indian fiscal year (April to March) a date falls in.
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Alpha,
    Digit,
    Separator,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_alphanumeric() {
        Class::Alpha
    } else {
        Class::Separator
    }
}

/// Normalises a document number for comparison, given the document's date (see the module docs
/// for the rule). The result is empty only when the number has no letter or digit.
pub fn normalise(number: &str, date: NaiveDate) -> String {
    let mut tokens: Vec<(Class, String)> = Vec::with_capacity(4);
    let mut current: Option<(Class, String)> = None;
    for c in number.chars() {
        let k = class(c);
        match (&mut current, k) {
            (_, Class::Separator) => {
                if let Some(t) = current.take() {
                    tokens.push(t);
                }
            }
            (Some((ck, s)), k) if *ck == k => s.extend(c.to_lowercase()),
            (_, k) => {
                if let Some(t) = current.take() {
                    tokens.push(t);
                }
                current = Some((k, c.to_lowercase().collect()));
            }
        }
    }
    if let Some(t) = current.take() {
        tokens.push(t);
    }
    strip_fiscal_year(&mut tokens, fiscal_year(date));
    let mut out = String::with_capacity(number.len());
    for (i, (k, s)) in tokens.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        if *k == Class::Digit {
            let t = s.trim_start_matches('0');
            out.push_str(if t.is_empty() { "0" } else { t });
        } else {
            out.push_str(s);
        }
    }
    out
}

fn strip_fiscal_year(tokens: &mut Vec<(Class, String)>, start: i32) {
    let end = start + 1;
    let firsts = [format!("{start}"), format!("{:02}", start.rem_euclid(100))];
    let seconds = [format!("{end}"), format!("{:02}", end.rem_euclid(100))];
    let singles = [
        format!("{:02}{:02}", start.rem_euclid(100), end.rem_euclid(100)),
        format!("{start}{:02}", end.rem_euclid(100)),
        format!("{start}{end}"),
    ];
    let digits = |t: &(Class, String)| t.0 == Class::Digit;
    let mut found: Option<(usize, usize)> = None;
    for i in 0..tokens.len() {
        let Some(a) = tokens.get(i).filter(|t| digits(t)) else {
            continue;
        };
        if let Some(b) = tokens.get(i + 1).filter(|t| digits(t)) {
            if firsts.contains(&a.1) && seconds.contains(&b.1) {
                found = Some((i, 2));
                break;
            }
        }
        if singles.contains(&a.1) {
            found = Some((i, 1));
            break;
        }
    }
    if let Some((at, len)) = found {
        let numeric_left = tokens
            .iter()
            .enumerate()
            .any(|(j, t)| digits(t) && (j < at || j >= at + len));
        if numeric_left {
            tokens.drain(at..at + len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn fiscal_year_fragments() {
        let date = d(2024, 2, 1); // FY 2023-24
        for n in [
            "INV/2023-24/0042",
            "inv-2023-2024-42",
            "INV 23-24 042",
            "inv/23/24/42",
            "INV2324-42",
            "inv_202324_0042",
            "INV.20232024.42",
            "inv-42",
            "INV42",
        ] {
            assert_eq!(normalise(n, date), "inv-42", "{n}");
        }
    }

    #[test]
    fn only_the_documents_own_fiscal_year() {
        assert_eq!(normalise("INV/2024-25/42", d(2024, 2, 1)), "inv-2024-25-42");
        assert_eq!(normalise("INV/2024-25/42", d(2024, 4, 1)), "inv-42");
    }

    #[test]
    fn a_number_made_of_the_year_keeps_it() {
        assert_eq!(normalise("23-24", d(2023, 5, 1)), "23-24");
        assert_eq!(normalise("INV/2324", d(2023, 5, 1)), "inv-2324");
    }

    #[test]
    fn distinct_numbers_stay_distinct() {
        let date = d(2023, 5, 1);
        assert_ne!(normalise("1", date), normalise("11", date));
        assert_ne!(normalise("A/101", date), normalise("A/1010", date));
        assert_ne!(normalise("1-11", date), normalise("11-1", date));
        assert_eq!(normalise("000", date), "0");
        assert_eq!(normalise("//", date), "");
    }
}
