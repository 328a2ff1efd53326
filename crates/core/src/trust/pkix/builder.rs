//! Path building (RFC 4158 in outline): a depth-first search from the signer certificate
//! through the candidate intermediates to a trust anchor, trying every issuer whose name
//! chains (RFC 5280 §7.1) and whose key verifies the signature, and running the §6.1
//! processing on each complete path until one is valid. Hostile pools (thousands of
//! look-alike CAs, cycles, very deep chains) are bounded by a budget of signature checks,
//! search steps and path length; exhausting it is a refusal that says so.

use std::collections::HashMap;

use rustls_pki_types::UnixTime;

use super::super::certificate::Certificate;
use super::super::signed_data::{self, SignedDataError};
use super::constraints::MAX_COMPARISONS;
use super::extensions::View;
use super::names::same_name;
use super::policies::{PolicyInputs, ValidPolicies};
use super::process::{process, MAX_PATH};
use super::Refusal;
use crate::report::SubIndication;

/// Signature verifications one search may spend.
pub(crate) const MAX_SIGNATURES: usize = 256;
/// Issuer candidates one search may consider.
pub(crate) const MAX_STEPS: usize = 20_000;
/// Complete candidate paths one search may process (each may cost name-constraint work).
pub(crate) const MAX_PATHS: usize = 64;

/// A valid path: the issuers of the signer (leaf side first), the anchor and the policies.
pub(crate) struct Found {
    pub(crate) intermediates: Vec<Certificate>,
    pub(crate) anchor: Certificate,
    pub(crate) policies: ValidPolicies,
}

/// How far a failed attempt got, to report the most telling refusal.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    /// A certificate of the path has no usable issuer (none named so, or only ones already on
    /// the path or with another key identifier); the deepest such dead end is reported.
    DeadEnd,
    TooLong,
    Signature,
    Budget,
    Processing,
}

struct Search<'a> {
    anchors: &'a [Certificate],
    pool: &'a [&'a Certificate],
    at: UnixTime,
    inputs: &'a PolicyInputs,
    signatures: usize,
    steps: usize,
    paths: usize,
    comparisons_left: usize,
    verified: HashMap<(usize, usize), Result<(), SignedDataError>>,
    best: Option<((Rank, usize), Refusal)>,
    exhausted: bool,
}

/// Searches for a valid path from `leaf` through `pool` to one of `anchors` at `at`.
pub(crate) fn search(
    leaf: &Certificate,
    pool: &[&Certificate],
    anchors: &[Certificate],
    at: UnixTime,
    inputs: &PolicyInputs,
) -> Result<Found, Refusal> {
    let mut search = Search {
        anchors,
        pool,
        at,
        inputs,
        signatures: 0,
        steps: 0,
        paths: 0,
        comparisons_left: MAX_COMPARISONS,
        verified: HashMap::new(),
        best: None,
        exhausted: false,
    };
    let mut path = vec![leaf];
    if let Some(found) = search.extend(&mut path) {
        return Ok(found);
    }
    Err(search.best.map(|(_, refusal)| refusal).unwrap_or_else(|| Refusal {
        index: 0,
        subject: None,
        rule: format!(
            "no path from the signer certificate to a configured trust anchor: no certificate named {} (its issuer) among the x5c certificates, --intermediates and the anchors",
            leaf.issuer()
        ),
        sub: SubIndication::NoCertificateChainFound,
    }))
}

impl<'a> Search<'a> {
    /// Keeps the most telling refusal: the highest rank, and of one rank the deepest (the
    /// attempt that got furthest from the signer).
    fn note(&mut self, rank: Rank, refusal: Refusal) {
        let key = (rank, refusal.index);
        if self.best.as_ref().is_none_or(|(k, _)| key > *k) {
            self.best = Some((key, refusal));
        }
    }

