//! The CSV codec on bad input: one test per class, each asserting the table, line and column
//! the message points at.

use gstr2_model::csv::{self, CsvError};
use gstr2_model::{ErrorChain, Table};

const HEADER: &str = "ctin,cfs,inum,idt,val,pos,rchrg,num,rt,txval,iamt,elg,tx_i";
const GOOD: &str = "33GSPTN4811G1ZC,Y,S1,24-07-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00";

/// A b2b file whose third line (second data row) is `row`.
fn b2b_with(row: &str) -> String {
    format!("{HEADER}\n{GOOD}\n{row}\n")
}

fn b2b_error(text: &str) -> CsvError {
    match csv::read_b2b(text.as_bytes()) {
        Ok(v) => panic!("expected an error, read {v:?}"),
        Err(e) => e,
    }
}

fn assert_at(e: &CsvError, table: Table, line: u64, column: Option<&str>) {
    assert_eq!(e.table(), Some(table), "{e}");
    assert_eq!(e.line(), Some(line), "{e}");
    assert_eq!(e.column(), column, "{e}");
}

#[test]
fn bad_check_digit() {
    let e = b2b_error(&b2b_with(
        "27AAPFU0939F1ZX,Y,S2,24-07-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("ctin"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 3, column ctin: GSTIN 27AAPFU0939F1ZX: check character is X, expected V"
    );
}

#[test]
fn impossible_date() {
    let e = b2b_error(&b2b_with(
        "33GSPTN4811G1ZC,Y,S2,31-02-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("idt"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 3, column idt: \"31-02-2017\" is not a date DD-MM-YYYY: no such day in that month"
    );
}

#[test]
fn non_numeric_amount() {
    let e = b2b_error(&b2b_with(
        "33GSPTN4811G1ZC,Y,S1,24-07-2017,1180.00,27,N,2,18,\"1,000.00\",180.00,ip,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("txval"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 3, column txval: \"1,000.00\" is not a number"
    );
}

#[test]
fn missing_required_column() {
    let text = "ctin,inum,val,pos,rchrg,num,rt,txval\n33GSPTN4811G1ZC,S1,1,27,N,1,18,1\n";
    let e = b2b_error(text);
    assert_at(&e, Table::B2b, 1, Some("idt"));
    assert_eq!(e.to_string(), "b2b.csv line 1: missing required column idt");
}

#[test]
fn unknown_flag() {
    let text = format!(
        "{HEADER},flag\n{GOOD},A\n33GSPTN4811G1ZC,Y,S2,24-07-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00,X\n"
    );
    let e = b2b_error(&text);
    assert_at(&e, Table::B2b, 3, Some("flag"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 3, column flag: \"X\" is not a flag code (expected one of A, R, M, N, U, P, D, E)"
    );
}

#[test]
fn short_row() {
    let e = b2b_error(&b2b_with("33GSPTN4811G1ZC,Y,S2,24-07-2017,1180.00"));
    assert_at(&e, Table::B2b, 3, None);
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 3: row has 5 fields, the header has 13"
    );
}

#[test]
fn long_row_with_values_beyond_the_header() {
    let e = b2b_error(&b2b_with(&format!("{GOOD},extra")));
    assert_at(&e, Table::B2b, 3, None);
    // Empty trailing fields (a spreadsheet's stray commas) are fine.
    assert!(csv::read_b2b(b2b_with(&format!("{GOOD},,")).as_bytes()).is_ok());
}

#[test]
fn bom_and_crlf_file_parses_and_errors_keep_their_lines() {
    let good = format!("\u{feff}{HEADER}\r\n{GOOD}\r\n\r\n{GOOD}\r\n");
    let suppliers = csv::read_b2b(good.as_bytes()).unwrap();
    assert_eq!(suppliers[0].supplier_gstin.as_str(), "33GSPTN4811G1ZC");
    assert_eq!(suppliers[0].invoices[0].items.len(), 2);
    // Line 3 is blank: the bad row is on line 4.
    let bad = good.replace(
        &format!("\r\n\r\n{GOOD}"),
        "\r\n\r\n33GSPTN4811G1ZC,Y,S1,24-07-2017,1180.00,27,N,2,18,1000.00,180.00,xx,180.00",
    );
    let e = b2b_error(&bad);
    assert_at(&e, Table::B2b, 4, Some("elg"));
    assert!(
        ErrorChain(&e)
            .to_string()
            .starts_with("b2b.csv line 4, column elg: \"xx\" is not a elg code"),
        "{e}"
    );
}

#[test]
fn the_same_document_with_different_fields_names_both_lines() {
    let e = b2b_error(&b2b_with(
        "33GSPTN4811G1ZC,Y,S1,24-07-2017,1200.00,27,N,2,18,1000.00,180.00,ip,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("val"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 3, column val: \"1200.00\" differs from \"1180.00\" on line 2 for the same document (ctin 33GSPTN4811G1ZC, inum S1)"
    );
}

#[test]
fn a_supplier_with_two_filing_statuses() {
    let e = b2b_error(&b2b_with(
        "33GSPTN4811G1ZC,N,S2,24-07-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("cfs"));
    assert!(ErrorChain(&e).to_string().contains("on line 2"), "{e}");
}

#[test]
fn unknown_and_repeated_columns() {
    let e = b2b_error("ctin,inum,idt,val,pos,rchrg,num,rt,txval,ctim\n");
    assert_at(&e, Table::B2b, 1, Some("ctim"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "b2b.csv line 1: unknown column \"ctim\" (did you mean ctin?)"
    );
    let e = b2b_error("ctin,inum,idt,val,pos,rchrg,num,rt,txval,rt\n");
    assert_at(&e, Table::B2b, 1, Some("rt"));
}

#[test]
fn empty_required_value() {
    let e = b2b_error(&b2b_with(
        "33GSPTN4811G1ZC,Y,,24-07-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("inum"));
    assert!(
        ErrorChain(&e)
            .to_string()
            .ends_with("is empty, a value is required"),
        "{e}"
    );
}

#[test]
fn itc_amounts_without_eligibility() {
    let e = b2b_error(&b2b_with(
        "33GSPTN4811G1ZC,Y,S1,24-07-2017,1180.00,27,N,2,18,1000.00,180.00,,180.00",
    ));
    assert_at(&e, Table::B2b, 3, Some("elg"));
}

#[test]
fn unequal_cgst_and_sgst_rates() {
    let text = "ctin,oinum,oidt,inum,idt,val,pos,rchrg,txval,crt,srt\n\
                27AAPFU0939F1ZV,O1,01-07-2017,N1,02-07-2017,118,27,N,100,9,6\n";
    let e = csv::read_b2ba(text.as_bytes()).unwrap_err();
    assert_at(&e, Table::B2ba, 2, Some("srt"));
    assert!(ErrorChain(&e).to_string().contains("must be equal"), "{e}");
}

#[test]
fn cgst_and_sgst_rates_that_add_up_beyond_a_decimal() {
    // crt + srt is the rate: near a decimal's limit, the sum is an error, not a panic.
    let max = rust_decimal::Decimal::MAX;
    let text = format!(
        "ctin,oinum,oidt,inum,idt,val,pos,rchrg,txval,crt,srt\n\
         27AAPFU0939F1ZV,O1,01-07-2017,N1,02-07-2017,118,27,N,100,{max},{max}\n"
    );
    let e = csv::read_b2ba(text.as_bytes()).unwrap_err();
    assert_at(&e, Table::B2ba, 2, Some("srt"));
    assert!(
        ErrorChain(&e)
            .to_string()
            .contains("beyond what a decimal holds"),
        "{e}"
    );
}

#[test]
fn invalid_utf8_cell() {
    let mut bytes = b2b_with(GOOD).into_bytes();
    let at = bytes.len() - GOOD.len() + "33GSPTN4811G1ZC,Y,".len() - 1;
    bytes[at] = 0xff;
    let e = csv::read_b2b(&bytes[..]).unwrap_err();
    assert_at(&e, Table::B2b, 3, Some("inum"));
}

#[test]
fn txia_names_the_item_column_of_a_repeated_name() {
    let header = "cpty,odnum,otdt,dnum,state_cd,dt,txval,txval";
    let e = csv::read_table(
        Table::Txia,
        format!("{header}\nX,O,01-07-2017,D,27,02-07-2017,10,ten\n").as_bytes(),
    )
    .unwrap_err();
    assert_at(&e, Table::Txia, 2, Some("txval (item)"));
    let e = csv::read_table(
        Table::Txia,
        "cpty,odnum,otdt,dnum,state_cd,dt,txval\n".as_bytes(),
    )
    .unwrap_err();
    assert_eq!(
        ErrorChain(&e).to_string(),
        "txia.csv line 1: missing required column txval (item)"
    );
}

#[test]
fn nil_supplies_twice() {
    let text = "nil_supplies,cpddr\nINTER,1\nINTRA,2\ninter,3\n";
    let e = csv::read_table(Table::NilSupplies, text.as_bytes()).unwrap_err();
    assert_at(&e, Table::NilSupplies, 4, Some("nil_supplies"));
    assert_eq!(
        ErrorChain(&e).to_string(),
        "nil_supplies.csv line 4, column nil_supplies: \"INTER\" appears again (first on line 2)"
    );
}

#[test]
fn read_dir_gathers_the_errors_of_every_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("b2b.csv"),
        b2b_with("33GSPTN4811G1ZC,Y,S2,31-02-2017,1180.00,27,N,1,18,1000.00,180.00,ip,180.00"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("txi.csv"),
        "pos,sply_ty,rt,adamt\n27,INTRA,18,x\n40,INTER,5,1\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("b2b_unregisterd.csv"), "").unwrap();
    let errors = csv::read_dir(
        dir.path(),
        "27AAPFU0939F1ZV".parse().unwrap(),
        "072017".parse().unwrap(),
    )
    .unwrap_err();
    let lines: Vec<String> = errors.iter().map(|e| ErrorChain(e).to_string()).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].contains("b2b_unregisterd.csv: not a table's file")
            && lines[0].contains("did you mean b2b_unregistered.csv?"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("b2b.csv line 3, column idt:"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("txi.csv line 2, column adamt:"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].starts_with("txi.csv line 3, column pos:"),
        "{}",
        lines[3]
    );
    assert!(!errors.is_truncated());
    assert_eq!(errors.to_string().lines().count(), 4);
}

#[test]
fn read_dir_caps_the_errors() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("pos,sply_ty,rt,adamt\n");
    for i in 0..150 {
        text.push_str(&format!("27,INTRA,18,bad{i}\n"));
    }
    std::fs::write(dir.path().join("txi.csv"), &text).unwrap();
    std::fs::write(dir.path().join("txpd.csv"), &text).unwrap();
    let errors = csv::read_dir(
        dir.path(),
        "27AAPFU0939F1ZV".parse().unwrap(),
        "072017".parse().unwrap(),
    )
    .unwrap_err();
    assert_eq!(errors.len(), csv::CsvErrors::CAP);
    assert!(errors.is_truncated());
    assert!(errors.to_string().ends_with("there may be more"));
}

#[test]
fn write_dir_into_a_file_path_is_an_io_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("occupied");
    std::fs::write(&file, "x").unwrap();
    let payload = gstr2_model::Gstr2Payload::new(
        "27AAPFU0939F1ZV".parse().unwrap(),
        "072017".parse().unwrap(),
    );
    let e = csv::write_dir(&payload, &file).unwrap_err();
    assert!(matches!(e, CsvError::Io { .. }), "{e}");
    assert!(ErrorChain(&e).to_string().contains("occupied"), "{e}");
}
