//! Shared helpers: a sandbox, a client builder pointed at it, payload generators, comparisons.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use gstn_client::{GstnClient, GstnClientBuilder, PollPolicy, ProgressEvent, RetryPolicy};
use gstn_proto::Otp;
use gstn_sandbox::config::{DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_OTP};
use gstn_sandbox::{spawn, SandboxConfig, SandboxHandle};
use gstr2_model::gstin::check_character;
use gstr2_model::{json, Gstin, Gstr2Payload, ReturnPeriod};

pub(crate) const GSTIN: &str = "27AAPFU0939F1ZV";
pub(crate) const PAN: &str = "AAPFU0939F";
pub(crate) const USER: &str = "asp_user";
pub(crate) const IP: &str = "203.0.113.7";

pub(crate) fn gstin() -> Gstin {
    GSTIN.parse().unwrap()
}

pub(crate) fn period() -> ReturnPeriod {
    "072017".parse().unwrap()
}

pub(crate) fn otp() -> Otp {
    Otp::new(DEFAULT_OTP).unwrap()
}

/// A sandbox config with a small RSA key (quick in debug builds).
pub(crate) fn config() -> SandboxConfig {
    let mut config = SandboxConfig::default();
    config.key_bits = 1024;
    config.gstr2a_seed = None;
    config
}

pub(crate) async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    spawn(config).await.expect("sandbox starts")
}

/// A client for the sandbox with fast polls and short backoffs.
pub(crate) fn builder(sandbox: &SandboxHandle) -> GstnClientBuilder {
    GstnClient::builder()
        .base_url(sandbox.base_url())
        .client_id(DEFAULT_CLIENT_ID)
        .client_secret(DEFAULT_CLIENT_SECRET)
        .gstin(gstin())
        .username(USER)
        .user_ip(IP.parse().unwrap())
        .certificate_pem(sandbox.certificate_pem())
        .poll_policy(PollPolicy::fast())
        .retry_policy(
            RetryPolicy::default()
                .with_max_retries(8)
                .with_backoff(Duration::from_millis(5), Duration::from_millis(100)),
        )
}

pub(crate) async fn login(client: &GstnClient) {
    client.request_otp().await.expect("otp requested");
    client.authenticate(&otp()).await.expect("authenticated");
}

/// Records progress events.
#[derive(Clone, Default)]
pub(crate) struct Recorder(pub Arc<Mutex<Vec<ProgressEvent>>>);

impl Recorder {
    pub(crate) fn callback(&self) -> impl Fn(ProgressEvent) + Send + Sync + 'static {
        let events = self.0.clone();
        move |p| events.lock().unwrap().push(p)
    }

    pub(crate) fn events(&self) -> Vec<ProgressEvent> {
        self.0.lock().unwrap().clone()
    }
}

/// A valid GSTIN of state `state` built around a serial number.
pub(crate) fn supplier_gstin(state: u8, serial: usize) -> Gstin {
    let first14 = format!("{state:02}GSPTN{:04}G1Z", serial % 10_000);
    let check = check_character(first14.as_bytes()) as char;
    format!("{first14}{check}").parse().unwrap()
}

/// `n` inter-state B2B invoices (suppliers in Tamil Nadu, place of supply Maharashtra) spread
/// over `suppliers` suppliers, with one to three items each, and two credit notes.
pub(crate) fn payload(n: usize, suppliers: usize) -> Gstr2Payload {
    let mut b2b = Vec::new();
    for s in 0..suppliers {
        let ctin = supplier_gstin(33, s + 1);
        let invoices: Vec<String> = (0..n)
            .filter(|i| i % suppliers == s)
            .map(|i| {
                let items = 1 + i % 3;
                let lines: Vec<String> = (0..items)
                    .map(|k| {
                        format!(
                            r#"{{"num":{},"itm_det":{{"rt":18,"txval":{}.00,"iamt":{}.00}},"itc":{{"elg":"ip","tx_i":{}.00}}}}"#,
                            k + 1,
                            1000 + i,
                            18 * (1000 + i) / 100,
                            18 * (1000 + i) / 100
                        )
                    })
                    .collect();
                let value = items * (1000 + i + 18 * (1000 + i) / 100);
                format!(
                    r#"{{"inum":"INV/{i:05}","idt":"{:02}-07-2017","val":{value}.00,"pos":"27","rchrg":"N","inv_typ":"R","itms":[{}]}}"#,
                    1 + i % 28,
                    lines.join(",")
                )
            })
            .collect();
        if !invoices.is_empty() {
            b2b.push(format!(
                r#"{{"ctin":"{ctin}","inv":[{}]}}"#,
                invoices.join(",")
            ));
        }
    }
    let cdn_ctin = supplier_gstin(33, 1);
    let text = format!(
        r#"{{"gstin":"{GSTIN}","fp":"072017","b2b":[{}],
          "cdn":[{{"ctin":"{cdn_ctin}","nt":[
            {{"ntty":"C","nt_num":"CN-1","nt_dt":"10-07-2017","p_gst":"N","inum":"INV/00000","idt":"01-07-2017","val":118.00,
              "itms":[{{"num":1,"itm_det":{{"rt":18,"txval":100.00,"iamt":18.00}},"itc":{{"elg":"ip","tx_i":18.00}}}}]}},
            {{"ntty":"C","nt_num":"CN-2","nt_dt":"11-07-2017","p_gst":"N","inum":"INV/00003","idt":"04-07-2017","val":59.00,
              "itms":[{{"num":1,"itm_det":{{"rt":18,"txval":50.00,"iamt":9.00}},"itc":{{"elg":"ip","tx_i":9.00}}}}]}}]}}]}}"#,
        b2b.join(",")
    );
    json::from_str(&text).expect("generated payload parses")
}

/// Every document of a payload as (section, supplier, document JSON), sorted: what GSTN holds,
/// whatever the order or grouping it was sent in.
pub(crate) fn documents(p: &Gstr2Payload) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for s in &p.b2b {
        for d in &s.invoices {
            out.push((
                "b2b".into(),
                s.supplier_gstin.to_string(),
                json::to_string(d).unwrap(),
            ));
        }
    }
    for s in &p.cdn {
        for d in &s.notes {
            out.push((
                "cdn".into(),
                s.supplier_gstin.to_string(),
                json::to_string(d).unwrap(),
            ));
        }
    }
    out.sort();
    out
}
