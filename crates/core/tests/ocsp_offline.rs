//! Offline OCSP responses made by `openssl ocsp` (tests/fixtures/openssl-pki/generate.sh) as a
//! revocation source: good and revoked answers from the CA and from a delegated responder
//! count; a response signed by a key without id-kp-OCSPSigning, or one past its nextUpdate,
//! proves nothing (TRY_LATER, never "not revoked").

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on bad fixtures by design

mod common;

use common::repo_fixtures;
use fhirsig_core::report::{CheckCode, Indication, Outcome, SubIndication};
use fhirsig_core::trust::{
    CertificateChain, ChainValidator, Crl, OcspResponse, TrustAnchors, ValidationTimes,
};
use fhirsig_core::UnixTime;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

fn read(name: &str) -> Vec<u8> {
    let path = repo_fixtures("openssl-pki").join("out").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("openssl-pki fixture {}: {e}", path.display()))
}

fn der(name: &str) -> Vec<u8> {
    CertificateDer::from_pem_slice(&read(name))
        .unwrap()
        .to_vec()
}

fn chain(leaf: &str) -> CertificateChain {
    CertificateChain::from_der(vec![der(leaf), der("intermediate.cert.pem")]).unwrap()
}

fn ocsp(name: &str) -> OcspResponse {
    OcspResponse::from_der(&read(name)).unwrap()
}

/// An hour after the response was produced (openssl dates responses at generation time).
fn after(response: &OcspResponse) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        response.produced_at().as_secs() + 3600,
    ))
}

/// The revocation entries (leaf first, then the intermediate) with `responses` and the root's
/// CRL (which covers the intermediate), and whether the chain verified.
fn validate(
    leaf: &str,
    responses: Vec<OcspResponse>,
    at: UnixTime,
) -> (Vec<fhirsig_core::Check>, bool) {
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let root_crl = Crl::from_pem_or_der(&read("root.crl.pem")).unwrap();
    let validator = ChainValidator::new(anchors)
        .with_ocsp(responses)
        .with_crls(vec![root_crl]);
    let (report, verified) = validator.validate(&chain(leaf), &ValidationTimes::at(at));
    let entries = report
        .checks()
        .iter()
        .filter(|c| c.code() == CheckCode::RevocationStatus)
        .cloned()
        .collect();
    (entries, verified.is_some())
}

#[test]
fn a_good_answer_from_the_ca_proves_not_revoked() {
    let response = ocsp("ocsp-good.der");
    // The root's CRL is current 2026-05-01..2026-08-01; the intermediate is judged by it only
    // inside that window, so this test looks at the leaf's entry.
    let (entries, _) = validate(
        "leaf-good.cert.pem",
        vec![response.clone()],
        after(&response),
    );
    assert_eq!(entries[0].outcome(), Outcome::Pass, "{}", entries[0]);
    assert_eq!(entries[0].evidence_value("source"), Some("ocsp"));
}

#[test]
fn a_revoked_answer_revokes() {
    let response = ocsp("ocsp-revoked.der");
    let (entries, verified) = validate(
        "leaf-revoked.cert.pem",
        vec![response.clone()],
        after(&response),
    );
    assert_eq!(entries[0].outcome(), Outcome::Fail, "{}", entries[0]);
    assert_eq!(
        entries[0].evidence_value("revocation-date"),
        Some("2026-01-01T00:00:00Z")
    );
    assert!(!verified);
}

#[test]
fn a_delegated_responder_with_ocsp_signing_counts() {
    let response = ocsp("ocsp-delegated-good.der");
    let (entries, _) = validate(
        "leaf-good.cert.pem",
        vec![response.clone()],
        after(&response),
    );
    assert_eq!(entries[0].outcome(), Outcome::Pass, "{}", entries[0]);
}

