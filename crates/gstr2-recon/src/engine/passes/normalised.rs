//! Pass 4, **normalised** ([`Rule::Normalised`]): among the documents pass 3 left, a taxpayer
//! document and a GSTR2A document of the same supplier and type whose numbers are the same once
//! normalised ([`normalise`](crate::number::normalise), and not empty), dated in the same fiscal
//! year, are candidates, unless the user unlinked them.
//!
//! ## Which document pairs with which
//! Within one group of candidates (one supplier, type, normalised number and fiscal year), the
//! nearest two documents pair first, then the nearest two of those left, and so on, until no
//! candidates are left. Of two candidate pairs, the nearer is the one with
//! 1. fewer days between its dates; of those equal,
//! 2. the smaller difference between its values (`val`, taken exactly); of those equal,
//! 3. the taxpayer document first in canonical order; of those equal, the GSTR2A document first
//!    in canonical order.
//!
//! The rule is the same at every size of group. Documents of the same date and value therefore
//! pair before any others; a group of one taxpayer document and one GSTR2A document pairs them.
//! For example, register `inv-1` of 1 and 5 May against GSTR2A `INV/001` of 4 May: 5 May pairs
//! with 4 May (1 day apart), and 1 May is left alone, although it comes first.
//!
//! ## How, without visiting every pair
//! The pairs the rule takes are found by following nearest neighbours (the nearest-neighbour
//! chain): from a document go to its nearest candidate, from that one to its own nearest, and so
//! on. Each step is to a nearer pair than the one before, so the chain ends at two documents
//! that are each other's nearest. No pair that involves either of them is nearer, so the rule
//! takes them whatever happens elsewhere: they pair, leave, and the chain goes on from the
//! document before them, whose nearest is still the one after it (documents only leave). A
//! document's nearest candidate is found in the other side's documents left in the group,
//! sorted by (date, value, position): the nearest date below and above the document's, and in
//! a date the nearest value below and above. Each document joins the chain once and leaves it
//! once: O(n log n) for a group of n documents, whatever its size, plus a step for each unlinked
//! candidate passed over.

use std::cmp::Ordering;
use std::collections::btree_set;
use std::collections::BTreeSet;
use std::ops::Bound::{Excluded, Included, Unbounded};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Group;
use crate::engine::doc::Doc;
use crate::number::fiscal_year;
use crate::report::{DocKind, Rule};

/// A document of one side of a group, as the other side searches it: date, value, position.
type Key = (NaiveDate, Decimal, usize);

/// A document in the chain, with its side.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Link {
    /// A taxpayer document.
    Own(Key),
    /// A GSTR2A document.
    Counterparty(Key),
}

impl Group<'_, '_> {
    /// Pairs the documents of the same normalised number (see the module docs).
    pub(super) fn normalised(&mut self) {
        // (type, normalised number, fiscal year, position) of the documents left, sorted: the
        // groups are runs of the first three on both sides.
        let mut own: Vec<(DocKind, &str, i32, usize)> = (0..self.own.len())
            .filter(|&oi| self.own_pair[oi].is_none())
            .map(|oi| group_of(self.own_doc(oi), oi))
            .filter(|g| !g.1.is_empty())
            .collect();
        let mut counterparty: Vec<(DocKind, &str, i32, usize)> = (0..self.counterparty.len())
            .filter(|&ci| !self.counterparty_paired[ci])
            .map(|ci| group_of(self.counterparty_doc(ci), ci))
            .filter(|g| !g.1.is_empty())
            .collect();
        if own.is_empty() || counterparty.is_empty() {
            return;
        }
        own.sort_unstable();
        counterparty.sort_unstable();
        let may_pair = |oi: usize, ci: usize| {
            self.unlinked.is_empty()
                || !self
                    .unlinked
                    .contains(&(self.own[oi], self.counterparty[ci]))
        };
        let key_of = |d: &Doc<'_>, at: usize| (d.date, d.value, at);
        let mut pairs = Vec::new();
        let (mut own_keys, mut counterparty_keys): (Vec<Key>, Vec<Key>) = (Vec::new(), Vec::new());
        let (mut i, mut j) = (0, 0);
        while let (Some(a), Some(b)) = (own.get(i), counterparty.get(j)) {
            let group = (a.0, a.1, a.2);
            match group.cmp(&(b.0, b.1, b.2)) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    let i2 = i + own[i..].partition_point(|g| (g.0, g.1, g.2) == group);
                    let j2 = j + counterparty[j..].partition_point(|g| (g.0, g.1, g.2) == group);
                    if let ([o], [c]) = (&own[i..i2], &counterparty[j..j2]) {
                        // The usual group: one document a side.
                        if may_pair(o.3, c.3) {
                            pairs.push((o.3, c.3));
                        }
                    } else {
                        own_keys.clear();
                        own_keys.extend(own[i..i2].iter().map(|g| key_of(self.own_doc(g.3), g.3)));
                        counterparty_keys.clear();
                        counterparty_keys.extend(
                            counterparty[j..j2]
                                .iter()
                                .map(|g| key_of(self.counterparty_doc(g.3), g.3)),
                        );
                        pairs.extend(nearest_pairs(&own_keys, &counterparty_keys, may_pair));
                    }
                    i = i2;
                    j = j2;
                }
            }
        }
        for (oi, ci) in pairs {
            self.pair(oi, ci, Rule::Normalised);
        }
    }
}

