//! The per-document errors: a decode error sorted into GSTN's record codes by the field it
//! failed on, and the `error_report` that lists every rejected document with its code.

use std::collections::BTreeMap;

use gstn_proto::error_code::chosen;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::{problem, Problem};

/// Sorts a per-document decode error into the report's codes by the field it failed on.
pub(super) fn decode_problem(path: &str, message: &str) -> Problem {
    let field = path.rsplit('.').next().unwrap_or(path);
    let field = field.split('[').next().unwrap_or(field);
    let code = match field {
        "idt" | "oidt" | "nt_dt" | "ont_dt" | "boe_dt" | "oboe_dt" | "dt" | "otdt" | "pos"
        | "state_cd" => chosen::RECORD_DATE_OR_POS_INVALID,
        "ctin" | "stin" | "rtin" => chosen::RECORD_GSTIN_INVALID,
        _ => chosen::RECORD_STRUCTURE,
    };
    problem(code, format!("{path}: {message}"))
}

pub(super) fn decode<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, Problem> {
    serde_path_to_error::deserialize::<_, T>(value.clone()).map_err(|e| {
        let inner = e.path().to_string();
        let full = if inner == "." {
            path.to_owned()
        } else {
            format!("{path}.{inner}")
        };
        decode_problem(&full, &e.into_inner().to_string())
    })
}

/// Collects the `error_report`, one entry per rejected document.
#[derive(Default)]
pub(super) struct Report {
    pub(super) entries: BTreeMap<String, Vec<Value>>,
}

/// A document as it goes into the report: objects as sent, anything else as `{"doc": value}`.
fn as_object(doc: &Value) -> Value {
    match doc {
        Value::Object(_) => doc.clone(),
        other => {
            let mut m = Map::new();
            m.insert("doc".into(), other.clone());
            Value::Object(m)
        }
    }
}

fn with_error(mut entry: Map<String, Value>, p: &Problem) -> Value {
    entry.insert("error_cd".into(), Value::String(p.code.code().to_owned()));
    entry.insert("error_msg".into(), Value::String(p.message.clone()));
    Value::Object(entry)
}

impl Report {
    /// An entry `{"ctin", "inv"|"nt": [document], "error_cd", "error_msg"}`.
    pub(super) fn grouped(
        &mut self,
        section: &str,
        ctin: &Value,
        docs_key: &str,
        doc: &Value,
        p: &Problem,
    ) {
        let mut entry = Map::new();
        entry.insert("ctin".into(), ctin.clone());
        entry.insert(docs_key.into(), Value::Array(vec![as_object(doc)]));
        self.push(section, with_error(entry, p));
    }

    /// An entry `{"ctin", "error_cd", "error_msg"}` for a supplier without documents.
    pub(super) fn supplier(&mut self, section: &str, ctin: &Value, p: &Problem) {
        let mut entry = Map::new();
        entry.insert("ctin".into(), ctin.clone());
        self.push(section, with_error(entry, p));
    }

    /// An entry: the document's own fields plus `error_cd` and `error_msg`.
    pub(super) fn flat(&mut self, section: &str, doc: &Value, p: &Problem) {
        let entry = match as_object(doc) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        self.push(section, with_error(entry, p));
    }

    /// An entry with `error_cd` and `error_msg` only.
    pub(super) fn bare(&mut self, section: &str, p: &Problem) {
        self.push(section, with_error(Map::new(), p));
    }

    fn push(&mut self, section: &str, entry: Value) {
        self.entries
            .entry(section.to_owned())
            .or_default()
            .push(entry);
    }
}
