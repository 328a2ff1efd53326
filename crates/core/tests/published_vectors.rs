//! The published test vectors (`test-vectors/`, format in `test-vectors/README.md`; the
//! `provenance/` area has its own harness in fhirsig-provenance): every case
//! is run through the library and must produce its `expect` (and `expectCheck`,
//! `expectSubIndication`, `expectedCanonical` when given). Every member of a case file is
//! consumed: an unknown member, or a member the case's operation does not use, fails the case.
//! The suite as a whole must keep its coverage: at least 100 cases, at least 40 % negative, and
//! every `expect` value at least 3 times.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use fhirsig_core::canonicalization::{Canonicalization, CanonicalizationError};
use fhirsig_core::document::{DocumentDigest, DocumentVerifier, JwsContent};
use fhirsig_core::fhir::{verify_document, Profile, VerifyOptions};
use fhirsig_core::jws::AlgorithmPolicy;
use fhirsig_core::payload::{item_payload, resource_payload, PayloadError};
use fhirsig_core::trust::{parse_rfc3339, ChainValidator, Crl, Report, TimePolicy, TrustAnchors};
use fhirsig_jcs::{Node, NodeKind, ParseError, ParseErrorKind};

/// The closed `expect` vocabulary.
const EXPECT_VALUES: [&str; 7] = [
    "success",
    "parse-failure",
    "canonicalization-failure",
    "header-failure",
    "chain-failure",
    "signer-identity-failure",
    "signature-failure",
];

/// Every member a case file may have (`provenance/` cases are run by fhirsig-provenance's
/// harness).
const KNOWN_MEMBERS: [&str; 18] = [
    "description",
    "operation",
    "expect",
    "expectCheck",
    "expectSubIndication",
    "canonicalization",
    "pointer",
    "profile",
    "verifyAt",
    "timePolicy",
    "policy",
    "trustAnchors",
    "crls",
    "expectedCanonical",
    "signature",
    "documentUri",
    "input",
    "regenerate",
];

/// The area folders.
const AREAS: [&str; 5] = ["jcs", "payload", "fhir", "trust", "documents"];

/// **The published mapping** from fhirsig's verification report to the `expect` vocabulary: the
/// deciding check's code (the first check of the highest-ranked failure, `failed` above
/// `indeterminate`) names the class. `test-vectors/README.md` prints the same table; a check code
/// not listed here fails the harness, so a new check must be classified on purpose.
fn expect_of_check(code: &str) -> &'static str {
    match code {
        "signature-element" | "signature-data" | "digital-signature" | "jws-format"
        | "jws-json-signature" | "profile" | "sig-format" | "target-format" | "algorithm"
        | "x5c" | "sig-t" | "sr-cms" | "signature-type" | "when-matches-sig-t" => "header-failure",
        "payload" => "canonicalization-failure",
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
        "signer-identity" => "signer-identity-failure",
        other => panic!("check code {other:?} is not classified in the published mapping"),
    }
}

/// The published mapping for document signatures (`verify-document`), by the same rule.
fn expect_of_document_check(code: &str) -> &'static str {
    match code {
        "signature-format" | "signer-certificate" | "signing-time" => "header-failure",
        "document-missing" | "document-extra" => "canonicalization-failure",
        "document" | "document-digest" | "signature" => "signature-failure",
        other => expect_of_check(other),
    }
}

