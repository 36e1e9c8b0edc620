//! The CSV codec: the 15 tables of the CSV format (described in the repository's
//! `docs/csv-format.md`), one file per table, one row per item.
//!
//! Each table's file has a header of the CSV format's column codes, then one row per
//! item with the document's fields repeated on each of its rows. Reading groups the rows back
//! into the nested model (supplier → document → items); writing flattens it again. Where the
//! CSV format's columns and GSTN's wire shape differ, each table's module documents the mapping:
//!
//! | table | module |
//! |---|---|
//! | 4 `b2b` | [`b2b`] |
//! | 5 `b2ba` | [`b2ba`]: per-head rates `irt`/`crt`/`srt` ↔ `rt` |
//! | 6 `b2b_unregistered` | [`b2b_unregistered`] |
//! | 7 `imp_g` | [`imp_g`] |
//! | 8 `imp_ga` | [`imp_ga`]: `irt` ↔ `rt`, `hsn` ↔ `hsn_sc` |
//! | 9 `imp_s` | [`imp_s`] |
//! | 10 `imp_sa` | [`imp_sa`]: `irt` ↔ `rt`, `sac` ↔ `hsn_sc` |
//! | 11 `cdn` | [`cdn`]: the `itms` column |
//! | 12 `cdna` | [`cdna`]: per-head rates, no item number, no `txval` in the CSV format |
//! | 13 `cdn_unregistered` | [`cdn_unregistered`] |
//! | 14 `nil_supplies` | [`nil_supplies`] |
//! | 15 `itc` | [`itc`]: the `rule` column |
//! | 16 `txi` | [`txi`] |
//! | 17 `txia` | [`txia`]: repeated column names |
//! | 18 `txpd` | [`txpd`] |
//!
//! # Reading
//!
//! - The header names the columns, in any order, in any case; a UTF-8 byte order mark, CRLF
//!   line ends, quoted fields and spaces around fields are accepted (spaces are not part of a
//!   value). Optional columns may be missing; a missing required column, an unknown column or
//!   a repeated one is an error naming it. Header cells with no name are ignored if their
//!   column is empty.
//! - Blank rows (every cell empty) are skipped. A row shorter than the header, or longer with
//!   something in the extra fields, is an error.
//! - An empty cell is an absent value (`None`); a required value that is empty is an error.
//! - Rows are grouped into documents by the table's key (e.g. `ctin` and `inum` in `b2b`);
//!   documents keep the order in which they first appear, and items the order of their rows.
//!   **The rows of a document need not be adjacent**, but each must repeat the document's
//!   fields exactly (after trimming): a row that differs is a conflict naming both lines.
//!   Registered suppliers' documents are then grouped by `ctin`, in first-seen order.
//! - A row whose item columns are all empty gives a document with no items (that is how a
//!   document without items is written).
//! - Amounts are plain decimals (`1000.50`, `-3`): no exponent, no thousands separators; their
//!   scale is kept exactly. Dates are `DD-MM-YYYY`; GSTINs are checked in full (check
//!   character included); codes are read in any case.
//!
//! Decoding maps the header to columns once and parses cells in place; only the strings the
//! model keeps are allocated. An input with no quote char takes a fast lane that splits records
//! and fields itself (counting lines on the way); one with quotes goes through the csv crate.
//! Both give the same rows, lines and errors. With several cores a large input is read in
//! blocks cut between documents and decoded on worker threads, falling back to the one-thread
//! reading (same documents, same errors) on a quote, an error or a document split across
//! blocks. Bytes already in memory ([`read_table_from_slice`], [`read_b2b_from_slice`], and
//! [`read_dir`], which reads each file whole) are decoded in place: the blocks are parts of
//! them; a reader's blocks are copied out of it.
//!
//! # Writing
//!
//! The CSV format's columns are always written, in the format's order; extension columns (e.g.
//! `chksum`, or `csrt` in `b2b`) follow, only when some row has a value in them. What is
//! written reads back to the same model, with these exceptions, all documented at their table:
//! a supplier with no documents and the grouping of `b2bur` are not kept, empty strings read
//! back as absent, and the payload's `hsnsum` has no table.
//!
//! # Errors
//!
//! [`CsvError`] says where: `b2b.csv line 14, column idt: "31-02-2017" is not a date
//! DD-MM-YYYY: no such day in that month`. No input makes the reader panic.
//!
//! ```
//! use gstr2_model::csv;
//!
//! let text = "ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_i\n\
//!             33GSPTN4811G1ZC,S008400,24-07-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00\n\
//!             33GSPTN4811G1ZC,S008400,24-07-2017,1180.00,27,N,2,0,0.00,0.00,,\n";
//! let suppliers = csv::read_b2b(text.as_bytes())?;
//! assert_eq!(suppliers[0].invoices[0].items.len(), 2);
//! assert_eq!(suppliers[0].invoices[0].tax()?.igst.to_string(), "180.00");
//!
//! let bad = text.replace("24-07-2017,1180.00,27,N,2", "31-02-2017,1180.00,27,N,2");
//! let err = csv::read_b2b(bad.as_bytes()).unwrap_err();
//! assert!(err.to_string().starts_with("b2b.csv line 3, column idt:"), "{err}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

