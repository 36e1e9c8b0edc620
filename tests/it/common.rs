//! What the end-to-end tests share: a quick sandbox, a flow configuration in a temporary folder,
//! and a run that captures what the user would see.

use gstn_sandbox::SandboxHandle;
use tempfile::TempDir;

use crate::flow::{self, Filed, FlowConfig, FlowError, Otps};

/// A sandbox with a small key (quick in debug builds), seeded as the demo seeds it.
pub(crate) async fn demo_sandbox() -> SandboxHandle {
    flow::start_demo_sandbox(flow::demo_sandbox_config().with_key_bits(1024))
        .await
        .expect("demo sandbox starts")
}

/// The demo's sandbox keeping its key pair and sessions in `state` (as the example does in
/// `target/gstr2-demo/sandbox/`).
pub(crate) async fn demo_sandbox_in(state: &std::path::Path) -> SandboxHandle {
    flow::start_demo_sandbox(
        flow::demo_sandbox_config()
            .with_key_bits(1024)
            .with_state_dir(state),
    )
    .await
    .expect("demo sandbox starts")
}

/// The demo's configuration with its files in `dir`.
pub(crate) fn demo_config(sandbox: &SandboxHandle, dir: &TempDir) -> FlowConfig {
    flow::demo_config(
        sandbox,
        dir.path().join("out"),
        dir.path().join("token.json"),
    )
    .expect("demo configuration")
}

/// Runs the flow and answers its result with what it printed.
pub(crate) async fn run(
    config: &FlowConfig,
    otps: &mut Otps,
) -> (Result<Filed, FlowError>, String) {
    let mut out = Vec::new();
    let result = flow::run(config, otps, &mut out).await;
    (result, String::from_utf8_lossy(&out).into_owned())
}
