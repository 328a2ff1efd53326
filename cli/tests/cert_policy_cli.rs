//! `fhirsig cert verify` and `verify` with the RFC 5280 policy inputs (`--policy-oid`,
//! `--explicit-policy`, `--inhibit-mapping`, `--inhibit-any-policy`) on the openssl-made
//! fixtures of tests/fixtures/openssl-pkix: root → CA (policy P1, maps P1 to P2) → leaf (P2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fhirsig;
use std::path::PathBuf;

const P1: &str = "1.3.6.1.4.1.55555.1.1";
const P2: &str = "1.3.6.1.4.1.55555.1.2";

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/openssl-pkix/out")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn cert_verify(extra: &[&str]) -> std::process::Output {
    let leaf = fixture("leaf-pol-p2.cert.pem");
    let ca = fixture("int-pol-map.cert.pem");
    let root = fixture("root.cert.pem");
    let mut args = vec![
        "cert",
        "verify",
        &leaf,
        "--intermediates",
        &ca,
        "--trust",
        &root,
        "--at",
        "2026-06-01T00:00:00Z",
        "--eku",
        "any",
    ];
    args.extend_from_slice(extra);
    fhirsig(&args)
}

fn path_check(out: &std::process::Output) -> serde_json::Value {
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "certificate-path")
        .unwrap()
        .clone()
}

#[test]
fn the_anchor_domain_policy_is_accepted_through_the_mapping() {
    let out = cert_verify(&["--policy-oid", P1, "--explicit-policy", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let check = path_check(&out);
    assert_eq!(check["evidence"]["policies"], P1, "{check}");
    assert!(check["evidence"]["policy-inputs"]
        .as_str()
        .unwrap()
        .contains("initial-explicit-policy true"));
}

#[test]
fn the_defaults_are_reported() {
    let out = cert_verify(&["--json"]);
    assert_eq!(out.status.code(), Some(0));
    let check = path_check(&out);
    assert_eq!(
        check["evidence"]["policy-inputs"],
        "user-initial-policy-set {anyPolicy}, initial-explicit-policy false, initial-policy-mapping-inhibit false, initial-any-policy-inhibit false"
    );
}

#[test]
fn a_policy_the_path_does_not_carry_fails_with_the_rule() {
    let out = cert_verify(&["--policy-oid", P2, "--explicit-policy"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("none of the acceptable policies"), "{text}");
    assert!(text.contains("§6.1.5 (g)"), "{text}");
}

#[test]
fn inhibiting_the_mapping_fails_an_explicit_policy() {
    let out = cert_verify(&["--policy-oid", P1, "--explicit-policy", "--inhibit-mapping"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_policy_oid_that_is_not_an_oid_is_an_input_error() {
    let out = cert_verify(&["--policy-oid", "not-an-oid"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--policy-oid"), "{err}");
}

#[test]
fn verify_refuses_policy_inputs_without_trust() {
    let bundle = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/trust/leaf-good-with-crl.json");
    assert!(bundle.is_file());
    let out = fhirsig(&["verify", bundle.to_str().unwrap(), "--explicit-policy"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("need --trust"), "{err}");
}

#[test]
fn a_policy_file_carries_the_inputs_and_flags_refine_them() {
    let dir = common::temp_dir("cert_policy_file");
    let file = dir.join("bridge.toml");
    std::fs::write(
        &file,
        format!("name = \"bridge\"\nextends = \"cdex\"\n[certificates]\npolicies = [\"{P1}\"]\nexplicit-policy = true\n"),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let out = cert_verify(&["--policy", path, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(path_check(&out)["evidence"]["policies"], P1);
    // --inhibit-mapping on top of the file's inputs: P1 is no longer reached.
    let out = cert_verify(&["--policy", path, "--inhibit-mapping"]);
    assert_eq!(out.status.code(), Some(1));
    // `policy show` prints the inputs, and its output is the same policy again.
    let shown = fhirsig(&["policy", "show", path]);
    assert_eq!(shown.status.code(), Some(0));
    let text = String::from_utf8_lossy(&shown.stdout).into_owned();
    assert!(text.contains(&format!("policies = [\"{P1}\"]")), "{text}");
    assert!(text.contains("explicit-policy = true"), "{text}");
    assert!(text.contains("anchor-constraints = true"), "{text}");
    let again = dir.join("again.toml");
    std::fs::write(
        &again,
        text.replace("name = \"bridge\"", "name = \"bridge2\""),
    )
    .unwrap();
    let out = cert_verify(&["--policy", again.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(path_check(&out)["evidence"]["policies"], P1);
}
