//! Parsed certificates and `x5c`-style chains (DER, leaf first).

use der::{Decode, Encode};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, UnixTime};
use x509_cert::time::Time;

use super::error::TrustError;
use super::times::from_secs;

/// One X.509 certificate: its DER bytes and the x509-cert parse of them.
#[derive(Clone, Debug)]
pub struct Certificate {
    der: Vec<u8>,
    parsed: x509_cert::Certificate,
}

impl Certificate {
    /// Parses one DER certificate; `index` only labels the error.
    pub(crate) fn parse(der: Vec<u8>, index: usize) -> Result<Self, TrustError> {
        let parsed = x509_cert::Certificate::from_der(&der)
            .map_err(|source| TrustError::BadCertificate { index, source })?;
        Ok(Self { der, parsed })
    }

    /// Parses one DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, TrustError> {
        Self::parse(der.to_vec(), 0)
    }

    /// The DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// The x509-cert view, for extensions this module does not interpret.
    pub fn x509(&self) -> &x509_cert::Certificate {
        &self.parsed
    }

    /// The subject distinguished name in RFC 4514 form.
    pub fn subject(&self) -> String {
        self.parsed.tbs_certificate().subject().to_string()
    }

    /// The issuer distinguished name in RFC 4514 form.
    pub fn issuer(&self) -> String {
        self.parsed.tbs_certificate().issuer().to_string()
    }

    /// The serial number in lower-case hex, as CRLs list it.
    pub fn serial_hex(&self) -> String {
        hex(self.parsed.tbs_certificate().serial_number().as_bytes())
    }

    /// Start of the validity period (inclusive).
    pub fn not_before(&self) -> UnixTime {
        unix(self.parsed.tbs_certificate().validity().not_before)
    }

    /// End of the validity period (inclusive, as RFC 5280 and webpki treat it).
    pub fn not_after(&self) -> UnixTime {
        unix(self.parsed.tbs_certificate().validity().not_after)
    }

    /// True when `t` lies within `[notBefore, notAfter]`.
    pub fn valid_at(&self, t: UnixTime) -> bool {
        self.not_before() <= t && t <= self.not_after()
    }

    /// DER of the issuer name, for exact comparison with a CRL's issuer.
    pub(crate) fn issuer_der(&self) -> Vec<u8> {
        self.parsed
            .tbs_certificate()
            .issuer()
            .to_der()
            .unwrap_or_default()
    }

    /// DER of the SubjectPublicKeyInfo.
    pub(crate) fn spki_der(&self) -> Vec<u8> {
        self.parsed
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .unwrap_or_default()
    }

    /// The certificate as the pki-types newtype webpki takes.
    pub(crate) fn as_pki(&self) -> CertificateDer<'_> {
        CertificateDer::from(self.der.as_slice())
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
        let mut parsed = certs
            .into_iter()
            .enumerate()
            .map(|(i, der)| Certificate::parse(der, i));
        let leaf = parsed.next().ok_or(TrustError::EmptyChain)??;
        let rest = parsed.collect::<Result<Vec<_>, _>>()?;
        Ok(Self { leaf, rest })
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

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
