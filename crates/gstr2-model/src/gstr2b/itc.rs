//! The ITC summary of a GSTR-2B (`itcsumm`): a tree of amounts.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, MapAccess};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::sent::{probe, ObjectReader, Probed};
use crate::TaxAmounts;

/// A node of GSTR-2B's ITC summary (`itcsumm`): its amounts and its named children.
///
/// The tree as GSTN writes it:
///
/// ```text
/// itcsumm.{itcavl | itcunavl | itcRejected | itcrev}
///   .nonrevsup.{b2b, b2ba, cdnr, cdnra, ecom, ecoma}   .isdsup.{isd, isda}
///   .revsup.{b2b, b2ba, cdnr, cdnra}                    .imports.{impg, impgsez, impga, impgasez}
///   .othersup.{cdnr, cdnra, cdnrrev, cdnrarev, isd, isda}
/// ```
///
/// Every node may carry `txval`, `igst`, `cgst`, `sgst` and `cess`. Every node is read, those
/// GSTN adds later too, and written back the same: a number under any other key is kept in
/// [`ItcNode::other_amounts`], an object is a child; text, null and arrays are skipped.
///
/// ```
/// use gstr2_model::gstr2b::ItcNode;
/// use gstr2_model::json;
///
/// let itcsumm: ItcNode = json::from_str(r#"{"itcavl":{"nonrevsup":{"igst":180,
///   "b2b":{"txval":1000,"igst":180},"tcs":{"igst":1}}}}"#)?;
/// let b2b = itcsumm.get(&["itcavl", "nonrevsup", "b2b"]).expect("listed");
/// assert_eq!(b2b.tax().igst.to_string(), "180");
/// assert_eq!(b2b.taxable_value.map(|v| v.to_string()).as_deref(), Some("1000"));
/// let sections: Vec<_> = itcsumm.children["itcavl"].sections().map(|(g, s, _)| (g, s)).collect();
/// assert_eq!(sections, [("nonrevsup", "b2b"), ("nonrevsup", "tcs")]);
/// assert_eq!(json::from_str::<ItcNode>(&json::to_string(&itcsumm)?)?, itcsumm);
/// # Ok::<(), json::JsonError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItcNode {
    /// Taxable value (`txval`), in newer 2Bs.
    pub taxable_value: Option<Decimal>,
    /// Integrated tax (`igst`).
    pub igst: Option<Decimal>,
    /// Central tax (`cgst`).
    pub cgst: Option<Decimal>,
    /// State or union-territory tax (`sgst`).
    pub sgst: Option<Decimal>,
    /// Cess (`cess`).
    pub cess: Option<Decimal>,
    /// Amounts under other keys, by key.
    pub other_amounts: BTreeMap<String, Decimal>,
    /// The named children (`itcavl`, `nonrevsup`, `b2b`, …), by key.
    pub children: BTreeMap<String, ItcNode>,
}

/// The wire keys of [`ItcNode`]'s own amounts, in the order written.
const AMOUNT_KEYS: [&str; 5] = ["txval", "igst", "cgst", "sgst", "cess"];

impl ItcNode {
    /// The four tax heads, absent ones as zero.
    pub fn tax(&self) -> TaxAmounts {
        TaxAmounts {
            igst: self.igst.unwrap_or_default(),
            cgst: self.cgst.unwrap_or_default(),
            sgst: self.sgst.unwrap_or_default(),
            cess: self.cess.unwrap_or_default(),
        }
    }

    /// The child under `key`.
    pub fn child(&self, key: &str) -> Option<&ItcNode> {
        self.children.get(key)
    }

    /// The node at the end of `keys`, one child per key (`&["nonrevsup", "b2b"]`); this node
    /// for none.
    pub fn get(&self, keys: &[&str]) -> Option<&ItcNode> {
        keys.iter().try_fold(self, |node, key| node.child(key))
    }

    /// The grandchildren: each group (`nonrevsup`, `revsup`, …) with each of its sections
    /// (`b2b`, `cdnr`, …), in key order. On `itcavl` or `itcRejected`, this is ITC per
    /// section.
    pub fn sections(&self) -> impl Iterator<Item = (&str, &str, &ItcNode)> {
        self.children.iter().flat_map(|(group, node)| {
            node.children
                .iter()
                .map(move |(section, leaf)| (group.as_str(), section.as_str(), leaf))
        })
    }

    fn amount_mut(&mut self, key: &str) -> Option<&mut Option<Decimal>> {
        match key {
            "txval" => Some(&mut self.taxable_value),
            "igst" => Some(&mut self.igst),
            "cgst" => Some(&mut self.cgst),
            "sgst" => Some(&mut self.sgst),
            "cess" => Some(&mut self.cess),
            _ => None,
        }
    }

    fn amounts(&self) -> [Option<Decimal>; 5] {
        [
            self.taxable_value,
            self.igst,
            self.cgst,
            self.sgst,
            self.cess,
        ]
    }
}

/// An amount written as [`crate::amount`] writes it.
struct Amount<'a>(&'a Decimal);

impl Serialize for Amount<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        crate::amount::serialize(self.0, s)
    }
}

impl Serialize for ItcNode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let own = self.amounts();
        let len = own.iter().flatten().count() + self.other_amounts.len() + self.children.len();
        let mut map = s.serialize_map(Some(len))?;
        for (key, amount) in AMOUNT_KEYS.iter().zip(&own) {
            if let Some(amount) = amount {
                map.serialize_entry(key, &Amount(amount))?;
            }
        }
        for (key, amount) in &self.other_amounts {
            map.serialize_entry(key, &Amount(amount))?;
        }
        for (key, child) in &self.children {
            map.serialize_entry(key, child)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ItcNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match probe(d, NodeReader)? {
            Probed::Object(node) => Ok(node),
            _ => Err(serde::de::Error::custom(
                "expected an object of ITC amounts",
            )),
        }
    }
}

struct NodeReader;

impl<'de> ObjectReader<'de> for NodeReader {
    type Value = ItcNode;

    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ItcNode, A::Error> {
        struct Value;
        impl<'de> DeserializeSeed<'de> for Value {
            type Value = Probed<ItcNode>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                probe(d, NodeReader)
            }
        }
        let mut node = ItcNode::default();
        let mut key = first;
        while let Some(k) = key {
            match map.next_value_seed(Value)? {
                Probed::Amount(amount) => match node.amount_mut(&k) {
                    Some(slot) => *slot = Some(amount),
                    None => {
                        node.other_amounts.insert(k, amount);
                    }
                },
                Probed::Object(child) => {
                    node.children.insert(k, child);
                }
                Probed::Text(_) | Probed::Skipped => {}
            }
            key = map.next_key()?;
        }
        Ok(node)
    }
}
