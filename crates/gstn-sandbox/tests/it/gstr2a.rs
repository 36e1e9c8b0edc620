//! GSTR2A: direct answers, the large-file flow, the seed folder.

use std::io::Read as _;
use std::time::Duration;

use gstn_proto::headers::paths;
use gstn_proto::{crypto, FileDetails, FileKey, LargeFileToken};
use gstr2_model::gstr2a::Gstr2a;
use serde_json::{json, Value};

use crate::support::*;

#[tokio::test]
async fn small_sections_come_back_directly() {
    let sb = sandbox(config()).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    let held = sb.gstr2a(receiver(), period()).unwrap();
    for (action, key, expected) in [
        ("B2B", "b2b", serde_json::to_value(&held.b2b).unwrap()),
        ("B2BA", "b2ba", serde_json::to_value(&held.b2ba).unwrap()),
        ("CDN", "cdn", serde_json::to_value(&held.cdn).unwrap()),
        ("CDNA", "cdna", serde_json::to_value(&held.cdna).unwrap()),
    ] {
        let got = c.get(paths::GSTR2A, &[("action", action)]).await.ok();
        assert_eq!(got[key], expected, "{action}");
        assert!(
            !expected.as_array().unwrap().is_empty(),
            "{action} generated"
        );
    }
    let ctin = held.b2b[1].supplier_gstin;
    let one = c
        .get(paths::GSTR2A, &[("action", "B2B"), ("ctin", ctin.as_str())])
        .await
        .ok();
    assert_eq!(
        one["b2b"],
        json!([serde_json::to_value(&held.b2b[1]).unwrap()])
    );
    // Some suppliers have not filed (cfs N), and every document has a 64-hex chksum.
    assert!(held
        .b2b
        .iter()
        .any(|s| s.filing_status.as_ref().is_some_and(|f| !f.is_yes())));
    assert!(held
        .b2b
        .iter()
        .flat_map(|s| &s.invoices)
        .all(|i| i.checksum.as_ref().is_some_and(|c| c.len() == 64)));
    assert_eq!(
        c.get(paths::GSTR2A, &[("action", "ISDX")]).await.code(),
        "RET11403"
    );
    sb.shutdown().await;
}

