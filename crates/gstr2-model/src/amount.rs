//! The one place that decides how money and rates travel (`Decimal`, never `f64`).
//!
//! JSON: numbers, read and written through serde_json's `arbitrary_precision`, so `729248.16`
//! never passes through a float; a quoted number is accepted on read. CSV: plain strings parsed
//! with [`parse`], written with [`format_into`] or [`write()`].
//!
//! Sums of amounts are checked ([`checked_sum`], [`crate::TaxAmounts::checked_add`]): one that
//! overflows a `Decimal` is an [`AmountOverflow`] naming the document, never a panic.
//!
//! Writing does not allocate: the digits are formatted into a buffer on the stack, exactly as
//! `Decimal`'s `Display` prints them (the scale's trailing zeros kept, `-0` for a negative zero),
//! and handed to serde_json as the same arbitrary-precision number rust_decimal's own
//! `serde::arbitrary_precision` writes, byte for byte.
//!
//! ```
//! use gstr2_model::amount;
//! use rust_decimal::Decimal;
//!
//! let mut buf = [0u8; amount::MAX_LEN];
//! assert_eq!(amount::format_into(&Decimal::new(-72924816, 2), &mut buf), "-729248.16");
//! assert_eq!(amount::format_into(&Decimal::new(5, 3), &mut buf), "0.005");
//!
//! let mut line = Vec::new();
//! amount::write(&Decimal::new(100050, 2), &mut line)?;
//! assert_eq!(line, b"1000.50");
//! # Ok::<(), std::io::Error>(())
//! ```

use rust_decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserializer, Serializer};

// The name serde_json's `arbitrary_precision` gives a number it writes verbatim: a struct of this
// name with one field of this name holding the number's text (what `serde_json::Number` emits).
//
// It is serde_json's private token, not its API: a release of serde_json may rename it, and the
// amounts would then be written as objects. `tests::json_numbers_keep_their_digits` and the
// byte-for-byte property against rust_decimal's own serializer fail if it does; the cure is the
// new token here, or rust_decimal's `serde-with-arbitrary-precision` writer.
use crate::sent::NUMBER_TOKEN;

/// The longest text an amount can take: a sign, `0.` and 28 decimals, or a sign, 29 digits and a
/// point.
pub const MAX_LEN: usize = 32;

/// Two-digit pairs `00` to `99`, to write two digits per division.
const PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The digits of `n` into the end of `out`; returns where they start (`out.len()` for zero).
fn u64_digits(mut n: u64, out: &mut [u8], end: usize) -> usize {
    let mut at = end;
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        at -= 2;
        out[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        at -= 2;
        out[at..at + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else if n > 0 {
        at -= 1;
        out[at] = b'0' + n as u8;
    }
    at
}

/// The digits of a 96-bit mantissa, right-aligned in `out`; returns where they start
/// (`out.len()` for zero: no digits).
fn mantissa_digits(m: u128, out: &mut [u8; 40]) -> usize {
    const TEN19: u128 = 10_000_000_000_000_000_000;
    let end = out.len();
    match u64::try_from(m) {
        Ok(small) => u64_digits(small, out, end),
        Err(_) => {
            // At most 29 digits: the low 19 zero-padded, the high ones (fewer than 11) before them.
            let (high, low) = ((m / TEN19) as u64, (m % TEN19) as u64);
            let mut at = u64_digits(low, out, end);
            while at > end - 19 {
                at -= 1;
                out[at] = b'0';
            }
            u64_digits(high, out, at)
        }
    }
}

/// Formats a decimal into `buf` exactly as its `Display` does, without allocating, and returns the
/// text: `1000.50`, `-0.05`, `0`, `-0`, `0.000`, `79228162514264337593543950335`.
pub fn format_into<'b>(value: &Decimal, buf: &'b mut [u8; MAX_LEN]) -> &'b str {
    let mut digits = [0u8; 40];
    let start = mantissa_digits(value.mantissa().unsigned_abs(), &mut digits);
    let digits = &digits[start..];
    let scale = value.scale() as usize;
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        buf[len..len + bytes.len()].copy_from_slice(bytes);
        len += bytes.len();
    };
    if value.is_sign_negative() {
        put(b"-");
    }
    if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        put(whole);
        if scale > 0 {
            put(b".");
            put(fraction);
        }
    } else {
        // No whole part: `0`, or `0.` and the fraction with its leading zeros.
        put(b"0");
        if scale > 0 {
            put(b".");
            for _ in digits.len()..scale {
                put(b"0");
            }
            put(digits);
        }
    }
    // Only ASCII digits, signs and points were written: the check cannot fail.
    std::str::from_utf8(&buf[..len]).unwrap_or_default()
}

