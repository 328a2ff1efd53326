//! Attack pass on offline OCSP (RFC 6960) combined with CRLs: fixtures from
//! tests/fixtures/attack-ocsp/generate.sh (a root issuing one leaf; OCSP answers "good" made
//! before the leaf's revocation, "revoked" made after it, "good" without nextUpdate; a root CRL
//! listing the leaf revoked). Each test shows a revoked or stale status turned into "not revoked".

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on bad fixtures by design

mod common;

use common::repo_fixtures;
use fhirsig_core::report::{CheckCode, Outcome};
use fhirsig_core::trust::{
    CertificateChain, ChainValidator, Crl, OcspResponse, TrustAnchors, ValidationTimes,
};
use fhirsig_core::UnixTime;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

fn read(name: &str) -> Vec<u8> {
    let path = repo_fixtures("attack-ocsp").join("out").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("attack-ocsp fixture {}: {e}", path.display()))
}

fn ocsp(name: &str) -> OcspResponse {
    OcspResponse::from_der(&read(name)).unwrap()
}

fn secs_after(response: &OcspResponse, secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        response.produced_at().as_secs() + secs,
    ))
}

/// The leaf's revocation entry, and whether the chain verified.
fn leaf_entry(
    responses: Vec<OcspResponse>,
    crls: Vec<Crl>,
    at: UnixTime,
) -> (fhirsig_core::Check, bool) {
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let leaf = CertificateDer::from_pem_slice(&read("leaf.cert.pem"))
        .unwrap()
        .to_vec();
    let chain = CertificateChain::from_der(vec![leaf]).unwrap();
    let validator = ChainValidator::new(anchors)
        .with_ocsp(responses)
        .with_crls(crls);
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
    let entry = report
        .checks()
        .iter()
        .find(|c| c.code() == CheckCode::RevocationStatus)
        .cloned()
        .unwrap();
    (entry, verified.is_some())
}

/// An authentic, current CRL of the leaf's own CA lists the leaf as revoked (2020-06-01), but
/// an older, still current OCSP "good" answer is also given: the OCSP answer is consulted first
/// and "good" returns at once, so the CRL's revocation is never looked at and the revoked
/// signer's chain verifies. RFC 5280 §6.3 / RFC 6960 §2.2: a certificate an authentic source
/// says is revoked is revoked; a "good" answer from another source does not un-revoke it.
#[test]
fn an_ocsp_good_answer_hides_a_crl_revocation() {
    let good = ocsp("ocsp-good.der");
    let crl = Crl::from_pem_or_der(&read("root-revokes-leaf.crl.pem")).unwrap();
    let (entry, verified) = leaf_entry(vec![good.clone()], vec![crl], secs_after(&good, 3600));
    assert_ne!(entry.outcome(), Outcome::Pass, "{entry}");
    assert!(
        !verified,
        "a leaf its CA's current CRL revokes verified: {entry}"
    );
}

/// Two authentic, current answers from the same CA about the same leaf: "good" (made before
/// the revocation) and "revoked" (made after it). The verdict depends on the order the
/// responses are given in: first-"good"-wins makes the revoked leaf verify. RFC 6960 §2.2:
/// "revoked" is definitive; a newer "revoked" answer must not lose to an older "good" one.
#[test]
fn a_revoked_answer_loses_to_an_earlier_good_one() {
    let (good, revoked) = (ocsp("ocsp-good.der"), ocsp("ocsp-revoked.der"));
    let at = secs_after(&revoked, 3600);
    let (revoked_first, verified_rf) = leaf_entry(vec![revoked.clone(), good.clone()], vec![], at);
    assert_eq!(revoked_first.outcome(), Outcome::Fail, "{revoked_first}");
    assert!(!verified_rf);
    let (good_first, verified_gf) = leaf_entry(vec![good, revoked], vec![], at);
    assert_eq!(
        good_first.outcome(),
        revoked_first.outcome(),
        "order of --ocsp decides the verdict: {good_first}"
    );
    assert!(!verified_gf, "a revoked leaf verified: {good_first}");
}

/// An OCSP "good" answer without nextUpdate is taken as current forever: two years after it
/// was produced it still proves "not revoked". RFC 6960 §4.2.2.1: without nextUpdate "newer
/// revocation information is available all the time", so such an answer says nothing about an
/// instant long after its thisUpdate (a response from years ago cannot prove a certificate is
/// not revoked now).
#[test]
fn an_ocsp_answer_without_next_update_never_goes_stale() {
    let good = ocsp("ocsp-good-no-next.der");
    let two_years = 2 * 365 * 24 * 3600;
    let (entry, verified) = leaf_entry(vec![good.clone()], vec![], secs_after(&good, two_years));
    assert_ne!(entry.outcome(), Outcome::Pass, "{entry}");
    assert!(!verified, "{entry}");
}
