//! The sample data of the repository: the purchase register of `examples/data/`, its receiver
//! and period, and where the demos write.

use std::path::{Path, PathBuf};

/// The receiver and period of the sample register in `examples/data/`.
pub const DEMO_GSTIN: &str = "27AAPFU0939F1ZV";
/// The return period of the sample register.
pub const DEMO_PERIOD: &str = "072017";
/// The PAN inside [`DEMO_GSTIN`].
pub const DEMO_PAN: &str = "AAPFU0939F";

/// The repository's root (the workspace's): this crate sits in `crates/gstr2-demo/`.
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .and_then(Path::parent)
        .unwrap_or(here)
        .to_owned()
}

/// The sample register shipped with the repository, with the suppliers' side of it
/// (`gstr2a.json`, `ims.json`, `gstr2b.json`).
pub fn sample_data_dir() -> PathBuf {
    workspace_root().join("examples").join("data")
}
