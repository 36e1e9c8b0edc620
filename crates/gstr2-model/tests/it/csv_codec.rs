//! The CSV codec on good input: the sample folder, the format's layout quirks
//! (`docs/csv-format.md`), and the lenient reading rules (BOM, CRLF, quotes, spaces, column
//! order).

use std::path::{Path, PathBuf};

use gstr2_model::csv::{self, TableData};
use gstr2_model::validate::{validate, ValidationConfig};
use gstr2_model::{json, Gstin, Gstr2Payload, ItemExtra, ReturnPeriod, Table};

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data")
}

fn sample() -> Gstr2Payload {
    let gstin: Gstin = "27AAPFU0939F1ZV".parse().unwrap();
    let fp: ReturnPeriod = "072017".parse().unwrap();
    match csv::read_dir(&sample_dir(), gstin, fp) {
        Ok(p) => p,
        Err(e) => panic!("sample folder does not read:\n{e}"),
    }
}

#[test]
fn sample_folder_converts_to_the_pinned_payload() {
    let payload = sample();
    for table in Table::ALL {
        assert!(
            payload.document_count(table) > 0,
            "sample has no {table} document"
        );
    }
    assert_eq!(payload.document_count(Table::B2b), 7);
    insta::assert_snapshot!("sample_payload", json::to_string_pretty(&payload).unwrap());
}

#[test]
fn sample_folder_is_a_valid_register() {
    let problems = validate(&sample(), &ValidationConfig::default());
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{text:#?}");
}

#[test]
fn sample_folder_round_trips_through_write_dir() {
    let payload = sample();
    let dir = tempfile::tempdir().unwrap();
    csv::write_dir(&payload, dir.path()).unwrap();
    let again = csv::read_dir(dir.path(), payload.gstin, payload.fp).unwrap();
    assert_eq!(again, payload);
    // The sample files are written exactly as the writer writes them.
    for table in Table::ALL {
        let name = table.file_name();
        let original = std::fs::read_to_string(sample_dir().join(&name)).unwrap();
        let written = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert_eq!(written, original, "{name}");
    }
}

#[test]
fn a_payload_with_sections_csv_cannot_hold_is_refused_naming_them() {
    let mut v: serde_json::Value =
        serde_json::from_str(&json::to_string(&sample()).unwrap()).unwrap();
    v["hsnsum"] = serde_json::json!({"det": [{"num": 1, "hsn_sc": "1001", "uqc": "KGS", "qty": 10,
        "val": 100, "txval": 100, "iamt": 18}]});
    v["isd"] = serde_json::json!([{"ctin": "01AAAAP1208Q1ZS", "doclist": []}]);
    let mut payload: Gstr2Payload = json::from_str(&v.to_string()).unwrap();
    assert_eq!(csv::uncarried(&payload), ["hsnsum", "isd"]);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let err = csv::write_dir(&payload, &out).unwrap_err();
    assert!(
        matches!(&err, csv::CsvError::Uncarried { sections } if sections == &["hsnsum", "isd"]),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the CSV tables cannot hold sections hsnsum, isd: nothing written"
    );
    assert!(!out.exists(), "nothing is written, not even the folder");

    // Told to drop them: named, and the rest written whole.
    assert_eq!(csv::take_uncarried(&mut payload), ["hsnsum", "isd"]);
    assert!(csv::uncarried(&payload).is_empty());
    csv::write_dir(&payload, &out).unwrap();
    assert_eq!(
        csv::read_dir(&out, payload.gstin, payload.fp).unwrap(),
        payload
    );
    assert_eq!(payload, sample());
}

#[test]
fn sample_folder_round_trips_through_json() {
    let payload = sample();
    let text = json::to_string(&payload).unwrap();
    let back: Gstr2Payload = json::from_str(&text).unwrap();
    assert_eq!(back, payload);
    for table in Table::ALL {
        let data = TableData::from_payload(&back, table);
        let mut bytes = Vec::new();
        csv::write_table(&data, &mut bytes).unwrap();
        let original = std::fs::read(sample_dir().join(table.file_name())).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            String::from_utf8(original).unwrap()
        );
    }
}

