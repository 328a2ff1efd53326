//! Offline OCSP responses (RFC 6960) as a second source of revocation status: a DER
//! `OCSPResponse` the caller stored (a stapled or archived response), checked without any
//! network access. A response counts for a certificate only when its `CertID` names that
//! certificate and its issuer (§4.1.1), its signature verifies with the issuing CA's key or
//! with a responder certificate the CA issued for OCSP signing (§4.2.2.2), and the validation
//! instant lies within `thisUpdate`..`nextUpdate` (§4.2.2.1).

use const_oid::ObjectIdentifier;
use der::asn1::{BitString, GeneralizedTime, Null, OctetString};
use der::{Choice, Decode, Encode, Enumerated, Sequence};
use ring::digest;
use rustls_pki_types::UnixTime;
use x509_cert::ext::pkix::ExtendedKeyUsage;
use x509_cert::ext::Extensions;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::AlgorithmIdentifierOwned;

use super::certificate::Certificate;
use super::error::TrustError;
use super::signed_data;
use super::times::from_secs;

/// `id-pkix-ocsp-basic` (RFC 6960 §4.2.1).
const OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// `id-kp-OCSPSigning` (RFC 6960 §4.2.2.2).
const OCSP_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.9");
/// SHA-1 and SHA-256, the CertID hash algorithms accepted.
const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");

