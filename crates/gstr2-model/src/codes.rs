//! GSTN's code lists as enums: `rchrg`, `cfs`, `p_gst` ([`YesNo`]), `updby`, `flag`, `cflag`,
//! `inv_typ`, `elg`, `sply_ty`, `ntty`, `opd`, and the smaller ones of the import and amendment
//! tables.
//!
//! Codes are read case-insensitively and written in GSTN's spelling. Closed lists reject an unknown
//! code; lists the government has extended before ([`InvoiceType`], [`UnregisteredNoteType`]) keep
//! it in an `Other` variant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is not a code of a list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{input:?} is not a {list} code (expected one of {})", .expected.join(", "))]
pub struct CodeError {
    /// The input as given.
    pub input: String,
    /// The list's name, e.g. `flag`.
    pub list: &'static str,
    /// The codes it accepts, e.g. `A, R, M, N, U, P, D, E`.
    pub expected: &'static [&'static str],
}

/// Deserializes any `FromStr` type from a JSON string without allocating, keeping its message.
pub(crate) fn deserialize_parsed<'de, D, T>(d: D, what: &'static str) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    struct V<T>(&'static str, std::marker::PhantomData<T>);
    impl<T: FromStr> serde::de::Visitor<'_> for V<T>
    where
        T::Err: fmt::Display,
    {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            v.parse().map_err(E::custom)
        }
    }
    d.deserialize_str(V(what, std::marker::PhantomData))
}

/// A code list whose codes can be told from bytes: what the CSV reader tries first, as a cell
/// is bytes and most are one of the list's codes.
pub(crate) trait KnownCode: FromStr<Err = CodeError> {
    /// The list's code the bytes spell (in any case), `None` for anything else, which is then
    /// read as text.
    fn known(bytes: &[u8]) -> Option<Self>;
}

macro_rules! code_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($list:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, )+
        }
        $( other: $(#[$ometa:meta])* $other:ident )?
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            $( $(#[$ometa])* $other(String), )?
        }

        impl $name {
            /// Every code of the list in GSTN's spelling (without `Other`).
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The code as GSTN writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $code, )+
                    $( $name::$other(s) => s.as_str(), )?
                }
            }
        }

        impl KnownCode for $name {
            fn known(bytes: &[u8]) -> Option<Self> {
                $( if bytes.eq_ignore_ascii_case($code.as_bytes()) { return Some($name::$variant); } )+
                None
            }
        }

        impl FromStr for $name {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, CodeError> {
                $( if s.eq_ignore_ascii_case($code) { return Ok($name::$variant); } )+
                $( if !s.is_empty() { return Ok($name::$other(s.to_owned())); } )?
                Err(CodeError {
                    input: s.to_owned(),
                    list: $list,
                    expected: Self::CODES,
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_parsed(d, concat!("a ", $list, " code"))
            }
        }
    };
}

code_list! {
    /// `Y` or `N`: reverse charge (`rchrg`), counterparty filing status (`cfs`), pre-GST note
    /// (`p_gst`), SEZ import (`is_sez`).
    pub enum YesNo ("Y/N") {
        /// `Y`.
        Yes = "Y",
        /// `N`.
        No = "N",
    }
}

impl YesNo {
    /// `true` for [`YesNo::Yes`].
    pub fn is_yes(&self) -> bool {
        matches!(self, YesNo::Yes)
    }
}

impl From<bool> for YesNo {
    fn from(b: bool) -> Self {
        if b {
            YesNo::Yes
        } else {
            YesNo::No
        }
    }
}

code_list! {
    /// Who uploaded a document (`updby`).
    pub enum UploadedBy ("updby") {
        /// The supplier (`S`).
        Supplier = "S",
        /// The receiver, the taxpayer itself (`R`).
        Receiver = "R",
    }
}