/// Writes a decimal as its `Display` does (see [`format_into`]), without allocating.
pub fn write<W: std::io::Write + ?Sized>(value: &Decimal, out: &mut W) -> std::io::Result<()> {
    let mut buf = [0u8; MAX_LEN];
    out.write_all(format_into(value, &mut buf).as_bytes())
}

/// Serializes a decimal as a JSON number with its exact digits.
///
/// The output is byte for byte what `rust_decimal::serde::arbitrary_precision::serialize` writes,
/// without its two allocations per number.
pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    let mut buf = [0u8; MAX_LEN];
    let text = format_into(value, &mut buf);
    let mut number = s.serialize_struct(NUMBER_TOKEN, 1)?;
    number.serialize_field(NUMBER_TOKEN, text)?;
    number.end()
}

/// Deserializes a JSON number (or a quoted number) into a decimal, without a float round trip.
///
/// serde_json has already copied the number's text into a `String` before any visitor sees it
/// (`arbitrary_precision`), so a visitor of our own would save nothing over rust_decimal's.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    rust_decimal::serde::arbitrary_precision::deserialize(d)
}

/// The same for `Option<Decimal>`, with `#[serde(default, skip_serializing_if = "Option::is_none")]`.
pub mod option {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    /// Serializes `Some` as a JSON number, `None` as null.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => super::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    /// Deserializes an optional JSON number (or quoted number); null is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        rust_decimal::serde::arbitrary_precision_option::deserialize(d)
    }
}

/// Why a CSV cell is not an amount.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a number")]
pub struct AmountError {
    /// The input as given.
    pub input: String,
}

/// Parses a plain decimal as written in CSV (`1000.50`, `-12`, `.5`); no exponent, no grouping.
pub fn parse(input: &str) -> Result<Decimal, AmountError> {
    let ok = !input.is_empty()
        && input
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || b == b'.' || (i == 0 && (b == b'-' || b == b'+')));
    if !ok {
        return Err(AmountError {
            input: input.to_owned(),
        });
    }
    input.parse::<Decimal>().map_err(|_| AmountError {
        input: input.to_owned(),
    })
}

/// Amounts that add up beyond what a [`Decimal`] holds (about 7.9 × 10²⁸), and where: the
/// document, and what was being added up.
///
/// rust_decimal's `+`, `-`, `*` and `Sum` panic on overflow; every sum of amounts read from
/// input in this workspace is checked instead and gives this error. The document's section,
/// supplier and number name it as far as the sum knows them: a document's own sums (such as
/// [`B2bInvoice::tax`](crate::tables::b2b::B2bInvoice::tax)) know their section and number, and
/// the caller that knows the supplier adds it with [`AmountOverflow::with_supplier`]. A sum over
/// many documents names the document at which it overflowed.
///
/// ```
/// use gstr2_model::amount::AmountOverflow;
///
/// let e = AmountOverflow::new("its tax", "b2b", Some("S008400"))
///     .with_supplier("33GSPTN4811G1ZC".parse()?);
/// assert_eq!(e.section, "b2b");
/// assert_eq!(
///     e.to_string(),
///     "b2b document S008400 of supplier 33GSPTN4811G1ZC: adding up its tax overflows a decimal \
///      (about 7.9e28 at most)"
/// );
/// # Ok::<(), gstr2_model::GstinError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error(
    "{}: adding up {sum} overflows a decimal (about 7.9e28 at most)",
    where_of(.section, .supplier.as_ref(), .document.as_deref())
)]
pub struct AmountOverflow {
    /// What was being added up, as a phrase: `its tax`, `its taxable value`, `the summary's
    /// totals`.
    pub sum: &'static str,
    /// The section's wire key (`b2b`, `imp_g`, `nil_supplies`).
    pub section: &'static str,
    /// The supplier's GSTIN (`ctin`), where the section has one and the sum knows it.
    pub supplier: Option<crate::Gstin>,
    /// The document's number (`inum`, `nt_num`, `boe_num`, …), where it has one.
    pub document: Option<String>,
}

