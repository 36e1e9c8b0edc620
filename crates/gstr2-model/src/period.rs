//! The return period, `MMYYYY` (`fp`, `ret_period`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A monthly return period, written `MMYYYY` on the wire (`fp`, `ret_period`).
///
/// ```
/// use gstr2_model::ReturnPeriod;
///
/// let fp: ReturnPeriod = "072017".parse()?;
/// assert_eq!((fp.month(), fp.year()), (7, 2017));
/// assert_eq!(fp.to_string(), "072017");
/// assert_eq!(fp.financial_year(), "2017-18");
/// # Ok::<(), gstr2_model::ReturnPeriodError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReturnPeriod {
    // Field order makes the derived ordering chronological.
    year: u16,
    month: u8,
}

/// Why a string is not a return period.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a return period: {reason}")]
pub struct ReturnPeriodError {
    /// The input as given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl ReturnPeriod {
    /// The period of `month` (1–12) in `year` (2017–9999: GST began in July 2017).
    pub fn new(month: u8, year: u16) -> Option<Self> {
        ((1..=12).contains(&month) && (2017..=9999).contains(&year))
            .then_some(ReturnPeriod { year, month })
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The calendar year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The Indian financial year (April to March) the period falls in, e.g. `2017-18`.
    pub fn financial_year(self) -> String {
        let start = if self.month >= 4 {
            self.year
        } else {
            self.year - 1
        };
        format!("{}-{:02}", start, (start + 1) % 100)
    }

    /// The first day of the period.
    pub fn first_day(self) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(i32::from(self.year), u32::from(self.month), 1)
            .unwrap_or_default()
    }
}

impl FromStr for ReturnPeriod {
    type Err = ReturnPeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| ReturnPeriodError {
            input: s.to_owned(),
            reason,
        };
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err("expected six digits MMYYYY"));
        }
        let month: u8 = s[..2]
            .parse()
            .map_err(|_| err("expected six digits MMYYYY"))?;
        let year: u16 = s[2..]
            .parse()
            .map_err(|_| err("expected six digits MMYYYY"))?;
        if !(1..=12).contains(&month) {
            return Err(err("month must be 01 to 12"));
        }
        ReturnPeriod::new(month, year).ok_or_else(|| err("year must be 2017 or later"))
    }
}

impl fmt::Display for ReturnPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}{:04}", self.month, self.year)
    }
}

impl fmt::Debug for ReturnPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReturnPeriod({self})")
    }
}

impl TryFrom<String> for ReturnPeriod {
    type Error = ReturnPeriodError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<ReturnPeriod> for String {
    fn from(p: ReturnPeriod) -> String {
        p.to_string()
    }
}

impl Serialize for ReturnPeriod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ReturnPeriod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::codes::deserialize_parsed(d, "a return period MMYYYY")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_order() {
        let a: ReturnPeriod = "122017".parse().unwrap();
        let b: ReturnPeriod = "012018".parse().unwrap();
        assert!(a < b);
        assert_eq!(b.financial_year(), "2017-18");
        for bad in ["132017", "002017", "12017", "072016", "07-2017", ""] {
            assert!(bad.parse::<ReturnPeriod>().is_err(), "{bad}");
        }
    }
}