/// What makes a group of pass 4, less the supplier (one [`Group`] is one supplier's): type,
/// normalised number, fiscal year; and the document's position `at`.
fn group_of<'d>(d: &'d Doc<'_>, at: usize) -> (DocKind, &'d str, i32, usize) {
    (d.kind, d.norm.as_str(), fiscal_year(d.date), at)
}

/// The pairs the rule takes (see the module docs) between the documents `own` and
/// `counterparty` of one group, each given as its key (date, value, position), leaving aside
/// the pairs `may_pair` refuses (given positions): as (own position, counterparty position).
fn nearest_pairs(
    own: &[Key],
    counterparty: &[Key],
    may_pair: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    // One document on a side: it pairs with its nearest (a linear search).
    match (own, counterparty) {
        ([o], _) => {
            return counterparty
                .iter()
                .filter(|c| may_pair(o.2, c.2))
                .min_by(|x, y| nearer(*o, **x, **y))
                .map(|c| vec![(o.2, c.2)])
                .unwrap_or_default()
        }
        (_, [c]) => {
            return own
                .iter()
                .filter(|o| may_pair(o.2, c.2))
                .min_by(|x, y| nearer(*c, **x, **y))
                .map(|o| vec![(o.2, c.2)])
                .unwrap_or_default()
        }
        _ => {}
    }
    let mut own_left: BTreeSet<Key> = own.iter().copied().collect();
    let mut counterparty_left: BTreeSet<Key> = counterparty.iter().copied().collect();
    let mut pairs = Vec::new();
    // Every taxpayer document starts a chain unless it has paired or has no candidate left;
    // once all have, no candidate pair is left.
    let mut chain: Vec<Link> = Vec::new();
    for &start in own {
        if !own_left.contains(&start) {
            continue;
        }
        chain.push(Link::Own(start));
        while let Some(&top) = chain.last() {
            let next = match top {
                Link::Own(o) => {
                    nearest(&counterparty_left, o, |ci| may_pair(o.2, ci)).map(Link::Counterparty)
                }
                Link::Counterparty(c) => {
                    nearest(&own_left, c, |oi| may_pair(oi, c.2)).map(Link::Own)
                }
            };
            let before = chain
                .len()
                .checked_sub(2)
                .and_then(|k| chain.get(k))
                .copied();
            match (top, next) {
                // No candidate left (only the chain's first document can have none: the others
                // have the one before them).
                (_, None) => {
                    match top {
                        Link::Own(o) => own_left.remove(&o),
                        Link::Counterparty(c) => counterparty_left.remove(&c),
                    };
                    chain.pop();
                }
                // Each other's nearest: they pair.
                (Link::Own(o), Some(Link::Counterparty(c)))
                | (Link::Counterparty(c), Some(Link::Own(o)))
                    if next == before =>
                {
                    chain.truncate(chain.len().saturating_sub(2));
                    own_left.remove(&o);
                    counterparty_left.remove(&c);
                    pairs.push((o.2, c.2));
                }
                (_, Some(next)) => {
                    // Each step is to a nearer pair, so the chain never holds a document twice
                    // and is never longer than the group.
                    if chain.len() > own.len() + counterparty.len() {
                        debug_assert!(false, "the nearest-neighbour chain runs in a circle");
                        return pairs;
                    }
                    chain.push(next);
                }
            }
        }
    }
    pairs
}

