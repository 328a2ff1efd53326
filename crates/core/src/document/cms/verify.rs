//! Verifying a detached CMS SignedData over a document read from a stream.

use crate::report::CheckCode;
use std::io::Read;

use der::{Decode, Encode};
use ring::digest::{self, Context};
use rustls_pki_types::UnixTime;

use super::der::*;
use super::ecdsa::der_to_raw;
use super::parse::{self, SignedData, SignerId, SignerInfo};
use crate::der_reader::Reader;
use crate::document::digest::feed;
use crate::document::verifier::{signature_check, signing_time_check};
use crate::document::{DocumentError, DocumentVerifier};
use crate::hex::hex;
use crate::jws::{Algorithm, JwsError, KeyKind, VerifyingKey};
use crate::trust::{Check, Report, SubIndication};

impl DocumentVerifier {
    /// Verifies a detached CMS SignedData (DER, or PEM `CMS`/`PKCS7`) over the document read
    /// from `content`. Checks, in order: `signature-format`, `content-type`, `document-digest`
    /// (message-digest attribute against the document, which is streamed), `signing-certificate`
    /// (ESS signing-certificate-v2), `signer-certificate` if none is usable, `signature` (over
    /// the DER SET OF signed attributes), `signing-time`, then the chain checks. Without signed
    /// attributes the signature covers the document itself, which is then read into memory
    /// (ring verifies whole messages only).
    ///
    /// # Errors
    /// [`DocumentError::Read`] when reading `content` fails; every problem of the signature is
    /// a check in the report.
    pub fn verify_cms(&self, p7s: &[u8], content: impl Read) -> Result<Report, DocumentError> {
        let mut report = Report::new();
        const FORMAT: CheckCode = CheckCode::SignatureFormat;
        let der = match crate::jws::pem::first_section(p7s) {
            Ok(pem) if pem.label == "CMS" || pem.label == "PKCS7" => pem.der,
            _ => p7s.to_vec(),
        };
        let signed = match parse::parse(&der) {
            Ok(s) => s,
            Err(reason) => {
                report.push(Check::failed(FORMAT, SubIndication::FormatFailure, reason));
                return Ok(report);
            }
        };
        let Some(signer) = signed.signers.first() else {
            let msg = "the SignedData has no SignerInfo";
            report.push(Check::failed(FORMAT, SubIndication::FormatFailure, msg));
            return Ok(report);
        };
        if signed.has_content {
            let msg = "the SignedData carries its content: a detached signature was expected";
            report.push(Check::failed(FORMAT, SubIndication::FormatFailure, msg));
            return Ok(report);
        }
        let Some(hash) = digest_algorithm(signer.digest_algorithm) else {
            let msg = "the digest algorithm is not SHA-256, SHA-384 or SHA-512";
            report.push(Check::indeterminate(
                FORMAT,
                SubIndication::CryptoConstraintsFailure,
                msg,
            ));
            return Ok(report);
        };
        let mut format = Check::pass(FORMAT, "CMS SignedData, detached content")
            .with("signers", signed.signers.len().to_string())
            .with(
                "signed-attributes",
                signer.signed_attrs.is_some().to_string(),
            );
        if signed.signers.len() > 1 {
            format = Check::warn(
                FORMAT,
                "CMS SignedData with several signers: only the first is verified",
            );
        }
        report.push(format);

        let signer_cert = find_signer(&signed, signer);
        let message = match &signer.signed_attrs {
            Some((whole, _)) => {
                attribute_checks(&signed, signer, hash, content, signer_cert, &mut report)?;
                let mut set = whole.to_vec();
                set[0] = SET; // signed as SET OF, carried as [0] IMPLICIT (RFC 5652 section 5.4)
                set
            }
            None => {
                let mut bytes = Vec::new();
                let mut content = content;
                content
                    .read_to_end(&mut bytes)
                    .map_err(|source| DocumentError::Read {
                        document: "the document".to_owned(),
                        source,
                    })?;
                let msg = "no signed attributes: the signature covers the document itself";
                report.push(
                    Check::pass(CheckCode::DocumentDigest, msg)
                        .with("length", bytes.len().to_string()),
                );
                bytes
            }
        };
        if let Some(key) = self.signer_key(signer_cert, &mut report) {
            report.push(self.check_signature(signer, hash, &key, &message));
        }
        let (written, sig_t) = signing_time(signer);
        report.push(signing_time_check(
            written.as_deref(),
            sig_t,
            "the signing-time attribute",
        ));
        let mut chain: Vec<Vec<u8>> = signer_cert.map(|c| vec![c.to_vec()]).unwrap_or_default();
        chain.extend(
            signed
                .certificates
                .iter()
                .filter(|c| Some(**c) != signer_cert)
                .map(|c| c.to_vec()),
        );
        if signer_cert.is_none() {
            chain.clear();
        }
        self.chain_checks(chain, sig_t, &mut report);
        Ok(report)
    }

