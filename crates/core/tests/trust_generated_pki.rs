//! Validation outcomes with PKIs made by `fhirsig_testkit::pki::generate_test_pki`.

mod common;

use common::{assert_outcome, june_2026, Pki};
use fhirsig_core::trust::{
    match_signer_identity, EkuPolicy, IdentityMatch, Outcome, TimePolicy, ValidationTimes,
};

#[test]
fn good_ec_and_rsa_leaves_pass_and_name_the_anchor() {
    let pki = Pki::new(june_2026());
    for stem in ["leaf-ec", "leaf-rsa"] {
        let (report, verified) = pki
            .validator()
            .validate(&pki.chain(stem), &ValidationTimes::at(pki.now));
        assert_outcome(&report, "passed", None);
        let verified = verified.expect("verified chain");
        assert!(verified.anchor_subject().contains("fhirsig test root CA"));
        assert_eq!(verified.intermediates().len(), 1);
        assert_eq!(verified.instant(), pki.now);
        assert_eq!(verified.policy(), TimePolicy::VerificationTime);
    }
}

#[test]
fn revocation_without_crl_is_not_checked_never_good() {
    let pki = Pki::new(june_2026());
    let (report, _) = pki
        .validator()
        .validate(&pki.chain("leaf-ec"), &ValidationTimes::at(pki.now));
    let revocation: Vec<_> = report
        .checks()
        .iter()
        .filter(|c| c.code() == "revocation-status")
        .collect();
    assert_eq!(revocation.len(), 2, "leaf and intermediate:\n{report}");
    assert!(revocation
        .iter()
        .all(|c| c.outcome() == Outcome::NotChecked));
}

#[test]
fn good_leaf_with_crl_is_checked_not_revoked() {
    let pki = Pki::new(june_2026());
    let (report, verified) = pki
        .validator_with_crl()
        .validate(&pki.chain("leaf-ec"), &ValidationTimes::at(pki.now));
    assert_outcome(&report, "passed", None);
    assert!(verified.is_some());
    let leaf_rev = report.check("revocation-status").unwrap();
    assert_eq!(leaf_rev.outcome(), Outcome::Pass, "{report}");
}

#[test]
fn expired_leaf_at_verification_time_is_out_of_bounds_no_poe() {
    let pki = Pki::new(june_2026());
    let (report, verified) = pki
        .validator()
        .validate(&pki.chain("leaf-expired"), &ValidationTimes::at(pki.now));
    assert_outcome(&report, "indeterminate", Some("out-of-bounds-no-poe"));
    assert!(verified.is_none());
}

#[test]
fn expired_leaf_given_instant_policy_is_expired() {
    let pki = Pki::new(june_2026());
    let times = ValidationTimes::at(pki.now).with_policy(TimePolicy::At(pki.now));
    let (report, _) = pki.validator().validate(&pki.chain("leaf-expired"), &times);
    assert_outcome(&report, "failed", Some("expired"));
}

#[test]
fn not_yet_valid_leaf_fails() {
    let pki = Pki::new(june_2026());
    let (report, _) = pki.validator().validate(
        &pki.chain("leaf-not-yet-valid"),
        &ValidationTimes::at(pki.now),
    );
    assert_outcome(&report, "failed", Some("not-yet-valid"));
}

#[test]
fn key_encipherment_only_leaf_fails_chain_constraints() {
    let pki = Pki::new(june_2026());
    let (report, _) = pki.validator().validate(
        &pki.chain("leaf-wrong-key-usage"),
        &ValidationTimes::at(pki.now),
    );
    assert_outcome(&report, "indeterminate", Some("chain-constraints-failure"));
    let check = report.check("signer-key-usage").unwrap();
    assert_eq!(check.outcome(), Outcome::Fail);
    // The bits by their RFC 5280 names, as a reader of the report knows them.
    assert_eq!(check.evidence_value("key-usage"), Some("keyEncipherment"));
}

#[test]
fn revoked_leaf_without_sig_t_is_revoked_no_poe() {
    let pki = Pki::new(june_2026());
    let (report, _) = pki
        .validator_with_crl()
        .validate(&pki.chain("leaf-revoked"), &ValidationTimes::at(pki.now));
    assert_outcome(&report, "indeterminate", Some("revoked-no-poe"));
}

