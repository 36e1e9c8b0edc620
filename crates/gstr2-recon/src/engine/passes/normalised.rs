//! Pass 4, **normalised** ([`Rule::Normalised`]): among the documents pass 3 left, a taxpayer
//! document and a GSTR2A document of the same supplier and type whose numbers are the same once
//! normalised ([`normalise`](crate::number::normalise)), with dates in the same fiscal year,
//! pair: nearest date first, then nearest value, then canonical order.
//!
//! Every pair of one type and normalised number is a candidate: above 4,096 candidate pairs,
//! only documents of the same date pair (`big`).

use std::cmp::Ordering;

use rust_decimal::Decimal;

use super::Group;
use crate::number::fiscal_year;
use crate::report::Rule;

impl Group<'_, '_> {
    /// Pairs the documents of the same normalised number.
    pub(super) fn normalised(&mut self) {
        let mut ol: Vec<usize> = (0..self.own.len())
            .filter(|&k| self.own_pair[k].is_none() && !self.own_doc(k).norm.is_empty())
            .collect();
        let mut cl: Vec<usize> = (0..self.counterparty.len())
            .filter(|&k| !self.counterparty_paired[k] && !self.counterparty_doc(k).norm.is_empty())
            .collect();
        if ol.is_empty() || cl.is_empty() {
            return;
        }
        ol.sort_by(|&x, &y| {
            (self.own_doc(x).kind, self.own_doc(x).norm.as_str(), x).cmp(&(
                self.own_doc(y).kind,
                self.own_doc(y).norm.as_str(),
                y,
            ))
        });
        cl.sort_by(|&x, &y| {
            (
                self.counterparty_doc(x).kind,
                self.counterparty_doc(x).norm.as_str(),
                x,
            )
                .cmp(&(
                    self.counterparty_doc(y).kind,
                    self.counterparty_doc(y).norm.as_str(),
                    y,
                ))
        });
        let (mut i, mut j) = (0, 0);
        while i < ol.len() && j < cl.len() {
            let (a, b) = (self.own_doc(ol[i]), self.counterparty_doc(cl[j]));
            match (a.kind, a.norm.as_str()).cmp(&(b.kind, b.norm.as_str())) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let key = (a.kind, a.norm.clone());
                    let i2 = (i..ol.len())
                        .find(|&k| {
                            (self.own_doc(ol[k]).kind, self.own_doc(ol[k]).norm.as_str())
                                != (key.0, key.1.as_str())
                        })
                        .unwrap_or(ol.len());
                    let j2 = (j..cl.len())
                        .find(|&k| {
                            (
                                self.counterparty_doc(cl[k]).kind,
                                self.counterparty_doc(cl[k]).norm.as_str(),
                            ) != (key.0, key.1.as_str())
                        })
                        .unwrap_or(cl.len());
                    let big = (i2 - i) * (j2 - j) > 4096;
                    let mut cands = Vec::new();
                    for &oi in &ol[i..i2] {
                        for &ci in &cl[j..j2] {
                            let (x, y) = (self.own_doc(oi), self.counterparty_doc(ci));
                            if fiscal_year(x.date) != fiscal_year(y.date)
                                || (big && x.date != y.date)
                            {
                                continue;
                            }
                            let days = (y.date - x.date).num_days().abs();
                            // A difference beyond a decimal is farther than any other.
                            let apart = y
                                .value
                                .checked_sub(x.value)
                                .map_or(Decimal::MAX, |d| d.abs());
                            cands.push((days, apart, oi, ci));
                        }
                    }
                    cands.sort();
                    for (_, _, oi, ci) in cands {
                        if self.allowed(oi, ci) {
                            self.pair(oi, ci, Rule::Normalised);
                        }
                    }
                    i = i2;
                    j = j2;
                }
            }
        }
    }
}
