//! Writing a detached CAdES-BES SignedData (RFC 5652, RFC 5035, ETSI EN 319 122-1).

use der::Encode;
use ring::digest::{digest, SHA256 as RING_SHA256};
use time::OffsetDateTime;

use super::der::*;
use super::ecdsa::raw_to_der;
use crate::document::DocumentError;
use crate::jws::{Algorithm, KeyKind, Signer};

/// Signs the document whose SHA-256 is `content_sha256`; `chain` is DER, signer first.
pub(crate) fn sign(
    key: &dyn Signer,
    chain: &[Vec<u8>],
    content_sha256: &[u8; 32],
    signing_time: Option<OffsetDateTime>,
) -> Result<Vec<u8>, DocumentError> {
    let leaf = chain.first().ok_or(DocumentError::CmsNeedsCertificate)?;
    let (alg, signature_algorithm) = match key.kind() {
        KeyKind::Rsa { .. } => (Algorithm::Rs256, algorithm_null(&SHA256_WITH_RSA)),
        KeyKind::EcP256 => (Algorithm::Es256, algorithm(&ECDSA_SHA256)),
        other => return Err(DocumentError::CmsUnsupportedKey { key: other }),
    };
    let (issuer, serial) = issuer_and_serial(leaf)?;
    let issuer_and_serial = seq(&[&issuer, &serial]);

    let mut attributes = vec![
        attribute(&CONTENT_TYPE, oid(&ID_DATA)),
        attribute(&MESSAGE_DIGEST, tlv(OCTET_STRING, content_sha256)),
        attribute(
            &SIGNING_CERTIFICATE_V2,
            signing_certificate_v2(leaf, &issuer, &serial),
        ),
    ];
    if let Some(at) = signing_time {
        attributes.push(attribute(&SIGNING_TIME, time(at)));
    }
    // The signature covers the DER of the attributes as a SET OF (RFC 5652 section 5.4); in the
    // SignerInfo the same bytes carry the IMPLICIT [0] tag.
    let signed_set = set_of(SET, attributes);
    let raw = crate::jws::sign_checked(key, alg, &signed_set)?;
    let signature = match alg {
        Algorithm::Es256 => raw_to_der(&raw),
        _ => raw,
    };
    let mut signed_attrs = signed_set;
    signed_attrs[0] = CONTEXT_0;

    let digest_algorithm = algorithm(&SHA256);
    let signer_info = seq(&[
        &unsigned(&[1]),
        &issuer_and_serial,
        &digest_algorithm,
        &signed_attrs,
        &signature_algorithm,
        &tlv(OCTET_STRING, &signature),
    ]);
    let signed_data = seq(&[
        &unsigned(&[1]),
        &set_of(SET, vec![digest_algorithm.clone()]),
        &seq(&[&oid(&ID_DATA)]),
        &set_of(CONTEXT_0, chain.to_vec()),
        &set_of(SET, vec![signer_info]),
    ]);
    Ok(seq(&[&oid(&ID_SIGNED_DATA), &tlv(CONTEXT_0, &signed_data)]))
}

/// `Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value }` with one value.
fn attribute(id: &const_oid::ObjectIdentifier, value: Vec<u8>) -> Vec<u8> {
    seq(&[&oid(id), &set_of(SET, vec![value])])
}

/// The signer certificate's issuer `Name` (DER) and serial number (DER INTEGER).
fn issuer_and_serial(cert_der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), DocumentError> {
    let bad = |e: der::Error| DocumentError::BadCertificate {
        reason: e.to_string(),
    };
    let cert = <x509_cert::Certificate as der::Decode>::from_der(cert_der).map_err(bad)?;
    let tbs = cert.tbs_certificate();
    let issuer = tbs.issuer().to_der().map_err(bad)?;
    let serial = tbs.serial_number().to_der().map_err(bad)?;
    Ok((issuer, serial))
}

/// ESS `SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }` naming the signer
/// certificate: `ESSCertIDv2 ::= SEQUENCE { certHash OCTET STRING, issuerSerial IssuerSerial }`
/// (hashAlgorithm left out: its DEFAULT is SHA-256, and DER omits defaults).
fn signing_certificate_v2(cert_der: &[u8], issuer: &[u8], serial: &[u8]) -> Vec<u8> {
    let cert_hash = digest(&RING_SHA256, cert_der);
    let general_names = seq(&[&tlv(CONTEXT_4, issuer)]);
    let issuer_serial = seq(&[&general_names, serial]);
    let cert_id = seq(&[&tlv(OCTET_STRING, cert_hash.as_ref()), &issuer_serial]);
    seq(&[&seq(&[&cert_id])])
}
