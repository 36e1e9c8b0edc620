//! Tests of merging the parts of a download: a supplier GSTN split over two parts (the files of
//! a paged GSTR-2B, of a GSTR2A large-file answer) comes back as one entry, where it first
//! appears, with its documents in the order of the parts; entries that say something else of
//! the supplier (another month of a quarterly 2B) stay apart; property tests that any 2B or 2A
//! split within its suppliers merges back to itself.

use proptest::prelude::*;

use gstr2_model::gstr2b::Gstr2b;
use gstr2_model::{json, Gstin, Gstr2a};

fn numbers<'a>(documents: impl Iterator<Item = &'a String>) -> Vec<&'a str> {
    documents.map(String::as_str).collect()
}

#[test]
fn a_2b_supplier_split_over_two_parts_is_one_entry() {
    let head = Gstr2b::from_json(br#"{"rtnprd":"042024","fc":2}"#).expect("reads");
    let part1 = Gstr2b::from_json(
        br#"{"rtnprd":"042024","file_num":1,"docdata":{
          "b2b":[{"ctin":"33GSPTN4811G1ZC","trdnm":"Sundaram","supprd":"042024",
            "inv":[{"inum":"S1","dt":"02-04-2024","val":1},{"inum":"S2","dt":"03-04-2024","val":1}]}],
          "cdnr":[{"ctin":"33GSPTN4811G1ZC","nt":[{"ntnum":"C1","typ":"C","dt":"04-04-2024","val":1}]}]},
        "docRejdata":{"b2b":[{"ctin":"33GSPTN4811G1ZC",
            "inv":[{"inum":"R1","dt":"05-04-2024","val":1}]}]}}"#,
    )
    .expect("reads");
    let part2 = Gstr2b::from_json(
        br#"{"rtnprd":"042024","file_num":"2","docdata":{
          "b2b":[{"ctin":"33GSPTN4811G1ZC","trdnm":"Sundaram","supprd":"042024",
            "inv":[{"inum":"S3","dt":"06-04-2024","val":1}]},
            {"ctin":"27AAPFU0939F1ZV","inv":[{"inum":"T1","dt":"07-04-2024","val":1}]}],
          "cdnr":[{"ctin":"27AAPFU0939F1ZV","nt":[{"ntnum":"C2","typ":"D","dt":"08-04-2024","val":1}]},
            {"ctin":"33GSPTN4811G1ZC","nt":[{"ntnum":"C3","typ":"C","dt":"09-04-2024","val":1}]}]},
        "docRejdata":{"b2b":[{"ctin":"33GSPTN4811G1ZC",
            "inv":[{"inum":"R2","dt":"10-04-2024","val":1}]}]}}"#,
    )
    .expect("reads");

    // In either order of the parts: they are put in file_num order first.
    for parts in [
        [part1.clone(), part2.clone()],
        [part2.clone(), part1.clone()],
    ] {
        let whole = head.clone().merge_parts(parts);
        let b2b = &whole.documents.b2b;
        let suppliers: Vec<&str> = b2b.iter().map(|s| s.supplier_gstin.as_str()).collect();
        assert_eq!(
            suppliers,
            ["33GSPTN4811G1ZC", "27AAPFU0939F1ZV"],
            "first-seen order"
        );
        assert_eq!(
            numbers(b2b[0].invoices.iter().map(|i| &i.number)),
            ["S1", "S2", "S3"]
        );
        assert_eq!(b2b[0].trade_name.as_deref(), Some("Sundaram"));
        let cdnr = &whole.documents.cdnr;
        let suppliers: Vec<&str> = cdnr.iter().map(|s| s.supplier_gstin.as_str()).collect();
        assert_eq!(suppliers, ["33GSPTN4811G1ZC", "27AAPFU0939F1ZV"]);
        assert_eq!(
            numbers(cdnr[0].notes.iter().map(|n| &n.number)),
            ["C1", "C3"]
        );
        let rejected = &whole.rejected.b2b;
        assert_eq!(rejected.len(), 1);
        assert_eq!(
            numbers(rejected[0].invoices.iter().map(|i| &i.number)),
            ["R1", "R2"]
        );
        assert_eq!(whole.documents.document_count(), 7);
    }

    // Part by part, the same.
    let mut merged = head.clone();
    merged.merge(part1.clone());
    merged.merge(part2.clone());
    let whole = head.merge_parts([part1, part2]);
    assert_eq!(merged.documents, whole.documents);
    assert_eq!(merged.rejected, whole.rejected);
}

