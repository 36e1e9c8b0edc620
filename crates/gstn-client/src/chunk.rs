//! Splitting a save payload into several `RETSAVE` calls, never splitting a document.
//!
//! GSTN limits the size of one save. [`split_payload`] cuts a [`Gstr2Payload`] into payloads whose
//! compact JSON is at most a given number of bytes, at document boundaries: a supplier whose
//! invoices do not fit in one chunk is repeated, with the rest of its invoices, in the next.
//! Tables and documents keep their order, so concatenating the chunks gives back the payload.

use std::io;

use gstr2_model::{Gstr2Payload, Table};
use serde::Serialize;

/// A payload that cannot be cut to the limit: one document alone is larger.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkError {
    /// A single document (with its supplier and the payload's header) exceeds the limit.
    #[error(
        "document {index} of table {table} needs {bytes} bytes of json, more than the chunk limit of {limit}"
    )]
    DocumentTooLarge {
        /// The table of the document.
        table: Table,
        /// The 0-based position of the document within its table.
        index: usize,
        /// The bytes a chunk holding only this document would need.
        bytes: usize,
        /// The configured limit.
        limit: usize,
    },
    /// The payload has top-level sections gstr2 does not model
    /// ([`Gstr2Payload::other_sections`]): saved without them it would reach GSTN as if it were
    /// whole, so it is not saved at all.
    #[error("the payload has section{} that gstr2 does not model ({}): not saved, as GSTN would get it without them", if sections.len() == 1 { "" } else { "s" }, sections.join(", "))]
    UnmodelledSections {
        /// The sections' JSON keys.
        sections: Vec<String>,
    },
    /// The model could not be written as JSON (not expected for the model's own types).
    #[error("json encode of table {table}")]
    Encode {
        /// The table being written.
        table: Table,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
}

/// Counts the bytes of a value's compact JSON without keeping them.
fn json_len<T: Serialize>(value: &T, table: Table) -> Result<usize, ChunkError> {
    struct Counter(usize);
    impl io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, value)
        .map_err(|source| ChunkError::Encode { table, source })?;
    Ok(counter.0)
}

/// Splits `payload` into payloads of at most `limit` bytes of compact JSON each.
///
/// - Documents are never split; a supplier (`ctin`) or `b2bur` group is repeated in each chunk
///   that holds some of its documents, with its other fields (`cfs`) copied.
/// - `nil_supplies`, `itc_rvsl` and `hsnsum` each count as one document.
/// - Order is kept: table by table in the payload's order, documents in their order.
/// - An empty payload gives no chunk.
/// - A payload with sections gstr2 does not model is refused
///   ([`ChunkError::UnmodelledSections`]): cut, it would reach GSTN without them.
///
/// Fails with [`ChunkError::DocumentTooLarge`] when one document cannot fit even alone.
///
/// ```
/// use gstr2_model::json;
/// use gstn_client::chunk::split_payload;
///
/// let payload = json::from_str(r#"{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[
///   {"ctin":"33GSPTN4811G1ZC","inv":[
///     {"inum":"1","idt":"01-07-2017","val":118,"pos":"27","rchrg":"N","itms":[]},
///     {"inum":"2","idt":"01-07-2017","val":118,"pos":"27","rchrg":"N","itms":[]}]}]}"#)?;
/// let whole = split_payload(&payload, 1 << 20)?;
/// assert_eq!(whole.len(), 1);
/// let cut = split_payload(&payload, 180)?;
/// assert_eq!(cut.len(), 2);
/// assert_eq!(cut[1].b2b[0].supplier_gstin.as_str(), "33GSPTN4811G1ZC");
/// assert_eq!(cut[1].b2b[0].invoices[0].number, "2");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn split_payload(
    payload: &Gstr2Payload,
    limit: usize,
) -> Result<Vec<Gstr2Payload>, ChunkError> {
    if !payload.other_sections.is_empty() {
        return Err(ChunkError::UnmodelledSections {
            sections: payload.other_sections.names().map(str::to_owned).collect(),
        });
    }
    let mut cutter = Cutter::new(payload, limit)?;

    cutter.grouped(
        Table::B2b,
        &payload.b2b,
        |g| &g.invoices,
        |g| &mut g.invoices,
        |p| &mut p.b2b,
    )?;
    cutter.grouped(
        Table::B2ba,
        &payload.b2ba,
        |g| &g.invoices,
        |g| &mut g.invoices,
        |p| &mut p.b2ba,
    )?;
    cutter.grouped(
        Table::B2bUnregistered,
        &payload.b2bur,
        |g| &g.invoices,
        |g| &mut g.invoices,
        |p| &mut p.b2bur,
    )?;
    cutter.flat(Table::ImpG, &payload.imp_g, |p| &mut p.imp_g)?;
    cutter.flat(Table::ImpGa, &payload.imp_ga, |p| &mut p.imp_ga)?;
    cutter.flat(Table::ImpS, &payload.imp_s, |p| &mut p.imp_s)?;
    cutter.flat(Table::ImpSa, &payload.imp_sa, |p| &mut p.imp_sa)?;
    cutter.grouped(
        Table::Cdn,
        &payload.cdn,
        |g| &g.notes,
        |g| &mut g.notes,
        |p| &mut p.cdn,
    )?;
    cutter.grouped(
        Table::Cdna,
        &payload.cdna,
        |g| &g.notes,
        |g| &mut g.notes,
        |p| &mut p.cdna,
    )?;
    cutter.flat(Table::CdnUnregistered, &payload.cdnur, |p| &mut p.cdnur)?;
    cutter.single(
        Table::NilSupplies,
        "nil_supplies",
        &payload.nil_supplies,
        |p| &mut p.nil_supplies,
    )?;
    cutter.single(Table::Itc, "itc_rvsl", &payload.itc_rvsl, |p| {
        &mut p.itc_rvsl
    })?;
    cutter.flat(Table::Txi, &payload.txi, |p| &mut p.txi)?;
    cutter.flat(Table::Txia, &payload.atxi, |p| &mut p.atxi)?;
    cutter.flat(Table::Txpd, &payload.txpd, |p| &mut p.txpd)?;
    // hsnsum is not one of the 15 tables; its errors name the closest, itc.
    cutter.single(Table::Itc, "hsnsum", &payload.hsnsum, |p| &mut p.hsnsum)?;

    Ok(cutter.finish())
}