async fn download(c: &Client, url: &str) -> Vec<u8> {
    c.http
        .get(url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

#[tokio::test]
async fn large_sections_use_tokens_and_encrypted_files() {
    let mut cfg = config().with_large_files(20, 15, Duration::from_millis(300));
    cfg.gstr2a_documents = 48;
    let sb = sandbox(cfg).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    let held = sb.gstr2a(receiver(), period()).unwrap();
    let got = c.get(paths::GSTR2A, &[("action", "B2B")]).await.ok();
    let token: LargeFileToken = serde_json::from_value(got).unwrap();
    assert_eq!(token.est_minutes, 1);
    // Queued: RTN_24.
    let (status, e) = c
        .get(
            paths::RETURNS,
            &[("action", "FILEDET"), ("token", &token.token)],
        )
        .await
        .err();
    assert_eq!(e.error_code.code(), "RTN_24");
    assert!(e.error_code.is_queued());
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(350)).await;
    let details = c
        .get(
            paths::RETURNS,
            &[("action", "FILEDET"), ("token", &token.token)],
        )
        .await
        .ok();
    let details: FileDetails = serde_json::from_value(details).unwrap();
    assert_eq!(details.file_count, 4, "48 documents, 15 per file");
    assert_eq!(details.urls.len(), 4);
    let key = FileKey::from_base64(&details.ek).unwrap();
    let mut merged = Gstr2a::default();
    let mut counted = 0;
    for u in &details.urls {
        let bytes = download(&c, &u.url).await;
        assert_eq!(crypto::sha256_hex(&bytes), u.hash);
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        let mut entries = archive.entries().unwrap();
        let mut entry = entries.next().unwrap().unwrap();
        assert!(entry.path().unwrap().to_string_lossy().ends_with(".json"));
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        assert!(entries.next().is_none(), "one json per archive");
        let json = crypto::decrypt_file_content(&key, &content).unwrap();
        let part: Gstr2a = gstr2_model::json::from_slice(&json).unwrap();
        counted += part.document_count();
        assert_eq!(part.document_count() as u64, u.invoice_count);
        merged.merge(part);
    }
    assert_eq!(counted, 48);
    let docs = |g: &Gstr2a| {
        let mut v: Vec<(String, String)> = g
            .b2b
            .iter()
            .flat_map(|s| {
                s.invoices
                    .iter()
                    .map(move |i| (s.supplier_gstin.to_string(), i.number.clone()))
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(docs(&merged), docs(&held));
    // A changed byte fails the hash; an unknown token is refused.
    let mut bytes = download(&c, &details.urls[0].url).await;
    bytes[10] ^= 1;
    assert_ne!(crypto::sha256_hex(&bytes), details.urls[0].hash);
    assert_eq!(
        c.get(paths::RETURNS, &[("action", "FILEDET"), ("token", "nope")])
            .await
            .code(),
        "RET11405"
    );
    // Below the threshold (one supplier), the answer is direct.
    let ctin = held.b2b[0].supplier_gstin;
    let one = c
        .get(paths::GSTR2A, &[("action", "B2B"), ("ctin", ctin.as_str())])
        .await
        .ok();
    assert!(one.get("b2b").is_some());
    sb.shutdown().await;
}

#[tokio::test]
async fn seeded_files_and_seed_calls_replace_generation() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(receiver().as_str()).join("072017");
    std::fs::create_dir_all(&folder).unwrap();
    let seeded = json!({"b2b": [{"ctin": supplier_tn(), "cfs": "N", "inv": [
        {"inum": "SEED-1", "idt": "02-07-2017", "val": 1180, "pos": "27", "rchrg": "N",
         "itms": [{"num": 1, "itm_det": {"rt": 18, "txval": 1000, "iamt": 180}}]}]}]});
    std::fs::write(folder.join("gstr2a.json"), seeded.to_string()).unwrap();
    let sb = sandbox(config().with_seed_dir(dir.path())).await;
    let mut c = Client::new(&sb, receiver()).await;
    c.login().await;
    let got = c.get(paths::GSTR2A, &[("action", "B2B")]).await.ok();
    let inv = &got["b2b"][0]["inv"][0];
    assert_eq!(inv["inum"], "SEED-1");
    // The chksum is the SHA-256 of the document without it.
    let mut bare = inv.clone();
    bare.as_object_mut().unwrap().remove("chksum");
    let doc: gstr2_model::gstr2a::Gstr2aInvoice = serde_json::from_value(bare).unwrap();
    assert_eq!(inv["chksum"], gstn_sandbox::gstr2a::document_checksum(&doc));
    assert_eq!(got["b2b"][0]["cfs"], "N");
    // Accepting it with that chksum works.
    let mut accept = inv.clone();
    accept["flag"] = json!("A");
    let (_, _, last) = c
        .save_and_wait(&payload(
            receiver(),
            json!({"b2b": [{"ctin": supplier_tn(), "inv": [accept]}]}),
        ))
        .await;
    assert_eq!(last["status_cd"], "P", "{last}");
    // Another GSTIN falls back to generation; seeding through the handle replaces it.
    let other = gstin(29, 7);
    sb.seed_gstr2a(other, period(), Gstr2a::default());
    assert_eq!(sb.gstr2a(other, period()).unwrap().document_count(), 0);
    let mut c2 = Client::new(&sb, other).await;
    c2.login().await;
    assert_eq!(
        c2.get(paths::GSTR2A, &[("action", "CDN")]).await.ok()["cdn"],
        Value::Array(vec![])
    );
    sb.shutdown().await;
}
