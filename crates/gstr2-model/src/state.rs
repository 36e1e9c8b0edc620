//! State and union-territory codes: the first two digits of a GSTIN and the place of supply.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A state or union-territory code of GST (`01`–`38`, `96`, `97`, `99`).
///
/// `96` ("Other Countries") is valid only as a place of supply for exports, never in a GSTIN;
/// [`Gstin`](crate::Gstin) rejects it there.
///
/// ```
/// use gstr2_model::StateCode;
///
/// let pos: StateCode = "27".parse()?;
/// assert_eq!(pos.name(), "Maharashtra");
/// assert_eq!(pos.to_string(), "27");
/// assert!("40".parse::<StateCode>().is_err());
/// # Ok::<(), gstr2_model::StateCodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StateCode(u8);

/// Why a string is not a state code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a state code (01-38, 96, 97 or 99)")]
pub struct StateCodeError {
    /// The input as given.
    pub input: String,
}

const NAMES: [&str; 38] = [
    "Jammu and Kashmir",
    "Himachal Pradesh",
    "Punjab",
    "Chandigarh",
    "Uttarakhand",
    "Haryana",
    "Delhi",
    "Rajasthan",
    "Uttar Pradesh",
    "Bihar",
    "Sikkim",
    "Arunachal Pradesh",
    "Nagaland",
    "Manipur",
    "Mizoram",
    "Tripura",
    "Meghalaya",
    "Assam",
    "West Bengal",
    "Jharkhand",
    "Odisha",
    "Chhattisgarh",
    "Madhya Pradesh",
    "Gujarat",
    "Daman and Diu",
    "Dadra and Nagar Haveli and Daman and Diu",
    "Maharashtra",
    "Andhra Pradesh (before division)",
    "Karnataka",
    "Goa",
    "Lakshadweep",
    "Kerala",
    "Tamil Nadu",
    "Puducherry",
    "Andaman and Nicobar Islands",
    "Telangana",
    "Andhra Pradesh",
    "Ladakh",
];

impl StateCode {
    /// Other Countries: the place of supply of exports (`96`).
    pub const OTHER_COUNTRIES: StateCode = StateCode(96);
    /// Other Territory (`97`).
    pub const OTHER_TERRITORY: StateCode = StateCode(97);
    /// Centre Jurisdiction (`99`).
    pub const CENTRE_JURISDICTION: StateCode = StateCode(99);

    /// The state code with this number, if GST knows it.
    pub fn new(code: u8) -> Option<Self> {
        matches!(code, 1..=38 | 96 | 97 | 99).then_some(StateCode(code))
    }

    /// Every known code in ascending order.
    pub fn all() -> impl Iterator<Item = StateCode> {
        (1..=99u8).filter_map(StateCode::new)
    }

    /// The number, e.g. `27`.
    pub fn code(self) -> u8 {
        self.0
    }

    /// The state's or territory's name.
    pub fn name(self) -> &'static str {
        match self.0 {
            1..=38 => NAMES[usize::from(self.0) - 1],
            96 => "Other Countries",
            97 => "Other Territory",
            _ => "Centre Jurisdiction",
        }
    }
}

impl FromStr for StateCode {
    type Err = StateCodeError;
    /// Accepts exactly two digits (`"07"`), or one digit which is read as `0N`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || StateCodeError {
            input: s.to_owned(),
        };
        if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let n: u8 = s.parse().map_err(|_| err())?;
        StateCode::new(n).ok_or_else(err)
    }
}

impl fmt::Display for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}", self.0)
    }
}

impl fmt::Debug for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StateCode({:02} {})", self.0, self.name())
    }
}

impl TryFrom<String> for StateCode {
    type Error = StateCodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<StateCode> for String {
    fn from(s: StateCode) -> String {
        s.to_string()
    }
}

impl Serialize for StateCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for StateCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::codes::deserialize_parsed(d, "a two-digit state code")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names() {
        assert_eq!(StateCode::all().count(), 41);
        assert_eq!(
            "01".parse::<StateCode>().unwrap().name(),
            "Jammu and Kashmir"
        );
        assert_eq!("38".parse::<StateCode>().unwrap().name(), "Ladakh");
        assert_eq!(
            "96".parse::<StateCode>().unwrap(),
            StateCode::OTHER_COUNTRIES
        );
        for bad in ["00", "39", "95", "98", "100", "", "ab", "+1", " 7"] {
            assert!(bad.parse::<StateCode>().is_err(), "{bad}");
        }
        assert_eq!("7".parse::<StateCode>().unwrap().to_string(), "07");
    }
}