/// The bytes `,"key":[]` adds to the payload's object for a table's first element.
fn key_len_cost(table: Table) -> usize {
    table.wire_key().len() + 6
}

/// The chunk being filled, with its exact JSON size kept up to date.
struct Cutter {
    limit: usize,
    header: Gstr2Payload,
    header_size: usize,
    chunks: Vec<Gstr2Payload>,
    current: Gstr2Payload,
    size: usize,
    documents: usize,
}

impl Cutter {
    fn new(payload: &Gstr2Payload, limit: usize) -> Result<Self, ChunkError> {
        let header = Gstr2Payload::new(payload.gstin, payload.fp);
        let header_size = json_len(&header, Table::B2b)?;
        Ok(Cutter {
            limit,
            current: header.clone(),
            header,
            header_size,
            chunks: Vec::new(),
            size: header_size,
            documents: 0,
        })
    }

    /// Closes the current chunk and opens an empty one.
    fn flush(&mut self) {
        let full = std::mem::replace(&mut self.current, self.header.clone());
        self.chunks.push(full);
        self.size = self.header_size;
        self.documents = 0;
    }

    fn finish(mut self) -> Vec<Gstr2Payload> {
        if self.documents > 0 {
            self.flush();
        }
        self.chunks
    }

    /// Makes room for a document costing `here` bytes in the current chunk, or `fresh` bytes in
    /// a new one; returns whether a new chunk was opened.
    fn reserve(
        &mut self,
        table: Table,
        index: usize,
        here: usize,
        fresh: usize,
    ) -> Result<bool, ChunkError> {
        if self.size + here <= self.limit {
            return Ok(false);
        }
        if self.header_size + fresh > self.limit || self.documents == 0 {
            return Err(ChunkError::DocumentTooLarge {
                table,
                index,
                bytes: self.header_size + fresh,
                limit: self.limit,
            });
        }
        self.flush();
        Ok(true)
    }

