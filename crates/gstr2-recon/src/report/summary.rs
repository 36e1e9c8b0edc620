//! The summary of a report: counts and signed amounts per supplier, section, match code and
//! action ([`Summary`]), and how the engine adds them up as results are handed over
//! ([`Tallies`]).

use std::collections::BTreeMap;

use gstr2_model::amount::AmountOverflow;
use gstr2_model::{Gstin, TaxAmounts};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ActionFlag, MatchCode, MatchResult};

/// A count and signed amounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Number of results.
    pub count: u64,
    /// Document values.
    #[serde(with = "gstr2_model::amount")]
    pub value: Decimal,
    /// Taxable values.
    #[serde(with = "gstr2_model::amount")]
    pub taxable_value: Decimal,
    /// Tax heads.
    pub tax: TaxAmounts,
}

impl Totals {
    /// Field by field, `self` and `other` added; `None` where a count or an amount overflows
    /// (amounts beyond what a decimal holds, about 7.9 × 10²⁸).
    pub fn checked_add(&self, other: &Totals) -> Option<Totals> {
        Some(Totals {
            count: self.count.checked_add(other.count)?,
            value: self.value.checked_add(other.value)?,
            taxable_value: self.taxable_value.checked_add(other.taxable_value)?,
            tax: self.tax.checked_add(&other.tax)?,
        })
    }

    /// Every amount's absolute value.
    fn abs(&self) -> Totals {
        Totals {
            count: self.count,
            value: self.value.abs(),
            taxable_value: self.taxable_value.abs(),
            tax: self.tax.abs(),
        }
    }

    /// `self` and `other` added where [`Tallies`] has bounded the sum (see [`Tallies::bound`]):
    /// it cannot overflow. Checked all the same; should the bound ever fail to hold (a bug), the
    /// amounts saturate at a decimal's limits instead of panicking.
    fn add_bounded(&mut self, other: &Totals) {
        *self = self.checked_add(other).unwrap_or_else(|| {
            debug_assert!(false, "totals beyond the bound the tallies checked");
            Totals {
                count: self.count.saturating_add(other.count),
                value: self.value.saturating_add(other.value),
                taxable_value: self.taxable_value.saturating_add(other.taxable_value),
                tax: TaxAmounts {
                    igst: self.tax.igst.saturating_add(other.tax.igst),
                    cgst: self.tax.cgst.saturating_add(other.tax.cgst),
                    sgst: self.tax.sgst.saturating_add(other.tax.sgst),
                    cess: self.tax.cess.saturating_add(other.tax.cess),
                },
            }
        });
    }
}

/// The overflow of the summary's totals at result `r`, named by its counted document (a result
/// without a side has zero totals, which overflow nothing: it would be named by its supplier).
fn overflow_at(r: &MatchResult) -> AmountOverflow {
    match r.counted_side() {
        Some(side) => AmountOverflow::new(
            "the summary's totals",
            side.section.as_str(),
            Some(&side.key.number),
        )
        .with_supplier(side.key.supplier),
        None => AmountOverflow::new("the summary's totals", "", None).with_supplier(r.supplier),
    }
}

/// Counts and amounts by match code and by action.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// All results.
    pub all: Totals,
    /// By match code.
    pub by_code: BTreeMap<MatchCode, Totals>,
    /// By action.
    pub by_action: BTreeMap<ActionFlag, Totals>,
}

impl Tally {
    /// Adds one result. Errors: an amount overflows (beyond what a decimal holds, about
    /// 7.9 × 10²⁸), named by the result's counted document; the tally is then unchanged.
    pub fn add(&mut self, r: &MatchResult) -> Result<(), AmountOverflow> {
        let t = r.totals();
        let add = |into: Option<&Totals>| {
            into.copied()
                .unwrap_or_default()
                .checked_add(&t)
                .ok_or_else(|| overflow_at(r))
        };
        let all = add(Some(&self.all))?;
        let by_code = add(self.by_code.get(&r.code))?;
        let by_action = add(self.by_action.get(&r.action))?;
        self.all = all;
        self.by_code.insert(r.code, by_code);
        self.by_action.insert(r.action, by_action);
        Ok(())
    }
}

/// The summary of a reconciliation, overall and per supplier. Amounts are those of
/// [`MatchResult::totals`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// All results.
    pub overall: Tally,
    /// Per supplier GSTIN.
    pub suppliers: BTreeMap<Gstin, Tally>,
}

