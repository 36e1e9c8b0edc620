//! The demo against the embedded sandbox: the IMS records it is seeded with, its settings, and
//! the flow's settings for it.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use gstn_client::PollPolicy;
use gstn_sandbox::{SandboxConfig, SandboxHandle};
use gstr2_model::Gstin;

use super::ImsFlowConfig;
use crate::connect::{Certificate, Connection};
use crate::error::FlowError;
use crate::present::Confirm;
use crate::sample::{sample_data_dir, DEMO_GSTIN, DEMO_PERIOD};

/// The demo's IMS records: `examples/data/ims.json`, made for the sample register so that every
/// case of the policy comes up.
pub fn demo_ims_file() -> PathBuf {
    sample_data_dir().join("ims.json")
}

/// The embedded sandbox's settings for the demo: its IMS seeded from [`demo_ims_file`], and
/// GSTR-2B in parts of 4 documents, queued a moment after GEN2B, so that the download shows
/// GSTN's paged and queued answers.
pub fn demo_sandbox_config() -> SandboxConfig {
    SandboxConfig::default()
        .with_ims_file(demo_ims_file())
        .with_gstr2b(4, std::time::Duration::from_millis(200))
}

/// Where the demo's sandbox keeps its key pair and sessions across runs: `sandbox/` in the
/// output folder. A token the first run obtained is then still known to the sandbox of the next
/// run, which prints "Existing token" without an OTP. The IMS records are not kept: every run
/// starts from [`demo_ims_file`].
pub fn demo_state_dir(out_dir: &Path) -> PathBuf {
    out_dir.join("sandbox")
}

/// The embedded sandbox for the demo.
pub async fn start_demo_sandbox(sandbox: SandboxConfig) -> Result<SandboxHandle, FlowError> {
    gstn_sandbox::spawn(sandbox)
        .await
        .map_err(FlowError::setting("starting the sandbox"))
}

/// The settings for the embedded sandbox: the demo GSTIN and period, the sample register.
pub fn demo_config(
    sandbox: &SandboxHandle,
    out_dir: PathBuf,
    token_file: PathBuf,
) -> Result<ImsFlowConfig, FlowError> {
    let config = sandbox.state().config();
    let gstin: Gstin = DEMO_GSTIN
        .parse()
        .map_err(FlowError::setting("the demo GSTIN"))?;
    Ok(ImsFlowConfig {
        connection: Connection {
            base_url: sandbox.base_url(),
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            username: "asp_user".into(),
            gstin,
            certificate: Certificate::Pem(sandbox.certificate_pem()),
            user_ip: Ipv4Addr::LOCALHOST.into(),
            token_file,
            poll: PollPolicy::fast(),
            chunk_limit: None,
        },
        period: DEMO_PERIOD
            .parse()
            .map_err(FlowError::setting("the demo period"))?,
        data_dir: sample_data_dir(),
        out_dir,
        show_progress: false,
        decisions: None,
        confirm: Confirm::Assume,
    })
}
