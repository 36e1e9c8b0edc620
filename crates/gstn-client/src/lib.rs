//! gstn-client
#![allow(missing_docs, dead_code)]
pub mod chunk;
mod progress;
mod retry;

pub use progress::{Progress, ProgressFn};
pub use retry::{PollPolicy, RetryPolicy};
