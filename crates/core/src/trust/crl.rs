//! Certificate revocation lists given offline by the caller (PEM or DER).

use der::{Decode, Encode};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateRevocationListDer, UnixTime};
use x509_cert::crl::CertificateList;

use super::certificate::Certificate;
use super::error::TrustError;
use super::signed_data::{self, SignedDataError};
use super::times::from_secs;
use crate::hex::hex;

/// `expiredCertsOnCRL` (2.5.29.60).
const EXPIRED_CERTS_ON_CRL: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.60");

/// One parsed CRL. Its signature is checked during validation, against the key of the CA
/// certificate that issued the certificate being checked.
#[derive(Clone, Debug)]
pub struct Crl {
    der: Vec<u8>,
    parsed: CertificateList,
}

impl Crl {
    /// Reads a CRL from PEM (`-----BEGIN X509 CRL-----`) or DER bytes.
    ///
    /// # Errors
    /// [`TrustError::BadCrl`] when the bytes are neither.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, TrustError> {
        let der = if bytes.first() == Some(&0x30) {
            bytes.to_vec()
        } else {
            CertificateRevocationListDer::from_pem_slice(bytes)
                .map_err(|e| TrustError::BadCrl {
                    reason: format!("PEM: {e}"),
                })?
                .as_ref()
                .to_vec()
        };
        let parsed = CertificateList::from_der(&der).map_err(|e| TrustError::BadCrl {
            reason: format!("DER: {e}"),
        })?;
        Ok(Self { der, parsed })
    }

    /// The issuer distinguished name in RFC 4514 form.
    pub fn issuer(&self) -> String {
        self.parsed.tbs_cert_list.issuer.to_string()
    }

    /// `thisUpdate`.
    pub fn this_update(&self) -> UnixTime {
        from_secs(
            self.parsed
                .tbs_cert_list
                .this_update
                .to_unix_duration()
                .as_secs(),
        )
    }

    /// `nextUpdate`, if present.
    pub fn next_update(&self) -> Option<UnixTime> {
        let next = self.parsed.tbs_cert_list.next_update?;
        Some(from_secs(next.to_unix_duration().as_secs()))
    }

    /// True when the CRL is current at `t`: `thisUpdate <= t < nextUpdate` (no `nextUpdate`:
    /// current from `thisUpdate` on).
    pub fn current_at(&self, t: UnixTime) -> bool {
        self.this_update() <= t && self.next_update().is_none_or(|next| t < next)
    }

    /// True when this CRL's issuer name is the certificate's issuer name (byte-exact DER).
    pub(crate) fn covers(&self, cert: &Certificate) -> bool {
        self.parsed
            .tbs_cert_list
            .issuer
            .to_der()
            .is_ok_and(|d| d == cert.issuer_der())
    }

    /// The revocation date if the certificate's serial number is listed.
    pub(crate) fn revocation_of(&self, cert: &Certificate) -> Option<UnixTime> {
        let serial = cert.x509().tbs_certificate().serial_number().as_bytes();
        self.parsed
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten()
            .find(|r| r.serial_number.as_bytes() == serial)
            .map(|r| from_secs(r.revocation_date.to_unix_duration().as_secs()))
    }

    /// Verifies the CRL signature with the issuer certificate's key.
    pub(crate) fn verify_signature(&self, issuer_spki_der: &[u8]) -> Result<(), SignedDataError> {
        let tbs = signed_data::tbs_bytes(&self.der).ok_or(SignedDataError::BadSignature)?;
        let signature = self
            .parsed
            .signature
            .as_bytes()
            .ok_or(SignedDataError::BadSignature)?;
        signed_data::verify(
            issuer_spki_der,
            &self.parsed.signature_algorithm,
            &tbs,
            signature,
        )
    }

    /// True when the CRL carries the `expiredCertsOnCRL` extension (RFC 5280 section 5.2.7 /
    /// X.509 2.5.29.60): certificates stay listed after they expire.
    pub fn keeps_expired_certs(&self) -> bool {
        let extensions = self.parsed.tbs_cert_list.crl_extensions.iter().flatten();
        extensions
            .into_iter()
            .any(|e| e.extn_id == EXPIRED_CERTS_ON_CRL)
    }

    /// Serial numbers listed, in hex (for evidence).
    pub fn revoked_serials(&self) -> Vec<String> {
        let list = self
            .parsed
            .tbs_cert_list
            .revoked_certificates
            .iter()
            .flatten();
        list.map(|r| hex(r.serial_number.as_bytes())).collect()
    }
}