code_list! {
    /// The receiver's action on a document (`flag`).
    pub enum Flag ("flag") {
        /// Accepted (`A`).
        Accept = "A",
        /// Rejected (`R`).
        Reject = "R",
        /// Modified (`M`).
        Modify = "M",
        /// No action (`N`).
        NoAction = "N",
        /// Uploaded by the receiver (`U`).
        Upload = "U",
        /// Pending (`P`).
        Pending = "P",
        /// Deleted, for the receiver's own documents (`D`).
        Delete = "D",
        /// Edited, for the receiver's own documents (`E`).
        Edit = "E",
    }
}

code_list! {
    /// The supplier's action on a document the receiver uploaded or modified (`cflag`).
    pub enum CounterpartyFlag ("cflag") {
        /// Accepted (`A`).
        Accept = "A",
        /// Rejected (`R`).
        Reject = "R",
        /// No action (`N`).
        NoAction = "N",
        /// Uploaded (`U`).
        Upload = "U",
        /// Pending (`P`).
        Pending = "P",
    }
}

code_list! {
    /// The invoice type of a B2B invoice (`inv_typ`).
    pub enum InvoiceType ("inv_typ") {
        /// Regular B2B invoice (`R`).
        Regular = "R",
        /// Deemed export (`DE`).
        DeemedExport = "DE",
        /// Supply to an SEZ unit with payment of tax (`SEWP`).
        SezWithPayment = "SEWP",
        /// Supply to an SEZ unit without payment of tax (`SEWOP`).
        SezWithoutPayment = "SEWOP",
        /// Intra-state supply attracting IGST (`CBW`).
        CustomsBondedWarehouse = "CBW",
    }
    other:
    /// A code GSTN added after this list was written.
    Other
}

code_list! {
    /// The type of the original document of an unregistered credit or debit note (`inv_typ`).
    pub enum UnregisteredNoteType ("cdnur inv_typ") {
        /// Purchase from an unregistered supplier (`B2BUR`).
        B2bUnregistered = "B2BUR",
        /// Import of services (`IMPS`).
        ImportOfServices = "IMPS",
    }
    other:
    /// A code GSTN added after this list was written.
    Other
}

code_list! {
    /// Eligibility for input tax credit (`elg`).
    pub enum Eligibility ("elg") {
        /// Inputs (`ip`).
        Inputs = "ip",
        /// Capital goods (`cp`).
        CapitalGoods = "cp",
        /// Input services (`is`).
        InputServices = "is",
        /// Ineligible (`no`): the ITC amounts must be zero.
        Ineligible = "no",
    }
}

code_list! {
    /// Inter-state or intra-state supply (`sply_ty`; `nil_supplies` in the CSV).
    pub enum SupplyType ("sply_ty") {
        /// Inter-state: IGST (`INTER`).
        Inter = "INTER",
        /// Intra-state: CGST and SGST (`INTRA`).
        Intra = "INTRA",
    }
}

code_list! {
    /// The type of a note (`ntty`).
    pub enum NoteType ("ntty") {
        /// Credit note (`C`): reduces what the receiver owes; its amounts count negative.
        Credit = "C",
        /// Debit note (`D`).
        Debit = "D",
        /// Refund voucher (`R`).
        RefundVoucher = "R",
    }
}

impl NoteType {
    /// `-1` for credit notes and refund vouchers, `+1` for debit notes: the sign with which a
    /// note's amounts count in totals.
    pub fn sign(&self) -> rust_decimal::Decimal {
        match self {
            NoteType::Debit => rust_decimal::Decimal::ONE,
            _ => rust_decimal::Decimal::NEGATIVE_ONE,
        }
    }
}

code_list! {
    /// Goods or services (`ty`, in the CSV format's amendment tables).
    pub enum GoodsOrServices ("ty") {
        /// Goods (`G`).
        Goods = "G",
        /// Services (`S`).
        Services = "S",
    }
}

