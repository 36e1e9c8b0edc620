//! GSTIN: the 15-character Goods and Services Tax Identification Number.
//!
//! A GSTIN is checked for its shape (one of the forms GSTN issues, [`GstinKind`]), a valid state
//! code in its first two digits where the form carries one, and the mod-36 check character in its
//! last place (`docs/protocol.md` §12).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::state::StateCode;

const CODE_POINTS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A GSTIN (or UIN), stored inline as 15 ASCII bytes: `Copy`, cheap to hash and compare.
///
/// Made by [`Gstin::parse`] (also `FromStr` and serde), it is valid in every respect. Made by
/// [`Gstin::parse_as_sent`], as the readers of GSTN's own data make it, it has one of GSTN's
/// forms, and [`Gstin::verify`] tells whether its state code and check character are right.
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

/// The forms of GSTIN that GSTN issues (`docs/protocol.md` §12).
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
    ///
    /// This is the check for what a user types and for what is sent to GSTN. GSTIN's that GSTN
    /// itself sends are read with [`Gstin::parse_as_sent`].
    pub fn parse(input: &str) -> Result<Self, GstinError> {
        let gstin = Gstin::parse_as_sent(input)?;
        gstin.verify()?;
        Ok(gstin)
    }

    /// Parses a GSTIN as GSTN sends it: the length, the characters and the form are checked,
    /// the state code and the check character are not.
    ///
    /// GSTN's own files carry GSTINs that fail their check character or have state code `00`
    /// (its published samples do). Such a GSTIN still names the supplier GSTN knows by it, so
    /// the readers of what GSTN sends keep it and report it ([`crate::warning`]);
    /// [`Gstin::verify`] says what is wrong with it.
    ///
    /// ```
    /// use gstr2_model::Gstin;
    ///
    /// let sent = Gstin::parse_as_sent("01AABCE2207R1Z5")?;
    /// assert_eq!(sent.pan(), Some("AABCE2207R"));
    /// assert_eq!(
    ///     sent.verify().unwrap_err().to_string(),
    ///     "GSTIN 01AABCE2207R1Z5: check character is 5, expected V"
    /// );
    /// assert!(Gstin::parse("01AABCE2207R1Z5").is_err());
    /// assert!(Gstin::parse_as_sent("01AABCE2207R1Z").is_err()); // 14 characters
    /// # Ok::<(), gstr2_model::GstinError>(())
    /// ```
    pub fn parse_as_sent(input: &str) -> Result<Self, GstinError> {
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
        classify(&raw).map_err(|reason| GstinError::Shape {
            input: input.to_owned(),
            reason,
        })?;
        Ok(Gstin(raw))
    }

    /// Checks what [`Gstin::parse_as_sent`] leaves out: the state code in the first two places
    /// (for the forms that carry one) and the check character. Always `Ok` for a GSTIN made by
    /// [`Gstin::parse`].
    pub fn verify(&self) -> Result<(), GstinError> {
        let input = self.as_str();
        let kind = self.kind();
        if kind != GstinKind::UnBody && kind != GstinKind::Oidar && kind != GstinKind::NonResident {
            let code = &input[..2];
            if code.parse::<StateCode>().is_err() {
                return Err(GstinError::State {
                    input: input.to_owned(),
                    code: code.to_owned(),
                });
            }
        }
        let expected = check_character(&self.0[..14]);
        if self.0[14] != expected {
            return Err(GstinError::CheckDigit {
                input: input.to_owned(),
                found: self.0[14] as char,
                expected: expected as char,
            });
        }
        Ok(())
    }

    /// The GSTIN as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits and capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Which form this GSTIN has.
    pub fn kind(&self) -> GstinKind {
        // The form is checked at construction; `classify` cannot fail here.
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

/// A GSTIN as GSTN sent it, for `#[serde(deserialize_with = "crate::gstin::as_sent")]`: read with
/// [`Gstin::parse_as_sent`], written as any GSTIN.
pub(crate) fn as_sent<'de, D: Deserializer<'de>>(d: D) -> Result<Gstin, D::Error> {
    struct Sent;
    impl serde::de::Visitor<'_> for Sent {
        type Value = Gstin;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a GSTIN")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Gstin, E> {
            Gstin::parse_as_sent(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Sent)
}

/// A GSTIN as GSTN sent it, as a type of its own (read with [`as_sent`]).
#[derive(Deserialize)]
pub(crate) struct AsSent(#[serde(deserialize_with = "as_sent")] pub(crate) Gstin);

/// The same for an optional GSTIN (`#[serde(default, deserialize_with = …)]`); null is `None`.
pub(crate) fn option_as_sent<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Gstin>, D::Error> {
    Ok(Option::<AsSent>::deserialize(d)?.map(|AsSent(g)| g))
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
