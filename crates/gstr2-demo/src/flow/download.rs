//! Step-3, Download Counter Party: the GSTR2A of the period, listed document by document, and
//! the warnings about what is odd in GSTN's data.

use std::io::Write;

use gstn_client::GstnClient;
use gstr2_model::{Gstin, Gstr2a};

use super::FlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{say, write_json, Bars, Column, Columns};

/// One line per GSTR2A document: supplier, `cfs`, section, number, date, value.
fn counterparty_rows(g: &Gstr2a) -> Vec<[String; 6]> {
    let cfs =
        |c: &Option<gstr2_model::codes::YesNo>| c.as_ref().map_or("-", |c| c.as_str()).to_owned();
    let row = |ctin: &Gstin,
               filed: &Option<gstr2_model::codes::YesNo>,
               kind: String,
               number: &str,
               date,
               value: &rust_decimal::Decimal| {
        [
            ctin.to_string(),
            cfs(filed),
            kind,
            number.to_owned(),
            gstr2_model::date::format(date),
            value.to_string(),
        ]
    };
    let mut rows = Vec::new();
    for s in &g.b2b {
        rows.extend(s.invoices.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                "B2B".into(),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    for s in &g.b2ba {
        rows.extend(s.invoices.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                "B2BA".into(),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    for s in &g.cdn {
        rows.extend(s.notes.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                format!("CDN-{}", d.note_type.as_str()),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    for s in &g.cdna {
        rows.extend(s.notes.iter().map(|d| {
            row(
                &s.supplier_gstin,
                &s.filing_status,
                format!("CDNA-{}", d.note_type.as_str()),
                &d.number,
                d.date,
                &d.value,
            )
        }));
    }
    rows
}

/// Step-3: the counterparty invoices (GSTR2A), listed.
pub(super) async fn step3_download_counterparty(
    config: &FlowConfig,
    client: &GstnClient,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<Gstr2a, FlowError> {
    say!(out, "\nStep-3: Download Counter Party")?;
    bars.start(gstn_client::GSTR2A_SECTIONS.len() as u64, "GSTR2A download");
    let downloaded = client.download_gstr2a(config.period).await;
    bars.finish();
    let gstr2a = downloaded.map_err(gstn("Step-3 download counter party"))?;
    let path = config.out_dir.join("gstr2a.json");
    write_json(&path, &gstr2a)?;
    say!(
        out,
        "  Success: {} counter party documents downloaded -> {}",
        gstr2a.document_count(),
        path.display()
    )?;
    let table = Columns::new(
        4,
        &[
            Column::left(15),
            Column::left(3),
            Column::left(6),
            Column::left(16),
            Column::left(10),
            Column::right(12),
        ],
    );
    let header = ["supplier", "cfs", "type", "number", "date", "value"].map(String::from);
    for row in std::iter::once(header).chain(counterparty_rows(&gstr2a)) {
        table.say(out, &row)?;
    }
    // What is odd in GSTN's data was read and kept; the user sees where.
    let warnings = gstr2a.warnings();
    for w in warnings.iter().take(WARNINGS_SHOWN) {
        say!(out, "  Warning: {w}")?;
    }
    if warnings.len() > WARNINGS_SHOWN {
        say!(
            out,
            "  Warning: {} more (Gstr2a::warnings)",
            warnings.len() - WARNINGS_SHOWN
        )?;
    }
    Ok(gstr2a)
}

/// Warnings about GSTN's data shown at Step-3 before the rest is cut to a count.
const WARNINGS_SHOWN: usize = 20;
