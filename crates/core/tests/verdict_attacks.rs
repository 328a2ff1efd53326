//! What "verified" may and may not be said for: an unsigned root around a signed resource, an
//! unsigned attachment beside a signed one, a second signature that is bad, one bad signer of
//! several, a thumbprint naming another certificate; and, for random positions, that a change
//! the signature covers fails while a change to an excluded member passes and is reported as
//! excluded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use fhirsig_core::fhir::{
    file_verdict, sign, sign_with_certificates, verify_document, FileRules, Party, Profile,
    SignRequest, SignatureVerification, VerifyOptions,
};
use fhirsig_core::jws::SigningKey;
use fhirsig_core::report::CheckCode;
use fhirsig_core::trust::TrustAnchors;
use proptest::prelude::*;

const SEARCHSET: &str = r#"{"resourceType":"Bundle","id":"s1","meta":{"versionId":"2"},"type":"searchset","total":1,
 "entry":[{"fullUrl":"https://ehr.example.org/fhir/Observation/o1","resource":{"resourceType":"Observation","id":"o1",
 "status":"final","code":{"text":"Heart rate"},"valueQuantity":{"value":72.50,"unit":"/min"}},"search":{"mode":"match"}}]}"#;

const QUESTIONNAIRE_RESPONSE: &str = r#"{"resourceType":"QuestionnaireResponse","id":"qr1","meta":{"versionId":"1"},
 "status":"completed","item":[{"linkId":"1","text":"Diagnosis","answer":[{"valueString":"Examplitis"}]}]}"#;

struct Fixture {
    key_pem: Vec<u8>,
    root_pem: Vec<u8>,
    key: SigningKey,
    chain: Vec<Vec<u8>>,
    options: VerifyOptions,
}

/// One generated PKI for every test of this file.
fn fixture() -> &'static Fixture {
    static FIXTURE: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    FIXTURE.get_or_init(Fixture::new)
}

impl Fixture {
    fn new() -> Self {
        let pki = common::Pki::new(common::june_2026());
        Fixture {
            key_pem: pki.file("leaf-ec.key.pem").to_vec(),
            root_pem: pki.file("root-ca.cert.pem").to_vec(),
            key: SigningKey::from_pem(pki.file("leaf-ec.key.pem")).unwrap(),
            chain: vec![
                pki.der("leaf-ec.cert.pem"),
                pki.der("intermediate-ca.cert.pem"),
            ],
            options: VerifyOptions::new(pki.validator(), common::june_2026()),
        }
    }

    fn request(&self) -> SignRequest<'_> {
        SignRequest {
            key: &self.key,
            chain: self.chain.clone(),
            profile: Profile::Cdex,
            signing_time: time::macros::datetime!(2026-05-02 10:00:00 UTC),
            who: Party {
                system: "http://hl7.org/fhir/sid/us-npi".into(),
                value: "1234567893".into(),
                display: None,
            },
            on_behalf_of: None,
            algorithm: None,
            kty_compat: false,
            replace: false,
            exact_header: None,
        }
    }

    fn sign(&self, text: &str, pointer: Option<&str>) -> String {
        sign(text, pointer, &self.request()).unwrap().text
    }

    fn verify(&self, text: &str) -> Vec<SignatureVerification> {
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        verify_document(&doc, &self.options)
    }

    fn file(&self, text: &str, rules: &FileRules) -> fhirsig_core::fhir::FileVerdict {
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        file_verdict(&doc, &verify_document(&doc, &self.options), rules)
    }
}

#[test]
fn an_unsigned_root_around_a_signed_bundle_is_not_a_verified_file() {
    let fx = fixture();
    let signed = fx.sign(SEARCHSET, None);
    let task = format!(
        r##"{{"resourceType":"Task","id":"t1","status":"completed","intent":"order","contained":[{signed}],"output":[{{"type":{{"text":"data"}},"valueReference":{{"reference":"#s1"}}}}]}}"##
    );
    let results = fx.verify(&task);
    assert_eq!(results.len(), 1);
    assert!(results[0].verified(), "{}", results[0].report());
    let verdict = fx.file(&task, &FileRules::default());
    assert!(!verdict.verified);
    assert!(!verdict.subject_covered);
    assert!(
        verdict.reason.as_deref().unwrap().contains("--pointer"),
        "{verdict:?}"
    );
    assert_eq!(verdict.uncovered[0].pointer, "");
    assert_eq!(verdict.uncovered[0].resource_type, "Task");
    // Named as the subject, the contained Bundle verifies on its own.
    let only = FileRules {
        subject: Some("/contained/0".into()),
        ..FileRules::default()
    };
    assert!(fx.file(&task, &only).verified);
}