pub mod error;
pub(crate) mod items;
pub(crate) mod reader;
pub(crate) mod writer;

pub mod b2b;
pub mod b2b_unregistered;
pub mod b2ba;
pub mod cdn;
pub mod cdn_unregistered;
pub mod cdna;
pub mod imp_g;
pub mod imp_ga;
pub mod imp_s;
pub mod imp_sa;
pub mod itc;
pub mod nil_supplies;
pub mod txi;
pub mod txia;
pub mod txpd;

pub use error::{CellError, CsvError, CsvErrors};

use crate::tables::{
    b2b::B2bSupplier, b2b_unregistered::B2bUnregistered, b2ba::B2baSupplier, cdn::CdnSupplier,
    cdn_unregistered::UnregisteredNote, cdna::CdnaSupplier, imp_g::ImportOfGoods,
    imp_ga::ImportOfGoodsAmendment, imp_s::ImportOfServices, imp_sa::ImportOfServicesAmendment,
    itc::ItcReversal, nil_supplies::NilSupplies, txi::Advance, txia::AdvanceAmendment,
};
use crate::{Gstin, Gstr2Payload, ReturnPeriod, Table};
use reader::{Errors, Input};

/// The contents of one table, as the model holds it.
///
/// The variants hold the payload's sections as they are; one value per table is ever alive, so
/// the size of the larger ones (`itc`) is not worth a box.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum TableData {
    /// Table 4, `b2b`.
    B2b(Vec<B2bSupplier>),
    /// Table 5, `b2ba`.
    B2ba(Vec<B2baSupplier>),
    /// Table 6, `b2b_unregistered` (wire `b2bur`).
    B2bUnregistered(Vec<B2bUnregistered>),
    /// Table 7, `imp_g`.
    ImpG(Vec<ImportOfGoods>),
    /// Table 8, `imp_ga`.
    ImpGa(Vec<ImportOfGoodsAmendment>),
    /// Table 9, `imp_s`.
    ImpS(Vec<ImportOfServices>),
    /// Table 10, `imp_sa`.
    ImpSa(Vec<ImportOfServicesAmendment>),
    /// Table 11, `cdn`.
    Cdn(Vec<CdnSupplier>),
    /// Table 12, `cdna`.
    Cdna(Vec<CdnaSupplier>),
    /// Table 13, `cdn_unregistered` (wire `cdnur`).
    CdnUnregistered(Vec<UnregisteredNote>),
    /// Table 14, `nil_supplies`.
    NilSupplies(NilSupplies),
    /// Table 15, `itc` (wire `itc_rvsl`).
    Itc(ItcReversal),
    /// Table 16, `txi`.
    Txi(Vec<Advance>),
    /// Table 17, `txia` (wire `atxi`).
    Txia(Vec<AdvanceAmendment>),
    /// Table 18, `txpd`.
    Txpd(Vec<Advance>),
}

