//! A signer certificate given as the trust anchor itself (a pinned signer) is trusted by that
//! configuration whatever its CA bit (`openssl req -x509` sets CA:TRUE), with a
//! `pinned-signer` warning; a CA:TRUE certificate that is not itself an anchor gains nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use fhirsig_core::fhir::{sign, verify_document, Party, Profile, SignRequest, VerifyOptions};
use fhirsig_core::jws::SigningKey;
use fhirsig_core::report::Outcome;
use fhirsig_core::trust::{parse_rfc3339, ChainValidator, TrustAnchors};

const BUNDLE: &str = r#"{"resourceType":"Bundle","type":"searchset","entry":[]}"#;

/// A self-signed P-256 certificate with CA:TRUE, as `openssl req -x509` makes, with KeyUsage
/// digitalSignature (a missing KeyUsage is refused by CONF-051 until validation policies can
/// make it a warning).
fn self_signed_ca(name: &str) -> (rcgen::Certificate, rcgen::KeyPair) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.not_before = time::macros::datetime!(2026-01-01 0:00 UTC);
    params.not_after = time::macros::datetime!(2028-01-01 0:00 UTC);
    params.subject_alt_names = vec![rcgen::SanType::OtherName((
        vec![2, 16, 840, 1, 113883, 4, 6],
        rcgen::OtherNameValue::Utf8String("1234567893".into()),
    ))];
    let cert = params.self_signed(&key).unwrap();
    (cert, key)
}

fn signed_by(cert: &rcgen::Certificate, key: &rcgen::KeyPair) -> String {
    let signing_key = SigningKey::from_pem(key.serialize_pem().as_bytes()).unwrap();
    let request = SignRequest {
        key: &signing_key,
        chain: vec![cert.der().to_vec()],
        profile: Profile::Cdex,
        signing_time: time::macros::datetime!(2026-06-01 0:00 UTC),
        who: Party {
            system: "http://hl7.org/fhir/sid/us-npi".into(),
            value: "1234567893".into(),
            display: None,
        },
        on_behalf_of: None,
        algorithm: None,
        kty_compat: false,
        replace: false,
        exact_header: None,
    };
    sign(BUNDLE, None, &request).unwrap().text
}

fn verify(text: &str, anchor_pem: &str) -> fhirsig_core::fhir::SignatureVerification {
    let anchors = TrustAnchors::from_pem(&[anchor_pem.as_bytes()]).unwrap();
    let options = VerifyOptions::new(
        ChainValidator::new(anchors),
        parse_rfc3339("2026-06-02T00:00:00Z").unwrap(),
    );
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    verify_document(&doc, &options).remove(0)
}

#[test]
fn a_pinned_ca_true_signer_verifies_with_a_warning() {
    let (cert, key) = self_signed_ca("pinned signer");
    let result = verify(&signed_by(&cert, &key), &cert.pem());
    assert!(result.verified(), "{}", result.report());
    let pinned = result
        .report()
        .check("pinned-signer")
        .expect("a pinned-signer check");
    assert_eq!(pinned.outcome(), Outcome::Warn);
    assert_eq!(
        result.report().check("certificate-path").unwrap().outcome(),
        Outcome::Pass
    );
}

#[test]
fn a_ca_true_signer_that_is_not_an_anchor_is_not_trusted() {
    let (cert, key) = self_signed_ca("signer");
    let (other, _) = self_signed_ca("another anchor");
    let result = verify(&signed_by(&cert, &key), &other.pem());
    assert!(!result.verified());
    assert!(result.report().check("pinned-signer").is_none());
    assert_eq!(
        result.report().check("certificate-path").unwrap().outcome(),
        Outcome::Fail
    );
}
