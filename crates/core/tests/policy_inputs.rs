//! The RFC 5280 policy inputs carried by a validation policy file (`[certificates]` policies,
//! explicit-policy, inhibit-mapping, inhibit-any-policy, anchor-constraints) and given to the
//! validator directly: the openssl-made chain root → CA (P1, maps P1 to P2) → leaf (P2), and a
//! root whose own name constraints exclude the leaf.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::PathBuf;
use std::sync::Arc;

use fhirsig_core::report::{CheckCode, Outcome};
use fhirsig_core::trust::{
    CertificateChain, ChainValidator, EkuPolicy, PolicyInputs, TrustAnchors, ValidationTimes,
};
use fhirsig_core::{parse_rfc3339, Policy};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, GeneralSubtree, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, NameConstraints, SanType,
};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/openssl-pkix/out")
            .join(name),
    )
    .unwrap()
}

fn mapped_chain(policy: Policy, inputs: Option<PolicyInputs>) -> fhirsig_core::Check {
    let mut validator =
        ChainValidator::new(TrustAnchors::from_pem(&[&fixture("root.cert.pem")]).unwrap())
            .with_eku_policy(EkuPolicy::any())
            .with_policy(Arc::new(policy))
            .with_intermediates_pem(&[&fixture("int-pol-map.cert.pem")])
            .unwrap();
    if let Some(inputs) = inputs {
        validator = validator.with_policy_inputs(inputs);
    }
    let chain = CertificateChain::from_pem(&fixture("leaf-pol-p2.cert.pem")).unwrap();
    let at = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let (report, _) = validator.validate(&chain, &ValidationTimes::at(at));
    report.check(CheckCode::CertificatePath).unwrap().clone()
}

const P1: &str = "1.3.6.1.4.1.55555.1.1";
const P2: &str = "1.3.6.1.4.1.55555.1.2";

fn file(policies: &str, extra: &str) -> Policy {
    Policy::from_toml(&format!(
        "name = \"bridge\"\nextends = \"cdex\"\n[certificates]\neku = \"any\"\npolicies = [{policies}]\nexplicit-policy = true\n{extra}"
    ))
    .unwrap()
}

#[test]
fn a_policy_file_requires_a_certificate_policy() {
    let check = mapped_chain(file(&format!("\"{P1}\""), ""), None);
    assert_eq!(check.outcome(), Outcome::Pass, "{check}");
    assert_eq!(check.evidence_value("policies"), Some(P1));
    let check = mapped_chain(file(&format!("\"{P2}\""), ""), None);
    assert_eq!(check.outcome(), Outcome::Fail, "{check}");
    let check = mapped_chain(file(&format!("\"{P1}\""), "inhibit-mapping = true\n"), None);
    assert_eq!(check.outcome(), Outcome::Fail, "{check}");
}

#[test]
fn inputs_given_to_the_validator_replace_the_policy_files() {
    let check = mapped_chain(file(&format!("\"{P2}\""), ""), Some(PolicyInputs::any()));
    assert_eq!(check.outcome(), Outcome::Pass, "{check}");
}

#[test]
fn the_builtin_policies_accept_any_certificate_policy() {
    for name in fhirsig_core::policy::BUILTIN_NAMES {
        let policy = Policy::builtin(name).unwrap();
        assert_eq!(policy.path_inputs(), &PolicyInputs::any(), "{name}");
    }
}

#[test]
fn malformed_inputs_are_refused_with_their_line() {
    for (text, line) in [
        (
            "name = \"x\"\n[certificates]\npolicies = [\"not-an-oid\"]\n",
            3,
        ),
        (
            "name = \"x\"\n[certificates]\nexplicit-policy = \"yes\"\n",
            3,
        ),
        (
            "name = \"x\"\n[certificates]\n\nanchor-constraints = 1\n",
            4,
        ),
    ] {
        let error = Policy::from_toml(text).unwrap_err();
        assert!(
            error.to_string().contains(&format!("line {line}")),
            "{error}"
        );
    }
}

#[test]
fn the_anchors_own_name_constraints_apply_unless_turned_off() {
    // A root whose nameConstraints exclude example.org, above a leaf naming www.example.org.
    let mut root = CertificateParams::default();
    root.distinguished_name
        .push(DnType::CommonName, "inputs nc root");
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    root.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    root.name_constraints = Some(NameConstraints {
        permitted_subtrees: Vec::new(),
        excluded_subtrees: vec![GeneralSubtree::DnsName("example.org".into())],
    });
    let now = time::OffsetDateTime::from_unix_timestamp(1_780_000_000).unwrap();
    root.not_before = now - time::Duration::days(10);
    root.not_after = now + time::Duration::days(10);
    let root_key = KeyPair::generate().unwrap();
    let root_pem = root.self_signed(&root_key).unwrap().pem();
    let root = Issuer::new(root, root_key);
    let mut leaf = CertificateParams::default();
    leaf.distinguished_name
        .push(DnType::CommonName, "inputs nc leaf");
    leaf.is_ca = IsCa::ExplicitNoCa;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.subject_alt_names = vec![SanType::DnsName("www.example.org".try_into().unwrap())];
    leaf.not_before = now - time::Duration::days(1);
    leaf.not_after = now + time::Duration::days(1);
    leaf.use_authority_key_identifier_extension = true;
    let leaf_pem = leaf
        .signed_by(&KeyPair::generate().unwrap(), &root)
        .unwrap()
        .pem();
    let at = fhirsig_core::UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(now.unix_timestamp()).unwrap(),
    ));
    let run = |inputs: PolicyInputs| {
        let validator =
            ChainValidator::new(TrustAnchors::from_pem(&[root_pem.as_bytes()]).unwrap())
                .with_policy_inputs(inputs);
        let chain = CertificateChain::from_pem(leaf_pem.as_bytes()).unwrap();
        let (report, _) = validator.validate(&chain, &ValidationTimes::at(at));
        report.check(CheckCode::CertificatePath).unwrap().clone()
    };
    let applied = run(PolicyInputs::any());
    assert_eq!(applied.outcome(), Outcome::Fail, "{applied}");
    assert!(applied.message().contains("excluded"), "{applied}");
    let ignored = run(PolicyInputs::any().with_anchor_constraints(false));
    assert_eq!(ignored.outcome(), Outcome::Pass, "{ignored}");
    assert!(ignored
        .evidence_value("policy-inputs")
        .unwrap()
        .contains("trust-anchor constraints ignored"));
}
