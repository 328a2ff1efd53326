//! Hostile inputs against the verdict: content hidden from an embedded signature, an identity
//! taken from a resource no signature covers, a tampered document inside a signed searchset,
//! Provenance claims a document signature does not bind, a common-name-only identity, unsigned
//! attachments in a Parameters, thousands of targets, a signing time after the verification
//! time. Each test states what the tool says for it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::{fhirsig, temp_dir};
use serde_json::{json, Value};

const AT: &str = "2026-06-01T00:00:00Z";
const SIGNED_AT: &str = "2026-05-01T12:00:00Z";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/fixtures")
}

fn fixture_path(name: &str) -> String {
    fixtures().join(name).display().to_string()
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join(name)).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, value: &Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.display().to_string()
}

/// Runs a verify-like command with the test PKI's root at the fixtures' instant.
fn run(command: &[&str], file: &str, extra: &[&str]) -> (Option<i32>, String) {
    let root = fixture_path("root.cert.pem");
    let mut args: Vec<&str> = command.to_vec();
    args.extend([file, "--trust", &root, "--at", AT]);
    args.extend_from_slice(extra);
    let out = fhirsig(&args);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

/// `fhirsig verify --json`: the signature lines and the file line.
fn verify_json(file: &str, extra: &[&str]) -> (Option<i32>, Vec<Value>, Value) {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    let (code, out) = run(&["verify"], file, &args);
    let mut lines: Vec<Value> = out
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let file_line = lines.pop().expect("a file line");
    assert_eq!(file_line["type"], "file", "{out}");
    (code, lines, file_line)
}

/// The fixtures' searchset with an embedded signing Provenance (target `#/`), made by
/// `fhirsig provenance sign --embedded`.
fn embedded_signed_bundle(dir: &Path) -> Value {
    let out = dir.join("embedded.json").display().to_string();
    let result = fhirsig(&[
        "provenance",
        "sign",
        &fixture_path("searchset.json"),
        "--key",
        &fixture_path("signer.key.pem"),
        "--cert",
        &fixture_path("signer.chain.pem"),
        "--embedded",
        "--who",
        "Organization/ehr",
        "--at",
        SIGNED_AT,
        "-o",
        &out,
    ]);
    assert!(result.status.success(), "{result:?}");
    serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap()
}

/// An unsigned look-alike signing Provenance (target `#/`, no signature) added to a Bundle signed
/// with an embedded signature is content like any other: the `#/` signature fails. Only signed
/// embedded Provenances are left out of it, and they are listed as uncovered.
#[test]
fn an_unsigned_provenance_entry_added_to_an_embedded_signed_bundle_is_not_verified() {
    let dir = temp_dir("attack-embedded-injection");
    let mut bundle = embedded_signed_bundle(&dir);
    let good = write_json(&dir, "good.json", &bundle);
    assert_eq!(verify_json(&good, &["--require-all-signed"]).0, Some(0));

    // The signed embedded Provenance's own agent is rewritten...
    bundle["entry"][1]["resource"]["agent"][0]["who"] =
        json!({"reference": "Organization/mallory", "display": "Mallory Clinic"});
    // ...and an unsigned look-alike Provenance entry is added, carrying clinical content.
    bundle["entry"].as_array_mut().unwrap().push(json!({
        "fullUrl": "urn:uuid:11111111-2222-3333-4444-555555555555",
        "resource": {
            "resourceType": "Provenance",
            "target": [{"reference": "#/"}, {"reference": "http://example.org/fhir/Observation/bp"}],
            "recorded": "2026-05-02T00:00:00Z",
            "agent": [{"type": {"coding": [{"code": "author"}]},
                       "who": {"reference": "Practitioner/mallory", "display": "Dr Mallory authored this"}}],
            "contained": [{"resourceType": "Observation", "id": "real", "status": "final",
                           "code": {"text": "Body weight"},
                           "valueQuantity": {"value": 200, "unit": "kg"}}]
        }
    }));
    let evil = write_json(&dir, "evil.json", &bundle);
    let (code, signatures, file) = verify_json(&evil, &["--require-all-signed"]);
    assert_eq!(
        signatures.len(),
        1,
        "only the real embedded signature exists"
    );
    assert!(
        code != Some(0) || file["verified"] == false,
        "an unsigned Provenance entry (and a rewritten signing Provenance) hidden from a #/ \
         signature must not give a verified file under --require-all-signed, or must at least be \
         named as uncovered; got exit {code:?}, file line {file}"
    );
}

/// `Signature.who.reference` naming a resource no signature covers (an Organization added after
/// signing, carrying the signer's NPI): its identifiers are not signed, so the identity is not
/// checked and the signature is not verified.
#[test]
fn who_naming_a_resource_no_signature_covers_is_not_a_matched_identity() {
    let dir = temp_dir("attack-who-reference");
    let mut bundle = fixture_json("provenance-signed.json");
    bundle["entry"][1]["resource"]["signature"][0]["who"] =
        json!({"reference": "Organization/evil"});
    bundle["entry"].as_array_mut().unwrap().push(json!({
        "fullUrl": "http://example.org/fhir/Organization/evil",
        "resource": {
            "resourceType": "Organization", "id": "evil", "name": "Victim General Hospital",
            "identifier": [
                {"system": "http://hl7.org/fhir/sid/us-npi", "value": "9999999999"},
                {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}
            ]
        }
    }));
    let file = write_json(&dir, "who.json", &bundle);
    let (code, out) = run(&["provenance", "verify"], &file, &["--json"]);
    assert_ne!(
        code,
        Some(0),
        "Signature.who names an attacker-added, unsigned Organization; the identity must not \
         count as matched (signer-identity not checked), but provenance verify said: {out}"
    );
    let (code, _, file_line) = verify_json(&file, &["--pointer", "/entry/0/resource"]);
    assert!(
        code != Some(0),
        "verify --pointer /entry/0/resource accepted the attacker's Organization as the signer \
         identity: {file_line}"
    );
}

/// `Signature.who` with an identifier and a reference to a resource that carries another
/// identifier: the two name different parties, so the identity fails.
#[test]
fn who_reference_contradicting_who_identifier_is_not_verified() {
    let dir = temp_dir("attack-who-both");
    let mut bundle = fixture_json("provenance-signed.json");
    let who = &mut bundle["entry"][1]["resource"]["signature"][0]["who"];
    who["reference"] = json!("Practitioner/victim");
    who["display"] = json!("Dr. Victim");
    bundle["entry"].as_array_mut().unwrap().push(json!({
        "fullUrl": "http://example.org/fhir/Practitioner/victim",
        "resource": {"resourceType": "Practitioner", "id": "victim", "name": [{"text": "Dr. Victim"}],
                     "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "9999999999"}]}
    }));
    let file = write_json(&dir, "who-both.json", &bundle);
    let (code, out) = run(&["provenance", "verify"], &file, &[]);
    assert_ne!(
        code,
        Some(0),
        "who.reference names a Practitioner with another NPI than the signer's; this must not \
         verify: {out}"
    );
}

/// A signed searchset whose entry is a tampered signed document: the document's own signature is
/// found (the locator looks into Bundle entries) and fails.
#[test]
fn a_tampered_document_inside_a_signed_searchset_is_not_verified() {
    let dir = temp_dir("attack-nested-bundle");
    let outer = json!({
        "resourceType": "Bundle", "type": "searchset",
        "entry": [{"fullUrl": "urn:uuid:0f3b3d3c-0000-4000-8000-000000000001",
                   "resource": fixture_json("tampered.json")}]
    });
    let unsigned = write_json(&dir, "outer.json", &outer);
    let signed = dir.join("outer-signed.json").display().to_string();
    let result = fhirsig(&[
        "sign",
        &unsigned,
        "--key",
        &fixture_path("signer.key.pem"),
        "--cert",
        &fixture_path("signer.chain.pem"),
        "--at",
        SIGNED_AT,
        "--force", // signed before the test leaf's notBefore on purpose
        "-o",
        &signed,
    ]);
    assert!(result.status.success(), "{result:?}");
    // The inner document on its own fails (the fixture is tampered).
    assert_eq!(
        run(&["verify"], &fixture_path("tampered.json"), &[]).0,
        Some(1)
    );
    let (code, signatures, file) = verify_json(&signed, &["--pointer", "/entry/0/resource"]);
    assert!(
        code != Some(0) && signatures.len() == 2,
        "the tampered document's own signature (at /entry/0/resource/signature) must be found \
         and fail; got exit {code:?}, {} signature(s), file line {file}",
        signatures.len()
    );
}

/// `doc verify PROVENANCE FILE` verifies a document as the Provenance claims only when the
/// signature binds the signer and the target, and the Provenance has one signature and one
/// target: a `who` reduced to a display, a second target or a second signature is not verified.
#[test]
fn doc_verify_does_not_pass_what_it_did_not_check() {
    let dir = temp_dir("attack-doc-provenance");
    let report = dir.join("report.xml");
    std::fs::copy(fixtures().join("report.xml"), &report).unwrap();
    let jws = dir.join("report.xml.jws").display().to_string();
    let result = fhirsig(&[
        "doc",
        "sign",
        &report.display().to_string(),
        "--key",
        &fixture_path("signer.key.pem"),
        "--cert",
        &fixture_path("signer.chain.pem"),
        "--at",
        SIGNED_AT,
        "--fhir",
        "--target",
        "DocumentReference/123",
        "-o",
        &jws,
    ]);
    assert!(result.status.success(), "{result:?}");
    let provenance_path = format!("{jws}.provenance.json");
    let provenance: Value =
        serde_json::from_str(&std::fs::read_to_string(&provenance_path).unwrap()).unwrap();
    let doc_verify = |file: &str| {
        let root = fixture_path("root.cert.pem");
        let report = report.display().to_string();
        let out = fhirsig(&["doc", "verify", file, &report, "--trust", &root, "--at", AT]);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    assert_eq!(doc_verify(&provenance_path).0, Some(0));

    let mut no_identity = provenance.clone();
    no_identity["signature"][0]["who"] = json!({"display": "Dr. Alice Victim"});
    let mut two_targets = provenance.clone();
    two_targets["target"]
        .as_array_mut()
        .unwrap()
        .push(json!({"reference": "DocumentReference/not-signed"}));
    let mut two_signatures = provenance.clone();
    let mut broken = provenance["signature"][0].clone();
    broken["data"] = json!("AAAA");
    broken["who"]["identifier"]["value"] = json!("1111111111");
    two_signatures["signature"]
        .as_array_mut()
        .unwrap()
        .push(broken);
    let mut failures = Vec::new();
    for (name, value) in [
        ("no-identity", &no_identity),
        ("two-targets", &two_targets),
        ("two-signatures", &two_signatures),
    ] {
        let file = write_json(&dir, &format!("{name}.json"), value);
        let (code, out) = doc_verify(&file);
        if code == Some(0) {
            failures.push(format!("{name}: exit 0\n{out}"));
        }
    }
    assert!(
        failures.is_empty(),
        "doc verify passed Provenances whose claims it did not check:\n{}",
        failures.join("\n")
    );
}

/// `Signature.who.identifier` matching only the certificate's subject CN (not a SAN, as CONF-053
/// requires) is a warning, and a required check that only warns did not pass: not verified.
#[test]
fn a_common_name_only_identity_is_not_verified() {
    let dir = temp_dir("attack-cn-identity");
    let text = std::fs::read_to_string(fixtures().join("signed.json")).unwrap();
    assert!(text.contains("\"1234567893\""));
    let cn = text.replace("\"1234567893\"", "\"fhirsig vectors signer leaf-good\"");
    let path = dir.join("cn.json");
    std::fs::write(&path, cn).unwrap();
    let (code, out) = run(&["verify"], &path.display().to_string(), &[]);
    assert_ne!(
        code,
        Some(0),
        "an NPI identifier equal only to the certificate CN must not be a matched identity: {out}"
    );
}

/// A Parameters whose real content travels as a `valueAttachment` beside a signed Bundle: the
/// attachment is named as uncovered, and `--require-all-signed` fails.
#[test]
fn unsigned_attachment_content_in_a_parameters_is_named() {
    let dir = temp_dir("attack-parameters-value");
    let parameters = json!({
        "resourceType": "Parameters",
        "parameter": [
            {"name": "TrackingId", "valueIdentifier": {"system": "urn:x", "value": "chosen-by-attacker"}},
            {"name": "Attachment", "part": [{"name": "Content", "resource": fixture_json("signed.json")}]},
            {"name": "Attachment", "part": [{"name": "Content", "valueAttachment": {
                "contentType": "application/pdf", "data": "JVBERi0gdW5zaWduZWQgY29udGVudA=="}}]}
        ]
    });
    let file = write_json(&dir, "parameters.json", &parameters);
    let (code, _, file_line) = verify_json(&file, &["--require-all-signed"]);
    assert!(
        code != Some(0) || !file_line["uncovered"].as_array().unwrap().is_empty(),
        "an unsigned attachment (valueAttachment) beside a signed one must be named, and fail \
         --require-all-signed; got exit {code:?}, {file_line}"
    );
}

/// A Bundle with thousands of entries and one Provenance naming them all: targets are resolved
/// through one index per document (not a scan of the Bundle per target), and every target is
/// reported resolved.
#[test]
fn thousands_of_targets_are_each_resolved() {
    let dir = temp_dir("attack-many-targets");
    let mut provenance = fixture_json("provenance-signed.json")["entry"][1].clone();
    let n = 8000;
    let mut entries: Vec<Value> = (0..n)
        .map(|i| json!({"fullUrl": format!("urn:uuid:{i}"), "resource": {"resourceType": "Basic", "id": i.to_string()}}))
        .collect();
    provenance["resource"]["target"] = Value::Array(
        (0..n)
            .map(|i| json!({"reference": format!("urn:uuid:{i}")}))
            .collect(),
    );
    entries.push(provenance);
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": entries});
    let file = write_json(&dir, "many.json", &bundle);
    let (code, lines, _) = verify_json(&file, &[]);
    assert_eq!(
        code,
        Some(1),
        "the fixture's signature is over other content"
    );
    let targets = lines[0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "targets-resolved")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(targets.starts_with(&format!("{n} target(s)")), "{targets}");
    assert_eq!(lines[0]["coverage"]["signed"].as_array().unwrap().len(), n);
}

/// A `sigT` later than the verification time: a signature cannot be judged at an instant before
/// it was made, under either time policy, so it is not verified.
#[test]
fn a_signing_time_after_the_verification_time_is_not_verified() {
    let root = fixture_path("root.cert.pem");
    let out = fhirsig(&[
        "verify",
        &fixture_path("signed.json"),
        "--trust",
        &root,
        "--at",
        "2025-12-01T00:00:00Z",
        "--time-policy",
        "sigt",
    ]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "sigT 2026-05-01 is after the verification time 2025-12-01: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `Signature.who.reference` `#id` names a resource contained in the signed resource (FHIR
/// R4 §2.14): a covered contained Practitioner with the signer's NPI names the signer, one
/// with another NPI does not, a missing one is "not checked", and an identifier contradicted
/// by the contained resource it points to fails.
#[test]
fn who_naming_a_contained_resource_is_resolved_in_the_signed_resource() {
    let dir = temp_dir("attack-who-contained");
    let qr = json!({
        "resourceType": "QuestionnaireResponse", "id": "qr1", "status": "completed",
        "contained": [
            {"resourceType": "Practitioner", "id": "p1",
             "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]},
            {"resourceType": "Practitioner", "id": "p2",
             "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "9999999999"}]}
        ],
        "item": [{"linkId": "1", "text": "q", "answer": [{"valueString": "a"}]}]
    });
    let unsigned = write_json(&dir, "qr.json", &qr);
    let out = fhirsig(&[
        "sign",
        &unsigned,
        "--key",
        &fixture_path("signer.key.pem"),
        "--cert",
        &fixture_path("signer.chain.pem"),
        "--at",
        SIGNED_AT,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let signed: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Signature.who is not signed: each case changes it on the same signed response.
    let with_who = |who: Value| {
        let mut changed = signed.clone();
        changed["extension"][0]["valueSignature"]["who"] = who;
        changed
    };
    let identity = |who: Value, name: &str| {
        let file = write_json(&dir, name, &with_who(who));
        let (code, lines, _) = verify_json(&file, &[]);
        let check = lines[0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "signer-identity")
            .cloned()
            .unwrap();
        (code, check)
    };
    let (code, check) = identity(json!({"reference": "#p1"}), "p1.json");
    assert_eq!(code, Some(0), "{check}");
    assert_eq!(check["outcome"], "pass", "{check}");
    assert_eq!(check["evidence"]["who"], "#p1");

    let (code, check) = identity(json!({"reference": "#p2"}), "p2.json");
    assert_ne!(code, Some(0), "p2 carries another NPI: {check}");
    assert_ne!(check["outcome"], "pass", "{check}");

    let (code, check) = identity(json!({"reference": "#p3"}), "p3.json");
    assert_ne!(code, Some(0));
    assert_eq!(check["outcome"], "not-checked", "{check}");
    assert!(
        check["message"]
            .as_str()
            .unwrap()
            .contains("names no resource contained in the resource that holds the signature"),
        "{check}"
    );

    let both = json!({"reference": "#p2",
                      "identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}});
    let (code, check) = identity(both, "both.json");
    assert_ne!(
        code,
        Some(0),
        "the contained resource names another party: {check}"
    );
    assert_eq!(check["outcome"], "fail", "{check}");
}
