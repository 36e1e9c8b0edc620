//! Dates in GSTN's `DD-MM-YYYY` form, for serde (`#[serde(with = "crate::date")]`) and for CSV.

use chrono::NaiveDate;
use serde::{Deserializer, Serializer};

/// Why a string is not a `DD-MM-YYYY` date.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a date DD-MM-YYYY: {reason}")]
pub struct DateError {
    /// The input as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Parses `DD-MM-YYYY`; impossible dates such as `31-02-2017` fail.
///
/// ```
/// use gstr2_model::date::parse;
///
/// assert_eq!(parse("24-11-2016")?.to_string(), "2016-11-24");
/// assert!(parse("31-02-2017").unwrap_err().to_string().contains("no such day"));
/// # Ok::<(), gstr2_model::date::DateError>(())
/// ```
pub fn parse(input: &str) -> Result<NaiveDate, DateError> {
    let b = input.as_bytes();
    let err = |reason| DateError {
        input: input.to_owned(),
        reason,
    };
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[2] != b'-'
        || b[5] != b'-'
        || !digits(0..2)
        || !digits(3..5)
        || !digits(6..10)
    {
        return Err(err("expected DD-MM-YYYY"));
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    let (day, month, year) = (num(0..2), num(3..5), num(6..10));
    if !(1..=12).contains(&month) {
        return Err(err("month must be 01 to 12"));
    }
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| err("no such day in that month"))
}

/// `DD-MM-YYYY` written by hand into a buffer, for years 0 to 9999; `None` for the others, which
/// chrono writes with a sign or more digits (`+10000`, `-0001`).
fn format_into(date: NaiveDate, buf: &mut [u8; 10]) -> Option<&str> {
    use chrono::Datelike;
    let year = u32::try_from(date.year()).ok().filter(|y| *y <= 9999)?;
    let two = |n: u32| [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
    let [d1, d2] = two(date.day());
    let [m1, m2] = two(date.month());
    let [y1, y2] = two(year / 100);
    let [y3, y4] = two(year % 100);
    *buf = [d1, d2, b'-', m1, m2, b'-', y1, y2, y3, y4];
    std::str::from_utf8(buf).ok()
}

/// Formats a date as `DD-MM-YYYY` (as chrono's `%d-%m-%Y`, also for years beyond 0 to 9999).
pub fn format(date: NaiveDate) -> String {
    let mut buf = [0u8; 10];
    match format_into(date, &mut buf) {
        Some(text) => text.to_owned(),
        None => date.format("%d-%m-%Y").to_string(),
    }
}

/// A date shown as `DD-MM-YYYY` without allocating, for `write!` and `Display` users:
/// `format!("{}", Ddmmyyyy(date))` is [`format(date)`](fn@format).
///
/// ```
/// use chrono::NaiveDate;
/// use gstr2_model::date::Ddmmyyyy;
///
/// let date = NaiveDate::from_ymd_opt(2017, 7, 24).unwrap();
/// assert_eq!(Ddmmyyyy(date).to_string(), "24-07-2017");
/// let mut line = Vec::new();
/// gstr2_model::date::write(date, &mut line)?;
/// assert_eq!(line, b"24-07-2017");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ddmmyyyy(pub NaiveDate);

impl std::fmt::Display for Ddmmyyyy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut buf = [0u8; 10];
        match format_into(self.0, &mut buf) {
            Some(text) => f.write_str(text),
            None => write!(f, "{}", self.0.format("%d-%m-%Y")),
        }
    }
}

/// Writes a date as `DD-MM-YYYY` (see [`format()`]) without allocating.
pub fn write<W: std::io::Write + ?Sized>(date: NaiveDate, out: &mut W) -> std::io::Result<()> {
    let mut buf = [0u8; 10];
    match format_into(date, &mut buf) {
        Some(text) => out.write_all(text.as_bytes()),
        None => write!(out, "{}", date.format("%d-%m-%Y")),
    }
}

/// Serializes a date as `DD-MM-YYYY`, without allocating.
pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; 10];
    match format_into(*date, &mut buf) {
        Some(text) => s.serialize_str(text),
        None => s.collect_str(&date.format("%d-%m-%Y")),
    }
}

/// Deserializes a `DD-MM-YYYY` date.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a date DD-MM-YYYY")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<NaiveDate, E> {
            parse(v).map_err(E::custom)
        }
    }
    d.deserialize_str(V)
}

/// The same for `Option<NaiveDate>`, with `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod option {
    use chrono::NaiveDate;
    use serde::{Deserializer, Serializer};

    /// Serializes `Some(date)` as `DD-MM-YYYY`, `None` as null.
    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => super::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    /// Deserializes an optional `DD-MM-YYYY` date; null and `""` are `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let s: Option<std::borrow::Cow<'de, str>> = serde::Deserialize::deserialize(d)?;
        match s.as_deref() {
            None | Some("") => Ok(None),
            Some(v) => super::parse(v).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_as_chrono_does() {
        let chrono = |d: NaiveDate| d.format("%d-%m-%Y").to_string();
        let mut checked = 0;
        // Every day of years -1 to 10001 would be slow in debug: every day of 1990-2040, and one
        // day in 37 elsewhere, plus chrono's extremes.
        let mut day = NaiveDate::from_ymd_opt(-1, 1, 1).unwrap();
        let last = NaiveDate::from_ymd_opt(10_001, 12, 31).unwrap();
        let dense = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap()
            ..NaiveDate::from_ymd_opt(2040, 1, 1).unwrap();
        let mut line = Vec::new();
        while day <= last {
            assert_eq!(format(day), chrono(day), "{day:?}");
            assert_eq!(Ddmmyyyy(day).to_string(), chrono(day), "{day:?}");
            line.clear();
            write(day, &mut line).unwrap();
            assert_eq!(line, chrono(day).into_bytes(), "{day:?}");
            let json = serde_json::to_string(&Wrapper(day)).unwrap();
            assert_eq!(json, format!("\"{}\"", chrono(day)));
            checked += 1;
            let step = if dense.contains(&day) { 1 } else { 37 };
            day += chrono::Duration::days(step);
        }
        assert!(checked > 100_000, "{checked}");
        for d in [
            NaiveDate::MIN,
            NaiveDate::MAX,
            NaiveDate::from_ymd_opt(0, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        ] {
            assert_eq!(format(d), chrono(d), "{d:?}");
            assert_eq!(Ddmmyyyy(d).to_string(), chrono(d), "{d:?}");
            assert_eq!(
                serde_json::to_string(&Wrapper(d)).unwrap(),
                format!("\"{}\"", chrono(d))
            );
        }
    }

    #[derive(serde::Serialize)]
    struct Wrapper(#[serde(with = "super")] NaiveDate);

    #[test]
    fn parse_dates() {
        assert_eq!(format(parse("29-02-2020").unwrap()), "29-02-2020");
        for bad in [
            "29-02-2019",
            "31-04-2018",
            "00-01-2018",
            "1-1-2018",
            "2018-01-01",
            "01-13-2018",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