    /// A table of suppliers (or groups), each with its documents.
    fn grouped<G, D>(
        &mut self,
        table: Table,
        groups: &[G],
        docs: impl Fn(&G) -> &Vec<D>,
        docs_mut: impl Fn(&mut G) -> &mut Vec<D>,
        section: impl Fn(&mut Gstr2Payload) -> &mut Vec<G>,
    ) -> Result<(), ChunkError>
    where
        G: Serialize + Clone,
        D: Serialize + Clone,
    {
        let section_open = key_len_cost(table);
        // Groups of this table in the current chunk, and documents in its last group.
        let mut groups_here = 0usize;
        let mut index = 0;
        for group in groups {
            let mut empty = group.clone();
            docs_mut(&mut empty).clear();
            let group_size = json_len(&empty, table)?;
            // Documents of this group in the current chunk (0: the group is not open there).
            let mut docs_here = 0usize;
            for doc in docs(group) {
                let doc_size = json_len(doc, table)?;
                let fresh = section_open + group_size + doc_size;
                let here = match (groups_here, docs_here) {
                    (0, _) => fresh,
                    (_, 0) => group_size + 1 + doc_size,
                    (_, _) => doc_size + 1,
                };
                let (added, opened) = if self.reserve(table, index, here, fresh)? {
                    groups_here = 0;
                    docs_here = 0;
                    (fresh, true)
                } else {
                    (here, docs_here == 0)
                };
                let list = section(&mut self.current);
                if opened {
                    list.push(empty.clone());
                    groups_here += 1;
                }
                if let Some(last) = list.last_mut() {
                    docs_mut(last).push(doc.clone());
                }
                docs_here += 1;
                self.size += added;
                self.documents += 1;
                index += 1;
            }
        }
        Ok(())
    }

    /// A table whose elements are the documents.
    fn flat<D: Serialize + Clone>(
        &mut self,
        table: Table,
        docs: &[D],
        section: impl Fn(&mut Gstr2Payload) -> &mut Vec<D>,
    ) -> Result<(), ChunkError> {
        let section_open = key_len_cost(table);
        let mut docs_here = 0usize;
        for (index, doc) in docs.iter().enumerate() {
            let doc_size = json_len(doc, table)?;
            let fresh = section_open + doc_size;
            let here = if docs_here == 0 { fresh } else { doc_size + 1 };
            let added = if self.reserve(table, index, here, fresh)? {
                docs_here = 0;
                fresh
            } else {
                here
            };
            section(&mut self.current).push(doc.clone());
            docs_here += 1;
            self.size += added;
            self.documents += 1;
        }
        Ok(())
    }