impl AmountOverflow {
    /// The overflow of `sum` over the document numbered `document` of `section` (`None` for
    /// the blocks without a number: `nil_supplies`, `itc_rvsl`).
    pub fn new(sum: &'static str, section: &'static str, document: Option<&str>) -> AmountOverflow {
        AmountOverflow {
            sum,
            section,
            supplier: None,
            document: document.map(str::to_owned),
        }
    }

    /// The same, with the document's supplier.
    pub fn with_supplier(mut self, supplier: crate::Gstin) -> AmountOverflow {
        self.supplier = Some(supplier);
        self
    }
}

/// `b2b document S1 of supplier 33GSPTN4811G1ZC`, `nil_supplies`.
fn where_of(section: &str, supplier: Option<&crate::Gstin>, document: Option<&str>) -> String {
    let mut parts = Vec::new();
    if !section.is_empty() {
        parts.push(section.to_owned());
    }
    if let Some(number) = document {
        parts.push(format!("document {number}"));
    }
    if let Some(supplier) = supplier {
        parts.push(format!("of supplier {supplier}"));
    }
    parts.join(" ")
}

/// `amount` counted with `sign`, +1 or -1 (e.g. a credit note's): `amount * sign` as
/// rust_decimal computes it, a zero becoming a plain `0`, but never a panic (only whether `sign`
/// is negative counts, and a decimal's range is symmetric).
///
/// ```
/// use gstr2_model::amount::signed;
/// use rust_decimal::Decimal;
///
/// let minus = Decimal::NEGATIVE_ONE;
/// assert_eq!(signed(Decimal::new(150, 2), minus).to_string(), "-1.50");
/// assert_eq!(signed(Decimal::new(0, 2), minus).to_string(), "0");
/// assert_eq!(signed(Decimal::MIN, minus), Decimal::MAX);
/// ```
pub fn signed(amount: Decimal, sign: Decimal) -> Decimal {
    if amount.is_zero() {
        Decimal::ZERO
    } else if sign.is_sign_negative() {
        -amount
    } else {
        amount
    }
}