/// The largest OCSP response read (a response holds a few certificates at most).
pub const MAX_OCSP_BYTES: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[repr(u32)]
enum ResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct OcspResponseAsn1 {
    response_status: ResponseStatus,
    #[asn1(context_specific = "0", optional = "true")]
    response_bytes: Option<ResponseBytes>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct ResponseBytes {
    response_type: ObjectIdentifier,
    response: OctetString,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct BasicOcspResponse {
    tbs_response_data: ResponseData,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    #[asn1(context_specific = "0", optional = "true")]
    certs: Option<Vec<x509_cert::Certificate>>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct ResponseData {
    #[asn1(context_specific = "0", optional = "true")]
    version: Option<u8>,
    responder_id: ResponderId,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", optional = "true")]
    response_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Choice)]
enum ResponderId {
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Name),
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SingleResponse {
    cert_id: CertId,
    cert_status: CertStatus,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", optional = "true")]
    next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", optional = "true")]
    single_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct CertId {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: OctetString,
    issuer_key_hash: OctetString,
    serial_number: SerialNumber,
}

#[derive(Clone, Debug, Eq, PartialEq, Choice)]
enum CertStatus {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct RevokedInfo {
    revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", optional = "true")]
    revocation_reason: Option<CrlReason>,
}

#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[repr(u32)]
enum CrlReason {
    Unspecified = 0,
    KeyCompromise = 1,
    CaCompromise = 2,
    AffiliationChanged = 3,
    Superseded = 4,
    CessationOfOperation = 5,
    CertificateHold = 6,
    RemoveFromCrl = 8,
    PrivilegeWithdrawn = 9,
    AaCompromise = 10,
}

/// One OCSP response given offline (DER `OCSPResponse`, RFC 6960 §4.2.1).
#[derive(Clone, Debug)]
pub struct OcspResponse {
    basic: BasicOcspResponse,
    tbs: Vec<u8>,
}

/// What an OCSP response says about one certificate, once it was found authentic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OcspStatus {
    /// Not revoked, current at the instant.
    Good,
    /// Revoked at this time.
    Revoked(UnixTime),
    /// The responder does not know the certificate.
    Unknown,
}

/// Why an OCSP response that names a certificate does not count for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OcspProblem {
    /// The signature does not verify with the CA's key nor with an authorised responder's.
    NotAuthentic(&'static str),
    /// The instant is outside `thisUpdate`..`nextUpdate`.
    NotCurrent {
        this_update: UnixTime,
        next_update: Option<UnixTime>,
    },
}

impl OcspResponse {
    /// Reads a DER `OCSPResponse`. Only a successful response of the basic type is accepted.
    ///
    /// # Errors
    /// [`TrustError::BadOcsp`] naming what is wrong.
    pub fn from_der(bytes: &[u8]) -> Result<Self, TrustError> {
        let bad = |reason: String| TrustError::BadOcsp { reason };
        if bytes.len() > MAX_OCSP_BYTES {
            return Err(bad(format!(
                "{} bytes, more than the {MAX_OCSP_BYTES} an OCSP response may have",
                bytes.len()
            )));
        }
        let outer = OcspResponseAsn1::from_der(bytes).map_err(|e| bad(format!("DER: {e}")))?;
        if outer.response_status != ResponseStatus::Successful {
            return Err(bad(format!(
                "the responder answered {:?}, not successful (RFC 6960 §4.2.1)",
                outer.response_status
            )));
        }
        let response_bytes = outer
            .response_bytes
            .ok_or_else(|| bad("a successful response without responseBytes".into()))?;
        if response_bytes.response_type != OCSP_BASIC {
            return Err(bad(format!(
                "response type {} is not id-pkix-ocsp-basic",
                response_bytes.response_type
            )));
        }
        let der = response_bytes.response.as_bytes();
        let basic = BasicOcspResponse::from_der(der).map_err(|e| bad(format!("DER: {e}")))?;
        let tbs = signed_data::tbs_bytes(der).ok_or_else(|| bad("no tbsResponseData".into()))?;
        Ok(Self { basic, tbs })
    }

    /// When the responder produced the response.
    pub fn produced_at(&self) -> UnixTime {
        time_of(&self.basic.tbs_response_data.produced_at)
    }

    /// The single response about `cert` (issued by `issuer`), when the response has one; of
    /// several, a "revoked" one first.
    fn single_for(&self, cert: &Certificate, issuer: &Certificate) -> Option<&SingleResponse> {
        let serial = cert.x509().tbs_certificate().serial_number();
        let name = issuer.subject_der();
        let key = issuer_key_bits(issuer);
        let mut matching = self
            .basic
            .tbs_response_data
            .responses
            .iter()
            .filter(|single| {
                let id = &single.cert_id;
                let alg = match id.hash_algorithm.oid {
                    SHA1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
                    SHA256 => &digest::SHA256,
                    _ => return false,
                };
                &id.serial_number == serial
                    && digest::digest(alg, &name).as_ref() == id.issuer_name_hash.as_bytes()
                    && digest::digest(alg, &key).as_ref() == id.issuer_key_hash.as_bytes()
            })
            .peekable();
        let first = *matching.peek()?;
        Some(
            matching
                .find(|single| matches!(single.cert_status, CertStatus::Revoked(_)))
                .unwrap_or(first),
        )
    }

    /// Whether this response names `cert` as issued by `issuer` (in any of its single
    /// responses).
    pub(crate) fn names(&self, cert: &Certificate, issuer: &Certificate) -> bool {
        self.single_for(cert, issuer).is_some()
    }

    /// The status of `cert` at `at`, when the response names it and is authentic and current.
    pub(crate) fn status(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: UnixTime,
    ) -> Option<Result<OcspStatus, OcspProblem>> {
        let single = self.single_for(cert, issuer)?;
        if let Err(why) = self.authenticate(issuer, at) {
            return Some(Err(OcspProblem::NotAuthentic(why)));
        }
        let status = match &single.cert_status {
            // An authentic "revoked" answer stands whatever its dates, as a CRL entry does:
            // the certificate was revoked at that time.
            CertStatus::Revoked(info) => {
                return Some(Ok(OcspStatus::Revoked(time_of(&info.revocation_time))))
            }
            CertStatus::Good(_) => OcspStatus::Good,
            CertStatus::Unknown(_) => OcspStatus::Unknown,
        };
        let this_update = time_of(&single.this_update);
        let next_update = single.next_update.as_ref().map(time_of);
        // RFC 6960 §4.2.2.1: without nextUpdate newer information is available all the time,
        // so the answer speaks only for the moment it was produced, not for a later instant.
        let until = next_update.unwrap_or_else(|| {
            UnixTime::since_unix_epoch(std::time::Duration::from_secs(
                self.produced_at().as_secs().max(this_update.as_secs()) + 1,
            ))
        });
        if at < this_update || at >= until {
            return Some(Err(OcspProblem::NotCurrent {
                this_update,
                next_update,
            }));
        }
        Some(Ok(status))
    }

    /// RFC 6960 §4.2.2.2: signed by the CA itself, or by a responder certificate the CA issued
    /// with id-kp-OCSPSigning, valid at `at`, named by the responderID.
    fn authenticate(&self, issuer: &Certificate, at: UnixTime) -> Result<(), &'static str> {
        let signature = self
            .basic
            .signature
            .as_bytes()
            .ok_or("the signature is not a whole number of bytes")?;
        let alg = &self.basic.signature_algorithm;
        let verifies = |spki: &[u8]| signed_data::verify(spki, alg, &self.tbs, signature).is_ok();
        if self.responder_is(issuer) && verifies(&issuer.spki_der()) {
            return Ok(());
        }
        for der in self.basic.certs.iter().flatten() {
            let Ok(bytes) = der.to_der() else { continue };
            let Ok(responder) = Certificate::from_der(&bytes) else {
                continue;
            };
            if !self.responder_is(&responder) || !verifies(&responder.spki_der()) {
                continue;
            }
            if responder.issuer_der() != issuer.subject_der() {
                return Err("the responder certificate was not issued by the certificate's CA");
            }
            let Some(tbs) = signed_data::tbs_bytes(responder.der()) else {
                return Err("the responder certificate is malformed");
            };
            let cert_signature = responder.x509().signature().as_bytes().unwrap_or_default();
            let cert_alg = responder.x509().signature_algorithm();
            if signed_data::verify(&issuer.spki_der(), cert_alg, &tbs, cert_signature).is_err() {
                return Err(
                    "the responder certificate's signature does not verify with the CA's key",
                );
            }
            let delegated = responder
                .x509()
                .tbs_certificate()
                .get_extension::<ExtendedKeyUsage>()
                .ok()
                .flatten()
                .is_some_and(|(_, eku)| eku.0.contains(&OCSP_SIGNING));
            if !delegated {
                return Err(
                    "the responder certificate lacks id-kp-OCSPSigning (RFC 6960 §4.2.2.2)",
                );
            }
            if !responder.valid_at(at) {
                return Err("the responder certificate is not valid at the instant");
            }
            return Ok(());
        }
        Err("the signature verifies neither with the CA's key nor with an authorised responder's")
    }

    /// Whether the responderID names `cert` (by subject, or by the SHA-1 of its key).
    fn responder_is(&self, cert: &Certificate) -> bool {
        match &self.basic.tbs_response_data.responder_id {
            ResponderId::ByName(name) => name.to_der().ok() == Some(cert.subject_der()),
            ResponderId::ByKey(hash) => {
                digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &issuer_key_bits(cert)).as_ref()
                    == hash.as_bytes()
            }
        }
    }
}

/// The subjectPublicKey BIT STRING contents of `cert` (what CertID and responderID hash).
fn issuer_key_bits(cert: &Certificate) -> Vec<u8> {
    cert.x509()
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec()
}

fn time_of(t: &GeneralizedTime) -> UnixTime {
    from_secs(t.to_unix_duration().as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_and_unsuccessful_responses_are_refused() {
        assert!(OcspResponse::from_der(b"").is_err());
        assert!(OcspResponse::from_der(&[0x30, 0x03, 0x0a, 0x01, 0x03]).is_err()); // tryLater
        assert!(OcspResponse::from_der(&vec![0x30; MAX_OCSP_BYTES + 1]).is_err());
    }
}