    fn budget_left(&mut self) -> bool {
        if self.exhausted {
            return false;
        }
        if self.signatures > MAX_SIGNATURES || self.steps > MAX_STEPS || self.paths > MAX_PATHS {
            self.exhausted = true;
            self.note(
                Rank::Budget,
                Refusal {
                    index: 0,
                    subject: None,
                    rule: format!(
                        "path building gave up within its budget ({MAX_SIGNATURES} signature checks, {MAX_STEPS} candidates, {MAX_PATHS} complete paths): too many candidate certificates or paths"
                    ),
                    sub: SubIndication::NoCertificateChainFound,
                },
            );
            return false;
        }
        true
    }

    /// Verifies `child`'s signature with `issuer`'s key, once per pair.
    fn signed_by(
        &mut self,
        child: &Certificate,
        issuer: &Certificate,
    ) -> Result<(), SignedDataError> {
        let key = (
            child.der().as_ptr() as usize,
            issuer.der().as_ptr() as usize,
        );
        if let Some(result) = self.verified.get(&key) {
            return *result;
        }
        self.signatures += 1;
        let result = verify_signature(child, issuer);
        self.verified.insert(key, result);
        result
    }

    fn extend(&mut self, path: &mut Vec<&'a Certificate>) -> Option<Found> {
        let current = *path.last()?;
        let depth = path.len() - 1;
        let issuer_name = current.x509().tbs_certificate().issuer();
        let child_aki = View::of(current).ok().and_then(|v| v.authority_key_id);
        let mut why = DeadEnd::default();
        for anchor in self.anchors {
            self.steps += 1;
            if !self.budget_left() {
                return None;
            }
            if !same_name(anchor.x509().tbs_certificate().subject(), issuer_name) {
                continue;
            }
            if !key_ids_agree(child_aki.as_deref(), anchor) {
                why.other_key_id = true;
                continue;
            }
            why.tried = true;
            if let Err(e) = self.signed_by(current, anchor) {
                self.note(
                    Rank::Signature,
                    signature_refusal(depth, current, anchor, e),
                );
                continue;
            }
            self.paths += 1;
            if !self.budget_left() {
                return None;
            }
            match process(
                path,
                anchor,
                self.at,
                self.inputs,
                &mut self.comparisons_left,
            ) {
                Ok(policies) => {
                    return Some(Found {
                        intermediates: path[1..].iter().map(|c| (*c).clone()).collect(),
                        anchor: anchor.clone(),
                        policies,
                    })
                }
                Err(refusal) => self.note(Rank::Processing, refusal),
            }
        }
        let pool = self.pool;
        for candidate in pool {
            self.steps += 1;
            if !self.budget_left() {
                return None;
            }
            if !same_name(candidate.x509().tbs_certificate().subject(), issuer_name)
                || self.anchors.iter().any(|a| a.der() == candidate.der())
            {
                continue;
            }
            if !key_ids_agree(child_aki.as_deref(), candidate) {
                why.other_key_id = true;
                continue;
            }
            if path.iter().any(|c| repeats(c, candidate)) {
                why.on_path = true;
                continue;
            }
            why.tried = true;
            if path.len() >= MAX_PATH {
                self.note(
                    Rank::TooLong,
                    Refusal {
                        index: depth,
                        subject: None,
                        rule: format!(
                            "no trust anchor within {MAX_PATH} certificates of the signer (the path builder's depth limit)"
                        ),
                        sub: SubIndication::ChainConstraintsFailure,
                    },
                );
                return None;
            }
            if let Err(e) = self.signed_by(current, candidate) {
                self.note(
                    Rank::Signature,
                    signature_refusal(depth, current, candidate, e),
                );
                continue;
            }
            path.push(candidate);
            let found = self.extend(path);
            path.pop();
            if found.is_some() || self.exhausted {
                return found;
            }
        }
        if !why.tried {
            self.note(Rank::DeadEnd, why.refusal(depth, current));
        }
        None
    }
}

