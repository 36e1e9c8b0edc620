//! Results as CSV, both sides side by side: one row per result.

use std::io::Write;

use crate::report::{DocSide, MatchResult, Reason, Report};

/// Why results could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResultsCsvError {
    /// Writing failed at this result (0-based index).
    #[error("writing results csv at result {index}: {source}")]
    Write {
        /// The result's index.
        index: usize,
        /// The csv writer's error.
        #[source]
        source: csv::Error,
    },
}

/// The columns of [`write_results_csv`].
pub const RESULT_COLUMNS: [&str; 37] = [
    "ctin",
    "kind",
    "code",
    "action",
    "computed_action",
    "rule",
    "own_section",
    "own_number",
    "own_date",
    "own_val",
    "own_txval",
    "own_iamt",
    "own_camt",
    "own_samt",
    "own_csamt",
    "own_pos",
    "own_rchrg",
    "own_inv_typ",
    "cp_section",
    "cp_number",
    "cp_date",
    "cp_val",
    "cp_txval",
    "cp_iamt",
    "cp_camt",
    "cp_samt",
    "cp_csamt",
    "cp_pos",
    "cp_rchrg",
    "cp_inv_typ",
    "cp_cfs",
    "cp_chksum",
    "amends",
    "replaces",
    "differences",
    "reasons",
    "suggestions",
];

fn side_cols(s: Option<&DocSide>, out: &mut Vec<String>) {
    match s {
        None => out.extend(std::iter::repeat_n(String::new(), 12)),
        Some(s) => {
            out.push(s.section.as_str().to_owned());
            out.push(s.key.number.clone());
            out.push(gstr2_model::date::format(s.key.date));
            out.push(s.value.to_string());
            out.push(s.taxable_value.to_string());
            out.push(s.tax.igst.to_string());
            out.push(s.tax.cgst.to_string());
            out.push(s.tax.sgst.to_string());
            out.push(s.tax.cess.to_string());
            out.push(s.place_of_supply.map(|p| p.to_string()).unwrap_or_default());
            out.push(
                s.reverse_charge
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            );
            out.push(
                s.invoice_type
                    .as_ref()
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
            );
        }
    }
}

fn reason_text(r: &Reason) -> String {
    let fields = |f: &[crate::Field]| f.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(",");
    match r {
        Reason::NotInGstr2a => "not in GSTR2A".into(),
        Reason::NotInRegister => "not in the register".into(),
        Reason::NumberWrittenDifferently => "number written differently".into(),
        Reason::WithinTolerance { fields: f } => format!("within tolerance: {}", fields(f)),
        Reason::BeyondTolerance { fields: f } => format!("beyond tolerance: {}", fields(f)),
        Reason::LinkedByUser => "linked by the user".into(),
        Reason::CounterpartyNotFiled => "supplier has not filed (cfs=N)".into(),
        Reason::FilingStatusUnknown => "supplier filing status unknown (no cfs)".into(),
        Reason::MarkedPending => "marked pending by the user".into(),
        Reason::ProbablePairs => "probable pairs suggested".into(),
    }
}

fn row(r: &MatchResult) -> Vec<String> {
    let mut out = Vec::with_capacity(RESULT_COLUMNS.len());
    out.push(r.supplier.to_string());
    out.push(format!("{:?}", r.kind));
    out.push(r.code.as_str().to_owned());
    out.push(r.action.as_str().to_owned());
    out.push(r.computed_action.as_str().to_owned());
    out.push(r.rule.map(|x| format!("{x:?}")).unwrap_or_default());
    side_cols(r.own.as_ref(), &mut out);
    side_cols(r.counterparty.as_ref(), &mut out);
    out.push(
        r.counterparty
            .as_ref()
            .and_then(|c| c.filing_status.as_ref())
            .map(|p| p.to_string())
            .unwrap_or_default(),
    );
    out.push(
        r.counterparty
            .as_ref()
            .and_then(|c| c.checksum.clone())
            .unwrap_or_default(),
    );
    let sides = [r.own.as_ref(), r.counterparty.as_ref()];
    out.push(
        sides
            .iter()
            .flatten()
            .filter_map(|s| s.amends.as_ref())
            .map(|o| format!("{} {}", o.number, gstr2_model::date::format(o.date)))
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.push(
        sides
            .iter()
            .flatten()
            .flat_map(|s| s.replaces.iter())
            .map(|k| format!("{} {}", k.number, gstr2_model::date::format(k.date)))
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.push(
        r.differences
            .iter()
            .map(|d| {
                let rate = d.rate.map(|x| format!("@{x}")).unwrap_or_default();
                let diff = d.difference.map(|x| format!(" ({x})")).unwrap_or_default();
                let tol = if d.within_tolerance {
                    " within tolerance"
                } else {
                    ""
                };
                format!(
                    "{}{}: {} -> {}{}{}",
                    d.field.as_str(),
                    rate,
                    d.own.as_deref().unwrap_or("-"),
                    d.counterparty.as_deref().unwrap_or("-"),
                    diff,
                    tol
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.push(
        r.reasons
            .iter()
            .map(reason_text)
            .collect::<Vec<_>>()
            .join("; "),
    );
    out.push(
        r.suggestions
            .iter()
            .map(|s| {
                format!(
                    "{} {} score {}",
                    s.key.number,
                    gstr2_model::date::format(s.key.date),
                    s.score
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    out
}

/// Writes one CSV row per result, the taxpayer's and the counterparty's columns side by side
/// ([`RESULT_COLUMNS`]), with a header.
///
/// ```
/// use gstr2_recon::{write_results_csv, Report, Summary};
///
/// let report = Report {
///     gstin: "27AAPFU0939F1ZV".parse().unwrap(),
///     fp: "072017".parse().unwrap(),
///     results: Vec::new(),
///     summary: Summary::default(),
///     stale_decisions: Vec::new(),
/// };
/// let mut out = Vec::new();
/// write_results_csv(&report, &mut out).unwrap();
/// assert!(String::from_utf8(out).unwrap().starts_with("ctin,kind,code,action"));
/// ```
pub fn write_results_csv(report: &Report, out: impl Write) -> Result<(), ResultsCsvError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(RESULT_COLUMNS)
        .map_err(|source| ResultsCsvError::Write { index: 0, source })?;
    for (index, r) in report.results.iter().enumerate() {
        w.write_record(row(r))
            .map_err(|source| ResultsCsvError::Write { index, source })?;
    }
    w.flush().map_err(|e| ResultsCsvError::Write {
        index: report.results.len(),
        source: e.into(),
    })?;
    Ok(())
}