const CANONICAL: &str = "\
ctin,cfs,inum,idt,val,pos,rchrg,num,rt,txval,iamt,csamt,elg,tx_i
33GSPTN4811G1ZC,Y,\"S/1, 2\",24-07-2017,1180.00,27,N,1,18,1000.00,180.00,0.00,ip,180.00
33GSPTN4811G1ZC,Y,\"S/1, 2\",24-07-2017,1180.00,27,N,2,0,0.00,0.00,0.00,,
";

#[test]
fn bom_crlf_quotes_spaces_and_reordered_columns_parse() {
    let messy = "\u{feff} num , ELG,tx_i, txval ,\"ctin\",inum,idt,val,pos,rchrg,rt,iamt,csamt,cfs\r\n\
                 1, ip ,180.00,1000.00, \"33GSPTN4811G1ZC\" ,\"S/1, 2\",24-07-2017,1180.00,27,n,18,180.00,0.00,Y\r\n\
                 \r\n\
                 ,,,,,,,,,,,,,\r\n\
                 \"2\",,,\"0.00\",33GSPTN4811G1ZC,\"S/1, 2\",24-07-2017,1180.00,27,n,0,0.00,0.00,Y\r\n";
    let expected = csv::read_b2b(CANONICAL.as_bytes()).unwrap();
    let got = csv::read_b2b(messy.as_bytes()).unwrap();
    assert_eq!(got, expected);
    let invoice = &got[0].invoices[0];
    assert_eq!(invoice.number, "S/1, 2");
    assert_eq!(invoice.items.len(), 2);
    assert_eq!(
        invoice.items[0]
            .itc
            .as_ref()
            .unwrap()
            .igst
            .unwrap()
            .to_string(),
        "180.00"
    );
    assert!(invoice.items[1].itc.is_none());
}