/// How `x` compares with `y` as a partner of `to`: fewer days apart, then the nearer value,
/// then the first position.
fn nearer(to: Key, x: Key, y: Key) -> Ordering {
    let days = |k: Key| (k.0 - to.0).num_days().abs();
    days(x)
        .cmp(&days(y))
        .then_with(|| distance_cmp(to.1, x.1, y.1))
        .then(x.2.cmp(&y.2))
}

/// The document of `side` nearest to `to` (see the module docs: fewest days apart, then the
/// nearest value, then the first position) that `may_pair` accepts (by position), if any.
fn nearest(side: &BTreeSet<Key>, to: Key, may_pair: impl Fn(usize) -> bool) -> Option<Key> {
    let (date, value, _) = to;
    if let Some(found) = nearest_on(side, date, value, &may_pair) {
        return Some(found);
    }
    // The dates searched so far are `lowest..=highest`; widen to the next date each way that
    // has documents.
    let (mut lowest, mut highest) = (date, date);
    loop {
        let below = side
            .range(..(lowest, Decimal::MIN, 0))
            .next_back()
            .map(|k| k.0);
        let above = side
            .range((Excluded((highest, Decimal::MAX, usize::MAX)), Unbounded))
            .next()
            .map(|k| k.0);
        let (look_below, look_above) = match (below, above) {
            (None, None) => return None,
            (Some(_), None) => (true, false),
            (None, Some(_)) => (false, true),
            (Some(b), Some(a)) => {
                let (down, up) = ((date - b).num_days(), (a - date).num_days());
                (down <= up, up <= down)
            }
        };
        let pick = |on: Option<NaiveDate>, look: bool| {
            on.filter(|_| look)
                .and_then(|d| nearest_on(side, d, value, &may_pair))
        };
        match (pick(below, look_below), pick(above, look_above)) {
            (Some(x), Some(y)) => {
                return Some(match distance_cmp(value, x.1, y.1).then(x.2.cmp(&y.2)) {
                    Ordering::Greater => y,
                    _ => x,
                })
            }
            (Some(found), None) | (None, Some(found)) => return Some(found),
            (None, None) => {
                if let (true, Some(b)) = (look_below, below) {
                    lowest = b;
                }
                if let (true, Some(a)) = (look_above, above) {
                    highest = a;
                }
            }
        }
    }
}

/// The document of `side` dated `date` whose value is nearest to `value` (of equal distances,
/// the first position) that `may_pair` accepts, if any: the values from `value` up and from
/// `value` down, merged by distance.
fn nearest_on(
    side: &BTreeSet<Key>,
    date: NaiveDate,
    value: Decimal,
    may_pair: &impl Fn(usize) -> bool,
) -> Option<Key> {
    let mut up = side
        .range((
            Included((date, value, 0)),
            Included((date, Decimal::MAX, usize::MAX)),
        ))
        .copied()
        .peekable();
    let mut down = Below {
        side,
        date,
        bound: value,
        run: None,
    }
    .peekable();
    loop {
        let from_up = match (up.peek(), down.peek()) {
            (None, None) => return None,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => {
                distance_cmp(value, a.1, b.1).then(a.2.cmp(&b.2)) != Ordering::Greater
            }
        };
        let next = if from_up { up.next() } else { down.next() };
        match next {
            Some(found) if may_pair(found.2) => return Some(found),
            Some(_) => {}
            None => return None,
        }
    }
}

