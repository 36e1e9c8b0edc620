//! Step-5, save the IMS actions: the SAVE and RESETIMS bodies of only the records whose action
//! changes, shown (and asked first with [`Confirm::Ask`]), each request polled through `REQSTS`,
//! every refused record named with what to do.

use std::io::Write;
use std::path::Path;

use gstn_client::{GstnClient, ImsSaveReport};
use gstr2_model::ims::ImsSaveRequest;
use gstr2_recon::ims::ImsActions;
use gstr2_recon::Reconciler;

use super::ImsFlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{confirm_step, count, say, write_json, Bars, Column, Columns, Confirm, Otps};

/// One record of a SAVE or RESET body, as named before it is sent.
struct Outgoing {
    section: String,
    supplier: String,
    number: String,
    prev_status: String,
    action: String,
    itc_reduction: Option<String>,
}

/// The records of a body, section by section, read from its wire form (`invdata`), where every
/// section names its records with the same keys.
fn outgoing(body: &ImsSaveRequest) -> Result<Vec<Outgoing>, FlowError> {
    let value =
        serde_json::to_value(&body.records).map_err(FlowError::encode("encoding the IMS body"))?;
    let text = |v: &serde_json::Value, keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|v| v.as_str()))
            .map(str::to_owned)
    };
    let mut records = Vec::new();
    if let Some(sections) = value.as_object() {
        for (section, list) in sections {
            for r in list.as_array().into_iter().flatten() {
                records.push(Outgoing {
                    section: section.clone(),
                    supplier: text(r, &["stin"]).unwrap_or_default(),
                    number: text(r, &["inum", "nt_num"]).unwrap_or_default(),
                    prev_status: text(r, &["prev_status"]).unwrap_or_else(|| "-".into()),
                    action: text(r, &["action"]).unwrap_or_else(|| "N".into()),
                    itc_reduction: text(r, &["itcRedReq"]),
                });
            }
        }
    }
    Ok(records)
}

/// What a body will send, for the lines before it is sent: every record with its change.
fn body_lines(name: &str, body: &ImsSaveRequest, path: &Path) -> Result<Vec<String>, FlowError> {
    let records = outgoing(body)?;
    let mut lines = vec![format!(
        "  {name} for {}: {} -> {}",
        body.recipient_gstin,
        count(records.len(), "record", "records"),
        path.display()
    )];
    let table = Columns::new(
        4,
        &[
            Column::left(6),
            Column::left(15),
            Column::left(16),
            Column::left(0),
        ],
    );
    for r in records {
        let itc = r
            .itc_reduction
            .map(|f| format!(" (itcRedReq {f})"))
            .unwrap_or_default();
        lines.push(table.line(&[
            r.section,
            r.supplier,
            r.number,
            format!("{} -> {}{itc}", r.prev_status, r.action),
        ]));
    }
    Ok(lines)
}

/// Step-5: the SAVE of the actions that change and the RESET of those going back to No action,
/// each polled to its end; refused records stop the flow, each with what to do.
pub(super) async fn step5_save_actions(
    config: &ImsFlowConfig,
    client: &GstnClient,
    reconciler: &Reconciler<'_>,
    actions: &ImsActions,
    bars: &Bars,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<(Option<ImsSaveReport>, Option<ImsSaveReport>), FlowError> {
    say!(out, "\nStep-5: Save the IMS actions")?;
    let bodies = reconciler.ims_bodies(actions);
    let (save, reset) = bodies.map_or((None, None), |b| (b.save, b.reset));
    let mut plan = Vec::new();
    for (name, body, file) in [
        ("SAVE", &save, "ims-save.json"),
        ("RESETIMS", &reset, "ims-reset.json"),
    ] {
        let path = config.out_dir.join(file);
        match body {
            Some(body) => {
                write_json(&path, body)?;
                plan.extend(body_lines(name, body, &path)?);
            }
            // No earlier run's body is left behind.
            None => remove_file(&path)?,
        }
    }
    if save.is_none() && reset.is_none() {
        say!(
            out,
            "  Nothing to save: every record already has its action at GSTN."
        )?;
        return Ok((None, None));
    }
    if config.confirm == Confirm::Ask {
        plan.insert(
            0,
            format!(
                "  To be sent to GSTN for {} (only the records whose action changes, each with \
                 the action GSTN reported as prev_status):",
                config.connection.gstin
            ),
        );
    } else {
        for line in &plan {
            say!(out, "{line}")?;
        }
    }
    confirm_step(
        config.confirm,
        otps,
        out,
        &plan,
        "Save these IMS actions to GSTN?",
        "Step-5 save the IMS actions",
        "no IMS action was saved to GSTN",
    )?;
    let mut reports = [None, None];
    for (slot, (name, body)) in reports
        .iter_mut()
        .zip([("SAVE", &save), ("RESETIMS", &reset)])
    {
        let Some(body) = body else { continue };
        bars.start(0, name);
        let sent = client.save_ims(body).await;
        bars.finish();
        let report = sent.map_err(gstn("Step-5 save the IMS actions"))?;
        for (i, request) in report.requests.iter().enumerate() {
            let status = &request.status;
            say!(
                out,
                "  {name} request {}/{}: {}, reference {}, REQSTS {} (processed {}, errors {})",
                i + 1,
                report.requests.len(),
                count(request.records, "record", "records"),
                request.reference_id,
                status.status.as_str(),
                status.processed_count.unwrap_or_default(),
                status.error_count.unwrap_or_default()
            )?;
        }
        for r in &report.already_applied {
            say!(
                out,
                "  Already applied at GSTN (by an earlier copy of the request): {}[{}] {} {}",
                r.section,
                r.index,
                r.supplier_gstin,
                r.number
            )?;
        }
        for f in &report.failures {
            say!(out, "  Refused: {f}")?;
        }
        if !report.is_clean() {
            return Err(FlowError::ImsRefused(report.failures));
        }
        say!(
            out,
            "  Success: {name} applied ({})",
            count(report.applied(), "record", "records")
        )?;
        *slot = Some(report);
    }
    let [saved, reset] = reports;
    Ok((saved, reset))
}

fn remove_file(path: &Path) -> Result<(), FlowError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(FlowError::Io {
            what: format!("removing {}", path.display()),
            source: e,
        }),
        _ => Ok(()),
    }
}