#[test]
fn revoked_leaf_with_sig_t_after_revocation_is_revoked() {
    let pki = Pki::new(june_2026());
    let times = ValidationTimes::at(pki.now).with_sig_t(pki.now);
    let (report, _) = pki
        .validator_with_crl()
        .validate(&pki.chain("leaf-revoked"), &times);
    assert_outcome(&report, "failed", Some("revoked"));
}

#[test]
fn wrong_san_leaf_validates_but_identity_does_not_match() {
    let pki = Pki::new(june_2026());
    let (report, verified) = pki
        .validator()
        .validate(&pki.chain("leaf-wrong-san"), &ValidationTimes::at(pki.now));
    assert_outcome(&report, "passed", None);
    let leaf = verified.unwrap().leaf().clone();
    let npi = "http://hl7.org/fhir/sid/us-npi";
    let found = match_signer_identity(&leaf, Some(npi), "1234567893");
    let IdentityMatch::NoMatch { present } = &found else {
        panic!("{found:?}")
    };
    assert!(
        present
            .iter()
            .any(|p| p == "otherName:2.16.840.1.113883.4.6=1111111111"),
        "{present:?}"
    );
    let mut report = report;
    report.push(found.to_check("1234567893"));
    assert_outcome(&report, "indeterminate", Some("sig-constraints-failure"));
}

#[test]
fn good_leaf_identity_matches_npi_other_name() {
    let pki = Pki::new(june_2026());
    let chain = pki.chain("leaf-ec");
    let found = match_signer_identity(
        chain.leaf(),
        Some("http://hl7.org/fhir/sid/us-npi"),
        "1234567893",
    );
    assert!(
        matches!(found, IdentityMatch::OtherName { .. }),
        "{found:?}"
    );
}

#[test]
fn eku_policy_is_enforced_on_the_leaf_only() {
    let pki = Pki::new(june_2026());
    // The leaves carry documentSigning; CA certificates carry no EKU and must not matter.
    let server_auth = const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
    let strict = pki
        .validator()
        .with_eku_policy(EkuPolicy::one_of(vec![server_auth]));
    let (report, _) = strict.validate(&pki.chain("leaf-ec"), &ValidationTimes::at(pki.now));
    assert_outcome(&report, "indeterminate", Some("chain-constraints-failure"));
    assert_eq!(
        report.check("signer-extended-key-usage").unwrap().outcome(),
        Outcome::Fail
    );
}

#[test]
fn remembered_chain_results_follow_the_eku_policy_and_repeat_exactly() {
    let pki = Pki::new(june_2026());
    let chain = pki.chain("leaf-ec");
    let times = ValidationTimes::at(pki.now);
    let lenient = pki.validator();
    let (first, _) = lenient.validate(&chain, &times);
    let (again, verified) = lenient.validate(&chain, &times);
    assert_eq!(first, again, "a remembered result is the same report");
    assert!(verified.is_some());
    // A clone shares the remembered results; changing its EKU policy must not reuse them.
    let server_auth = const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1");
    let strict = lenient
        .clone()
        .with_eku_policy(EkuPolicy::one_of(vec![server_auth]));
    let (report, verified) = strict.validate(&chain, &times);
    assert!(verified.is_none());
    assert_eq!(
        report.check("signer-extended-key-usage").unwrap().outcome(),
        Outcome::Fail
    );
    let (still, _) = lenient.validate(&chain, &times);
    assert_eq!(first, still, "the original keeps its policy");
}

#[test]
fn eku_policy_any_accepts_every_purpose() {
    let pki = Pki::new(june_2026());
    let any = pki.validator().with_eku_policy(EkuPolicy::any());
    let (report, _) = any.validate(&pki.chain("leaf-ec"), &ValidationTimes::at(pki.now));
    assert_outcome(&report, "passed", None);
    let eku = report.check("signer-extended-key-usage").unwrap();
    assert_eq!(eku.outcome(), Outcome::Pass);
    assert_eq!(eku.evidence_value("present"), Some("1.3.6.1.5.5.7.3.36"));
}

#[test]
fn missing_intermediate_is_no_certificate_chain_found() {
    let pki = Pki::new(june_2026());
    let leaf = pki.der("leaf-ec.cert.pem");
    let chain = fhirsig_core::trust::CertificateChain::from_der(vec![leaf]).unwrap();
    let (report, verified) = pki
        .validator()
        .validate(&chain, &ValidationTimes::at(pki.now));
    assert_outcome(&report, "indeterminate", Some("no-certificate-chain-found"));
    assert!(verified.is_none());
}

