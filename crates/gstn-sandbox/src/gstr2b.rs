//! GSTR-2B as GEN2B makes it from a taxpayer's IMS ([`crate::ims`]), and its paged form.
//!
//! **What goes where.** Only records of suppliers who filed (`srcfilstatus` not `Not Filed` or
//! `Saved`) enter GSTR-2B. Accepted (`A`) and No action (`N`, deemed accepted) go to `docdata`,
//! Rejected (`R`) to `docRejdata`, Pending (`P`) to neither: it stays in IMS. IMS sections map to
//! 2B sections as `b2b` → `b2b`, `b2ba` → `b2ba`, `b2bcn` and `b2bdn` → `cdnr` (`typ` C or D),
//! `b2bcna` and `b2bdna` → `cdnra`, `ecom` → `ecom`, `ecoma` → `ecoma`; each supplier once per
//! section, in the order its first record comes. The sandbox's IMS holds one ITC period: GEN2B
//! of any period takes every record. An original whose amendment is among the records (the same
//! supplier, the original's number as written and date) is superseded: its amendment stands
//! for it, and it is in neither part, so that its ITC counts once (as gstr2-recon's expected
//! ITC counts it; what GSTN does is not published).
//!
//! **Summaries.** `itcsumm.itcavl.nonrevsup` (from `docdata`) and `itcsumm.itcRejected.nonrevsup`
//! (from `docRejdata`) hold `txval` and the four heads per section and in all; `cpsumm` and
//! `cpSummRej` one row per supplier (and note type, in `cdnr`, `cdnra`) and section. Credit notes
//! count negative in both; documents keep their amounts positive, as GSTN writes them.
//!
//! **Paged form.** With more documents than
//! [`SandboxConfig::gstr2b_documents_per_file`](crate::SandboxConfig::gstr2b_documents_per_file),
//! GET2B without `file_num` answers the header, the summaries and `fc`; `file_num` 1 to `fc`
//! answer the header with at most that many documents each, `docdata` first, then
//! `docRejdata`, a supplier's documents split across parts where a part fills up. The
//! checksum (`chksum`) is the whole 2B's in every answer.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use gstr2_model::codes::{FilingStatus, ImsAction};
use gstr2_model::ims::ImsRecords;
use gstr2_model::{Gstin, ReturnPeriod};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The 2B document sections in the order written, with each one's document list key.
const SECTIONS: [(&str, &str); 6] = [
    ("b2b", "inv"),
    ("b2ba", "inv"),
    ("cdnr", "nt"),
    ("cdnra", "nt"),
    ("ecom", "inv"),
    ("ecoma", "inv"),
];

/// `txval` and the four heads, summed.
#[derive(Clone, Copy, Default)]
struct Sum {
    docs: u64,
    txval: Decimal,
    heads: [Decimal; 4],
}

impl Sum {
    fn add(&mut self, sign: Decimal, txval: Decimal, heads: [Decimal; 4]) -> Option<()> {
        self.docs += 1;
        self.txval = self.txval.checked_add(sign.checked_mul(txval)?)?;
        for (slot, head) in self.heads.iter_mut().zip(heads) {
            *slot = slot.checked_add(sign.checked_mul(head)?)?;
        }
        Some(())
    }

    fn json(&self) -> Map<String, Value> {
        let [igst, cgst, sgst, cess] = self.heads;
        let mut m = Map::new();
        m.insert("txval".into(), json!(self.txval));
        m.insert("igst".into(), json!(igst));
        m.insert("cgst".into(), json!(cgst));
        m.insert("sgst".into(), json!(sgst));
        m.insert("cess".into(), json!(cess));
        m
    }
}

/// A supplier entry of a section being built: the supplier object without its documents, and
/// the documents.
type SupplierEntry = (Map<String, Value>, Vec<Value>);

