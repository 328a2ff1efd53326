//! `fhirsig canon` end to end: exact bytes out, exit statuses, one-line errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{fhirsig_with_input as fhirsig, vector_suite as vectors};

#[test]
fn canon_matches_every_cyberphone_output() {
    let suite = vectors("jcs-cyberphone");
    for entry in std::fs::read_dir(suite.join("input")).unwrap() {
        let path = entry.unwrap().path();
        let expected = std::fs::read(suite.join("output").join(path.file_name().unwrap())).unwrap();
        let out = fhirsig(&["canon", path.to_str().unwrap()], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, expected, "{}", path.display());
    }
}

#[test]
fn canon_matches_every_rfc8785_example() {
    let path = vectors("jcs-rfc8785").join("rfc8785_examples.json");
    let examples: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut compared = 0;
    for case in examples["cases"].as_array().unwrap() {
        let input = case["input"].as_str().unwrap().as_bytes();
        let out = fhirsig(&["canon", "-"], Some(input));
        match case["expected_output"].as_str() {
            Some(expected) => {
                assert_eq!(out.status.code(), Some(0));
                assert_eq!(out.stdout, expected.as_bytes(), "{}", case["id"]);
                compared += 1;
            }
            None if case.get("expected_result").is_some() => {
                assert_eq!(out.status.code(), Some(2), "{}", case["id"]);
                assert!(out.stdout.is_empty());
                compared += 1;
            }
            None => {}
        }
    }
    assert!(compared >= 5);
}

#[test]
fn canon_payload_reproduces_every_derived_file() {
    let dir = vectors("cdex");
    let cases = [
        (
            "cdex-searchbundle-digital-sig-example.json",
            "cdex-searchbundle-digital-sig-example.payload.jcs.json",
        ),
        (
            "cdex-document-digital-sig-example.json",
            "cdex-document-digital-sig-example.payload.jcs.json",
        ),
        (
            "cdex-parameters-example2.json",
            "cdex-parameters-example2.bundle.payload.jcs.json",
        ),
        (
            "cdex-questionnaireresponse-example4.json",
            "cdex-questionnaireresponse-example4.payload.jcs.json",
        ),
    ];
    assert_eq!(
        std::fs::read_dir(dir.join("derived")).unwrap().count(),
        cases.len()
    );
    for (example, derived) in cases {
        let out = fhirsig(
            &["canon", "--payload", dir.join(example).to_str().unwrap()],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{example}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.stdout,
            std::fs::read(dir.join("derived").join(derived)).unwrap(),
            "{example}"
        );
    }
}

#[test]
fn bad_input_exits_2_with_one_line_naming_the_place() {
    let out = fhirsig(&["canon", "-"], Some(br#"{"a":{"b":1,"b":2}}"#));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("fhirsig: error: <stdin>: duplicate member name \"b\" at /a/b"),
        "{stderr}"
    );

    let out = fhirsig(&["canon", "-"], Some(b"[1, NaN]"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("NaN is not a JSON number at /1"));

    let out = fhirsig(&["canon", "/nonexistent/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("cannot read /nonexistent/file.json"));
}

#[test]
fn payload_errors_are_explained() {
    let out = fhirsig(
        &["canon", "--payload", "-"],
        Some(br#"{"resourceType":"Patient"}"#),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("no Bundle or QuestionnaireResponse"),
        "{stderr}"
    );

    let out = fhirsig(
        &[
            "canon",
            "--payload",
            "--canonicalization",
            "http://hl7.org/fhir/canonicalization/xml",
            "-",
        ],
        Some(br#"{"resourceType":"Bundle"}"#),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("not supported"));

    let out = fhirsig(
        &["canon", "--payload", "--pointer", "/nope", "-"],
        Some(br#"{"resourceType":"Bundle"}"#),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("nothing at JSON Pointer"));
}

#[test]
fn payload_rule_follows_the_uri() {
    let bundle =
        br#"{"resourceType":"Bundle","id":"b","type":"collection","signature":{"data":"AA=="}}"#;
    let out = fhirsig(&["canon", "--payload", "-"], Some(bundle));
    assert_eq!(
        out.stdout,
        br#"{"resourceType":"Bundle","type":"collection"}"#
    );
    let out = fhirsig(
        &[
            "canon",
            "--payload",
            "--canonicalization",
            "http://hl7.org/fhir/canonicalization/json",
            "-",
        ],
        Some(bundle),
    );
    assert_eq!(
        out.stdout,
        br#"{"id":"b","resourceType":"Bundle","type":"collection"}"#
    );
    // The signature's own targetFormat names the rule when none is given.
    let declared = br#"{"resourceType":"Bundle","id":"b","type":"collection","signature":{"targetFormat":"application/fhir+json;canonicalization=http://hl7.org/fhir/canonicalization/json"}}"#;
    let out = fhirsig(&["canon", "--payload", "-"], Some(declared));
    assert_eq!(
        out.stdout,
        br#"{"id":"b","resourceType":"Bundle","type":"collection"}"#
    );
}

#[test]
fn decimal_precision_warnings_go_to_stderr() {
    let out = fhirsig(&["canon", "-"], Some(br#"{"value":1.50,"n":2}"#));
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout, br#"{"n":2,"value":1.5}"#);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "fhirsig: warning: <stdin>: number at /value is written 1.50 but canonicalises to 1.5"
        ),
        "{stderr}"
    );
    let out = fhirsig(&["canon", "-q", "-"], Some(br#"{"value":1.50}"#));
    assert!(out.stderr.is_empty());
    // A number of a million digits is one short line, in the warning and in an error.
    let long = format!(r#"{{"value":1.{}1}}"#, "0".repeat(1 << 20));
    let out = fhirsig(&["canon", "-"], Some(long.as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.len() < 500, "{} bytes of warning", stderr.len());
    assert!(
        stderr.contains("… (1048579 bytes) but canonicalises to 1"),
        "{stderr}"
    );
    let long = format!("[1{}]", "0".repeat(1 << 20));
    let out = fhirsig(&["canon", "-"], Some(long.as_bytes()));
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.len() < 500, "{} bytes of error", stderr.len());
}

#[test]
fn output_file_is_written() {
    let dir = std::env::temp_dir().join(format!("fhirsig-canon-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join("out.json");
    let out = fhirsig(
        &["canon", "-o", target.to_str().unwrap(), "-"],
        Some(br#"{"b":1,"a":2}"#),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(std::fs::read(&target).unwrap(), br#"{"a":2,"b":1}"#);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn payload_of_an_unsigned_item() {
    let qr = br#"{"resourceType":"QuestionnaireResponse","status":"completed","item":[{"linkId":"1","id":"x","item":[{"linkId":"1.1"}]}]}"#;
    let out = fhirsig(
        &["canon", "--payload", "--pointer", "/item/0", "-"],
        Some(qr),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, br#"{"item":[{"linkId":"1.1"}],"linkId":"1"}"#);
    let out = fhirsig(
        &["canon", "--payload", "--pointer", "/status", "-"],
        Some(qr),
    );
    assert_eq!(out.status.code(), Some(2));
}
