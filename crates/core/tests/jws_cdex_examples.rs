//! The RS256 signatures of the CDex IG examples (`shared/vectors/cdex`) are reproduced byte for
//! byte from the published example keys, and verify with the `x5c[0]` certificate's key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use base64::Engine;
use fhirsig_core::jws::{
    self, AlgorithmPolicy, CompactJws, SigningKey, VerifyingKey, CDEX_VERIFICATION_COMMITMENT,
};
use serde_json::Value;

const QR_SIGNATURE_URL: &str =
    "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature";

/// `(example file, derived payload file, key folder)` for every example that verifies.
const EXAMPLES: [(&str, &str, &str); 4] = [
    (
        "cdex-searchbundle-digital-sig-example.json",
        "cdex-searchbundle-digital-sig-example.payload.jcs.json",
        "example_org_cert",
    ),
    (
        "cdex-document-digital-sig-example.json",
        "cdex-document-digital-sig-example.payload.jcs.json",
        "example_provider_cert",
    ),
    (
        "cdex-parameters-example2.json",
        "cdex-parameters-example2.bundle.payload.jcs.json",
        "example_provider_cert",
    ),
    (
        "cdex-questionnaireresponse-example4.json",
        "cdex-questionnaireresponse-example4.payload.jcs.json",
        "example_provider_cert",
    ),
];

fn read(path: &str) -> Vec<u8> {
    let full = common::vectors("cdex").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The `Signature` element of an example.
fn signature_element(example: &Value) -> &Value {
    match example["resourceType"].as_str().unwrap() {
        "Bundle" => &example["signature"],
        "QuestionnaireResponse" => {
            let ext = example["extension"].as_array().unwrap();
            let sig = ext.iter().find(|e| e["url"] == QR_SIGNATURE_URL).unwrap();
            &sig["valueSignature"]
        }
        "Parameters" => {
            let params = example["parameter"].as_array().unwrap();
            let attachment = params.iter().find(|p| p["name"] == "Attachment").unwrap();
            let parts = attachment["part"].as_array().unwrap();
            let content = parts.iter().find(|p| p["name"] == "Content").unwrap();
            signature_element(&content["resource"])
        }
        other => panic!("unexpected example type {other}"),
    }
}

/// The detached compact JWS carried in `Signature.data` (standard base64 of its ASCII text).
fn compact_jws(example_file: &str) -> String {
    let example: Value = serde_json::from_slice(&read(example_file)).unwrap();
    let data = signature_element(&example)["data"].as_str().unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .unwrap();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn signatures_are_reproduced_byte_for_byte_and_verify() {
    for (example, payload_file, key_dir) in EXAMPLES {
        let text = compact_jws(example);
        let received = CompactJws::parse(&text).unwrap_or_else(|e| panic!("{example}: {e}"));
        assert!(received.is_detached(), "{example}");
        let payload = read(&format!("derived/{payload_file}"));

        // Re-sign the received header bytes with the published private key.
        let key = SigningKey::from_pem(&read(&format!("keys/{key_dir}/private-key.pem"))).unwrap();
        let header_json = received.header().json().as_bytes();
        let ours = jws::sign_detached(header_json, &payload, &key).unwrap();
        assert_eq!(ours, text, "{example}: re-signed JWS differs");

        // Verify with the key of x5c[0], which is the published certificate.
        let x5c = received.header().x5c().unwrap();
        let cert_key = VerifyingKey::from_certificate_der(&x5c[0]).unwrap();
        let pem_key =
            VerifyingKey::from_certificate_pem(&read(&format!("keys/{key_dir}/cert.pem"))).unwrap();
        assert_eq!(
            cert_key, pem_key,
            "{example}: x5c[0] is not the published certificate"
        );
        jws::verify_detached(&received, &payload, &cert_key, &AlgorithmPolicy::default())
            .unwrap_or_else(|e| panic!("{example}: {e}"));

        // One changed payload byte breaks it.
        let mut tampered = payload.clone();
        tampered[10] ^= 1;
        assert_eq!(
            jws::verify_detached(&received, &tampered, &cert_key, &AlgorithmPolicy::default()),
            Err(jws::JwsError::BadSignature)
        );
    }
}

#[test]
fn example_headers_are_tolerated_as_they_are() {
    let text = compact_jws("cdex-searchbundle-digital-sig-example.json");
    let header = CompactJws::parse(&text).unwrap().header().clone();
    assert_eq!(header.alg(), Some("RS256"));
    assert_eq!(header.typ(), Some("JWT"));
    assert_eq!(header.sig_t(), Some("2020-10-23T04:54:56.048+00:00"));
    assert!(header.sig_t_instant().is_some());
    let sr_cms = header.sr_cms().unwrap();
    assert_eq!(sr_cms[0].id(), CDEX_VERIFICATION_COMMITMENT);
    assert_eq!(sr_cms[0].desc(), Some("Verification Signature"));
    assert_eq!(
        sr_cms[0].qualifiers(),
        ["\"Verification of medical record integrity\"".to_owned()]
    );
    assert!(header
        .other_members()
        .iter()
        .any(|(name, raw)| name == "kty" && raw == "\"RS\""));
    assert_eq!(header.crit(), None);
}