#[test]
fn rows_of_a_document_need_not_be_adjacent() {
    let text = "\
ctin,inum,idt,val,pos,rchrg,num,rt,txval,iamt
33GSPTN4811G1ZC,A1,01-07-2017,10,27,N,1,18,1,0.18
27AAPFU0939F1ZV,B1,02-07-2017,20,27,N,1,18,2,0.36
33GSPTN4811G1ZC,A2,03-07-2017,30,27,N,1,18,3,0.54
33GSPTN4811G1ZC,A1,01-07-2017,10,27,N,2,5,4,0.20
";
    let suppliers = csv::read_b2b(text.as_bytes()).unwrap();
    let shape: Vec<(String, Vec<(String, usize)>)> = suppliers
        .iter()
        .map(|s| {
            (
                s.supplier_gstin.to_string(),
                s.invoices
                    .iter()
                    .map(|i| (i.number.clone(), i.items.len()))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (
                "33GSPTN4811G1ZC".to_owned(),
                vec![("A1".to_owned(), 2), ("A2".to_owned(), 1)]
            ),
            ("27AAPFU0939F1ZV".to_owned(), vec![("B1".to_owned(), 1)]),
        ]
    );
    assert_eq!(suppliers[0].invoices[0].items[1].number, 2);
}

fn write(data: &TableData) -> String {
    let mut out = Vec::new();
    csv::write_table(data, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn per_head_rates_map_to_the_total_rate_and_back() {
    let text = "\
ctin,oinum,oidt,inum,idt,val,pos,rchrg,num,txval,irt,iamt,crt,camt,srt,samt
27AAPFU0939F1ZV,O1,01-07-2017,N1,02-07-2017,118,27,N,1,100,,,9,9,9,9
27AAPFU0939F1ZV,O1,01-07-2017,N1,02-07-2017,118,27,N,2,100,0.25,0.25,0,,0,
27AAPFU0939F1ZV,O1,01-07-2017,N1,02-07-2017,118,27,N,3,100,,,0.125,0.125,0.125,0.125
";
    let TableData::B2ba(suppliers) = csv::read_table(Table::B2ba, text.as_bytes()).unwrap() else {
        panic!("not b2ba")
    };
    let rates: Vec<String> = suppliers[0].invoices[0]
        .items
        .iter()
        .map(|i| i.detail.rate.to_string())
        .collect();
    assert_eq!(rates, ["18", "0.25", "0.25"]);
    // Written back: intra-state items (CGST/SGST, no IGST) as two halves with one more decimal
    // place, inter-state items as irt; reading that gives the same rates.
    let written = write(&TableData::B2ba(suppliers.clone()));
    let rows: Vec<&str> = written.lines().collect();
    assert!(rows[1].contains(",,,9.0,9,9.0,9,"), "{}", rows[1]);
    assert!(rows[2].contains(",0.25,0.25,,,,,"), "{}", rows[2]);
    assert!(
        rows[3].contains(",,,0.125,0.125,0.125,0.125,"),
        "{}",
        rows[3]
    );
    let TableData::B2ba(again) = csv::read_table(Table::B2ba, written.as_bytes()).unwrap() else {
        panic!("not b2ba")
    };
    assert_eq!(again, suppliers);
}

#[test]
fn cdna_numbers_items_by_row_and_writes_num_only_when_needed() {
    let text = "\
ctin,ntty,ont_num,ont_dt,nt_num,nt_dt,val,irt,iamt,txval
33GSPTN4811G1ZC,C,O1,01-07-2017,N1,05-07-2017,236,18,18,100
33GSPTN4811G1ZC,C,O1,01-07-2017,N1,05-07-2017,236,18,18,100
";
    let mut notes = csv::read_cdna(text.as_bytes()).unwrap();
    let numbers: Vec<u32> = notes[0].notes[0].items.iter().map(|i| i.number).collect();
    assert_eq!(numbers, [1, 2]);
    let header = |s: &[_]| {
        write(&TableData::Cdna(s.to_vec()))
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(!header(&notes).split(',').any(|c| c == "num"));
    notes[0].notes[0].items[1].number = 7;
    assert!(header(&notes).split(',').any(|c| c == "num"));
    let again = csv::read_cdna(write(&TableData::Cdna(notes.clone())).as_bytes()).unwrap();
    assert_eq!(again, notes);
}

#[test]
fn extension_columns_are_written_only_when_used() {
    let mut suppliers = csv::read_b2b(CANONICAL.as_bytes()).unwrap();
    let header = |s: &[_]| {
        write(&TableData::B2b(s.to_vec()))
            .lines()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        header(&suppliers),
        "ctin,cfs,inum,idt,val,pos,rchrg,updby,flag,cflag,opd,inv_typ,num,rt,txval,iamt,camt,samt,csamt,elg,tx_i,tx_c,tx_s,tx_cs"
    );
    suppliers[0].invoices[0].checksum = Some("abc123".into());
    suppliers[0].invoices[0].items[0].detail.extra = ItemExtra {
        hsn_sac: Some("8471".into()),
        ..ItemExtra::default()
    }
    .non_empty();
    assert!(header(&suppliers).ends_with(",tx_cs,chksum,hsn_sc"));
    let again = csv::read_b2b(write(&TableData::B2b(suppliers.clone())).as_bytes()).unwrap();
    assert_eq!(again, suppliers);
}

#[test]
fn a_document_without_items_is_one_row_with_empty_item_cells() {
    let mut suppliers = csv::read_b2b(CANONICAL.as_bytes()).unwrap();
    suppliers[0].invoices[0].items.clear();
    let text = write(&TableData::B2b(suppliers.clone()));
    assert_eq!(text.lines().count(), 2);
    assert_eq!(csv::read_b2b(text.as_bytes()).unwrap(), suppliers);
}

#[test]
fn itc_rows_without_a_rule_are_other() {
    let TableData::Itc(itc) =
        csv::read_table(Table::Itc, "iamt,samt,camt,csamt\n0,13,13,12\n".as_bytes()).unwrap()
    else {
        panic!("not itc")
    };
    let rules: Vec<String> = itc.iter().map(|(r, _)| r.to_string()).collect();
    assert_eq!(rules, ["other"]);
    assert_eq!(
        write(&TableData::Itc(itc)),
        "iamt,samt,camt,csamt,rule\n0,13,13,12,other\n"
    );
}

#[test]
fn txia_reads_repeated_columns_first_as_document_then_as_item() {
    let text = std::fs::read_to_string(sample_dir().join("txia.csv")).unwrap();
    let TableData::Txia(docs) = csv::read_table(Table::Txia, text.as_bytes()).unwrap() else {
        panic!("not txia")
    };
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].taxable_value.to_string(), "15000.00");
    let items: Vec<String> = docs[0]
        .items
        .iter()
        .map(|i| i.taxable_value.to_string())
        .collect();
    assert_eq!(items, ["10000.00", "5000.00"]);
    // Some `txia` files spell the IGST rate `Irt`: any case is read.
    let seed_case = text.replacen(",irt,", ",Irt,", 1);
    assert_ne!(seed_case, text);
    assert_eq!(
        csv::read_table(Table::Txia, seed_case.as_bytes()).unwrap(),
        TableData::Txia(docs)
    );
}

#[test]
fn cdn_itms_column_is_written_empty_and_ignored_on_read() {
    let text = std::fs::read_to_string(sample_dir().join("cdn.csv")).unwrap();
    let with_noise = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_owned()
            } else {
                l.replacen(",R,,", ",R,items,", 1)
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_ne!(with_noise, text.trim_end());
    assert_eq!(
        csv::read_cdn(with_noise.as_bytes()).unwrap(),
        csv::read_cdn(text.as_bytes()).unwrap()
    );
}

#[test]
fn empty_input_and_header_only_are_empty_tables() {
    for table in Table::ALL {
        let empty = csv::read_table(table, &b""[..]).unwrap();
        assert!(empty.is_empty(), "{table}");
        let header_only = write(&empty);
        assert_eq!(header_only.lines().count(), 1, "{table}");
        assert_eq!(
            csv::read_table(table, header_only.as_bytes()).unwrap(),
            empty
        );
    }
}

#[test]
fn read_dir_treats_missing_files_as_empty_sections() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(sample_dir().join("imp_s.csv"), dir.path().join("imp_s.csv")).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a table").unwrap();
    let payload = csv::read_dir(
        dir.path(),
        "27AAPFU0939F1ZV".parse().unwrap(),
        "072017".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(payload.total_documents(), 2);
    assert_eq!(payload.document_count(Table::ImpS), 2);
    assert!(payload.nil_supplies.is_none() && payload.itc_rvsl.is_none());
}

#[test]
fn bytes_in_memory_read_as_a_reader_reads_them() {
    for table in Table::ALL {
        let bytes = std::fs::read(sample_dir().join(table.file_name())).unwrap();
        assert_eq!(
            csv::read_table_from_slice(table, &bytes).unwrap(),
            csv::read_table(table, &bytes[..]).unwrap(),
            "{table}"
        );
    }
    // Large enough to be read in blocks on every core: the blocks are then parts of the bytes.
    let mut text =
        String::from("ctin,cfs,inum,idt,val,pos,rchrg,num,rt,txval,iamt,camt,samt,elg,tx_i\n");
    let suppliers = ["27AAPFU0939F1ZV", "33GSPTN4811G1ZC", "01AABCE2207R1ZV"];
    for i in 0..30_000 {
        let ctin = suppliers[i % 3];
        for num in 1..=2 {
            text.push_str(&format!(
                "{ctin},Y,INV/{i},01-07-2017,236.00,27,N,{num},18,100.00,18.00,,,ip,18.00\n"
            ));
        }
    }
    assert!(text.len() > 4 << 20, "{}", text.len());
    let from_slice = csv::read_b2b_from_slice(text.as_bytes()).unwrap();
    assert_eq!(from_slice, csv::read_b2b(text.as_bytes()).unwrap());
    assert_eq!(
        from_slice.iter().map(|s| s.invoices.len()).sum::<usize>(),
        30_000
    );
    // A bad cell far into the input is reported where it is, as the one-thread reading does.
    let at = text.len() * 3 / 4;
    let line_start = at + text[at..].find('\n').unwrap() + 1;
    let amount = line_start + text[line_start..].find(",100.00,").unwrap() + 1;
    text.replace_range(amount..amount + 6, "1O0.00");
    let line = text[..line_start].matches('\n').count() + 1;
    let (a, b) = (
        csv::read_b2b_from_slice(text.as_bytes()).unwrap_err(),
        csv::read_b2b(text.as_bytes()).unwrap_err(),
    );
    assert_eq!(a.to_string(), b.to_string());
    assert!(a.to_string().contains(&format!("line {line}")), "{a}");
}
