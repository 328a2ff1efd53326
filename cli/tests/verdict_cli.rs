//! `fhirsig verify` and `fhirsig provenance verify` say "verified" only for what was checked:
//! a changed Provenance signer, an unsigned root around a signed Bundle, an unsigned attachment
//! beside a signed one, a bad second signature extension, a target duplicated after the signed
//! one; each is not verified (exit 1) or named, as the verdict rule says.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{fhirsig, temp_dir};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/fixtures")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn root() -> String {
    fixtures().join("root.cert.pem").display().to_string()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// `verify` (or `provenance verify`) at the fixtures' instant: exit code and standard output.
fn verify(command: &[&str], file: &str, extra: &[&str]) -> (Option<i32>, String) {
    let root = root();
    let mut args: Vec<&str> = command.to_vec();
    args.extend([file, "--trust", &root, "--at", "2026-06-01T00:00:00Z"]);
    args.extend_from_slice(extra);
    let out = fhirsig(&args);
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn a_provenance_signer_changed_to_another_npi_is_not_verified() {
    let dir = temp_dir("verdict-who");
    let signed = fixture("provenance-signed.json");
    let good = write(&dir, "good.json", &signed);
    assert_eq!(verify(&["provenance", "verify"], &good, &[]).0, Some(0));
    let other = signed.replace("\"value\": \"1234567893\"", "\"value\": \"1111111111\"");
    assert_ne!(other, signed);
    let other = write(&dir, "other.json", &other);
    for command in [&["provenance", "verify"][..], &["verify"][..]] {
        let (code, stdout) = verify(command, &other, &[]);
        assert_eq!(code, Some(1), "{command:?}: {stdout}");
        assert!(stdout.contains("signer-identity"), "{command:?}: {stdout}");
    }
}

#[test]
fn an_unsigned_task_around_a_signed_bundle_is_not_a_verified_file() {
    let dir = temp_dir("verdict-contained");
    let task = format!(
        r#"{{"resourceType": "Task", "status": "completed", "intent": "order", "contained": [{}]}}"#,
        fixture("signed.json")
    );
    let file = write(&dir, "task.json", &task);
    let (code, stdout) = verify(&["verify"], &file, &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("/contained/0 Bundle, cdex: verified"),
        "{stdout}"
    );
    assert!(stdout.contains("/ Task: UNSIGNED"), "{stdout}");
    assert!(stdout.contains("file NOT VERIFIED"), "{stdout}");
    let (code, outcome) = verify(&["verify"], &file, &["--outcome"]);
    assert_eq!(code, Some(1));
    let outcome: serde_json::Value = serde_json::from_str(&outcome).unwrap();
    let issues = outcome["issue"].as_array().unwrap();
    assert!(
        issues.iter().any(|i| i["severity"] == "error"
            && i["details"]["text"]
                .as_str()
                .unwrap()
                .contains("not verified")),
        "{outcome}"
    );
    assert!(
        issues
            .iter()
            .any(|i| i["severity"] == "warning" && i["expression"][0] == "(resource)"),
        "{outcome}"
    );
    let (code, stdout) = verify(&["verify"], &file, &["--pointer", "/contained/0"]);
    assert_eq!(code, Some(0), "{stdout}");
    let (code, _) = verify(&["verify"], &file, &["--pointer", "/nothing/here"]);
    assert_eq!(code, Some(2), "a pointer to nothing is bad input");
}

#[test]
fn an_unsigned_attachment_is_named_and_fails_when_all_must_be_signed() {
    let dir = temp_dir("verdict-parameters");
    let parameters = format!(
        r#"{{"resourceType": "Parameters", "parameter": [
          {{"name": "Attachment", "part": [{{"name": "Content", "resource": {}}}]}},
          {{"name": "Attachment", "part": [{{"name": "Content", "resource": {}}}]}}]}}"#,
        fixture("signed.json"),
        fixture("searchset.json")
    );
    let file = write(&dir, "parameters.json", &parameters);
    let (code, stdout) = verify(&["verify"], &file, &[]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("/parameter/1/part/0/resource Bundle: UNSIGNED"),
        "{stdout}"
    );
    let (code, stdout) = verify(&["verify"], &file, &["--require-all-signed"]);
    assert_eq!(code, Some(1), "{stdout}");
    let (_, json) = verify(&["verify"], &file, &["--json"]);
    let last: serde_json::Value = serde_json::from_str(json.lines().last().unwrap()).unwrap();
    assert_eq!(last["type"], "file");
    assert_eq!(
        last["uncovered"][0]["pointer"],
        "/parameter/1/part/0/resource"
    );
    assert_eq!(last["uncovered"][0]["signed"], false);
}