/// A row of a supplier summary being built: its key (supplier, note type), the row without
/// amounts, and the sum.
type SummaryRow = ((Gstin, Option<&'static str>), Map<String, Value>, Sum);

/// One part (`docdata` or `docRejdata`) being built: documents by section and supplier, and
/// the sums.
#[derive(Default)]
struct Part {
    /// Section → suppliers in the order of their first record.
    sections: BTreeMap<&'static str, Vec<SupplierEntry>>,
    /// Section → its sum.
    by_section: BTreeMap<&'static str, Sum>,
    /// Section → its supplier summary rows.
    by_supplier: BTreeMap<&'static str, Vec<SummaryRow>>,
    total: Sum,
}

/// What one IMS record contributes.
struct Doc {
    section: &'static str,
    supplier: Gstin,
    trade_name: Option<String>,
    supplier_period: Option<String>,
    note_type: Option<&'static str>,
    sign: Decimal,
    txval: Decimal,
    heads: [Decimal; 4],
    json: Value,
}

impl Part {
    fn add(&mut self, doc: Doc) -> Result<(), String> {
        let overflow = || format!("the sums of {} overflow", doc.section);
        self.total
            .add(doc.sign, doc.txval, doc.heads)
            .ok_or_else(overflow)?;
        self.by_section
            .entry(doc.section)
            .or_default()
            .add(doc.sign, doc.txval, doc.heads)
            .ok_or_else(overflow)?;
        let rows = self.by_supplier.entry(doc.section).or_default();
        let key = (doc.supplier, doc.note_type);
        let at = match rows.iter().position(|(k, _, _)| *k == key) {
            Some(at) => at,
            None => {
                let mut row = Map::new();
                row.insert("ctin".into(), json!(doc.supplier.as_str()));
                if let Some(name) = &doc.trade_name {
                    row.insert("trdnm".into(), json!(name));
                }
                if let Some(period) = &doc.supplier_period {
                    row.insert("supprd".into(), json!(period));
                }
                if let Some(t) = doc.note_type {
                    row.insert("nttyp".into(), json!(t));
                }
                rows.push((key, row, Sum::default()));
                rows.len() - 1
            }
        };
        if let Some((_, _, sum)) = rows.get_mut(at) {
            sum.add(doc.sign, doc.txval, doc.heads)
                .ok_or_else(overflow)?;
        }
        let suppliers = self.sections.entry(doc.section).or_default();
        let at = match suppliers
            .iter()
            .position(|(s, _)| s.get("ctin").and_then(Value::as_str) == Some(doc.supplier.as_str()))
        {
            Some(at) => at,
            None => {
                let mut s = Map::new();
                s.insert("ctin".into(), json!(doc.supplier.as_str()));
                if let Some(name) = &doc.trade_name {
                    s.insert("trdnm".into(), json!(name));
                }
                if let Some(period) = &doc.supplier_period {
                    s.insert("supprd".into(), json!(period));
                }
                suppliers.push((s, Vec::new()));
                suppliers.len() - 1
            }
        };
        if let Some((_, docs)) = suppliers.get_mut(at) {
            docs.push(doc.json);
        }
        Ok(())
    }

    fn documents(&self) -> Value {
        let mut out = Map::new();
        for (section, list_key) in SECTIONS {
            if let Some(suppliers) = self.sections.get(section) {
                let list: Vec<Value> = suppliers
                    .iter()
                    .map(|(s, docs)| {
                        let mut s = s.clone();
                        s.insert(list_key.into(), Value::Array(docs.clone()));
                        Value::Object(s)
                    })
                    .collect();
                out.insert(section.into(), Value::Array(list));
            }
        }
        Value::Object(out)
    }

    fn itc(&self) -> Value {
        let mut nonrevsup = self.total.json();
        for (section, sum) in &self.by_section {
            nonrevsup.insert((*section).into(), Value::Object(sum.json()));
        }
        json!({ "nonrevsup": nonrevsup })
    }

    fn supplier_summary(&self) -> Value {
        let mut out = Map::new();
        for (section, rows) in &self.by_supplier {
            let list: Vec<Value> = rows
                .iter()
                .map(|(_, row, sum)| {
                    let mut row = row.clone();
                    row.insert("ttldocs".into(), json!(sum.docs));
                    row.extend(sum.json());
                    Value::Object(row)
                })
                .collect();
            out.insert((*section).into(), Value::Array(list));
        }
        Value::Object(out)
    }

    fn is_empty(&self) -> bool {
        self.total.docs == 0
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%d-%m-%Y").to_string()
}

/// Whether a record's supplier filed the return that reported it.
fn filed(status: Option<&FilingStatus>) -> bool {
    !matches!(status, Some(FilingStatus::NotFiled | FilingStatus::Saved))
}

/// The 2B's `data` made from `records` as the module docs say, generated on `today`; an
/// error where a sum overflows.
pub(crate) fn generate(
    records: &ImsRecords,
    gstin: Gstin,
    period: ReturnPeriod,
    today: NaiveDate,
) -> Result<Value, String> {
    let mut available = Part::default();
    let mut rejected = Part::default();
    // An original whose amendment is among the records is superseded by it: the amendment
    // stands for it in 2B, and the original is in neither part (as gstr2-recon expects).
    type Key = (Gstin, String, NaiveDate);
    let originals = |list: Vec<Key>| -> BTreeSet<Key> { list.into_iter().collect() };
    let none = BTreeSet::new();
    let superseded_b2b = originals(
        records
            .b2ba
            .iter()
            .map(|r| (r.supplier_gstin, r.original_number.clone(), r.original_date))
            .collect(),
    );
    let superseded_ecom = originals(
        records
            .ecoma
            .iter()
            .map(|r| (r.supplier_gstin, r.original_number.clone(), r.original_date))
            .collect(),
    );
    let superseded_cn = originals(
        records
            .b2bcna
            .iter()
            .map(|r| (r.supplier_gstin, r.original_number.clone(), r.original_date))
            .collect(),
    );
    let superseded_dn = originals(
        records
            .b2bdna
            .iter()
            .map(|r| (r.supplier_gstin, r.original_number.clone(), r.original_date))
            .collect(),
    );
    macro_rules! take {
        ($list:expr, $section:literal, $note:expr, $sign:expr, |$r:ident| $fields:expr) => {
            take!($list, $section, $note, $sign, &none, |$r| $fields)
        };
        ($list:expr, $section:literal, $note:expr, $sign:expr, $superseded:expr, |$r:ident| $fields:expr) => {
            for $r in $list.iter() {
                if !filed($r.supplier_filing_status.as_ref()) {
                    continue;
                }
                let superseded: &BTreeSet<Key> = $superseded;
                if !superseded.is_empty()
                    && superseded.contains(&($r.supplier_gstin, $r.number.clone(), $r.date))
                {
                    continue;
                }
                let part = match $r.action() {
                    ImsAction::Accept | ImsAction::NoAction => &mut available,
                    ImsAction::Reject => &mut rejected,
                    _ => continue,
                };
                let mut doc: Map<String, Value> = $fields;
                doc.insert("val".into(), json!($r.value));
                if let Some(pos) = &$r.place_of_supply {
                    doc.insert("pos".into(), json!(pos.to_string()));
                }
                doc.insert("rev".into(), json!("N"));
                doc.insert("itcavl".into(), json!("Y"));
                doc.insert("rsn".into(), json!(""));
                if let Some(flag) = &$r.itc_reduction_required {
                    doc.insert("itcRedReq".into(), json!(flag.as_str()));
                }
                let txval = $r.taxable_value.unwrap_or_default();
                let heads = [
                    $r.igst.unwrap_or_default(),
                    $r.cgst.unwrap_or_default(),
                    $r.sgst.unwrap_or_default(),
                    $r.cess.unwrap_or_default(),
                ];
                doc.insert("txval".into(), json!(txval));
                for (key, amount) in ["igst", "cgst", "sgst", "cess"].into_iter().zip(heads) {
                    doc.insert(key.into(), json!(amount));
                }
                part.add(Doc {
                    section: $section,
                    supplier: $r.supplier_gstin,
                    trade_name: $r.trade_name.clone(),
                    supplier_period: $r.supplier_period.clone(),
                    note_type: $note,
                    sign: $sign,
                    txval,
                    heads,
                    json: Value::Object(doc),
                })?;
            }
        };
    }
    fn object(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }
    let typ = |t: &Option<gstr2_model::codes::CounterpartyInvoiceType>| {
        t.as_ref().map_or(Value::Null, |t| json!(t.as_str()))
    };
    let plus = Decimal::ONE;
    let minus = -Decimal::ONE;
    take!(records.b2b, "b2b", None, plus, &superseded_b2b, |r| object(
        json!({
        "inum": r.number, "typ": typ(&r.invoice_type), "dt": date(r.date)})
    ));
    take!(records.b2ba, "b2ba", None, plus, |r| object(json!({
        "inum": r.number, "typ": typ(&r.invoice_type), "dt": date(r.date),
        "oinum": r.original_number, "oidt": date(r.original_date)})));
    take!(
        records.b2bcn,
        "cdnr",
        Some("C"),
        minus,
        &superseded_cn,
        |r| object(json!({
        "ntnum": r.number, "typ": "C", "suptyp": typ(&r.invoice_type), "dt": date(r.date)}))
    );
    take!(
        records.b2bdn,
        "cdnr",
        Some("D"),
        plus,
        &superseded_dn,
        |r| object(json!({
        "ntnum": r.number, "typ": "D", "suptyp": typ(&r.invoice_type), "dt": date(r.date)}))
    );
    take!(records.b2bcna, "cdnra", Some("C"), minus, |r| object(
        json!({
        "ntnum": r.number, "typ": "C", "suptyp": typ(&r.invoice_type), "dt": date(r.date),
        "onttyp": "C", "ontnum": r.original_number, "ontdt": date(r.original_date)})
    ));
    take!(records.b2bdna, "cdnra", Some("D"), plus, |r| object(
        json!({
        "ntnum": r.number, "typ": "D", "suptyp": typ(&r.invoice_type), "dt": date(r.date),
        "onttyp": "D", "ontnum": r.original_number, "ontdt": date(r.original_date)})
    ));
    take!(records.ecom, "ecom", None, plus, &superseded_ecom, |r| {
        object(json!({
        "inum": r.number, "typ": typ(&r.invoice_type), "dt": date(r.date)}))
    });
    take!(records.ecoma, "ecoma", None, plus, |r| object(json!({
        "inum": r.number, "typ": typ(&r.invoice_type), "dt": date(r.date),
        "oinum": r.original_number, "oidt": date(r.original_date)})));

    let mut data = Map::new();
    data.insert("gstin".into(), json!(gstin.as_str()));
    data.insert("rtnprd".into(), json!(period.to_string()));
    data.insert("version".into(), json!("1.0"));
    data.insert("gendt".into(), json!(date(today)));
    let mut itc = Map::new();
    itc.insert("itcavl".into(), available.itc());
    itc.insert("itcRejected".into(), rejected.itc());
    data.insert("itcsumm".into(), Value::Object(itc));
    data.insert("cpsumm".into(), available.supplier_summary());
    if !rejected.is_empty() {
        data.insert("cpSummRej".into(), rejected.supplier_summary());
    }
    if !available.is_empty() {
        data.insert("docdata".into(), available.documents());
    }
    if !rejected.is_empty() {
        data.insert("docRejdata".into(), rejected.documents());
    }
    // Typed values write `null` for an absent `typ`; GSTN leaves such keys out.
    strip_nulls(&mut data);
    Ok(Value::Object(data))
}

fn strip_nulls(map: &mut Map<String, Value>) {
    map.retain(|_, v| !v.is_null());
    for v in map.values_mut() {
        match v {
            Value::Object(m) => strip_nulls(m),
            Value::Array(list) => {
                for item in list {
                    if let Value::Object(m) = item {
                        strip_nulls(m);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Hex SHA-256 of `data`'s JSON: the 2B's `chksum`.
pub(crate) fn checksum(data: &Value) -> String {
    let bytes = serde_json::to_vec(data).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// The number of documents of a 2B's `data`.
pub(crate) fn document_count(data: &Value) -> usize {
    ["docdata", "docRejdata"]
        .iter()
        .filter_map(|part| data.get(part))
        .flat_map(|part| {
            SECTIONS.iter().filter_map(move |(section, list_key)| {
                part.get(section)
                    .and_then(Value::as_array)
                    .map(|suppliers| {
                        suppliers
                            .iter()
                            .filter_map(|s| s.get(list_key).and_then(Value::as_array))
                            .map(Vec::len)
                            .sum::<usize>()
                    })
            })
        })
        .sum()
}

/// The head of a paged 2B: `data` without its documents, with `fc`.
pub(crate) fn head(data: &Value, file_count: usize) -> Value {
    let mut head = data.clone();
    if let Some(m) = head.as_object_mut() {
        m.remove("docdata");
        m.remove("docRejdata");
        m.insert("fc".into(), json!(file_count));
    }
    head
}

/// The documents of `data` cut into parts of at most `per_file` documents (see the module
/// docs), each a `data` object with the header and `file_num` (1-based).
pub(crate) fn parts(data: &Value, per_file: usize) -> Vec<Value> {
    let per_file = per_file.max(1);
    let mut parts: Vec<(usize, Map<String, Value>)> = Vec::new();
    for part_key in ["docdata", "docRejdata"] {
        let Some(part) = data.get(part_key) else {
            continue;
        };
        for (section, list_key) in SECTIONS {
            let Some(suppliers) = part.get(section).and_then(Value::as_array) else {
                continue;
            };
            for supplier in suppliers {
                let docs = supplier
                    .get(list_key)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut rest = docs.as_slice();
                while !rest.is_empty() {
                    let room = match parts.last() {
                        Some((n, _)) if *n < per_file => per_file - n,
                        _ => {
                            parts.push((0, Map::new()));
                            per_file
                        }
                    };
                    let (take, left) = rest.split_at(room.min(rest.len()));
                    let mut piece = supplier.clone();
                    if let Some(fields) = piece.as_object_mut() {
                        fields.insert(list_key.into(), Value::Array(take.to_vec()));
                    }
                    if let Some((n, out)) = parts.last_mut() {
                        *n += take.len();
                        let sections = out
                            .entry(part_key)
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Some(sections) = sections.as_object_mut() {
                            let list = sections
                                .entry(section)
                                .or_insert_with(|| Value::Array(Vec::new()));
                            if let Some(list) = list.as_array_mut() {
                                list.push(piece);
                            }
                        }
                    }
                    rest = left;
                }
            }
        }
    }
    let count = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(i, (_, docs))| {
            let mut out = Map::new();
            for key in ["gstin", "rtnprd", "version", "gendt"] {
                if let Some(v) = data.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
            out.insert("fc".into(), json!(count));
            out.insert("file_num".into(), json!(i + 1));
            out.extend(docs);
            Value::Object(out)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records() -> ImsRecords {
        ImsRecords::from_json(
            br#"{"b2b":[
              {"stin":"33GSPTN4811G1ZC","inum":"S1","idt":"02-04-2024","inv_typ":"R","action":"A",
               "srcfilstatus":"Filed","rtnprd":"042024","val":1180,"pos":"27","txval":1000,"iamt":180},
              {"stin":"33GSPTN4811G1ZC","inum":"S2","idt":"03-04-2024","action":"N",
               "srcfilstatus":"Filed","val":118,"txval":100,"iamt":18},
              {"stin":"33GSPTN4811G1ZC","inum":"S3","idt":"03-04-2024","action":"R",
               "srcfilstatus":"Filed","val":59,"txval":50,"iamt":9},
              {"stin":"33GSPTN4811G1ZC","inum":"S4","idt":"03-04-2024","action":"P",
               "srcfilstatus":"Filed","val":59,"txval":50,"iamt":9},
              {"stin":"33GSPTN4811G1ZC","inum":"S5","idt":"03-04-2024","action":"A",
               "srcfilstatus":"Not Filed","val":59,"txval":50,"iamt":9}],
             "b2bcn":[{"stin":"33GSPTN4811G1ZC","nt_num":"C1","nt_dt":"05-04-2024","action":"A",
               "srcfilstatus":"Filed","val":11.8,"txval":10,"iamt":1.8,"itcRedReq":"Y"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn actions_decide_where_documents_go_and_credit_notes_count_negative() {
        let gstin: Gstin = "27AAPFU0939F1ZV".parse().unwrap();
        let period: ReturnPeriod = "042024".parse().unwrap();
        let today = NaiveDate::from_ymd_opt(2024, 5, 14).unwrap();
        let data = generate(&records(), gstin, period, today).unwrap();
        let g =
            gstr2_model::gstr2b::Gstr2b::from_json(&serde_json::to_vec(&data).unwrap()).unwrap();
        let inv: Vec<_> = g.documents.b2b[0]
            .invoices
            .iter()
            .map(|i| i.number.as_str())
            .collect();
        assert_eq!(inv, ["S1", "S2"]);
        assert_eq!(g.rejected.b2b[0].invoices[0].number, "S3");
        assert_eq!(g.documents.cdnr[0].notes[0].number, "C1");
        let avl = g.itc_available().unwrap();
        assert_eq!(
            avl.get(&["nonrevsup", "b2b"])
                .unwrap()
                .tax()
                .igst
                .to_string(),
            "198"
        );
        assert_eq!(
            avl.get(&["nonrevsup", "cdnr"])
                .unwrap()
                .tax()
                .igst
                .to_string(),
            "-1.8"
        );
        assert_eq!(
            avl.get(&["nonrevsup"]).unwrap().tax().igst.to_string(),
            "196.2"
        );
        let rej = g.itc_rejected().unwrap();
        assert_eq!(
            rej.get(&["nonrevsup", "b2b"])
                .unwrap()
                .tax()
                .igst
                .to_string(),
            "9"
        );
        let cp = g.supplier_summary.as_ref().unwrap();
        assert_eq!(cp.b2b[0].document_count, Some(2));
        assert_eq!(
            cp.cdnr[0].igst.map(|d| d.to_string()).as_deref(),
            Some("-1.8")
        );
        assert!(g.warnings().is_empty(), "{:?}", g.warnings());
        assert_eq!(document_count(&data), 4);
    }

    #[test]
    fn parts_hold_every_document_once() {
        let gstin: Gstin = "27AAPFU0939F1ZV".parse().unwrap();
        let period: ReturnPeriod = "042024".parse().unwrap();
        let today = NaiveDate::from_ymd_opt(2024, 5, 14).unwrap();
        let data = generate(&records(), gstin, period, today).unwrap();
        let parts = parts(&data, 1);
        assert_eq!(parts.len(), 4);
        let total: usize = parts.iter().map(document_count).sum();
        assert_eq!(total, 4);
        assert_eq!(head(&data, 4).get("docdata"), None);
    }

    #[test]
    fn an_original_superseded_by_its_amendment_counts_once() {
        let text = format!(
            r#"{{"b2b":[{{"stin":"{s}","inum":"O-1","idt":"01-07-2017","val":118,"txval":100,
            "iamt":18,"srcfilstatus":"Filed","action":"A"}}],
            "b2ba":[{{"stin":"{s}","inum":"O-1A","idt":"05-07-2017","oinum":"O-1","oidt":"01-07-2017",
            "val":236,"txval":200,"iamt":36,"srcfilstatus":"Filed","action":"A"}}]}}"#,
            s = "33GSPTN4811G1ZC"
        );
        let records = ImsRecords::from_json(text.as_bytes()).expect("records");
        let data = generate(
            &records,
            "27AAPFU0939F1ZV".parse().expect("gstin"),
            "072017".parse().expect("period"),
            NaiveDate::from_ymd_opt(2017, 8, 14).expect("date"),
        )
        .expect("generated");
        assert!(data["docdata"].get("b2b").is_none(), "{data}");
        assert_eq!(data["docdata"]["b2ba"][0]["inv"][0]["inum"], "O-1A");
        let igst = &data["itcsumm"]["itcavl"]["nonrevsup"]["igst"];
        assert_eq!(igst, "36", "{data}");
    }
}
