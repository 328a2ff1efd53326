//! Bad input gives typed errors (never panics), and the report vocabulary for unusable chains.

#![allow(clippy::unwrap_used)] // test helpers

mod common;

use common::{assert_outcome, june_2026, Pki};
use fhirsig_core::trust::{
    CertificateChain, ChainValidator, Crl, SubIndication, TimePolicy, TrustAnchors, TrustError,
    ValidationTimes,
};

#[test]
fn empty_chain_is_an_error() {
    assert!(matches!(
        CertificateChain::from_der(vec![]),
        Err(TrustError::EmptyChain)
    ));
}

#[test]
fn non_certificate_der_names_its_index() {
    let pki = Pki::new(june_2026());
    let leaf = pki.der("leaf-ec.cert.pem");
    let err =
        CertificateChain::from_der(vec![leaf, vec![0x30, 0x03, 0x02, 0x01, 0x05]]).unwrap_err();
    assert!(
        matches!(err, TrustError::BadCertificate { index: 1, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("certificate 1"));
}

#[test]
fn garbage_pem_anchors_are_errors() {
    let err =
        TrustAnchors::from_pem(&[b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"])
            .unwrap_err();
    assert!(matches!(err, TrustError::BadPem { blob: 0, .. }), "{err:?}");
    let err = TrustAnchors::from_pem(&[b"hello, not PEM"]).unwrap_err();
    assert!(
        matches!(err, TrustError::NoCertificateInPem { blob: 0 }),
        "{err:?}"
    );
    assert!(matches!(
        TrustAnchors::from_pem(&[]),
        Err(TrustError::NoTrustAnchors)
    ));
    let err = TrustAnchors::from_pem(&[&[0x30, 0x00]]).unwrap_err();
    assert!(
        matches!(err, TrustError::BadCertificate { index: 0, .. }),
        "{err:?}"
    );
}

#[test]
fn several_pem_blobs_and_multi_certificate_blobs_are_read() {
    let pki = Pki::new(june_2026());
    let mut bundle = pki.file("root-ca.cert.pem").to_vec();
    bundle.extend_from_slice(pki.file("intermediate-ca.cert.pem"));
    let anchors = TrustAnchors::from_pem(&[&bundle, pki.file("leaf-ec.cert.pem")]).unwrap();
    assert_eq!(anchors.certificates().len(), 3);
}

#[test]
fn garbage_crls_are_errors() {
    for bytes in [
        &b"not a crl"[..],
        &[0x30, 0x03, 0x02, 0x01, 0x00][..],
        &b""[..],
    ] {
        let err = Crl::from_pem_or_der(bytes).unwrap_err();
        assert!(matches!(err, TrustError::BadCrl { .. }), "{err:?}");
    }
    let pki = Pki::new(june_2026());
    // A certificate is not a CRL.
    assert!(Crl::from_pem_or_der(&pki.der("leaf-ec.cert.pem")).is_err());
}

#[test]
fn validate_x5c_reports_unusable_chains() {
    let pki = Pki::new(june_2026());
    let times = ValidationTimes::at(pki.now);
    let (report, verified) = pki.validator().validate_x5c(vec![], &times);
    assert_outcome(
        &report,
        "indeterminate",
        Some("no-signing-certificate-found"),
    );
    assert!(verified.is_none());
    let (report, _) = pki
        .validator()
        .validate_x5c(vec![b"garbage".to_vec()], &times);
    assert_outcome(&report, "failed", Some("format-failure"));
}

#[test]
fn signing_time_policy_without_sig_t_is_a_format_failure() {
    let pki = Pki::new(june_2026());
    let times = ValidationTimes::at(pki.now).with_policy(TimePolicy::SigningTime);
    let (report, _) = pki.validator().validate(&pki.chain("leaf-ec"), &times);
    assert_outcome(&report, "failed", Some("format-failure"));
}

#[test]
fn every_sub_indication_has_a_stable_code() {
    let codes: Vec<&str> = SubIndication::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(codes.len(), 18);
    assert!(codes.contains(&"signed-data-not-found"));
    assert!(codes.contains(&"revocation-out-of-bounds-no-poe"));
}

#[test]
fn validator_is_reusable_across_chains() {
    let pki = Pki::new(june_2026());
    let validator: ChainValidator = pki.validator_with_crl();
    let times = ValidationTimes::at(pki.now);
    let first = validator.validate(&pki.chain("leaf-ec"), &times).0;
    let second = validator.validate(&pki.chain("leaf-revoked"), &times).0;
    assert!(first.passed());
    assert!(!second.passed());
}
