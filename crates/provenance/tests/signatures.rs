//! Provenance signature round trips (single target, several targets, embedded `#/`,
//! counter-signature) and tamper detection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

use fhirsig_core::jws::{AlgorithmPolicy, SigningKey};
use fhirsig_core::trust::{parse_rfc3339, ChainValidator, TrustAnchors};
use fhirsig_provenance::{
    sign_bundle_embedded, sign_provenance_in_bundle, verify_provenance_signatures, Agent,
    EmbeddedOptions, Instant, Profile, ProvenanceBuilder, Reference, SignatureType, Signer,
    VerifyOptions,
};
use fhirsig_testkit::pki;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

struct Fixture {
    files: HashMap<String, Vec<u8>>,
    key: SigningKey,
}

impl Fixture {
    fn new() -> Self {
        let now = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        let files: HashMap<String, Vec<u8>> =
            pki::generate_test_pki(now, &pki::PkiOptions::default())
                .unwrap()
                .into_iter()
                .collect();
        let key = SigningKey::from_pem(&files["leaf-ec.key.pem"]).unwrap();
        Fixture { files, key }
    }

    fn der(&self, name: &str) -> Vec<u8> {
        CertificateDer::from_pem_slice(&self.files[name])
            .unwrap()
            .to_vec()
    }

    fn signer(&self) -> Signer<'_> {
        Signer {
            key: &self.key,
            certificates: vec![
                self.der("leaf-ec.cert.pem"),
                self.der("intermediate-ca.cert.pem"),
            ],
            when: Instant::parse("2026-06-01T08:00:00Z").unwrap(),
            who: Reference::to("Practitioner/pr1")
                .with_identifier(Some("http://hl7.org/fhir/sid/us-npi"), "1234567893"),
            on_behalf_of: Some(Reference::to("Organization/org1")),
            kind: SignatureType::Verification,
        }
    }

    fn options(&self, trusted: bool) -> VerifyOptions {
        let validator = trusted.then(|| {
            ChainValidator::new(TrustAnchors::from_pem(&[&self.files["root-ca.cert.pem"]]).unwrap())
        });
        VerifyOptions {
            policy: None,
            profile: None,
            algorithms: AlgorithmPolicy::default(),
            validator,
            verification_time: parse_rfc3339("2026-06-02T00:00:00Z").unwrap(),
            time_policy: Default::default(),
            certificates: Default::default(),
        }
    }
}

fn bundle_with_provenance(targets: &[&str]) -> String {
    let mut b = ProvenanceBuilder::new(Profile::Hrex)
        .target(Reference::to(targets[0]))
        .recorded(Instant::parse("2026-06-01T08:00:00Z").unwrap())
        .agent(Agent::transmitter(Reference::to("Organization/org1")));
    for t in &targets[1..] {
        b = b.target(Reference::to(*t));
    }
    let provenance = b.build().unwrap().to_json();
    format!(
        r#"{{
  "resourceType": "Bundle",
  "type": "collection",
  "entry": [
    {{
      "fullUrl": "https://example.org/fhir/Condition/c1",
      "resource": {{"resourceType": "Condition", "id": "c1", "code": {{"text": "asthma"}}, "onsetAge": {{"value": 12.50}}}}
    }},
    {{
      "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000002",
      "resource": {{"resourceType": "Encounter", "id": "e2", "status": "finished"}}
    }},
    {{
      "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003",
      "resource": {provenance}
    }}
  ]
}}"#
    )
}

fn reports(text: &str, fx: &Fixture, trusted: bool) -> Vec<(String, bool)> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    verify_provenance_signatures(&doc, &fx.options(trusted))
        .into_iter()
        .map(|r| {
            if !r.verified() {
                eprintln!("{}: {:?}", r.signature_pointer, r.report().checks());
            }
            (r.signature_pointer.clone(), r.verified())
        })
        .collect()
}

#[test]
fn single_target_round_trip_and_tamper() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&["Condition/c1"]);
    let signed = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    // Only the Provenance grew: the bytes before it are untouched.
    let cut = text
        .find("\"signature\"")
        .unwrap_or_else(|| text.rfind("\"agent\"").unwrap());
    assert_eq!(&signed[..cut], &text[..cut]);
    assert_eq!(
        reports(&signed, &fx, true),
        vec![("/entry/2/resource/signature/0".to_owned(), true)]
    );
    // Changing the target breaks it.
    let tampered = signed.replace("asthma", "asthmA");
    assert!(!reports(&tampered, &fx, true)[0].1);
    // Number formatting is not content: 12.50 and 12.5 are the same signed bytes.
    let renumbered = signed.replace("12.50", "12.5");
    assert!(reports(&renumbered, &fx, true)[0].1);
}