impl TableData {
    /// The table the data belongs to.
    pub fn table(&self) -> Table {
        match self {
            TableData::B2b(_) => Table::B2b,
            TableData::B2ba(_) => Table::B2ba,
            TableData::B2bUnregistered(_) => Table::B2bUnregistered,
            TableData::ImpG(_) => Table::ImpG,
            TableData::ImpGa(_) => Table::ImpGa,
            TableData::ImpS(_) => Table::ImpS,
            TableData::ImpSa(_) => Table::ImpSa,
            TableData::Cdn(_) => Table::Cdn,
            TableData::Cdna(_) => Table::Cdna,
            TableData::CdnUnregistered(_) => Table::CdnUnregistered,
            TableData::NilSupplies(_) => Table::NilSupplies,
            TableData::Itc(_) => Table::Itc,
            TableData::Txi(_) => Table::Txi,
            TableData::Txia(_) => Table::Txia,
            TableData::Txpd(_) => Table::Txpd,
        }
    }

    /// Whether the table holds nothing (for `nil_supplies` and `itc`: no block at all).
    pub fn is_empty(&self) -> bool {
        match self {
            TableData::B2b(v) => v.is_empty(),
            TableData::B2ba(v) => v.is_empty(),
            TableData::B2bUnregistered(v) => v.is_empty(),
            TableData::ImpG(v) => v.is_empty(),
            TableData::ImpGa(v) => v.is_empty(),
            TableData::ImpS(v) => v.is_empty(),
            TableData::ImpSa(v) => v.is_empty(),
            TableData::Cdn(v) => v.is_empty(),
            TableData::Cdna(v) => v.is_empty(),
            TableData::CdnUnregistered(v) => v.is_empty(),
            TableData::NilSupplies(n) => n.inter.is_none() && n.intra.is_none(),
            TableData::Itc(i) => i.iter().next().is_none(),
            TableData::Txi(v) => v.is_empty(),
            TableData::Txia(v) => v.is_empty(),
            TableData::Txpd(v) => v.is_empty(),
        }
    }

    /// A copy of one table's section of a payload (an absent `nil_supplies`/`itc_rvsl` as an
    /// empty one).
    pub fn from_payload(payload: &Gstr2Payload, table: Table) -> TableData {
        match table {
            Table::B2b => TableData::B2b(payload.b2b.clone()),
            Table::B2ba => TableData::B2ba(payload.b2ba.clone()),
            Table::B2bUnregistered => TableData::B2bUnregistered(payload.b2bur.clone()),
            Table::ImpG => TableData::ImpG(payload.imp_g.clone()),
            Table::ImpGa => TableData::ImpGa(payload.imp_ga.clone()),
            Table::ImpS => TableData::ImpS(payload.imp_s.clone()),
            Table::ImpSa => TableData::ImpSa(payload.imp_sa.clone()),
            Table::Cdn => TableData::Cdn(payload.cdn.clone()),
            Table::Cdna => TableData::Cdna(payload.cdna.clone()),
            Table::CdnUnregistered => TableData::CdnUnregistered(payload.cdnur.clone()),
            Table::NilSupplies => {
                TableData::NilSupplies(payload.nil_supplies.clone().unwrap_or_default())
            }
            Table::Itc => TableData::Itc(payload.itc_rvsl.clone().unwrap_or_default()),
            Table::Txi => TableData::Txi(payload.txi.clone()),
            Table::Txia => TableData::Txia(payload.atxi.clone()),
            Table::Txpd => TableData::Txpd(payload.txpd.clone()),
        }
    }

