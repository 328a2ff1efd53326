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

/// `cRLNumber` (RFC 5280 §5.2.3).
const CRL_NUMBER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.20");
/// `deltaCRLIndicator` (§5.2.4).
const DELTA_CRL_INDICATOR: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.27");
/// `issuingDistributionPoint` (§5.2.5).
const ISSUING_DISTRIBUTION_POINT: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.28");
/// `authorityKeyIdentifier` (§5.2.1).
const AUTHORITY_KEY_IDENTIFIER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.35");
/// `freshestCRL` (§5.2.6).
const FRESHEST_CRL: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.46");
/// `authorityInfoAccess` (§5.2.7).
const AUTHORITY_INFO_ACCESS: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
/// Entry extensions: `reasonCode`, `invalidityDate` (§5.3.1, §5.3.2); `certificateIssuer`
/// (§5.3.3) makes the CRL indirect.
const REASON_CODE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.21");
const INVALIDITY_DATE: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.24");
const CERTIFICATE_ISSUER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.29.29");

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

    /// Why this CRL cannot stand as the complete revocation list of its issuer, if it cannot:
    /// no `nextUpdate` (§5.1.2.5), no `cRLNumber` or a critical one (RFC 5280 §5.2.3), a delta CRL (§5.2.4) or one whose
    /// scope is narrowed by an `issuingDistributionPoint` (§5.2.5), which fhirsig does not
    /// evaluate, an indirect CRL (`certificateIssuer` entries, §5.3.3), or a critical extension
    /// fhirsig does not know (§5.2, §5.3). Such a CRL proves neither "revoked" nor "good".
    pub fn unusable_because(&self) -> Option<String> {
        let tbs = &self.parsed.tbs_cert_list;
        if tbs.next_update.is_none() {
            return Some(
                "it has no nextUpdate (RFC 5280 §5.1.2.5), so it says nothing about any later instant"
                    .into(),
            );
        }
        let extensions: Vec<_> = tbs.crl_extensions.iter().flatten().collect();
        match extensions.iter().find(|e| e.extn_id == CRL_NUMBER) {
            None => return Some("it has no cRLNumber (RFC 5280 §5.2.3)".into()),
            Some(e) if e.critical => {
                return Some("its cRLNumber is critical (RFC 5280 §5.2.3: non-critical)".into())
            }
            _ => {}
        }
        if extensions.iter().any(|e| e.extn_id == DELTA_CRL_INDICATOR) {
            return Some(
                "it is a delta CRL (RFC 5280 §5.2.4), which fhirsig does not apply to a base CRL"
                    .into(),
            );
        }
        if extensions
            .iter()
            .any(|e| e.extn_id == ISSUING_DISTRIBUTION_POINT)
        {
            return Some(
                "its issuingDistributionPoint narrows its scope (RFC 5280 §5.2.5), which fhirsig does not evaluate"
                    .into(),
            );
        }
        const KNOWN: [const_oid::ObjectIdentifier; 4] = [
            CRL_NUMBER,
            AUTHORITY_KEY_IDENTIFIER,
            FRESHEST_CRL,
            AUTHORITY_INFO_ACCESS,
        ];
        if let Some(e) = extensions.iter().find(|e| {
            e.critical && !KNOWN.contains(&e.extn_id) && e.extn_id != EXPIRED_CERTS_ON_CRL
        }) {
            return Some(format!(
                "it has a critical extension {} that fhirsig does not know (RFC 5280 §5.2)",
                e.extn_id
            ));
        }
        for entry in tbs.revoked_certificates.iter().flatten() {
            for e in entry.crl_entry_extensions.iter().flatten() {
                if e.extn_id == CERTIFICATE_ISSUER {
                    return Some(
                        "it is an indirect CRL (certificateIssuer entries, RFC 5280 §5.3.3), which fhirsig does not evaluate"
                            .into(),
                    );
                }
                if e.critical && e.extn_id != REASON_CODE && e.extn_id != INVALIDITY_DATE {
                    return Some(format!(
                        "an entry has a critical extension {} that fhirsig does not know (RFC 5280 §5.3)",
                        e.extn_id
                    ));
                }
            }
        }
        None
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
