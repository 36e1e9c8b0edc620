//! How both flows reach GSTN: the settings of a session ([`Connection`]), read from the
//! `GSTN_*` variables against a real endpoint, and Step-1 (an existing token, or a new one with
//! the login OTP).

use std::fmt;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::Arc;

use gstn_client::{Error, FileTokenStore, GstnClient, PollPolicy, SessionStatus};
use gstr2_model::{ErrorChain, Gstin, ReturnPeriod};

use crate::error::{gstn, FlowError};
use crate::present::{create_dir, say, when, Bars, Confirm, Otps};

/// GSTN's certificate, as `GSTN_CERT` gives it.
#[derive(Clone, Debug)]
pub enum Certificate {
    /// PEM text.
    Pem(String),
    /// DER bytes.
    Der(Vec<u8>),
}

/// The settings of one GSTN session. Its `Debug` shows the client secret as `***`.
#[derive(Clone)]
pub struct Connection {
    /// GSTN's (or a GSP's, or the sandbox's) base URL.
    pub base_url: String,
    /// API client id.
    pub client_id: String,
    /// API client secret.
    pub client_secret: String,
    /// GST portal user name.
    pub username: String,
    /// The taxpayer (the receiver).
    pub gstin: Gstin,
    /// GSTN's public certificate.
    pub certificate: Certificate,
    /// The end user's IP address (`ip-usr` header).
    pub user_ip: IpAddr,
    /// The token file ("Existing token" on the next connect).
    pub token_file: PathBuf,
    /// How `RETSTATUS`, `REQSTS` and `GENSTS2B` are polled.
    pub poll: PollPolicy,
    /// Largest plaintext of one save request; `None` for the client's default.
    pub chunk_limit: Option<usize>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("username", &self.username)
            .field("gstin", &self.gstin)
            .field("certificate", &self.certificate)
            .field("user_ip", &self.user_ip)
            .field("token_file", &self.token_file)
            .field("poll", &self.poll)
            .field("chunk_limit", &self.chunk_limit)
            .finish()
    }
}

/// What Step-1 asks GSTN to find out whether a stored token is still good: a call of the flow's
/// own, which needs no more than the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The GSTR-2 summary of the period (`RETSUM`).
    Summary(ReturnPeriod),
    /// The IMS counts (`GETCNT`).
    ImsCounts,
}

/// The settings both flows read from `GSTN_*` and `GSTR2_*` variables (looked up with `var`).
pub(crate) struct Env<'a> {
    pub(crate) var: &'a dyn Fn(&str) -> Option<String>,
}

impl Env<'_> {
    /// The variable `name`, set and not empty.
    pub(crate) fn get(&self, name: &str) -> Option<String> {
        (self.var)(name).filter(|v| !v.is_empty())
    }

    /// The variable `name`, which must be set.
    pub(crate) fn need(&self, name: &str) -> Result<String, FlowError> {
        self.get(name)
            .ok_or_else(|| FlowError::Config(format!("{name} is not set")))
    }

    /// `GSTN_GSTIN`.
    pub(crate) fn gstin(&self) -> Result<Gstin, FlowError> {
        self.need("GSTN_GSTIN")?
            .parse()
            .map_err(FlowError::setting("GSTN_GSTIN"))
    }

    /// `GSTN_PERIOD`.
    pub(crate) fn period(&self) -> Result<ReturnPeriod, FlowError> {
        self.need("GSTN_PERIOD")?
            .parse()
            .map_err(FlowError::setting("GSTN_PERIOD"))
    }

    /// GSTN's certificate from the file `GSTN_CERT` names: PEM if it reads as such, else DER.
    pub(crate) fn certificate(&self) -> Result<Certificate, FlowError> {
        let cert_path = PathBuf::from(self.need("GSTN_CERT")?);
        let bytes = std::fs::read(&cert_path).map_err(|source| FlowError::Io {
            what: format!("GSTN_CERT {}", cert_path.display()),
            source,
        })?;
        Ok(match String::from_utf8(bytes) {
            Ok(text) if text.contains("-----BEGIN") => Certificate::Pem(text),
            Ok(text) => Certificate::Der(text.into_bytes()),
            Err(e) => Certificate::Der(e.into_bytes()),
        })
    }

    /// `GSTR2_CONFIRM`: `yes` assumes, `no` or unset asks; anything else is refused, so that a
    /// misspelt value does not decide. `asked` says what is asked before, for the message.
    pub(crate) fn confirm(&self, asked: &str) -> Result<Confirm, FlowError> {
        match (self.var)("GSTR2_CONFIRM").as_deref() {
            None | Some("") | Some("no") => Ok(Confirm::Ask),
            Some("yes") => Ok(Confirm::Assume),
            Some(other) => Err(FlowError::Config(format!(
                "GSTR2_CONFIRM: {other:?} is neither yes (do not ask) nor no (ask before {asked})"
            ))),
        }
    }

    /// The session's settings: `GSTN_CLIENT_ID`, `GSTN_CLIENT_SECRET`, `GSTN_USERNAME`,
    /// `GSTN_GSTIN`, `GSTN_CERT`, `GSTN_IP_USR` (default 127.0.0.1) and `GSTR2_TOKEN_FILE`
    /// (default `token.json` in `out_dir`).
    pub(crate) fn connection(
        &self,
        base_url: String,
        out_dir: &std::path::Path,
    ) -> Result<Connection, FlowError> {
        Ok(Connection {
            base_url,
            client_id: self.need("GSTN_CLIENT_ID")?,
            client_secret: self.need("GSTN_CLIENT_SECRET")?,
            username: self.need("GSTN_USERNAME")?,
            gstin: self.gstin()?,
            certificate: self.certificate()?,
            user_ip: match self.get("GSTN_IP_USR") {
                Some(ip) => ip.parse().map_err(FlowError::setting("GSTN_IP_USR"))?,
                None => Ipv4Addr::LOCALHOST.into(),
            },
            token_file: (self.var)("GSTR2_TOKEN_FILE")
                .map(PathBuf::from)
                .unwrap_or_else(|| out_dir.join("token.json")),
            poll: PollPolicy::default(),
            chunk_limit: None,
        })
    }
}

