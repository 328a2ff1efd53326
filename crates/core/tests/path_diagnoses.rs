//! A refused certificate path says which certificate and which rule: "certificate [1] CN=… is
//! past its notAfter", not only "the certificate path violates a constraint".

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use fhirsig_core::report::{CheckCode, SubIndication};
use fhirsig_core::trust::{CertificateChain, ChainValidator, TrustAnchors, ValidationTimes};
use fhirsig_core::UnixTime;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

fn now() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap()
}

fn params(cn: &str, ca: bool, from: i64, to: i64) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.is_ca = if ca {
        IsCa::Ca(BasicConstraints::Unconstrained)
    } else {
        IsCa::ExplicitNoCa
    };
    p.key_usages = if ca {
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign]
    } else {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
        ]
    };
    p.not_before = now() + Duration::days(from);
    p.not_after = now() + Duration::days(to);
    p.key_identifier_method = KeyIdMethod::Sha256;
    p.use_authority_key_identifier_extension = true;
    p
}

/// root -> middle -> leaf; the report and whether the chain verified, under the default policy.
fn validate(middle: CertificateParams, leaf_ca: bool) -> (fhirsig_core::report::Report, bool) {
    let root_key = KeyPair::generate().unwrap();
    let mut root_params = params("diag root", true, -100, 100);
    root_params.use_authority_key_identifier_extension = false;
    let root_pem = root_params.self_signed(&root_key).unwrap().pem();
    let root = Issuer::new(root_params, root_key);
    let middle_key = KeyPair::generate().unwrap();
    let middle_pem = middle.signed_by(&middle_key, &root).unwrap().pem();
    let middle = Issuer::new(middle, middle_key);
    let leaf = params("diag leaf", leaf_ca, -1, 10);
    let leaf_pem = leaf
        .signed_by(&KeyPair::generate().unwrap(), &middle)
        .unwrap()
        .pem();
    let validator = ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap());
    let chain = CertificateChain::from_pem(format!("{leaf_pem}{middle_pem}").as_bytes()).unwrap();
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(now().unix_timestamp()).unwrap(),
    ));
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
    (report, verified.is_some())
}

/// The path's check of a chain that must not verify.
fn path_check(middle: CertificateParams, leaf_ca: bool) -> fhirsig_core::Check {
    let (report, verified) = validate(middle, leaf_ca);
    assert!(!verified);
    report.check(CheckCode::CertificatePath).unwrap().clone()
}

#[test]
fn an_expired_intermediate_is_named() {
    let check = path_check(params("diag expired intermediate", true, -100, -5), false);
    assert_eq!(
        check.failure().map(|f| f.1),
        Some(SubIndication::OutOfBoundsNoPoe)
    );
    assert!(
        check
            .message()
            .starts_with("certificate [1] CN=diag expired intermediate is past its notAfter"),
        "{check}"
    );
    assert!(
        check.message().contains("RFC 5280 §6.1.3 (a)(2)"),
        "{check}"
    );
}

#[test]
fn an_end_entity_issuing_certificates_is_named() {
    let check = path_check(params("diag not a ca", false, -100, 100), false);
    assert_eq!(
        check.failure().map(|f| f.1),
        Some(SubIndication::ChainConstraintsFailure)
    );
    assert!(
        check
            .message()
            .starts_with("certificate [1] CN=diag not a ca issued the next certificate"),
        "{check}"
    );
    assert!(check.message().contains("§6.1.4 (k)"), "{check}");
}

#[test]
fn a_ca_signer_ends_a_valid_path_and_fails_on_its_key_usage() {
    // RFC 5280 lets a CA certificate be the end entity (x509-limbo rfc5280::ca-as-leaf); a
    // CA's KeyUsage (keyCertSign, cRLSign) does not allow signing documents.
    let (report, verified) = validate(params("diag intermediate", true, -100, 100), true);
    assert!(!verified, "{report}");
    let path = report.check(CheckCode::CertificatePath).unwrap();
    assert!(path.failure().is_none(), "{report}");
    let usage = report.check(CheckCode::SignerKeyUsage).unwrap();
    assert!(usage.failure().is_some(), "{report}");
}