#[test]
fn a_reason_names_ten_signed_objects_and_counts_the_rest() {
    let fx = fixture();
    let signed = fx.sign(SEARCHSET, None);
    let entries: Vec<String> = (0..25)
        .map(|_| format!(r#"{{"resource":{signed}}}"#))
        .collect();
    let collection = format!(
        r#"{{"resourceType":"Bundle","type":"collection","entry":[{}]}}"#,
        entries.join(",")
    );
    let verdict = fx.file(&collection, &FileRules::default());
    assert!(!verdict.verified);
    let reason = verdict.reason.unwrap();
    assert!(
        reason.contains("/entry/9/resource and 15 more)"),
        "{reason}"
    );
    assert!(!reason.contains("/entry/10/resource"), "{reason}");
}

#[test]
fn an_unsigned_attachment_beside_a_signed_one_is_named() {
    let fx = fixture();
    let signed = fx.sign(SEARCHSET, None);
    let parameters = format!(
        r#"{{"resourceType":"Parameters","parameter":[
          {{"name":"Attachment","part":[{{"name":"Content","resource":{signed}}}]}},
          {{"name":"Attachment","part":[{{"name":"Content","resource":{SEARCHSET}}}]}}]}}"#
    );
    let verdict = fx.file(&parameters, &FileRules::default());
    assert!(verdict.subject_covered, "{verdict:?}");
    assert!(
        verdict.verified,
        "the signed attachment verifies: {verdict:?}"
    );
    let unsigned: Vec<&str> = verdict
        .uncovered
        .iter()
        .map(|u| u.pointer.as_str())
        .collect();
    assert_eq!(unsigned, ["/parameter/1/part/0/resource"]);
    assert!(!verdict.uncovered[0].signed);
    let strict = FileRules {
        require_all_signed: true,
        ..FileRules::default()
    };
    let verdict = fx.file(&parameters, &strict);
    assert!(!verdict.verified);
    assert!(verdict
        .reason
        .unwrap()
        .contains("/parameter/1/part/0/resource"));
}

#[test]
fn a_bad_second_signature_extension_fails_the_file() {
    let fx = fixture();
    let signed = fx.sign(QUESTIONNAIRE_RESPONSE, None);
    let mut value: serde_json::Value = serde_json::from_str(&signed).unwrap();
    let extensions = value["extension"].as_array_mut().unwrap();
    let mut second = extensions[0].clone();
    second["valueSignature"]["data"] = serde_json::json!("bm90IGEgSldT");
    extensions.push(second);
    let text = serde_json::to_string(&value).unwrap();
    let results = fx.verify(&text);
    assert_eq!(results.len(), 2, "both signature extensions are verified");
    assert!(results[0].verified(), "{}", results[0].report());
    assert!(!results[1].verified());
    assert_eq!(results[1].signature_pointer, "/extension/1/valueSignature");
    assert!(!fx.file(&text, &FileRules::default()).verified);
}

/// The same key certified by a second, self-signed certificate (another trust community).
fn second_community(fx: &Fixture) -> rcgen::Certificate {
    let key = rcgen::KeyPair::from_pem(std::str::from_utf8(&fx.key_pem).unwrap()).unwrap();
    let mut params = rcgen::CertificateParams::default();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "second community");
    params.not_before = time::macros::datetime!(2026-01-01 0:00 UTC);
    params.not_after = time::macros::datetime!(2027-01-01 0:00 UTC);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.subject_alt_names = vec![rcgen::SanType::OtherName((
        vec![2, 16, 840, 1, 113883, 4, 6],
        rcgen::OtherNameValue::Utf8String("1234567893".into()),
    ))];
    params.self_signed(&key).unwrap()
}

