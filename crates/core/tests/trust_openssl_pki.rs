//! Chains made by the openssl command line (`tests/fixtures/openssl-pki/generate.sh`), so the
//! validator is checked against certificates and CRLs it did not produce itself.

#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on bad fixtures by design

mod common;

use common::{assert_outcome, repo_fixtures, t};
use fhirsig_core::trust::{
    match_signer_identity, CertificateChain, ChainValidator, Crl, IdentityMatch, Outcome,
    TimePolicy, TrustAnchors, ValidationTimes,
};
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

fn chain(leaf: &str, intermediate: &str) -> CertificateChain {
    CertificateChain::from_der(vec![der(leaf), der(intermediate)]).unwrap()
}

fn validator() -> ChainValidator {
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let crl = Crl::from_pem_or_der(&read("intermediate.crl.pem")).unwrap();
    let root_crl = Crl::from_pem_or_der(&read("root.crl.pem")).unwrap();
    ChainValidator::new(anchors).with_crls(vec![crl, root_crl])
}

fn at(instant: &str) -> ValidationTimes {
    ValidationTimes::at(t(instant))
}

#[test]
fn good_chain_validates_and_is_checked_against_the_crl() {
    let (report, verified) = validator().validate(
        &chain("leaf-good.cert.pem", "intermediate.cert.pem"),
        &at("2026-06-01T00:00:00Z"),
    );
    assert_outcome(&report, "passed", None);
    assert_eq!(
        report.check("revocation-status").unwrap().outcome(),
        Outcome::Pass
    );
    let verified = verified.unwrap();
    assert!(verified.anchor_subject().contains("openssl test root CA"));
    let npi = Some("http://hl7.org/fhir/sid/us-npi");
    let found = match_signer_identity(verified.leaf(), npi, "1234567893");
    assert!(
        matches!(found, IdentityMatch::OtherName { .. }),
        "{found:?}"
    );
}

#[test]
fn intermediate_from_another_root_is_no_certificate_chain_found() {
    let times = at("2026-06-01T00:00:00Z");
    let (report, verified) = validator().validate(
        &chain("leaf-broken.cert.pem", "other-intermediate.cert.pem"),
        &times,
    );
    assert_outcome(&report, "indeterminate", Some("no-certificate-chain-found"));
    assert!(verified.is_none());
    // The good leaf with an impostor intermediate of the same name does not validate either.
    let (report, _) = validator().validate(
        &chain("leaf-good.cert.pem", "other-intermediate.cert.pem"),
        &times,
    );
    assert_outcome(&report, "indeterminate", Some("no-certificate-chain-found"));
}

#[test]
fn expired_leaf_is_rejected() {
    let leaf = chain("leaf-expired.cert.pem", "intermediate.cert.pem");
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let no_crl = ChainValidator::new(anchors);
    let (report, _) = no_crl.validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("out-of-bounds-no-poe"));
    let given = TimePolicy::At(t("2022-01-01T00:00:00Z"));
    let (report, _) = no_crl.validate(&leaf, &at("2026-06-01T00:00:00Z").with_policy(given));
    assert_outcome(&report, "failed", Some("expired"));
}

#[test]
fn crl_issued_after_expiry_does_not_prove_not_revoked() {
    // intermediate.crl.pem (2026) does not list leaf-expired, but a CA may drop expired
    // certificates from its CRLs.
    let leaf = chain("leaf-expired.cert.pem", "intermediate.cert.pem");
    let (report, _) = validator().validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("out-of-bounds-no-poe"));
    // CRLs were given, so the revocation status is required, and it is unknown: TRY_LATER.
    let leaf_rev = report.check("revocation-status").unwrap();
    assert_eq!(
        leaf_rev.failure().map(|f| f.1),
        Some(fhirsig_core::report::SubIndication::TryLater),
        "{report}"
    );
    assert!(
        leaf_rev.message().contains("absence proves nothing"),
        "{report}"
    );
}

#[test]
fn expired_leaf_known_not_revoked_is_out_of_bounds_not_revoked() {
    // intermediate-2021.crl.pem was issued while leaf-expired was valid and is current until 2027.
    let leaf = chain("leaf-expired.cert.pem", "intermediate.cert.pem");
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let crl = Crl::from_pem_or_der(&read("intermediate-2021.crl.pem")).unwrap();
    let validator = ChainValidator::new(anchors).with_crls(vec![crl]);
    let (report, _) = validator.validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("out-of-bounds-not-revoked"));
}

#[test]
fn revoked_leaf_is_rejected() {
    let leaf = chain("leaf-revoked.cert.pem", "intermediate.cert.pem");
    let (report, _) = validator().validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("revoked-no-poe"));
    let times = at("2026-06-01T00:00:00Z").with_sig_t(t("2026-02-01T00:00:00Z"));
    let (report, _) = validator().validate(&leaf, &times);
    assert_outcome(&report, "failed", Some("revoked"));
    let check = report.check("revocation-status").unwrap();
    assert_eq!(
        check.evidence_value("revocation-date"),
        Some("2026-01-01T00:00:00Z")
    );
    assert_eq!(
        check.evidence_value("revocation-reason"),
        Some("keyCompromise")
    );
}

