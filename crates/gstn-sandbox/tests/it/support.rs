//! A minimal GSTN client built on gstn-proto, for driving the sandbox over a real socket.

use std::time::Duration;

use gstn_proto::headers::{self, paths, TxnId};
use gstn_proto::{
    Action, AppKey, AuthRequest, AuthToken, AuthTokenResponse, EncryptedRequest, EncryptedResponse,
    ErrorBody, FileRequest, GstnError, GstnPublicKey, Otp, SessionKey,
};
use gstn_sandbox::{spawn, SandboxConfig, SandboxHandle};
use gstr2_model::{Gstin, ReturnPeriod};
use serde::Serialize;
use serde_json::{json, Value};

pub(crate) const OTP: &str = "575757";

/// A valid GSTIN of Maharashtra (27).
pub(crate) fn receiver() -> Gstin {
    "27AAPFU0939F1ZV".parse().unwrap()
}

/// Valid GSTINs: Tamil Nadu (33) and Jammu & Kashmir (01), and a Maharashtra supplier.
pub(crate) fn supplier_tn() -> Gstin {
    "33GSPTN4811G1ZC".parse().unwrap()
}
pub(crate) fn supplier_jk() -> Gstin {
    "01AAAAP1208Q1ZS".parse().unwrap()
}

/// A valid GSTIN in `state` made from `n` (different `n`, different GSTIN).
pub(crate) fn gstin(state: u8, n: u32) -> Gstin {
    let letters = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let a = letters[(n % 26) as usize] as char;
    let b = letters[((n / 26) % 26) as usize] as char;
    let c = letters[((n / 676) % 26) as usize] as char;
    let mut s = format!("{state:02}AA{c}{b}{a}{:04}F1Z", n % 10_000);
    let check = gstr2_model::gstin::check_character(s.as_bytes());
    s.push(check as char);
    s.parse().unwrap()
}

pub(crate) fn period() -> ReturnPeriod {
    "072017".parse().unwrap()
}

/// A sandbox with a 1024-bit key (quick to generate in debug builds) and short delays.
pub(crate) fn config() -> SandboxConfig {
    let mut c = SandboxConfig::default();
    c.key_bits = 1024;
    c.processing_delay = Duration::from_millis(20);
    c
}

pub(crate) async fn sandbox(config: SandboxConfig) -> SandboxHandle {
    spawn(config).await.expect("sandbox starts")
}

/// What a call answered: decrypted JSON, plain JSON, or GSTN's error.
#[derive(Debug)]
pub(crate) enum Reply {
    Ok(Value),
    Err(u16, GstnError),
}

impl Reply {
    #[track_caller]
    pub(crate) fn ok(self) -> Value {
        match self {
            Reply::Ok(v) => v,
            Reply::Err(status, e) => panic!("expected success, got {status} {e}"),
        }
    }

    #[track_caller]
    pub(crate) fn err(self) -> (u16, GstnError) {
        match self {
            Reply::Ok(v) => panic!("expected an error, got {v}"),
            Reply::Err(status, e) => (status, e),
        }
    }

    #[track_caller]
    pub(crate) fn code(self) -> String {
        self.err().1.error_code.code().to_owned()
    }
}

/// One taxpayer's session against the sandbox.
pub(crate) struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cert: GstnPublicKey,
    pub app_key: AppKey,
    pub username: String,
    pub gstin: Gstin,
    pub period: ReturnPeriod,
    pub client_id: String,
    pub client_secret: String,
    pub token: Option<AuthToken>,
    pub key: Option<SessionKey>,
}

