//! # gstr2-model
//!
//! Typed models of the GSTR2 return (inward supplies), of the GSTR2A and GSTR-2B statements and
//! the IMS records GSTN sends, with two codecs: JSON in GSTN's wire shape ([`json`]) and CSV
//! ([`csv`]: one file per table, one row per item, a folder of files ↔ one save payload; the
//! format is described in the repository's `docs/csv-format.md`).
//!
//! - Domain types: [`Gstin`], [`StateCode`], [`ReturnPeriod`], dates ([`date`]), amounts as
//!   [`rust_decimal::Decimal`] ([`amount`]), and GSTN's code lists ([`codes`]).
//! - The 15 tables ([`tables`], [`Table`]), nested as GSTN nests them, their types re-exported
//!   here ([`B2bInvoice`], [`CreditDebitNote`], …), and the save payload that holds them
//!   ([`Gstr2Payload`]).
//! - The `RETSUM` summary ([`Gstr2Summary`]), GSTR2A ([`Gstr2a`]), GSTR-2B ([`Gstr2b`]) and IMS
//!   records ([`ImsRecords`]).
//! - Validation beyond parsing ([`validate`]): every problem of a payload at once, each with
//!   its location.
//!
//! ```
//! use gstr2_model::{json, Gstr2Payload};
//!
//! let text = r#"{
//!   "gstin": "27AAPFU0939F1ZV", "fp": "072017",
//!   "b2b": [{ "ctin": "33GSPTN4811G1ZC",
//!     "inv": [{ "inum": "S008400", "idt": "24-07-2017", "val": 729248.16, "pos": "27",
//!               "rchrg": "N", "inv_typ": "R",
//!               "itms": [{ "num": 1,
//!                          "itm_det": { "rt": 18, "txval": 618006.92, "iamt": 111241.37 },
//!                          "itc": { "elg": "ip", "tx_i": 111241.37 } }] }] }]
//! }"#;
//! let payload: Gstr2Payload = json::from_str(text)?;
//! let invoice = &payload.b2b[0].invoices[0];
//! assert_eq!(invoice.value.to_string(), "729248.16");
//! assert_eq!(invoice.tax()?.igst.to_string(), "111241.37");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod amount;
pub mod codes;
pub mod counterparty;
pub mod csv;
pub mod date;
pub mod document;
pub mod envelope;
mod error_chain;
pub mod gstin;
pub mod gstr2a;
pub mod gstr2b;
pub mod ims;
pub mod item;
pub mod json;
mod other_fields;
pub mod payload;
pub mod period;
mod sent;
mod seq;
pub mod state;
pub mod summary;
pub mod table;
pub mod tables;
mod text;
pub mod validate;
pub mod warning;

pub use codes::CodeError;
pub use counterparty::CounterpartyDocument;
pub use document::Document;
pub use envelope::AnswerError;
pub use error_chain::ErrorChain;
pub use gstin::{Gstin, GstinError, GstinKind};
pub use gstr2a::Gstr2a;
pub use gstr2b::Gstr2b;
pub use ims::ImsRecords;
pub use item::{Itc, ItcThisMonth, Item, ItemDetail, ItemExtra, TaxAmounts};
pub use other_fields::OtherFields;
pub use payload::{Gstr2Payload, OtherSections};
pub use period::{ReturnPeriod, ReturnPeriodError};
pub use state::{StateCode, StateCodeError};
pub use summary::Gstr2Summary;
pub use table::Table;
pub use tables::b2b::{B2bInvoice, B2bSupplier};
pub use tables::b2b_unregistered::{B2bUnregistered, B2bUnregisteredInvoice};
pub use tables::b2ba::{B2baInvoice, B2baSupplier};
pub use tables::cdn::{CdnSupplier, CreditDebitNote};
pub use tables::cdn_unregistered::UnregisteredNote;
pub use tables::cdna::{CdnaSupplier, CreditDebitNoteAmendment};
pub use tables::hsnsum::{HsnLine, HsnSummary};
pub use tables::imp_g::ImportOfGoods;
pub use tables::imp_ga::ImportOfGoodsAmendment;
pub use tables::imp_s::ImportOfServices;
pub use tables::imp_sa::ImportOfServicesAmendment;
pub use tables::itc::{ItcReversal, ReversalAmounts, ReversalRule};
pub use tables::nil_supplies::{NilSupplies, NilSupplyAmounts};
pub use tables::txi::Advance;
pub use tables::txia::{AdvanceAmendment, AdvanceAmendmentItem};
pub use tables::txpd::AdvanceAdjusted;
pub use warning::Warning;
