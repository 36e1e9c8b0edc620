//! Step-6, Download Summary: GSTN's summary compared with the local one; and the table of a
//! summary, which Step-2 shows too.

use std::io::Write;

use gstn_client::GstnClient;
use gstr2_model::summary::SectionSummary;
use gstr2_model::{Gstr2Payload, Gstr2Summary};
use gstr2_recon::{compare_summaries, local_summary, SavePayloads};

use super::FlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{say, write_json};

/// Step-6: GSTN's summary, compared with the local one; the flow stops if they differ.
pub(super) async fn step6_download_summary(
    config: &FlowConfig,
    client: &GstnClient,
    payloads: &SavePayloads,
    saved: Option<&Gstr2Payload>,
    out: &mut dyn Write,
) -> Result<Gstr2Summary, FlowError> {
    say!(out, "\nStep-6: Download Summary")?;
    let downloaded = client
        .summary(config.period)
        .await
        .map_err(gstn("Step-6 download summary"))?;
    let local = local_summary(payloads, saved).map_err(FlowError::amounts)?;
    write_json(&config.out_dir.join("summary-gstn.json"), &downloaded)?;
    write_json(&config.out_dir.join("summary-local.json"), &local)?;
    print_summary(out, "Summary (downloaded)", &downloaded)?;
    let differences = compare_summaries(&local, &downloaded);
    if !differences.is_empty() {
        print_summary(out, "Summary (local)", &local)?;
        return Err(FlowError::SummaryDiffers(differences));
    }
    say!(
        out,
        "  The downloaded summary is the same as the local one ({} sections).",
        local.sections.len()
    )?;
    Ok(downloaded)
}

fn section_line(s: &SectionSummary) -> String {
    let amount = |v: Option<rust_decimal::Decimal>| {
        v.map(|v| v.round_dp(2).to_string())
            .unwrap_or_else(|| "-".into())
    };
    // The heads come from GSTN's summary: added with checked arithmetic, shown as such if
    // their sum is beyond what a decimal holds.
    let heads = |v: [Option<rust_decimal::Decimal>; 4]| {
        gstr2_model::amount::checked_sum(v.into_iter().flatten())
            .map_or_else(|| "beyond 7.9e28".to_owned(), |t| t.round_dp(2).to_string())
    };
    let tax = heads([s.tax_igst, s.tax_cgst, s.tax_sgst, s.tax_cess]);
    let itc = heads([s.itc_igst, s.itc_cgst, s.itc_sgst, s.itc_cess]);
    format!(
        "{:<9} {:>4} {:>14} {:>12} {:>12}",
        s.section,
        s.record_count
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into()),
        amount(s.value),
        tax,
        itc
    )
}

pub(super) fn print_summary(
    out: &mut dyn Write,
    title: &str,
    summary: &Gstr2Summary,
) -> Result<(), FlowError> {
    say!(
        out,
        "  {title} for {} / {}:",
        summary.gstin,
        summary.ret_period
    )?;
    say!(
        out,
        "    {:<9} {:>4} {:>14} {:>12} {:>12}",
        "section",
        "rc",
        "ttl_val",
        "tax",
        "itc"
    )?;
    for s in &summary.sections {
        say!(out, "    {}", section_line(s))?;
    }
    Ok(())
}
