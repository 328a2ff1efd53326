//! RFC 5280 path building and validation with rustls-webpki at a given instant.

use crate::report::CheckCode;
use rustls_pki_types::{CertificateDer, UnixTime};
use webpki::EndEntityCert;

use super::anchors::TrustAnchors;
use super::certificate::Certificate;
use super::key_usage::AnyEku;
use super::times::format_rfc3339;
use crate::report::{Check, SubIndication};

pub(crate) const CODE: CheckCode = CheckCode::CertificatePath;

/// A path webpki validated: the leaf's issuers in order (leaf excluded) and the anchor.
#[derive(Clone, Debug)]
pub(crate) struct Path {
    pub(crate) intermediates: Vec<Certificate>,
    pub(crate) anchor: Certificate,
}

/// Builds and validates a path from `leaf` to one of `anchors` through `candidates` at `at`.
pub(crate) fn build(
    leaf: &Certificate,
    candidates: &[&Certificate],
    anchors: &TrustAnchors,
    at: UnixTime,
) -> Result<Path, Check> {
    let leaf_der = leaf.as_pki();
    let end_entity = EndEntityCert::try_from(&leaf_der).map_err(|e| {
        let msg = format!("webpki cannot parse the signer certificate: {e}");
        Check::indeterminate(CODE, SubIndication::FormatFailure, msg)
    })?;
    let pool: Vec<CertificateDer<'_>> = candidates.iter().map(|c| c.as_pki()).collect();
    let algs = webpki::ALL_VERIFICATION_ALGS;
    let verified =
        match end_entity.verify_for_usage(algs, anchors.webpki(), &pool, at, AnyEku, None, None) {
            Ok(verified) => verified,
            // A signer certificate configured as a trust anchor itself (pinned) is trusted by
            // that configuration whatever its CA bit; every other refusal stands.
            Err(webpki::Error::CaUsedAsEndEntity) => {
                return match anchors
                    .certificates()
                    .iter()
                    .find(|a| a.der() == leaf.der())
                {
                    Some(anchor) => Ok(Path {
                        intermediates: Vec::new(),
                        anchor: anchor.clone(),
                    }),
                    None => Err(failure(
                        &webpki::Error::CaUsedAsEndEntity,
                        at,
                        leaf,
                        candidates,
                    )),
                };
            }
            Err(e) => return Err(failure(&e, at, leaf, candidates)),
        };
    let intermediates = verified
        .intermediate_certificates()
        .filter_map(|cert| {
            let der = cert.der();
            candidates
                .iter()
                .find(|c| c.der() == der.as_ref())
                .map(|c| (*c).clone())
        })
        .collect();
    let anchor = anchors
        .certificate_for(verified.anchor())
        .cloned()
        .ok_or_else(|| {
            Check::indeterminate(
                CODE,
                SubIndication::NoCertificateChainFound,
                "anchor not found",
            )
        })?;
    Ok(Path {
        intermediates,
        anchor,
    })
}