/// The published mapping for inputs that do not parse: a number outside the IEEE-754 double
/// range is well-formed JSON that RFC 8785 cannot serialise (`canonicalization-failure`); every
/// other refusal of the strict I-JSON parser is a `parse-failure`. Returns (expect, code).
fn expect_of_parse_error(error: &ParseError) -> (&'static str, &'static str) {
    let code = match error.kind() {
        ParseErrorKind::Empty => "empty",
        ParseErrorKind::ByteOrderMark => "byte-order-mark",
        ParseErrorKind::InputTooLarge { .. } => "input-too-large",
        ParseErrorKind::InvalidUtf8 => "invalid-utf8",
        ParseErrorKind::LoneSurrogate => "lone-surrogate",
        ParseErrorKind::DuplicateMember { .. } => "duplicate-member",
        ParseErrorKind::NonFiniteLiteral { .. } => "non-finite-literal",
        ParseErrorKind::NumberOutOfRange { .. } => {
            return ("canonicalization-failure", "number-out-of-range")
        }
        ParseErrorKind::InvalidNumber => "invalid-number",
        ParseErrorKind::InvalidEscape => "invalid-escape",
        ParseErrorKind::ControlCharacterInString { .. } => "control-character-in-string",
        ParseErrorKind::TooDeep { .. } => "too-deep",
        ParseErrorKind::UnexpectedByte { .. } => "unexpected-byte",
        ParseErrorKind::UnexpectedEnd { .. } => "unexpected-end",
        ParseErrorKind::TrailingContent => "trailing-content",
        other => panic!("parse error {other:?} is not classified in the published mapping"),
    };
    ("parse-failure", code)
}

/// What the library did with a case.
#[derive(Debug, Default)]
struct Outcome {
    expect: &'static str,
    /// Deciding check code (verify) or error kind (canonicalize, payload).
    check: Option<String>,
    sub_indication: Option<String>,
    canonical: Option<Vec<u8>>,
    report: Option<String>,
}

impl Outcome {
    fn success(canonical: Option<Vec<u8>>) -> Self {
        Outcome {
            expect: "success",
            canonical,
            ..Outcome::default()
        }
    }

    fn failure(expect: &'static str, check: &str) -> Self {
        Outcome {
            expect,
            check: Some(check.to_owned()),
            ..Outcome::default()
        }
    }

    fn parse(error: &ParseError) -> Self {
        let (expect, code) = expect_of_parse_error(error);
        Outcome::failure(expect, code)
    }
}

/// A case file's members, each marked when the harness reads it.
struct Fields<'d> {
    root: Node<'d>,
    used: RefCell<BTreeSet<String>>,
}

impl<'d> Fields<'d> {
    fn get(&self, name: &str) -> Option<Node<'d>> {
        let node = self.root.get(name)?;
        self.used.borrow_mut().insert(name.to_owned());
        Some(node)
    }

    fn string(&self, name: &str) -> Option<&'d str> {
        self.get(name).map(|n| {
            n.as_str()
                .unwrap_or_else(|| panic!("{name} must be a string"))
        })
    }

    fn required(&self, name: &str) -> &'d str {
        self.string(name)
            .unwrap_or_else(|| panic!("{name} is required"))
    }

    fn strings(&self, name: &str) -> Option<Vec<&'d str>> {
        self.get(name).map(|n| {
            assert_eq!(n.kind(), NodeKind::Array, "{name} must be an array");
            let items: Vec<&str> = n
                .elements()
                .map(|e| e.as_str().expect("array of strings"))
                .collect();
            assert!(!items.is_empty(), "{name} must not be empty when present");
            items
        })
    }

    /// The input bytes: `{"text": ...}`, `{"textBase64": ...}`, or a JSON value's source text.
    fn input(&self) -> Vec<u8> {
        let node = self.get("input").expect("input is required");
        let names: Vec<&str> = node.members().map(|(k, _)| k).collect();
        match names.as_slice() {
            ["text"] => node
                .get("text")
                .unwrap()
                .as_str()
                .unwrap()
                .as_bytes()
                .to_vec(),
            ["textBase64"] => base64::engine::general_purpose::STANDARD
                .decode(node.get("textBase64").unwrap().as_str().unwrap())
                .expect("textBase64 is standard base64"),
            _ => node.raw_text().as_bytes().to_vec(),
        }
    }

    fn unused(&self) -> Vec<String> {
        let used = self.used.borrow();
        self.root
            .members()
            .map(|(k, _)| k.to_owned())
            .filter(|k| !used.contains(k))
            .collect()
    }
}