    fn check_signature(
        &self,
        signer: &SignerInfo<'_>,
        hash: &'static digest::Algorithm,
        key: &VerifyingKey,
        message: &[u8],
    ) -> Check {
        let Some(alg) = jose_algorithm(signer.signature_algorithm, hash, key.kind()) else {
            let msg = "the signature algorithm is not RSA PKCS#1 v1.5 or ECDSA with a matching digest and key";
            return Check::indeterminate(
                CheckCode::Signature,
                SubIndication::CryptoConstraintsFailure,
                msg,
            );
        };
        let result = self.algorithms.check(alg.name()).and_then(|alg| {
            let signature = match key.kind() {
                KeyKind::EcP256 => der_to_raw(signer.signature, 32),
                KeyKind::EcP384 => der_to_raw(signer.signature, 48),
                _ => Some(signer.signature.to_vec()),
            }
            .ok_or(JwsError::BadSignature)?;
            key.verify_signature(alg, message, &signature)
        });
        signature_check(result, alg.name())
    }
}

/// content-type, message-digest and ESS signing-certificate(-v2) checks.
fn attribute_checks(
    signed: &SignedData<'_>,
    signer: &SignerInfo<'_>,
    hash: &'static digest::Algorithm,
    content: impl Read,
    signer_cert: Option<&[u8]>,
    report: &mut Report,
) -> Result<(), DocumentError> {
    let content_type = match signer.attribute(CONTENT_TYPE.as_bytes()) {
        Some([(OID, value)]) if *value == signed.content_type => {
            Check::pass(CheckCode::ContentType, "the content-type attribute matches")
        }
        _ => Check::failed(
            CheckCode::ContentType,
            SubIndication::FormatFailure,
            "the content-type signed attribute is missing or does not match the content",
        ),
    };
    report.push(content_type);
    let mut context = Context::new(hash);
    let length = feed(&mut context, content).map_err(|source| DocumentError::Read {
        document: "the document".to_owned(),
        source,
    })?;
    let actual = context.finish();
    let check = match signer.attribute(MESSAGE_DIGEST.as_bytes()) {
        Some([(OCTET_STRING, signed_digest)]) if *signed_digest == actual.as_ref() => Check::pass(
            CheckCode::DocumentDigest,
            "the document is unchanged (message-digest attribute)",
        )
        .with("digest", hex(actual.as_ref())),
        Some([(OCTET_STRING, signed_digest)]) => Check::failed(
            CheckCode::DocumentDigest,
            SubIndication::HashFailure,
            "the document was changed: its digest differs from the message-digest attribute",
        )
        .with("signed-digest", hex(signed_digest))
        .with("digest", hex(actual.as_ref())),
        _ => Check::failed(
            CheckCode::DocumentDigest,
            SubIndication::FormatFailure,
            "the message-digest signed attribute is missing or malformed",
        ),
    };
    report.push(check.with("length", length.to_string()));
    report.push(signing_certificate_check(signer, signer_cert));
    Ok(())
}

/// ESS signing-certificate-v2 (RFC 5035): the first `ESSCertIDv2.certHash` must be the hash of
/// the signer certificate, which stops certificate substitution.
fn signing_certificate_check(signer: &SignerInfo<'_>, signer_cert: Option<&[u8]>) -> Check {
    const CODE: CheckCode = CheckCode::SigningCertificate;
    let Some(values) = signer.attribute(SIGNING_CERTIFICATE_V2.as_bytes()) else {
        return if signer.attribute(SIGNING_CERTIFICATE.as_bytes()).is_some() {
            Check::not_checked(
                CODE,
                "only an ESS signing-certificate (v1, SHA-1) attribute: not checked",
            )
        } else {
            Check::not_checked(CODE, "no ESS signing-certificate-v2 attribute")
        };
    };
    let Some((hash, cert_hash)) = values.first().and_then(|(_, v)| first_cert_id(v)) else {
        return Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "the signing-certificate-v2 attribute is malformed",
        );
    };
    let Some(cert) = signer_cert else {
        return Check::not_checked(CODE, "the signer certificate is not in the signature");
    };
    if digest::digest(hash, cert).as_ref() == cert_hash {
        Check::pass(CODE, "signing-certificate-v2 names the signer certificate")
    } else {
        let msg = "signing-certificate-v2 names another certificate than the signer's";
        Check::indeterminate(CODE, SubIndication::NoSigningCertificateFound, msg)
    }
}