/// `opd`: present only on carried-forward documents.
///
/// The CSV format describes it twice: as the original period (in `cdn`) and as `S/R` (in `b2b`). Both
/// are kept: a `MMYYYY` period, or who carried the document forward.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[non_exhaustive]
pub enum OriginalPeriod {
    /// The return period the document was first reported in (`MMYYYY`).
    Period(crate::ReturnPeriod),
    /// Carried forward by the supplier (`S`).
    Supplier,
    /// Carried forward by the receiver (`R`).
    Receiver,
}

impl FromStr for OriginalPeriod {
    type Err = CodeError;
    fn from_str(s: &str) -> Result<Self, CodeError> {
        if s.eq_ignore_ascii_case("S") {
            Ok(OriginalPeriod::Supplier)
        } else if s.eq_ignore_ascii_case("R") {
            Ok(OriginalPeriod::Receiver)
        } else {
            s.parse()
                .map(OriginalPeriod::Period)
                .map_err(|_| CodeError {
                    input: s.to_owned(),
                    list: "opd",
                    expected: &["MMYYYY", "S", "R"],
                })
        }
    }
}

impl KnownCode for OriginalPeriod {
    fn known(bytes: &[u8]) -> Option<Self> {
        match bytes {
            b"S" | b"s" => Some(OriginalPeriod::Supplier),
            b"R" | b"r" => Some(OriginalPeriod::Receiver),
            _ => None,
        }
    }
}

impl fmt::Display for OriginalPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OriginalPeriod::Period(p) => p.fmt(f),
            OriginalPeriod::Supplier => f.write_str("S"),
            OriginalPeriod::Receiver => f.write_str("R"),
        }
    }
}

impl Serialize for OriginalPeriod {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OriginalPeriod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_parsed(d, "an opd code")
    }
}

/// Code lists of what GSTN sends in GSTR-2B and IMS, where spellings vary between files
/// (`srctyp` "E-Invoice", "e-Invoice" or "EInvoice"; `typ` "SEZWP" or 2A's "SEWP").
///
/// A code is read in any spelling listed for it, ignoring case, and written in the first one;
/// any other code, the empty one included, is kept in `Other` as GSTN wrote it and written
/// back so. Reading one never fails: a file of GSTN's is never refused for one odd code.
macro_rules! sent_code_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($list:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal $(| $alias:literal)*, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A code not in this list, kept as GSTN wrote it.
            Other(String),
        }

        impl $name {
            /// Every code of the list in the spelling written (without `Other`).
            pub const CODES: &'static [&'static str] = &[$($code),+];

            /// The code as written: the list's spelling, or an `Other` code as read.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $code, )+
                    $name::Other(s) => s.as_str(),
                }
            }

            /// The code of `text` in any of the list's spellings, ignoring case; anything else
            /// is `Other`.
            pub fn from_sent(text: &str) -> Self {
                $(
                    if text.eq_ignore_ascii_case($code)
                        $(|| text.eq_ignore_ascii_case($alias))*
                    {
                        return $name::$variant;
                    }
                )+
                $name::Other(text.to_owned())
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from_sent(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                deserialize_parsed(d, concat!("a ", $list, " code"))
            }
        }
    };
}

sent_code_list! {
    /// The invoice type of a supplier's document in GSTR-2B (`typ`, `suptyp`) and IMS
    /// (`inv_typ`). 2B spells the SEZ types `SEZWP`/`SEZWOP`, 2A `SEWP`/`SEWOP`: both read
    /// alike, written as 2B spells them.
    pub enum CounterpartyInvoiceType ("invoice type") {
        /// Regular B2B supply (`R`).
        Regular = "R",
        /// Supply to an SEZ unit with payment of tax (`SEZWP`, also `SEWP`).
        SezWithPayment = "SEZWP" | "SEWP",
        /// Supply to an SEZ unit without payment of tax (`SEZWOP`, also `SEWOP`).
        SezWithoutPayment = "SEZWOP" | "SEWOP",
        /// Deemed export (`DE`).
        DeemedExport = "DE",
        /// Intra-state supply attracting IGST (`CBW`).
        IntraStateIgst = "CBW",
    }
}