fn canonicalize(fields: &Fields<'_>) -> Outcome {
    match fhirsig_jcs::canonicalize(&fields.input()) {
        Ok(bytes) => Outcome::success(Some(bytes)),
        Err(e) => Outcome::parse(&e),
    }
}

fn payload(fields: &Fields<'_>) -> Outcome {
    let input = fields.input();
    let pointer = fields.string("pointer");
    let uri = fields.string("canonicalization");
    let doc = match fhirsig_jcs::parse(&input) {
        Ok(doc) => doc,
        Err(e) => return Outcome::parse(&e),
    };
    let node = doc
        .pointer(pointer.unwrap_or(""))
        .expect("the case's pointer names a value");
    let result = match uri {
        Some(uri) => match Canonicalization::from_uri(uri) {
            Ok(rule) => resource_payload(&doc, node, rule),
            Err(CanonicalizationError::Unsupported { .. }) => {
                return Outcome::failure("canonicalization-failure", "unsupported-canonicalization")
            }
            Err(CanonicalizationError::Unknown { .. }) => {
                return Outcome::failure("canonicalization-failure", "unknown-canonicalization")
            }
            Err(e) => panic!("unexpected canonicalization error {e}"),
        },
        None => {
            assert!(pointer.is_some(), "the item rule needs a pointer");
            item_payload(&doc, node)
        }
    };
    match result {
        Ok(p) => Outcome::success(Some(p.bytes)),
        Err(e) => {
            let code = match e {
                PayloadError::NotAnObject { .. } => "not-an-object",
                PayloadError::MissingResourceType { .. } => "missing-resource-type",
                PayloadError::UnsupportedResourceType { .. } => "unsupported-resource-type",
                other => panic!("payload error {other} is not classified"),
            };
            Outcome::failure("canonicalization-failure", code)
        }
    }
}

/// A validator trusting `trustAnchors`, with `crls`; `None` without anchors.
fn validator(fields: &Fields<'_>) -> Option<ChainValidator> {
    let pems = fields.strings("trustAnchors")?;
    let blobs: Vec<&[u8]> = pems.iter().map(|p| p.as_bytes()).collect();
    let mut validator = ChainValidator::new(TrustAnchors::from_pem(&blobs).unwrap());
    if let Some(crls) = fields.strings("crls") {
        let crls = crls
            .iter()
            .map(|pem| Crl::from_pem_or_der(pem.as_bytes()).unwrap())
            .collect();
        validator = validator.with_crls(crls);
    }
    Some(validator)
}

fn verify(fields: &Fields<'_>) -> Outcome {
    let input = fields.input();
    let at = fields.required("verifyAt");
    let verification_time =
        parse_rfc3339(at).unwrap_or_else(|| panic!("verifyAt {at:?} is not RFC 3339"));
    let time_policy = match fields.string("timePolicy") {
        None | Some("now") => TimePolicy::VerificationTime,
        Some("sigt") => TimePolicy::SigningTime,
        Some(other) => panic!("timePolicy {other:?} is not now|sigt"),
    };
    let profile = match fields.string("profile") {
        None | Some("auto") => None,
        Some(name) => Some(Profile::from_name(name).expect("profile cdex|cdex2|r6|auto")),
    };
    let validator = validator(fields);
    let pointer = fields.string("pointer").unwrap_or("");
    let doc = match fhirsig_jcs::parse(&input) {
        Ok(doc) => doc,
        Err(e) => return Outcome::parse(&e),
    };
    // A vector may name the validation policy it is judged by (default: by profile).
    let policy = fields.string("policy").map(|name| {
        std::sync::Arc::new(
            fhirsig_core::Policy::builtin(name)
                .unwrap_or_else(|| panic!("policy {name:?} is not a built-in policy")),
        )
    });
    let options = VerifyOptions {
        profile,
        policy,
        algorithms: AlgorithmPolicy::default(),
        validator,
        verification_time,
        time_policy,
        certificates: Default::default(),
    };
    let results = verify_document(&doc, &options);
    let result = results
        .iter()
        .find(|r| r.pointer == pointer)
        .unwrap_or_else(|| panic!("no signature on the object at {pointer:?}"));
    if result.verified() {
        return Outcome::success(None);
    }
    let deciding =
        deciding_check(result.report()).expect("a report that did not pass has a failure");
    Outcome {
        expect: expect_of_check(deciding),
        check: Some(deciding.to_owned()),
        sub_indication: result
            .report()
            .sub_indication()
            .map(|s| s.as_str().to_owned()),
        canonical: None,
        report: Some(result.report().to_string()),
    }
}

