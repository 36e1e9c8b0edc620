//! Pass 6, **probable pairs**: among what passes 3 to 5 left, a taxpayer document and a GSTR2A
//! document of the same supplier and type, whose values differ by at most the value tolerance
//! and taxable values by at most the taxable-value tolerance, whose dates are at most
//! [`MatchConfig::date_window_days`] apart, and whose normalised numbers are at least
//! [`MatchConfig::similarity_threshold`] alike (Damerau-Levenshtein), suggest each other with
//! that similarity as the score. Suggestions only, never matches; pairs the user unlinked are
//! not suggested. Each document keeps its best [`MatchConfig::max_suggestions`]: highest score,
//! then fewest days apart, then canonical order.
//!
//! Blocked by type and value bucket (the value tolerance wide), then by date: for each taxpayer
//! document, the GSTR2A documents of its bucket and the two next to it, from the start of its
//! date window, at most [`MatchConfig::max_candidates`] per bucket. Near-linear.

use std::cmp::Ordering;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::Group;
use crate::config::MatchConfig;
use crate::engine::compare::within;
use crate::report::{DocKey, DocKind, Suggestion};

/// A document another may be paired with, and how near the two are.
#[derive(Clone, Copy)]
struct Candidate {
    /// The similarity of the normalised numbers, 0 to 1, three decimals.
    score: Decimal,
    /// The candidate's date less the document's, in days.
    days_apart: i64,
    /// The counterparty's value less the taxpayer's.
    value_difference: Decimal,
    /// The candidate's position in its side of the group.
    index: usize,
}

impl Candidate {
    /// Best first: the highest score, then the fewest days apart, then the position.
    fn rank(a: &Candidate, b: &Candidate) -> Ordering {
        b.score
            .cmp(&a.score)
            .then(a.days_apart.abs().cmp(&b.days_apart.abs()))
            .then(a.index.cmp(&b.index))
    }

    /// The suggestion of the candidate whose key is `key`.
    fn suggestion(&self, key: DocKey) -> Suggestion {
        Suggestion {
            key,
            score: self.score,
            value_difference: self.value_difference,
            days_apart: self.days_apart,
        }
    }
}

impl Group<'_, '_> {
    /// The suggestions of each taxpayer document and each GSTR2A document (by position), best
    /// first.
    pub(super) fn suggestions(
        &self,
        config: &MatchConfig,
    ) -> (Vec<Vec<Suggestion>>, Vec<Vec<Suggestion>>) {
        let mut own_out: Vec<Vec<Suggestion>> = vec![Vec::new(); self.own.len()];
        let mut counterparty_found: Vec<Vec<Candidate>> = vec![Vec::new(); self.counterparty.len()];
        if config.max_suggestions == 0 {
            return (own_out, vec![Vec::new(); self.counterparty.len()]);
        }
        let width = config.tolerance.value.max(Decimal::ONE);
        let bucket = |v: Decimal| {
            v.checked_div(width)
                .and_then(|q| q.floor().to_i64())
                .unwrap_or(i64::MAX)
        };
        // (type, value bucket, date, position) of the GSTR2A documents left.
        let mut idx: Vec<(DocKind, i64, NaiveDate, usize)> = (0..self.counterparty.len())
            .filter(|&k| !self.counterparty_paired[k] && !self.counterparty_doc(k).norm.is_empty())
            .map(|k| {
                let d = self.counterparty_doc(k);
                (d.kind, bucket(d.value), d.date, k)
            })
            .collect();
        if idx.is_empty() {
            return (own_out, vec![Vec::new(); self.counterparty.len()]);
        }
        idx.sort();
        let window = chrono::Duration::days(i64::from(config.date_window_days));
        let tol = &config.tolerance;
        for (oi, out) in own_out.iter_mut().enumerate() {
            if self.own_pair[oi].is_some() || self.own_doc(oi).norm.is_empty() {
                continue;
            }
            let d = self.own_doc(oi);
            let d_taxable = d.amounts().0;
            let b = bucket(d.value);
            let lo = d.date.checked_sub_signed(window).unwrap_or(NaiveDate::MIN);
            let hi = d.date.checked_add_signed(window).unwrap_or(NaiveDate::MAX);
            let mut found: Vec<Candidate> = Vec::new();
            for near in [b.saturating_sub(1), b, b.saturating_add(1)] {
                let start = idx
                    .partition_point(|&(kind, bk, date, _)| (kind, bk, date) < (d.kind, near, lo));
                for &(_, _, _, ci) in idx[start..]
                    .iter()
                    .take_while(|&&(kind, bk, date, _)| kind == d.kind && bk == near && date <= hi)
                    .take(config.max_candidates)
                {
                    let c = self.counterparty_doc(ci);
                    // Differences that overflow a decimal are beyond tolerance.
                    let Some(value_difference) = c
                        .value
                        .checked_sub(d.value)
                        .filter(|dv| dv.abs() <= tol.value)
                    else {
                        continue;
                    };
                    if !within(c.amounts().0, d_taxable, tol.taxable_value) {
                        continue;
                    }
                    if self
                        .unlinked
                        .contains(&(self.own[oi], self.counterparty[ci]))
                    {
                        continue;
                    }
                    let s = strsim::normalized_damerau_levenshtein(&d.norm, &c.norm);
                    let score = Decimal::new((s * 1000.0).round() as i64, 3);
                    if score >= config.similarity_threshold {
                        found.push(Candidate {
                            score,
                            days_apart: (c.date - d.date).num_days(),
                            value_difference,
                            index: ci,
                        });
                    }
                }
            }
            found.sort_by(Candidate::rank);
            found.dedup_by_key(|c| c.index);
            found.truncate(config.max_suggestions);
            for candidate in found {
                out.push(candidate.suggestion(self.counterparty_doc(candidate.index).key()));
                counterparty_found[candidate.index].push(Candidate {
                    index: oi,
                    ..candidate
                });
            }
        }
        let counterparty_out = counterparty_found
            .into_iter()
            .map(|mut found| {
                found.sort_by(Candidate::rank);
                found.truncate(config.max_suggestions);
                found
                    .iter()
                    .map(|candidate| candidate.suggestion(self.own_doc(candidate.index).key()))
                    .collect()
            })
            .collect();
        (own_out, counterparty_out)
    }
}
