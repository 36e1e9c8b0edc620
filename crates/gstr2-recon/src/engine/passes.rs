//! The passes, one module each, numbered as in the crate docs; the rule that paired two
//! documents is in the module of its pass:
//!
//! 1. [`replaced`]: an amendment replaces, on its own side, the original it names (run when a
//!    side is read).
//! 2. [`manual`]: the user's links pair first ([`Rule::Manual`]); unlinked pairs are never paired
//!    by a rule.
//! 3. [`exact`]: the key as written ([`Rule::Exact`]).
//! 4. [`normalised`]: the number normalised, dates in one fiscal year ([`Rule::Normalised`]).
//! 5. [`amendment`]: one side's amendment names the other side's document ([`Rule::Amendment`]).
//! 6. [`suggest`]: probable pairs among what is left, as suggestions only.
//! 7. [`same_pan`]: suggestions across GSTINs of one PAN, as suggestions only.
//!
//! Passes 3 to 6 run on one supplier's documents at a time, a [`Group`] ([`Group::outcomes`]
//! runs them in order); pass 7 runs on the outcomes of all suppliers.

mod amendment;
mod exact;
pub(super) mod manual;
mod normalised;
mod replaced;
pub(super) mod same_pan;
mod suggest;

use std::collections::BTreeSet;

use super::doc::Doc;
use super::outcome::Outcome;
use super::side::SideState;
use crate::config::MatchConfig;
use crate::report::Rule;

/// The pairing state of one supplier's documents. A pass names a document by its position in
/// [`Group::own`] (`oi`) or [`Group::counterparty`] (`ci`); positions follow the canonical
/// order.
pub(super) struct Group<'s, 'a> {
    /// The taxpayer's side.
    own_side: &'s SideState<'a>,
    /// GSTR2A's side.
    counterparty_side: &'s SideState<'a>,
    /// The supplier's taxpayer documents still to pair (not replaced, not linked by the user),
    /// as indices into `own_side`, in canonical order.
    own: Vec<usize>,
    /// The supplier's GSTR2A documents still to pair, as indices into `counterparty_side`, in
    /// canonical order.
    counterparty: Vec<usize>,
    /// What each of [`Group::own`] is paired with: a position in [`Group::counterparty`] and
    /// the rule.
    own_pair: Vec<Option<(usize, Rule)>>,
    /// Whether each of [`Group::counterparty`] is paired.
    counterparty_paired: Vec<bool>,
    /// Pairs the user unlinked, as (index into `own_side`, index into `counterparty_side`).
    unlinked: &'s BTreeSet<(usize, usize)>,
}

impl<'s, 'a> Group<'s, 'a> {
    /// The group of one supplier's documents `own` and `counterparty` (indices into the sides,
    /// in canonical order), none paired yet.
    pub(super) fn new(
        own_side: &'s SideState<'a>,
        counterparty_side: &'s SideState<'a>,
        own: Vec<usize>,
        counterparty: Vec<usize>,
        unlinked: &'s BTreeSet<(usize, usize)>,
    ) -> Self {
        Group {
            own_side,
            counterparty_side,
            own_pair: vec![None; own.len()],
            counterparty_paired: vec![false; counterparty.len()],
            own,
            counterparty,
            unlinked,
        }
    }
}

impl Group<'_, '_> {
    /// Whether `oi` and `ci` may still pair: neither is paired and the user did not unlink them.
    fn allowed(&self, oi: usize, ci: usize) -> bool {
        self.own_pair[oi].is_none()
            && !self.counterparty_paired[ci]
            && (self.unlinked.is_empty()
                || !self
                    .unlinked
                    .contains(&(self.own[oi], self.counterparty[ci])))
    }

    /// Pairs `oi` and `ci` by `rule`.
    fn pair(&mut self, oi: usize, ci: usize, rule: Rule) {
        self.own_pair[oi] = Some((ci, rule));
        self.counterparty_paired[ci] = true;
    }

    /// The taxpayer document at position `oi`.
    fn own_doc(&self, oi: usize) -> &Doc<'_> {
        &self.own_side.docs[self.own[oi]]
    }

    /// The GSTR2A document at position `ci`.
    fn counterparty_doc(&self, ci: usize) -> &Doc<'_> {
        &self.counterparty_side.docs[self.counterparty[ci]]
    }

    /// What the group gives, one outcome per result, in the report's order: passes 3 to 6.
    pub(super) fn outcomes(mut self, config: &MatchConfig) -> Vec<Outcome> {
        self.exact();
        self.normalised();
        self.amendments();
        let (own_suggestions, counterparty_suggestions) = self.suggestions(config);
        let mut out = Vec::with_capacity(self.own.len() + self.counterparty.len());
        for (oi, suggestions) in own_suggestions.into_iter().enumerate() {
            out.push(match self.own_pair[oi] {
                Some((ci, rule)) => Outcome::Pair {
                    o: self.own[oi],
                    c: self.counterparty[ci],
                    rule,
                },
                None => Outcome::Own {
                    o: self.own[oi],
                    suggestions,
                },
            });
        }
        for (ci, suggestions) in counterparty_suggestions.into_iter().enumerate() {
            if !self.counterparty_paired[ci] {
                out.push(Outcome::Counterparty {
                    c: self.counterparty[ci],
                    suggestions,
                });
            }
        }
        // Sorted here, where the group is small and in cache; groups come in supplier order.
        // The outcomes are sorted, not the results they become (several hundred bytes each).
        let (own, cp) = (self.own_side, self.counterparty_side);
        out.sort_by(|a, b| a.order_key(own, cp).cmp(&b.order_key(own, cp)));
        out
    }
}
