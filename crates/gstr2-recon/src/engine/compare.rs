//! A pair compared field by field: the differences, whether each is within its tolerance, and
//! the pair's code.

use gstr2_model::codes::YesNo;
use gstr2_model::TaxAmounts;
use rust_decimal::Decimal;

use super::doc::Doc;
use crate::config::MatchConfig;
use crate::report::{Field, FieldDifference, MatchCode, Reason};

/// Whether the supplier of a GSTR2A document has filed (`cfs` = `Y`, or absent when the
/// config counts that as filed); if not, why, for the result's reasons.
pub(super) fn is_filed(d: &Doc<'_>, config: &MatchConfig) -> Result<(), Reason> {
    match d.cfs {
        Some(YesNo::Yes) => Ok(()),
        None if config.missing_filing_status_is_filed => Ok(()),
        None => Err(Reason::FilingStatusUnknown),
        Some(_) => Err(Reason::CounterpartyNotFiled),
    }
}

/// One tax head compared per rate: its field, how to read it, its tolerance.
type TaxHead = (Field, fn(&TaxAmounts) -> Decimal, Decimal);

fn diff_amount(
    out: &mut Vec<FieldDifference>,
    field: Field,
    rate: Option<Decimal>,
    own: Option<Decimal>,
    cp: Option<Decimal>,
    tolerance: Decimal,
) {
    // A difference that overflows a decimal is beyond any tolerance: it is reported without
    // its amount (see `FieldDifference::difference`).
    let d = cp.unwrap_or_default().checked_sub(own.unwrap_or_default());
    if d.is_some_and(|d| d.is_zero()) {
        // Equal, or a rate present on one side with zero amounts: nothing to report.
        return;
    }
    out.push(FieldDifference {
        field,
        rate,
        own: own.map(|v| v.to_string()),
        counterparty: cp.map(|v| v.to_string()),
        difference: d,
        within_tolerance: d.is_some_and(|d| d.abs() <= tolerance),
    });
}

/// A coded field (place of supply, reverse charge, invoice type) that differs, as written.
fn diff_text<T: PartialEq + std::fmt::Display>(
    out: &mut Vec<FieldDifference>,
    field: Field,
    own: Option<T>,
    cp: Option<T>,
) {
    // Equal values write alike: only differing ones are written out and compared as text.
    if let (Some(o), Some(c)) = (own, cp) {
        if o != c {
            let (o, c) = (o.to_string(), c.to_string());
            if o != c {
                out.push(FieldDifference {
                    field,
                    rate: None,
                    own: Some(o),
                    counterparty: Some(c),
                    difference: None,
                    within_tolerance: false,
                });
            }
        }
    }
}

/// The taxable value and each tax head of one rate (or of the totals, `rate` `None`), each
/// side's where it has the rate.
fn diff_amounts(
    out: &mut Vec<FieldDifference>,
    rate: Option<Decimal>,
    own: Option<(Decimal, TaxAmounts)>,
    cp: Option<(Decimal, TaxAmounts)>,
    tol: &crate::config::Tolerance,
) {
    diff_amount(
        out,
        Field::TaxableValue,
        rate,
        own.map(|x| x.0),
        cp.map(|x| x.0),
        tol.taxable_value,
    );
    let heads: [TaxHead; 4] = [
        (Field::Igst, |t| t.igst, tol.igst),
        (Field::Cgst, |t| t.cgst, tol.cgst),
        (Field::Sgst, |t| t.sgst, tol.sgst),
        (Field::Cess, |t| t.cess, tol.cess),
    ];
    for (field, head, tolerance) in heads {
        diff_amount(
            out,
            field,
            rate,
            own.map(|x| head(&x.1)),
            cp.map(|x| head(&x.1)),
            tolerance,
        );
    }
}

/// Every field that differs between a taxpayer document and a counterparty document.
pub(super) fn compare(o: &Doc<'_>, c: &Doc<'_>, config: &MatchConfig) -> Vec<FieldDifference> {
    let tol = &config.tolerance;
    let mut out = Vec::new();
    if o.number != c.number {
        out.push(FieldDifference {
            field: Field::Number,
            rate: None,
            own: Some(o.number.to_owned()),
            counterparty: Some(c.number.to_owned()),
            difference: None,
            within_tolerance: true,
        });
    }
    if o.date != c.date {
        out.push(FieldDifference {
            field: Field::Date,
            rate: None,
            own: Some(gstr2_model::date::format(o.date)),
            counterparty: Some(gstr2_model::date::format(c.date)),
            difference: Some(Decimal::from((c.date - o.date).num_days())),
            within_tolerance: false,
        });
    }
    diff_amount(
        &mut out,
        Field::Value,
        None,
        Some(o.value),
        Some(c.value),
        tol.value,
    );
    diff_text(&mut out, Field::PlaceOfSupply, o.pos, c.pos);
    diff_text(
        &mut out,
        Field::ReverseCharge,
        o.rchrg.as_ref(),
        c.rchrg.as_ref(),
    );
    diff_text(&mut out, Field::InvoiceType, o.inv_typ, c.inv_typ);
    let (or, cr) = match (o.by_rate(), c.by_rate()) {
        (Some(or), Some(cr)) => (or, cr),
        // A side without rates (GSTR-2B's newer layout, IMS): the totals, without a rate.
        _ => {
            let ((ot, ox), (ct, cx)) = (o.amounts(), c.amounts());
            diff_amounts(&mut out, None, Some((ot, ox)), Some((ct, cx)), tol);
            return out;
        }
    };
    let (mut i, mut j) = (0, 0);
    while i < or.len() || j < cr.len() {
        let (a, b) = (or.get(i), cr.get(j));
        let (rate, a, b) = match (a, b) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                i += 1;
                j += 1;
                (x.0, Some(x), Some(y))
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                i += 1;
                (x.0, Some(x), None)
            }
            (Some(_), Some(y)) => {
                j += 1;
                (y.0, None, Some(y))
            }
            (Some(x), None) => {
                i += 1;
                (x.0, Some(x), None)
            }
            (None, Some(y)) => {
                j += 1;
                (y.0, None, Some(y))
            }
            (None, None) => break,
        };
        diff_amounts(
            &mut out,
            Some(rate),
            a.map(|x| (x.1, x.2)),
            b.map(|x| (x.1, x.2)),
            tol,
        );
    }
    out
}

pub(super) fn fields_of(diffs: &[FieldDifference], within: bool) -> Vec<Field> {
    let mut v: Vec<Field> = diffs
        .iter()
        .filter(|d| d.within_tolerance == within && d.field != Field::Number)
        .map(|d| d.field)
        .collect();
    v.dedup();
    v
}

/// A pair's code: Mismatch when a field differs beyond tolerance.
pub(super) fn pair_code(differences: &[FieldDifference]) -> MatchCode {
    if differences.iter().all(|d| d.within_tolerance) {
        MatchCode::Ok
    } else {
        MatchCode::Mismatch
    }
}

/// Whether `a` and `b` differ by at most `tolerance`; a difference that overflows a decimal is
/// beyond any tolerance.
pub(super) fn within(a: Decimal, b: Decimal, tolerance: Decimal) -> bool {
    a.checked_sub(b).is_some_and(|d| d.abs() <= tolerance)
}