/// The documents of one date whose values are below a bound, nearest first (the values
/// descending), and of one value the first position first.
struct Below<'s> {
    side: &'s BTreeSet<Key>,
    date: NaiveDate,
    /// Values at or above it are done.
    bound: Decimal,
    /// The documents of the value being read.
    run: Option<btree_set::Range<'s, Key>>,
}

impl Iterator for Below<'_> {
    type Item = Key;

    fn next(&mut self) -> Option<Key> {
        loop {
            if let Some(found) = self.run.as_mut().and_then(Iterator::next) {
                return Some(*found);
            }
            let (_, value, _) = *self
                .side
                .range((
                    Included((self.date, Decimal::MIN, 0)),
                    Excluded((self.date, self.bound, 0)),
                ))
                .next_back()?;
            self.bound = value;
            self.run = Some(self.side.range((
                Included((self.date, value, 0)),
                Included((self.date, value, usize::MAX)),
            )));
        }
    }
}

/// How `|a - x|` compares with `|b - x|`, exactly (a decimal's subtraction may round, or
/// overflow).
fn distance_cmp(x: Decimal, a: Decimal, b: Decimal) -> Ordering {
    let scale = x.scale().max(a.scale()).max(b.scale());
    let (x, a, b) = (Wide::of(x, scale), Wide::of(a, scale), Wide::of(b, scale));
    a.minus(x).magnitude().cmp(&b.minus(x).magnitude())
}

/// A 256-bit two's-complement integer (high half, low half): wide enough for a decimal times
/// 10^28 (below 2^190) and the difference of two such.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Wide(u128, u128);

impl Wide {
    /// `d` times 10^`scale` (`scale` at least `d`'s scale, at most 28): an integer.
    fn of(d: Decimal, scale: u32) -> Wide {
        let factor = 10u128.pow(scale.saturating_sub(d.scale()));
        let magnitude = mul_wide(d.mantissa().unsigned_abs(), factor);
        if d.mantissa() < 0 {
            magnitude.negated()
        } else {
            magnitude
        }
    }

    fn negated(self) -> Wide {
        let low = (!self.1).wrapping_add(1);
        Wide((!self.0).wrapping_add(u128::from(low == 0)), low)
    }

    fn minus(self, other: Wide) -> Wide {
        let other = other.negated();
        let low = self.1.wrapping_add(other.1);
        let carry = u128::from(low < self.1);
        Wide(self.0.wrapping_add(other.0).wrapping_add(carry), low)
    }

    /// The absolute value, as (high, low) to compare.
    fn magnitude(self) -> (u128, u128) {
        let Wide(high, low) = if (self.0 as i128) < 0 {
            self.negated()
        } else {
            self
        };
        (high, low)
    }
}