sent_code_list! {
    /// A `Y`/`N` answer in GSTR-2B and IMS (`rev`, `isamd`, `itcRedReq`, `ispendactblocked`):
    /// unlike [`YesNo`], another code is kept rather than refused.
    pub enum Indicator ("Y/N") {
        /// `Y`.
        Yes = "Y" | "Yes",
        /// `N`.
        No = "N" | "No",
    }
}

impl Indicator {
    /// `true` for [`Indicator::Yes`] only.
    pub fn is_yes(&self) -> bool {
        matches!(self, Indicator::Yes)
    }
}

sent_code_list! {
    /// Whether input tax credit on a GSTR-2B document is available (`itcavl`).
    pub enum ItcAvailability ("itcavl") {
        /// Available (`Y`).
        Yes = "Y",
        /// Not available (`N`); the reason is in `rsn`.
        No = "N",
        /// `T`, which one client reads as "temporary" (meaning UNCONFIRMED).
        Temporary = "T",
    }
}

sent_code_list! {
    /// Why input tax credit on a GSTR-2B document is not available (`rsn`).
    pub enum ItcUnavailableReason ("rsn") {
        /// The place of supply and the supplier are in one state, the recipient in another
        /// (`P`).
        PlaceOfSupply = "P",
        /// The supplier's return was filed after the annual cut-off, section 16(4) (`C`).
        LateReturn = "C",
    }
}

sent_code_list! {
    /// Where a GSTR-2B document came from (`srctyp`).
    pub enum SourceType ("srctyp") {
        /// An e-invoice (`E-Invoice`, also `e-Invoice`, `EInvoice`).
        EInvoice = "E-Invoice" | "EInvoice" | "E Invoice",
    }
}

sent_code_list! {
    /// Whether the supplier has filed the return that reported an IMS record (`srcfilstatus`).
    pub enum FilingStatus ("srcfilstatus") {
        /// Filed (`Filed`, also `FILED`).
        Filed = "Filed",
        /// Not filed yet (`Not Filed`, also `NotFiled`).
        NotFiled = "Not Filed" | "NotFiled",
        /// Saved but not filed, as the portal's download says (`Saved`, also `SAVED`).
        Saved = "Saved",
    }
}

sent_code_list! {
    /// The type of an input service distributor's document in GSTR-2B (`doctyp`).
    pub enum IsdDocumentType ("doctyp") {
        /// An ISD invoice (`ISDI`, also 2A's `ISD`).
        Invoice = "ISDI" | "ISD",
        /// An ISD credit note (`ISDC`, also 2A's `ISDCN`).
        CreditNote = "ISDC" | "ISDCN",
    }
}

sent_code_list! {
    /// The recipient's action on an IMS record (`action`, `prev_status`).
    ///
    /// Named apart from the `Action`s of other crates (GSTN's API actions).
    pub enum ImsAction ("IMS action") {
        /// Accepted (`A`): ITC available in GSTR-2B.
        Accept = "A" | "Accepted" | "Accept",
        /// Rejected (`R`): in GSTR-2B's rejected documents, no ITC.
        Reject = "R" | "Rejected" | "Reject",
        /// Pending (`P`): kept out of this GSTR-2B, still in IMS.
        Pending = "P" | "Pending",
        /// No action (`N`): deemed accepted when GSTR-2B is generated.
        NoAction = "N" | "No Action" | "NoAction",
    }
}

