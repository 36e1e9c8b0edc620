//! Step-7, Submit, and Step-8, File: each says what it does and, with
//! [`Confirm::Ask`](crate::present::Confirm::Ask), asks first; filing asks for the EVC OTP and
//! answers GSTN's acknowledgement number.

use std::io::Write;

use gstn_client::GstnClient;
use gstr2_model::Gstr2Summary;

use super::FlowConfig;
use crate::error::{gstn, FlowError};
use crate::present::{confirm_step, say, Otps};

/// Step-7: submit.
pub(super) async fn step7_submit(
    config: &FlowConfig,
    client: &GstnClient,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<(), FlowError> {
    say!(out, "\nStep-7: Submit")?;
    confirm_step(
        config.confirm,
        otps,
        out,
        &[format!(
            "  Submitting freezes the return of {} for {}: GSTN takes no more saves for it.",
            config.gstin, config.period
        )],
        "Submit the return to GSTN?",
        "Step-7 submit",
        "the return is saved at GSTN but not submitted",
    )?;
    match client
        .submit(config.period)
        .await
        .map_err(gstn("Step-7 submit"))?
    {
        Some(reference) => say!(out, "  Submitted (reference {reference})"),
        None => say!(
            out,
            "  Submitted (GSTN reports the return already submitted)"
        ),
    }
}

/// Step-8: file with EVC and answer the acknowledgement number.
pub(super) async fn step8_file(
    config: &FlowConfig,
    client: &GstnClient,
    summary: &Gstr2Summary,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<String, FlowError> {
    say!(out, "\nStep-8: File")?;
    confirm_step(
        config.confirm,
        otps,
        out,
        &[format!(
            "  Filing the return of {} for {} with EVC (PAN {}), on the summary of Step-6 \
             ({} sections), is final.",
            config.gstin,
            config.period,
            config.pan,
            summary.sections.len()
        )],
        "File the return with GSTN?",
        "Step-8 file",
        "the return is submitted at GSTN but not filed",
    )?;
    client
        .request_evc_otp(&config.pan)
        .await
        .map_err(gstn("Step-8 file"))?;
    say!(
        out,
        "  EVC OTP sent to the authorised signatory (PAN {}).",
        config.pan
    )?;
    let otp = otps.next("EVC", out)?;
    let ack = client
        .file_with_evc(config.period, &config.pan, &otp, summary)
        .await
        .map_err(gstn("Step-8 file"))?;
    say!(out, "  Filed. Acknowledgement number: {ack}")?;
    Ok(ack)
}
