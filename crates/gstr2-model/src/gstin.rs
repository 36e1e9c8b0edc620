//! GSTIN: the 15-character Goods and Services Tax Identification Number.
//!
//! A GSTIN is checked for its shape (one of the forms GSTN issues, [`GstinKind`]), a valid state
//! code in its first two digits where the form carries one, and the mod-36 check character in its
//! last place (`gstn-api.md` §6).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::state::StateCode;

const CODE_POINTS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A validated GSTIN (or UIN), stored inline as 15 ASCII bytes: `Copy`, cheap to hash and compare.
///
/// ```
/// use gstr2_model::{Gstin, GstinKind};
///
/// let gstin: Gstin = "27AAPFU0939F1ZV".parse()?;
/// assert_eq!(gstin.kind(), GstinKind::Regular);
/// assert_eq!(gstin.state_code().map(|s| s.code()), Some(27));
/// assert_eq!(gstin.pan(), Some("AAPFU0939F"));
///
/// let err = "27AAPFU0939F1ZX".parse::<Gstin>().unwrap_err();
/// assert_eq!(err.to_string(), "GSTIN 27AAPFU0939F1ZX: check character is X, expected V");
/// # Ok::<(), gstr2_model::GstinError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gstin([u8; 15]);

/// The forms of GSTIN that GSTN issues (`gstn-api.md` §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum GstinKind {
    /// A normal taxpayer: state code, PAN, entity number, `Z`, check character.
    Regular,
    /// A government department without a PAN: state code, department id, `Z`, check character.
    GovernmentDepartment,
    /// A tax deductor at source (TDS): state code, TAN, digit, `D`, check character.
    TaxDeductor,
    /// A tax collector at source (TCS, e-commerce operators): state code, PAN, digit, `C`.
    TaxCollector,
    /// A UN body, embassy or other notified person (UIN): `…UN`/`…ON` in places 13 and 14.
    UnBody,
    /// A non-resident taxable person: `NR` in places 13 and 14.
    NonResident,
    /// A non-resident online information and database access or retrieval (OIDAR) provider:
    /// begins with `99`, `OS` in places 13 and 14.
    Oidar,
}

/// Why a string is not a GSTIN. Each variant names what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GstinError {
    /// Not 15 characters long.
    #[error("GSTIN {input:?}: is {len} characters long, expected 15")]
    Length {
        /// The input as given.
        input: String,
        /// Its length in characters.
        len: usize,
    },
    /// A character other than `0-9` or `A-Z`.
    #[error("GSTIN {input}: character {position} ({found:?}) is not a digit or a capital letter")]
    Character {
        /// The input as given.
        input: String,
        /// 1-based position of the character.
        position: usize,
        /// The character found.
        found: char,
    },
    /// The state code in the first two places is not one GSTN knows.
    #[error("GSTIN {input}: {code:?} is not a state code")]
    State {
        /// The input as given.
        input: String,
        /// The first two characters.
        code: String,
    },
    /// The characters fit none of the GSTIN forms.
    #[error("GSTIN {input}: {reason}")]
    Shape {
        /// The input as given.
        input: String,
        /// Which part does not fit, and what was expected.
        reason: &'static str,
    },
    /// The check character does not match the other fourteen.
    #[error("GSTIN {input}: check character is {found}, expected {expected}")]
    CheckDigit {
        /// The input as given.
        input: String,
        /// The 15th character as given.
        found: char,
        /// The check character computed from the first 14.
        expected: char,
    },
}

