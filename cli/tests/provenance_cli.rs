//! `fhirsig provenance` end to end: build, for-bundle, for-task, check, sign and verify.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fhirsig;
use std::path::Path;

use fhirsig_core::trust::parse_rfc3339;
use fhirsig_testkit::pki;

fn ok(args: &[&str]) -> String {
    let out = fhirsig(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn temp_dir(name: &str) -> common::TempDir {
    common::temp_dir(&format!("prov-{name}"))
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_owned()
}

const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/demo/searchset.json");
const AT: &str = "2026-06-01T08:00:00Z";
/// `provenance for-bundle` of the demo searchset: HRex, one organisation authoring and sending.
const FOR_DEMO_BUNDLE: [&str; 11] = [
    "provenance",
    "for-bundle",
    DEMO,
    "--profile",
    "hrex",
    "--author",
    "Organization/ehr",
    "--transmitter",
    "Organization/ehr",
    "--recorded",
    AT,
];

#[test]
fn built_provenance_of_each_profile_passes_check() {
    let dir = temp_dir("build");
    for profile in ["us-core", "hrex", "pdex"] {
        let mut args = vec![
            "provenance",
            "build",
            "--profile",
            profile,
            "--target",
            "Encounter/6",
            "--recorded",
            AT,
            "--transmitter",
            "Organization/o1",
        ];
        if profile == "pdex" {
            args.extend(["--source-format", "hl7v2adt"]);
        } else {
            args.extend([
                "--author",
                "Practitioner/pr1",
                "--author-org",
                "Organization/o1",
                "--occurred",
                "2024-05-01/2024-05-02",
            ]);
        }
        let json = ok(&args);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let url = v["meta"]["profile"][0].as_str().unwrap();
        assert!(url.ends_with(&format!("/{profile}-provenance")), "{url}");
        let file = write(&dir, &format!("{profile}.json"), &json);
        let report = ok(&["provenance", "check", &file]);
        assert!(report.contains("0 error(s)"), "{report}");
    }
}

#[test]
fn build_refuses_broken_profile_rules_with_exit_2() {
    let out = fhirsig(&[
        "provenance",
        "build",
        "--target",
        "Condition/1",
        "--author",
        "Practitioner/pr1",
        "--recorded",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("provenance-1"));
    let out = fhirsig(&[
        "provenance",
        "build",
        "--profile",
        "pdex",
        "--target",
        "Condition/1",
        "--transmitter",
        "Organization/p",
        "--source-format",
        "fax",
        "--recorded",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = fhirsig(&[
        "provenance",
        "build",
        "--profile",
        "pdex",
        "--target",
        "Condition/1",
        "--transmitter",
        "Patient/p",
        "--recorded",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn for_bundle_keeps_entries_and_is_reproducible() {
    let input = std::fs::read_to_string(DEMO).unwrap();
    let once = ok(&FOR_DEMO_BUNDLE);
    assert_eq!(once, ok(&FOR_DEMO_BUNDLE));
    let last_entry_end = input.rfind('}').unwrap();
    let kept = &input[..input[..last_entry_end].rfind('}').unwrap()];
    assert!(
        once.starts_with(kept),
        "existing entries must keep their bytes"
    );
    let v: serde_json::Value = serde_json::from_str(&once).unwrap();
    let entries = v["entry"].as_array().unwrap();
    let new = entries.last().unwrap();
    assert_eq!(new["search"]["mode"], "include");
    assert!(new["fullUrl"].as_str().unwrap().starts_with("urn:uuid:"));
    assert_eq!(
        new["resource"]["target"].as_array().unwrap().len(),
        entries.len() - 1
    );

    let mut per = FOR_DEMO_BUNDLE.to_vec();
    per.push("--per-entry");
    let per_entry: serde_json::Value = serde_json::from_str(&ok(&per)).unwrap();
    let n = serde_json::from_str::<serde_json::Value>(&input).unwrap()["entry"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(per_entry["entry"].as_array().unwrap().len(), 2 * n);
    // The input file was not touched.
    assert_eq!(std::fs::read_to_string(DEMO).unwrap(), input);
}

#[test]
fn check_exit_codes() {
    let dir = temp_dir("check");
    let broken = write(
        &dir,
        "broken.json",
        r#"{"resourceType":"Provenance","target":[{"display":"x"}],"recorded":"2024-05-02T10:00:00Z","agent":[{"who":{"reference":"Practitioner/p"}}]}"#,
    );
    let out = fhirsig(&[
        "provenance",
        "check",
        &broken,
        "--profile",
        "hrex",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"hrex-target-reference") && codes.contains(&"provenance-1"),
        "{codes:?}"
    );
    let bad = write(&dir, "bad.json", "{\"a\":1,\"a\":2}");
    assert_eq!(
        fhirsig(&["provenance", "check", &bad]).status.code(),
        Some(2)
    );
}

/// The demo searchset with HRex Provenance entries (`provenance for-bundle`), written to `dir`.
fn demo_with_provenance(dir: &Path) -> String {
    write(dir, "with-prov.json", &ok(&FOR_DEMO_BUNDLE))
}

fn pki_files(dir: &Path) -> (String, String, String) {
    let now = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let files = pki::generate_test_pki(now, &pki::PkiOptions::default()).unwrap();
    let get = |n: &str| files.iter().find(|(name, _)| name == n).unwrap().1.clone();
    let mut chain = get("leaf-ec.cert.pem");
    chain.extend(get("intermediate-ca.cert.pem"));
    let key = dir.join("leaf.key.pem");
    std::fs::write(&key, get("leaf-ec.key.pem")).unwrap();
    let cert = dir.join("chain.pem");
    std::fs::write(&cert, chain).unwrap();
    let root = dir.join("root.pem");
    std::fs::write(&root, get("root-ca.cert.pem")).unwrap();
    (
        key.to_str().unwrap().to_owned(),
        cert.to_str().unwrap().to_owned(),
        root.to_str().unwrap().to_owned(),
    )
}

#[test]
fn sign_and_verify_targets_embedded_and_counter_signatures() {
    let dir = temp_dir("sign");
    let (key, cert, root) = pki_files(&dir);
    let bundle = demo_with_provenance(&dir);
    let signed = write(
        &dir,
        "signed.json",
        &ok(&[
            "provenance",
            "sign",
            &bundle,
            "--key",
            &key,
            "--cert",
            &cert,
            "--at",
            AT,
        ]),
    );
    let verify = |file: &str| {
        fhirsig(&[
            "provenance",
            "verify",
            file,
            "--trust",
            &root,
            "--at",
            "2026-06-02T00:00:00Z",
        ])
    };
    let out = verify(&signed);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let embedded = write(
        &dir,
        "embedded.json",
        &ok(&[
            "provenance",
            "sign",
            &signed,
            "--key",
            &key,
            "--cert",
            &cert,
            "--at",
            AT,
            "--embedded",
            "--who",
            "Organization/ehr",
        ]),
    );
    let counter = write(
        &dir,
        "counter.json",
        &ok(&[
            "provenance",
            "sign",
            &embedded,
            "--key",
            &key,
            "--cert",
            &cert,
            "--at",
            AT,
            "--embedded",
            "--who",
            "Organization/ehr",
        ]),
    );
    let out = fhirsig(&[
        "provenance",
        "verify",
        &counter,
        "--trust",
        &root,
        "--at",
        "2026-06-02T00:00:00Z",
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signatures"].as_array().unwrap().len(), 3);
    // All signed Provenance still conform.
    assert_eq!(
        fhirsig(&["provenance", "check", &counter]).status.code(),
        Some(0)
    );

    let tampered = write(
        &dir,
        "tampered.json",
        &std::fs::read_to_string(&counter)
            .unwrap()
            .replacen("\"searchset\"", "\"collection\"", 1),
    );
    assert_eq!(verify(&tampered).status.code(), Some(1));
}

#[test]
fn for_task_copies_the_document_signature() {
    let dir = temp_dir("task");
    let task = write(
        &dir,
        "task.json",
        r#"{"resourceType":"Task","id":"t1","status":"completed","intent":"order","output":[{"type":{"text":"document"},"valueReference":{"reference":"Bundle/doc1"}}]}"#,
    );
    let doc = write(
        &dir,
        "doc.json",
        r#"{"resourceType":"Bundle","id":"doc1","type":"document","timestamp":"2026-05-30T12:00:00Z","entry":[],"signature":{"type":[{"system":"urn:iso-astm:E1762-95:2013","code":"1.2.840.10065.1.12.1.5"}],"when":"2026-05-30T12:00:00Z","who":{"reference":"Practitioner/pr1"},"sigFormat":"application/jose","data":"ZXlK"}}"#,
    );
    let json = ok(&[
        "provenance",
        "for-task",
        &task,
        "--bundle",
        &doc,
        "--transmitter",
        "Organization/ehr",
        "--with-signature",
        "--recorded",
        AT,
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["target"][0]["reference"], "Bundle/doc1");
    assert_eq!(v["occurredDateTime"], "2026-05-30T12:00:00Z");
    assert_eq!(v["signature"][0]["data"], "ZXlK");
    let file = write(&dir, "prov.json", &json);
    assert_eq!(
        fhirsig(&["provenance", "check", &file]).status.code(),
        Some(0)
    );
}

#[test]
fn inspect_shows_provenance_signatures_and_their_targets_payload() {
    let dir = temp_dir("inspect");
    let (key, cert, _root) = pki_files(&dir);
    let bundle = demo_with_provenance(&dir);
    let sign = |input: &str, extra: &[&str]| {
        let mut args = vec![
            "provenance",
            "sign",
            input,
            "--key",
            &key,
            "--cert",
            &cert,
            "--at",
            AT,
        ];
        args.extend_from_slice(extra);
        ok(&args)
    };
    let signed = write(&dir, "signed.json", &sign(&bundle, &[]));
    let embedded = write(
        &dir,
        "embedded.json",
        &sign(&signed, &["--embedded", "--who", "Organization/ehr"]),
    );

    let out = fhirsig(&["inspect", &embedded, "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let provenance: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["object"] == "Provenance")
        .collect();
    assert_eq!(provenance.len(), 2, "{lines:#?}");
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&embedded).unwrap()).unwrap();
    for line in &provenance {
        assert_eq!(line["form"], "compact");
        assert_eq!(line["detached"], true);
        assert_eq!(line["problems"].as_array().unwrap().len(), 0, "{line}");
        let subject = line["signatures"][0]["certificates"][0]["subject"]
            .as_str()
            .unwrap();
        assert!(subject.contains("CN="), "{subject}");
        // The target count is the Provenance's own `target` list.
        let resource = document.pointer(line["pointer"].as_str().unwrap()).unwrap();
        let targets = resource["target"].as_array().unwrap().len();
        assert_eq!(line["payload"]["targets"], targets, "{line}");
        assert!(line["signaturePointer"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}/signature/", line["pointer"].as_str().unwrap())));
    }

    // A single-target signature's payload is RFC 8785 of that target, as `fhirsig canon` makes it.
    let single = provenance
        .iter()
        .find(|l| l["payload"]["targets"] == 1)
        .expect("a single-target signature");
    let resource = document
        .pointer(single["pointer"].as_str().unwrap())
        .unwrap();
    let reference = resource["target"][0]["reference"].as_str().unwrap();
    let target = if reference == "#/" {
        // The embedding Bundle, minus its signature and the signing Provenance entries.
        let mut bundle = document.clone();
        bundle.as_object_mut().unwrap().remove("signature");
        let entries = bundle["entry"].as_array_mut().unwrap();
        entries.retain(|e| {
            !(e["resource"]["resourceType"] == "Provenance"
                && e["resource"]["target"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t["reference"] == "#/")))
        });
        bundle
    } else {
        document["entry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["fullUrl"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(reference))
            })
            .map(|e| e["resource"].clone())
            .unwrap()
    };
    let target_file = write(&dir, "target.json", &target.to_string());
    let canonical = fhirsig(&["canon", &target_file]).stdout;
    let sha: String = ring::digest::digest(&ring::digest::SHA256, &canonical)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(single["payload"]["sha256"], sha.as_str());
    assert_eq!(single["payload"]["size"], canonical.len());

    // People see it too.
    let out = fhirsig(&["inspect", &embedded]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(" Provenance (Signature at /entry/"), "{text}");
    assert!(text.contains("target(s)"), "{text}");

    // A target that is not in the file: still decoded, the payload named as a problem, exit 2.
    let signed_text = std::fs::read_to_string(&signed).unwrap();
    let document: serde_json::Value = serde_json::from_str(&signed_text).unwrap();
    let provenance = document["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .find(|r| r["resourceType"] == "Provenance" && r.get("signature").is_some())
        .unwrap();
    let reference = provenance["target"][0]["reference"].as_str().unwrap();
    let missing = signed_text.replace(
        &format!("\"reference\": \"{reference}\""),
        "\"reference\": \"Observation/not-in-this-file\"",
    );
    assert_ne!(missing, signed_text);
    let out = fhirsig(&["inspect", &write(&dir, "missing.json", &missing), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let line: serde_json::Value = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .find(|l: &serde_json::Value| l["object"] == "Provenance")
        .unwrap();
    assert_eq!(line["payload"], serde_json::Value::Null);
    let problems = line["problems"].to_string();
    assert!(problems.contains("cannot be rebuilt"), "{problems}");
    assert_eq!(
        line["signatures"][0]["certificates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Adding Provenance to a Bundle that is already signed breaks that signature: said on
/// standard error, while the output is still written.
#[test]
fn for_bundle_warns_that_an_existing_bundle_signature_breaks() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cmd/fixtures");
    let signed = format!("{fixtures}/signed.json");
    let mut args = FOR_DEMO_BUNDLE.to_vec();
    args[2] = &signed;
    let out = fhirsig(&args);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("carries a Bundle.signature, which the added Provenance entries break"),
        "{stderr}"
    );
    let out = fhirsig(&FOR_DEMO_BUNDLE);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("Bundle.signature"),
        "an unsigned Bundle gets no warning"
    );
}

/// An embedded signing Provenance (target `#/`) signs every entry too: adding one breaks it.
#[test]
fn for_bundle_warns_that_an_embedded_signing_provenance_breaks() {
    let dir = temp_dir("for-bundle-embedded");
    let case: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../test-vectors/provenance/embedded-signing-provenance.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let bundle = write(&dir, "embedded.json", &case["input"].to_string());
    let mut args = FOR_DEMO_BUNDLE.to_vec();
    args[2] = &bundle;
    let out = fhirsig(&args);
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("the signature of the signing Provenance at /entry/3/resource"),
        "{stderr}"
    );
}
