//! GSTN's RSA key pair: the public key read from its X.509 certificate (client side), the
//! private key and a self-signed certificate (sandbox side), and the app key's RSA PKCS#1 v1.5
//! wrapping (`docs/protocol.md` §4).

use std::fmt;
use std::str::FromStr as _;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use der::{Decode as _, DecodePem as _, Encode as _, EncodePem as _};
use rand::RngCore as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, LineEnding};
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use x509_cert::builder::{Builder as _, CertificateBuilder, Profile};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::crypto::{b64_decode, b64_encode};
use crate::error::{CryptoError, KeyError};
use crate::secret::AppKey;

/// GSTN's public key, taken from its X.509 certificate, with the certificate's validity.
#[derive(Clone)]
pub struct GstnPublicKey {
    key: RsaPublicKey,
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    certificate_der: Vec<u8>,
}

impl fmt::Debug for GstnPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GstnPublicKey")
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

fn to_utc(time: &Time) -> DateTime<Utc> {
    DateTime::<Utc>::from(time.to_system_time())
}

impl GstnPublicKey {
    /// Reads a certificate in PEM (`-----BEGIN CERTIFICATE-----`), as GSTN publishes
    /// `GSTN_G2B_Prod_public.pem`. Does not check the validity: see [`Self::check_validity`].
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let cert = Certificate::from_pem(pem.trim().as_bytes()).map_err(KeyError::Certificate)?;
        Self::from_certificate(cert)
    }

    /// Reads a certificate in DER (a `.cer` file).
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let cert = Certificate::from_der(der).map_err(KeyError::Certificate)?;
        Self::from_certificate(cert)
    }

    fn from_certificate(cert: Certificate) -> Result<Self, KeyError> {
        let tbs = &cert.tbs_certificate;
        let spki_der = tbs
            .subject_public_key_info
            .to_der()
            .map_err(KeyError::Certificate)?;
        let key = RsaPublicKey::from_public_key_der(&spki_der).map_err(KeyError::PublicKey)?;
        Ok(Self {
            key,
            not_before: to_utc(&tbs.validity.not_before),
            not_after: to_utc(&tbs.validity.not_after),
            certificate_der: cert.to_der().map_err(KeyError::Certificate)?,
        })
    }

    /// The certificate's `notBefore`.
    pub fn not_before(&self) -> DateTime<Utc> {
        self.not_before
    }

    /// The certificate's `notAfter`: past it, GSTN has a new key (fetch the certificate again).
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    /// Errors with [`KeyError::Expired`] if `now` is after `notAfter`, and with
    /// [`KeyError::NotYetValid`] if it is before `notBefore`.
    pub fn check_validity(&self, now: DateTime<Utc>) -> Result<(), KeyError> {
        if now > self.not_after {
            return Err(KeyError::Expired {
                not_after: self.not_after,
                now,
            });
        }
        if now < self.not_before {
            return Err(KeyError::NotYetValid {
                not_before: self.not_before,
                now,
            });
        }
        Ok(())
    }

    /// The certificate in DER.
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The certificate in PEM.
    pub fn certificate_pem(&self) -> String {
        der_to_pem("CERTIFICATE", &self.certificate_der)
    }

    /// The app key on the wire of OTPREQUEST, AUTHTOKEN and LOGOUT:
    /// `b64(RSA-PKCS#1-v1.5(public key, app_key_bytes))`. Randomised: two calls differ.
    pub fn encrypt_app_key(&self, app_key: &AppKey) -> Result<String, CryptoError> {
        let ciphertext = self
            .key
            .encrypt(
                &mut rand::rngs::OsRng,
                Pkcs1v15Encrypt,
                app_key.expose_secret(),
            )
            .map_err(|source| CryptoError::Rsa {
                field: "app_key",
                source,
            })?;
        Ok(b64_encode(&ciphertext))
    }
}

fn der_to_pem(label: &'static str, der: &[u8]) -> String {
    let body = b64_encode(der);
    let mut pem = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str(&format!("-----END {label}-----\n"));
    pem
}

/// GSTN's private key: the sandbox holds it to unwrap app keys. `Debug` shows only the modulus
/// size.
///
/// The `rsa` crate's PKCS#1 v1.5 decryption is not constant-time (RUSTSEC-2023-0071, the
/// "Marvin" timing attack): acceptable for a local sandbox on 127.0.0.1, not for a public
/// server.
#[derive(Clone)]
pub struct GstnPrivateKey {
    key: RsaPrivateKey,
}

impl fmt::Debug for GstnPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use rsa::traits::PublicKeyParts as _;
        write!(f, "GstnPrivateKey({} bits, ***)", self.key.size() * 8)
    }
}

impl GstnPrivateKey {
    /// Makes a fresh key pair of `bits` (2048 is GSTN's size). Slow in debug builds: several
    /// seconds for 2048 bits.
    pub fn generate(bits: usize) -> Result<Self, KeyError> {
        let key = RsaPrivateKey::new(&mut rand::rngs::OsRng, bits).map_err(KeyError::Generate)?;
        Ok(Self { key })
    }

