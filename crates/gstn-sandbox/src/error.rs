//! [`SandboxError`]: why the sandbox could not start or load its inputs.

use std::path::PathBuf;

/// Why the sandbox could not start, or could not read a file it was given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SandboxError {
    /// A file could not be read or written.
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A seeded GSTR2A file is not valid GSTR2A JSON.
    #[error("seed file {}", path.display())]
    Seed {
        /// The file.
        path: PathBuf,
        /// Where in the JSON, and why.
        #[source]
        source: gstr2_model::json::JsonError,
    },
    /// A file of the state dir ([`crate::SandboxConfig::state_dir`]) is unusable: the file, and
    /// why.
    #[error("state file {path}: {reason}")]
    State {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The key pair or certificate could not be made or read.
    #[error("key or certificate")]
    Key(#[source] gstn_proto::error::KeyError),
    /// A configuration value is out of range (the field, and why).
    #[error("configuration {field}: {reason}")]
    Config {
        /// The configuration field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
}
