//! Pass 3, **exact** ([`Rule::Exact`]): a taxpayer document and a GSTR2A document of the same
//! supplier with the same type, number as written and date pair. Of several with one key, they
//! pair in canonical order, each taxpayer document with the first GSTR2A document it may pair
//! with (not paired, not unlinked from it).
//!
//! A merge of the two sides, which are in canonical order (which starts with the key): linear.
//! GSTR2A holds at most one document per key and section (repeats are folded when the side is
//! read), so the GSTR2A documents of one key are at most two (`b2b` and `b2ba`, or `cdn` and
//! `cdna`).

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::Group;
use crate::engine::doc::Doc;
use crate::report::{DocKind, Rule};

/// What pass 3 compares: the key as written, less the supplier (one group is one supplier's).
fn key<'d>(d: &Doc<'d>) -> (DocKind, &'d str, NaiveDate) {
    (d.kind, d.number, d.date)
}

impl Group<'_, '_> {
    /// Pairs the documents of the same key as written.
    pub(super) fn exact(&mut self) {
        let (mut i, mut j) = (0, 0);
        while i < self.own.len() && j < self.counterparty.len() {
            let (a, b) = (key(self.own_doc(i)), key(self.counterparty_doc(j)));
            match a.cmp(&b) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let i2 = (i..self.own.len())
                        .find(|&k| key(self.own_doc(k)) != a)
                        .unwrap_or(self.own.len());
                    let j2 = (j..self.counterparty.len())
                        .find(|&k| key(self.counterparty_doc(k)) != a)
                        .unwrap_or(self.counterparty.len());
                    for oi in i..i2 {
                        if let Some(ci) = (j..j2).find(|&ci| self.allowed(oi, ci)) {
                            self.pair(oi, ci, Rule::Exact);
                        }
                    }
                    i = i2;
                    j = j2;
                }
            }
        }
    }
}
