//! The published Provenance test vectors (`test-vectors/provenance/`, operation
//! `verify-provenance`, format in `test-vectors/README.md`): every case is run through
//! `verify_provenance_signatures` and must produce its `expect`, `expectCheck` and
//! `expectSubIndication`. Every member of a case file is consumed: an unknown member, or one the
//! operation does not use, fails the case.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use base64::Engine as _;
use fhirsig_core::trust::{parse_rfc3339, ChainValidator, Crl, Indication, Report, TrustAnchors};
use fhirsig_jcs::{Node, NodeKind};
use fhirsig_provenance::{verify_provenance_signatures, VerifyOptions};

/// The members a `verify-provenance` case may have.
const MEMBERS: [&str; 9] = [
    "description",
    "operation",
    "expect",
    "expectCheck",
    "expectSubIndication",
    "verifyAt",
    "trustAnchors",
    "crls",
    "input",
];

/// The published mapping from a Provenance signature report to the `expect` vocabulary: the
/// deciding check's code names the class (as for resource signatures; `test-vectors/README.md`).
fn expect_of_check(code: &str) -> &'static str {
    match code {
        "signature-element" | "signature-format" | "signature-data" | "jws-format"
        | "algorithm" | "x5c" | "x5t" | "signature-type" | "signature-when" => "header-failure",
        "targets-resolved" | "payload" => "canonicalization-failure",
        "signer-identity" => "signer-identity-failure",
        "signature-value" => "signature-failure",
        "time-policy"
        | "signer-certificate-validity"
        | "signing-time-in-validity"
        | "certificate-chain-format"
        | "certificate-path"
        | "ca-key-usage"
        | "certificate-profile"
        | "trust-anchor-validity"
        | "pinned-signer"
        | "signer-key-usage"
        | "key-usage-digital-signature"
        | "signer-extended-key-usage"
        | "revocation-status" => "chain-failure",
        other => panic!("check code {other:?} is not classified in the published mapping"),
    }
}

/// The first `failed` check, else the first `indeterminate` one.
fn deciding_check(report: &Report) -> Option<(&'static str, &'static str)> {
    let first = |wanted: Indication| {
        report.checks().iter().find_map(|c| match c.failure() {
            Some((i, sub)) if i == wanted => Some((c.code().as_str(), sub.as_str())),
            _ => None,
        })
    };
    first(Indication::Failed).or_else(|| first(Indication::Indeterminate))
}

/// `DuplicateMember { .. }` → `duplicate-member`: the parse error's kind in kebab case.
fn parse_error_code(error: &fhirsig_jcs::ParseError) -> String {
    let debug = format!("{:?}", error.kind());
    let name: String = debug
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let mut code = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            code.push('-');
        }
        code.push(c.to_ascii_lowercase());
    }
    code
}

fn strings(node: Option<Node<'_>>) -> Vec<String> {
    node.map(|n| {
        n.elements()
            .map(|e| e.as_str().expect("a list of strings").to_owned())
            .collect()
    })
    .unwrap_or_default()
}

/// The input's bytes: `{"text": ...}`, `{"textBase64": ...}`, or the JSON value as written.
fn input_bytes(input: Node<'_>) -> Vec<u8> {
    let names: Vec<&str> = input.members().map(|(k, _)| k).collect();
    match (input.kind(), names.as_slice()) {
        (NodeKind::Object, ["text"]) => input.get("text").unwrap().as_str().unwrap().into(),
        (NodeKind::Object, ["textBase64"]) => base64::engine::general_purpose::STANDARD
            .decode(input.get("textBase64").unwrap().as_str().unwrap())
            .unwrap(),
        _ => input.raw_text().as_bytes().to_vec(),
    }
}

/// What the library makes of one case: (expect, deciding check, sub-indication).
fn run(case: Node<'_>) -> (String, Option<String>, Option<String>) {
    let bytes = input_bytes(case.get("input").expect("input"));
    let doc = match fhirsig_jcs::parse(&bytes) {
        Ok(doc) => doc,
        Err(e) => return ("parse-failure".into(), Some(parse_error_code(&e)), None),
    };
    let at = parse_rfc3339(
        case.get("verifyAt")
            .and_then(|v| v.as_str())
            .expect("verifyAt"),
    )
    .expect("verifyAt is RFC 3339");
    let anchors = strings(case.get("trustAnchors"));
    let anchors: Vec<&[u8]> = anchors.iter().map(|a| a.as_bytes()).collect();
    let crls = strings(case.get("crls"))
        .iter()
        .map(|c| Crl::from_pem_or_der(c.as_bytes()).expect("CRL"))
        .collect();
    let validator =
        ChainValidator::new(TrustAnchors::from_pem(&anchors).expect("anchors")).with_crls(crls);
    let options = VerifyOptions::new(validator, at);
    let reports = verify_provenance_signatures(&doc, &options);
    assert!(!reports.is_empty(), "every case has Provenance signatures");
    match reports.iter().find(|r| !r.verified()) {
        None => ("success".into(), None, None),
        Some(result) => {
            let report = result.report();
            let (code, sub) = deciding_check(report)
                .unwrap_or_else(|| panic!("not verified without a failed check:\n{report}"));
            (
                expect_of_check(code).into(),
                Some(code.into()),
                Some(sub.into()),
            )
        }
    }
}

#[test]
fn every_provenance_vector_gives_its_expected_outcome() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors/provenance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 12, "only {} Provenance cases", files.len());
    let (mut negative, mut failures) = (0, Vec::new());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let case = doc.root();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let unknown: Vec<&str> = case
            .members()
            .map(|(k, _)| k)
            .filter(|k| !MEMBERS.contains(k))
            .collect();
        assert!(
            unknown.is_empty(),
            "{name}: members {unknown:?} are not used by verify-provenance"
        );
        let field = |n: &str| case.get(n).and_then(|v| v.as_str()).map(str::to_owned);
        assert_eq!(
            field("operation").as_deref(),
            Some("verify-provenance"),
            "{name}"
        );
        assert!(
            field("description").is_some_and(|d| !d.is_empty()),
            "{name}"
        );
        let expect = field("expect").expect("expect");
        let (got, check, sub) = run(case);
        if expect != "success" {
            negative += 1;
        }
        let mut problems = Vec::new();
        if got != expect {
            problems.push(format!("expect {expect}, got {got}"));
        }
        if field("expectCheck") != check {
            problems.push(format!(
                "expectCheck {:?}, got {check:?}",
                field("expectCheck")
            ));
        }
        if field("expectSubIndication") != sub {
            problems.push(format!(
                "expectSubIndication {:?}, got {sub:?}",
                field("expectSubIndication")
            ));
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        negative * 100 >= files.len() * 40,
        "{negative} of {} negative",
        files.len()
    );
}