/// Why no issuer of one certificate of the path could be tried.
#[derive(Default)]
struct DeadEnd {
    /// An issuer was tried (its signature, or the path through it).
    tried: bool,
    /// A certificate with the issuer's name is already on the path (a loop).
    on_path: bool,
    /// A certificate with the issuer's name has another subjectKeyIdentifier.
    other_key_id: bool,
}

impl DeadEnd {
    fn refusal(&self, depth: usize, current: &Certificate) -> Refusal {
        let issuer = current.issuer();
        let subject = current.subject();
        let self_issued = same_name(
            current.x509().tbs_certificate().subject(),
            current.x509().tbs_certificate().issuer(),
        );
        let rule = if self.on_path && self_issued {
            format!(
                "no path to a configured trust anchor: {subject} is self-signed and is not among the trust anchors (give it with --trust if it is one)"
            )
        } else if self.on_path {
            format!(
                "no path to a configured trust anchor: {issuer}, the issuer of {subject}, is already on the path (the certificates loop back), and no trust anchor named {issuer} issued it"
            )
        } else if self.other_key_id {
            format!(
                "no path to a configured trust anchor: the certificates named {issuer} have another subjectKeyIdentifier than the authorityKeyIdentifier of {subject} (RFC 5280 §4.2.1.1), so none of them issued it"
            )
        } else if depth == 0 {
            format!(
                "no path from the signer certificate to a configured trust anchor: no certificate named {issuer} (its issuer) among the x5c certificates, --intermediates and the anchors"
            )
        } else {
            format!(
                "no path to a configured trust anchor: no certificate named {issuer} (the issuer of {subject}) among the x5c certificates, --intermediates and the anchors"
            )
        };
        Refusal {
            index: depth,
            subject: None,
            rule,
            sub: SubIndication::NoCertificateChainFound,
        }
    }
}

/// A certificate already on the path, or the same name with the same key (a loop through
/// re-issued copies, RFC 4158 §2.4.2).
fn repeats(on_path: &Certificate, candidate: &Certificate) -> bool {
    on_path.der() == candidate.der()
        || (same_name(
            on_path.x509().tbs_certificate().subject(),
            candidate.x509().tbs_certificate().subject(),
        ) && on_path.spki_der() == candidate.spki_der())
}

/// False only when both key identifiers are present and differ (a hint, RFC 5280 §4.2.1.1:
/// the issuer is the certificate whose subjectKeyIdentifier matches).
fn key_ids_agree(child_aki: Option<&[u8]>, issuer: &Certificate) -> bool {
    let Some(aki) = child_aki else { return true };
    match View::of(issuer).ok().and_then(|v| v.subject_key_id) {
        Some(ski) => ski == aki,
        None => true,
    }
}

fn verify_signature(child: &Certificate, issuer: &Certificate) -> Result<(), SignedDataError> {
    let tbs = signed_data::tbs_bytes(child.der()).ok_or(SignedDataError::BadSignature)?;
    let signature = child
        .x509()
        .signature()
        .as_bytes()
        .ok_or(SignedDataError::BadSignature)?;
    signed_data::verify(
        &issuer.spki_der(),
        child.x509().signature_algorithm(),
        &tbs,
        signature,
    )
}

fn signature_refusal(
    index: usize,
    child: &Certificate,
    issuer: &Certificate,
    error: SignedDataError,
) -> Refusal {
    match error {
        SignedDataError::UnsupportedAlgorithm => Refusal {
            index,
            subject: Some(child.subject()),
            rule: format!(
                "is signed with an algorithm outside the allow-list (ECDSA P-256/P-384, RSA 2048-8192 PKCS#1 or PSS, Ed25519; no SHA-1), so {} cannot vouch for it",
                issuer.subject()
            ),
            sub: SubIndication::CryptoConstraintsFailure,
        },
        SignedDataError::BadSignature => Refusal {
            index,
            subject: Some(child.subject()),
            rule: format!(
                "has a signature that does not verify with the key of {}, the certificate named as its issuer, so no path leads to a trust anchor",
                issuer.subject()
            ),
            sub: SubIndication::NoCertificateChainFound,
        },
    }
}