impl Gstin {
    /// Parses and validates a GSTIN: length, characters, form, state code and check character.
    pub fn parse(input: &str) -> Result<Self, GstinError> {
        let bytes = input.as_bytes();
        if bytes.len() != 15 {
            return Err(GstinError::Length {
                input: input.to_owned(),
                len: input.chars().count(),
            });
        }
        for (i, &b) in bytes.iter().enumerate() {
            if !(b.is_ascii_digit() || b.is_ascii_uppercase()) {
                return Err(GstinError::Character {
                    input: input.to_owned(),
                    position: i + 1,
                    found: input[i..].chars().next().unwrap_or('?'),
                });
            }
        }
        let mut raw = [0u8; 15];
        raw.copy_from_slice(bytes);
        let kind = classify(&raw).map_err(|reason| GstinError::Shape {
            input: input.to_owned(),
            reason,
        })?;
        if kind != GstinKind::UnBody && kind != GstinKind::Oidar && kind != GstinKind::NonResident {
            let code = &input[..2];
            if code.parse::<StateCode>().is_err() {
                return Err(GstinError::State {
                    input: input.to_owned(),
                    code: code.to_owned(),
                });
            }
        }
        let expected = check_character(&raw[..14]);
        if raw[14] != expected {
            return Err(GstinError::CheckDigit {
                input: input.to_owned(),
                found: raw[14] as char,
                expected: expected as char,
            });
        }
        Ok(Gstin(raw))
    }

    /// The GSTIN as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Which form this GSTIN has.
    pub fn kind(&self) -> GstinKind {
        // Validated at construction; `classify` cannot fail here.
        classify(&self.0).unwrap_or(GstinKind::Regular)
    }

    /// The state code of the first two places, for forms that carry one.
    pub fn state_code(&self) -> Option<StateCode> {
        match self.kind() {
            GstinKind::UnBody | GstinKind::Oidar | GstinKind::NonResident => None,
            _ => self.as_str()[..2].parse().ok(),
        }
    }

    /// The PAN in places 3 to 12, for forms built on a PAN (regular and TCS).
    ///
    /// Reconciliation groups suppliers by PAN when their GSTINs differ between states.
    pub fn pan(&self) -> Option<&str> {
        match self.kind() {
            GstinKind::Regular | GstinKind::TaxCollector => Some(&self.as_str()[2..12]),
            _ => None,
        }
    }
}

/// Computes the mod-36 check character of the first fourteen characters of a GSTIN.
///
/// Characters outside `0-9A-Z` count as zero; [`Gstin::parse`] rejects them before this runs.
pub fn check_character(first14: &[u8]) -> u8 {
    let mut total = 0u32;
    for (i, &b) in first14.iter().enumerate() {
        let value = CODE_POINTS.iter().position(|&c| c == b).unwrap_or(0) as u32;
        let product = value * if i % 2 == 0 { 1 } else { 2 };
        total += product / 36 + product % 36;
    }
    CODE_POINTS[((36 - total % 36) % 36) as usize]
}

fn is_pan(p: &[u8]) -> bool {
    p.len() == 10
        && p[..5].iter().all(u8::is_ascii_uppercase)
        && p[5..9].iter().all(u8::is_ascii_digit)
        && p[9].is_ascii_uppercase()
}

fn is_tan_like(p: &[u8]) -> bool {
    p.len() == 10
        && p[..4].iter().all(u8::is_ascii_uppercase)
        && p[4..9].iter().all(u8::is_ascii_digit)
        && p[9].is_ascii_uppercase()
}

fn classify(g: &[u8; 15]) -> Result<GstinKind, &'static str> {
    let digits = |r: std::ops::Range<usize>| g[r].iter().all(u8::is_ascii_digit);
    let letters = |r: std::ops::Range<usize>| g[r].iter().all(u8::is_ascii_uppercase);
    // Forms without a state code first: they are told apart by places 13 and 14.
    if digits(0..4) && letters(4..7) && digits(7..12) {
        match (g[12], g[13]) {
            (b'U' | b'O', b'N') => return Ok(GstinKind::UnBody),
            (b'O', b'S') if &g[..2] == b"99" => return Ok(GstinKind::Oidar),
            (b'N', b'R') => return Ok(GstinKind::NonResident),
            _ => {}
        }
    }
    if !digits(0..2) {
        return Err("places 1 and 2 must be the state code digits");
    }
    let body = &g[2..12];
    match g[13] {
        b'D' if is_tan_like(body) && g[12].is_ascii_digit() => Ok(GstinKind::TaxDeductor),
        b'C' if is_pan(body) && g[12].is_ascii_digit() => Ok(GstinKind::TaxCollector),
        b'Z' if is_tan_like(body) && g[12].is_ascii_digit() && g[14].is_ascii_digit() => {
            Ok(GstinKind::GovernmentDepartment)
        }
        b'Z' | b'1'..=b'9' | b'A' | b'B' | b'D'..=b'J' => {
            if !is_pan(body) {
                Err("places 3 to 12 must be a PAN: five letters, four digits, a letter")
            } else if g[12] == b'0' {
                Err("place 13, the entity number, must be 1-9 or A-Z")
            } else {
                Ok(GstinKind::Regular)
            }
        }
        _ => Err("place 14 must be Z (or the code of a TDS, TCS, UN, NRI or OIDAR GSTIN)"),
    }
}