/// The client for `config`, its token in the token file, its progress events drawn by `bars`.
pub(crate) fn build_client(config: &Connection, bars: &Bars) -> Result<GstnClient, FlowError> {
    if let Some(dir) = config.token_file.parent() {
        create_dir(dir)?;
    }
    let bars = bars.clone();
    let mut builder = GstnClient::builder()
        .base_url(config.base_url.clone())
        .client_id(config.client_id.clone())
        .client_secret(config.client_secret.clone())
        .gstin(config.gstin)
        .username(config.username.clone())
        .user_ip(config.user_ip)
        .token_store(Arc::new(FileTokenStore::new(config.token_file.clone())))
        .poll_policy(config.poll.clone())
        .progress(move |event| bars.on_client(event));
    builder = match &config.certificate {
        Certificate::Pem(pem) => builder.certificate_pem(pem.clone()),
        Certificate::Der(der) => builder.certificate_der(der.clone()),
    };
    if let Some(limit) = config.chunk_limit {
        builder = builder.chunk_limit(limit);
    }
    builder.build().map_err(gstn("Step-1 connect"))
}

/// Step-1 of both flows: an existing token (the token file's, once GSTN accepts it for
/// `probe`), or a new one with the login OTP.
pub(crate) async fn connect(
    config: &Connection,
    probe: Probe,
    bars: &Bars,
    otps: &mut Otps,
    out: &mut dyn Write,
) -> Result<GstnClient, FlowError> {
    say!(out, "\nStep-1: Connect with GSTN")?;
    let client = build_client(config, bars)?;
    match client
        .connect_with_stored()
        .await
        .map_err(gstn("Step-1 connect"))?
    {
        SessionStatus::Existing { expires_at } => {
            // The stored token is only known good once GSTN accepts it: ask for something.
            let accepted = match probe {
                Probe::Summary(period) => client.summary(period).await.map(drop),
                Probe::ImsCounts => client.ims_counts().await.map(drop),
            };
            match accepted {
                Err(e) if e.is_relogin_required() => {
                    say!(
                        out,
                        "  The stored token was refused by GSTN ({}); a new OTP is needed.",
                        ErrorChain(&e)
                    )?;
                }
                Err(e @ Error::Gstn { .. }) | Err(e @ Error::Decode { .. }) => {
                    say!(
                        out,
                        "  Existing token (valid until {}; GSTN answered: {})",
                        when(expires_at),
                        ErrorChain(&e)
                    )?;
                    return Ok(client);
                }
                Err(e) => return Err(gstn("Step-1 connect")(e)),
                Ok(_) => {
                    say!(out, "  Existing token (valid until {})", when(expires_at))?;
                    return Ok(client);
                }
            }
        }
        SessionStatus::Expired => {
            say!(out, "  The stored token has expired; a new OTP is needed.")?
        }
        _ => {}
    }
    client.request_otp().await.map_err(gstn("Step-1 connect"))?;
    say!(
        out,
        "  OTP sent to the registered mobile number of {}.",
        config.username
    )?;
    let otp = otps.next("login", out)?;
    let status = client
        .authenticate(&otp)
        .await
        .map_err(gstn("Step-1 connect"))?;
    if let SessionStatus::Obtained { expires_at } = status {
        // The next run reads the token file instead ("Existing token"), while GSTN knows it.
        say!(
            out,
            "  Success: Token Obtained (valid until {}; kept in {})",
            when(expires_at),
            config.token_file.display()
        )?;
    }
    Ok(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_client_secret() {
        let connection = Connection {
            base_url: "https://gstn.example".into(),
            client_id: "l7xx-client".into(),
            client_secret: "s3cret-of-the-app".into(),
            username: "asp_user".into(),
            gstin: crate::sample::DEMO_GSTIN.parse().unwrap(),
            certificate: Certificate::Pem("-----BEGIN CERTIFICATE-----".into()),
            user_ip: Ipv4Addr::LOCALHOST.into(),
            token_file: "token.json".into(),
            poll: PollPolicy::fast(),
            chunk_limit: None,
        };
        let shown = format!("{connection:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains(r#"client_secret: "***""#), "{shown}");
        assert!(shown.contains("l7xx-client"), "{shown}");
    }
}
