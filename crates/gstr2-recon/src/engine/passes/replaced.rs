//! Pass 1, **amendments** (`b2ba`, `cdna`): on its own side, an amendment replaces the original
//! it names (`oinum`/`oidt`, `ont_num`/`ont_dt`). The original is found among the side's
//! documents of the same supplier and type with the date named, by the number as written, else
//! by the number normalised ([`normalise`]); each original is replaced at most once, the
//! amendments taken in canonical order. The replaced original takes part in no other pass: it is
//! listed in its amendment's [`DocSide::replaces`](crate::DocSide::replaces).
//!
//! Runs once per side, when the side is read ([`SideState::new`]): a search by key in the sorted
//! side per amendment, no walk over pairs. Where many amendments name one key, each resumes
//! where the one before stopped (a cursor per run of the key): documents skipped once (an
//! amendment, or an original replaced already) stay skipped, so a run is walked once however
//! many amendments name it.

use std::collections::BTreeMap;

use crate::engine::side::SideState;
use crate::number::normalise;

impl SideState<'_> {
    /// Amendments replace the originals they name (same supplier and kind; the number as
    /// written, else normalised; the date), each original at most once, in canonical order.
    pub(in crate::engine) fn resolve_amendments(&mut self) {
        let amendments: Vec<usize> = (0..self.docs.len())
            .filter(|&i| self.docs[i].original.is_some())
            .collect();
        if amendments.is_empty() {
            return;
        }
        let mut by_norm: Vec<usize> = (0..self.docs.len())
            .filter(|&i| self.docs[i].original.is_none())
            .collect();
        by_norm.sort_by(|&a, &b| {
            let (x, y) = (&self.docs[a], &self.docs[b]);
            (x.supplier, x.kind, x.norm.as_str(), x.date, a).cmp(&(
                y.supplier,
                y.kind,
                y.norm.as_str(),
                y.date,
                b,
            ))
        });
        // Where the next search of a run resumes, by the run's start (as written, normalised).
        let mut written_cursor: BTreeMap<usize, usize> = BTreeMap::new();
        let mut norm_cursor: BTreeMap<usize, usize> = BTreeMap::new();
        for a in amendments {
            let (supplier, kind, (onum, odt)) = {
                let d = &self.docs[a];
                let Some(o) = d.original else { continue };
                (d.supplier, d.kind, o)
            };
            // As written: the canonical order starts with (supplier, kind, number, date).
            let start = self.docs.partition_point(|d| {
                (d.supplier, d.kind, d.number, d.date) < (supplier, kind, onum, odt)
            });
            let mut found = None;
            let cursor = written_cursor.entry(start).or_insert(start);
            for i in *cursor..self.docs.len() {
                let d = &self.docs[i];
                if (d.supplier, d.kind, d.number, d.date) != (supplier, kind, onum, odt) {
                    break;
                }
                // An amendment (`a` among them) or a replaced original is skipped for good.
                *cursor = i + 1;
                if i != a && d.original.is_none() && self.replaced_by[i].is_none() {
                    found = Some(i);
                    break;
                }
            }
            if found.is_none() {
                let onorm = normalise(onum, odt);
                if !onorm.is_empty() {
                    let start = by_norm.partition_point(|&i| {
                        let d = &self.docs[i];
                        (d.supplier, d.kind, d.norm.as_str(), d.date)
                            < (supplier, kind, onorm.as_str(), odt)
                    });
                    let cursor = norm_cursor.entry(start).or_insert(start);
                    debug_assert!(*cursor <= by_norm.len(), "a cursor stays within its run");
                    for &i in by_norm.get(*cursor..).unwrap_or_default() {
                        let d = &self.docs[i];
                        if (d.supplier, d.kind, d.norm.as_str(), d.date)
                            != (supplier, kind, onorm.as_str(), odt)
                        {
                            break;
                        }
                        // A replaced original is skipped for good.
                        *cursor += 1;
                        if self.replaced_by[i].is_none() {
                            found = Some(i);
                            break;
                        }
                    }
                }
            }
            if let Some(i) = found {
                self.replaced_by[i] = Some(a);
                self.replaces.entry(a).or_default().push(i);
            }
        }
    }
}
