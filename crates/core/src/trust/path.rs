//! Certificate path validation at a given instant: the signer's issuers found among the
//! `x5c` certificates and the extra intermediates, and the path to a trust anchor processed as
//! RFC 5280 §6.1 says (see [`super::pkix`]).

use crate::report::CheckCode;
use rustls_pki_types::UnixTime;
use std::sync::Arc;

use super::anchors::TrustAnchors;
use super::certificate::Certificate;
use super::pkix::{self, PolicyInputs, ValidPolicies};
use super::times::format_rfc3339;
use crate::report::Check;

pub(crate) const CODE: CheckCode = CheckCode::CertificatePath;

/// A validated path: the leaf's issuers in order (leaf excluded), the anchor, and the
/// certificate policies it is valid for.
#[derive(Clone, Debug)]
pub(crate) struct Path {
    pub(crate) intermediates: Vec<Certificate>,
    pub(crate) anchor: Certificate,
    pub(crate) policies: ValidPolicies,
}

/// Builds and validates a path from `leaf` to one of `anchors` through `candidates` at `at`.
pub(crate) fn build(
    leaf: &Certificate,
    candidates: &[&Certificate],
    anchors: &TrustAnchors,
    at: UnixTime,
    inputs: &PolicyInputs,
) -> Result<Path, Check> {
    // A signer certificate configured as a trust anchor itself (pinned) is trusted by that
    // configuration whatever its CA bit; the validator reports it as a finding.
    if let Some(anchor) = anchors
        .certificates()
        .iter()
        .find(|a| a.der() == leaf.der())
    {
        return Ok(Path {
            intermediates: Vec::new(),
            anchor: anchor.clone(),
            policies: ValidPolicies::Any,
        });
    }
    match pkix::search(leaf, candidates, anchors.certificates(), at, inputs) {
        Ok(found) => Ok(Path {
            intermediates: found.intermediates,
            anchor: found.anchor,
            policies: found.policies,
        }),
        Err(refusal) => {
            let check = Check::indeterminate(CODE, refusal.sub, refusal.message())
                .with("instant", format_rfc3339(at))
                .with("policy-inputs", inputs.describe());
            Err(match refusal.subject {
                Some(subject) => check
                    .with("certificate", subject)
                    .with("position", refusal.index.to_string()),
                None => check,
            })
        }
    }
}

/// What a validation learns from the certificates alone at one instant: the path (or why there
/// is none) and the checks that depend on nothing else (CA and signer key usage, profile
/// conformance, anchor validity, EKU, a pinned signer), in report order.
#[derive(Debug)]
pub(crate) struct ChainFacts {
    pub(crate) path: Result<Path, Check>,
    pub(crate) checks: Vec<Check>,
}

/// Remembers what certificates alone decide: a batch of documents is usually signed with one
/// chain, and re-validating it (two or more signature checks, then the profile and usage
/// checks) for every document would dominate the cost. Keyed by a SHA-256 over the
/// fingerprints (SHA-256) of the leaf and the candidate certificates, the instant and the
/// policy inputs, so a hit is the same computation; the anchors and the EKU policy are fixed
/// per cache (a validator whose EKU policy changes gets a new cache). Bounded: emptied when
/// full.
#[derive(Debug, Default)]
pub(crate) struct PathCache {
    entries: std::sync::Mutex<std::collections::HashMap<[u8; 32], Arc<ChainFacts>>>,
}

/// Entries kept before the cache is emptied.
const PATH_CACHE_LIMIT: usize = 1024;

impl PathCache {
    /// `facts` for these inputs, or their remembered result for the same inputs.
    pub(crate) fn get_or_insert(
        &self,
        leaf: &Certificate,
        candidates: &[&Certificate],
        at: UnixTime,
        inputs: &PolicyInputs,
        facts: impl FnOnce() -> ChainFacts,
    ) -> Arc<ChainFacts> {
        let mut digest = ring::digest::Context::new(&ring::digest::SHA256);
        // Every field length-prefixed or counted, so no two different inputs hash alike.
        // Certificates by their own SHA-256 (remembered by each certificate: hashing the
        // DER of the whole chain for every signature cost as much as the payload's hash).
        digest.update(&(candidates.len() as u64 + 1).to_be_bytes());
        for cert in std::iter::once(leaf).chain(candidates.iter().copied()) {
            digest.update(cert.fingerprint());
        }
        digest.update(&at.as_secs().to_be_bytes());
        inputs.feed(&mut digest);
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
        let result = Arc::new(facts());
        if let Ok(mut map) = self.entries.lock() {
            if map.len() >= PATH_CACHE_LIMIT {
                map.clear();
            }
            map.insert(key, Arc::clone(&result));
        }
        result
    }
}