fn verify_signed_document(fields: &Fields<'_>) -> Outcome {
    let input = fields.input();
    let signature = fields.required("signature");
    let at = fields.required("verifyAt");
    let verification_time =
        parse_rfc3339(at).unwrap_or_else(|| panic!("verifyAt {at:?} is not RFC 3339"));
    let validator = validator(fields).expect("verify-document cases give trustAnchors");
    let verifier = DocumentVerifier::with_chain(validator, verification_time);
    let report = match fields.string("documentUri") {
        Some(uri) => {
            let given = [DocumentDigest::from_reader(uri, input.as_slice()).unwrap()];
            verifier.verify_jws(signature, JwsContent::Documents(&given))
        }
        None => verifier.verify_jws(signature, JwsContent::Bytes(&input)),
    };
    if report.passed() {
        return Outcome::success(None);
    }
    let deciding = deciding_check(&report).expect("a report that did not pass has a failure");
    Outcome {
        expect: expect_of_document_check(deciding),
        check: Some(deciding.to_owned()),
        sub_indication: report.sub_indication().map(|s| s.as_str().to_owned()),
        canonical: None,
        report: Some(report.to_string()),
    }
}

/// The check that decides the indication (`Report::deciding_check`: the first `failed` one,
/// else the first `indeterminate` one).
fn deciding_check(report: &Report) -> Option<&'static str> {
    report.deciding_check().map(|c| c.code().as_str())
}

/// Runs one case file; `Err` names what did not hold.
fn run_case(text: &str) -> Result<&'static str, String> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(|e| format!("not I-JSON: {e}"))?;
    let root = doc.root();
    if root.kind() != NodeKind::Object {
        return Err("a case is a JSON object".into());
    }
    let unknown: Vec<&str> = root
        .members()
        .map(|(k, _)| k)
        .filter(|k| !KNOWN_MEMBERS.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(format!("unknown members {unknown:?}"));
    }
    let fields = Fields {
        root,
        used: RefCell::new(BTreeSet::new()),
    };
    let description = fields.required("description");
    if description.trim().is_empty() {
        return Err("empty description".into());
    }
    let expect = fields.required("expect");
    let expect = *EXPECT_VALUES
        .iter()
        .find(|v| **v == expect)
        .ok_or_else(|| format!("expect {expect:?} is not in the vocabulary"))?;
    let operation = fields.required("operation");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match operation {
        "canonicalize" => canonicalize(&fields),
        "payload" => payload(&fields),
        "verify" => verify(&fields),
        "verify-document" => verify_signed_document(&fields),
        other => panic!("operation {other:?} is not canonicalize|payload|verify|verify-document"),
    }))
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })?;
    let report = || outcome.report.clone().unwrap_or_default();
    if outcome.expect != expect {
        return Err(format!(
            "expected {expect}, got {} ({:?} / {:?})\n{}",
            outcome.expect,
            outcome.check,
            outcome.sub_indication,
            report()
        ));
    }
    if let Some(check) = fields.string("expectCheck") {
        if outcome.check.as_deref() != Some(check) {
            return Err(format!(
                "expectCheck {check}, got {:?}\n{}",
                outcome.check,
                report()
            ));
        }
    }
    if let Some(sub) = fields.string("expectSubIndication") {
        if outcome.sub_indication.as_deref() != Some(sub) {
            return Err(format!(
                "expectSubIndication {sub}, got {:?}\n{}",
                outcome.sub_indication,
                report()
            ));
        }
    }
    if let Some(bytes) = &outcome.canonical {
        let expected = fields
            .string("expectedCanonical")
            .ok_or("a successful canonicalize/payload case must give expectedCanonical")?;
        if expected.as_bytes() != bytes.as_slice() {
            return Err(format!(
                "expectedCanonical {expected:?}, got {:?}",
                String::from_utf8_lossy(bytes)
            ));
        }
    }
    // `regenerate` is reserved for cases a generator cannot remake byte for byte.
    if let Some(regenerate) = fields.get("regenerate") {
        if regenerate.as_bool().is_none() {
            return Err("regenerate must be a boolean".into());
        }
    }
    let unused = fields.unused();
    if !unused.is_empty() {
        return Err(format!(
            "members the {operation} operation does not use: {unused:?}"
        ));
    }
    Ok(expect)
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors")
}