impl Summary {
    /// The summary of a list of results. Errors: the totals overflow, named by the result at
    /// which they did (as [`Reconciler::run`](crate::Reconciler::run) counts them: see
    /// [`ReconcileError::Summary`](crate::ReconcileError::Summary)).
    pub fn of(results: &[MatchResult]) -> Result<Summary, AmountOverflow> {
        let mut t = Tallies::default();
        t.add(results)?;
        Ok(t.finish())
    }
}

const CODES: [MatchCode; 4] = [
    MatchCode::Ok,
    MatchCode::TaxpayerOnly,
    MatchCode::CounterpartyOnly,
    MatchCode::Mismatch,
];
const ACTIONS: [ActionFlag; 5] = [
    ActionFlag::Accept,
    ActionFlag::Upload,
    ActionFlag::Reject,
    ActionFlag::Pending,
    ActionFlag::NoAction,
];

/// A [`Summary`] counted a batch of results at a time: one add per result, into a
/// (code, action) cell of its supplier; the tallies are derived from the cells at the end.
///
/// Every sum it takes is bounded by [`Tallies::bound`], which [`Tallies::add`] checks first:
/// once the magnitudes of every amount counted fit in a decimal, no sum of some of them, in any
/// order, can overflow (|a + b| ≤ |a| + |b|). An overflow is therefore an error at the result
/// that made the magnitudes overflow, whatever cell, supplier or tally it would have hit; the
/// bound is stricter than the sums (an invoice and a credit note of 5 × 10²⁸ each overflow it,
/// though their signed sum is zero), which only amounts no return holds can reach.
#[derive(Default)]
pub(crate) struct Tallies {
    cells: BTreeMap<Gstin, [Option<Totals>; 20]>,
    /// The supplier being counted (results come grouped by supplier) and its cells.
    current: Option<(Gstin, [Option<Totals>; 20])>,
    /// The magnitudes of every amount counted so far, added up.
    bound: Totals,
}

impl Tallies {
    /// Counts `results`. Errors: the magnitudes of the amounts counted overflow a decimal at a
    /// result (named by its counted document); the results before it are counted.
    pub(crate) fn add(&mut self, results: &[MatchResult]) -> Result<(), AmountOverflow> {
        let slot = |r: &MatchResult| {
            let c = CODES.iter().position(|&c| c == r.code).unwrap_or(0);
            let a = ACTIONS.iter().position(|&a| a == r.action).unwrap_or(0);
            c * ACTIONS.len() + a
        };
        for r in results {
            let t = r.totals();
            self.bound = self
                .bound
                .checked_add(&t.abs())
                .ok_or_else(|| overflow_at(r))?;
            if self.current.as_ref().map(|(g, _)| g) != Some(&r.supplier) {
                self.flush();
                self.current = Some((r.supplier, [None; 20]));
            }
            if let Some((_, c)) = &mut self.current {
                if let Some(cell) = c.get_mut(slot(r)) {
                    cell.get_or_insert_with(Totals::default).add_bounded(&t);
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self) {
        if let Some((g, c)) = self.current.take() {
            merge_cells(self.cells.entry(g).or_insert([None; 20]), &c);
        }
    }

    /// The summary of every result added.
    pub(crate) fn finish(mut self) -> Summary {
        self.flush();
        let mut s = Summary::default();
        let mut overall = [None; 20];
        for (g, c) in &self.cells {
            s.suppliers.insert(*g, tally_of(c));
            merge_cells(&mut overall, c);
        }
        s.overall = tally_of(&overall);
        s
    }
}

fn merge_cells(into: &mut [Option<Totals>; 20], from: &[Option<Totals>; 20]) {
    for (a, b) in into.iter_mut().zip(from) {
        if let Some(b) = b {
            a.get_or_insert_with(Totals::default).add_bounded(b);
        }
    }
}

fn tally_of(cells: &[Option<Totals>; 20]) -> Tally {
    let (codes, actions) = (&CODES, &ACTIONS);
    let mut t = Tally::default();
    for (i, cell) in cells.iter().enumerate() {
        let Some(v) = cell else { continue };
        let (Some(&c), Some(&a)) = (codes.get(i / actions.len()), actions.get(i % actions.len()))
        else {
            continue;
        };
        t.all.add_bounded(v);
        t.by_code.entry(c).or_default().add_bounded(v);
        t.by_action.entry(a).or_default().add_bounded(v);
    }
    t
}
