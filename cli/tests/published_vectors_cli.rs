//! The published test vectors through the `fhirsig` binary: every `canonicalize` case with
//! `fhirsig canon`, every `payload` case with `fhirsig canon --payload`, every `verify` case
//! with `fhirsig verify --json`, every `verify-provenance` case with `fhirsig provenance verify
//! --json`, every `verify-document` case with `fhirsig doc verify --json`. The library harnesses (`crates/core/tests/published_vectors.rs`,
//! `crates/provenance/tests/published_vectors.rs`) check every field; this checks that the
//! command line gives the same answers (output bytes, exit status, verified, sub-indication).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use serde_json::Value;

use common::temp_dir;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../test-vectors")
}

fn cases(area: &str) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = std::fs::read_dir(vectors().join(area))
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let name = format!("{area}/{}", path.file_name().unwrap().to_string_lossy());
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The input bytes of a case (`text`, `textBase64`, or the JSON value re-serialised).
fn input(case: &Value) -> Vec<u8> {
    let input = &case["input"];
    match input
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect::<Vec<_>>())
    {
        Some(keys) if keys == ["text"] => input["text"].as_str().unwrap().as_bytes().to_vec(),
        Some(keys) if keys == ["textBase64"] => base64::engine::general_purpose::STANDARD
            .decode(input["textBase64"].as_str().unwrap())
            .unwrap(),
        _ => serde_json::to_vec(input).unwrap(),
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn canon_agrees_with_every_canonicalize_vector() {
    let dir = temp_dir("vectors-canon");
    let mut checked = 0;
    for (name, case) in cases("jcs") {
        let file = write(&dir, "input.json", &input(&case));
        let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args(["canon", "-q", &file])
            .output()
            .unwrap();
        match case["expect"].as_str().unwrap() {
            "success" => {
                assert_eq!(out.status.code(), Some(0), "{name}");
                let expected = case["expectedCanonical"].as_str().unwrap();
                assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{name}");
            }
            _ => assert_eq!(out.status.code(), Some(2), "{name}: refused as bad input"),
        }
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} canonicalize cases");
}

#[test]
fn canon_payload_agrees_with_every_payload_vector() {
    let dir = temp_dir("vectors-payload");
    let mut checked = 0;
    for (name, case) in cases("payload") {
        let mut args = vec![
            "canon".to_owned(),
            "-q".to_owned(),
            "--payload".to_owned(),
            write(&dir, "input.json", &input(&case)),
        ];
        if let Some(uri) = case.get("canonicalization").and_then(Value::as_str) {
            args.extend(["--canonicalization".into(), uri.into()]);
        }
        if let Some(pointer) = case.get("pointer").and_then(Value::as_str) {
            args.extend(["--pointer".into(), pointer.into()]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args(&args)
            .output()
            .unwrap();
        match case["expect"].as_str().unwrap() {
            "success" => {
                assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
                let expected = case["expectedCanonical"].as_str().unwrap();
                assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{name}");
            }
            _ => assert_eq!(out.status.code(), Some(2), "{name}: refused as bad input"),
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} payload cases");
}

/// `--at`, `--trust` (when the case has anchors) and `--crl` options for a verification case,
/// with the PEM files written to `dir`.
fn trust_args(dir: &Path, case: &Value) -> Vec<String> {
    let list = |key: &str| -> Vec<String> {
        case.get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    let mut args = vec![
        "--at".to_owned(),
        case["verifyAt"].as_str().unwrap().to_owned(),
    ];
    let anchors = list("trustAnchors");
    if !anchors.is_empty() {
        let file = write(dir, "anchors.pem", anchors.concat().as_bytes());
        args.extend(["--trust".into(), file]);
    }
    for (i, crl) in list("crls").iter().enumerate() {
        let file = write(dir, &format!("{i}.crl.pem"), crl.as_bytes());
        args.extend(["--crl".into(), file]);
    }
    args
}

#[test]
fn verify_agrees_with_every_verify_vector() {
    let dir = temp_dir("vectors-verify");
    let mut checked = 0;
    for area in ["fhir", "trust"] {
        for (name, case) in cases(area) {
            let mut args = vec![
                "verify".to_owned(),
                write(&dir, "input.json", &input(&case)),
                "--json".to_owned(),
            ];
            args.extend(trust_args(&dir, &case));
            for (key, option) in [
                ("timePolicy", "--time-policy"),
                ("profile", "--profile"),
                ("policy", "--policy"),
            ] {
                if let Some(value) = case.get(key).and_then(Value::as_str) {
                    args.extend([option.into(), value.into()]);
                }
            }
            let pointer = case.get("pointer").and_then(Value::as_str).unwrap_or("");
            if !pointer.is_empty() {
                // The file verdict is about the object the case names (an item, a resource
                // inside Parameters), not the root.
                args.extend(["--pointer".into(), pointer.into()]);
            }
            let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
                .args(&args)
                .output()
                .unwrap();
            let stdout = String::from_utf8(out.stdout).unwrap();
            let line: Value = stdout
                .lines()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .find(|v| v["pointer"] == pointer)
                .unwrap_or_else(|| panic!("{name}: no signature at {pointer:?}: {stdout}"));
            let success = case["expect"] == "success";
            assert_eq!(line["verified"], success, "{name}: {line}");
            if let Some(sub) = case.get("expectSubIndication") {
                assert_eq!(&line["subIndication"], sub, "{name}: {line}");
            }
            if success {
                // Other signatures in the file (none today) could still fail the exit status.
                assert_eq!(out.status.code(), Some(0), "{name}");
            } else {
                assert_eq!(out.status.code(), Some(1), "{name}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 80, "only {checked} verify cases");
}

#[test]
fn provenance_verify_agrees_with_every_provenance_vector() {
    let dir = temp_dir("vectors-provenance");
    let mut checked = 0;
    for (name, case) in cases("provenance") {
        let mut args = vec![
            "provenance".to_owned(),
            "verify".to_owned(),
            write(&dir, "input.json", &input(&case)),
            "--json".to_owned(),
        ];
        args.extend(trust_args(&dir, &case));
        let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args(&args)
            .output()
            .unwrap();
        let expect = case["expect"].as_str().unwrap();
        checked += 1;
        if expect == "parse-failure" {
            assert_eq!(out.status.code(), Some(2), "{name}");
            continue;
        }
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stdout)));
        let success = expect == "success";
        assert_eq!(report["verified"], success, "{name}: {report}");
        assert_eq!(
            out.status.code(),
            Some(if success { 0 } else { 1 }),
            "{name}"
        );
        if let Some(sub) = case.get("expectSubIndication") {
            // The first signature that did not pass decides, as in the library harness.
            let failing = report["signatures"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["verified"] != true)
                .unwrap_or_else(|| panic!("{name}: no failing signature: {report}"));
            assert_eq!(&failing["subIndication"], sub, "{name}: {report}");
        }
    }
    assert!(checked >= 12, "only {checked} Provenance cases");
}

#[test]
fn doc_verify_agrees_with_every_document_vector() {
    let dir = temp_dir("vectors-documents");
    let mut checked = 0;
    for (name, case) in cases("documents") {
        let mut args = vec![
            "doc".to_owned(),
            "verify".to_owned(),
            write(
                &dir,
                "signature.jws",
                case["signature"].as_str().unwrap().as_bytes(),
            ),
            write(&dir, "document", &input(&case)),
            "--json".to_owned(),
        ];
        args.extend(trust_args(&dir, &case));
        if let Some(uri) = case.get("documentUri").and_then(Value::as_str) {
            args.extend(["--uri".into(), uri.into()]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args(&args)
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{name}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        let success = case["expect"] == "success";
        assert_eq!(
            out.status.code(),
            Some(if success { 0 } else { 1 }),
            "{name}: {report}"
        );
        if let Some(sub) = case.get("expectSubIndication") {
            assert_eq!(&report["subIndication"], sub, "{name}: {report}");
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} document cases");
}

/// The `signaturePointer`s of JSON Lines output (signature lines only), in order, once each.
fn signature_pointers(stdout: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in String::from_utf8(stdout.to_vec()).unwrap().lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        if let Some(pointer) = value["signaturePointer"].as_str() {
            if out.last().map(String::as_str) != Some(pointer) {
                out.push(pointer.to_owned());
            }
        }
    }
    out
}

#[test]
fn inspect_and_verify_find_the_same_signatures_in_every_vector() {
    let dir = temp_dir("vectors-same-signatures");
    let mut compared = 0;
    for area in ["fhir", "trust", "provenance", "payload"] {
        for (name, case) in cases(area) {
            let file = write(&dir, "input.json", &input(&case));
            let run = |command: &str| {
                Command::new(env!("CARGO_BIN_EXE_fhirsig"))
                    .args([command, file.as_str(), "--json"])
                    .output()
                    .unwrap()
            };
            let (inspected, verified) = (run("inspect"), run("verify"));
            if case["expect"] == "parse-failure" {
                assert_eq!(inspected.status.code(), Some(2), "{name}");
                assert_eq!(verified.status.code(), Some(2), "{name}");
                continue;
            }
            assert_eq!(
                signature_pointers(&inspected.stdout),
                signature_pointers(&verified.stdout),
                "{name}: inspect and verify disagree on the signatures"
            );
            compared += 1;
        }
    }
    assert!(compared >= 130, "only {compared} files compared");
}