#[test]
fn a_bad_second_signature_extension_is_not_missed() {
    let dir = temp_dir("verdict-qr");
    let key = fixtures().join("signer.key.pem").display().to_string();
    let chain = fixtures().join("signer.chain.pem").display().to_string();
    let qr = write(
        &dir,
        "qr.json",
        r#"{"resourceType": "QuestionnaireResponse", "status": "completed", "item": [{"linkId": "1", "answer": [{"valueString": "yes"}]}]}"#,
    );
    let signed = dir.join("signed.json").display().to_string();
    let out = fhirsig(&[
        "sign",
        &qr,
        "--key",
        &key,
        "--cert",
        &chain,
        "--at",
        "2026-05-01T12:00:00Z",
        "-o",
        &signed,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(verify(&["verify"], &signed, &[]).0, Some(0));
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&signed).unwrap()).unwrap();
    let extensions = value["extension"].as_array_mut().unwrap();
    let mut second = extensions[0].clone();
    second["valueSignature"]["data"] = serde_json::json!("bm90IGEgSldT");
    extensions.push(second);
    let twice = write(&dir, "twice.json", &value.to_string());
    let (code, stdout) = verify(&["verify"], &twice, &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert_eq!(
        stdout.matches(": / QuestionnaireResponse").count(),
        2,
        "{stdout}"
    );
    assert!(
        stdout.contains("NOT VERIFIED (failed/format-failure)"),
        "{stdout}"
    );
}

#[test]
fn a_target_duplicated_after_the_signed_one_is_refused() {
    let dir = temp_dir("verdict-duplicate");
    let signed = fixture("provenance-signed.json");
    let value: serde_json::Value = serde_json::from_str(&signed).unwrap();
    let mut duplicated = value.clone();
    let entries = duplicated["entry"].as_array_mut().unwrap();
    let mut copy = entries[0].clone();
    copy["resource"]["valueQuantity"]["value"] = serde_json::json!(99);
    entries.insert(1, copy);
    let file = write(&dir, "duplicated.json", &duplicated.to_string());
    let (code, stdout) = verify(&["provenance", "verify"], &file, &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("names 2 entries"), "{stdout}");
}

#[test]
fn both_verify_commands_take_the_same_time_policy_words() {
    let signed = fixtures().join("signed.json").display().to_string();
    let (code, stdout) = verify(&["verify"], &signed, &["--time-policy", "at"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("file verified"), "{stdout}");
    let root = root();
    let out = fhirsig(&["verify", &signed, "--trust", &root, "--time-policy", "at"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "at without --at is a usage error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--time-policy at needs"));
    let chain = fixtures().join("signer.chain.pem").display().to_string();
    let out = fhirsig(&[
        "cert",
        "verify",
        &chain,
        "--trust",
        &root,
        "--time-policy",
        "sigt",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has none") && stderr.contains("--time-policy at"),
        "{stderr}"
    );
}

/// The committed test PKI of the published vectors.
fn vector_pki(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../test-vectors/gen/pki/out")
        .join(name)
        .display()
        .to_string()
}

/// Signs the fixtures' searchset with `leaf` and the chain files given (leaf first).
fn sign_with(dir: &Path, leaf: &str, chain: &[&str]) -> String {
    let mut pem = String::new();
    for part in chain {
        pem.push_str(&std::fs::read_to_string(vector_pki(part)).unwrap());
    }
    let chain_file = write(dir, "chain.pem", &pem);
    let out_file = dir.join("signed.json").display().to_string();
    let out = fhirsig(&[
        "sign",
        &fixtures().join("searchset.json").display().to_string(),
        "--key",
        &vector_pki(&format!("{leaf}.key.pem")),
        "--cert",
        &chain_file,
        "--at",
        "2026-05-01T12:00:00Z",
        "-o",
        &out_file,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out_file
}

#[test]
fn verify_completes_a_leaf_only_chain_and_takes_an_eku_policy() {
    let dir = temp_dir("verdict-intermediates");
    let signed = sign_with(&dir, "leaf-good", &["leaf-good.cert.pem"]);
    let (code, stdout) = verify(&["verify"], &signed, &[]);
    assert_eq!(code, Some(1), "a leaf-only x5c reaches no anchor: {stdout}");
    let intermediate = vector_pki("intermediate.cert.pem");
    let (code, stdout) = verify(&["verify"], &signed, &["--intermediates", &intermediate]);
    assert_eq!(code, Some(0), "{stdout}");

    let dir = temp_dir("verdict-eku");
    let signed = sign_with(
        &dir,
        "leaf-wrong-eku",
        &["leaf-wrong-eku.cert.pem", "intermediate.cert.pem"],
    );
    let (code, stdout) = verify(&["verify"], &signed, &[]);
    assert_eq!(code, Some(1), "serverAuth only: {stdout}");
    assert!(stdout.contains("signer-extended-key-usage"), "{stdout}");
    let (code, stdout) = verify(&["verify"], &signed, &["--eku", "1.3.6.1.5.5.7.3.1"]);
    assert_eq!(code, Some(0), "{stdout}");
    let (code, _) = verify(&["verify"], &signed, &["--eku", "not-an-oid"]);
    assert_eq!(code, Some(2));
    let out = fhirsig(&["verify", &signed, "--intermediates", &intermediate]);
    assert_eq!(out.status.code(), Some(2), "intermediates without anchors");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--intermediates needs --trust"));
}

#[test]
fn an_unsigned_provenance_added_beside_a_signed_one_keeps_the_file_from_verifying() {
    let dir = temp_dir("verdict-unsigned-provenance");
    let mut bundle: serde_json::Value =
        serde_json::from_str(&fixture("provenance-signed.json")).unwrap();
    bundle["entry"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "fullUrl": "urn:uuid:0b9f0c55-1c3a-4d7e-9a53-2f3c8e1d7a10",
            "resource": {
                "resourceType": "Provenance",
                "target": [{"reference": "#/"}],
                "recorded": "2026-05-01T00:00:00Z",
                "agent": [{"who": {"display": "someone else"}}]
            }
        }));
    let file = write(&dir, "injected.json", &bundle.to_string());
    let (code, stdout) = verify(&["provenance", "verify"], &file, &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("/entry/1/resource/signature/0: verified"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/entry/2/resource: UNSIGNED Provenance"),
        "{stdout}"
    );
    let (code, json) = verify(&["provenance", "verify"], &file, &["--json"]);
    assert_eq!(code, Some(1));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["unsigned"], serde_json::json!(["/entry/2/resource"]));
    assert_eq!(report["verified"], false);
    assert_eq!(report["signatures"][0]["verified"], true, "{report}");
}

#[test]
fn a_provenance_out_of_reach_is_named_as_not_checked() {
    let dir = temp_dir("verdict-unchecked-provenance");
    let mut bundle: serde_json::Value =
        serde_json::from_str(&fixture("provenance-signed.json")).unwrap();
    // Contained in the signing Provenance, whose own members its signature does not cover.
    bundle["entry"][1]["resource"]["contained"] = serde_json::json!([{
        "resourceType": "Provenance",
        "target": [{"reference": "#"}],
        "recorded": "2026-05-01T00:00:00Z",
        "agent": [{"who": {"display": "someone else"}}]
    }]);
    let file = write(&dir, "contained.json", &bundle.to_string());
    let (code, stdout) = verify(&["provenance", "verify"], &file, &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("/entry/1/resource/signature/0: verified"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/entry/1/resource/contained/0: NOT CHECKED Provenance"),
        "{stdout}"
    );
    let (_, json) = verify(&["provenance", "verify"], &file, &["--json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        report["unchecked"],
        serde_json::json!(["/entry/1/resource/contained/0"])
    );
    assert_eq!(report["verified"], false);
}
