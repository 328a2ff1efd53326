//! `fhirsig sign` and `fhirsig verify` end to end: the CDex examples, round trips, tampering,
//! exit statuses, --json and --outcome.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fhirsig, temp_dir, testkit_pki as pki, vectors};

use std::path::Path;
use std::process::Command;

const SEARCHSET: &str = "{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"searchset\",\n  \"entry\": [\n    { \"resource\": { \"resourceType\": \"Observation\", \"valueQuantity\": { \"value\": 72.50 } } }\n  ]\n}\n";

#[test]
fn cdex_examples_verify_or_are_rejected() {
    let dir = vectors();
    let org = dir.join("keys/example_org_cert/cert.pem");
    let provider = dir.join("keys/example_provider_cert/cert.pem");
    let trust = |files: &[&str]| {
        let mut args = vec!["verify".to_owned()];
        args.extend(
            files
                .iter()
                .map(|f| dir.join(f).to_str().unwrap().to_owned()),
        );
        args.extend(["--trust".into(), org.to_str().unwrap().into()]);
        args.extend(["--trust".into(), provider.to_str().unwrap().into()]);
        args.extend(["--at".into(), "2026-06-01T00:00:00Z".into()]);
        Command::new(env!("CARGO_BIN_EXE_fhirsig"))
            .args(&args)
            .output()
            .unwrap()
    };
    let out = trust(&[
        "cdex-searchbundle-digital-sig-example.json",
        "cdex-document-digital-sig-example.json",
        "cdex-parameters-example2.json",
        "cdex-questionnaireresponse-example4.json",
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.matches(": verified").count(), 4, "{stdout}");
    for negative in [
        "cdex-document-digital-sig-example.HEAD-does-not-verify.json",
        "legacy/cdex-document-digital-sig-example.STU2.1-does-not-verify.json",
        "legacy/cdex-searchbundle-digital-sig-example.STU2.1-does-not-verify.json",
    ] {
        let out = trust(&[negative]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1), "{negative}: {stdout}");
        assert!(
            stdout.contains("NOT VERIFIED (failed/sig-crypto-failure)"),
            "{stdout}"
        );
        assert!(
            stdout.contains("fail        signature-value"),
            "names the failing check: {stdout}"
        );
    }
}