/// The sum of `amounts`, or `None` where it overflows a [`Decimal`] (checked at every step, in
/// order).
///
/// ```
/// use gstr2_model::amount::checked_sum;
/// use rust_decimal::Decimal;
///
/// assert_eq!(checked_sum([Decimal::ONE, Decimal::TWO]), Some(Decimal::from(3)));
/// assert_eq!(checked_sum([Decimal::MAX, Decimal::ONE]), None);
/// ```
pub fn checked_sum(amounts: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    amounts
        .into_iter()
        .try_fold(Decimal::ZERO, |sum, a| sum.checked_add(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    /// The limit the docs of [`AmountOverflow`] (and of the sums across the workspace) give:
    /// about 7.9 × 10²⁸.
    #[test]
    fn a_decimal_holds_about_7_9_times_10_to_the_28() {
        let max = Decimal::MAX.to_string();
        assert_eq!((max.len(), &max[..2]), (29, "79"), "{max}");
    }

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct T {
        #[serde(with = "super")]
        v: Decimal,
        #[serde(
            with = "super::option",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        o: Option<Decimal>,
    }

    #[test]
    fn json_numbers_keep_their_digits() {
        let text = r#"{"v":729248.160,"o":0.1}"#;
        let t: T = serde_json::from_str(text).unwrap();
        assert_eq!(t.v.to_string(), "729248.160");
        assert_eq!(serde_json::to_string(&t).unwrap(), text);
        let big = r#"{"v":12345678901234567.89}"#;
        let t: T = serde_json::from_str(big).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), big);
        let quoted: T = serde_json::from_str(r#"{"v":"10.50"}"#).unwrap();
        assert_eq!(quoted.v.to_string(), "10.50");
    }

    /// Decimals over the whole range: every scale 0..=28, both signs (negative zero included),
    /// mantissas small, around `u64::MAX` and up to 96 bits.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        let mantissa = prop_oneof![
            0u128..1000,
            0u128..10_000_000_000,
            (u64::MAX as u128 - 1000)..(u64::MAX as u128 + 1000),
            0u128..(1u128 << 96),
        ];
        (mantissa, any::<bool>(), 0u32..=28).prop_map(|(m, negative, scale)| {
            // Negated rather than built negative: from_parts drops the sign of a zero.
            let d = Decimal::from_parts(m as u32, (m >> 32) as u32, (m >> 64) as u32, false, scale);
            if negative {
                -d
            } else {
                d
            }
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn format_into_is_display(d in any_decimal()) {
            let mut buf = [0u8; MAX_LEN];
            proptest::prop_assert_eq!(format_into(&d, &mut buf), d.to_string());
            let mut out = Vec::new();
            write(&d, &mut out).unwrap();
            proptest::prop_assert_eq!(out, d.to_string().into_bytes());
        }

        #[test]
        fn serialize_is_rust_decimals_byte_for_byte(d in any_decimal(), o in proptest::option::of(any_decimal())) {
            #[derive(Serialize)]
            struct Theirs {
                #[serde(with = "rust_decimal::serde::arbitrary_precision")]
                v: Decimal,
                #[serde(with = "rust_decimal::serde::arbitrary_precision_option")]
                o: Option<Decimal>,
            }
            #[derive(Serialize)]
            struct Ours {
                #[serde(with = "super")]
                v: Decimal,
                #[serde(with = "super::option")]
                o: Option<Decimal>,
            }
            let ours = serde_json::to_string(&Ours { v: d, o }).unwrap();
            let theirs = serde_json::to_string(&Theirs { v: d, o }).unwrap();
            proptest::prop_assert_eq!(&ours, &theirs);
            let ours = serde_json::to_value(Ours { v: d, o }).unwrap();
            let theirs = serde_json::to_value(Theirs { v: d, o }).unwrap();
            proptest::prop_assert_eq!(&ours, &theirs);
            let back: T = serde_json::from_str(&serde_json::to_string(&ours).unwrap()).unwrap();
            proptest::prop_assert_eq!(back.v, d);
            // Reading `-0` gives a zero without its sign (rust_decimal's parse): digits and scale
            // come back, the sign of a zero does not.
            if !d.is_zero() {
                proptest::prop_assert_eq!(back.v.to_string(), d.to_string());
            }
        }
    }

    #[test]
    fn formats_the_corner_cases_as_display() {
        let mut buf = [0u8; MAX_LEN];
        for (d, text) in [
            (Decimal::ZERO, "0"),
            (-Decimal::ZERO, "-0"),
            (Decimal::new(0, 3), "0.000"),
            (-Decimal::new(0, 2), "-0.00"),
            // from_parts drops the sign of a zero
            (Decimal::from_parts(0, 0, 0, true, 2), "0.00"),
            (Decimal::new(5, 2), "0.05"),
            (Decimal::new(-5, 2), "-0.05"),
            (Decimal::new(1, 28), "0.0000000000000000000000000001"),
            (Decimal::MAX, "79228162514264337593543950335"),
            (Decimal::MIN, "-79228162514264337593543950335"),
            (
                Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 28),
                "-7.9228162514264337593543950335",
            ),
            (
                Decimal::from(10_000_000_000_000_000_000u64),
                "10000000000000000000",
            ),
            (Decimal::new(100050, 2), "1000.50"),
        ] {
            assert_eq!(d.to_string(), text);
            assert_eq!(format_into(&d, &mut buf), text);
        }
    }

    #[test]
    fn csv_amounts() {
        assert_eq!(parse("1000.50").unwrap().to_string(), "1000.50");
        for bad in ["", "1,000", "1e5", "abc", "1-", "--1", " 1"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