#[test]
fn one_corrupted_signer_of_a_json_serialization_fails_the_file() {
    let fx = fixture();
    let second = second_community(fx);
    let signed = sign_with_certificates(
        SEARCHSET,
        None,
        &fx.request(),
        &[vec![second.der().to_vec()]],
    )
    .unwrap();
    // Trust both communities: both signers verify, each reported with its own chain.
    let anchors = TrustAnchors::from_pem(&[&fx.root_pem, second.pem().as_bytes()]).unwrap();
    let both = VerifyOptions::new(
        fhirsig_core::trust::ChainValidator::new(anchors),
        common::june_2026(),
    );
    let doc = fhirsig_jcs::parse(signed.text.as_bytes()).unwrap();
    let results = verify_document(&doc, &both);
    assert_eq!(results.len(), 2);
    assert!(results.iter().all(SignatureVerification::verified));
    let subjects: Vec<String> = results
        .iter()
        .map(|r| r.signer.as_ref().unwrap().subject.clone())
        .collect();
    assert_ne!(subjects[0], subjects[1], "two signers named: {subjects:?}");

    // Corrupt the second signature value.
    let mut jws: serde_json::Value = serde_json::from_str(&signed.jws).unwrap();
    let sig = jws["signatures"][1]["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    jws["signatures"][1]["signature"] = serde_json::json!(format!("{flipped}{}", &sig[1..]));
    let data = base64::engine::general_purpose::STANDARD.encode(jws.to_string());
    let old = base64::engine::general_purpose::STANDARD.encode(&signed.jws);
    let text = signed.text.replace(&old, &data);
    assert_ne!(text, signed.text);
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    let results = verify_document(&doc, &both);
    assert!(results[0].verified());
    assert!(!results[1].verified());
    assert_eq!(
        results[1].report().sub_indication().map(|s| s.as_str()),
        Some("sig-crypto-failure")
    );
    assert!(!file_verdict(&doc, &results, &FileRules::default()).verified);
}

#[test]
fn an_x5t_naming_another_certificate_fails() {
    let fx = fixture();
    let signed = sign(SEARCHSET, None, &fx.request()).unwrap();
    let header_b64 = signed.jws.split('.').next().unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header_b64)
        .unwrap();
    let with_thumbprint = |digest: &[u8]| {
        let mut value: serde_json::Value = serde_json::from_slice(&header).unwrap();
        value["x5t#S256"] =
            serde_json::json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest));
        let mut request = fx.request();
        request.exact_header = Some(value.to_string().into_bytes());
        fx.verify(&sign(SEARCHSET, None, &request).unwrap().text)
    };
    let right = ring::digest::digest(&ring::digest::SHA256, &fx.chain[0]);
    let results = with_thumbprint(right.as_ref());
    assert!(results[0].verified(), "{}", results[0].report());
    assert_eq!(
        results[0]
            .report()
            .check(CheckCode::X5t)
            .unwrap()
            .outcome()
            .as_str(),
        "pass"
    );
    let other = ring::digest::digest(&ring::digest::SHA256, &fx.chain[1]);
    let results = with_thumbprint(other.as_ref());
    assert!(!results[0].verified());
    assert_eq!(
        results[0]
            .report()
            .check(CheckCode::X5t)
            .unwrap()
            .outcome()
            .as_str(),
        "fail"
    );
}

/// The JSON Pointers of every string and number leaf under `value`.
fn leaves(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, format!("{at}/{i}"), out);
            }
        }
        serde_json::Value::String(_) | serde_json::Value::Number(_) => out.push(at),
        _ => {}
    }
}

/// `text` with the leaf at `pointer` changed (a string gets a character more, a number one
/// more).
fn change(text: &str, pointer: &str) -> String {
    let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
    let leaf = value.pointer_mut(pointer).unwrap();
    let changed = match &*leaf {
        serde_json::Value::String(s) => serde_json::json!(format!("{s}x")),
        serde_json::Value::Number(n) => serde_json::json!(n.as_f64().unwrap() + 1.0),
        other => other.clone(),
    };
    *leaf = changed;
    serde_json::to_string(&value).unwrap()
}