#[test]
fn stale_crl_is_try_later() {
    let leaf = chain("leaf-good.cert.pem", "intermediate.cert.pem");
    let (report, verified) = validator().validate(&leaf, &at("2026-09-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("try-later"));
    assert!(verified.is_none());
}

#[test]
fn crl_issued_after_the_instant_is_revocation_out_of_bounds_no_poe() {
    let leaf = chain("leaf-good.cert.pem", "intermediate.cert.pem");
    let (report, _) = validator().validate(&leaf, &at("2026-04-01T00:00:00Z"));
    assert_outcome(
        &report,
        "indeterminate",
        Some("revocation-out-of-bounds-no-poe"),
    );
}

#[test]
fn a_certificate_no_given_crl_covers_is_unknown_once_crls_are_given() {
    // The CRL is by the intermediate; the intermediate itself is issued by the root, whose CRL
    // is not given. Under the built-in policies (revocation `if-given`) its status is required
    // and unknown, so the chain is not trusted; under `if-available` it is "not checked".
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let crl = Crl::from_pem_or_der(&read("intermediate.crl.pem")).unwrap();
    let only_intermediate = ChainValidator::new(anchors).with_crls(vec![crl]);
    let leaf = chain("leaf-good.cert.pem", "intermediate.cert.pem");
    let statuses = |report: &fhirsig_core::trust::Report| -> Vec<Outcome> {
        report
            .checks()
            .iter()
            .filter(|c| c.code() == "revocation-status")
            .map(|c| c.outcome())
            .collect()
    };
    let (report, verified) = only_intermediate.validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_eq!(statuses(&report), vec![Outcome::Pass, Outcome::Fail]);
    assert_outcome(&report, "indeterminate", Some("try-later"));
    assert!(verified.is_none());
    let available = fhirsig_core::Policy::from_toml(
        "name = \"a\"\n[certificates]\nrevocation = \"if-available\"\n",
    )
    .unwrap();
    let (report, verified) =
        only_intermediate.validate_under(&leaf, &at("2026-06-01T00:00:00Z"), &available);
    assert_eq!(statuses(&report), vec![Outcome::Pass, Outcome::NotChecked]);
    assert!(verified.is_some());
    // Both CRLs: every certificate below the root has its status.
    let (report, verified) = validator().validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_eq!(statuses(&report), vec![Outcome::Pass, Outcome::Pass]);
    assert!(verified.is_some());
}

#[test]
fn sha1_signed_leaf_is_crypto_constraints_failure() {
    let leaf = chain("leaf-sha1.cert.pem", "intermediate.cert.pem");
    let (report, _) = validator().validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("crypto-constraints-failure"));
}

#[test]
fn revoked_intermediate_is_revoked_ca_no_poe() {
    let crl = Crl::from_pem_or_der(&read("root-revokes-intermediate.crl.pem")).unwrap();
    let leaf = chain("leaf-good.cert.pem", "intermediate.cert.pem");
    let (report, _) = validator()
        .with_crls(vec![crl])
        .validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("revoked-ca-no-poe"));
}

#[test]
fn crl_with_a_forged_signature_is_try_later() {
    let anchors = TrustAnchors::from_pem(&[&read("root.cert.pem")]).unwrap();
    let forged = Crl::from_pem_or_der(&read("forged-intermediate.crl.pem")).unwrap();
    let validator = ChainValidator::new(anchors).with_crls(vec![forged]);
    let leaf = chain("leaf-good.cert.pem", "intermediate.cert.pem");
    let (report, _) = validator.validate(&leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("try-later"));
    let check = report.check("revocation-status").unwrap();
    assert!(check.message().contains("issuer's key"), "{report}");
}

#[test]
fn ca_certificate_as_signer_is_refused_for_its_key_usage() {
    // RFC 5280 lets a CA certificate end a path; its KeyUsage does not allow signing.
    let as_leaf = CertificateChain::from_der(vec![der("intermediate.cert.pem")]).unwrap();
    let (report, _) = validator().validate(&as_leaf, &at("2026-06-01T00:00:00Z"));
    assert_outcome(&report, "indeterminate", Some("chain-constraints-failure"));
    let path = report.check("certificate-path").unwrap();
    assert_eq!(path.outcome(), Outcome::Pass, "{report}");
    let usage = report.check("signer-key-usage").unwrap();
    assert_eq!(usage.outcome(), Outcome::Fail, "{report}");
}

#[test]
fn der_crl_is_accepted_like_pem() {
    let pem = read("intermediate.crl.pem");
    let der = rustls_pki_types::CertificateRevocationListDer::from_pem_slice(&pem).unwrap();
    let crl = Crl::from_pem_or_der(der.as_ref()).unwrap();
    assert_eq!(crl.revoked_serials(), vec!["2001".to_owned()]);
    assert!(crl.issuer().contains("openssl test intermediate CA"));
}
