//! For random positions in a Provenance-signed searchset: changing a value the signature covers
//! (inside a target) fails it; changing anything outside the targets keeps it verified, and the
//! reported coverage says it is not covered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use fhirsig_core::fhir::{verify_provenance_signatures, SignatureVerification, VerifyOptions};
use fhirsig_core::jws::SigningKey;
use fhirsig_core::trust::{parse_rfc3339, ChainValidator, TrustAnchors};
use fhirsig_provenance::{sign_provenance_in_bundle, Instant, Reference, SignatureType, Signer};
use fhirsig_testkit::pki;
use proptest::prelude::*;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

const SEARCHSET: &str = r#"{"resourceType":"Bundle","id":"s1","type":"searchset","total":2,
 "link":[{"relation":"self","url":"https://ehr.example.org/fhir/Observation?patient=p1"}],
 "entry":[
  {"fullUrl":"https://ehr.example.org/fhir/Observation/o1","resource":{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"Heart rate"},"valueQuantity":{"value":72.5,"unit":"/min"}},"search":{"mode":"match"}},
  {"fullUrl":"https://ehr.example.org/fhir/Observation/o2","resource":{"resourceType":"Observation","id":"o2","status":"final","code":{"text":"Weight"},"valueQuantity":{"value":81,"unit":"kg"}},"search":{"mode":"match"}},
  {"fullUrl":"urn:uuid:00000000-0000-4000-8000-000000000009","resource":{"resourceType":"Provenance","target":[{"reference":"Observation/o1"},{"reference":"Observation/o2"}],"recorded":"2026-06-01T08:00:00Z","agent":[{"who":{"reference":"Organization/ehr"}}]},"search":{"mode":"include"}}]}"#;

struct Fixture {
    signed: String,
    options: VerifyOptions,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let now = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
        let files: std::collections::HashMap<String, Vec<u8>> =
            pki::generate_test_pki(now, &pki::PkiOptions::default())
                .unwrap()
                .into_iter()
                .collect();
        let der = |name: &str| {
            CertificateDer::from_pem_slice(&files[name])
                .unwrap()
                .to_vec()
        };
        let key = SigningKey::from_pem(&files["leaf-ec.key.pem"]).unwrap();
        let signer = Signer {
            key: &key,
            certificates: vec![der("leaf-ec.cert.pem"), der("intermediate-ca.cert.pem")],
            when: Instant::parse("2026-06-01T08:00:00Z").unwrap(),
            who: Reference::to("Organization/ehr")
                .with_identifier(Some("http://hl7.org/fhir/sid/us-npi"), "1234567893"),
            on_behalf_of: None,
            kind: SignatureType::Verification,
        };
        let signed = sign_provenance_in_bundle(SEARCHSET, "/entry/2/resource", &signer).unwrap();
        let anchors = TrustAnchors::from_pem(&[&files["root-ca.cert.pem"]]).unwrap();
        let at = parse_rfc3339("2026-06-02T00:00:00Z").unwrap();
        Fixture {
            signed,
            options: VerifyOptions::new(ChainValidator::new(anchors), at),
        }
    })
}

fn verify(text: &str) -> Vec<SignatureVerification> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).unwrap();
    verify_provenance_signatures(&doc, &fixture().options)
}

fn leaves(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                leaves(v, format!("{at}/{k}"), out);
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

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn covered_changes_fail_and_others_pass_as_reported(pick in any::<prop::sample::Index>()) {
        let fx = fixture();
        let before = verify(&fx.signed);
        prop_assert!(before[0].verified(), "{}", before[0].report());
        let coverage = &before[0].coverage;
        let value: serde_json::Value = serde_json::from_str(&fx.signed).unwrap();
        let mut all = Vec::new();
        leaves(&value, String::new(), &mut all);
        // The signing Provenance itself (its targets and signature) is what is being verified.
        let candidates: Vec<&String> =
            all.iter().filter(|p| !p.starts_with("/entry/2/resource")).collect();
        let pointer = pick.get(&candidates).as_str();
        let mut changed = value.clone();
        let leaf = changed.pointer_mut(pointer).unwrap();
        let new = match &*leaf {
            serde_json::Value::String(s) => serde_json::json!(format!("{s}x")),
            other => serde_json::json!(other.as_f64().unwrap_or(0.0) + 1.0),
        };
        *leaf = new;
        let after = verify(&changed.to_string());
        let verified = after.first().is_some_and(SignatureVerification::verified);
        if coverage.covers(pointer) {
            prop_assert!(!verified, "{pointer} is covered, yet verified");
        } else if !pointer.ends_with("/fullUrl") && pointer != "/resourceType" {
            // Outside the targets (the Bundle's own members, search modes): not covered, and
            // indeed not signed. What locates the signature or its targets (the root's
            // resourceType, an entry's fullUrl) can make it unfindable instead.
            prop_assert!(verified, "{pointer} is not covered, yet fails: {after:?}");
        }
    }
}