#[test]
fn entries_of_a_supplier_that_differ_in_more_than_documents_stay_apart() {
    // A quarterly GSTR-2B lists a supplier once per month of the quarter; paged, two months'
    // entries may fall in one part. Each keeps its period and filing date.
    let head = Gstr2b::from_json(br#"{"rtnprd":"062024","fc":2}"#).expect("reads");
    let part = |n: u32, months: &[(&str, &str, &str)]| {
        let entries: Vec<String> = months
            .iter()
            .map(|(period, filed, number)| {
                format!(
                    r#"{{"ctin":"33GSPTN4811G1ZC","supprd":"{period}","supfildt":"{filed}",
                    "inv":[{{"inum":"{number}","dt":"02-04-2024","val":1}}]}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"rtnprd":"062024","file_num":{n},"docdata":{{"b2b":[{}]}}}}"#,
            entries.join(",")
        );
        Gstr2b::from_json(text.as_bytes()).expect("reads")
    };
    let whole = head.merge_parts([
        part(
            1,
            &[
                ("042024", "11-05-2024", "A1"),
                ("052024", "11-06-2024", "M1"),
            ],
        ),
        part(
            2,
            &[
                ("052024", "11-06-2024", "M2"),
                ("062024", "11-07-2024", "J1"),
            ],
        ),
    ]);
    let months: Vec<(Option<&str>, Option<&str>, Vec<&str>)> = whole
        .documents
        .b2b
        .iter()
        .map(|s| {
            (
                s.supplier_period.as_deref(),
                s.supplier_filed_on.as_deref(),
                numbers(s.invoices.iter().map(|i| &i.number)),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            (Some("042024"), Some("11-05-2024"), vec!["A1"]),
            (Some("052024"), Some("11-06-2024"), vec!["M1", "M2"]),
            (Some("062024"), Some("11-07-2024"), vec!["J1"]),
        ]
    );
}

#[test]
fn a_2a_supplier_split_over_two_files_is_one_entry() {
    let file = |text: &str| json::from_str::<Gstr2a>(text).expect("reads");
    let first = file(
        r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","fldtr1":"11-May-24",
          "inv":[{"inum":"S1","idt":"02-04-2024","val":1,"itms":[]},
                 {"inum":"S2","idt":"03-04-2024","val":1,"itms":[]}]}],
        "cdn":[{"ctin":"33GSPTN4811G1ZC",
          "nt":[{"ntty":"C","nt_num":"C1","nt_dt":"04-04-2024","val":1,"itms":[]}]}]}"#,
    );
    let second = file(
        r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"Y","fldtr1":"11-May-24",
          "inv":[{"inum":"S3","idt":"06-04-2024","val":1,"itms":[]}]},
          {"ctin":"27AAPFU0939F1ZV","inv":[{"inum":"T1","idt":"07-04-2024","val":1,"itms":[]}]}],
        "cdn":[{"ctin":"27AAPFU0939F1ZV",
          "nt":[{"ntty":"D","nt_num":"C2","nt_dt":"08-04-2024","val":1,"itms":[]}]},
          {"ctin":"33GSPTN4811G1ZC",
          "nt":[{"ntty":"C","nt_num":"C3","nt_dt":"09-04-2024","val":1,"itms":[]}]}]}"#,
    );
    let mut download = Gstr2a::default();
    download.merge(first);
    download.merge(second);

    let suppliers: Vec<&str> = download
        .b2b
        .iter()
        .map(|s| s.supplier_gstin.as_str())
        .collect();
    assert_eq!(
        suppliers,
        ["33GSPTN4811G1ZC", "27AAPFU0939F1ZV"],
        "first-seen order"
    );
    let supplier = &download.b2b[0];
    assert_eq!(
        numbers(supplier.invoices.iter().map(|i| &i.number)),
        ["S1", "S2", "S3"]
    );
    assert_eq!(
        (
            supplier.filing_status.as_ref().map(|s| s.as_str()),
            supplier.gstr1_filed_on.as_deref()
        ),
        (Some("Y"), Some("11-May-24"))
    );
    let suppliers: Vec<&str> = download
        .cdn
        .iter()
        .map(|s| s.supplier_gstin.as_str())
        .collect();
    assert_eq!(suppliers, ["33GSPTN4811G1ZC", "27AAPFU0939F1ZV"]);
    assert_eq!(
        numbers(download.cdn[0].notes.iter().map(|n| &n.number)),
        ["C1", "C3"]
    );
    assert_eq!(download.document_count(), 7);

    // A later file's entry that says something else of the supplier is kept as it came.
    download.merge(file(
        r#"{"b2b":[{"ctin":"33GSPTN4811G1ZC","cfs":"N",
          "inv":[{"inum":"S4","idt":"10-04-2024","val":1,"itms":[]}]}]}"#,
    ));
    assert_eq!(download.b2b.len(), 3);
    assert_eq!(
        download.b2b[2].filing_status.as_ref().map(|s| s.as_str()),
        Some("N")
    );
    assert_eq!(download.document_count(), 8);
}

