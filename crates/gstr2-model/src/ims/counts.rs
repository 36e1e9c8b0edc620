//! The answer of GETCNT ([`ImsCounts`]): counts per goods type, section and action, read
//! leniently.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::de::{DeserializeSeed, Deserializer, MapAccess};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::sent::{probe, ObjectReader, Probed};

/// The answer of `GETCNT`: record counts per goods type (`all_oth`, `inv_supp_isd`, …), section
/// and action.
///
/// Counts may be numbers or strings; keys GSTN adds are read as they come, and anything that
/// is not a count or a section of counts is skipped.
///
/// ```
/// use gstr2_model::ims::ImsCounts;
///
/// let counts: ImsCounts = gstr2_model::json::from_str(r#"{"all_oth":{
///   "b2b":{"noaction":3,"accept":"2","reject":0,"pending":1},"ttl_cnt":"6"}}"#)?;
/// let others = counts.others().expect("all_oth");
/// assert_eq!(others.total, Some(6));
/// assert_eq!(others.sections["b2b"].accepted, 2);
/// assert_eq!(others.sections["b2b"].total(), 6);
/// let written = gstr2_model::json::to_string(&counts)?;
/// assert_eq!(gstr2_model::json::from_str::<ImsCounts>(&written)?, counts);
/// # Ok::<(), gstr2_model::json::JsonError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImsCounts {
    /// The counts by goods type (`all_oth`, `inv_supp_isd`, …).
    pub groups: BTreeMap<String, ImsCountGroup>,
}

impl ImsCounts {
    /// The counts of the sections IMS acts on (`all_oth`).
    pub fn others(&self) -> Option<&ImsCountGroup> {
        self.groups.get("all_oth")
    }
}

/// The counts of one goods type: per section, and in all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImsCountGroup {
    /// The counts by section key (`b2b`, `b2bcn`, `isd`, …).
    pub sections: BTreeMap<String, ImsActionCounts>,
    /// All records of the goods type (`ttl_cnt`).
    pub total: Option<u64>,
}

/// The records of one section by the recipient's action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImsActionCounts {
    /// No action (`noaction`).
    #[serde(rename = "noaction")]
    pub no_action: u64,
    /// Accepted (`accept`).
    #[serde(rename = "accept")]
    pub accepted: u64,
    /// Rejected (`reject`).
    #[serde(rename = "reject")]
    pub rejected: u64,
    /// Pending (`pending`).
    #[serde(rename = "pending")]
    pub pending: u64,
}

impl ImsActionCounts {
    /// All four added up, saturating (counts never come near `u64::MAX`).
    pub fn total(&self) -> u64 {
        self.no_action
            .saturating_add(self.accepted)
            .saturating_add(self.rejected)
            .saturating_add(self.pending)
    }
}

/// A count from an amount read by [`probe`]: a whole number from 0 up.
fn count<E: serde::de::Error>(amount: Decimal) -> Result<u64, E> {
    if amount.fract().is_zero() {
        if let Some(n) = amount.to_u64() {
            return Ok(n);
        }
    }
    Err(E::custom(format_args!("{amount} is not a count")))
}

/// A count, or nothing for any other value.
struct CountSeed;

impl<'de> DeserializeSeed<'de> for CountSeed {
    type Value = Option<u64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
        match probe(d, SkipObject)? {
            Probed::Amount(amount) => count::<D::Error>(amount).map(Some),
            _ => Ok(None),
        }
    }
}

struct SkipObject;

impl<'de> ObjectReader<'de> for SkipObject {
    type Value = ();
    fn read<A: MapAccess<'de>>(self, first: Option<String>, mut map: A) -> Result<(), A::Error> {
        if first.is_some() {
            map.next_value::<serde::de::IgnoredAny>()?;
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {}
        }
        Ok(())
    }
}

struct ActionCountsReader;

impl<'de> ObjectReader<'de> for ActionCountsReader {
    type Value = ImsActionCounts;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ImsActionCounts, A::Error> {
        let mut counts = ImsActionCounts::default();
        let mut key = first;
        while let Some(k) = key {
            let n = map.next_value_seed(CountSeed)?;
            let slot = match k.as_str() {
                "noaction" => Some(&mut counts.no_action),
                "accept" => Some(&mut counts.accepted),
                "reject" => Some(&mut counts.rejected),
                "pending" => Some(&mut counts.pending),
                _ => None,
            };
            if let (Some(slot), Some(n)) = (slot, n) {
                *slot = n;
            }
            key = map.next_key()?;
        }
        Ok(counts)
    }
}

struct GroupReader;

impl<'de> ObjectReader<'de> for GroupReader {
    type Value = ImsCountGroup;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ImsCountGroup, A::Error> {
        struct SectionSeed;
        impl<'de> DeserializeSeed<'de> for SectionSeed {
            type Value = Probed<ImsActionCounts>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                probe(d, ActionCountsReader)
            }
        }
        let mut group = ImsCountGroup::default();
        let mut key = first;
        while let Some(k) = key {
            match map.next_value_seed(SectionSeed)? {
                Probed::Amount(amount) if k == "ttl_cnt" => group.total = Some(count(amount)?),
                Probed::Object(counts) => {
                    group.sections.insert(k, counts);
                }
                _ => {}
            }
            key = map.next_key()?;
        }
        Ok(group)
    }
}

struct CountsReader;

impl<'de> ObjectReader<'de> for CountsReader {
    type Value = ImsCounts;
    fn read<A: MapAccess<'de>>(
        self,
        first: Option<String>,
        mut map: A,
    ) -> Result<ImsCounts, A::Error> {
        struct GroupSeed;
        impl<'de> DeserializeSeed<'de> for GroupSeed {
            type Value = Probed<ImsCountGroup>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                probe(d, GroupReader)
            }
        }
        let mut counts = ImsCounts::default();
        let mut key = first;
        while let Some(k) = key {
            if let Probed::Object(group) = map.next_value_seed(GroupSeed)? {
                counts.groups.insert(k, group);
            }
            key = map.next_key()?;
        }
        Ok(counts)
    }
}

fn expect_object<T, E: serde::de::Error>(probed: Probed<T>, what: &str) -> Result<T, E> {
    match probed {
        Probed::Object(value) => Ok(value),
        _ => Err(E::custom(format_args!("expected {what}"))),
    }
}

impl<'de> Deserialize<'de> for ImsCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        expect_object(probe(d, CountsReader)?, "an object of IMS counts")
    }
}

impl<'de> Deserialize<'de> for ImsCountGroup {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        expect_object(probe(d, GroupReader)?, "an object of IMS counts by section")
    }
}

impl<'de> Deserialize<'de> for ImsActionCounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        expect_object(
            probe(d, ActionCountsReader)?,
            "an object of counts by action",
        )
    }
}

impl Serialize for ImsCounts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(&self.groups)
    }
}

impl Serialize for ImsCountGroup {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let len = self.sections.len() + usize::from(self.total.is_some());
        let mut map = s.serialize_map(Some(len))?;
        for (key, counts) in &self.sections {
            map.serialize_entry(key, counts)?;
        }
        if let Some(total) = self.total {
            map.serialize_entry("ttl_cnt", &total)?;
        }
        map.end()
    }
}

impl fmt::Display for ImsActionCounts {
    /// `no action 3, accepted 2, rejected 0, pending 1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no action {}, accepted {}, rejected {}, pending {}",
            self.no_action, self.accepted, self.rejected, self.pending
        )
    }
}
