//! Parsed certificates and `x5c`-style chains (DER, leaf first).

use std::sync::{Arc, OnceLock};

use der::{Decode, Encode};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_cert::time::Time;

use super::error::TrustError;
use super::times::from_secs;
use crate::hex::hex;

/// One X.509 certificate: its DER bytes and the x509-cert parse of them. Cloning is cheap
/// (shared, immutable): validated paths and reports hand the same certificates to every record
/// of a batch.
#[derive(Clone, Debug)]
pub struct Certificate(Arc<Parsed>);

#[derive(Debug)]
struct Parsed {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
    /// The RFC 4514 subject and issuer, formatted on first use.
    subject_text: OnceLock<String>,
    issuer_text: OnceLock<String>,
    /// The subjectAltName entries (RFC 5280 §4.2.1.6), decoded on first use: the signer
    /// identity check reads them for every signature the certificate makes.
    alt_names: OnceLock<Vec<x509_cert::ext::pkix::name::GeneralName>>,
    /// SHA-256 of the DER, computed on first use: the key that names this exact certificate
    /// in caches.
    fingerprint: OnceLock<[u8; 32]>,
}

impl Certificate {
    /// Parses one DER certificate; `index` only labels the error.
    pub(crate) fn parse(der: Vec<u8>, index: usize) -> Result<Self, TrustError> {
        let parsed = x509_cert::Certificate::from_der(&der)
            .map_err(|source| TrustError::BadCertificate { index, source })?;
        Ok(Self(Arc::new(Parsed {
            der,
            parsed,
            subject_text: OnceLock::new(),
            issuer_text: OnceLock::new(),
            alt_names: OnceLock::new(),
            fingerprint: OnceLock::new(),
        })))
    }

    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, TrustError> {
        Self::parse(der.to_vec(), 0)
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// SHA-256 of the DER bytes.
    pub(crate) fn fingerprint(&self) -> &[u8; 32] {
        self.0.fingerprint.get_or_init(|| {
            let mut out = [0u8; 32];
            out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, &self.0.der).as_ref());
            out
        })
    }

    /// The x509-cert view, for extensions this module does not interpret.
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.0.parsed
    }

    /// The subject distinguished name in RFC 4514 form.
    pub fn subject(&self) -> String {
        self.0
            .subject_text
            .get_or_init(|| distinguished_name(self.0.parsed.tbs_certificate().subject()))
            .clone()
    }

    /// The issuer distinguished name in RFC 4514 form.
    pub fn issuer(&self) -> String {
        self.0
            .issuer_text
            .get_or_init(|| distinguished_name(self.0.parsed.tbs_certificate().issuer()))
            .clone()
    }

    /// The subjectAltName entries; empty when the extension is absent or does not decode.
    pub(crate) fn alt_names(&self) -> &[x509_cert::ext::pkix::name::GeneralName] {
        self.0.alt_names.get_or_init(|| {
            match self
                .0
                .parsed
                .tbs_certificate()
                .get_extension::<x509_cert::ext::pkix::SubjectAltName>()
            {
                Ok(Some((_, san))) => san.0,
                _ => Vec::new(),
            }
        })
    }

    /// The serial number in lower-case hex, as CRLs list it.
    pub fn serial_hex(&self) -> String {
        hex(self.0.parsed.tbs_certificate().serial_number().as_bytes())
    }

    /// Start of the validity period (inclusive).
    pub fn not_before(&self) -> UnixTime {
        unix(self.0.parsed.tbs_certificate().validity().not_before)
    }

    /// End of the validity period (inclusive, as RFC 5280 and webpki treat it).
    pub fn not_after(&self) -> UnixTime {
        unix(self.0.parsed.tbs_certificate().validity().not_after)
    }

    /// True when the certificate says it is a CA (basicConstraints `cA` TRUE, RFC 5280
    /// section 4.2.1.9); false without the extension or when it cannot be read.
    pub fn is_ca(&self) -> bool {
        self.x509()
            .tbs_certificate()
            .get_extension::<x509_cert::ext::pkix::BasicConstraints>()
            .ok()
            .flatten()
            .is_some_and(|(_, bc)| bc.ca)
    }

    /// True when `t` lies within `[notBefore, notAfter]`.
    pub fn valid_at(&self, t: UnixTime) -> bool {
        self.not_before() <= t && t <= self.not_after()
    }

    /// DER of the issuer name, for exact comparison with a CRL's issuer.
    pub(crate) fn subject_der(&self) -> Vec<u8> {
        self.0
            .parsed
            .tbs_certificate()
            .subject()
            .to_der()
            .unwrap_or_default()
    }

    pub(crate) fn issuer_der(&self) -> Vec<u8> {
        self.0
            .parsed
            .tbs_certificate()
            .issuer()
            .to_der()
            .unwrap_or_default()
    }

    /// DER of the SubjectPublicKeyInfo.
    pub(crate) fn spki_der(&self) -> Vec<u8> {
        self.0
            .parsed
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap_or_default()
    }

    /// The certificate as the pki-types newtype webpki takes.
    pub(crate) fn as_pki(&self) -> CertificateDer<'_> {
        CertificateDer::from(self.0.der.as_slice())
    }
}

/// A signer's certificate chain as carried in JWS `x5c`: the leaf first, then any
/// intermediates in any order. Never empty.
#[derive(Clone, Debug)]
pub struct CertificateChain {
    leaf: Certificate,
    rest: Vec<Certificate>,
}