#[test]
fn sign_then_verify_then_tamper() {
    let dir = temp_dir("sign");
    let (key, chain, root) = pki(&dir);
    let input = dir.join("searchset.json");
    std::fs::write(&input, SEARCHSET).unwrap();
    let signed = dir.join("signed.json");
    let out = fhirsig(&[
        "sign",
        input.to_str().unwrap(),
        "--key",
        &key,
        "--cert",
        &chain,
        "--at",
        "2026-06-01T00:00:00Z",
        "-o",
        signed.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&input).unwrap(),
        SEARCHSET,
        "input untouched"
    );
    let text = std::fs::read_to_string(&signed).unwrap();
    assert!(
        text.starts_with(&SEARCHSET[..SEARCHSET.len() - 3]),
        "input text kept"
    );
    assert!(
        text.contains("\"value\": \"1234567893\""),
        "who from the certificate's NPI"
    );

    let verify = |path: &Path, extra: &[&str]| {
        let mut args = vec![
            "verify",
            path.to_str().unwrap(),
            "--trust",
            &root,
            "--at",
            "2026-06-01T00:00:00Z",
        ];
        args.extend_from_slice(extra);
        fhirsig(&args)
    };
    let out = verify(&signed, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("decimal-precision"),
        "72.50 warned"
    );

    let out = verify(&signed, &["--json"]);
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "one signature, then the file verdict");
    assert_eq!(lines[1]["type"], "file");
    assert_eq!(lines[1]["verified"], true);
    assert_eq!(lines[1]["subjectCovered"], true);
    let line = &lines[0];
    assert_eq!(line["coverage"]["signed"], serde_json::json!([""]));
    assert_eq!(
        line["coverage"]["excluded"],
        serde_json::json!(["/id", "/meta", "/signature"])
    );
    assert_eq!(line["verified"], true);
    assert_eq!(line["indication"], "passed");
    assert_eq!(line["profile"], "cdex");
    assert!(line["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["code"] == "signer-identity" && c["outcome"] == "pass"));

    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, text.replace("72.50", "75.50")).unwrap();
    let out = verify(&tampered, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("sig-crypto-failure"));
    let out = verify(&tampered, &["--outcome"]);
    assert_eq!(out.status.code(), Some(1));
    let outcome: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(outcome["issue"][0]["code"], "business-rule");
    assert_eq!(outcome["issue"][0]["severity"], "error");

    // Without trust anchors nothing is trusted.
    let out = fhirsig(&[
        "verify",
        signed.to_str().unwrap(),
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no trust anchors were given"));

    // In place.
    let copy = dir.join("copy.json");
    std::fs::write(&copy, SEARCHSET).unwrap();
    let out = fhirsig(&[
        "sign",
        copy.to_str().unwrap(),
        "--key",
        &key,
        "--cert",
        &chain,
        "--in-place",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&copy)
        .unwrap()
        .contains("\"signature\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_input_and_usage_exit_2() {
    let dir = temp_dir("sign-bad");
    let (key, chain, root) = pki(&dir);
    let input = dir.join("b.json");
    std::fs::write(&input, r#"{"resourceType":"Bundle","type":"transaction"}"#).unwrap();
    let out = fhirsig(&[
        "sign",
        input.to_str().unwrap(),
        "--key",
        &key,
        "--cert",
        &chain,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("fhirsig: error:") && stderr.contains("transaction"),
        "{stderr}"
    );

    let out = fhirsig(&[
        "sign",
        input.to_str().unwrap(),
        "--key",
        &root,
        "--cert",
        &chain,
    ]);
    assert_eq!(out.status.code(), Some(2), "a certificate is not a key");

    std::fs::write(&input, "{\"a\":1,\"a\":2}").unwrap();
    let out = fhirsig(&["verify", input.to_str().unwrap(), "--trust", &root]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("duplicate member name"));

    let out = fhirsig(&[
        "verify",
        input.to_str().unwrap(),
        "--trust",
        "/nonexistent.pem",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = fhirsig(&["verify", input.to_str().unwrap(), "--at", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));

    std::fs::write(&input, r#"{"resourceType":"Bundle","type":"searchset"}"#).unwrap();
    let out = fhirsig(&["verify", input.to_str().unwrap(), "--trust", &root]);
    assert_eq!(out.status.code(), Some(1), "no signature is not success");
    assert!(String::from_utf8_lossy(&out.stdout).contains("no signature found"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn demo_signs_verifies_and_catches_tampering() {
    let dir = temp_dir("demo");
    let out = fhirsig(&["demo", "--dir", dir.to_str().unwrap()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(stdout.matches(" verified: ").count(), 2, "{stdout}");
    assert!(
        stdout.contains("NOT VERIFIED (failed/sig-crypto-failure)"),
        "{stdout}"
    );
    // The files it names exist and verify with the CLI as the demo suggests.
    let root = dir.join("pki/root-ca.cert.pem");
    for (file, status) in [
        ("document.signed.json", 0),
        ("searchset.signed.json", 0),
        ("searchset.tampered.json", 1),
    ] {
        let out = fhirsig(&[
            "verify",
            dir.join(file).to_str().unwrap(),
            "--trust",
            root.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(status), "{file}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn verify_also_checks_provenance_signatures() {
    let dir = temp_dir("prov-verify");
    let (key, chain, root) = pki(&dir);
    let bundle = dir.join("bundle.json");
    std::fs::write(&bundle, r#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Observation","status":"final"}}]}"#).unwrap();
    let signed = dir.join("signed.json");
    let out = fhirsig(&[
        "provenance",
        "sign",
        bundle.to_str().unwrap(),
        "--key",
        &key,
        "--cert",
        &chain,
        "--embedded",
        "--who",
        "Organization/o1",
        "--at",
        "2026-05-01T00:00:00Z",
        // The fixed signing time precedes this test PKI's leaf on purpose (sigT is a claim).
        "--force",
        "-o",
        signed.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = fhirsig(&[
        "verify",
        signed.to_str().unwrap(),
        "--trust",
        &root,
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("Provenance: verified"), "{stdout}");
    // Changing the Bundle breaks the embedded signature.
    let tampered = dir.join("tampered.json");
    std::fs::write(
        &tampered,
        std::fs::read_to_string(&signed)
            .unwrap()
            .replace("\"final\"", "\"amended\""),
    )
    .unwrap();
    let out = fhirsig(&[
        "verify",
        tampered.to_str().unwrap(),
        "--trust",
        &root,
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    // Without anchors it is not called verified.
    let out = fhirsig(&[
        "verify",
        signed.to_str().unwrap(),
        "--at",
        "2026-06-01T00:00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}
