//! RFC 5280 path validation (§6.1) and CRL processing (§6.3) on fixtures made by the openssl
//! command line (tests/fixtures/openssl-pkix: generate.sh, cases.json with the expected result
//! of each case and the rule it rests on, openssl-verify.txt with what openssl said).
//!
//! Cases are judged under `cdex-strict` (every rule fails, revocation required once CRLs are
//! given), with any EKU accepted: the fixtures are about the path, not the document-signing
//! EKU.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::path::PathBuf;
use std::sync::Arc;

use fhirsig_core::report::{CheckCode, Outcome};
use fhirsig_core::trust::{
    CertificateChain, ChainValidator, Crl, EkuPolicy, ObjectIdentifier, PolicyInputs, TrustAnchors,
    ValidationTimes,
};
use fhirsig_core::{parse_rfc3339, Policy};
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/openssl-pkix")
}

fn read(path: &str) -> Vec<u8> {
    std::fs::read(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn files(case: &Value, key: &str) -> Vec<Vec<u8>> {
    case[key]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).map(read).collect())
        .unwrap_or_default()
}

fn inputs(case: &Value) -> PolicyInputs {
    let oids: Vec<ObjectIdentifier> = case["initial_policies"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| s.parse().unwrap())
                .collect()
        })
        .unwrap_or_default();
    let flag = |key: &str| case[key].as_bool().unwrap_or(false);
    PolicyInputs::any()
        .with_initial_policies(oids)
        .with_explicit_policy(flag("explicit_policy"))
        .with_inhibit_mapping(flag("inhibit_mapping"))
        .with_inhibit_any_policy(flag("inhibit_any_policy"))
}

/// What fhirsig said, in the fixtures' words.
fn judge(case: &Value) -> (String, fhirsig_core::report::Report) {
    let anchors = files(case, "anchors");
    let refs: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
    let policy = Arc::new(Policy::builtin("cdex-strict").unwrap());
    let mut validator = ChainValidator::new(TrustAnchors::from_pem(&refs).unwrap())
        .with_eku_policy(EkuPolicy::any())
        .with_policy(policy)
        .with_policy_inputs(inputs(case));
    for blob in files(case, "intermediates") {
        validator = validator.with_intermediates_pem(&[&blob]).unwrap();
    }
    let crls = files(case, "crls")
        .iter()
        .map(|b| Crl::from_pem_or_der(b).unwrap())
        .collect();
    validator = validator.with_crls(crls);
    let chain = CertificateChain::from_pem(&read(case["leaf"].as_str().unwrap())).unwrap();
    let at = parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
    let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
    let revocation: Vec<_> = report
        .checks()
        .iter()
        .filter(|c| c.code() == CheckCode::RevocationStatus)
        .collect();
    let path_ok = report
        .check(CheckCode::CertificatePath)
        .is_some_and(|c| c.outcome() == Outcome::Pass);
    let revoked = revocation.iter().any(|c| {
        c.failure()
            .is_some_and(|(_, sub)| sub.as_str().starts_with("revoked"))
    });
    let said = if verified.is_some() {
        "valid"
    } else if revoked {
        "revoked"
    } else if path_ok
        && revocation.iter().any(|c| c.failure().is_some())
        && report
            .checks()
            .iter()
            .filter(|c| c.failure().is_some())
            .all(|c| c.code() == CheckCode::RevocationStatus)
    {
        "undetermined"
    } else {
        "invalid"
    };
    (said.to_owned(), report)
}

fn policies_of(report: &fhirsig_core::report::Report) -> Vec<String> {
    let path = report.check(CheckCode::CertificatePath).unwrap();
    let text = path.evidence_value("policies").unwrap_or_default();
    match text {
        "none" => Vec::new(),
        _ => text.split(' ').map(str::to_owned).collect(),
    }
}

#[test]
fn openssl_made_cases_hold() {
    let cases: Value = serde_json::from_slice(&read("cases.json")).unwrap();
    let mut wrong = Vec::new();
    let cases = cases["cases"].as_array().unwrap();
    assert!(cases.len() >= 50);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let expected = case["expect"].as_str().unwrap();
        let (said, report) = judge(case);
        if said != expected {
            wrong.push(format!(
                "{id}: expected {expected}, fhirsig said {said} ({})\n{report}",
                case["rule"].as_str().unwrap_or("")
            ));
            continue;
        }
        if let Some(policies) = case["expect_policies"].as_array() {
            let mut want: Vec<String> = policies
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect();
            let mut got = policies_of(&report);
            want.sort();
            got.sort();
            if want != got {
                wrong.push(format!("{id}: policies {got:?}, expected {want:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} case(s) differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn an_expired_root_fails_every_builtin_policy() {
    let cases: Value = serde_json::from_slice(&read("cases.json")).unwrap();
    let case = cases["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "root-expired")
        .unwrap();
    let anchors = files(case, "anchors");
    let refs: Vec<&[u8]> = anchors.iter().map(Vec::as_slice).collect();
    for name in fhirsig_core::policy::BUILTIN_NAMES {
        let validator = ChainValidator::new(TrustAnchors::from_pem(&refs).unwrap())
            .with_eku_policy(EkuPolicy::any())
            .with_policy(Arc::new(Policy::builtin(name).unwrap()));
        let chain = CertificateChain::from_pem(&read(case["leaf"].as_str().unwrap())).unwrap();
        let at = parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
        let (report, verified) = validator.validate(&chain, &ValidationTimes::at(at));
        assert!(verified.is_none(), "{name}: {report}");
        let check = report.check(CheckCode::TrustAnchorValidity).unwrap();
        assert_eq!(check.outcome(), Outcome::Fail, "{name}: {report}");
    }
}