/// `a * b` in 256 bits.
fn mul_wide(a: u128, b: u128) -> Wide {
    const LOW: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & LOW);
    let (b1, b0) = (b >> 64, b & LOW);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let middle = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    Wide(
        p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64),
        (p00 & LOW) | (middle << 64),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule as the module docs state it, the slow way: every candidate pair, nearest first
    /// (values small enough that a decimal's difference is exact), each taken if both of its
    /// documents are still free.
    fn all_pairs(
        own: &[Key],
        counterparty: &[Key],
        may_pair: impl Fn(usize, usize) -> bool,
    ) -> Vec<(usize, usize)> {
        let mut candidates = Vec::new();
        for o in own {
            for c in counterparty {
                if may_pair(o.2, c.2) {
                    let days = (c.0 - o.0).num_days().abs();
                    candidates.push((days, (c.1 - o.1).abs(), o.2, c.2));
                }
            }
        }
        candidates.sort();
        let (mut own_taken, mut counterparty_taken) = (BTreeSet::new(), BTreeSet::new());
        let mut pairs = Vec::new();
        for (_, _, o, c) in candidates {
            if !own_taken.contains(&o) && !counterparty_taken.contains(&c) {
                own_taken.insert(o);
                counterparty_taken.insert(c);
                pairs.push((o, c));
            }
        }
        pairs.sort();
        pairs
    }

    /// Keys of a side: dates among a few days (so that dates tie), values among a few (so that
    /// values and distances tie), positions in order.
    fn side(max: usize) -> impl Strategy<Value = Vec<Key>> {
        prop::collection::vec((0i64..12, -20i64..20, 0u32..3), 0..max).prop_map(|docs| {
            let first = NaiveDate::from_ymd_opt(2023, 9, 1).unwrap_or_default();
            docs.into_iter()
                .enumerate()
                .map(|(at, (day, value, scale))| {
                    (
                        first + chrono::Duration::days(day),
                        Decimal::new(value * 10i64.pow(scale) / 2, scale),
                        at,
                    )
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn the_chain_pairs_as_the_rule_says(
            own in side(14),
            counterparty in side(14),
            unlinked in prop::collection::btree_set((0usize..14, 0usize..14), 0..6),
        ) {
            let may_pair = |o: usize, c: usize| !unlinked.contains(&(o, c));
            let mut got = nearest_pairs(&own, &counterparty, may_pair);
            got.sort();
            prop_assert_eq!(got, all_pairs(&own, &counterparty, may_pair));
        }

        #[test]
        fn distances_compare_exactly(x in -10_000i64..10_000, a in -10_000i64..10_000, b in -10_000i64..10_000, sx in 0u32..5, sa in 0u32..5, sb in 0u32..5) {
            // Small enough that a decimal's subtraction is exact.
            let (x, a, b) = (Decimal::new(x, sx), Decimal::new(a, sa), Decimal::new(b, sb));
            prop_assert_eq!(distance_cmp(x, a, b), (a - x).abs().cmp(&(b - x).abs()));
        }

        #[test]
        fn wide_products_are_exact(a in any::<u64>(), b in any::<u64>(), c in any::<u128>(), d in 0u128..1 << 100) {
            prop_assert!(mul_wide(u128::from(a), u128::from(b)) == Wide(0, u128::from(a) * u128::from(b)));
            // (c * d) - (c * (d - 1)) = c, whatever the carries.
            let step = mul_wide(c, d).minus(mul_wide(c, d.saturating_sub(1)));
            let expected = if d == 0 { Wide(0, 0) } else { Wide(0, c) };
            prop_assert!(step == expected);
        }
    }

    #[test]
    fn distances_beyond_a_decimal_compare_exactly() {
        let tiny = Decimal::new(1, 28);
        // |MAX - 1e-28| < |MIN - 1e-28|, though both differences overflow a decimal or round.
        assert_eq!(
            distance_cmp(tiny, Decimal::MAX, Decimal::MIN),
            Ordering::Less
        );
        assert_eq!(
            distance_cmp(Decimal::ZERO, Decimal::MAX, Decimal::MIN),
            Ordering::Equal
        );
        // 1e20 + 1e-8 and 1e20 - 2e-8 around 0: the first is nearer, though 28 digits do not
        // hold the sums.
        let big = Decimal::new(1, 0) * Decimal::from(10u64.pow(10)) * Decimal::from(10u64.pow(10));
        let (up, down) = (big + Decimal::new(1, 8), -big - Decimal::new(2, 8));
        assert_eq!(distance_cmp(Decimal::ZERO, up, down), Ordering::Less);
        assert_eq!(
            distance_cmp(Decimal::new(-15, 9), up, down),
            Ordering::Greater
        );
    }

    #[test]
    fn the_example_of_the_module_docs() {
        let day = |d| NaiveDate::from_ymd_opt(2023, 5, d).unwrap_or_default();
        let own = [(day(1), Decimal::ONE, 0), (day(5), Decimal::ONE, 1)];
        let counterparty = [(day(4), Decimal::ONE, 0)];
        assert_eq!(nearest_pairs(&own, &counterparty, |_, _| true), [(1, 0)]);
        // And with a second counterparty document, through the chain.
        let counterparty = [(day(4), Decimal::ONE, 0), (day(30), Decimal::ONE, 1)];
        let mut pairs = nearest_pairs(&own, &counterparty, |_, _| true);
        pairs.sort();
        assert_eq!(pairs, [(0, 1), (1, 0)]);
    }
}
