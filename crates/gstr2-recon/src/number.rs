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
    // Tokens as byte ranges of `number`: no allocation per token.
    let mut tokens: Vec<(Class, usize, usize)> = Vec::with_capacity(6);
    let mut current: Option<(Class, usize)> = None;
    for (at, c) in number.char_indices() {
        let k = class(c);
        match current {
            Some((ck, _)) if ck == k => {}
            Some((ck, from)) => {
                if ck != Class::Separator {
                    tokens.push((ck, from, at));
                }
                current = Some((k, at));
            }
            None => current = Some((k, at)),
        }
    }
    if let Some((ck, from)) = current {
        if ck != Class::Separator {
            tokens.push((ck, from, number.len()));
        }
    }
    let text = |t: &(Class, usize, usize)| number.get(t.1..t.2).unwrap_or("");
    if let Some((at, len)) = fiscal_year_tokens(&tokens, number, fiscal_year(date)) {
        let numeric_left = tokens
            .iter()
            .enumerate()
            .any(|(j, t)| t.0 == Class::Digit && (j < at || j >= at + len));
        if numeric_left {
            tokens.drain(at..at + len);
        }
    }
    let mut out = String::with_capacity(number.len());
    for (i, t) in tokens.iter().enumerate() {
        if i > 0 {
            out.push('-');
        }
        let s = text(t);
        if t.0 == Class::Digit {
            let trimmed = s.trim_start_matches('0');
            out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
        } else if s.is_ascii() {
            out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.extend(s.chars().flat_map(char::to_lowercase));
        }
    }
    out
}

/// The value of a token of at most eight ASCII digits, with its length.
fn digits_value(s: &str) -> Option<(usize, i64)> {
    if s.is_empty() || s.len() > 8 {
        return None;
    }
    let mut v = 0i64;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    Some((s.len(), v))
}

/// Where the fiscal-year fragment starting in `start` is: (first token, number of tokens).
fn fiscal_year_tokens(
    tokens: &[(Class, usize, usize)],
    number: &str,
    start: i32,
) -> Option<(usize, usize)> {
    let (start, end) = (i64::from(start), i64::from(start) + 1);
    let (yy, ee) = (start.rem_euclid(100), end.rem_euclid(100));
    let value = |t: &(Class, usize, usize)| {
        if t.0 == Class::Digit {
            number.get(t.1..t.2).and_then(digits_value)
        } else {
            None
        }
    };
    let first = |v: (usize, i64)| v == (4, start) || v == (2, yy);
    let second = |v: (usize, i64)| v == (4, end) || v == (2, ee);
    let single = |v: (usize, i64)| {
        v == (4, yy * 100 + ee) || v == (6, start * 100 + ee) || v == (8, start * 10_000 + end)
    };
    for i in 0..tokens.len() {
        let Some(a) = tokens.get(i).and_then(value) else {
            continue;
        };
        if let Some(b) = tokens.get(i + 1).and_then(value) {
            if first(a) && second(b) {
                return Some((i, 2));
            }
        }
        if single(a) {
            return Some((i, 1));
        }
    }
    None
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
