//! Step-2, the IMS records: GETCNT's counts by section and action, then every record (GETINV),
//! counted again; Step-3, the purchase register of the period.

use std::collections::BTreeMap;
use std::io::Write;

use gstn_client::{GstnClient, IMS_SECTIONS};
use gstr2_model::codes::ImsAction;
use gstr2_model::ims::ImsRecords;
use gstr2_model::{csv, Gstr2Payload, Table};
use gstr2_recon::ims::RecordRef;

use super::ImsFlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{count, docs, say, write_json, Bars, Column, Columns};

/// The action words of GETCNT, in its order: No action, Accepted, Rejected, Pending.
const ACTIONS: [ImsAction; 4] = [
    ImsAction::NoAction,
    ImsAction::Accept,
    ImsAction::Reject,
    ImsAction::Pending,
];

/// Step-2's tables: section, the four actions, all.
const COUNT_COLUMNS: [Column; 6] = [
    Column::left(8),
    Column::right(9),
    Column::right(8),
    Column::right(8),
    Column::right(7),
    Column::right(5),
];

/// Step-2: the counts at GSTN, then every record, counted again by section and action.
pub(super) async fn step2_download_ims(
    config: &ImsFlowConfig,
    client: &GstnClient,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<ImsRecords, FlowError> {
    say!(out, "\nStep-2: Download IMS records")?;
    let counts = client
        .ims_counts()
        .await
        .map_err(gstn("Step-2 download IMS records"))?;
    write_json(&config.out_dir.join("ims-counts.json"), &counts)?;
    let table = Columns::new(4, &COUNT_COLUMNS);
    let header = [
        "section",
        "no action",
        "accepted",
        "rejected",
        "pending",
        "all",
    ];
    say!(out, "  Records at GSTN by action (GETCNT):")?;
    table.say(out, &header)?;
    if let Some(others) = counts.others() {
        for (section, c) in &others.sections {
            let cells = [c.no_action, c.accepted, c.rejected, c.pending, c.total()];
            table.say(out, &row(section, cells))?;
        }
    }

    bars.start(IMS_SECTIONS.len() as u64, "IMS download");
    let downloaded = client.download_ims().await;
    bars.finish();
    let ims = downloaded.map_err(gstn("Step-2 download IMS records"))?;
    let path = config.out_dir.join("ims.json");
    write_json(&path, &ims)?;
    say!(
        out,
        "  Success: {} downloaded (GETINV, {} sections) -> {}",
        count(ims.document_count(), "record", "records"),
        IMS_SECTIONS.len(),
        path.display()
    )?;
    table.say(out, &header)?;
    let mut by_section: BTreeMap<&str, [u64; 5]> = BTreeMap::new();
    for (section, action) in current_actions(&ims) {
        let cells = by_section.entry(section).or_default();
        if let Some(at) = ACTIONS.iter().position(|a| *a == action) {
            cells[at] += 1;
        }
        cells[4] += 1;
    }
    for (section, cells) in by_section {
        table.say(out, &row(section, cells))?;
    }
    // What is odd in GSTN's records was read and kept; the user sees where.
    for w in ims.warnings() {
        say!(out, "  Warning: {w}")?;
    }
    Ok(ims)
}

/// A row of Step-2's tables.
fn row(section: &str, cells: [u64; 5]) -> [String; 6] {
    let [a, b, c, d, e] = cells.map(|n| n.to_string());
    [section.to_owned(), a, b, c, d, e]
}

/// Every record's section and the action GSTN reported.
fn current_actions(ims: &ImsRecords) -> Vec<(&'static str, ImsAction)> {
    let mut all = Vec::with_capacity(ims.document_count());
    macro_rules! each {
        ($($field:ident),*) => {$(
            all.extend(ims.$field.iter().map(|r| (stringify!($field), r.action())));
        )*};
    }
    each!(b2b, b2ba, b2bcn, b2bcna, b2bdn, b2bdna, ecom, ecoma);
    all
}

/// The action GSTN reported for the record at `at`.
pub(super) fn current_action(ims: &ImsRecords, at: RecordRef) -> Option<ImsAction> {
    match at.section {
        "b2b" => ims.b2b.get(at.index).map(|r| r.action()),
        "b2ba" => ims.b2ba.get(at.index).map(|r| r.action()),
        "b2bcn" => ims.b2bcn.get(at.index).map(|r| r.action()),
        "b2bcna" => ims.b2bcna.get(at.index).map(|r| r.action()),
        "b2bdn" => ims.b2bdn.get(at.index).map(|r| r.action()),
        "b2bdna" => ims.b2bdna.get(at.index).map(|r| r.action()),
        "ecom" => ims.ecom.get(at.index).map(|r| r.action()),
        "ecoma" => ims.ecoma.get(at.index).map(|r| r.action()),
        _ => None,
    }
}

/// Step-3: the purchase register of the period.
pub(super) fn step3_load_register(
    config: &ImsFlowConfig,
    out: &mut dyn Write,
) -> Result<Gstr2Payload, FlowError> {
    say!(out, "\nStep-3: Load the purchase register")?;
    let register = csv::read_dir(&config.data_dir, config.connection.gstin, config.period)
        .map_err(|source| FlowError::Register {
            dir: config.data_dir.clone(),
            source,
        })?;
    let reconciled: usize = [Table::B2b, Table::B2ba, Table::Cdn, Table::Cdna]
        .iter()
        .map(|t| register.document_count(*t))
        .sum();
    say!(
        out,
        "  Purchase register {}: {} in {} tables; {} of registered suppliers (B2B, B2BA, CDN, \
         CDNA) to reconcile with IMS",
        config.data_dir.display(),
        docs(register.total_documents()),
        Table::ALL
            .iter()
            .filter(|t| register.document_count(**t) > 0)
            .count(),
        docs(reconciled)
    )?;
    Ok(register)
}
