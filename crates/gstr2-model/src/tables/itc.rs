//! Table 15, `itc`: reversal of input tax credit for a return period.
//!
//! Wire key `itc_rvsl`: one amount block per rule (`rule2_2`, `rule7_1_m`, `rule8_1_h`,
//! `rule7_2_a`, `rule7_2_b`, `revitc`, `other`). The CSV format's CSV has only the four amounts, with no
//! rule: see the table's CSV mapping for how rows name their rule.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::codes::CodeError;
use crate::item::TaxAmounts;

/// ITC reversed in the period, per rule (`itc_rvsl`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItcReversal {
    /// Amount in terms of rule 37(2) (`rule2_2`).
    #[serde(rename = "rule2_2", default, skip_serializing_if = "Option::is_none")]
    pub rule2_2: Option<ReversalAmounts>,
    /// Amount in terms of rule 42(1)(m) (`rule7_1_m`).
    #[serde(rename = "rule7_1_m", default, skip_serializing_if = "Option::is_none")]
    pub rule7_1_m: Option<ReversalAmounts>,
    /// Amount in terms of rule 43(1)(h) (`rule8_1_h`).
    #[serde(rename = "rule8_1_h", default, skip_serializing_if = "Option::is_none")]
    pub rule8_1_h: Option<ReversalAmounts>,
    /// Amount in terms of rule 42(2)(a) (`rule7_2_a`).
    #[serde(rename = "rule7_2_a", default, skip_serializing_if = "Option::is_none")]
    pub rule7_2_a: Option<ReversalAmounts>,
    /// Amount in terms of rule 42(2)(b) (`rule7_2_b`).
    #[serde(rename = "rule7_2_b", default, skip_serializing_if = "Option::is_none")]
    pub rule7_2_b: Option<ReversalAmounts>,
    /// On account of amount paid subsequent to reversal of ITC (`revitc`).
    #[serde(rename = "revitc", default, skip_serializing_if = "Option::is_none")]
    pub revitc: Option<ReversalAmounts>,
    /// Any other liability (`other`).
    #[serde(rename = "other", default, skip_serializing_if = "Option::is_none")]
    pub other: Option<ReversalAmounts>,
}

impl ItcReversal {
    /// The block of one rule.
    pub fn get(&self, rule: ReversalRule) -> Option<&ReversalAmounts> {
        self.slot(rule).as_ref()
    }

    /// Sets the block of one rule, returning the one it replaces.
    pub fn set(&mut self, rule: ReversalRule, amounts: ReversalAmounts) -> Option<ReversalAmounts> {
        self.slot_mut(rule).replace(amounts)
    }

    /// The rules that have a block, in [`ReversalRule::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (ReversalRule, &ReversalAmounts)> {
        ReversalRule::ALL
            .into_iter()
            .filter_map(move |r| self.get(r).map(|a| (r, a)))
    }

    fn slot(&self, rule: ReversalRule) -> &Option<ReversalAmounts> {
        match rule {
            ReversalRule::Rule2_2 => &self.rule2_2,
            ReversalRule::Rule7_1M => &self.rule7_1_m,
            ReversalRule::Rule8_1H => &self.rule8_1_h,
            ReversalRule::Rule7_2A => &self.rule7_2_a,
            ReversalRule::Rule7_2B => &self.rule7_2_b,
            ReversalRule::Revitc => &self.revitc,
            ReversalRule::Other => &self.other,
        }
    }

    fn slot_mut(&mut self, rule: ReversalRule) -> &mut Option<ReversalAmounts> {
        match rule {
            ReversalRule::Rule2_2 => &mut self.rule2_2,
            ReversalRule::Rule7_1M => &mut self.rule7_1_m,
            ReversalRule::Rule8_1H => &mut self.rule8_1_h,
            ReversalRule::Rule7_2A => &mut self.rule7_2_a,
            ReversalRule::Rule7_2B => &mut self.rule7_2_b,
            ReversalRule::Revitc => &mut self.revitc,
            ReversalRule::Other => &mut self.other,
        }
    }
}

/// The ITC reversed under one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReversalAmounts {
    /// IGST (`iamt`).
    #[serde(
        rename = "iamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub igst: Option<Decimal>,
    /// CGST (`camt`).
    #[serde(
        rename = "camt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cgst: Option<Decimal>,
    /// SGST (`samt`).
    #[serde(
        rename = "samt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sgst: Option<Decimal>,
    /// Cess (`csamt`).
    #[serde(
        rename = "csamt",
        with = "crate::amount::option",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub cess: Option<Decimal>,
}

impl ReversalAmounts {
    /// The four heads, absent heads as zero.
    pub fn tax(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cgst: self.cgst.unwrap_or_default(),
            sgst: self.sgst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
        }
    }
}

/// The rules under which ITC is reversed: the keys of `itc_rvsl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReversalRule {
    /// Rule 37(2) (`rule2_2`).
    Rule2_2,
    /// Rule 42(1)(m) (`rule7_1_m`).
    Rule7_1M,
    /// Rule 43(1)(h) (`rule8_1_h`).
    Rule8_1H,
    /// Rule 42(2)(a) (`rule7_2_a`).
    Rule7_2A,
    /// Rule 42(2)(b) (`rule7_2_b`).
    Rule7_2B,
    /// Amount paid subsequent to reversal (`revitc`).
    Revitc,
    /// Any other liability (`other`).
    Other,
}

impl ReversalRule {
    /// Every rule in wire order.
    pub const ALL: [ReversalRule; 7] = [
        ReversalRule::Rule2_2,
        ReversalRule::Rule7_1M,
        ReversalRule::Rule8_1H,
        ReversalRule::Rule7_2A,
        ReversalRule::Rule7_2B,
        ReversalRule::Revitc,
        ReversalRule::Other,
    ];

    /// The key in `itc_rvsl`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReversalRule::Rule2_2 => "rule2_2",
            ReversalRule::Rule7_1M => "rule7_1_m",
            ReversalRule::Rule8_1H => "rule8_1_h",
            ReversalRule::Rule7_2A => "rule7_2_a",
            ReversalRule::Rule7_2B => "rule7_2_b",
            ReversalRule::Revitc => "revitc",
            ReversalRule::Other => "other",
        }
    }
}

impl FromStr for ReversalRule {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        ReversalRule::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| CodeError {
                input: s.to_owned(),
                list: "itc rule",
                expected: &[
                    "rule2_2",
                    "rule7_1_m",
                    "rule8_1_h",
                    "rule7_2_a",
                    "rule7_2_b",
                    "revitc",
                    "other",
                ],
            })
    }
}

impl fmt::Display for ReversalRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