impl CertificateChain {
    /// Parses DER certificates, leaf first.
    ///
    /// # Errors
    /// [`TrustError::EmptyChain`] for an empty list, [`TrustError::BadCertificate`] naming the
    /// first entry that is not a DER certificate.
    pub fn from_der(certs: Vec<Vec<u8>>) -> Result<Self, TrustError> {
        Self::from_parsed(
            certs
                .into_iter()
                .enumerate()
                .map(|(i, der)| Certificate::parse(der, i)),
        )
    }

    /// A chain of certificates parsed already (leaf first); the first failure is the error.
    pub(crate) fn from_parsed(
        mut parsed: impl Iterator<Item = Result<Certificate, TrustError>>,
    ) -> Result<Self, TrustError> {
        let leaf = parsed.next().ok_or(TrustError::EmptyChain)??;
        let rest = parsed.collect::<Result<Vec<_>, _>>()?;
        Ok(Self { leaf, rest })
    }

    /// Parses a PEM file of certificates, leaf first (or one DER certificate).
    ///
    /// # Errors
    /// [`TrustError::BadPem`], [`TrustError::NoCertificateInPem`], [`TrustError::BadCertificate`].
    pub fn from_pem(bytes: &[u8]) -> Result<Self, TrustError> {
        let certs = certificates_from_pem(&[bytes])?;
        Self::from_der(certs.into_iter().map(|c| c.der().to_vec()).collect())
    }

    /// The DER of every certificate, leaf first (the `x5c` order).
    pub fn to_der_list(&self) -> Vec<Vec<u8>> {
        std::iter::once(&self.leaf)
            .chain(&self.rest)
            .map(|c| c.der().to_vec())
            .collect()
    }

    /// The signer (leaf) certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }

    /// The certificates after the leaf, as given.
    pub fn intermediates(&self) -> &[Certificate] {
        &self.rest
    }
}

/// Parses every `CERTIFICATE` section of several PEM blobs (a single DER certificate is also
/// accepted per blob), in order. Each blob must hold at least one certificate.
///
/// # Errors
/// [`TrustError::BadPem`], [`TrustError::BadCertificate`] and
/// [`TrustError::NoCertificateInPem`], naming the blob by its index.
pub fn certificates_from_pem(blobs: &[&[u8]]) -> Result<Vec<Certificate>, TrustError> {
    let mut out = Vec::new();
    for (blob, bytes) in blobs.iter().enumerate() {
        if bytes.first() == Some(&0x30) {
            out.push(Certificate::parse(bytes.to_vec(), blob)?);
            continue;
        }
        let before = out.len();
        for item in CertificateDer::pem_slice_iter(bytes) {
            let der = item.map_err(|source| TrustError::BadPem { blob, source })?;
            out.push(Certificate::parse(der.to_vec(), blob)?);
        }
        if out.len() == before {
            return Err(TrustError::NoCertificateInPem { blob });
        }
    }
    Ok(out)
}

fn unix(t: Time) -> UnixTime {
    from_secs(t.to_unix_duration().as_secs())
}

/// Short names of the attribute types certificates name people and organisations with.
const ATTRIBUTE_NAMES: [(&str, &str); 12] = [
    ("2.5.4.3", "CN"),
    ("2.5.4.4", "SN"),
    ("2.5.4.5", "serialNumber"),
    ("2.5.4.6", "C"),
    ("2.5.4.7", "L"),
    ("2.5.4.8", "ST"),
    ("2.5.4.9", "STREET"),
    ("2.5.4.10", "O"),
    ("2.5.4.11", "OU"),
    ("2.5.4.42", "GN"),
    ("1.2.840.113549.1.9.1", "EMAIL"),
    ("0.9.2342.19200300.100.1.25", "DC"),
];

/// RFC 4514 text of a distinguished name (last RDN first), with short names for common
/// attribute types and the dotted OID for others. Written here because the generic formatter
/// looks every OID up in a large name table, which dominated batch verification.
pub(crate) fn distinguished_name(name: &x509_cert::name::Name) -> String {
    use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
    use der::{Tag, Tagged};

    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let oid = atv.oid.to_string();
                    let label = ATTRIBUTE_NAMES
                        .iter()
                        .find(|(o, _)| *o == oid)
                        .map_or(oid.as_str(), |(_, n)| n);
                    let any = &atv.value;
                    let text = match any.tag() {
                        Tag::Utf8String => Utf8StringRef::try_from(any)
                            .ok()
                            .map(|s| s.as_str().to_owned()),
                        Tag::PrintableString => PrintableStringRef::try_from(any)
                            .ok()
                            .map(|s| s.as_str().to_owned()),
                        Tag::Ia5String => Ia5StringRef::try_from(any)
                            .ok()
                            .map(|s| s.as_str().to_owned()),
                        Tag::TeletexString => TeletexStringRef::try_from(any)
                            .ok()
                            .map(|s| s.as_str().to_owned()),
                        _ => None,
                    };
                    let value = match text {
                        Some(text) => escape_rfc4514(&text),
                        None => format!("#{}", hex(any.value())),
                    };
                    format!("{label}={value}")
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

/// Escapes an attribute value per RFC 4514 section 2.4.
fn escape_rfc4514(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