impl Client {
    /// Fetches the certificate the way a GSP hands it out.
    pub(crate) async fn new(sb: &SandboxHandle, gstin: Gstin) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let base = sb.base_url();
        let pem = http
            .get(format!("{base}{}", paths::PUBLIC_CERT))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        Client {
            http,
            base,
            cert: GstnPublicKey::from_pem(&pem).unwrap(),
            app_key: AppKey::generate(),
            username: format!("user-{gstin}"),
            gstin,
            period: period(),
            client_id: "sandbox-client".into(),
            client_secret: "sandbox-secret".into(),
            token: None,
            key: None,
        }
    }

    pub(crate) fn headers(&self, txn: &TxnId) -> reqwest::header::HeaderMap {
        let mut h = reqwest::header::HeaderMap::new();
        let mut set = |k: &'static str, v: &str| {
            h.insert(k, v.parse().unwrap());
        };
        set(headers::CLIENT_ID, &self.client_id);
        set(headers::CLIENT_SECRET, &self.client_secret);
        set(headers::STATE_CD, &self.gstin.as_str()[..2]);
        set(headers::IP_USR, "127.0.0.1");
        set(headers::TXN, txn.as_str());
        set(headers::USERNAME, &self.username);
        set(headers::GSTIN, self.gstin.as_str());
        set(headers::RET_PERIOD, &self.period.to_string());
        if let Some(t) = &self.token {
            set(headers::AUTH_TOKEN, t.expose_secret());
        }
        h
    }

    async fn reply(&self, resp: reqwest::Response, sealed: bool) -> Reply {
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        let value: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("status {status}: not json ({e}): {bytes:?}"));
        if value.get("status_cd").and_then(Value::as_str) == Some("0") {
            let body: ErrorBody = serde_json::from_value(value).unwrap();
            return Reply::Err(status, body.error);
        }
        assert!(status < 300, "status {status} with success body {value}");
        if sealed {
            let envelope: EncryptedResponse = serde_json::from_value(value).unwrap();
            let key = self.key.as_ref().expect("logged in");
            Reply::Ok(
                envelope
                    .open(key)
                    .expect("response decrypts and its hmac holds"),
            )
        } else {
            Reply::Ok(value)
        }
    }

    pub(crate) async fn auth(&self, body: &AuthRequest) -> Reply {
        let resp = self
            .http
            .post(format!("{}{}", self.base, paths::AUTHENTICATE))
            .headers(self.headers(&TxnId::generate()))
            .json(body)
            .send()
            .await
            .unwrap();
        self.reply(resp, false).await
    }

    pub(crate) async fn request_otp(&self) -> Reply {
        let body = AuthRequest::otp_request(&self.username, &self.cert, &self.app_key).unwrap();
        self.auth(&body).await
    }

    pub(crate) async fn auth_token(&mut self, otp: &str) -> Reply {
        let otp = Otp::new(otp).unwrap();
        let body =
            AuthRequest::auth_token(&self.username, &self.cert, &self.app_key, &otp).unwrap();
        let reply = self.auth(&body).await;
        if let Reply::Ok(v) = &reply {
            let r: AuthTokenResponse = serde_json::from_value(v.clone()).unwrap();
            self.key = Some(r.session_key(&self.app_key).unwrap());
            self.token = Some(r.auth_token);
        }
        reply
    }

    pub(crate) async fn login(&mut self) {
        self.request_otp().await.ok();
        self.auth_token(OTP).await.ok();
    }

    pub(crate) async fn refresh(&mut self) -> Reply {
        let body = AuthRequest::refresh_token(
            &self.username,
            self.key.as_ref().unwrap(),
            &self.app_key,
            self.token.clone().unwrap(),
        );
        let reply = self.auth(&body).await;
        if let Reply::Ok(v) = &reply {
            let r: AuthTokenResponse = serde_json::from_value(v.clone()).unwrap();
            self.key = Some(r.session_key(&self.app_key).unwrap());
            self.token = Some(r.auth_token);
        }
        reply
    }

    pub(crate) async fn logout(&self) -> Reply {
        let body = AuthRequest::logout(
            &self.username,
            &self.cert,
            &self.app_key,
            self.token.clone().unwrap(),
        )
        .unwrap();
        self.auth(&body).await
    }

    pub(crate) async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        let mut q: Vec<(&str, String)> = vec![
            ("gstin", self.gstin.to_string()),
            ("ret_period", self.period.to_string()),
        ];
        q.extend(query.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .headers(self.headers(&TxnId::generate()))
            .query(&q)
            .send()
            .await
            .unwrap();
        self.reply(resp, true).await
    }

    pub(crate) async fn evc_otp(&self) -> Reply {
        let pan = self.gstin.pan().unwrap().to_owned();
        let resp = self
            .http
            .get(format!("{}{}", self.base, paths::AUTHENTICATE))
            .headers(self.headers(&TxnId::generate()))
            .query(&[
                ("action", "EVCOTP"),
                ("gstin", self.gstin.as_str()),
                ("pan", pan.as_str()),
                ("form_type", "R2"),
            ])
            .send()
            .await
            .unwrap();
        self.reply(resp, false).await
    }

    /// Sends an already-built body to GSTR2 (PUT or POST).
    pub(crate) async fn send_raw(
        &self,
        put: bool,
        txn: &TxnId,
        body: &impl Serialize,
    ) -> Result<Reply, reqwest::Error> {
        let url = format!("{}{}", self.base, paths::GSTR2);
        let req = if put {
            self.http.put(url)
        } else {
            self.http.post(url)
        };
        let resp = req.headers(self.headers(txn)).json(body).send().await?;
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(json!({"status_cd": "0", "error": {"error_cd": "NOTJSON", "message": format!("{status}")}}));
        if value.get("status_cd").and_then(Value::as_str) == Some("0") {
            let body: ErrorBody = serde_json::from_value(value).unwrap();
            return Ok(Reply::Err(status, body.error));
        }
        let envelope: EncryptedResponse = serde_json::from_value(value).unwrap();
        Ok(Reply::Ok(
            envelope.open(self.key.as_ref().unwrap()).unwrap(),
        ))
    }

    pub(crate) fn seal(&self, action: Action, body: &Value) -> EncryptedRequest {
        EncryptedRequest::seal(self.key.as_ref().unwrap(), action, body).unwrap()
    }

    pub(crate) async fn save(&self, payload: &Value) -> Reply {
        self.send_raw(
            true,
            &TxnId::generate(),
            &self.seal(Action::RetSave, payload),
        )
        .await
        .unwrap()
    }

    /// Saves and polls RETSTATUS until final; returns (reference, every status seen, final body).
    pub(crate) async fn save_and_wait(&self, payload: &Value) -> (String, Vec<String>, Value) {
        let r = self.save(payload).await.ok();
        let reference = r["reference_id"].as_str().unwrap().to_owned();
        let (seen, last) = self.wait(&reference).await;
        (reference, seen, last)
    }

    pub(crate) async fn wait(&self, reference: &str) -> (Vec<String>, Value) {
        let mut seen = Vec::new();
        for _ in 0..200 {
            let s = self
                .get(
                    paths::RETURNS,
                    &[("action", "RETSTATUS"), ("ref_id", reference)],
                )
                .await
                .ok();
            let status = s["status_cd"].as_str().unwrap().to_owned();
            seen.push(status.clone());
            if status != "IP" {
                return (seen, s);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("still IP after 200 polls");
    }

    pub(crate) async fn submit(&self) -> Reply {
        let body = json!({"gstin": self.gstin, "ret_period": self.period.to_string()});
        self.send_raw(
            false,
            &TxnId::generate(),
            &self.seal(Action::RetSubmit, &body),
        )
        .await
        .unwrap()
    }

    pub(crate) async fn file(&self, summary: &Value, otp: &str) -> Reply {
        let json = serde_json::to_vec(summary).unwrap();
        let pan = self.gstin.pan().unwrap();
        let req = FileRequest::evc(
            self.key.as_ref().unwrap(),
            &json,
            pan,
            &Otp::new(otp).unwrap(),
        );
        self.send_raw(false, &TxnId::generate(), &req)
            .await
            .unwrap()
    }
}

/// A minimal B2B invoice from `ctin` with one item; intra-state amounts when `intra`.
pub(crate) fn b2b_invoice(inum: &str, idt: &str, pos: &str, intra: bool) -> Value {
    let det = if intra {
        json!({"rt": 18, "txval": 1000, "camt": 90, "samt": 90, "csamt": 0})
    } else {
        json!({"rt": 18, "txval": 1000, "iamt": 180, "csamt": 0})
    };
    let itc = if intra {
        json!({"elg": "ip", "tx_c": 90, "tx_s": 90})
    } else {
        json!({"elg": "ip", "tx_i": 180})
    };
    json!({"inum": inum, "idt": idt, "val": 1180, "pos": pos, "rchrg": "N", "inv_typ": "R",
           "itms": [{"num": 1, "itm_det": det, "itc": itc}]})
}

pub(crate) fn payload(gstin: Gstin, sections: Value) -> Value {
    let mut p = json!({"gstin": gstin, "fp": "072017"});
    if let (Some(p), Some(s)) = (p.as_object_mut(), sections.as_object()) {
        for (k, v) in s {
            p.insert(k.clone(), v.clone());
        }
    }
    p
}