impl FromStr for Gstin {
    type Err = GstinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Gstin::parse(s)
    }
}

impl TryFrom<String> for Gstin {
    type Error = GstinError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Gstin::parse(&s)
    }
}

impl From<Gstin> for String {
    fn from(g: Gstin) -> String {
        g.as_str().to_owned()
    }
}

impl AsRef<str> for Gstin {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Gstin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Gstin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Gstin({})", self.as_str())
    }
}

impl Serialize for Gstin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Gstin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        crate::codes::deserialize_parsed(d, "a GSTIN")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_valid_gstins() {
        for g in [
            "33GSPTN4811G1ZC",
            "33GSPTN3741G1Z9",
            "27AAPFU0939F1ZV",
            "01AAAAP1208Q1ZS",
        ] {
            let parsed = Gstin::parse(g).unwrap();
            assert_eq!(parsed.as_str(), g);
            assert_eq!(parsed.kind(), GstinKind::Regular);
        }
    }

    #[test]
    fn spec_samples_fail_the_check_digit() {
        let err = Gstin::parse("01AABCE2207R1Z5").unwrap_err();
        assert_eq!(
            err,
            GstinError::CheckDigit {
                input: "01AABCE2207R1Z5".into(),
                found: '5',
                expected: 'V'
            }
        );
    }

    fn with_check(first14: &str) -> String {
        let c = check_character(first14.as_bytes()) as char;
        format!("{first14}{c}")
    }

    #[test]
    fn other_forms() {
        let cases = [
            ("07DELA12345B1D", GstinKind::TaxDeductor),
            ("07AAACA1234B1C", GstinKind::TaxCollector),
            ("0717UNO00157UN", GstinKind::UnBody),
            ("9917USA29001OS", GstinKind::Oidar),
            ("2717USA12345NR", GstinKind::NonResident),
        ];
        for (first14, kind) in cases {
            let g = with_check(first14);
            assert_eq!(Gstin::parse(&g).unwrap().kind(), kind, "{g}");
            assert_eq!(
                Gstin::parse(&g).unwrap().pan().is_some(),
                kind == GstinKind::TaxCollector
            );
        }
        // A government department's GSTIN ends in a digit: find department ids whose check is one.
        let gov = (0..100)
            .map(|n| with_check(&format!("07DELH{n:05}A1Z")))
            .find(|g| g.as_bytes()[14].is_ascii_digit())
            .unwrap();
        assert_eq!(
            Gstin::parse(&gov).unwrap().kind(),
            GstinKind::GovernmentDepartment
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let msg = |s: &str| Gstin::parse(s).unwrap_err().to_string();
        assert!(msg("27AAPFU0939F1Z").contains("14 characters long"));
        assert!(msg("27aapfu0939F1ZV").contains("character 3"));
        assert!(msg("40AAPFU0939F1ZV").contains("not a state code"));
        assert!(msg("27AAPF10939F1ZV").contains("PAN"));
        assert!(msg("27AAPFU0939F1ZX").contains("check character is X, expected V"));
    }

    #[test]
    fn serde_round_trip() {
        let g: Gstin = serde_json::from_str("\"27AAPFU0939F1ZV\"").unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"27AAPFU0939F1ZV\"");
        let err = serde_json::from_str::<Gstin>("\"27AAPFU0939F1ZX\"").unwrap_err();
        assert!(err.to_string().contains("check character"));
    }
}
