//! Tests: json_samples. GSTN's published sample payloads (a GSTR-2 save and a GSTR2A download, as
//! public GSTN clients carry them; `docs/protocol.md` §7, §8) as committed fixtures
//! (`tests/fixtures/`), round-tripping JSON → model → JSON compared as `serde_json::Value`.
//!
//! The fixtures are those samples made complete: where a sample elides (`"..."`, `{...}`),
//! plausible values fill in, in the same style. Changes to the samples' own values, so that the
//! model accepts them:
//!
//! - GSTINs: the samples' GSTINs fail the mod-36 check character (`docs/protocol.md` §12), so they
//!   are replaced by valid ones: `01AABCE2207R1Z5` → `01AABCE2207R1ZV` (only the check character
//!   differs), and the receiver `07CQZCD1111I4Y3` → `07CQZCD1111I4ZJ` (its 14th place, `Y`, fits
//!   no GSTIN form either: it must be `Z`, `1-9`, `A`, `B` or `D-J`). `01AAAAP1208Q1ZS` is valid
//!   and stays. [`spec_gstins_fail_the_check_character`] shows the originals being rejected.
//! - Return period: the sample's `fp` `012016` predates GST (July 2017): `072017` instead. The
//!   document dates keep the sample's 2016 values.
//! - `gstr2_save_amendments.json` adds the sections the save sample leaves out (`b2ba`,
//!   `imp_ga`, `imp_sa`, `cdna`, `atxi`), so that every section of the save payload round-trips.

use gstr2_model::validate::{validate, ValidationConfig};
use gstr2_model::{json, Gstr2Payload, Gstr2a, Table};
use serde_json::Value;

const SAVE: &str = include_str!("../fixtures/gstr2_save.json");
const SAVE_AMENDMENTS: &str = include_str!("../fixtures/gstr2_save_amendments.json");
const GSTR2A: &str = include_str!("../fixtures/gstr2a.json");

fn value(text: &str) -> Value {
    match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("fixture is not JSON: {e}"),
    }
}

/// JSON → model → JSON, compared as values; returns the model.
fn round_trip<T>(text: &str) -> T
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let model: T = match json::from_str(text) {
        Ok(m) => m,
        Err(e) => panic!("fixture does not fit the model: {e}"),
    };
    let written = json::to_string(&model).expect("the model writes");
    assert_eq!(value(&written), value(text), "round trip changed the JSON");
    model
}

#[test]
fn gstr2_save_sample_round_trips() {
    let payload: Gstr2Payload = round_trip(SAVE);
    assert_eq!(payload.gstin.to_string(), "07CQZCD1111I4ZJ");
    // Every section of the save sample holds something.
    for table in [
        Table::B2b,
        Table::B2bUnregistered,
        Table::ImpG,
        Table::ImpS,
        Table::Cdn,
        Table::CdnUnregistered,
        Table::NilSupplies,
        Table::Itc,
        Table::Txi,
        Table::Txpd,
    ] {
        assert!(payload.document_count(table) > 0, "{table} is empty");
    }
    assert!(payload.hsnsum.is_some());
    assert_eq!(payload.document_count(Table::B2b), 2);
    // Exact decimals: the sample's numbers keep their digits.
    let inv = &payload.b2b[0].invoices[0];
    assert_eq!(inv.value.to_string(), "729248.16");
    assert_eq!(inv.items[0].detail.rate.to_string(), "10.1");
    assert_eq!(
        payload.b2b[0].invoices[1].checksum.as_deref(),
        Some("adsgshaklfsgdhdydudjdk")
    );
}

#[test]
fn gstr2_save_amendment_sections_round_trip() {
    let payload: Gstr2Payload = round_trip(SAVE_AMENDMENTS);
    for table in [
        Table::B2ba,
        Table::ImpGa,
        Table::ImpSa,
        Table::Cdna,
        Table::Txia,
    ] {
        assert_eq!(payload.document_count(table), 1, "{table}");
    }
    // Together the two fixtures cover all 15 tables.
    let save: Gstr2Payload = json::from_str(SAVE).expect("parses");
    for table in Table::ALL {
        assert!(
            save.document_count(table) + payload.document_count(table) > 0,
            "{table} is in neither fixture"
        );
    }
    // A well-formed amendment fixture passes validation.
    assert_eq!(
        validate(&payload, &ValidationConfig::default()),
        Vec::new(),
        "amendment fixture should be consistent"
    );
}