#[test]
fn intermediate_from_extra_pem_completes_the_chain() {
    let pki = Pki::new(june_2026());
    let leaf = pki.der("leaf-ec.cert.pem");
    let chain = fhirsig_core::trust::CertificateChain::from_der(vec![leaf]).unwrap();
    let validator = pki
        .validator()
        .with_intermediates_pem(&[pki.file("intermediate-ca.cert.pem")])
        .unwrap();
    let (report, _) = validator.validate(&chain, &ValidationTimes::at(pki.now));
    assert_outcome(&report, "passed", None);
}

#[test]
fn manifest_names_every_file_and_dates_follow_now() {
    let pki = Pki::new(june_2026());
    let readme = String::from_utf8(pki.file("README.txt").to_vec()).unwrap();
    for name in pki.files.keys().filter(|n| *n != "README.txt") {
        let stem = name
            .trim_end_matches(".cert.pem")
            .trim_end_matches(".key.pem");
        assert!(readme.contains(stem), "README does not mention {name}");
    }
    assert_eq!(
        pki.files.len(),
        1 + 2 * 9 + 2,
        "README, 9 cert/key pairs, the intermediate's and the root's CRLs"
    );
    let leaf = pki.chain("leaf-ec");
    let again = Pki::new(june_2026()).chain("leaf-ec");
    assert_eq!(leaf.leaf().not_before(), again.leaf().not_before());
    assert_eq!(leaf.leaf().serial_hex(), "0a");
    let day = 24 * 60 * 60;
    assert_eq!(
        leaf.leaf().not_before().as_secs() + day,
        june_2026().as_secs()
    );
}

/// Attack pass on the remembered chain facts: one validator (and clones sharing its cache),
/// asked in turn about several chains, instants, policies, intermediates and policy inputs,
/// gives exactly the report a fresh validator (empty cache) gives for the same question.
#[test]
fn remembered_chain_facts_equal_a_fresh_validation_across_clones_and_policies() {
    use fhirsig_core::policy::Policy;
    use fhirsig_core::trust::{CertificateChain, PolicyInputs};
    let pki = Pki::new(june_2026());
    let leaf_only = |stem: &str| {
        CertificateChain::from_der(vec![pki.der(&format!("{stem}.cert.pem"))]).unwrap()
    };
    let chains = [
        pki.chain("leaf-ec"),
        leaf_only("leaf-ec"),
        pki.chain("leaf-expired"),
        pki.chain("leaf-not-yet-valid"),
        pki.chain("leaf-wrong-key-usage"),
        leaf_only("leaf-rsa"),
    ];
    let instants = [
        pki.now,
        common::t("2020-01-01T00:00:00Z"),
        common::t("2040-01-01T00:00:00Z"),
    ];
    let policies: Vec<Policy> = ["cdex", "cdex-strict", "r6"]
        .iter()
        .map(|n| Policy::builtin(n).unwrap())
        .collect();
    let inputs = PolicyInputs::any().with_explicit_policy(true);
    // Each configuration: (shared-cache validator, how to build a fresh equivalent).
    type Make<'a> = Box<dyn Fn() -> fhirsig_core::trust::ChainValidator + 'a>;
    let makes: Vec<Make<'_>> = vec![
        Box::new(|| pki.validator()),
        Box::new(|| {
            pki.validator()
                .with_intermediates_pem(&[pki.file("intermediate-ca.cert.pem")])
                .unwrap()
        }),
        Box::new(|| pki.validator().with_policy_inputs(inputs.clone())),
        Box::new(|| pki.validator().with_eku_policy(EkuPolicy::any())),
    ];
    let shared = pki.validator();
    let configured: Vec<_> = vec![
        shared.clone(),
        shared
            .clone()
            .with_intermediates_pem(&[pki.file("intermediate-ca.cert.pem")])
            .unwrap(),
        shared.clone().with_policy_inputs(inputs.clone()),
        shared.clone().with_eku_policy(EkuPolicy::any()),
    ];
    for round in 0..2 {
        for (v, make) in configured.iter().zip(&makes) {
            for chain in &chains {
                for at in instants {
                    for policy in &policies {
                        let times = ValidationTimes::at(at);
                        let (cached, c_ok) = v.validate_under(chain, &times, policy);
                        let (fresh, f_ok) = make().validate_under(chain, &times, policy);
                        assert_eq!(cached, fresh, "round {round}");
                        assert_eq!(c_ok.is_some(), f_ok.is_some(), "round {round}");
                    }
                }
            }
        }
    }
}
