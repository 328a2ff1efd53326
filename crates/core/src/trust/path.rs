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
                    None => Err(failure(&webpki::Error::CaUsedAsEndEntity, at)),
                };
            }
            Err(e) => return Err(failure(&e, at)),
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

/// Maps a webpki error to the report entry.
fn failure(error: &webpki::Error, at: UnixTime) -> Check {
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
    let msg = match sub {
        SubIndication::NoCertificateChainFound => {
            "no path from the signer certificate to a configured trust anchor".to_owned()
        }
        SubIndication::OutOfBoundsNoPoe => {
            "a CA certificate of the path is outside its validity period".to_owned()
        }
        _ => "the certificate path violates a constraint".to_owned(),
    };
    Check::indeterminate(CODE, sub, msg)
        .with("webpki-error", format!("{error:?}"))
        .with("instant", format_rfc3339(at))
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