/// Maps a webpki error to the report entry: the ETSI sub-indication, and a message naming the
/// rule broken and, where it can be told, the certificate (`[0]` the signer, then the
/// candidates in the order their names chain up from it).
fn failure(
    error: &webpki::Error,
    at: UnixTime,
    leaf: &Certificate,
    candidates: &[&Certificate],
) -> Check {
    use webpki::Error as E;
    let sub = match error {
        E::UnknownIssuer | E::InvalidSignatureForPublicKey => {
            SubIndication::NoCertificateChainFound
        }
        E::CertExpired { .. } | E::CertNotValidYet { .. } => SubIndication::OutOfBoundsNoPoe,
        E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => {
            SubIndication::CryptoConstraintsFailure
        }
        E::BadDer | E::BadDerTime | E::TrailingData(_) => SubIndication::FormatFailure,
        _ => SubIndication::ChainConstraintsFailure,
    };
    let chain = likely_chain(leaf, candidates);
    let named =
        |index: usize, cert: &Certificate| format!("certificate [{index}] {}", cert.subject());
    let outside = |instant: UnixTime| {
        chain
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, c)| !c.valid_at(instant))
            .map_or_else(
                || "a CA certificate of the path".to_owned(),
                |(i, c)| named(i, c),
            )
    };
    let msg = match error {
        E::UnknownIssuer => {
            "no path from the signer certificate to a configured trust anchor (no issuer among the x5c certificates, --intermediates and the anchors)".to_owned()
        }
        E::InvalidSignatureForPublicKey => {
            "no path from the signer certificate to a configured trust anchor: a certificate's signature does not verify with the key of the certificate named as its issuer".to_owned()
        }
        E::CertExpired { time, .. } => format!(
            "{} is past its notAfter at {} (RFC 5280 §6.1.3 (a)(2))",
            outside(*time),
            format_rfc3339(*time)
        ),
        E::CertNotValidYet { time, .. } => format!(
            "{} is before its notBefore at {} (RFC 5280 §6.1.3 (a)(2))",
            outside(*time),
            format_rfc3339(*time)
        ),
        E::CaUsedAsEndEntity => format!(
            "{} is a CA certificate (basicConstraints cA) used as the signer, which the path builder refuses (give it as a trust anchor to pin it)",
            named(0, leaf)
        ),
        E::EndEntityUsedAsCa => {
            let culprit = chain
                .iter()
                .enumerate()
                .skip(1)
                .find(|(_, c)| !c.is_ca())
                .map_or_else(|| "a certificate that is not a CA".to_owned(), |(i, c)| named(i, c));
            format!("{culprit} issued another certificate of the path but is not a CA (RFC 5280 §6.1.4 (k))")
        }
        E::PathLenConstraintViolated => {
            "a CA's pathLenConstraint allows fewer CA certificates below it than the path has (RFC 5280 §6.1.4 (m))".to_owned()
        }
        E::NameConstraintViolation => {
            "a name in the path is outside a CA's name constraints (RFC 5280 §6.1.3 (b))".to_owned()
        }
        E::UnsupportedNameType | E::MalformedNameConstraint => {
            "a CA's name constraints use a form the path builder does not evaluate (e.g. directoryName, rfc822Name), so the path cannot be accepted".to_owned()
        }
        E::UnsupportedCriticalExtension => {
            "a certificate of the path has a critical extension the path builder does not know (RFC 5280 §4.2)".to_owned()
        }
        E::UnsupportedCertVersion => {
            "a certificate of the path is not an X.509 v3 certificate".to_owned()
        }
        E::MaximumPathDepthExceeded
        | E::MaximumPathBuildCallsExceeded
        | E::MaximumSignatureChecksExceeded
        | E::MaximumNameConstraintComparisonsExceeded => {
            "path building gave up within its budget (too many candidate certificates or paths)".to_owned()
        }
        _ if sub == SubIndication::CryptoConstraintsFailure => {
            "a certificate of the path is signed with an algorithm outside the allow-list (SHA-1, or RSA below 2048 bits)".to_owned()
        }
        _ if sub == SubIndication::FormatFailure => {
            "a certificate of the path is not valid DER".to_owned()
        }
        _ => "the certificate path violates a constraint".to_owned(),
    };
    Check::indeterminate(CODE, sub, msg)
        .with("webpki-error", format!("{error:?}"))
        .with("instant", format_rfc3339(at))
}

/// The certificates whose names chain up from `leaf` (each the first candidate whose subject is
/// the previous one's issuer), for naming a culprit; at most 8, no certificate twice.
fn likely_chain<'c>(leaf: &'c Certificate, candidates: &[&'c Certificate]) -> Vec<&'c Certificate> {
    let mut chain = vec![leaf];
    while chain.len() < 8 {
        let Some(last) = chain.last() else { break };
        let issuer = last.issuer_der();
        let next = candidates
            .iter()
            .find(|c| c.subject_der() == issuer && !chain.iter().any(|k| k.der() == c.der()));
        match next {
            Some(next) => chain.push(next),
            None => break,
        }
    }
    chain
}

/// Remembers path validations: a batch of documents is usually signed with one chain, and
/// re-validating it (two or more signature checks) for every document would dominate the cost.
/// Keyed by the SHA-256 of the leaf, the candidate certificates and the instant, so a hit is the
/// same computation; the anchors are fixed per validator. Bounded: emptied when full.
#[derive(Debug, Default)]
pub(crate) struct PathCache {
    entries: std::sync::Mutex<std::collections::HashMap<[u8; 32], Result<Path, Check>>>,
}

/// Entries kept before the cache is emptied.
const PATH_CACHE_LIMIT: usize = 1024;

impl PathCache {
    /// [`build`], or its remembered result for the same inputs.
    pub(crate) fn build(
        &self,
        leaf: &Certificate,
        candidates: &[&Certificate],
        anchors: &TrustAnchors,
        at: UnixTime,
    ) -> Result<Path, Check> {
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        for cert in std::iter::once(leaf).chain(candidates.iter().copied()) {
            digest.update(&(cert.der().len() as u64).to_be_bytes());
            digest.update(cert.der());
        }
        digest.update(&at.as_secs().to_be_bytes());
        let mut key = [0u8; 32];
        key.copy_from_slice(digest.finish().as_ref());
        if let Some(hit) = self
            .entries
            .lock()
            .ok()
            .and_then(|map| map.get(&key).cloned())
        {
            return hit;
        }
        let result = build(leaf, candidates, anchors, at);
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= PATH_CACHE_LIMIT {
                map.clear();
            }
            map.insert(key, result.clone());
        }
        result
    }
}
