//! Step-5, Save To GSTN: the payloads generated again with Step-4's flags, what they will send
//! (shown, and asked first, with [`Confirm::Ask`]), and the save of each, chunk by chunk.

use std::collections::BTreeMap;
use std::io::Write;

use gstn_client::{GstnClient, SaveReport};
use gstr2_model::{Gstr2Payload, Gstr2a, Table};
use gstr2_recon::{Decisions, Reconciler, Report, SavePayloads};

use super::payload::{write_payloads, Step2};
use super::FlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{confirm_step, docs, say, Bars, Confirm, Otps};

/// One document of a save payload, as named before the save is confirmed.
struct Outgoing {
    /// The section (`B2B`, `CDN`, ...).
    section: &'static str,
    /// The supplier (`ctin`), in the sections grouped by supplier.
    supplier: Option<String>,
    /// The document's number (`inum`, `nt_num`, `boe_num`, `dnum`; `pos`/`sply_ty` for advances).
    number: String,
    /// The action flag (`flag`); none for the taxpayer's own uploads.
    flag: Option<String>,
}

/// The documents of a payload, section by section in table order. Read from the wire form, where
/// every section names its documents and flags with the same few keys (the sections grouped by
/// supplier under `inv` or `nt`).
fn outgoing(payload: &Gstr2Payload) -> Result<Vec<Outgoing>, FlowError> {
    let value = serde_json::to_value(payload).map_err(FlowError::encode("encoding the payload"))?;
    fn text<'a>(v: &'a serde_json::Value, key: &str) -> Option<&'a str> {
        v.get(key).and_then(|v| v.as_str())
    }
    let number = |doc: &serde_json::Value| {
        ["nt_num", "inum", "boe_num", "dnum"]
            .into_iter()
            .find_map(|k| text(doc, k))
            .map(str::to_owned)
            .or_else(|| {
                let (pos, supply) = (text(doc, "pos")?, text(doc, "sply_ty")?);
                Some(format!("{pos} {supply}"))
            })
            .unwrap_or_else(|| "-".into())
    };
    let mut docs = Vec::new();
    for table in Table::ALL {
        let mut push = |supplier: Option<&str>, doc: &serde_json::Value| {
            docs.push(Outgoing {
                section: table.section_name(),
                supplier: supplier.map(str::to_owned),
                number: number(doc),
                flag: text(doc, "flag").map(str::to_owned),
            })
        };
        match value.get(table.wire_key()) {
            Some(serde_json::Value::Array(entries)) => {
                for entry in entries {
                    let supplier = text(entry, "ctin");
                    match ["inv", "nt"]
                        .into_iter()
                        .find_map(|k| entry.get(k).and_then(|v| v.as_array()))
                    {
                        Some(grouped) => grouped.iter().for_each(|doc| push(supplier, doc)),
                        None => push(supplier, entry),
                    }
                }
            }
            Some(whole @ serde_json::Value::Object(_)) => push(None, whole),
            _ => {}
        }
    }
    Ok(docs)
}

/// A flag in words, for the lines before the save.
fn flag_word(flag: Option<&str>) -> &str {
    match flag {
        None | Some("U") => "upload",
        Some("A") => "accept",
        Some("R") => "reject",
        Some("P") => "pending",
        Some("M") => "modify",
        Some("N") => "no action",
        Some("D") => "delete",
        Some("E") => "edit",
        Some(other) => other,
    }
}

/// What Step-5 will send, for the question before it: per section the documents by flag, and
/// the documents to delete by name (the first 20; the rest are in `payload-delete.json`).
fn save_plan(config: &FlowConfig, payloads: &SavePayloads) -> Result<Vec<String>, FlowError> {
    let mut lines = vec![format!(
        "  To be saved at GSTN for {} / {} (RETSAVE):",
        config.gstin, config.period
    )];
    let upsert = outgoing(&payloads.upsert)?;
    lines.push(format!("    New/Modify: {}", docs(upsert.len())));
    let mut by_section: Vec<(&str, BTreeMap<&str, usize>)> = Vec::new();
    for d in &upsert {
        if by_section.last().is_none_or(|(s, _)| *s != d.section) {
            by_section.push((d.section, BTreeMap::new()));
        }
        if let Some((_, flags)) = by_section.last_mut() {
            *flags.entry(flag_word(d.flag.as_deref())).or_default() += 1;
        }
    }
    for (section, flags) in by_section {
        let counts: Vec<String> = flags.iter().map(|(f, n)| format!("{f} {n}")).collect();
        lines.push(format!("      {section:<9} {}", counts.join(", ")));
    }
    if payloads.upsert.hsnsum.is_some() {
        lines.push("      HSN summary (hsnsum)".into());
    }
    let delete = outgoing(&payloads.delete)?;
    lines.push(format!("    Delete: {}", docs(delete.len())));
    const SHOWN: usize = 20;
    for d in delete.iter().take(SHOWN) {
        lines.push(format!(
            "      {:<9} {} {}",
            d.section,
            d.supplier.as_deref().unwrap_or("-"),
            d.number
        ));
    }
    if delete.len() > SHOWN {
        lines.push(format!(
            "      and {} more (payload-delete.json)",
            delete.len() - SHOWN
        ));
    }
    Ok(lines)
}

/// Step-5: save new/modified and deleted documents, each chunk polled to its final status.
#[allow(clippy::too_many_arguments)]
pub(super) async fn step5_save(
    config: &FlowConfig,
    client: &GstnClient,
    step2: &Step2,
    gstr2a: &Gstr2a,
    report: &Report,
    decisions: &Decisions,
    bars: &Bars,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<(SavePayloads, SaveReport), FlowError> {
    say!(out, "\nStep-5: Save To GSTN")?;
    let inputs = Reconciler::new(&step2.register, gstr2a)
        .decisions(decisions)
        .previously_saved(step2.saved.as_ref());
    let payloads = inputs.save_payloads(report).map_err(FlowError::Payload)?;
    say!(out, "  Payloads generated again with the flags of Step-4:")?;
    write_payloads(config, &payloads, out)?;
    if config.confirm == Confirm::Ask {
        confirm_step(
            config.confirm,
            otps,
            out,
            &save_plan(config, &payloads)?,
            "Save these to GSTN?",
            "Step-5 save to GSTN",
            "nothing was saved to GSTN",
        )?;
    }
    let mut saves = Vec::new();
    for (name, payload) in [
        ("New/Modify", &payloads.upsert),
        ("Delete", &payloads.delete),
    ] {
        if payload.is_empty() {
            say!(out, "  {name}: nothing to save")?;
            continue;
        }
        bars.start(0, name);
        let saved = client.save(payload).await;
        bars.finish();
        let saved = saved.map_err(gstn("Step-5 save to GSTN"))?;
        for (i, chunk) in saved.chunks.iter().enumerate() {
            say!(
                out,
                "  {name} chunk {}/{}: {}, reference {}, status {}",
                i + 1,
                saved.chunks.len(),
                docs(chunk.documents),
                chunk.reference_id,
                chunk.status
            )?;
        }
        if !saved.is_clean() {
            return Err(FlowError::SaveFailures(saved.failures()));
        }
        say!(out, "  Success: {name} saved ({})", docs(saved.documents()))?;
        saves.push(saved);
    }
    let save = saves
        .into_iter()
        .next()
        .unwrap_or(SaveReport { chunks: Vec::new() });
    Ok((payloads, save))
}
