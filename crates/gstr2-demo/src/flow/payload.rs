//! Step-2, Generate Payload: the purchase register, what GSTN already holds for the period, and
//! the payloads of new/modified and deleted documents with the local summary.

use std::io::Write;

use gstn_client::GstnClient;
use gstr2_model::{csv, Gstr2Payload, Gstr2a, ReturnPeriod, Table};
use gstr2_recon::{local_summary, Decisions, Reconciler, SavePayloads};

use super::summary::print_summary;
use super::FlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{docs, say, write_json};

/// What Step-2 read and decided.
pub(super) struct Step2 {
    pub(super) register: Gstr2Payload,
    /// What GSTN held before this session's save.
    pub(super) saved: Option<Gstr2Payload>,
}

/// Step-2: payloads of new/modified and deleted documents, with the local summary.
pub(super) async fn step2_generate_payload(
    config: &FlowConfig,
    client: &GstnClient,
    out: &mut dyn Write,
) -> Result<Step2, FlowError> {
    say!(out, "\nStep-2: Generate Payload")?;
    let register =
        csv::read_dir(&config.data_dir, config.gstin, config.period).map_err(|source| {
            FlowError::Register {
                dir: config.data_dir.clone(),
                source,
            }
        })?;
    say!(
        out,
        "  Purchase register {}: {} documents in {} tables",
        config.data_dir.display(),
        register.total_documents(),
        Table::ALL
            .iter()
            .filter(|t| register.document_count(**t) > 0)
            .count()
    )?;
    let saved = held_by_gstn(client, config.period).await?;
    say!(
        out,
        "  Already saved at GSTN: {}",
        docs(saved.total_documents())
    )?;
    let saved = (!saved.is_empty()).then_some(saved);
    // Before the counterparty download every register document is the taxpayer's own.
    let payloads = payloads_for(
        &register,
        &Gstr2a::default(),
        &Decisions::default(),
        saved.as_ref(),
    )?;
    say!(
        out,
        "  (before Step-4 every register document counts as the taxpayer's own upload)"
    )?;
    write_payloads(config, &payloads, out)?;
    print_summary(
        out,
        "Summary (local)",
        &local_summary(&payloads, saved.as_ref()).map_err(FlowError::amounts)?,
    )?;
    Ok(Step2 { register, saved })
}

/// Every section GSTN holds for the period, as one payload.
async fn held_by_gstn(
    client: &GstnClient,
    period: ReturnPeriod,
) -> Result<Gstr2Payload, FlowError> {
    let mut held: Option<Gstr2Payload> = None;
    for table in Table::ALL {
        let section = client
            .get_section(period, table)
            .await
            .map_err(gstn("Step-2 generate payload"))?;
        let held = held.get_or_insert_with(|| Gstr2Payload::new(section.gstin, section.fp));
        csv::TableData::from_payload(&section, table).put_into(held);
    }
    held.ok_or_else(|| FlowError::Config("no table to fetch".into()))
}

fn payloads_for(
    register: &Gstr2Payload,
    gstr2a: &Gstr2a,
    decisions: &Decisions,
    saved: Option<&Gstr2Payload>,
) -> Result<SavePayloads, FlowError> {
    let inputs = Reconciler::new(register, gstr2a)
        .decisions(decisions)
        .previously_saved(saved);
    let report = inputs.run().map_err(FlowError::amounts)?;
    inputs.save_payloads(&report).map_err(FlowError::Payload)
}

pub(super) fn write_payloads(
    config: &FlowConfig,
    payloads: &SavePayloads,
    out: &mut dyn Write,
) -> Result<(), FlowError> {
    let upsert = config.out_dir.join("payload-new-modified.json");
    let delete = config.out_dir.join("payload-delete.json");
    write_json(&upsert, &payloads.upsert)?;
    write_json(&delete, &payloads.delete)?;
    say!(
        out,
        "  New/Modify: {} -> {}",
        docs(payloads.upsert.total_documents()),
        upsert.display()
    )?;
    say!(
        out,
        "  Delete:     {} -> {}",
        docs(payloads.delete.total_documents()),
        delete.display()
    )?;
    Ok(())
}
