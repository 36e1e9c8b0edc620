//! The `action` of every request: authentication, returns, the GSTR2/GSTR2A section GETs,
//! GSTR-2B (`GET2B`, `GEN2B`, `GENSTS2B`) and IMS (`GETCNT`, `GETINV`, `SAVE`, `RESETIMS`,
//! `REQSTS`).

use std::fmt;
use std::str::FromStr;

use gstr2_model::Table;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// A GSTN API `action`, written on the wire in upper case (`RETSAVE`). Actions this
        /// crate does not know are kept in [`Action::Other`] so a server can answer them.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Action {
            $($(#[$doc])* $variant,)*
            /// Any other action, as received.
            Other(String),
        }

        impl Action {
            /// Every action this crate knows, in declaration order.
            pub const KNOWN: &'static [Action] = &[$(Action::$variant,)*];

            /// The wire text (`RETSAVE`).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Action::$variant => $wire,)*
                    Action::Other(other) => other,
                }
            }

            /// Reads the wire text; unknown text gives [`Action::Other`].
            pub fn parse(text: &str) -> Action {
                match text {
                    $($wire => Action::$variant,)*
                    other => Action::Other(other.to_owned()),
                }
            }
        }
    };
}

actions! {
    /// `OTPREQUEST`: ask GSTN to send the login OTP.
    OtpRequest = "OTPREQUEST",
    /// `AUTHTOKEN`: exchange the OTP for an auth token and `sek`.
    AuthToken = "AUTHTOKEN",
    /// `REFRESHTOKEN`: extend the session with a new token and `sek`.
    RefreshToken = "REFRESHTOKEN",
    /// `LOGOUT`: end the session.
    Logout = "LOGOUT",
    /// `EVCOTP`: ask for the EVC OTP used to file.
    EvcOtp = "EVCOTP",
    /// `RETSAVE`: save documents (PUT).
    RetSave = "RETSAVE",
    /// `RETSTATUS`: processing status of a save, by `ref_id`.
    RetStatus = "RETSTATUS",
    /// `RETSUM`: the return's summary.
    RetSum = "RETSUM",
    /// `RETSUBMIT`: freeze the return.
    RetSubmit = "RETSUBMIT",
    /// `RETFILE`: file the return with a signature.
    RetFile = "RETFILE",
    /// `FILEDET`: the files of a large download, by `token`.
    FileDet = "FILEDET",
    /// `B2B`: section GET, B2B invoices (table 3/4).
    B2b = "B2B",
    /// `B2BA`: section GET, amended B2B invoices.
    B2ba = "B2BA",
    /// `B2BUR`: section GET, inward supplies from unregistered suppliers.
    B2bur = "B2BUR",
    /// `CDN`: section GET, credit/debit notes.
    Cdn = "CDN",
    /// `CDNA`: section GET, amended credit/debit notes.
    Cdna = "CDNA",
    /// `CDNUR`: section GET, credit/debit notes from unregistered suppliers.
    Cdnur = "CDNUR",
    /// `IMPG`: section GET, import of goods.
    Impg = "IMPG",
    /// `IMPGA`: section GET, amended import of goods.
    Impga = "IMPGA",
    /// `IMPS`: section GET, import of services.
    Imps = "IMPS",
    /// `IMPSA`: section GET, amended import of services.
    Impsa = "IMPSA",
    /// `NIL`: section GET, nil-rated, exempt and non-GST supplies.
    Nil = "NIL",
    /// `TXLI`: section GET, tax liability under reverse charge on advances paid.
    Txli = "TXLI",
    /// `ATXLI`: section GET, amended tax liability on advances.
    Atxli = "ATXLI",
    /// `TXP`: section GET, tax paid on advances adjusted.
    Txp = "TXP",
    /// `HSNSUM`: section GET, HSN summary.
    HsnSum = "HSNSUM",
    /// `ITCRVSL`: section GET, ITC reversal.
    ItcRvsl = "ITCRVSL",
    /// `GET2B`: GSTR-2B of a period, or one part of a paged one (`file_num`).
    Get2b = "GET2B",
    /// `GEN2B`: generate GSTR-2B again from the IMS actions (PUT).
    Gen2b = "GEN2B",
    /// `GENSTS2B`: how a GEN2B went, by `int_tran_id`.
    GenSts2b = "GENSTS2B",
    /// `GETCNT`: IMS record counts by section and action.
    GetCnt = "GETCNT",
    /// `GETINV`: the IMS records of one section.
    GetInv = "GETINV",
    /// `SAVE`: save IMS actions (PUT on the IMS path).
    Save = "SAVE",
    /// `RESETIMS`: set IMS records back to no action (PUT).
    ResetIms = "RESETIMS",
    /// `REQSTS`: how an IMS SAVE or RESETIMS went, by `int_tran_id`.
    ReqSts = "REQSTS",
}

impl Action {
    /// The table a section GET returns (`TXLI` → [`Table::Txi`]); `None` for other actions and
    /// for `HSNSUM`, which is not one of the 15 tables.
    pub fn table(&self) -> Option<Table> {
        Table::ALL
            .into_iter()
            .find(|t| t.get_action() == self.as_str())
    }

    /// The section GET action of a table ([`Table::B2bUnregistered`] → `B2BUR`).
    pub fn for_table(table: Table) -> Action {
        Action::parse(table.get_action())
    }

    /// The key of a section GET's answer (`TXLI` → `txi`, `HSNSUM` → `hsnsum`).
    pub fn section_key(&self) -> Option<&'static str> {
        match self {
            Action::HsnSum => Some("hsnsum"),
            other => other.table().map(Table::wire_key),
        }
    }

    /// Whether this action is sent to `/authenticate`.
    pub fn is_auth(&self) -> bool {
        matches!(
            self,
            Action::OtpRequest
                | Action::AuthToken
                | Action::RefreshToken
                | Action::Logout
                | Action::EvcOtp
        )
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Action::parse(s))
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Ok(Action::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_text_round_trips() {
        for action in Action::KNOWN {
            assert_eq!(&Action::parse(action.as_str()), action);
            let json = serde_json::to_string(action).unwrap();
            assert_eq!(&serde_json::from_str::<Action>(&json).unwrap(), action);
        }
        assert_eq!(Action::parse("XYZ"), Action::Other("XYZ".into()));
    }

    #[test]
    fn every_table_has_a_known_section_action() {
        for table in Table::ALL {
            let action = Action::for_table(table);
            assert!(!matches!(action, Action::Other(_)), "{table:?}");
            assert_eq!(action.table(), Some(table));
        }
        assert_eq!(Action::Txli.section_key(), Some("txi"));
        assert_eq!(Action::ItcRvsl.section_key(), Some("itc_rvsl"));
        assert_eq!(Action::HsnSum.section_key(), Some("hsnsum"));
        assert_eq!(Action::RetSave.section_key(), None);
        for action in [Action::Get2b, Action::GetInv, Action::Save, Action::ReqSts] {
            assert_eq!(action.table(), None, "{action}");
            assert!(!action.is_auth());
        }
    }
}
