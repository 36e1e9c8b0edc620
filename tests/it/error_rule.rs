//! The workspace's errors print each cause once: a variant caused by another error says what it
//! was doing and leaves the cause to `source()` (`gstr2::model::ErrorChain`'s rule).

use std::path::PathBuf;

use gstn_client::{Error, SessionError, TokenStore as _};
use gstr2::model::amount::AmountOverflow;
use gstr2::model::{csv, json, ErrorChain, Gstr2a};
use gstr2::recon::ReconcileError;

use crate::flow::FlowError;

/// Every link of `error`'s chain: no message repeats the message of its cause, and the chain
/// holds each message once, in order.
fn assert_each_cause_printed_once(error: &(dyn std::error::Error + 'static), links: usize) {
    let mut chain = vec![error];
    let mut next = error.source();
    while let Some(cause) = next {
        chain.push(cause);
        next = cause.source();
    }
    assert_eq!(chain.len(), links, "{}", ErrorChain(error));
    for pair in chain.windows(2) {
        let (outer, cause) = (pair[0].to_string(), pair[1].to_string());
        assert!(
            !outer.contains(&cause),
            "{outer:?} repeats its cause {cause:?}"
        );
    }
    let messages: Vec<String> = chain.iter().map(|e| e.to_string()).collect();
    assert_eq!(ErrorChain(error).to_string(), messages.join(": "));
}

#[test]
fn a_csv_cell_error_names_the_cell_and_leaves_the_reason_to_its_source() {
    let text = "ctin,inum,idt,val,pos,rchrg,inv_typ,num,rt,txval,iamt,camt,samt,csamt,elg\n\
                27AAACR5055K1Z7,S1,31-02-2017,118,27,N,R,1,18,100,0,9,9,0,ip\n";
    let error = csv::read_b2b(text.as_bytes()).unwrap_err();
    assert_each_cause_printed_once(&error, 2);
    let register = FlowError::Register {
        dir: PathBuf::from("books"),
        source: error.into(),
    };
    assert_each_cause_printed_once(&register, 2);
    assert!(ErrorChain(&register)
        .to_string()
        .starts_with("purchase register books: b2b.csv line 2, column idt: \"31-02-2017\""));
}

#[test]
fn client_errors_leave_their_causes_to_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the token file's folder should be: opening fails with the system's error.
    let not_a_folder = dir.path().join("file");
    std::fs::write(&not_a_folder, "").unwrap();
    let store = gstn_client::FileTokenStore::new(not_a_folder.join("token.json"));
    let error = Error::from(store.load().unwrap_err());
    assert_each_cause_printed_once(&error, 3);
    let error = Error::from(SessionError::ReloginRequired {
        reason: "AUTH4038".into(),
    });
    assert_each_cause_printed_once(&error, 2);
    let decode = gstn_proto::decode_body::<gstn_proto::AuthTokenResponse>(
        "AUTHTOKEN answer",
        br#"{"status_cd":"1","auth_token":"t","expiry":"soon","sek":"x"}"#,
    )
    .unwrap_err();
    assert_each_cause_printed_once(&decode, 2);
}

#[test]
fn recon_and_model_errors_leave_their_causes_to_the_chain() {
    let overflow = ReconcileError::Register(AmountOverflow::new("its tax", "b2b", Some("R-1")));
    assert_each_cause_printed_once(&overflow, 2);
    let flow = FlowError::Amounts(Box::new(overflow));
    assert_each_cause_printed_once(&flow, 3);
    let json = json::from_str::<Gstr2a>(r#"{"gstin":5}"#).unwrap_err();
    assert_each_cause_printed_once(&json, 1);
    let flow = FlowError::Decisions {
        path: PathBuf::from("decisions.json"),
        source: Box::new(json),
    };
    assert_each_cause_printed_once(&flow, 2);
}
