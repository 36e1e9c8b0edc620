//! Step-6, GSTR-2B regenerated (`GEN2B`) and downloaded (`GET2B`), its ITC compared head by head
//! with the ITC the actions give; Step-7, what GSTR-3B Table 4 takes from it.

use std::io::Write;

use gstn_client::{GstnClient, Gstr2bGeneration};
use gstr2_model::gstr2b::{Gstr2b, ItcNode};
use gstr2_model::TaxAmounts;
use gstr2_recon::ims::{ExpectedItc, ImsActions};
use gstr2_recon::Reconciler;

use super::{ImsFlowConfig, ITC_TOLERANCE};
use crate::error::{describe_itc_difference, gstn, FlowError};
use crate::present::{amount, docs, say, write_json, Bars, Column, Columns};

/// Step-6's table: part, section, whose, the four heads.
const ITC_COLUMNS: [Column; 7] = [
    Column::left(11),
    Column::left(7),
    Column::left(10),
    Column::right(12),
    Column::right(12),
    Column::right(12),
    Column::right(10),
];

/// The four heads of `tax`, to two places.
fn heads(tax: &TaxAmounts) -> [String; 4] {
    [tax.igst, tax.cgst, tax.sgst, tax.cess].map(amount)
}

/// The ITC of a GSTR-2B in the shape of [`ExpectedItc`]: `nonrevsup` per section, of ITC
/// available and ITC rejected.
fn itc_of(gstr2b: &Gstr2b) -> ExpectedItc {
    let part = |node: Option<&ItcNode>| {
        node.and_then(|n| n.child("nonrevsup"))
            .map(|n| {
                n.children
                    .iter()
                    .map(|(k, v)| (k.clone(), v.tax()))
                    .collect()
            })
            .unwrap_or_default()
    };
    ExpectedItc {
        available: part(gstr2b.itc_available()),
        rejected: part(gstr2b.itc_rejected()),
    }
}

/// Step-6: GEN2B polled to its end, the GSTR-2B downloaded, and its ITC compared with the ITC
/// the actions give; a difference stops the flow, naming every head that differs.
pub(super) async fn step6_regenerate_gstr2b(
    config: &ImsFlowConfig,
    client: &GstnClient,
    reconciler: &Reconciler<'_>,
    actions: &ImsActions,
    bars: &Bars,
    out: &mut dyn Write,
) -> Result<(Gstr2bGeneration, Gstr2b, ExpectedItc), FlowError> {
    const STEP: &str = "Step-6 regenerate GSTR-2B";
    say!(out, "\nStep-6: Regenerate GSTR-2B and compare its ITC")?;
    let generation = client
        .generate_gstr2b(config.period)
        .await
        .map_err(gstn(STEP))?;
    match &generation {
        Gstr2bGeneration::Generated { reference_id } => say!(
            out,
            "  GEN2B {}: generated (reference {reference_id}, GENSTS2B P)",
            config.period
        )?,
        Gstr2bGeneration::Unchanged { message } => say!(
            out,
            "  GEN2B {}: nothing changed since the last generation (IMS2005: {message})",
            config.period
        )?,
        other => say!(out, "  GEN2B {}: {other:?}", config.period)?,
    }
    bars.start(0, "GSTR-2B download");
    let downloaded = client.gstr2b(config.period).await;
    bars.finish();
    let gstr2b = downloaded.map_err(gstn(STEP))?;
    let path = config.out_dir.join("gstr2b.json");
    write_json(&path, &gstr2b.answer())?;
    say!(
        out,
        "  GSTR-2B of {} downloaded (generated {}): {} with ITC available, {} rejected -> {}",
        config.period,
        gstr2b.generated_on.as_deref().unwrap_or("-"),
        docs(gstr2b.documents.document_count()),
        docs(gstr2b.rejected.document_count()),
        path.display()
    )?;
    for w in gstr2b.warnings() {
        say!(out, "  Warning: {w}")?;
    }

    let expected = reconciler
        .expected_itc(actions)
        .ok_or_else(|| FlowError::Config("the IMS flow reconciles with IMS".into()))?
        .map_err(FlowError::amounts)?;
    let downloaded = itc_of(&gstr2b);
    write_json(&config.out_dir.join("itc-expected.json"), &expected)?;
    write_json(&config.out_dir.join("itc-gstr2b.json"), &downloaded)?;
    let differences = expected.compare(&gstr2b, ITC_TOLERANCE);
    write_json(&config.out_dir.join("itc-differences.json"), &differences)?;

    say!(
        out,
        "  ITC of itcsumm.nonrevsup, expected from the actions and in GSTR-2B:"
    )?;
    let table = Columns::new(4, &ITC_COLUMNS);
    table.say(
        out,
        &["part", "section", "", "igst", "cgst", "sgst", "cess"],
    )?;
    for (part, mine, theirs) in [
        ("itcavl", &expected.available, &downloaded.available),
        ("itcRejected", &expected.rejected, &downloaded.rejected),
    ] {
        let sections: std::collections::BTreeSet<&String> =
            mine.keys().chain(theirs.keys()).collect();
        for section in sections {
            for (whose, tax) in [
                ("expected", mine.get(section)),
                ("GSTR-2B", theirs.get(section)),
            ] {
                let [igst, cgst, sgst, cess] = heads(&tax.copied().unwrap_or_default());
                table.say(out, &[part, section, whose, &igst, &cgst, &sgst, &cess])?;
            }
        }
    }
    if !differences.is_empty() {
        for d in &differences {
            say!(out, "  Differs: {}", describe_itc_difference(d))?;
        }
        return Err(FlowError::ItcDiffers(differences));
    }
    say!(
        out,
        "  The ITC of GSTR-2B is the expected one, head by head (within Rs {ITC_TOLERANCE})."
    )?;
    Ok((generation, gstr2b, expected))
}