#[test]
fn several_targets_are_signed_in_target_order() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&[
        "Condition/c1",
        "urn:uuid:00000000-0000-4000-8000-000000000002",
    ]);
    let signed = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    assert!(reports(&signed, &fx, true)[0].1);
    let tampered = signed.replace("\"finished\"", "\"cancelled\"");
    assert!(!reports(&tampered, &fx, true)[0].1);
    // Reordering the targets changes the signed array.
    let doc: serde_json::Value = serde_json::from_str(&signed).unwrap();
    let mut swapped = doc.clone();
    let targets = swapped["entry"][2]["resource"]["target"]
        .as_array_mut()
        .unwrap();
    targets.reverse();
    assert!(!reports(&serde_json::to_string(&swapped).unwrap(), &fx, true)[0].1);
}

#[test]
fn a_second_signature_keeps_the_first_byte_for_byte() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&["Condition/c1"]);
    let once = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    let twice = sign_provenance_in_bundle(&once, "/entry/2/resource", &fx.signer()).unwrap();
    let first_end = once.rfind("\"data\"").unwrap();
    assert_eq!(&twice[..first_end], &once[..first_end]);
    let r = reports(&twice, &fx, true);
    assert_eq!(r.len(), 2);
    assert!(r.iter().all(|(_, ok)| *ok));
}

#[test]
fn unresolvable_or_untrusted_signatures_do_not_pass() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&["Condition/c1"]);
    let signed = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    let gone = signed.replace("\"Condition/c1\"", "\"Condition/zz\"");
    let doc = fhirsig_jcs::parse(gone.as_bytes()).unwrap();
    let result = &verify_provenance_signatures(&doc, &fx.options(false))[0];
    assert_eq!(
        result
            .report()
            .check("targets-resolved")
            .unwrap()
            .outcome()
            .as_str(),
        "fail"
    );
    // Without anchors the signer is not trusted: the value verifies, the signature does not.
    let doc = fhirsig_jcs::parse(signed.as_bytes()).unwrap();
    let result = &verify_provenance_signatures(&doc, &fx.options(false))[0];
    let report = result.report();
    assert_eq!(
        report.check("signature-value").unwrap().outcome().as_str(),
        "pass"
    );
    assert_eq!(
        report.check("certificate-path").unwrap().outcome().as_str(),
        "fail"
    );
    assert!(!result.verified());
}

fn embedded_options() -> EmbeddedOptions {
    EmbeddedOptions {
        profile: Profile::Hrex,
        recorded: Instant::parse("2026-06-01T08:00:00Z").unwrap(),
    }
}

#[test]
fn embedded_signature_and_counter_signature() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&["Condition/c1"]);
    let signed = sign_bundle_embedded(&text, &fx.signer(), &embedded_options()).unwrap();
    assert!(signed.starts_with(&text[..text.rfind("\n  ]").unwrap()]));
    assert!(signed.contains("\"reference\": \"#/\""));
    assert_eq!(
        reports(&signed, &fx, true),
        vec![("/entry/3/resource/signature/0".to_owned(), true)]
    );
    // The built signing Provenance conforms to its profile.
    let doc = fhirsig_jcs::parse(signed.as_bytes()).unwrap();
    let errors: Vec<_> = fhirsig_provenance::check(&doc, None)
        .into_iter()
        .filter(|f| f.severity == fhirsig_provenance::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    // Any change to the Bundle breaks the embedded signature.
    let tampered = signed.replace("\"collection\"", "\"searchset\"");
    assert!(!reports(&tampered, &fx, true)[0].1);

    // A counter-signature targets #/ and the first signing Provenance.
    let counter = sign_bundle_embedded(&signed, &fx.signer(), &embedded_options()).unwrap();
    let r = reports(&counter, &fx, true);
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r.iter().all(|(_, ok)| *ok), "{r:?}");
    let v: serde_json::Value = serde_json::from_str(&counter).unwrap();
    let targets = &v["entry"][4]["resource"]["target"];
    assert_eq!(targets[0]["reference"], "#/");
    assert_eq!(targets[1]["reference"], v["entry"][3]["fullUrl"]);

    // Removing the counter-signed Provenance: the counter-signature no longer verifies.
    let mut removed = v.clone();
    removed["entry"].as_array_mut().unwrap().remove(3);
    let r = reports(&serde_json::to_string(&removed).unwrap(), &fx, true);
    assert_eq!(r.len(), 1);
    assert!(!r[0].1);

    // Changing the first signing Provenance breaks the counter-signature only.
    let mut changed = v;
    changed["entry"][3]["resource"]["recorded"] = serde_json::json!("2026-06-01T09:00:00Z");
    let r = reports(&serde_json::to_string(&changed).unwrap(), &fx, true);
    assert_eq!(
        r.iter().map(|(_, ok)| *ok).collect::<Vec<_>>(),
        vec![true, false]
    );
}

