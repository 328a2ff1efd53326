//! Validation policies on the command line: the built-in policies (`cdex`, `cdex-strict`, `r6`)
//! and their auto-selection by profile, custom TOML policies (each level, each setting),
//! malformed policies (the error names the line), and `fhirsig policy list|show|check`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::path::{Path, PathBuf};

use common::{fhirsig, temp_dir};
use serde_json::Value;

/// The R6-draft signature made like the IG Publisher's (tests/fixtures/r6-publisher/README.md).
fn r6_fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/r6-publisher")
        .join(name)
        .display()
        .to_string()
}

const R6_AT: &str = "2026-12-02T00:00:00Z";

fn verify_r6(extra: &[&str]) -> std::process::Output {
    let (signed, cert) = (r6_fixture("signed.json"), r6_fixture("cert.pem"));
    let mut args = vec!["verify", &signed, "--trust", &cert, "--at", R6_AT];
    args.extend_from_slice(extra);
    fhirsig(&args)
}

fn json_lines(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn check<'a>(signature: &'a Value, code: &str) -> &'a Value {
    signature["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == code)
        .unwrap_or_else(|| panic!("no {code} check in {signature}"))
}

#[test]
fn the_r6_example_verifies_under_its_auto_selected_policy_with_the_waived_rules_as_warnings() {
    let out = verify_r6(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("r6: verified"), "{text}");
    assert!(
        text.contains("policy   r6 (4 check(s) lowered from fail by the policy)"),
        "{text}"
    );
    for code in [
        "pinned-signer",
        "key-usage-digital-signature",
        "signer-identity",
    ] {
        let line = text.lines().find(|l| l.contains(code)).unwrap();
        assert!(line.trim_start().starts_with("warn"), "{line}");
        assert!(line.ends_with("(was fail; level warn)"), "{line}");
    }

    let out = verify_r6(&["--json"]);
    let lines = json_lines(&out);
    let signature = &lines[0];
    assert_eq!(signature["policy"], "r6");
    assert_eq!(signature["verified"], true);
    let identity = check(signature, "signer-identity");
    assert_eq!(identity["level"], "warn");
    assert_eq!(identity["outcome"], "warn");
    assert_eq!(identity["waived"]["outcome"], "fail");
    assert_eq!(
        identity["waived"]["subIndication"],
        "sig-constraints-failure"
    );
    assert_eq!(check(signature, "signature-value")["level"], "fail");
    assert_eq!(check(signature, "signature-value")["waived"], Value::Null);
}