    /// Reads an RSA private key in PEM: PKCS#8 (`PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let pem = pem.trim();
        let key = match RsaPrivateKey::from_pkcs8_pem(pem) {
            Ok(key) => key,
            Err(pkcs8_error) => {
                RsaPrivateKey::from_pkcs1_pem(pem).map_err(|pkcs1_error| KeyError::PrivateKey {
                    detail: format!("pkcs#8: {pkcs8_error}; pkcs#1: {pkcs1_error}"),
                })?
            }
        };
        Ok(Self { key })
    }

    /// The key in PKCS#8 PEM (`PRIVATE KEY`), zeroized on drop. Write it to an owner-only file.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        self.key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| KeyError::Encode {
                what: "private key",
                detail: e.to_string(),
            })
    }

    /// The public half, as a bare RSA key.
    pub fn public_key(&self) -> RsaPublicKey {
        self.key.to_public_key()
    }

    /// Unwraps an app key from OTPREQUEST, AUTHTOKEN or LOGOUT: RSA PKCS#1 v1.5 decryption of
    /// `b64d(app_key)`, which must give 32 bytes.
    pub fn decrypt_app_key(&self, app_key: &str) -> Result<AppKey, CryptoError> {
        let ciphertext = b64_decode("app_key", app_key)?;
        let plain = Zeroizing::new(self.key.decrypt(Pkcs1v15Encrypt, &ciphertext).map_err(
            |source| CryptoError::Rsa {
                field: "app_key",
                source,
            },
        )?);
        AppKey::try_from_slice(&plain)
    }

    /// Makes a self-signed X.509 certificate for this key (SHA-256 with RSA), subject
    /// `CN=<common_name>`, valid from `not_before` to `not_after`, and returns it as a
    /// [`GstnPublicKey`] (its PEM is [`GstnPublicKey::certificate_pem`]).
    pub fn self_signed_certificate(
        &self,
        common_name: &str,
        not_before: DateTime<Utc>,
        not_after: DateTime<Utc>,
    ) -> Result<GstnPublicKey, KeyError> {
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(self.key.clone());
        let subject = Name::from_str(&format!("CN={}", escape_rdn(common_name))).map_err(|e| {
            KeyError::Encode {
                what: "subject name",
                detail: e.to_string(),
            }
        })?;
        let validity = Validity {
            not_before: cert_time(not_before)?,
            not_after: cert_time(not_after)?,
        };
        let mut serial = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut serial);
        serial[0] &= 0x7f; // a positive INTEGER
        serial[0] |= 0x01; // and no leading zero byte
        let serial = SerialNumber::new(&serial).map_err(KeyError::Certificate)?;
        let spki_der = rsa::pkcs8::EncodePublicKey::to_public_key_der(&self.key.to_public_key())
            .map_err(|e| KeyError::Encode {
                what: "public key",
                detail: e.to_string(),
            })?;
        let spki = SubjectPublicKeyInfoOwned::from_der(spki_der.as_bytes())
            .map_err(KeyError::Certificate)?;
        let builder =
            CertificateBuilder::new(Profile::Root, serial, validity, subject, spki, &signer)
                .map_err(KeyError::Build)?;
        let cert = builder
            .build::<rsa::pkcs1v15::Signature>()
            .map_err(KeyError::Build)?;
        let pem = cert
            .to_pem(der::pem::LineEnding::LF)
            .map_err(|e| KeyError::Encode {
                what: "certificate",
                detail: e.to_string(),
            })?;
        GstnPublicKey::from_pem(&pem)
    }
}

/// Escapes the RFC 4514 special characters of a common name.
fn escape_rdn(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A certificate time: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5).
fn cert_time(time: DateTime<Utc>) -> Result<Time, KeyError> {
    let secs = u64::try_from(time.timestamp()).map_err(|_| KeyError::Time { time })?;
    let system = SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
    let utc = der::asn1::UtcTime::from_system_time(system);
    match utc {
        Ok(utc) => Ok(Time::UtcTime(utc)),
        Err(_) => der::asn1::GeneralizedTime::from_system_time(system)
            .map(Time::GeneralTime)
            .map_err(|_| KeyError::Time { time }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cert_time_switches_to_generalized_in_2050() {
        let early = DateTime::parse_from_rfc3339("2049-12-31T23:59:59Z").unwrap();
        let late = DateTime::parse_from_rfc3339("2050-01-01T00:00:00Z").unwrap();
        assert!(matches!(cert_time(early.into()), Ok(Time::UtcTime(_))));
        assert!(matches!(cert_time(late.into()), Ok(Time::GeneralTime(_))));
        let before_epoch = DateTime::parse_from_rfc3339("1960-01-01T00:00:00Z").unwrap();
        assert!(cert_time(before_epoch.into()).is_err());
    }

    #[test]
    fn escape_rdn_escapes_specials() {
        assert_eq!(escape_rdn("a,b=c"), "a\\,b\\=c");
    }

    #[test]
    fn pem_lines_are_64_wide() {
        let pem = der_to_pem("CERTIFICATE", &[7u8; 100]);
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
    }
}
