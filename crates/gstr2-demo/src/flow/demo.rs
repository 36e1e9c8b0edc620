//! The demo against the embedded sandbox: its settings, the sandbox seeded with the sample's
//! GSTR2A and an earlier session's save, and the OTPs it "sends".

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use gstn_client::{GstnClient, PollPolicy};
use gstn_proto::Otp;
use gstn_sandbox::{SandboxConfig, SandboxHandle};
use gstr2_model::{json, Gstin, Gstr2Payload, Gstr2a, ReturnPeriod};

use super::{DecisionSource, FlowConfig, DEMO_CHUNK_LIMIT};
use crate::connect::Certificate;
use crate::error::{gstn, FlowError};
use crate::present::{Confirm, Otps};
use crate::sample::{sample_data_dir, DEMO_GSTIN, DEMO_PAN, DEMO_PERIOD};

/// The embedded sandbox's settings for the demo: GSTR2A sections of more than 4 documents go
/// through GSTN's large-file flow (a token, `FILEDET`, `.tar.gz` files of 2 documents), so that
/// the download shows its progress as a large one would.
pub fn demo_sandbox_config() -> SandboxConfig {
    SandboxConfig::default().with_large_files(4, 2, std::time::Duration::from_millis(300))
}

/// Where the demo's sandbox keeps its key pair and sessions across runs: `sandbox/` in the
/// output folder (`target/gstr2-demo/sandbox/`). A token the first run obtained is then still
/// known to the sandbox of the next run, which prints "Existing token" without an OTP. It holds
/// the sandbox's session secrets; deleting it makes the next run log in with an OTP again.
pub fn demo_state_dir(out_dir: &Path) -> PathBuf {
    out_dir.join("sandbox")
}

/// The embedded sandbox, seeded with `examples/data/gstr2a.json` for the demo GSTIN and period,
/// and holding what an earlier session saved: the register as it was then, with an invoice the
/// taxpayer has since deleted.
pub async fn start_demo_sandbox(sandbox: SandboxConfig) -> Result<SandboxHandle, FlowError> {
    let handle = gstn_sandbox::spawn(sandbox)
        .await
        .map_err(FlowError::setting("starting the sandbox"))?;
    let gstin: Gstin = DEMO_GSTIN
        .parse()
        .map_err(FlowError::setting("the demo GSTIN"))?;
    let period: ReturnPeriod = DEMO_PERIOD
        .parse()
        .map_err(FlowError::setting("the demo period"))?;
    let path = sample_data_dir().join("gstr2a.json");
    let text = std::fs::read_to_string(&path).map_err(|source| FlowError::Io {
        what: format!("reading {}", path.display()),
        source,
    })?;
    let gstr2a: Gstr2a =
        json::from_str(&text).map_err(FlowError::setting(path.display().to_string()))?;
    handle.seed_gstr2a(gstin, period, gstr2a);

    // The earlier session, on a client of its own that keeps its token in memory.
    let earlier = GstnClient::builder()
        .base_url(handle.base_url())
        .client_id(gstn_sandbox::config::DEFAULT_CLIENT_ID)
        .client_secret(gstn_sandbox::config::DEFAULT_CLIENT_SECRET)
        .gstin(gstin)
        .username("earlier_session")
        .user_ip(Ipv4Addr::LOCALHOST.into())
        .certificate_pem(handle.certificate_pem())
        .poll_policy(PollPolicy::fast())
        .build()
        .map_err(gstn("sandbox setup"))?;
    earlier.request_otp().await.map_err(gstn("sandbox setup"))?;
    let otp = Otp::new(handle.state().config().otp.clone())
        .map_err(FlowError::setting("the sandbox's OTP"))?;
    earlier
        .authenticate(&otp)
        .await
        .map_err(gstn("sandbox setup"))?;
    let saved_earlier: Gstr2Payload =
        json::from_str(EARLIER_SAVE).map_err(FlowError::setting("the earlier session's save"))?;
    let report = earlier
        .save(&saved_earlier)
        .await
        .map_err(gstn("sandbox setup"))?;
    if !report.is_clean() {
        return Err(FlowError::SaveFailures(report.failures()));
    }
    earlier.logout().await.map_err(gstn("sandbox setup"))?;
    Ok(handle)
}

/// What the earlier session saved: two invoices of Tirupati Plastics, one of which was since
/// cancelled and deleted from the register (so Step-2 has a document to delete).
const EARLIER_SAVE: &str = r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
  "b2b":[{"ctin":"27AABCT3518Q1ZW","inv":[
    {"inum":"TPL/2017/298","idt":"03-07-2017","val":11800.00,"pos":"27","rchrg":"N","inv_typ":"R",
     "itms":[{"num":1,"itm_det":{"rt":18,"txval":10000.00,"camt":900.00,"samt":900.00,"csamt":0.00},
              "itc":{"elg":"ip","tx_c":900.00,"tx_s":900.00}}]},
    {"inum":"TPL/2017/311","idt":"31-07-2017","val":59000.00,"pos":"27","rchrg":"N","inv_typ":"R",
     "itms":[{"num":1,"itm_det":{"rt":18,"txval":50000.00,"camt":4500.00,"samt":4500.00,"csamt":0.00},
              "itc":{"elg":"cp","tx_c":4500.00,"tx_s":4500.00}}]}]}]}"#;

/// The settings for the embedded sandbox.
pub fn demo_config(
    sandbox: &SandboxHandle,
    out_dir: PathBuf,
    token_file: PathBuf,
) -> Result<FlowConfig, FlowError> {
    let config = sandbox.state().config();
    Ok(FlowConfig {
        base_url: sandbox.base_url(),
        client_id: config.client_id.clone(),
        client_secret: config.client_secret.clone(),
        username: "asp_user".into(),
        gstin: DEMO_GSTIN
            .parse()
            .map_err(FlowError::setting("the demo GSTIN"))?,
        pan: DEMO_PAN.into(),
        period: DEMO_PERIOD
            .parse()
            .map_err(FlowError::setting("the demo period"))?,
        certificate: Certificate::Pem(sandbox.certificate_pem()),
        user_ip: Ipv4Addr::LOCALHOST.into(),
        data_dir: sample_data_dir(),
        out_dir,
        token_file,
        chunk_limit: Some(DEMO_CHUNK_LIMIT),
        poll: PollPolicy::fast(),
        show_progress: false,
        decisions: DecisionSource::Demonstration,
        confirm: Confirm::Assume,
    })
}

/// The OTPs the embedded sandbox "sends".
pub fn demo_otps(sandbox: &SandboxHandle) -> Otps {
    let config = sandbox.state().config();
    Otps::Known {
        login: config.otp.clone(),
        evc: config.evc_otp.clone(),
    }
}