sent_code_list! {
    /// A section of IMS: the key of its records in GETINV, SAVE and REQSTS (`b2b`, `b2bcn`, …;
    /// REQSTS and older clients also write `cn`, `dn`, `cna`, `dna`).
    pub enum ImsSection ("IMS section") {
        /// Invoices (`b2b`).
        B2b = "b2b",
        /// Amended invoices (`b2ba`).
        B2ba = "b2ba",
        /// Credit notes (`b2bcn`, also `cn`).
        CreditNotes = "b2bcn" | "cn",
        /// Amended credit notes (`b2bcna`, also `cna`).
        CreditNoteAmendments = "b2bcna" | "cna",
        /// Debit notes (`b2bdn`, also `dn`).
        DebitNotes = "b2bdn" | "dn",
        /// Amended debit notes (`b2bdna`, also `dna`).
        DebitNoteAmendments = "b2bdna" | "dna",
        /// Supplies through an e-commerce operator, section 9(5) (`ecom`).
        Ecom = "ecom",
        /// Amended e-commerce supplies (`ecoma`).
        Ecoma = "ecoma",
    }
}

sent_code_list! {
    /// What an IMS request body asks for (`reqtyp`).
    pub enum ImsRequestType ("reqtyp") {
        /// Save the records' actions (`SAVE`).
        Save = "SAVE",
        /// Set the records back to no action (`RESET`).
        Reset = "RESET",
    }
}

sent_code_list! {
    /// How far GSTN is with an IMS save or reset (`status_cd` of `REQSTS`).
    pub enum ImsRequestState ("IMS request status") {
        /// In progress (`IP`): ask again.
        InProgress = "IP",
        /// Processed (`P`).
        Processed = "P",
        /// Processed with errors (`PE`): see the error report.
        ProcessedWithErrors = "PE",
        /// Failed (`ER`).
        Error = "ER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_and_write() {
        assert_eq!("a".parse::<Flag>().unwrap(), Flag::Accept);
        assert_eq!(Flag::Delete.to_string(), "D");
        let err = "X".parse::<Flag>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"X\" is not a flag code (expected one of A, R, M, N, U, P, D, E)"
        );
        assert_eq!("IP".parse::<Eligibility>().unwrap().as_str(), "ip");
        assert_eq!(
            "EXPWP".parse::<UnregisteredNoteType>().unwrap(),
            UnregisteredNoteType::Other("EXPWP".into())
        );
        assert!("".parse::<InvoiceType>().is_err());
        assert_eq!(
            "072017".parse::<OriginalPeriod>().unwrap().to_string(),
            "072017"
        );
        assert_eq!(
            "s".parse::<OriginalPeriod>().unwrap(),
            OriginalPeriod::Supplier
        );
        let f: Flag = serde_json::from_str("\"M\"").unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"M\"");
    }

    /// What a code is told from bytes is what parsing its text gives; anything else is left to
    /// parsing.
    #[test]
    fn known_codes_are_the_parsed_ones() {
        fn check<T: KnownCode + fmt::Debug + PartialEq>(codes: &[&str]) {
            let mut inputs: Vec<String> = Vec::new();
            for code in codes.iter().chain(&["", "x", "072017", "S ", "é", "ZZZZ"]) {
                inputs.push(code.to_string());
                inputs.push(code.to_ascii_lowercase());
                inputs.push(code.to_ascii_uppercase());
                inputs.push(format!("{code}x"));
            }
            for input in &inputs {
                if let Some(known) = T::known(input.as_bytes()) {
                    assert_eq!(input.parse::<T>().ok(), Some(known), "{input:?}");
                }
            }
            for code in codes {
                assert!(T::known(code.as_bytes()).is_some(), "{code}");
            }
        }
        check::<YesNo>(YesNo::CODES);
        check::<UploadedBy>(UploadedBy::CODES);
        check::<Flag>(Flag::CODES);
        check::<CounterpartyFlag>(CounterpartyFlag::CODES);
        check::<InvoiceType>(InvoiceType::CODES);
        check::<UnregisteredNoteType>(UnregisteredNoteType::CODES);
        check::<Eligibility>(Eligibility::CODES);
        check::<SupplyType>(SupplyType::CODES);
        check::<NoteType>(NoteType::CODES);
        check::<GoodsOrServices>(GoodsOrServices::CODES);
        check::<OriginalPeriod>(&["S", "R"]);
        assert_eq!(OriginalPeriod::known(b"072017"), None);
    }
}