/// Every supplier in both halves: its documents before `at` (modulo their number, plus one) in
/// the first, the others in the second; its other fields in both.
fn halves<S: Clone, D>(
    suppliers: &[S],
    documents: fn(&mut S) -> &mut Vec<D>,
    at: usize,
) -> (Vec<S>, Vec<S>) {
    let mut first = suppliers.to_vec();
    let mut second = suppliers.to_vec();
    for (a, b) in first.iter_mut().zip(&mut second) {
        let all = documents(a);
        let cut = at % (all.len() + 1);
        *documents(b) = all.split_off(cut);
    }
    (first, second)
}

/// A list cut in two at `at` (modulo its length, plus one): for the sections without suppliers.
fn cut<T: Clone>(list: &[T], at: usize) -> (Vec<T>, Vec<T>) {
    let at = at % (list.len() + 1);
    (list[..at].to_vec(), list[at..].to_vec())
}

/// Whether no supplier is listed twice.
fn once_each<S>(suppliers: &[S], gstin: fn(&S) -> Gstin) -> bool {
    let mut seen: Vec<Gstin> = suppliers.iter().map(gstin).collect();
    seen.sort();
    seen.windows(2).all(|w| w[0] != w[1])
}

/// Every section of two halves of a download (`$whole`) into `$a` and `$b`: those with
/// suppliers split within each supplier ([`halves`]), the others cut ([`cut`]); and whether
/// each section with suppliers lists each once.
macro_rules! split_sections {
    ($whole:expr, $a:ident, $b:ident, $at:expr,
     suppliers { $($s:ident: $docs:ident,)* } others { $($o:ident,)* }) => {{
        $(($a.$s, $b.$s) = halves(&$whole.$s, |s| &mut s.$docs, $at);)*
        $(($a.$o, $b.$o) = cut(&$whole.$o, $at);)*
        true $(&& once_each(&$whole.$s, |s| s.supplier_gstin))*
    }};
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A 2B whose every supplier GSTN split over two parts merges back to itself.
    #[test]
    fn a_2b_split_within_its_suppliers_merges_back(
        original in super::gstr2b::gstr2b(),
        at in 0usize..4,
    ) {
        let original = Gstr2b { file_count: None, file_number: None, ..original };
        let (mut first, mut second) = (Gstr2b::default(), Gstr2b::default());
        first.file_number = Some(1);
        second.file_number = Some(2);
        let mut once = true;
        for (whole, a, b) in [
            (&original.documents, &mut first.documents, &mut second.documents),
            (&original.rejected, &mut first.rejected, &mut second.rejected),
        ] {
            once &= split_sections!(whole, a, b, at,
                suppliers {
                    b2b: invoices, b2ba: invoices, cdnr: notes, cdnra: notes,
                    isd: documents, isda: documents, impgsez: bills,
                    ecom: invoices, ecoma: invoices,
                }
                others { impg, });
        }
        prop_assume!(once, "a supplier listed twice in the original is joined");
        let head = Gstr2b {
            file_count: Some(2),
            documents: Default::default(),
            rejected: Default::default(),
            ..original.clone()
        };
        prop_assert_eq!(head.merge_parts([second, first]), original);
    }

    /// A 2A whose every supplier GSTN split over two files merges back to itself.
    #[test]
    fn a_2a_split_within_its_suppliers_merges_back(
        original in super::json_parallel::gstr2a(),
        at in 0usize..4,
    ) {
        let mut first = Gstr2a { gstin: original.gstin, fp: original.fp, ..Gstr2a::default() };
        let mut second = Gstr2a::default();
        let once = split_sections!(original, first, second, at,
            suppliers { b2b: invoices, b2ba: invoices, cdn: notes, cdna: notes, }
            others { isd, impg, impgsez, });
        prop_assume!(once, "a supplier listed twice in the original is joined");
        first.merge(second);
        prop_assert_eq!(first, original);
    }
}
