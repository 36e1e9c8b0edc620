//! Pass 5, **amendment across sides** ([`Rule::Amendment`]): among the documents passes 3 and 4
//! left, one side's amendment pairs with the other side's document it names as its original
//! (same type, the number normalised, the date): first GSTR2A's amendments naming a taxpayer
//! document, then the taxpayer's amendments naming a GSTR2A document. The taxpayer documents
//! are taken in canonical order, each pairing with the first it may pair with in canonical order.

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
                let hit = idx[start..]
                    .iter()
                    .take_while(|e| (e.0, e.1.as_str(), e.2) == (kind, norm.as_str(), date))
                    .map(|e| e.3)
                    .find(|&ci| self.allowed(oi, ci));
                if let Some(ci) = hit {
                    self.pair(oi, ci, Rule::Amendment);
                }
            }
        }
        // Taxpayer amendments naming a counterparty document.
        let mut idx: Vec<(DocKind, &str, NaiveDate, usize)> = (0..self.counterparty.len())
            .filter(|&k| !self.counterparty_paired[k])
            .map(|k| {
                let d = self.counterparty_doc(k);
                (d.kind, d.norm.as_str(), d.date, k)
            })
            .collect();
        if idx.is_empty() {
            return;
        }
        idx.sort();
        let mut hits = Vec::new();
        for oi in 0..self.own.len() {
            if self.own_pair[oi].is_some() {
                continue;
            }
            let d = self.own_doc(oi);
            let Some((n, dt)) = d.original else { continue };
            let norm = normalise(n, dt);
            let start = idx.partition_point(|e| (e.0, e.1, e.2) < (d.kind, norm.as_str(), dt));
            for e in idx[start..]
                .iter()
                .take_while(|e| (e.0, e.1, e.2) == (d.kind, norm.as_str(), dt))
            {
                hits.push((oi, e.3));
            }
        }
        for (oi, ci) in hits {
            if self.allowed(oi, ci) {
                self.pair(oi, ci, Rule::Amendment);
            }
        }
    }
}
