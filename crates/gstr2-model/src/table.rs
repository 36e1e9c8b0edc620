//! [`Table`]: the 15 tables, with their table code, wire key, summary section name and GET action.

use std::fmt;
use std::str::FromStr;

use crate::codes::CodeError;

/// One of the 15 tables of the gstr2 CSV format (`docs/csv-format.md`).
///
/// ```
/// use gstr2_model::Table;
///
/// let t: Table = "b2b_unregistered".parse()?;
/// assert_eq!(t.wire_key(), "b2bur");
/// assert_eq!(t.section_name(), "B2BUR");
/// assert_eq!(Table::ALL.len(), 15);
/// # Ok::<(), gstr2_model::CodeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// `b2b` (table 4).
    B2b,
    /// `b2ba` (table 5).
    B2ba,
    /// `b2b_unregistered` (table 6).
    B2bUnregistered,
    /// `imp_g` (table 7).
    ImpG,
    /// `imp_ga` (table 8).
    ImpGa,
    /// `imp_s` (table 9).
    ImpS,
    /// `imp_sa` (table 10).
    ImpSa,
    /// `cdn` (table 11).
    Cdn,
    /// `cdna` (table 12).
    Cdna,
    /// `cdn_unregistered` (table 13).
    CdnUnregistered,
    /// `nil_supplies` (table 14).
    NilSupplies,
    /// `itc` (table 15).
    Itc,
    /// `txi` (table 16).
    Txi,
    /// `txia` (table 17).
    Txia,
    /// `txpd` (table 18).
    Txpd,
}

impl Table {
    /// All 15 tables in the format's order.
    pub const ALL: [Table; 15] = [
        Table::B2b,
        Table::B2ba,
        Table::B2bUnregistered,
        Table::ImpG,
        Table::ImpGa,
        Table::ImpS,
        Table::ImpSa,
        Table::Cdn,
        Table::Cdna,
        Table::CdnUnregistered,
        Table::NilSupplies,
        Table::Itc,
        Table::Txi,
        Table::Txia,
        Table::Txpd,
    ];

    fn row(self) -> (&'static str, &'static str, &'static str, &'static str) {
        // (table code, wire key, sec_nm, GET action)
        match self {
            Table::B2b => ("b2b", "b2b", "B2B", "B2B"),
            Table::B2ba => ("b2ba", "b2ba", "B2BA", "B2BA"),
            Table::B2bUnregistered => ("b2b_unregistered", "b2bur", "B2BUR", "B2BUR"),
            Table::ImpG => ("imp_g", "imp_g", "IMP_G", "IMPG"),
            Table::ImpGa => ("imp_ga", "imp_ga", "IMP_GA", "IMPGA"),
            Table::ImpS => ("imp_s", "imp_s", "IMP_S", "IMPS"),
            Table::ImpSa => ("imp_sa", "imp_sa", "IMP_SA", "IMPSA"),
            Table::Cdn => ("cdn", "cdn", "CDN", "CDN"),
            Table::Cdna => ("cdna", "cdna", "CDNA", "CDNA"),
            Table::CdnUnregistered => ("cdn_unregistered", "cdnur", "CDNUR", "CDNUR"),
            Table::NilSupplies => ("nil_supplies", "nil_supplies", "NIL", "NIL"),
            Table::Itc => ("itc", "itc_rvsl", "ITC_RVSL", "ITCRVSL"),
            Table::Txi => ("txi", "txi", "TXI", "TXLI"),
            Table::Txia => ("txia", "atxi", "ATXI", "ATXLI"),
            Table::Txpd => ("txpd", "txpd", "TXPD", "TXP"),
        }
    }

    /// The CSV format's table code, also the CSV file's stem (`b2b_unregistered`).
    pub fn code(self) -> &'static str {
        self.row().0
    }

    /// The key of the table in GSTN's JSON (`b2bur`).
    pub fn wire_key(self) -> &'static str {
        self.row().1
    }

    /// The section name in GSTN's summary, `sec_nm` (`B2BUR`).
    pub fn section_name(self) -> &'static str {
        self.row().2
    }

    /// The `action` of the GSTR2 GET that returns this section (`B2BUR`).
    pub fn get_action(self) -> &'static str {
        self.row().3
    }

    /// The CSV file name of the table in a folder (`b2b_unregistered.csv`).
    pub fn file_name(self) -> String {
        format!("{}.csv", self.code())
    }
}

impl FromStr for Table {
    type Err = CodeError;
    /// Accepts the table code, the wire key or the section name, in any case.
    fn from_str(s: &str) -> Result<Self, CodeError> {
        Table::ALL
            .into_iter()
            .find(|t| {
                let (a, b, c, _) = t.row();
                [a, b, c].iter().any(|n| n.eq_ignore_ascii_case(s))
            })
            .ok_or_else(|| CodeError {
                input: s.to_owned(),
                list: "table",
                expected: &[
                    "b2b",
                    "b2ba",
                    "b2b_unregistered",
                    "imp_g",
                    "imp_ga",
                    "imp_s",
                    "imp_sa",
                    "cdn",
                    "cdna",
                    "cdn_unregistered",
                    "nil_supplies",
                    "itc",
                    "txi",
                    "txia",
                    "txpd",
                ],
            })
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