    /// Puts the table into its section of a payload, replacing what was there. An empty
    /// `nil_supplies` or `itc` becomes an absent section.
    pub fn put_into(self, payload: &mut Gstr2Payload) {
        let empty = self.is_empty();
        match self {
            TableData::B2b(v) => payload.b2b = v,
            TableData::B2ba(v) => payload.b2ba = v,
            TableData::B2bUnregistered(v) => payload.b2bur = v,
            TableData::ImpG(v) => payload.imp_g = v,
            TableData::ImpGa(v) => payload.imp_ga = v,
            TableData::ImpS(v) => payload.imp_s = v,
            TableData::ImpSa(v) => payload.imp_sa = v,
            TableData::Cdn(v) => payload.cdn = v,
            TableData::Cdna(v) => payload.cdna = v,
            TableData::CdnUnregistered(v) => payload.cdnur = v,
            TableData::NilSupplies(n) => payload.nil_supplies = (!empty).then_some(n),
            TableData::Itc(i) => payload.itc_rvsl = (!empty).then_some(i),
            TableData::Txi(v) => payload.txi = v,
            TableData::Txia(v) => payload.atxi = v,
            TableData::Txpd(v) => payload.txpd = v,
        }
    }
}

fn decode(table: Table, input: Input<'_, impl Read>, errors: &mut Errors) -> TableData {
    match table {
        Table::B2b => TableData::B2b(b2b::decode(input, errors)),
        Table::B2ba => TableData::B2ba(b2ba::decode(input, errors)),
        Table::B2bUnregistered => {
            TableData::B2bUnregistered(b2b_unregistered::decode(input, errors))
        }
        Table::ImpG => TableData::ImpG(imp_g::decode(input, errors)),
        Table::ImpGa => TableData::ImpGa(imp_ga::decode(input, errors)),
        Table::ImpS => TableData::ImpS(imp_s::decode(input, errors)),
        Table::ImpSa => TableData::ImpSa(imp_sa::decode(input, errors)),
        Table::Cdn => TableData::Cdn(cdn::decode(input, errors)),
        Table::Cdna => TableData::Cdna(cdna::decode(input, errors)),
        Table::CdnUnregistered => {
            TableData::CdnUnregistered(cdn_unregistered::decode(input, errors))
        }
        Table::NilSupplies => TableData::NilSupplies(nil_supplies::decode(input, errors)),
        Table::Itc => TableData::Itc(itc::decode(input, errors)),
        Table::Txi => TableData::Txi(txi::decode(input, errors)),
        Table::Txia => TableData::Txia(txia::decode(input, errors)),
        Table::Txpd => TableData::Txpd(txpd::decode(input, errors)),
    }
}

/// Runs a decoder that stops at the first error.
fn first_error<T>(run: impl FnOnce(&mut Errors) -> T) -> Result<T, CsvError> {
    let mut errors = Errors::new(1);
    let value = run(&mut errors);
    match errors.list.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(value),
    }
}

/// Reads one table's CSV. Stops at the first error.
///
/// ```
/// use gstr2_model::csv::{self, TableData};
/// use gstr2_model::Table;
///
/// let text = "\u{feff}nil_supplies,cpddr,exptdsply,nilsply,ngsply\r\nINTRA,1000.00,,250.50,\r\n";
/// let TableData::NilSupplies(nil) = csv::read_table(Table::NilSupplies, text.as_bytes())? else {
///     unreachable!()
/// };
/// assert_eq!(nil.intra.unwrap().nil_rated.unwrap().to_string(), "250.50");
/// # Ok::<(), gstr2_model::csv::CsvError>(())
/// ```
pub fn read_table(table: Table, reader: impl Read) -> Result<TableData, CsvError> {
    first_error(|errors| decode(table, Input::Reader(reader), errors))
}

/// Reads one table's CSV from bytes already in memory. Stops at the first error.
///
/// The same as [`read_table`] on the bytes, but a large input is decoded on every core in place:
/// its blocks are parts of `bytes`, not copies.
pub fn read_table_from_slice(table: Table, bytes: &[u8]) -> Result<TableData, CsvError> {
    first_error(|errors| decode(table, Input::<std::io::Empty>::Bytes(bytes), errors))
}

