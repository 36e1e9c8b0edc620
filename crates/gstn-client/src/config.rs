//! [`GstnClientBuilder`]: where GSTN is, who the caller is, and how patient to be.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use gstn_proto::{ClientSecret, GstnPublicKey};
use gstr2_model::Gstin;
use reqwest::Url;
use zeroize::Zeroizing;

use crate::client::GstnClient;
use crate::error::{Error, Result};
use crate::progress::{ProgressEvent, ProgressFn};
use crate::retry::{PollPolicy, RetryPolicy};
use crate::store::{MemoryTokenStore, TokenStore};

/// The default cap on one `RETSAVE` chunk: 2 MiB of plaintext JSON (about 3.6 MiB once encrypted
/// and Base64-encoded twice). GSTN's exact limit is not published; lower it with
/// [`GstnClientBuilder::chunk_limit`] if GSTN rejects large saves.
pub const DEFAULT_CHUNK_LIMIT: usize = 2 * 1024 * 1024;

/// The API paths under the base URL, the API version of each action in its path.
///
/// The defaults are the versions public clients use for authentication and GSTR2, and for
/// GSTR-2B and IMS the newest version a source shows (`docs/protocol.md` §2; GSTN's current ones
/// are unconfirmed; set another version here if GSTN or the GSP answers another):
///
/// | field | actions | default |
/// |---|---|---|
/// | `authenticate` | OTPREQUEST, AUTHTOKEN, REFRESHTOKEN, LOGOUT, EVCOTP | `/taxpayerapi/v1.0/authenticate` |
/// | `gstr2` | RETSAVE, section GETs, RETSUM, RETSUBMIT, RETFILE | `/taxpayerapi/v0.3/returns/gstr2` |
/// | `returns` | RETSTATUS, FILEDET of GSTR2A | `/taxpayerapi/v0.3/returns` |
/// | `gstr2a` | GSTR2A section GETs | `/taxpayerapi/v0.3/returns/gstr2a` |
/// | `gstr2b` | GET2B | `/taxpayerapi/v4.0/returns/gstr2b` |
/// | `gstr2b_generate` | GEN2B, GENSTS2B | `/taxpayerapi/v4.0/returns/gstr2b` |
/// | `ims` | GETCNT, GETINV, FILEDET of IMS, REQSTS | `/taxpayerapi/v1.0/returns/ims` |
/// | `ims_save` | SAVE, RESETIMS | `/taxpayerapi/v1.0/returns/ims` |
///
/// ```
/// use gstn_client::ApiPaths;
///
/// let paths = ApiPaths::default();
/// assert_eq!(paths.gstr2b, "/taxpayerapi/v4.0/returns/gstr2b");
/// assert_eq!(paths.gstr2b_generate, "/taxpayerapi/v4.0/returns/gstr2b");
/// assert_eq!(paths.ims, "/taxpayerapi/v1.0/returns/ims");
/// assert_eq!(paths.ims_save, paths.ims);
/// // A GSP that serves GET2B as v3.0 (invoices with items[]):
/// let paths = ApiPaths { gstr2b: "/taxpayerapi/v3.0/returns/gstr2b".into(), ..paths };
/// # let _ = paths;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiPaths {
    /// The authentication endpoint.
    pub authenticate: String,
    /// The GSTR2 endpoint (RETSAVE, section GETs, RETSUM, RETSUBMIT, RETFILE).
    pub gstr2: String,
    /// The common returns endpoint (RETSTATUS, FILEDET).
    pub returns: String,
    /// The GSTR2A endpoint.
    pub gstr2a: String,
    /// GSTR-2B's GET2B.
    pub gstr2b: String,
    /// GSTR-2B's GEN2B and GENSTS2B.
    pub gstr2b_generate: String,
    /// IMS's GETCNT, GETINV, FILEDET and REQSTS.
    pub ims: String,
    /// IMS's SAVE and RESETIMS.
    pub ims_save: String,
}

impl Default for ApiPaths {
    fn default() -> Self {
        ApiPaths {
            authenticate: "/taxpayerapi/v1.0/authenticate".into(),
            gstr2: "/taxpayerapi/v0.3/returns/gstr2".into(),
            returns: "/taxpayerapi/v0.3/returns".into(),
            gstr2a: "/taxpayerapi/v0.3/returns/gstr2a".into(),
            gstr2b: gstn_proto::paths::GSTR2B.into(),
            gstr2b_generate: gstn_proto::paths::GSTR2B_GENERATE.into(),
            ims: gstn_proto::paths::IMS.into(),
            ims_save: gstn_proto::paths::IMS.into(),
        }
    }
}