#[test]
fn a_response_signed_by_an_unauthorised_key_proves_nothing() {
    let response = ocsp("ocsp-by-leaf.der");
    let (entries, verified) = validate(
        "leaf-good.cert.pem",
        vec![response.clone()],
        after(&response),
    );
    assert_eq!(
        entries[0].failure(),
        Some((Indication::Indeterminate, SubIndication::TryLater)),
        "{}",
        entries[0]
    );
    assert!(
        entries[0].message().contains("OCSPSigning") || entries[0].message().contains("authorised"),
        "{}",
        entries[0]
    );
    assert!(!verified);
}

#[test]
fn a_response_past_its_next_update_proves_nothing() {
    let response = ocsp("ocsp-short.der");
    let (entries, verified) = validate(
        "leaf-good.cert.pem",
        vec![response.clone()],
        after(&response),
    );
    assert_eq!(
        entries[0].failure(),
        Some((Indication::Indeterminate, SubIndication::TryLater)),
        "{}",
        entries[0]
    );
    assert!(
        entries[0].message().contains("not current"),
        "{}",
        entries[0]
    );
    assert!(!verified);
}

#[test]
fn a_response_about_another_certificate_is_not_used() {
    let response = ocsp("ocsp-good.der");
    // ocsp-good.der names leaf-good; leaf-revoked has no response and no CRL: required once
    // revocation data is given, so TRY_LATER.
    let (entries, verified) = validate(
        "leaf-revoked.cert.pem",
        vec![response.clone()],
        after(&response),
    );
    assert_eq!(entries[0].outcome(), Outcome::Fail, "{}", entries[0]);
    assert!(!verified);
}

#[test]
fn malformed_responses_are_input_errors() {
    assert!(OcspResponse::from_der(&read("root.crl.pem")).is_err());
    assert!(OcspResponse::from_der(&der("root.cert.pem")).is_err());
}

#[test]
fn a_changed_response_proves_nothing() {
    let mut bytes = read("ocsp-good.der");
    // Change the last seconds digit of producedAt (the first GeneralizedTime, tag 0x18 length
    // 15), which the signature covers, keeping the DER valid.
    let at = bytes
        .windows(2)
        .position(|w| w == [0x18, 0x0f])
        .expect("producedAt is in the response")
        + 2
        + 13;
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    let changed = OcspResponse::from_der(&bytes).unwrap();
    let (entries, verified) =
        validate("leaf-good.cert.pem", vec![changed.clone()], after(&changed));
    assert_eq!(
        entries[0].failure(),
        Some((Indication::Indeterminate, SubIndication::TryLater)),
        "{}",
        entries[0]
    );
    assert!(!verified);
}

#[test]
fn revoked_outranks_good() {
    // An old "good" answer about leaf-revoked (made before its revocation) and the newer
    // "revoked" one, in either order: revoked.
    let revoked = ocsp("ocsp-revoked.der");
    let good = ocsp("ocsp-revoked-as-good.der");
    let at = after(&revoked);
    let (entries, _) = validate("leaf-revoked.cert.pem", vec![good.clone()], at);
    assert_eq!(
        entries[0].outcome(),
        Outcome::Pass,
        "the old answer alone says good"
    );
    for responses in [
        vec![good.clone(), revoked.clone()],
        vec![revoked.clone(), good.clone()],
    ] {
        let (entries, verified) = validate("leaf-revoked.cert.pem", responses, at);
        assert_eq!(entries[0].outcome(), Outcome::Fail, "{}", entries[0]);
        assert!(!verified);
    }
}

#[test]
fn a_crl_listing_the_certificate_outweighs_a_good_answer() {
    let good = ocsp("ocsp-revoked-as-good.der");
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let crl = Crl::from_pem_or_der(&read("intermediate.crl.pem")).unwrap();
    let validator = ChainValidator::new(anchors)
        .with_ocsp(vec![good.clone()])
        .with_crls(vec![crl]);
    let (report, verified) = validator.validate(
        &chain("leaf-revoked.cert.pem"),
        &ValidationTimes::at(after(&good)),
    );
    let leaf = report.check(CheckCode::RevocationStatus).unwrap();
    assert_eq!(leaf.outcome(), Outcome::Fail, "{leaf}");
    assert_eq!(leaf.evidence_value("source"), Some("crl"));
    assert!(verified.is_none());
}
