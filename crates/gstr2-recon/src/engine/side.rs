//! One side, sorted canonically, with repeats folded and amendments resolved ([`SideState`]).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use gstr2_model::amount::AmountOverflow;
use rayon::prelude::*;

use super::doc::{canonical, same_content, Doc, OnRepeat};
use crate::report::{DocKey, DocKind, DocSide, Section};

/// The first 16 bytes of `text`, zero-padded, as a number that orders as the bytes do: texts
/// whose numbers differ order as their numbers; texts whose numbers are equal must be compared
/// whole (a GSTIN, 15 bytes, never needs to be).
fn byte_order(text: &str) -> u128 {
    let mut bytes = [0u8; 16];
    for (to, from) in bytes.iter_mut().zip(text.bytes()) {
        *to = from;
    }
    u128::from_be_bytes(bytes)
}

/// `items` reordered so that position `k` holds what was at `order[k]` (`order` is a
/// permutation of the positions). Each item is read from its old place once and written to its
/// new place in order: the reads are independent of each other, so the memory system can serve
/// several at once, which walking the permutation's cycles in place does not allow.
fn permuted<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&from| slots.get_mut(from).and_then(Option::take))
        .collect()
}

/// One side, sorted canonically, with amendment replacement resolved.
pub(super) struct SideState<'a> {
    /// The side's documents in canonical order ([`canonical`]); a document is named by its
    /// index here.
    pub(super) docs: Vec<Doc<'a>>,
    /// `replaced_by[i]`: the amendment that replaces document `i`.
    pub(super) replaced_by: Vec<Option<usize>>,
    /// The documents each amendment replaces (amendments are few: no entry per document).
    pub(super) replaces: BTreeMap<usize, Vec<usize>>,
    /// Paired by a manual link.
    pub(super) linked: Vec<bool>,
}

impl<'a> SideState<'a> {
    /// The side of `docs`. Documents of the same key (section, supplier, type, number, date)
    /// are folded into the first in the canonical order when `on_repeat` says so, which
    /// records the others in its [`Repeats`](super::doc::Repeats); then amendments replace
    /// their originals (pass 1, [`SideState::resolve_amendments`]). Errors: a document whose
    /// amounts overflow a decimal ([`Doc::overflow`]); of several, the first in the canonical
    /// order, so that the error does not depend on the input's order.
    pub(super) fn new(docs: Vec<Doc<'a>>, on_repeat: OnRepeat) -> Result<Self, AmountOverflow> {
        let overflowing = docs
            .par_iter()
            .filter_map(|d| d.overflow().map(|sum| (d, sum)))
            .min_by(|(a, _), (b, _)| canonical(a, b));
        if let Some((d, sum)) = overflowing {
            return Err(AmountOverflow::new(sum, d.section.as_str(), Some(d.number))
                .with_supplier(d.supplier));
        }
        // Sort compact keys rather than the documents themselves (208 bytes each, pinned by a test in `doc`), then move
        // every document into its place ([`permuted`]). The supplier and
        // the number's first 16 bytes are compared as integers: most comparisons then neither
        // call memcmp nor read the number from the input.
        let mut keys: Vec<(u128, DocKind, u128, &'a str, NaiveDate, Section, usize)> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let (supplier, number) = (d.supplier.as_str(), d.number);
                (
                    byte_order(supplier),
                    d.kind,
                    byte_order(number),
                    number,
                    d.date,
                    d.section,
                    i,
                )
            })
            .collect();
        keys.par_sort_by(|a, b| {
            (a.0, a.1, a.2)
                .cmp(&(b.0, b.1, b.2))
                .then_with(|| (a.3, a.4, a.5).cmp(&(b.3, b.4, b.5)))
                .then_with(|| match (docs.get(a.6), docs.get(b.6)) {
                    (Some(x), Some(y)) => canonical(x, y),
                    _ => Ordering::Equal,
                })
        });
        let order: Vec<usize> = keys.iter().map(|k| k.6).collect();
        drop(keys);
        let mut docs = permuted(docs, &order);
        if on_repeat == OnRepeat::Fold {
            // The canonical order puts documents of one key side by side; `dedup_by` hands
            // each later one with the first kept.
            docs.dedup_by(|later, first| {
                let same_key = (
                    later.supplier,
                    later.kind,
                    later.number,
                    later.date,
                    later.section,
                ) == (
                    first.supplier,
                    first.kind,
                    first.number,
                    first.date,
                    first.section,
                );
                if same_key {
                    first.repeats.more = first.repeats.more.saturating_add(1);
                    first.repeats.differ |= !same_content(later, first);
                }
                same_key
            });
        }
        let n = docs.len();
        let mut s = SideState {
            docs,
            replaced_by: vec![None; n],
            replaces: BTreeMap::new(),
            linked: vec![false; n],
        };
        s.resolve_amendments();
        Ok(s)
    }

    pub(super) fn active(&self, i: usize) -> bool {
        self.replaced_by[i].is_none() && !self.linked[i]
    }

    /// Every document with this key (a range: the documents are sorted by key first).
    pub(super) fn all_with(&self, key: &DocKey) -> std::ops::Range<usize> {
        let start = self
            .docs
            .partition_point(|d| d.key_cmp(key) == Ordering::Less);
        let end = start
            + self.docs[start..]
                .iter()
                .take_while(|d| d.matches_key(key))
                .count();
        start..end
    }

    /// The first document with this key, as (index, replaced?).
    pub(super) fn find(&self, key: &DocKey) -> Option<usize> {
        let start = self
            .docs
            .partition_point(|d| d.key_cmp(key) == Ordering::Less);
        (start..self.docs.len())
            .take_while(|&i| self.docs[i].matches_key(key))
            .find(|&i| self.replaced_by[i].is_none() && !self.linked[i])
            .or_else(|| {
                self.docs
                    .get(start)
                    .filter(|d| d.matches_key(key))
                    .map(|_| start)
            })
    }

    pub(super) fn side(&self, i: usize) -> DocSide {
        let replaced = || self.replaces.get(&i).into_iter().flatten();
        let mut side = self.docs[i].side(replaced().map(|&j| self.docs[j].key()).collect());
        side.replaces_at = replaced().map(|&j| self.docs[j].source).collect();
        side
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn byte_order_orders_as_the_text_does(a in "[A0/\\x00é]{0,20}", b in "[A0/\\x00é]{0,20}") {
            // Unequal numbers order as their texts; equal numbers leave it to the texts.
            let (x, y) = (byte_order(&a), byte_order(&b));
            if x != y {
                prop_assert_eq!(x.cmp(&y), a.cmp(&b));
            } else if a.len() <= 16 && b.len() <= 16 && !a.contains('\0') && !b.contains('\0') {
                prop_assert_eq!(&a, &b);
            }
        }

        #[test]
        fn permuted_moves_every_item_to_its_place(keys in proptest::collection::vec(any::<u32>(), 0..200)) {
            // The order that sorts `keys`, as SideState::new makes one.
            let mut order: Vec<usize> = (0..keys.len()).collect();
            order.sort_by_key(|&i| (keys[i], i));
            let expected: Vec<(u32, usize)> = order.iter().map(|&i| (keys[i], i)).collect();
            // Owned items (not Copy), as the documents are.
            let items: Vec<(u32, String)> = keys.iter().copied().zip((0..).map(|i: usize| i.to_string())).collect();
            let got: Vec<(u32, usize)> = permuted(items, &order)
                .into_iter()
                .map(|(k, i)| (k, i.parse().unwrap_or(usize::MAX)))
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
