//! [`Document`]: what every document of a GSTR2 save payload carries for GSTN.

use crate::codes::Flag;
use crate::tables::{
    b2b::B2bInvoice, b2b_unregistered::B2bUnregisteredInvoice, b2ba::B2baInvoice,
    cdn::CreditDebitNote, cdn_unregistered::UnregisteredNote, cdna::CreditDebitNoteAmendment,
    imp_g::ImportOfGoods, imp_ga::ImportOfGoodsAmendment, imp_s::ImportOfServices,
    imp_sa::ImportOfServicesAmendment, txi::Advance, txia::AdvanceAmendment,
};

/// A document of a GSTR2 save payload: the receiver's action on it (`flag`) and GSTN's checksum
/// (`chksum`), which go back to GSTN unchanged when acting on a counterparty document.
///
/// ```
/// use gstr2_model::{codes::Flag, json, Document, Gstr2Payload};
///
/// let p: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
///   "imp_s":[{"flag":"D","inum":"85619","idt":"22-07-2017","ival":100,"itms":[]}]}"#)?;
/// assert_eq!(p.imp_s[0].flag(), Some(&Flag::Delete));
/// assert_eq!(p.imp_s[0].checksum(), None);
/// # Ok::<(), gstr2_model::json::JsonError>(())
/// ```
pub trait Document {
    /// The receiver's action (`flag`); `None` on a document new to GSTR2.
    fn flag(&self) -> Option<&Flag>;
    /// GSTN's checksum (`chksum`), if GSTN gave one.
    fn checksum(&self) -> Option<&str>;
}

macro_rules! document {
    ($($t:ty),* $(,)?) => {$(
        impl Document for $t {
            fn flag(&self) -> Option<&Flag> {
                self.flag.as_ref()
            }
            fn checksum(&self) -> Option<&str> {
                self.checksum.as_deref()
            }
        }
    )*};
}

document!(
    B2bInvoice,
    B2baInvoice,
    B2bUnregisteredInvoice,
    ImportOfGoods,
    ImportOfGoodsAmendment,
    ImportOfServices,
    ImportOfServicesAmendment,
    CreditDebitNote,
    CreditDebitNoteAmendment,
    UnregisteredNote,
    Advance,
    AdvanceAmendment,
);