/// Every case file, as (`area/name`, text), sorted.
fn case_files(dir: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for area in AREAS {
        let folder = dir.join(area);
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{} is missing: {e}", folder.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            assert!(
                name.ends_with(".json"),
                "{}: only case files (*.json) belong in an area folder",
                path.display()
            );
            files.push((
                format!("{area}/{name}"),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    files.sort();
    files
}

#[test]
fn every_published_vector_holds() {
    let files = case_files(&vectors_dir());
    let mut failures = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut areas: BTreeMap<String, usize> = BTreeMap::new();
    for (name, text) in &files {
        match run_case(text) {
            Ok(expect) => *counts.entry(expect).or_default() += 1,
            Err(why) => failures.push(format!("{name}: {why}")),
        }
        *areas
            .entry(name.split('/').next().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    let total = files.len();
    assert!(
        total >= 100,
        "only {total} cases; the suite promises at least 100"
    );
    let negative = total - counts.get("success").copied().unwrap_or(0);
    assert!(
        negative * 10 >= total * 4,
        "{negative} of {total} cases are negative; at least 40 % must be"
    );
    for value in EXPECT_VALUES {
        let n = counts.get(value).copied().unwrap_or(0);
        assert!(
            n >= 3,
            "expect {value} is used {n} times; at least 3 required"
        );
    }
    for area in AREAS {
        assert!(
            areas.get(area).copied().unwrap_or(0) > 0,
            "area {area} is empty"
        );
    }
}

#[test]
fn the_harness_refuses_malformed_cases() {
    let good = r#"{"description":"d","operation":"canonicalize","expect":"success","expectedCanonical":"1","input":{"text":"1.0"}}"#;
    assert_eq!(run_case(good), Ok("success"));
    let unknown = good.replace("\"d\",", "\"d\",\"note\":\"x\",");
    assert!(run_case(&unknown).unwrap_err().contains("unknown members"));
    let unused = good.replace("\"d\",", "\"d\",\"verifyAt\":\"2026-06-01T00:00:00Z\",");
    assert!(run_case(&unused).unwrap_err().contains("does not use"));
    let wrong = good.replace("\"1\"", "\"1.0\"");
    assert!(run_case(&wrong).unwrap_err().contains("expectedCanonical"));
    let missing = good.replace(",\"expectedCanonical\":\"1\"", "");
    assert!(run_case(&missing).unwrap_err().contains("must give"));
    let vocabulary = good.replace("\"success\"", "\"ok\"");
    assert!(run_case(&vocabulary).unwrap_err().contains("vocabulary"));
    let failure = r#"{"description":"d","operation":"canonicalize","expect":"parse-failure","expectCheck":"duplicate-member","input":{"text":"{\"a\":1,\"a\":2}"}}"#;
    assert_eq!(run_case(failure), Ok("parse-failure"));
    let wrong_check = failure.replace("duplicate-member", "invalid-number");
    assert!(run_case(&wrong_check).unwrap_err().contains("expectCheck"));
}