#[test]
fn embedded_signing_needs_on_behalf_of_for_a_practitioner() {
    let fx = Fixture::new();
    let mut signer = fx.signer();
    signer.on_behalf_of = None;
    let text = bundle_with_provenance(&["Condition/c1"]);
    let err = sign_bundle_embedded(&text, &signer, &embedded_options()).unwrap_err();
    assert!(err.to_string().contains("provenance-1"), "{err}");
}

#[test]
fn a_shared_certificate_cache_reports_exactly_what_a_fresh_one_does() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&["Condition/c1"]);
    let signed = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    let tampered = signed.replace("asthma", "asthmA");
    let shared = fx.options(true);
    for input in [&signed, &tampered, &signed] {
        let doc = fhirsig_jcs::parse(input.as_bytes()).unwrap();
        let fresh = verify_provenance_signatures(&doc, &fx.options(true));
        let warm = verify_provenance_signatures(&doc, &shared);
        let render = |results: &[fhirsig_core::fhir::SignatureVerification]| {
            results
                .iter()
                .map(|r| (r.report().clone(), r.verified(), r.payload_sha256.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(render(&fresh), render(&warm));
    }
    assert_eq!(shared.certificates.len(), 1, "one chain, parsed once");
    // A clone of the options shares the cache.
    let clone = shared.clone();
    assert_eq!(clone.certificates.len(), 1);
}

#[test]
fn a_changed_signer_identity_or_a_duplicated_target_does_not_verify() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&["https://example.org/fhir/Condition/c1"]);
    let signed = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    assert!(reports(&signed, &fx, true)[0].1);

    // Signature.who names another NPI: the value still verifies, the identity does not.
    let other = signed.replacen("\"value\": \"1234567893\"", "\"value\": \"1111111111\"", 1);
    assert_ne!(other, signed);
    let doc = fhirsig_jcs::parse(other.as_bytes()).unwrap();
    let result = &verify_provenance_signatures(&doc, &fx.options(true))[0];
    assert!(!result.verified());
    let report = result.report();
    assert_eq!(
        report.check("signature-value").unwrap().outcome().as_str(),
        "pass"
    );
    assert_eq!(
        report.check("signer-identity").unwrap().outcome().as_str(),
        "fail"
    );

    // A second entry with the target's fullUrl, after it: the target is ambiguous.
    let copy = r#"{"fullUrl": "https://example.org/fhir/Condition/c1", "resource": {"resourceType": "Condition", "id": "c9", "code": {"text": "changed"}}},
    {
      "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003""#;
    let duplicated = signed.replacen(
        r#"{
      "fullUrl": "urn:uuid:00000000-0000-4000-8000-000000000003""#,
        copy,
        1,
    );
    assert_ne!(duplicated, signed);
    let doc = fhirsig_jcs::parse(duplicated.as_bytes()).unwrap();
    let result = &verify_provenance_signatures(&doc, &fx.options(true))[0];
    assert!(!result.verified());
    let check = result.report().check("targets-resolved").unwrap();
    assert!(check.message().contains("names 2 entries"), "{check}");
}

#[test]
fn a_provenance_signature_states_what_it_covers() {
    let fx = Fixture::new();
    let text = bundle_with_provenance(&[
        "Condition/c1",
        "urn:uuid:00000000-0000-4000-8000-000000000002",
    ]);
    let signed = sign_provenance_in_bundle(&text, "/entry/2/resource", &fx.signer()).unwrap();
    let doc = fhirsig_jcs::parse(signed.as_bytes()).unwrap();
    let result = &verify_provenance_signatures(&doc, &fx.options(true))[0];
    assert!(result.verified(), "{}", result.report());
    assert_eq!(
        result.coverage.signed,
        ["/entry/0/resource", "/entry/1/resource"]
    );
    // Every leaf of a target is covered: changing any one fails; the Bundle's own members and
    // the Provenance are not covered by this signature, and changing its entry's fullUrl
    // (not a target member) keeps it verified.
    let value: serde_json::Value = serde_json::from_str(&signed).unwrap();
    for (pointer, leaf) in [
        ("/entry/0/resource/code/text", serde_json::json!("asthmA")),
        ("/entry/0/resource/onsetAge/value", serde_json::json!(13)),
        ("/entry/1/resource/status", serde_json::json!("planned")),
    ] {
        assert!(result.coverage.covers(pointer));
        let mut changed = value.clone();
        *changed.pointer_mut(pointer).unwrap() = leaf;
        let r = reports(&serde_json::to_string(&changed).unwrap(), &fx, true);
        assert!(!r[0].1, "{pointer} is covered");
    }
    let mut changed = value.clone();
    *changed.pointer_mut("/type").unwrap() = serde_json::json!("searchset");
    assert!(!result.coverage.covers("/type"));
    let r = reports(&serde_json::to_string(&changed).unwrap(), &fx, true);
    assert!(r[0].1, "the Bundle type is not a target");
}
