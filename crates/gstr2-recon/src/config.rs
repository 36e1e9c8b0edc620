//! [`MatchConfig`]: tolerances, the probable-pair window and threshold, and the policy from match
//! code to action flag, with documented defaults.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::ims::ImsPolicy;
use crate::report::{ActionFlag, MatchCode};

/// How the engine matches and what it decides; [`MatchConfig::default`] gives the documented
/// defaults.
///
/// ```
/// use gstr2_recon::{ActionFlag, MatchCode, MatchConfig};
/// use rust_decimal::Decimal;
///
/// let config = MatchConfig::default();
/// assert_eq!(config.tolerance.value, Decimal::ONE);
/// assert_eq!(config.date_window_days, 10);
/// assert_eq!(config.policy.action(MatchCode::Ok), ActionFlag::Accept);
/// assert_eq!(config.policy.action(MatchCode::Mismatch), ActionFlag::Reject);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MatchConfig {
    /// Largest absolute difference per amount field that still counts as equal (default ₹1 each).
    pub tolerance: Tolerance,
    /// Probable pairs: the largest number of days between the two dates (default 10).
    pub date_window_days: u32,
    /// Probable pairs: the smallest similarity of the normalised numbers, from 0 to 1
    /// (default 0.85). Similarity is `strsim::normalized_damerau_levenshtein`.
    pub similarity_threshold: Decimal,
    /// Probable pairs: how many candidates (same supplier, same amount bucket, nearest dates
    /// first) are scored per document at most (default 64). Keeps the pass near-linear.
    pub max_candidates: usize,
    /// Probable pairs: how many suggestions a result carries at most, best first (default 3).
    pub max_suggestions: usize,
    /// Whether a supplier whose filing status (`cfs`) is absent counts as filed (default
    /// `false`: only `cfs` = `Y` allows accepting or rejecting).
    pub missing_filing_status_is_filed: bool,
    /// The action for each match code.
    pub policy: Policy,
    /// The IMS action recommended for each verdict, reconciling against GSTR-2B or IMS
    /// (see [`ImsPolicy`] for the default).
    pub ims_policy: ImsPolicy,
}

impl Default for MatchConfig {
    fn default() -> Self {
        MatchConfig {
            tolerance: Tolerance::default(),
            date_window_days: 10,
            similarity_threshold: Decimal::new(85, 2),
            max_candidates: 64,
            max_suggestions: 3,
            missing_filing_status_is_filed: false,
            policy: Policy::default(),
            ims_policy: ImsPolicy::default(),
        }
    }
}

/// The tolerance per compared amount field, in rupees. A difference whose absolute value is at
/// most the tolerance is reported but does not make a mismatch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Tolerance {
    /// Document value (`val`).
    pub value: Decimal,
    /// Taxable value per rate (`txval`).
    pub taxable_value: Decimal,
    /// IGST per rate (`iamt`).
    pub igst: Decimal,
    /// CGST per rate (`camt`).
    pub cgst: Decimal,
    /// SGST per rate (`samt`).
    pub sgst: Decimal,
    /// Cess per rate (`csamt`).
    pub cess: Decimal,
}

impl Tolerance {
    /// The same tolerance for every field.
    pub fn uniform(amount: Decimal) -> Self {
        Tolerance {
            value: amount,
            taxable_value: amount,
            igst: amount,
            cgst: amount,
            sgst: amount,
            cess: amount,
        }
    }
}

impl Default for Tolerance {
    /// ₹1 for every field: amounts that differ only by rounding to the rupee agree.
    fn default() -> Self {
        Tolerance::uniform(Decimal::ONE)
    }
}

/// The action flag decided for each match code (by default: OK accept, TO upload, CO and Mismatch reject).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Policy {
    /// For [`MatchCode::Ok`] (default Accept, `A`).
    pub ok: ActionFlag,
    /// For [`MatchCode::TaxpayerOnly`] (default Upload, `U`).
    pub taxpayer_only: ActionFlag,
    /// For [`MatchCode::CounterpartyOnly`] (default Reject, `R`).
    pub counterparty_only: ActionFlag,
    /// For [`MatchCode::Mismatch`] (default Reject, `R`).
    pub mismatch: ActionFlag,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            ok: ActionFlag::Accept,
            taxpayer_only: ActionFlag::Upload,
            counterparty_only: ActionFlag::Reject,
            mismatch: ActionFlag::Reject,
        }
    }
}

impl Policy {
    /// The action for a match code.
    pub fn action(&self, code: MatchCode) -> ActionFlag {
        match code {
            MatchCode::Ok => self.ok,
            MatchCode::TaxpayerOnly => self.taxpayer_only,
            MatchCode::CounterpartyOnly => self.counterparty_only,
            MatchCode::Mismatch => self.mismatch,
        }
    }
}