/// The GSTR-3B row a node of `itcsumm.itcavl` goes to.
fn table4_row(key: &str) -> &'static str {
    match key {
        "imports" => "4(A)(1) import of goods",
        "revsup" => "4(A)(3) inward supplies liable to reverse charge",
        "isdsup" => "4(A)(4) inward supplies from ISD",
        "nonrevsup" => "4(A)(5) all other ITC",
        _ => "",
    }
}

/// Step-7's table: node, what, the four heads.
const TABLE4_COLUMNS: [Column; 6] = [
    Column::left(14),
    Column::left(48),
    Column::right(12),
    Column::right(12),
    Column::right(12),
    Column::right(10),
];

/// Step-7: what GSTR-3B Table 4 takes from the GSTR-2B: ITC available by 3B row and section,
/// head by head; the ITC rejected in IMS, which it does not take.
pub(super) fn step7_gstr3b_table4(gstr2b: &Gstr2b, out: &mut dyn Write) -> Result<(), FlowError> {
    say!(out, "\nStep-7: What GSTR-3B Table 4 takes from GSTR-2B")?;
    let table = Columns::new(4, &TABLE4_COLUMNS);
    let lines = |node: Option<&ItcNode>,
                 row_of: &dyn Fn(&str) -> &'static str,
                 out: &mut dyn Write|
     -> Result<usize, FlowError> {
        let Some(node) = node else { return Ok(0) };
        table.say(out, &["itcsumm", "GSTR-3B", "igst", "cgst", "sgst", "cess"])?;
        for (key, child) in &node.children {
            let [igst, cgst, sgst, cess] = heads(&child.tax());
            table.say(out, &[key, row_of(key), &igst, &cgst, &sgst, &cess])?;
            for (section, grandchild) in &child.children {
                let [igst, cgst, sgst, cess] = heads(&grandchild.tax());
                table.say(
                    out,
                    &[&format!("  {section}"), "", &igst, &cgst, &sgst, &cess],
                )?;
            }
        }
        Ok(node.children.len())
    };
    say!(out, "  ITC available (itcsumm.itcavl), into Table 4(A):")?;
    if lines(gstr2b.itc_available(), &table4_row, out)? == 0 {
        say!(out, "    none")?;
    }
    say!(
        out,
        "  ITC rejected in IMS (itcsumm.itcRejected): not taken in Table 4"
    )?;
    if lines(gstr2b.itc_rejected(), &|_| "", out)? == 0 {
        say!(out, "    none")?;
    }
    if let Some(node) = gstr2b.itc_unavailable() {
        say!(
            out,
            "  ITC not available (itcsumm.itcunavl), into Table 4(D)(2):"
        )?;
        lines(Some(node), &|_| "", out)?;
    }
    if let Some(node) = gstr2b.itc_reversal() {
        say!(
            out,
            "  ITC to be reversed (itcsumm.itcrev), into Table 4(B):"
        )?;
        lines(Some(node), &|_| "", out)?;
    }
    Ok(())
}