#[test]
fn the_r6_example_fails_under_cdex_strict_and_under_cdex() {
    let out = verify_r6(&["--policy", "cdex-strict", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let signature = &json_lines(&out)[0];
    assert_eq!(signature["policy"], "cdex-strict");
    assert_eq!(signature["verified"], false);
    for code in [
        "pinned-signer",
        "key-usage-digital-signature",
        "signer-identity",
    ] {
        assert_eq!(check(signature, code)["outcome"], "fail", "{code}");
    }
    // cdex keeps the SHOULDs as warnings but CONF-053 (a SAN matches who) is a SHALL.
    let out = verify_r6(&["--policy", "cdex", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let signature = &json_lines(&out)[0];
    assert_eq!(check(signature, "pinned-signer")["outcome"], "warn");
    assert_eq!(check(signature, "signer-identity")["outcome"], "fail");
    assert_eq!(signature["subIndication"], "sig-constraints-failure");
}

#[test]
fn the_cdex_examples_keep_their_results_under_cdex_and_fail_pinned_under_strict() {
    let vectors = common::vectors();
    let example = vectors.join("cdex-searchbundle-digital-sig-example.json");
    let cert = vectors.join("keys/example_org_cert/cert.pem");
    let args = |policy: &'static str| {
        vec![
            "verify".to_owned(),
            example.display().to_string(),
            "--trust".to_owned(),
            cert.display().to_string(),
            "--at".to_owned(),
            "2026-06-01T00:00:00Z".to_owned(),
            "--policy".to_owned(),
            policy.to_owned(),
        ]
    };
    let run = |policy| {
        let a = args(policy);
        fhirsig(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    assert_eq!(run("cdex").status.code(), Some(0));
    let strict = run("cdex-strict");
    assert_eq!(strict.status.code(), Some(1));
    let text = String::from_utf8_lossy(&strict.stdout);
    assert!(text.contains("fail        pinned-signer"), "{text}");
}

fn policy_file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_custom_policy_sets_each_level() {
    let dir = temp_dir("policy-levels");
    for (level, outcome) in [("warn", "warn"), ("inform", "info"), ("ignore", "ignored")] {
        let file = policy_file(
            &dir,
            &format!("{level}.toml"),
            &format!(
                "name = \"payer-{level}\"\nextends = \"cdex\"\n[checks]\nsigner-identity = \"{level}\"\n"
            ),
        );
        let out = verify_r6(&["--policy", &file, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{level}");
        let signature = &json_lines(&out)[0];
        assert_eq!(signature["policy"], format!("payer-{level}"));
        let identity = check(signature, "signer-identity");
        assert_eq!(identity["level"], level);
        assert_eq!(identity["outcome"], outcome, "{level}");
        assert_eq!(identity["waived"]["outcome"], "fail");
    }
    // fail: the same rule kept at fail by a file extending r6 makes it fail again.
    let file = policy_file(
        &dir,
        "fail.toml",
        "name = \"r6-with-identity\"\nextends = \"r6\"\n[checks]\nsigner-identity = \"fail\"\n",
    );
    let out = verify_r6(&["--policy", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let signature = &json_lines(&out)[0];
    assert_eq!(check(signature, "signer-identity")["outcome"], "fail");
    assert_eq!(check(signature, "pinned-signer")["outcome"], "warn");
}

/// A signed searchset from a fresh test PKI: (dir, pki, signed file).
fn signed_pki_bundle(name: &str) -> (common::TempDir, PathBuf, String) {
    let dir = temp_dir(name);
    let pki = dir.join("pki");
    assert!(fhirsig(&["pki", "init", pki.to_str().unwrap()])
        .status
        .success());
    let chain = dir.join("chain.pem");
    std::fs::write(
        &chain,
        [
            std::fs::read(pki.join("leaf-rsa.cert.pem")).unwrap(),
            std::fs::read(pki.join("intermediate-ca.cert.pem")).unwrap(),
        ]
        .concat(),
    )
    .unwrap();
    let bundle = common::small_bundle(&dir);
    let signed = dir.join("signed.json").display().to_string();
    let key = pki.join("leaf-rsa.key.pem").display().to_string();
    let out = fhirsig(&[
        "sign",
        &bundle,
        "--key",
        &key,
        "--cert",
        chain.to_str().unwrap(),
        "-o",
        &signed,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, pki, signed)
}

#[test]
fn policy_settings_algorithms_revocation_and_unsigned_resources() {
    let (dir, pki, signed) = signed_pki_bundle("policy-settings");
    let root = pki.join("root-ca.cert.pem").display().to_string();
    let base = |policy: &str| {
        fhirsig(&[
            "verify", &signed, "--trust", &root, "--policy", policy, "--json",
        ])
    };
    assert_eq!(base("cdex").status.code(), Some(0));

    // An RS256 signature under a policy that accepts only ES256.
    let es_only = policy_file(
        &dir,
        "es.toml",
        "name = \"es-only\"\n[algorithms]\naccepted = [\"ES256\"]\n",
    );
    let out = base(&es_only);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(check(&json_lines(&out)[0], "algorithm")["outcome"], "fail");

    // Revocation required, no CRL given: INDETERMINATE, never verified.
    let required = policy_file(
        &dir,
        "rev.toml",
        "name = \"rev\"\n[certificates]\nrevocation = \"required\"\n",
    );
    let out = base(&required);
    assert_eq!(out.status.code(), Some(1));
    let signature = &json_lines(&out)[0];
    assert_eq!(signature["indication"], "indeterminate");
    assert_eq!(signature["subIndication"], "try-later");
    // With the intermediate's CRL only, the intermediate itself is still not covered.
    let crl = pki.join("intermediate-ca.crl.pem").display().to_string();
    let out = fhirsig(&[
        "verify", &signed, "--trust", &root, "--crl", &crl, "--policy", &required, "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    // if-given (every built-in policy) asks the same once a CRL is given; both CRLs cover the
    // path; if-available (a custom policy) checks only what a given CRL covers.
    for policy in ["cdex", "cdex-strict", "r6"] {
        let out = fhirsig(&[
            "verify", &signed, "--trust", &root, "--crl", &crl, "--policy", policy,
        ]);
        assert_eq!(out.status.code(), Some(1), "{policy}");
    }
    let root_crl = pki.join("root-ca.crl.pem").display().to_string();
    let out = fhirsig(&[
        "verify", &signed, "--trust", &root, "--crl", &crl, "--crl", &root_crl,
    ]);
    assert_eq!(out.status.code(), Some(0));
    let out = fhirsig(&[
        "verify", &signed, "--trust", &root, "--crl", &crl, "--crl", &root_crl, "--policy",
        &required,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "required, and every certificate covered"
    );
    let available = policy_file(
        &dir,
        "avail.toml",
        "name = \"avail\"\n[certificates]\nrevocation = \"if-available\"\n",
    );
    let out = fhirsig(&[
        "verify", &signed, "--trust", &root, "--crl", &crl, "--policy", &available,
    ]);
    assert_eq!(out.status.code(), Some(0));
    // Revocation off: reported as ignored.
    let off = policy_file(
        &dir,
        "off.toml",
        "name = \"off\"\n[certificates]\nrevocation = \"off\"\n",
    );
    let out = base(&off);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        check(&json_lines(&out)[0], "revocation-status")["level"],
        "ignore"
    );

    // EKU from the policy: only serverAuth accepted, the leaf has document signing.
    let eku = policy_file(
        &dir,
        "eku.toml",
        "name = \"eku\"\n[certificates]\neku = [\"1.3.6.1.5.5.7.3.1\"]\n",
    );
    let out = base(&eku);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        check(&json_lines(&out)[0], "signer-extended-key-usage")["outcome"],
        "fail"
    );
    // --eku on the command line overrides the policy's.
    let out = fhirsig(&[
        "verify", &signed, "--trust", &root, "--policy", &eku, "--eku", "any",
    ]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn unsigned_resources_fail_when_the_policy_says_so() {
    let dir = temp_dir("policy-unsigned");
    let (_dir, pki, signed) = signed_pki_bundle("policy-unsigned-pki");
    let root = pki.join("root-ca.cert.pem").display().to_string();
    // A collection whose second entry nothing signs: wrap the signed Bundle.
    let inner: Value = serde_json::from_slice(&std::fs::read(&signed).unwrap()).unwrap();
    let outer = serde_json::json!({"resourceType": "Bundle", "type": "collection", "entry": [
        {"fullUrl": "urn:uuid:a", "resource": inner},
        {"fullUrl": "urn:uuid:b", "resource": {"resourceType": "Patient", "id": "b"}}]});
    let file = dir.join("collection.json");
    std::fs::write(&file, outer.to_string()).unwrap();
    let file = file.display().to_string();
    let strict = policy_file(
        &dir,
        "u.toml",
        "name = \"u\"\n[signatures]\nunsigned-resources = \"fail\"\n",
    );
    let warn = fhirsig(&[
        "verify",
        &file,
        "--trust",
        &root,
        "--pointer",
        "/entry/0/resource",
    ]);
    assert_eq!(warn.status.code(), Some(0));
    let fail = fhirsig(&[
        "verify",
        &file,
        "--trust",
        &root,
        "--pointer",
        "/entry/0/resource",
        "--policy",
        &strict,
    ]);
    assert_eq!(fail.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&fail.stdout).contains("not covered by a verified signature"));
}

#[test]
fn malformed_policies_name_the_line() {
    let dir = temp_dir("policy-malformed");
    let cases = [
        (
            "syntax.toml",
            "name = \"x\"\n[checks\n",
            "line 2: not valid TOML",
        ),
        (
            "unknown-check.toml",
            "name = \"x\"\n\n[checks]\nno-such-check = \"warn\"\n",
            "line 4: \"no-such-check\" is not a check fhirsig reports",
        ),
        (
            "fixed.toml",
            "name = \"x\"\n[checks]\nsignature-value = \"ignore\"\n",
            "line 3: signature-value cannot be lowered to ignore",
        ),
        (
            "level.toml",
            "name = \"x\"\n[checks]\nsig-t = \"maybe\"\n",
            "line 3: the level of sig-t must be",
        ),
        (
            "key.toml",
            "name = \"x\"\n[certificates]\nrevocaton = \"off\"\n",
            "line 3: unknown key \"revocaton\" in [certificates]",
        ),
        (
            "alg.toml",
            "name = \"x\"\n[algorithms]\naccepted = [\"HS256\"]\n",
            "line 3: \"HS256\" is not an algorithm fhirsig verifies",
        ),
        (
            "alg-none.toml",
            "name = \"x\"\n[algorithms]\naccepted = [\"none\"]\n",
            "is not an algorithm fhirsig verifies (never none, never HMAC)",
        ),
        ("no-name.toml", "[checks]\n", "the policy has no name"),
        (
            "extends.toml",
            "name = \"x\"\nextends = \"eidas\"\n",
            "line 2: extends \"eidas\", which is not a built-in policy",
        ),
        (
            "signers.toml",
            "name = \"x\"\n[signatures]\nsigners = 0\n",
            "line 3: signers must be",
        ),
    ];
    for (name, text, expected) in cases {
        let file = policy_file(&dir, name, text);
        let out = fhirsig(&["policy", "check", &file]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("hint:"), "{name}: {err}");
        // verify refuses the same file before reading any input.
        let out = fhirsig(&["verify", "none.json", "--policy", &file]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(expected),
            "{name}"
        );
    }
    let out = fhirsig(&[
        "policy",
        "check",
        &policy_file(&dir, "s.toml", "[checks\n"),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    assert_eq!(report["line"], 1);
    // Not a policy at all.
    let out = fhirsig(&["verify", "none.json", "--policy", "eidas"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no built-in policy has this name"));
    let big = policy_file(&dir, "big.toml", &"# padding\n".repeat(10_000));
    let out = fhirsig(&["policy", "check", &big]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn policy_show_prints_a_policy_file_that_checks_as_the_same_policy() {
    let dir = temp_dir("policy-show");
    let list = fhirsig(&["policy", "list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    for name in ["cdex", "cdex-strict", "r6"] {
        assert!(listed.lines().any(|l| l.starts_with(name)), "{listed}");
        let shown = fhirsig(&["policy", "show", name]);
        assert!(shown.status.success());
        let toml = String::from_utf8_lossy(&shown.stdout).into_owned();
        assert!(toml.contains(&format!("extends = \"{name}\"")), "{toml}");
        let file = policy_file(&dir, &format!("{name}.toml"), &toml);
        let checked = fhirsig(&["policy", "check", &file, "--json"]);
        assert!(checked.status.success(), "{name}");
        let report: Value = serde_json::from_slice(&checked.stdout).unwrap();
        assert_eq!(report["valid"], true);
        assert_eq!(report["changedLevels"], Value::Array(vec![]), "{name}");
        let shown_json: Value =
            serde_json::from_slice(&fhirsig(&["policy", "show", name, "--json"]).stdout).unwrap();
        assert_eq!(report["checks"], shown_json["checks"], "{name}");
        assert_eq!(report["revocation"], shown_json["revocation"], "{name}");
    }
    let shown: Value =
        serde_json::from_slice(&fhirsig(&["policy", "show", "cdex", "--json"]).stdout).unwrap();
    let level = |code: &str| {
        shown["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()["level"]
            .clone()
    };
    assert_eq!(level("key-usage-digital-signature"), "warn");
    assert_eq!(level("signer-identity"), "fail");
    assert_eq!(level("pinned-signer"), "warn");
    let check = fhirsig(&[
        "policy",
        "check",
        &policy_file(
            &dir,
            "p.toml",
            "name = \"p\"\n[checks]\nsigner-identity = \"inform\"\n",
        ),
    ]);
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(
        text.contains("signer-identity") && text.contains("fail -> inform"),
        "{text}"
    );
}

#[test]
fn the_html_audit_report_shows_what_the_policy_waived() {
    let dir = temp_dir("policy-html");
    let html = dir.join("audit.html").display().to_string();
    let out = verify_r6(&["--html", &html]);
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("policy level warn: was fail"),
        "waived checks named"
    );
    let out = verify_r6(&[
        "--html",
        &html,
        "--policy",
        &policy_file(
            &dir,
            "i.toml",
            "name = \"i\"\nextends = \"r6\"\n[checks]\nsigner-identity = \"ignore\"\n",
        ),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(">ignored<"),
        "an ignored check is not shown as a failure"
    );
    assert!(page.contains("policy level ignore: was fail"));
}

/// Every published verify vector whose deciding check a policy may lower: under each lower
/// level that check no longer fails, is reported with its level and what it found, and a
/// vector whose only problem it was now verifies; the same vector fails without the policy.
#[test]
fn each_level_of_each_waivable_check_kind_on_the_published_vectors() {
    let dir = temp_dir("policy-vectors");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-vectors");
    let mut kinds = std::collections::BTreeSet::new();
    for area in ["fhir", "trust"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(area))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let vector: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
            let Some(code) = vector["expectCheck"].as_str() else {
                continue;
            };
            let fixed =
                fhirsig_core::CheckCode::from_name(code).is_none_or(fhirsig_core::policy::is_fixed);
            if vector["operation"] != "verify"
                || fixed
                || vector.get("crls").is_some()
                || vector.get("pointer").is_some()
                || vector["trustAnchors"].as_array().is_none()
            {
                continue;
            }
            let stem = file.file_stem().unwrap().to_str().unwrap().to_owned();
            let input = dir.join(format!("{stem}.json"));
            std::fs::write(&input, vector["input"].to_string()).unwrap();
            let anchors = dir.join(format!("{stem}.pem"));
            let pems: Vec<&str> = vector["trustAnchors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect();
            std::fs::write(&anchors, pems.concat()).unwrap();
            let mut args = vec![
                "verify".to_owned(),
                input.display().to_string(),
                "--trust".to_owned(),
                anchors.display().to_string(),
                "--at".to_owned(),
                vector["verifyAt"].as_str().unwrap().to_owned(),
                "--json".to_owned(),
            ];
            for (key, flag) in [("timePolicy", "--time-policy"), ("profile", "--profile")] {
                if let Some(value) = vector[key].as_str() {
                    args.extend([flag.to_owned(), value.to_owned()]);
                }
            }
            let base = vector["policy"].as_str().unwrap_or("cdex");
            let run = |extra: &[String]| {
                let all: Vec<&str> = args.iter().chain(extra).map(String::as_str).collect();
                fhirsig(&all)
            };
            let strict = run(&["--policy".to_owned(), base.to_owned()]);
            assert_eq!(strict.status.code(), Some(1), "{stem} under {base}");
            for (level, outcome) in [("warn", "warn"), ("inform", "info"), ("ignore", "ignored")] {
                let policy = policy_file(
                    &dir,
                    &format!("{stem}-{level}.toml"),
                    &format!(
                        "name = \"t\"\nextends = \"{base}\"\n[checks]\n{code} = \"{level}\"\n"
                    ),
                );
                let out = run(&["--policy".to_owned(), policy]);
                let signature = &json_lines(&out)[0];
                let lowered: Vec<&Value> = signature["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|c| c["code"] == code)
                    .collect();
                assert!(
                    lowered
                        .iter()
                        .all(|c| c["outcome"] != "fail" && c["level"] == level),
                    "{stem} {level}: {signature}"
                );
                assert!(
                    lowered
                        .iter()
                        .any(|c| c["outcome"] == outcome && c["waived"]["outcome"] == "fail"),
                    "{stem} {level}: {signature}"
                );
                let others_fail = signature["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["outcome"] == "fail");
                if !others_fail {
                    assert_eq!(out.status.code(), Some(0), "{stem} {level}: {signature}");
                }
            }
            kinds.insert(code.to_owned());
        }
    }
    for kind in [
        "signer-identity",
        "signer-certificate-validity",
        "sr-cms",
        "sig-t",
        "signer-key-usage",
    ] {
        assert!(
            kinds.contains(kind),
            "no vector exercised {kind}: {kinds:?}"
        );
    }
}

#[test]
fn the_signer_rule_decides_a_jws_json_serialization_with_an_untrusted_signer() {
    let (dir, pki, _) = signed_pki_bundle("policy-signers");
    // The same key under a second chain, from a PKI the verifier does not trust.
    let other = dir.join("other");
    assert!(fhirsig(&["pki", "init", other.to_str().unwrap()])
        .status
        .success());
    let foreign_chain = dir.join("foreign-chain.pem");
    std::fs::write(
        &foreign_chain,
        [
            std::fs::read(pki.join("leaf-rsa.cert.pem")).unwrap(),
            std::fs::read(other.join("intermediate-ca.cert.pem")).unwrap(),
        ]
        .concat(),
    )
    .unwrap();
    let chain = dir.join("chain.pem").display().to_string();
    let bundle = dir.join("bundle.json").display().to_string();
    let two = dir.join("two.json").display().to_string();
    let key = pki.join("leaf-rsa.key.pem").display().to_string();
    let out = fhirsig(&[
        "sign",
        &bundle,
        "--key",
        &key,
        "--cert",
        &chain,
        "--also-cert",
        foreign_chain.to_str().unwrap(),
        "-o",
        &two,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = pki.join("root-ca.cert.pem").display().to_string();
    let verify = |policy: Option<&str>| {
        let mut args = vec!["verify", two.as_str(), "--trust", root.as_str(), "--json"];
        if let Some(p) = policy {
            args.extend(["--policy", p]);
        }
        fhirsig(&args)
    };
    let all = verify(None);
    assert_eq!(
        all.status.code(),
        Some(1),
        "every signer must verify by default"
    );
    let lines = json_lines(&all);
    let verified: Vec<bool> = lines
        .iter()
        .filter(|l| l["type"] == "signature")
        .map(|l| l["verified"].as_bool().unwrap())
        .collect();
    assert_eq!(verified, [true, false]);
    for (rule, code) in [("\"any\"", Some(0)), ("1", Some(0)), ("2", Some(1))] {
        let policy = policy_file(
            &dir,
            "signers.toml",
            &format!("name = \"s\"\n[signatures]\nsigners = {rule}\n"),
        );
        let out = verify(Some(&policy));
        assert_eq!(out.status.code(), code, "signers = {rule}");
        let file = json_lines(&out)
            .into_iter()
            .find(|l| l["type"] == "file")
            .unwrap();
        if code == Some(1) {
            assert!(
                file["reason"].as_str().unwrap().contains("did not verify"),
                "{file}"
            );
        }
    }
}

#[test]
fn cert_verify_judges_by_the_policy_too() {
    let cert = r6_fixture("cert.pem");
    let run = |policy: &str| {
        fhirsig(&[
            "cert", "verify", &cert, "--trust", &cert, "--at", R6_AT, "--policy", policy, "--json",
        ])
    };
    let cdex = run("cdex");
    assert_eq!(cdex.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&cdex.stdout).unwrap();
    assert_eq!(report["policy"], "cdex");
    assert_eq!(check(&report, "pinned-signer")["level"], "warn");
    assert_eq!(
        check(&report, "key-usage-digital-signature")["waived"]["outcome"],
        "fail"
    );
    let strict = run("cdex-strict");
    assert_eq!(strict.status.code(), Some(1));
    let text = fhirsig(&["cert", "verify", &cert, "--trust", &cert, "--at", R6_AT]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("(was fail; level warn)"), "{text}");
    assert!(text.contains("validation policy cdex"), "{text}");
}

#[test]
fn policy_files_that_are_not_regular_files_are_refused_without_blocking() {
    let dir = temp_dir("policy-special");
    let fifo = dir.join("policy.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut specials = vec![dir.display().to_string(), "/dev/zero".to_owned()];
    if made {
        specials.push(fifo.display().to_string());
    }
    for special in specials {
        let out = fhirsig(&["policy", "check", &special]);
        assert_eq!(out.status.code(), Some(2), "{special}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not a regular file"),
            "{special}"
        );
        let out = fhirsig(&["verify", "x.json", "--policy", &special]);
        assert_eq!(out.status.code(), Some(2), "{special}");
    }
    // Deeply nested TOML is refused by the parser's depth limit, not by a crash.
    let deep = policy_file(
        &dir,
        "deep.toml",
        &format!(
            "name = \"x\"\na = {}{}\n",
            "[".repeat(20_000),
            "]".repeat(20_000)
        ),
    );
    let out = fhirsig(&["policy", "check", &deep]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2: not valid TOML"));
}

#[test]
fn serve_refuses_an_unknown_policy_at_start() {
    let out = fhirsig(&["serve", "--listen", "127.0.0.1:0", "--policy", "eidas"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no built-in policy has this name"));
}