    /// A section that is one object (`nil_supplies`, `itc_rvsl`, `hsnsum`).
    fn single<T: Serialize + Clone>(
        &mut self,
        table: Table,
        key: &str,
        value: &Option<T>,
        slot: impl Fn(&mut Gstr2Payload) -> &mut Option<T>,
    ) -> Result<(), ChunkError> {
        let Some(value) = value else {
            return Ok(());
        };
        // `,"key":` then the value.
        let added = key.len() + 4 + json_len(value, table)?;
        self.reserve(table, 0, added, added)?;
        *slot(&mut self.current) = Some(value.clone());
        self.size += added;
        self.documents += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gstr2_model::json;

    /// A payload with `n` b2b invoices spread over a few suppliers, notes, imports and singletons.
    pub(crate) fn sample(n: usize) -> Gstr2Payload {
        sample_from(n, 3)
    }

    /// `n` invoices over the first `k` (1 to 3) suppliers.
    fn sample_from(n: usize, k: usize) -> Gstr2Payload {
        let all = ["33GSPTN4811G1ZC", "33GSPTN3741G1Z9", "01AAAAP1208Q1ZS"];
        let suppliers = &all[..k.clamp(1, 3)];
        let mut b2b = Vec::new();
        for (s, ctin) in suppliers.iter().enumerate() {
            let invs: Vec<String> = (0..n)
                .filter(|i| i % suppliers.len() == s)
                .map(|i| {
                    let items: Vec<String> = (0..=(i % 4))
                        .map(|k| {
                            format!(
                                r#"{{"num":{},"itm_det":{{"rt":18,"txval":{}.50,"iamt":{}.09}},"itc":{{"elg":"ip","tx_i":1}}}}"#,
                                k + 1,
                                100 + i,
                                18 + i
                            )
                        })
                        .collect();
                    format!(
                        r#"{{"inum":"INV-{i}","idt":"01-07-2017","val":{}.59,"pos":"27","rchrg":"N","itms":[{}]}}"#,
                        118 + i,
                        items.join(",")
                    )
                })
                .collect();
            b2b.push(format!(
                r#"{{"ctin":"{ctin}","cfs":"Y","inv":[{}]}}"#,
                invs.join(",")
            ));
        }
        let text = format!(
            r#"{{"gstin":"27AAPFU0939F1ZV","fp":"072017","b2b":[{}],
              "cdn":[{{"ctin":"33GSPTN4811G1ZC","nt":[
                {{"ntty":"C","nt_num":"N1","nt_dt":"02-07-2017","val":10,"itms":[]}},
                {{"ntty":"D","nt_num":"N2","nt_dt":"03-07-2017","val":20,"itms":[]}}]}}],
              "txi":[{{"pos":"05","sply_ty":"INTER","itms":[{{"num":1,"rt":5,"adamt":100,"iamt":5,"csamt":0}}]}}],
              "nil_supplies":{{"inter":{{"cpddr":0,"exptdsply":1,"ngsply":2,"nilsply":0}}}}}}"#,
            b2b.join(",")
        );
        json::from_str(&text).expect("sample payload")
    }

    /// Every document of a payload as a (table, group key, JSON) list, in order.
    fn documents(p: &Gstr2Payload) -> Vec<(Table, String, String)> {
        let mut out = Vec::new();
        for s in &p.b2b {
            for d in &s.invoices {
                out.push((
                    Table::B2b,
                    s.supplier_gstin.to_string(),
                    json::to_string(d).unwrap(),
                ));
            }
        }
        for s in &p.cdn {
            for d in &s.notes {
                out.push((
                    Table::Cdn,
                    s.supplier_gstin.to_string(),
                    json::to_string(d).unwrap(),
                ));
            }
        }
        if let Some(n) = &p.nil_supplies {
            out.push((
                Table::NilSupplies,
                String::new(),
                json::to_string(n).unwrap(),
            ));
        }
        for d in &p.txi {
            out.push((Table::Txi, String::new(), json::to_string(d).unwrap()));
        }
        out
    }

    fn check(payload: &Gstr2Payload, limit: usize) -> Vec<Gstr2Payload> {
        let chunks = split_payload(payload, limit).unwrap();
        let mut joined = Vec::new();
        for c in &chunks {
            let len = json::to_string(c).unwrap().len();
            assert!(len <= limit, "chunk of {len} bytes over {limit}");
            assert!(!c.is_empty());
            joined.extend(documents(c));
        }
        let want = documents(payload);
        assert!(
            joined == want,
            "documents lost, duplicated or reordered at limit {limit}"
        );
        chunks
    }

    #[test]
    fn a_small_payload_is_one_chunk_equal_to_itself() {
        let p = sample(10);
        let chunks = check(&p, 1 << 20);
        assert_eq!(chunks, vec![p]);
    }

    #[test]
    fn sizes_are_tracked_exactly() {
        let p = sample(40);
        let full = json::to_string(&p).unwrap().len();
        // At exactly the full size it is one chunk; one byte less forces a cut.
        assert_eq!(check(&p, full).len(), 1);
        assert_eq!(check(&p, full - 1).len(), 2);
    }

    #[test]
    fn cuts_at_every_limit_keep_every_document_once() {
        let p = sample(60);
        for limit in [700, 900, 1500, 2500, 5000, 20_000] {
            let chunks = check(&p, limit);
            assert!(chunks.len() > 1 || limit == 20_000, "limit {limit}");
        }
    }

    #[test]
    fn a_supplier_spread_over_chunks_is_repeated_with_its_fields() {
        let p = sample(30);
        let chunks = check(&p, 1200);
        let first = &chunks[0].b2b[0];
        let again = chunks
            .iter()
            .skip(1)
            .flat_map(|c| &c.b2b)
            .find(|s| s.supplier_gstin == first.supplier_gstin)
            .expect("supplier repeated");
        assert_eq!(again.filing_status, first.filing_status);
    }

    #[test]
    fn a_document_larger_than_the_limit_is_an_error_naming_it() {
        let p = sample(5);
        let err = split_payload(&p, 200).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("document 0 of table b2b"), "{msg}");
        assert!(matches!(
            err,
            ChunkError::DocumentTooLarge { limit: 200, .. }
        ));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

        /// For any payload and any limit that fits its largest document: every chunk within the
        /// limit, every document once, in order.
        #[test]
        fn chunks_respect_the_limit_and_keep_every_document(
            n in 0usize..80,
            k in 1usize..4,
            limit in 700usize..12_000,
        ) {
            let p = sample_from(n, k);
            check(&p, limit);
        }
    }

    #[test]
    fn an_empty_payload_gives_no_chunk() {
        let p = Gstr2Payload::new(
            "27AAPFU0939F1ZV".parse().unwrap(),
            "072017".parse().unwrap(),
        );
        assert!(split_payload(&p, 100).unwrap().is_empty());
    }
}