/// Writes one table's CSV: the header, then one row per item.
pub fn write_table(data: &TableData, writer: impl Write) -> Result<(), CsvError> {
    match data {
        TableData::B2b(v) => b2b::encode(v, writer),
        TableData::B2ba(v) => b2ba::encode(v, writer),
        TableData::B2bUnregistered(v) => b2b_unregistered::encode(v, writer),
        TableData::ImpG(v) => imp_g::encode(v, writer),
        TableData::ImpGa(v) => imp_ga::encode(v, writer),
        TableData::ImpS(v) => imp_s::encode(v, writer),
        TableData::ImpSa(v) => imp_sa::encode(v, writer),
        TableData::Cdn(v) => cdn::encode(v, writer),
        TableData::Cdna(v) => cdna::encode(v, writer),
        TableData::CdnUnregistered(v) => cdn_unregistered::encode(v, writer),
        TableData::NilSupplies(n) => nil_supplies::encode(Some(n), writer),
        TableData::Itc(i) => itc::encode(Some(i), writer),
        TableData::Txi(v) => txi::encode(v, writer),
        TableData::Txia(v) => txia::encode(v, writer),
        TableData::Txpd(v) => txpd::encode(v, writer),
    }
}

/// Writes the section of `table` of a payload, without copying it.
fn write_section(payload: &Gstr2Payload, table: Table, w: impl Write) -> Result<(), CsvError> {
    match table {
        Table::B2b => b2b::encode(&payload.b2b, w),
        Table::B2ba => b2ba::encode(&payload.b2ba, w),
        Table::B2bUnregistered => b2b_unregistered::encode(&payload.b2bur, w),
        Table::ImpG => imp_g::encode(&payload.imp_g, w),
        Table::ImpGa => imp_ga::encode(&payload.imp_ga, w),
        Table::ImpS => imp_s::encode(&payload.imp_s, w),
        Table::ImpSa => imp_sa::encode(&payload.imp_sa, w),
        Table::Cdn => cdn::encode(&payload.cdn, w),
        Table::Cdna => cdna::encode(&payload.cdna, w),
        Table::CdnUnregistered => cdn_unregistered::encode(&payload.cdnur, w),
        Table::NilSupplies => nil_supplies::encode(payload.nil_supplies.as_ref(), w),
        Table::Itc => itc::encode(payload.itc_rvsl.as_ref(), w),
        Table::Txi => txi::encode(&payload.txi, w),
        Table::Txia => txia::encode(&payload.atxi, w),
        Table::Txpd => txpd::encode(&payload.txpd, w),
    }
}

/// Reads `b2b` rows straight into suppliers. Stops at the first error.
pub fn read_b2b(reader: impl Read) -> Result<Vec<B2bSupplier>, CsvError> {
    first_error(|errors| b2b::decode(Input::Reader(reader), errors))
}

/// Reads `b2b` rows from bytes already in memory straight into suppliers, as
/// [`read_table_from_slice`] does. Stops at the first error.
pub fn read_b2b_from_slice(bytes: &[u8]) -> Result<Vec<B2bSupplier>, CsvError> {
    first_error(|errors| b2b::decode(Input::<std::io::Empty>::Bytes(bytes), errors))
}

/// Reads `b2ba` rows straight into suppliers. Stops at the first error.
pub fn read_b2ba(reader: impl Read) -> Result<Vec<B2baSupplier>, CsvError> {
    first_error(|errors| b2ba::decode(Input::Reader(reader), errors))
}

/// Reads `cdn` rows straight into suppliers. Stops at the first error.
pub fn read_cdn(reader: impl Read) -> Result<Vec<CdnSupplier>, CsvError> {
    first_error(|errors| cdn::decode(Input::Reader(reader), errors))
}

/// Reads `cdna` rows straight into suppliers. Stops at the first error.
pub fn read_cdna(reader: impl Read) -> Result<Vec<CdnaSupplier>, CsvError> {
    first_error(|errors| cdna::decode(Input::Reader(reader), errors))
}