/// `(hash algorithm, certHash)` of the first ESSCertIDv2 in a SigningCertificateV2 value.
fn first_cert_id(value: &[u8]) -> Option<(&'static digest::Algorithm, &[u8])> {
    let mut certs = Reader::new(Reader::new(value).read(SEQUENCE).ok()?);
    let mut cert_id = Reader::new(certs.read(SEQUENCE).ok()?);
    let hash = match cert_id.peek_tag() {
        Some(SEQUENCE) => {
            digest_algorithm(Reader::new(cert_id.read(SEQUENCE).ok()?).read(OID).ok()?)?
        }
        _ => &digest::SHA256,
    };
    Some((hash, cert_id.read(OCTET_STRING).ok()?))
}

/// The certificate the SignerInfo names, among the SignedData's certificates.
fn find_signer<'a>(signed: &SignedData<'a>, signer: &SignerInfo<'_>) -> Option<&'a [u8]> {
    signed.certificates.iter().copied().find(|der| {
        let Ok(cert) = x509_cert::Certificate::from_der(der) else {
            return false;
        };
        let tbs = cert.tbs_certificate();
        match &signer.sid {
            SignerId::IssuerSerial { issuer, serial } => {
                tbs.issuer().to_der().is_ok_and(|i| i == *issuer)
                    && tbs.serial_number().as_bytes() == *serial
            }
            SignerId::KeyId(id) => tbs
                .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .is_some_and(|(_, ski)| ski.0.as_bytes() == *id),
        }
    })
}

fn digest_algorithm(oid: &[u8]) -> Option<&'static digest::Algorithm> {
    match oid {
        o if o == SHA256.as_bytes() => Some(&digest::SHA256),
        o if o == SHA384.as_bytes() => Some(&digest::SHA384),
        o if o == SHA512.as_bytes() => Some(&digest::SHA512),
        _ => None,
    }
}

/// The JOSE algorithm equal to a CMS (signature algorithm, digest, key) combination.
fn jose_algorithm(
    sig_oid: &[u8],
    hash: &'static digest::Algorithm,
    key: KeyKind,
) -> Option<Algorithm> {
    let by_hash = |a256, a384, a512| match hash {
        h if *h == digest::SHA256 => Some(a256),
        h if *h == digest::SHA384 => Some(a384),
        h if *h == digest::SHA512 => Some(a512),
        _ => None,
    };
    let rsa = matches!(key, KeyKind::Rsa { .. });
    match sig_oid {
        o if rsa && o == RSA_ENCRYPTION.as_bytes() => {
            by_hash(Algorithm::Rs256, Algorithm::Rs384, Algorithm::Rs512)
        }
        o if rsa && o == SHA256_WITH_RSA.as_bytes() && *hash == digest::SHA256 => {
            Some(Algorithm::Rs256)
        }
        o if rsa && o == SHA384_WITH_RSA.as_bytes() && *hash == digest::SHA384 => {
            Some(Algorithm::Rs384)
        }
        o if rsa && o == SHA512_WITH_RSA.as_bytes() && *hash == digest::SHA512 => {
            Some(Algorithm::Rs512)
        }
        o if key == KeyKind::EcP256 && o == ECDSA_SHA256.as_bytes() && *hash == digest::SHA256 => {
            Some(Algorithm::Es256)
        }
        o if key == KeyKind::EcP384 && o == ECDSA_SHA384.as_bytes() && *hash == digest::SHA384 => {
            Some(Algorithm::Es384)
        }
        _ => None,
    }
}

/// The signing-time attribute: as written, and as an instant.
fn signing_time(signer: &SignerInfo<'_>) -> (Option<String>, Option<UnixTime>) {
    let Some(values) = signer.attribute(SIGNING_TIME.as_bytes()) else {
        return (None, None);
    };
    let Some(&(tag, content)) = values.first() else {
        return (Some(String::new()), None);
    };
    let written = String::from_utf8_lossy(content).into_owned();
    let instant = read_time(tag, content)
        .and_then(|secs| u64::try_from(secs).ok())
        .map(|secs| UnixTime::since_unix_epoch(core::time::Duration::from_secs(secs)));
    (Some(written), instant)
}

/// The signer certificate (DER) and signing time (as an RFC 3339 instant) of the first
/// SignerInfo of a SignedData, for checking what a carrying Provenance claims about them.
pub(crate) fn signer_facts(p7s: &[u8]) -> (Option<Vec<u8>>, Option<UnixTime>) {
    let der = match crate::jws::pem::first_section(p7s) {
        Ok(pem) if pem.label == "CMS" || pem.label == "PKCS7" => pem.der,
        _ => p7s.to_vec(),
    };
    let Ok(signed) = parse::parse(&der) else {
        return (None, None);
    };
    let Some(signer) = signed.signers.first() else {
        return (None, None);
    };
    let cert = find_signer(&signed, signer).map(<[u8]>::to_vec);
    (cert, signing_time(signer).1)
}
