use super::scan::{string_end, MAX_DEPTH};
use super::*;

/// What the scan reports, with the text of each range.
fn found(text: &str) -> Option<Vec<String>> {
    let mut found = Vec::new();
    scan(text.as_bytes(), &mut |f| {
        found.push(match f {
            Found::Element(s, r) => format!("{s:?} {}", &text[r]),
            Found::Document(s, r) => format!("{s:?} document {}", &text[r]),
            Found::Supplier(Supplier {
                section,
                whole,
                documents,
                count,
            }) => format!(
                "{section:?} supplier {} with {count} in {}",
                &text[whole], &text[documents]
            ),
        });
        true
    })?;
    Some(found)
}

#[test]
fn finds_each_element() {
    let text = r#" { "gstin" : "x", "b2b" : [ {"a":"}\"{["} , {"b":[{}]} ] ,"cdn":[],"zz":{"b2b":[1]}, "impg":[{}]} "#;
    assert_eq!(
        found(text).unwrap(),
        [r#"B2b {"a":"}\"{["}"#, r#"B2b {"b":[{}]}"#, "Impg {}"]
    );
    let layout = scan(text.as_bytes(), &mut |_| true).unwrap();
    assert_eq!(&text[layout.gstin.unwrap()], r#""x""#);
    assert_eq!(&text[layout.unknown[0].clone()], r#"{"b2b":[1]}"#);
    assert_eq!(found("{}").unwrap(), Vec::<String>::new());
}

#[test]
fn reports_a_suppliers_documents_one_by_one() {
    let text = r#"{"cdna":[{"ctin":"x", "nt" : [ {"a":1} ,{"b":"]"}],"inv":[{}]}, {"nt":[]}],
        "isd":[{"doclist":[{}]}]}"#;
    assert_eq!(
        found(text).unwrap(),
        [
            r#"Cdna document {"a":1}"#,
            r#"Cdna document {"b":"]"}"#,
            r#"Cdna supplier {"ctin":"x", "nt" : [ {"a":1} ,{"b":"]"}],"inv":[{}]} with 2 in [ {"a":1} ,{"b":"]"}]"#,
            r#"Cdna supplier {"nt":[]} with 0 in []"#,
            r#"Isd {"doclist":[{}]}"#,
        ]
    );
}

#[test]
fn strings_end_at_their_closing_quote() {
    // Contents of every length around the 16-byte window, an escaped quote or backslash
    // anywhere, then the closing quote and more input (or none).
    for len in 0..40 {
        for escape in (0..len).map(Some).chain([None]) {
            for (e, tail) in [("\\\"", ",\"x\""), ("\\\\", ""), ("\\n", "]")] {
                let mut contents = "a".repeat(len);
                if let Some(at) = escape {
                    contents.insert_str(at, e);
                }
                let text = format!("{contents}\"{tail}");
                let end = string_end(text.as_bytes(), 0);
                assert_eq!(end, Some(contents.len() + 1), "{text}");
                let unterminated = string_end(contents.as_bytes(), 0);
                assert_eq!(unterminated, None, "{contents}");
            }
        }
    }
}

#[test]
fn gives_up_on_what_it_is_not_sure_of() {
    for text in [
        r#"{"b2b":[],"b2b":[]}"#,
        r#"{"b\u0032b":[]}"#,
        r#"{"b2b":null}"#,
        r#"{"b2b":[{},]}"#,
        r#"{"b2b":[{} {}]}"#,
        r#"{"b2b":[1]}"#,
        r#"{"b2b":[{}]"#,
        r#"{"b2b":[{}]} x"#,
        r#"{"b2b":[{"a":"}]}"#,
        r#"{"b2b":[{"inv":[],"inv":[]}]}"#,
        r#"{"b2b":[{"inv":null}]}"#,
        r#"{"b2b":[{"inv":[1]}]}"#,
        r#"{"b2b":[{"i\u006ev":[]}]}"#,
        r#"{"b2b":[{"inv":[] "x":1}]}"#,
        r#"{"gstin" "x"}"#,
        r#"{"gstin":}"#,
        r#"[]"#,
        "",
    ] {
        assert!(scan(text.as_bytes(), &mut |_| true).is_none(), "{text}");
    }
    let deep = format!(
        "{{\"x\":{}{}}}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    assert!(scan(deep.as_bytes(), &mut |_| true).is_none());
    // A sink that says stop stops the scan.
    assert!(scan(br#"{"b2b":[{}]}"#, &mut |_| false).is_none());
}

#[test]
fn the_sample_download_reads_in_parallel() {
    let bytes = include_bytes!("../../../../../examples/data/gstr2a.json");
    let serial: Gstr2a = crate::json::from_slice(bytes).unwrap();
    let pretty = crate::json::to_string_pretty(&serial).unwrap();
    for threads in 1..5 {
        assert_eq!(read(bytes, threads), Some(serial.clone()), "{threads}");
        assert_eq!(read(pretty.as_bytes(), threads), Some(serial.clone()));
        // Small runs: suppliers split across runs, documents decoded on any thread, put
        // back in order.
        for limit in [1, 50, 150, 400, 1000, 3000] {
            for _ in 0..5 {
                assert_eq!(read_in_runs(bytes, threads, limit), Some(serial.clone()));
                let pretty = read_in_runs(pretty.as_bytes(), threads, limit);
                assert_eq!(pretty, Some(serial.clone()), "{threads} {limit}");
            }
        }
    }
    // With runs of one byte every supplier with documents is split.
    let queue = Queue {
        state: Mutex::new(Pending::default()),
        ready: Condvar::new(),
        failed: AtomicBool::new(false),
    };
    let mut batcher = Batcher {
        queue: &queue,
        limit: 1,
        run: Vec::new(),
        size: 0,
        sent: 0,
        documents: Vec::new(),
        split: None,
        splits: Vec::new(),
        counts: [0; 7],
    };
    scan(bytes, &mut |f| batcher.found(f)).unwrap();
    assert_eq!(batcher.splits.len(), 6);
    assert_eq!(batcher.counts, [3, 1, 1, 1, 0, 0, 0]);

    // Something that does not decode, among runs on several threads, in a whole supplier
    // or in a split one's documents or fields: nothing comes back.
    let text = std::str::from_utf8(bytes).unwrap();
    let bad_document = text.replacen("\"idt\"", "\"idt\":1,\"x\"", 2);
    let bad_supplier = text.replacen("\"cfs\"", "\"cfs\":1,\"x\"", 1);
    let repeated_field = text.replacen("\"cfs\"", "\"ctin\":\"x\",\"cfs\"", 1);
    for broken in [bad_document, bad_supplier, repeated_field] {
        assert!(crate::json::from_str::<Gstr2a>(&broken).is_err());
        for limit in [1, 50, 150, 400, 1 << 20] {
            assert_eq!(read_in_runs(broken.as_bytes(), 3, limit), None, "{limit}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Runs of any size on any number of threads put the download back as it was, whichever
    /// suppliers are split and wherever the runs end.
    #[test]
    fn any_runs_give_the_same_download(
        copies in 1usize..4,
        drop_documents in proptest::collection::vec(proptest::prelude::any::<bool>(), 6),
        limit in 1usize..3000,
        threads in 1usize..4,
        pretty in proptest::prelude::any::<bool>(),
    ) {
        let sample: Gstr2a =
            crate::json::from_slice(include_bytes!("../../../../../examples/data/gstr2a.json"))
                .unwrap();
        let mut gstr2a = Gstr2a::default();
        for _ in 0..copies {
            let mut copy = sample.clone();
            // Some suppliers without documents, some with.
            for (i, drop) in drop_documents.iter().enumerate() {
                if *drop {
                    match i {
                        0..=2 => copy.b2b.get_mut(i).map(|s| s.invoices.clear()),
                        3 => copy.b2ba.get_mut(0).map(|s| s.invoices.clear()),
                        4 => copy.cdn.get_mut(0).map(|s| s.notes.clear()),
                        _ => copy.cdna.get_mut(0).map(|s| s.notes.clear()),
                    };
                }
            }
            gstr2a.append(copy);
        }
        let text = if pretty {
            crate::json::to_string_pretty(&gstr2a).unwrap()
        } else {
            crate::json::to_string(&gstr2a).unwrap()
        };
        proptest::prop_assert_eq!(read_in_runs(text.as_bytes(), threads, limit), Some(gstr2a));
    }
}

/// The 64 KiB that `json::gstr2a_from_slice_parallel`'s docs give: an input of at most that many
/// bytes fills one run, which the calling thread decodes alone; a larger one makes several.
#[test]
fn inputs_up_to_64_kib_make_one_run() {
    for threads in 1..=64 {
        assert!(
            run_bytes(64 * 1024, threads) >= 64 * 1024,
            "{threads} threads"
        );
    }
    assert!(run_bytes(64 * 1024 + 1, 2) < 64 * 1024 + 1);
}