/// Reads a folder of `<table code>.csv` files (`b2b.csv`, `b2b_unregistered.csv`, …) into one
/// save payload for `gstin` and period `fp`.
///
/// A missing file is an empty section. Every file is read even after errors, and all errors
/// are returned together, in table order, capped at [`CsvErrors::CAP`]. A `.csv` file whose
/// name is not a table code is an error (a misspelt file would otherwise be skipped silently);
/// other files are ignored.
pub fn read_dir(dir: &Path, gstin: Gstin, fp: ReturnPeriod) -> Result<Gstr2Payload, CsvErrors> {
    let mut payload = Gstr2Payload::new(gstin, fp);
    let mut errors = Errors::new(CsvErrors::CAP);
    let io = |path: &Path, source| CsvError::Io {
        path: path.to_owned(),
        source,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| CsvErrors::from(io(dir, e)))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| CsvErrors::from(io(dir, e)))?;
        names.push(entry.path());
    }
    names.sort();
    for path in &names {
        let is_csv = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if is_csv && !Table::ALL.iter().any(|t| t.code() == stem) {
            errors.push(CsvError::UnknownFile {
                path: path.clone(),
                suggestion: reader::suggest(stem, Table::ALL.iter().map(|t| t.code())),
            });
        }
    }
    for table in Table::ALL {
        if errors.is_full() {
            break;
        }
        let path = dir.join(table.file_name());
        // Read whole, then decoded in place: a large table's blocks are parts of the file's
        // bytes (a block read from a reader is kept until the end anyway, in case the table
        // must be read again on one thread).
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                errors.push(io(&path, e));
                continue;
            }
        };
        decode(table, Input::<std::io::Empty>::Bytes(&bytes), &mut errors).put_into(&mut payload);
    }
    if errors.list.is_empty() {
        Ok(payload)
    } else {
        Err(CsvErrors::new(errors.list, 0))
    }
}

/// The sections of a payload that the 15 tables cannot hold, by their JSON keys: `hsnsum` when
/// present, and every section the model does not know ([`Gstr2Payload::other_sections`]).
pub fn uncarried(payload: &Gstr2Payload) -> Vec<String> {
    let hsnsum = payload.hsnsum.is_some().then(|| "hsnsum".to_owned());
    hsnsum
        .into_iter()
        .chain(payload.other_sections.names().map(str::to_owned))
        .collect()
}

/// Takes out of a payload the sections the 15 tables cannot hold ([`uncarried`]), returning
/// their JSON keys: for a conversion that is told to drop them, and says which it dropped.
///
/// ```
/// use gstr2_model::{csv, json, Gstr2Payload};
///
/// let mut payload: Gstr2Payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017",
///   "hsnsum":{"det":[]},"isd":[]}"#)?;
/// let dir = std::env::temp_dir().join(format!("gstr2-doc-uncarried-{}", std::process::id()));
/// let err = csv::write_dir(&payload, &dir).unwrap_err();
/// assert_eq!(err.to_string(), "the CSV tables cannot hold sections hsnsum, isd: nothing written");
/// assert_eq!(csv::take_uncarried(&mut payload), ["hsnsum", "isd"]);
/// csv::write_dir(&payload, &dir)?;
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn take_uncarried(payload: &mut Gstr2Payload) -> Vec<String> {
    let mut taken = Vec::new();
    if payload.hsnsum.take().is_some() {
        taken.push("hsnsum".to_owned());
    }
    taken.extend(payload.other_sections.clear());
    taken
}

/// Writes a payload as a folder of CSV files, one per table (all 15, a header only for an
/// empty section), creating the folder if needed. The payload's `gstin` and `fp` have no place
/// in the tables and are not written. A payload with sections the tables cannot hold
/// ([`uncarried`]) is refused before anything is written ([`CsvError::Uncarried`]), so that a
/// conversion never loses a section without saying so.
pub fn write_dir(payload: &Gstr2Payload, dir: &Path) -> Result<(), CsvError> {
    let sections = uncarried(payload);
    if !sections.is_empty() {
        return Err(CsvError::Uncarried { sections });
    }
    let io = |path: &Path, source| CsvError::Io {
        path: path.to_owned(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for table in Table::ALL {
        let path = dir.join(table.file_name());
        let file = File::create(&path).map_err(|e| io(&path, e))?;
        let mut out = BufWriter::new(file);
        write_section(payload, table, &mut out)?;
        out.flush().map_err(|e| io(&path, e))?;
    }
    Ok(())
}
