//! Table 18, `txpd`: tax already paid under reverse charge in earlier periods on account of time
//! of supply, for which invoices were issued in this period (advances adjusted).
//!
//! Wire key `txpd`: the same shape as [`txi`](super::txi): per place of supply and supply type,
//! rate lines (`itms`) whose `adamt` is the advance to be adjusted.

pub use super::txi::Advance as AdvanceAdjusted;
