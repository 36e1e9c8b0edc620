//! Pass 5, **amendment across sides** ([`Rule::Amendment`]): among the documents passes 3 and 4
//! left, one side's amendment pairs with the other side's document it names as its original
//! (same type, the number normalised, the date): first GSTR2A's amendments naming a taxpayer
//! document, then the taxpayer's amendments naming a GSTR2A document. The taxpayer documents
//! are taken in canonical order, each pairing with the first it may pair with in canonical order.
//!
//! A search by key in a sorted index per document, no walk over pairs: where many documents
//! name one key, each search resumes where the one before stopped (a cursor per run of the
//! key), past the documents paired already, so a run is walked once however many name it
//! (but for pairs the user unlinked, which are looked at again).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Group;
use crate::number::normalise;
use crate::report::{DocKind, Rule};

impl Group<'_, '_> {
    /// Pairs amendments with the other side's originals they name.
    pub(super) fn amendments(&mut self) {
        // Counterparty amendments naming a taxpayer document.
        let mut idx: Vec<(DocKind, String, NaiveDate, usize)> = (0..self.counterparty.len())
            .filter(|&k| !self.counterparty_paired[k])
            .filter_map(|k| {
                let d = self.counterparty_doc(k);
                d.original.map(|(n, dt)| (d.kind, normalise(n, dt), dt, k))
            })
            .collect();
        if !idx.is_empty() {
            idx.sort();
            let mut cursors: BTreeMap<usize, usize> = BTreeMap::new();
            for oi in 0..self.own.len() {
                if self.own_pair[oi].is_some() {
                    continue;
                }
                let (kind, norm, date) = (
                    self.own_doc(oi).kind,
                    self.own_doc(oi).norm.clone(),
                    self.own_doc(oi).date,
                );
                let start =
                    idx.partition_point(|e| (e.0, e.1.as_str(), e.2) < (kind, norm.as_str(), date));
                // Entries before the cursor are paired for good; an unlinked one stops the
                // cursor, being open to others.
                let cursor = cursors.entry(start).or_insert(start);
                let (mut k, mut settled, mut hit) = (*cursor, true, None);
                while let Some(e) = idx.get(k) {
                    if (e.0, e.1.as_str(), e.2) != (kind, norm.as_str(), date) {
                        break;
                    }
                    if self.allowed(oi, e.3) {
                        hit = Some(e.3);
                        break;
                    }
                    settled &= self.counterparty_paired[e.3];
                    if settled {
                        *cursor = k + 1;
                    }
                    k += 1;
                }
                if hit.is_some() && settled {
                    *cursor = k + 1;
                }
                if let Some(ci) = hit {
                    self.pair(oi, ci, Rule::Amendment);
                }
            }
        }
        // Taxpayer amendments naming a counterparty document.
        let side = self.counterparty_side;
        let mut idx: Vec<(DocKind, &str, NaiveDate, usize)> = (0..self.counterparty.len())
            .filter(|&k| !self.counterparty_paired[k])
            .map(|k| {
                let d = &side.docs[self.counterparty[k]];
                (d.kind, d.norm.as_str(), d.date, k)
            })
            .collect();
        if idx.is_empty() {
            return;
        }
        idx.sort();
        let mut cursors: BTreeMap<usize, usize> = BTreeMap::new();
        for oi in 0..self.own.len() {
            if self.own_pair[oi].is_some() {
                continue;
            }
            let d = self.own_doc(oi);
            let Some((n, dt)) = d.original else { continue };
            let (kind, norm) = (d.kind, normalise(n, dt));
            let start = idx.partition_point(|e| (e.0, e.1, e.2) < (kind, norm.as_str(), dt));
            let cursor = cursors.entry(start).or_insert(start);
            let (mut k, mut settled, mut hit) = (*cursor, true, None);
            while let Some(e) = idx.get(k) {
                if (e.0, e.1, e.2) != (kind, norm.as_str(), dt) {
                    break;
                }
                if self.allowed(oi, e.3) {
                    hit = Some(e.3);
                    break;
                }
                settled &= self.counterparty_paired[e.3];
                if settled {
                    *cursor = k + 1;
                }
                k += 1;
            }
            if let Some(ci) = hit {
                if settled {
                    *cursor = k + 1;
                }
                self.pair(oi, ci, Rule::Amendment);
            }
        }
    }
}