/// Everything the client was built with. Secrets (the client secret) stay out of `Debug`.
#[derive(Clone)]
pub(crate) struct Config {
    pub base_url: Url,
    pub paths: ApiPaths,
    pub client_id: String,
    pub client_secret: ClientSecret,
    pub gstin: Gstin,
    pub username: String,
    pub user_ip: IpAddr,
    pub public_key: GstnPublicKey,
    pub retry: RetryPolicy,
    pub poll: PollPolicy,
    pub chunk_limit: usize,
    pub refresh_margin: Duration,
    pub progress: Option<ProgressFn>,
    pub store: Arc<dyn TokenStore>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url.as_str())
            .field("paths", &self.paths)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("gstin", &self.gstin)
            .field("username", &self.username)
            .field("user_ip", &self.user_ip)
            .field("retry", &self.retry)
            .field("poll", &self.poll)
            .field("chunk_limit", &self.chunk_limit)
            .field("refresh_margin", &self.refresh_margin)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The absolute URL of an API path.
    pub(crate) fn url(&self, path: &str) -> Result<Url> {
        self.base_url
            .join(path.trim_start_matches('/'))
            .map_err(|e| Error::Config(format!("api path {path:?}: {e}")))
    }
}

/// The GSTN certificate as given to the builder.
enum Certificate {
    Pem(String),
    Der(Vec<u8>),
    Key(GstnPublicKey),
}

/// Builds a [`GstnClient`]. Required: base URL, client id and secret, GSTIN, user name, user IP
/// and the GSTN certificate.
///
/// The base URL must be HTTPS, except on a loopback host (`localhost`, `127.0.0.0/8`, `::1`),
/// where a local sandbox may speak HTTP. A trailing path (a GSP's prefix) is kept.
pub struct GstnClientBuilder {
    base_url: Option<String>,
    paths: ApiPaths,
    client_id: Option<String>,
    client_secret: Option<Zeroizing<String>>,
    gstin: Option<Gstin>,
    username: Option<String>,
    user_ip: Option<IpAddr>,
    certificate: Option<Certificate>,
    connect_timeout: Duration,
    request_timeout: Duration,
    retry: RetryPolicy,
    poll: PollPolicy,
    user_agent: String,
    chunk_limit: usize,
    refresh_margin: Duration,
    progress: Option<ProgressFn>,
    store: Option<Arc<dyn TokenStore>>,
}

impl fmt::Debug for GstnClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GstnClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("gstin", &self.gstin)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Default for GstnClientBuilder {
    fn default() -> Self {
        GstnClientBuilder {
            base_url: None,
            paths: ApiPaths::default(),
            client_id: None,
            client_secret: None,
            gstin: None,
            username: None,
            user_ip: None,
            certificate: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            poll: PollPolicy::default(),
            user_agent: concat!("gstn-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            chunk_limit: DEFAULT_CHUNK_LIMIT,
            refresh_margin: Duration::from_secs(15 * 60),
            progress: None,
            store: None,
        }
    }
}

impl GstnClientBuilder {
    /// GSTN's (or the GSP's) base URL, e.g. `https://devapi.gst.gov.in`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Other API paths than the defaults (another API version, a GSP's layout).
    pub fn paths(mut self, paths: ApiPaths) -> Self {
        self.paths = paths;
        self
    }

    /// The API client id (`clientid` header).
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self
    }