fn signed_samples(fx: &Fixture) -> Vec<(&'static str, String)> {
    let bundle = fx.sign(SEARCHSET, None);
    let qr = fx.sign(QUESTIONNAIRE_RESPONSE, None);
    let parameters = format!(
        r#"{{"resourceType":"Parameters","parameter":[{{"name":"Attachment","part":[{{"name":"Content","resource":{bundle}}}]}}]}}"#
    );
    vec![
        ("bundle", bundle),
        ("questionnaire", qr),
        ("parameters", parameters),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn covered_changes_fail_and_excluded_changes_pass_and_say_so(sample in 0usize..3, pick in any::<prop::sample::Index>()) {
        let fx = fixture();
        let (label, text) = &signed_samples(fx)[sample];
        let before = fx.verify(text);
        prop_assert!(before.iter().all(SignatureVerification::verified));
        let coverage = before[0].coverage.clone();
        let mut all = Vec::new();
        leaves(&serde_json::from_str(text).unwrap(), String::new(), &mut all);
        // The Signature element and the extension carrying it are the signature, not content.
        let carrier = before[0]
            .signature_pointer
            .trim_end_matches("/valueSignature")
            .to_owned();
        let candidates: Vec<&String> = all
            .iter()
            .filter(|p| !p.starts_with(&format!("{carrier}/")))
            .collect();
        let pointer = pick.get(&candidates).as_str();
        let after = fx.verify(&change(text, pointer));
        // A change can also make the signature unfindable (a changed resourceType): that is
        // "not verified" too.
        let verified = after.first().is_some_and(SignatureVerification::verified);
        let within = |base: &str| pointer == base || pointer.starts_with(&format!("{base}/"));
        if coverage.covers(pointer) {
            prop_assert!(!verified, "{label}: {pointer} is covered, yet verified");
        } else if coverage.signed.iter().any(|s| within(s)) {
            // Inside the signed object but left out by the rule: passes, and the coverage
            // names the member.
            prop_assert!(verified, "{label}: {pointer} is excluded, yet fails");
            prop_assert!(coverage.excluded.iter().any(|e| within(e)), "{label}: {pointer}");
        }
        // Outside every signed object (a Parameters envelope) nothing is claimed either way.
    }
}

#[test]
fn root_id_and_meta_changes_pass_and_are_listed_as_excluded() {
    let fx = fixture();
    for (label, text) in signed_samples(fx).into_iter().take(2) {
        for pointer in ["/id", "/meta/versionId"] {
            let results = fx.verify(&change(&text, pointer));
            assert!(results[0].verified(), "{label} {pointer}");
            let excluded = &results[0].coverage.excluded;
            assert!(
                excluded.contains(&"/id".to_owned()),
                "{label}: {excluded:?}"
            );
            assert!(
                excluded.contains(&"/meta".to_owned()),
                "{label}: {excluded:?}"
            );
            assert!(!results[0].coverage.covers(pointer));
        }
    }
}

/// The OperationOutcome of a file is read without its HTTP status: one that did not verify
/// always carries an error issue, one that did says so even beside warnings.
#[test]
fn an_operation_outcome_says_not_verified_with_an_error_issue() {
    use fhirsig_core::fhir::{file_operation_outcome, verify_parsed};
    let options = &fixture().options;
    let outcome = |text: &str| {
        let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
        let report = verify_parsed(&doc, options, &FileRules::default());
        let outcome: serde_json::Value =
            serde_json::from_str(&file_operation_outcome(&report.signatures, &report.verdict))
                .unwrap();
        (report.verdict.verified, outcome)
    };
    let severities = |outcome: &serde_json::Value| -> Vec<String> {
        outcome["issue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["severity"].as_str().unwrap().to_owned())
            .collect()
    };
    // Unsigned: the uncovered entry is a warning, and the verdict an error.
    let (verified, unsigned) = outcome(SEARCHSET);
    assert!(!verified);
    assert!(
        severities(&unsigned).contains(&"error".to_owned()),
        "{unsigned}"
    );
    // No resourceType at all: named as such, not as "this  is".
    let (verified, empty) = outcome("{}");
    assert!(!verified);
    assert!(severities(&empty).contains(&"error".to_owned()), "{empty}");
    assert!(!empty.to_string().contains("this  is"), "{empty}");
    // Signed: verified, with the decimal-precision warning beside the information issue.
    let signed = sign(SEARCHSET, None, &fixture().request()).unwrap();
    let (verified, good) = outcome(&signed.text);
    assert!(verified);
    let seen = severities(&good);
    assert!(!seen.contains(&"error".to_owned()), "{good}");
    assert!(seen.contains(&"warning".to_owned()), "{good}");
    assert_eq!(seen[0], "information", "{good}");
}