#[test]
fn gstr2a_sample_round_trips() {
    let gstr2a: Gstr2a = round_trip(GSTR2A);
    assert_eq!(gstr2a.document_count(), 4);
    let supplier = &gstr2a.b2b[0];
    assert_eq!(supplier.cancelled_on.as_deref(), Some("27-Aug-19"));
    assert_eq!(
        supplier.invoices[0].diff_percent.map(|d| d.to_string()),
        Some("1".to_owned())
    );
    assert_eq!(
        gstr2a.impgsez[0].trade_name.as_deref(),
        Some("SEZ Unit One")
    );
}

#[test]
fn unknown_fields_in_gstr2a_are_tolerated() {
    let original: Gstr2a = json::from_str(GSTR2A).expect("parses");
    let mut v = value(GSTR2A);
    // GSTN adds fields: on an invoice, a note, a supplier and the top level.
    v["b2b"][0]["inv"][0]["ims_status"] = Value::from("accepted");
    v["b2b"][0]["inv"][0]["itms"][0]["itm_det"]["new_head"] = Value::from(1);
    v["cdn"][0]["nt"][0]["einv_flag"] = serde_json::json!({"x": [1, 2]});
    v["b2b"][0]["cfs_new"] = Value::from("Y");
    v["gen_dt"] = Value::from("01-04-2020");
    let text = v.to_string();
    let extended: Gstr2a = json::from_str(&text).expect("unknown fields must be ignored");
    assert_eq!(extended, original);
}

#[test]
fn decode_errors_carry_the_json_path() {
    let mut v = value(GSTR2A);
    v["b2b"][0]["inv"][0]["idt"] = Value::from("31-02-2017");
    let err = json::from_str::<Gstr2a>(&v.to_string()).unwrap_err();
    assert_eq!(err.path(), Some("b2b[0].inv[0].idt"));
    assert!(err.to_string().contains("no such day"), "{err}");

    let mut v = value(SAVE);
    v["cdn"][0]["nt"][0]["itms"][0]["itm_det"]["txval"] = Value::from("12,00");
    let err = json::from_str::<Gstr2Payload>(&v.to_string()).unwrap_err();
    assert_eq!(err.path(), Some("cdn[0].nt[0].itms[0].itm_det.txval"));

    let mut v = value(SAVE);
    v["b2b"][0]["inv"][1]["flag"] = Value::from("X");
    let err = json::from_str::<Gstr2Payload>(&v.to_string()).unwrap_err();
    assert_eq!(err.path(), Some("b2b[0].inv[1].flag"));
    assert!(err.to_string().contains("not a flag code"), "{err}");
}

#[test]
fn spec_gstins_fail_the_check_character() {
    // The sample as GSTN published it: its supplier GSTIN fails the check character.
    let spec = SAVE.replace("01AABCE2207R1ZV", "01AABCE2207R1Z5");
    let err = json::from_str::<Gstr2Payload>(&spec).unwrap_err();
    assert_eq!(err.path(), Some("b2b[0].ctin"));
    assert!(
        err.to_string().contains("check character is 5, expected V"),
        "{err}"
    );
    let spec = SAVE.replace("07CQZCD1111I4ZJ", "07CQZCD1111I4Y3");
    let err = json::from_str::<Gstr2Payload>(&spec).unwrap_err();
    assert_eq!(err.path(), Some("gstin"));
}

#[test]
fn the_spec_sample_numbers_do_not_add_up() {
    // GSTN's sample values are placeholders: validation finds what is inconsistent in them.
    let payload: Gstr2Payload = json::from_str(SAVE).expect("parses");
    let report: Vec<String> = validate(&payload, &ValidationConfig::default())
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(report.join("\n"));
}
