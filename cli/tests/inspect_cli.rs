//! `fhirsig inspect` end to end: the CDex examples (payload digests against the independently
//! derived payloads), a freshly signed file (certificates, key usage, EKU, decimal precision,
//! the JWS JSON serialization), files without signatures, and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fhirsig, temp_dir, testkit_pki, vectors};

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The JSON Lines of `inspect --json`, one value per line.
fn json_lines(out: &Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn cdex_examples_decode_and_their_payload_digests_match_the_derived_payloads() {
    let dir = vectors();
    for (example, derived, pointer) in [
        (
            "cdex-searchbundle-digital-sig-example.json",
            "cdex-searchbundle-digital-sig-example.payload.jcs.json",
            "",
        ),
        (
            "cdex-document-digital-sig-example.json",
            "cdex-document-digital-sig-example.payload.jcs.json",
            "",
        ),
        (
            "cdex-parameters-example2.json",
            "cdex-parameters-example2.bundle.payload.jcs.json",
            "/parameter/0/part/1/resource",
        ),
        (
            "cdex-questionnaireresponse-example4.json",
            "cdex-questionnaireresponse-example4.payload.jcs.json",
            "",
        ),
    ] {
        let path = dir.join(example);
        let out = fhirsig(&["inspect", path.to_str().unwrap(), "--json"]);
        assert_eq!(out.status.code(), Some(0), "{example}: {}", stdout(&out));
        let lines = json_lines(&out);
        let sig = lines
            .iter()
            .find(|l| l["object"] != "QuestionnaireResponse item")
            .unwrap_or_else(|| panic!("{example}: no resource signature in {lines:?}"));
        assert_eq!(sig["type"], "signature");
        if example.contains("parameters") {
            assert!(
                sig["pointer"].as_str().unwrap().ends_with("/resource"),
                "{sig}"
            );
        } else {
            assert_eq!(sig["pointer"], pointer, "{example}");
        }
        assert_eq!(sig["form"], "compact", "{example}");
        assert_eq!(sig["detached"], true, "{example}");
        assert_eq!(sig["data"]["encoding"], "base64", "{example}");
        assert_eq!(sig["problems"].as_array().unwrap().len(), 0, "{sig}");
        let header = &sig["signatures"][0]["protectedHeader"];
        assert_eq!(header["alg"], "RS256", "{example}");
        assert!(
            header["notInterpreted"]
                .as_array()
                .unwrap()
                .contains(&Value::from("kty")),
            "{example}: the python-jose kty is listed as not interpreted"
        );
        assert!(header["json"].as_str().unwrap().starts_with('{'));
        let cert = &sig["signatures"][0]["certificates"][0];
        assert!(
            cert["keyUsage"]
                .as_array()
                .unwrap()
                .contains(&Value::from("digitalSignature")),
            "{cert}"
        );
        assert!(
            cert["names"]
                .as_array()
                .unwrap()
                .contains(&Value::from("DNS:www.example.org")),
            "{cert}"
        );
        assert_eq!(
            cert["identifiers"][0]["system"],
            "http://hl7.org/fhir/sid/us-npi"
        );
        assert_eq!(cert["sha256"].as_str().unwrap().len(), 64);
        let expected = std::fs::read(dir.join("derived").join(derived)).unwrap();
        assert_eq!(
            sig["payload"]["sha256"].as_str().unwrap(),
            sha256_hex(&expected),
            "{example}: the payload is the independently derived one"
        );
        assert_eq!(sig["payload"]["size"], expected.len());
        assert_eq!(
            sig["payload"]["canonicalization"],
            "http://hl7.org/fhir/canonicalization/json#document"
        );
    }
}

#[test]
fn human_output_names_every_part_of_a_cdex_signature() {
    let path = vectors().join("cdex-searchbundle-digital-sig-example.json");
    let out = fhirsig(&["inspect", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for expected in [
        ": / Bundle (Signature at /signature)",
        "Signature.type          urn:iso-astm:E1762-95:2013|1.2.840.10065.1.12.1.5",
        "Signature.when          2020-10-23T04:54:56.048+00:00",
        "Signature.who           identifier http://hl7.org/fhir/sid/us-npi|",
        "form                    JWS compact serialization, detached payload",
        "protected header (as received):",
        "\"alg\": \"RS256\"",
        "recognised members:",
        "    srCms      urn:oid:1.2.840.10065.1.12.1.5",
        "not interpreted: kty (ignored by verification)",
        "certificate x5c[0]",
        "key usage  digitalSignature, nonRepudiation, keyEncipherment",
        "SHA-256    ",
        "profile (detected)      cdex",
        "payload SHA-256         ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("PROBLEM"), "{text}");
    // Nothing is judged.
    assert!(!text.contains("verified"), "{text}");
}

#[test]
fn a_questionnaire_response_item_signature_uses_the_item_rule() {
    let dir = temp_dir("inspect-item");
    let (key, chain, _) = testkit_pki(&dir);
    let input = dir.join("qr.json");
    std::fs::write(
        &input,
        r#"{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"1","answer":[{"valueDecimal":1.50}]}]}"#,
    )
    .unwrap();
    let signed = dir.join("signed.json");
    let out = fhirsig(&[
        "sign",
        input.to_str().unwrap(),
        "--key",
        &key,
        "--cert",
        &chain,
        "--pointer",
        "/item/0",
        "--at",
        "2026-05-01T12:00:00Z",
        "--force", // signed before the test leaf's notBefore on purpose
        "-o",
        signed.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = fhirsig(&["inspect", signed.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let item = &lines[0];
    assert_eq!(item["object"], "QuestionnaireResponse item");
    assert_eq!(item["pointer"], "/item/0");
    assert_eq!(item["payload"]["canonicalization"], Value::Null);
    assert_eq!(item["payload"]["numberChanges"][0]["written"], "1.50");
    let text = stdout(&fhirsig(&["inspect", signed.to_str().unwrap()]));
    assert!(
        text.contains("by the item minus its id and signature extension"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const SEARCHSET: &str = "{\n  \"resourceType\": \"Bundle\",\n  \"type\": \"searchset\",\n  \"entry\": [\n    { \"resource\": { \"resourceType\": \"Observation\", \"valueQuantity\": { \"value\": 72.50 } } }\n  ]\n}\n";

fn sign(dir: &Path, extra: &[&str]) -> PathBuf {
    let (key, chain, _) = testkit_pki(dir);
    let input = dir.join("searchset.json");
    std::fs::write(&input, SEARCHSET).unwrap();
    let signed = dir.join("signed.json");
    let mut args = vec![
        "sign",
        input.to_str().unwrap(),
        "--key",
        &key,
        "--cert",
        &chain,
        "--at",
        "2026-05-01T12:00:00Z",
        "--force", // signed before the test leaf's notBefore on purpose
        "-o",
        signed.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = fhirsig(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    signed
}

#[test]
fn a_generated_signature_shows_its_chain_usages_and_unprotected_precision() {
    let dir = temp_dir("inspect-generated");
    let signed = sign(&dir, &[]);
    let out = fhirsig(&["inspect", signed.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1);
    let sig = &lines[0];
    assert_eq!(sig["profile"], "cdex");
    assert_eq!(sig["element"]["sigFormat"], "application/jose");
    assert_eq!(
        sig["element"]["who"]["identifier"]["value"], "1234567893",
        "{sig}"
    );
    let header = &sig["signatures"][0]["protectedHeader"];
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["sigT"], "2026-05-01T12:00:00Z");
    assert_eq!(header["x5cCount"], 2);
    assert_eq!(header["srCms"][0]["id"], "urn:oid:1.2.840.10065.1.12.1.5");
    let certs = sig["signatures"][0]["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 2, "leaf and intermediate");
    let leaf = &certs[0];
    assert_eq!(
        leaf["keyUsage"],
        serde_json::json!(["digitalSignature", "nonRepudiation"])
    );
    assert_eq!(leaf["extendedKeyUsage"][0]["oid"], "1.3.6.1.5.5.7.3.36");
    assert_eq!(leaf["extendedKeyUsage"][0]["name"], "id-kp-documentSigning");
    assert_eq!(leaf["issuer"], certs[1]["subject"]);
    assert!(leaf["notBefore"]
        .as_str()
        .unwrap()
        .starts_with("2026-05-31"));
    let changes = &sig["payload"]["numberChanges"];
    assert_eq!(sig["payload"]["numberChangeCount"], 1);
    assert_eq!(changes[0]["written"], "72.50", "{changes}");
    assert_eq!(changes[0]["canonical"], "72.5");
    assert_eq!(
        changes[0]["pointer"],
        "/entry/0/resource/valueQuantity/value"
    );

    let out = fhirsig(&["inspect", signed.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(
        text.contains("1 written differently from their canonical form"),
        "{text}"
    );
    assert!(
        text.contains("/entry/0/resource/valueQuantity/value  written 72.50, canonical 72.5"),
        "{text}"
    );
    assert!(
        text.contains("EKU        id-kp-documentSigning (1.3.6.1.5.5.7.3.36)"),
        "{text}"
    );
    assert!(text.contains("certificate x5c[1]"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_json_serialization_lists_each_signature() {
    let dir = temp_dir("inspect-json-serialization");
    // sign() writes chain.pem (via testkit_pki()) before `fhirsig sign` reads it for --also-cert.
    let chain = dir.join("chain.pem");
    let signed = sign(&dir, &["--also-cert", chain.to_str().unwrap()]);
    let out = fhirsig(&["inspect", signed.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let sig = &json_lines(&out)[0];
    assert_eq!(sig["form"], "json");
    assert_eq!(sig["signatures"].as_array().unwrap().len(), 2);
    let out = fhirsig(&["inspect", signed.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(
        text.contains("JWS JSON serialization with 2 signatures, detached payload"),
        "{text}"
    );
    assert!(text.contains("JWS signature [1]"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_signature_is_not_an_error() {
    let dir = temp_dir("inspect-unsigned");
    let file = dir.join("unsigned.json");
    std::fs::write(&file, SEARCHSET).unwrap();
    let out = fhirsig(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{}: no signature found\n", file.display())
    );
    let out = fhirsig(&["inspect", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_lines(&out)[0]["type"], "no-signature");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn undecodable_signatures_and_bad_json_are_bad_input() {
    let dir = temp_dir("inspect-bad");
    let file = dir.join("bad.json");
    std::fs::write(
        &file,
        r#"{"resourceType":"Bundle","type":"searchset","signature":{"sigFormat":"application/jose","data":"not base64!"}}"#,
    )
    .unwrap();
    let out = fhirsig(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("PROBLEM                 Signature.data is neither base64"),
        "{}",
        stdout(&out)
    );
    let out = fhirsig(&["inspect", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_lines(&out)[0]["form"], "undecoded");

    std::fs::write(&file, r#"{"a":1,"a":2}"#).unwrap();
    let out = fhirsig(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fhirsig: error:"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_electronic_image_is_shown_as_such() {
    let dir = temp_dir("inspect-image");
    let file = dir.join("image.json");
    std::fs::write(
        &file,
        r#"{"resourceType":"Bundle","type":"document","signature":{"type":[{"system":"urn:iso-astm:E1762-95:2013","code":"1.2.840.10065.1.12.1.1"}],"when":"2026-01-01T00:00:00Z","who":{"display":"Dr. A"},"sigFormat":"image/png","data":"iVBORw0KGgo="}}"#,
    )
    .unwrap();
    let out = fhirsig(&["inspect", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("electronic image (image/png), not a digital signature"),
        "{text}"
    );
    assert!(text.contains("display \"Dr. A\""), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A signer certificate whose CN tries to repaint the terminal: ESC sequences, a C1 CSI and a
/// bidi override. People see them escaped; `--json` has the name exactly.
#[test]
fn control_characters_in_a_certificate_name_are_escaped_for_people_only() {
    let dir = temp_dir("inspect-esc-cn");
    let hostile = "Mallory \u{1b}[2K\u{1b}[1Averified\u{1b}[0m \u{9b}31m \u{202e}gnp.exe";
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, hostile);
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(dir.join("k.pem"), key.serialize_pem()).unwrap();
    std::fs::write(dir.join("c.pem"), cert.pem()).unwrap();
    let bundle = dir.join("b.json");
    std::fs::write(
        &bundle,
        r#"{"resourceType":"Bundle","type":"collection","entry":[]}"#,
    )
    .unwrap();
    let signed = dir.join("signed.json");
    let out = fhirsig(&[
        "sign",
        bundle.to_str().unwrap(),
        "--key",
        dir.join("k.pem").to_str().unwrap(),
        "--cert",
        dir.join("c.pem").to_str().unwrap(),
        "--who-value",
        "1234567893",
        "--force", // the hostile certificate names no NPI: sign anyway, this is about display
        "-o",
        signed.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = fhirsig(&["inspect", signed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for raw in ['\u{1b}', '\u{9b}', '\u{202e}'] {
        assert!(!text.contains(raw), "{raw:?} reached the terminal:\n{text}");
    }
    assert!(
        text.contains("CN=Mallory \\x1b[2K\\x1b[1Averified\\x1b[0m \\u{9b}31m \\u{202e}gnp.exe"),
        "{text}"
    );

    let out = fhirsig(&["inspect", signed.to_str().unwrap(), "--json"]);
    let lines = json_lines(&out);
    let subject = lines[0]["signatures"][0]["certificates"][0]["subject"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(subject, format!("CN={hostile}"));
    let raw_line = stdout(&out);
    assert!(
        raw_line.contains(r"CN=Mallory \u001b[2K"),
        "JSON escaping only: {raw_line}"
    );

    let out = fhirsig(&[
        "cert",
        "verify",
        dir.join("c.pem").to_str().unwrap(),
        "--trust",
        dir.join("c.pem").to_str().unwrap(),
    ]);
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && text.contains("\\x1b[2K"),
        "{text}"
    );
}

/// A sigT with an ESC sequence in a (hand-made, unsigned) JWS header: escaped for people.
#[test]
fn control_characters_in_sig_t_are_escaped_for_people_only() {
    use base64::Engine as _;
    let b64url = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = r#"{"alg":"ES256","sigT":"2026-05-01T12:00:00Z\u001b[1A\u001b[32m verified"}"#;
    let jws = format!("{}..{}", b64url.encode(header), b64url.encode([0u8; 64]));
    let data = base64::engine::general_purpose::STANDARD.encode(jws);
    let dir = temp_dir("inspect-esc-sigt");
    let file = dir.join("f.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"resourceType":"Bundle","type":"collection","signature":{{"type":[{{"system":"urn:iso-astm:E1762-95:2013","code":"1.2.840.10065.1.12.1.5"}}],"when":"2026-05-01T12:00:00Z","who":{{"identifier":{{"value":"1"}}}},"sigFormat":"application/jose","data":"{data}"}}}}"#
        ),
    )
    .unwrap();
    let out = fhirsig(&["inspect", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.contains("sigT       2026-05-01T12:00:00Z\\x1b[1A\\x1b[32m verified"),
        "{text}"
    );
    let out = fhirsig(&["inspect", file.to_str().unwrap(), "--json"]);
    assert!(
        stdout(&out).contains(r"\u001b[1A\u001b[32m verified"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_jws_file_is_shown_as_a_jws_with_its_header_certificates_and_sigd_documents() {
    let dir = temp_dir("inspect-jws-file");
    let (key, chain, _) = testkit_pki(&dir);
    let document = dir.join("ccd.xml");
    std::fs::write(&document, "<ClinicalDocument/>\n").unwrap();
    let mut outputs = Vec::new();
    for (name, extra) in [("plain.jws", &[][..]), ("sigd.jws", &["--sigd"][..])] {
        let output = dir.join(name);
        let mut args = vec![
            "doc",
            "sign",
            document.to_str().unwrap(),
            "--key",
            &key,
            "--cert",
            &chain,
            "--at",
            "2026-05-01T12:00:00Z",
            "--force",
            "-o",
            output.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        assert_eq!(fhirsig(&args).status.code(), Some(0));
        outputs.push(output);
    }
    let out = fhirsig(&["inspect", outputs[0].to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let line = &json_lines(&out)[0];
    assert_eq!(line["type"], "jws");
    assert_eq!(line["form"], "compact");
    assert_eq!(line["detached"], true);
    assert_eq!(
        line["signatures"][0]["certificates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let out = fhirsig(&["inspect", outputs[1].to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("a compact JWS (not a FHIR resource)"),
        "{text}"
    );
    let digest = sha256_hex(b"<ClinicalDocument/>\n");
    assert!(
        text.contains(&digest),
        "the sigD document's SHA-256: {text}"
    );
    assert!(!text.contains("not interpreted: sigD"), "{text}");
    // A JWS whose parts do not decode is bad input, named as a problem.
    let broken = dir.join("broken.jws");
    std::fs::write(&broken, "eyJhbGciOiJFUzI1NiJ9..A").unwrap();
    let out = fhirsig(&["inspect", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("PROBLEM"), "{}", stdout(&out));
}