    /// The API client secret (`client-secret` header). Kept out of `Debug` and logs.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.client_secret = Some(Zeroizing::new(secret.into()));
        self
    }

    /// The taxpayer's GSTIN (`gstin` header; `state-cd` is its first two digits).
    pub fn gstin(mut self, gstin: Gstin) -> Self {
        self.gstin = Some(gstin);
        self
    }

    /// The GST portal user name (`username`).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// The end user's public IP address, sent as the `ip-usr` header.
    pub fn user_ip(mut self, ip: IpAddr) -> Self {
        self.user_ip = Some(ip);
        self
    }

    /// GSTN's public-key certificate in PEM (`GSTN_G2B_..._public.pem`).
    pub fn certificate_pem(mut self, pem: impl Into<String>) -> Self {
        self.certificate = Some(Certificate::Pem(pem.into()));
        self
    }

    /// GSTN's public-key certificate in DER (`.cer`).
    pub fn certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.certificate = Some(Certificate::Der(der.into()));
        self
    }

    /// GSTN's public key, already read (e.g. fetched and checked by the caller).
    pub fn public_key(mut self, key: GstnPublicKey) -> Self {
        self.certificate = Some(Certificate::Key(key));
        self
    }

    /// The time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The time allowed for a whole request and its answer (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How failed calls are retried (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How `RETSTATUS` and `FILEDET` are polled (default: [`PollPolicy::default`]).
    pub fn poll_policy(mut self, policy: PollPolicy) -> Self {
        self.poll = policy;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// The largest `RETSAVE` chunk, in bytes of plaintext JSON (default
    /// [`DEFAULT_CHUNK_LIMIT`]).
    pub fn chunk_limit(mut self, bytes: usize) -> Self {
        self.chunk_limit = bytes;
        self
    }

    /// Refresh the token when it expires within this margin (default 15 minutes).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Where sessions are kept (default: a [`MemoryTokenStore`] of this client alone).
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// A callback for [`ProgressEvent`] events.
    pub fn progress(mut self, f: impl Fn(ProgressEvent) + Send + Sync + 'static) -> Self {
        self.progress = Some(ProgressFn::new(f));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<GstnClient> {
        fn missing(what: &str) -> Error {
            Error::Config(format!("{what} is required"))
        }
        let base = self.base_url.ok_or_else(|| missing("base url"))?;
        let mut base_url =
            Url::parse(&base).map_err(|e| Error::Config(format!("base url {base:?}: {e}")))?;
        check_scheme(&base_url)?;
        // `join` replaces the last segment unless the path ends with a slash.
        if !base_url.path().ends_with('/') {
            let path = format!("{}/", base_url.path());
            base_url.set_path(&path);
        }
        let client_id = self.client_id.ok_or_else(|| missing("client id"))?;
        let client_secret = self.client_secret.ok_or_else(|| missing("client secret"))?;
        let client_secret =
            ClientSecret::new(client_secret.as_str()).map_err(|e| Error::Config(e.to_string()))?;
        let gstin = self.gstin.ok_or_else(|| missing("gstin"))?;
        let username = self.username.ok_or_else(|| missing("username"))?;
        let user_ip = self.user_ip.ok_or_else(|| missing("user ip"))?;
        for (name, value) in [("client id", &client_id), ("username", &username)] {
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::Config(format!(
                    "{name} must be non-empty visible ascii"
                )));
            }
        }
        let public_key = match self
            .certificate
            .ok_or_else(|| missing("gstn certificate"))?
        {
            Certificate::Pem(pem) => GstnPublicKey::from_pem(&pem).map_err(Error::Certificate)?,
            Certificate::Der(der) => GstnPublicKey::from_der(&der).map_err(Error::Certificate)?,
            Certificate::Key(key) => key,
        };
        public_key
            .check_validity(chrono::Utc::now())
            .map_err(Error::Certificate)?;
        if self.chunk_limit < 256 {
            return Err(Error::Config(format!(
                "chunk limit {} is too small to hold a document",
                self.chunk_limit
            )));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(self.user_agent)
            .https_only(!is_loopback(&base_url))
            // A redirect would carry the auth-token and client-secret headers elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("http client: {e}")))?;
        let config = Config {
            base_url,
            paths: self.paths,
            client_id,
            client_secret,
            gstin,
            username,
            user_ip,
            public_key,
            retry: self.retry,
            poll: self.poll,
            chunk_limit: self.chunk_limit,
            refresh_margin: self.refresh_margin,
            progress: self.progress,
            store: self
                .store
                .unwrap_or_else(|| Arc::new(MemoryTokenStore::new())),
        };
        Ok(GstnClient::new(http, config))
    }
}

/// Whether a URL's host is loopback: `localhost`, `127.0.0.0/8` or `::1`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => bare.eq_ignore_ascii_case("localhost"),
    }
}

/// HTTPS everywhere; HTTP only on loopback.
pub(crate) fn check_scheme(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::Config(format!(
            "{} must use https (http is allowed on loopback only)",
            url.host_str().unwrap_or("the host")
        ))),
        other => Err(Error::Config(format!("unsupported url scheme {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn https_everywhere_http_on_loopback_only() {
        assert!(check_scheme(&url("https://devapi.gst.gov.in")).is_ok());
        assert!(check_scheme(&url("http://127.0.0.1:8080")).is_ok());
        assert!(check_scheme(&url("http://127.8.9.10:8080")).is_ok());
        assert!(check_scheme(&url("http://[::1]:8080")).is_ok());
        assert!(check_scheme(&url("http://LOCALHOST:1")).is_ok());
        let err = check_scheme(&url("http://devapi.gstsystem.co.in")).unwrap_err();
        assert!(err.to_string().contains("must use https"), "{err}");
        assert!(check_scheme(&url("http://10.0.0.1")).is_err());
        assert!(check_scheme(&url("http://localhost.example.com")).is_err());
        assert!(check_scheme(&url("ftp://127.0.0.1")).is_err());
    }

    /// The defaults the builder's docs state, and the size [`DEFAULT_CHUNK_LIMIT`]'s docs give
    /// for a full chunk on the wire: about 3.6 MiB.
    #[test]
    fn defaults_are_the_documented_ones() {
        let b = GstnClientBuilder::default();
        assert_eq!(b.connect_timeout, Duration::from_secs(10));
        assert_eq!(b.request_timeout, Duration::from_secs(60));
        assert_eq!(b.refresh_margin, Duration::from_secs(15 * 60));
        assert_eq!(b.chunk_limit, 2 * 1024 * 1024);
        let key = gstn_proto::SessionKey::from_bytes([7; 32]);
        let data = gstn_proto::crypto::encrypt_data(&key, &vec![b' '; DEFAULT_CHUNK_LIMIT]);
        let mib = data.len() as f64 / (1024.0 * 1024.0);
        assert!((3.55..3.65).contains(&mib), "{mib} MiB");
    }

    #[test]
    fn missing_fields_are_named() {
        let err = GstnClientBuilder::default().build().unwrap_err();
        assert_eq!(err.to_string(), "configuration: base url is required");
        let err = GstnClientBuilder::default()
            .base_url("http://example.com")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("https"), "{err}");
    }
}
