//! RFC 7515 Appendix A, the RFC 7520 cookbook (including 4.5 detached content) and the RFC 8037
//! Ed25519 example, from `shared/vectors/jose`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use fhirsig_core::jws::{
    self, Algorithm, AlgorithmPolicy, CompactJws, JsonJws, JwsError, SigningKey, VerifyingKey,
};
use serde_json::Value;

fn all() -> AlgorithmPolicy {
    AlgorithmPolicy::all_supported()
}

fn rfc7515() -> Value {
    common::json("jose/rfc7515-appendix-a", "rfc7515_appendix_a.json")["examples"].clone()
}

fn cookbook(file: &str) -> Value {
    common::json("jose/rfc7520-cookbook", file)
}

fn public_key(jwk: &Value) -> VerifyingKey {
    VerifyingKey::from_jwk(jwk.to_string().as_bytes()).unwrap()
}

#[test]
fn rfc7515_a2_rs256_verifies_and_resigns_identically() {
    let ex = &rfc7515()["A.2"];
    let compact = CompactJws::parse(ex["compact"].as_str().unwrap()).unwrap();
    let key = public_key(&ex["jwk"]);
    let payload = jws::verify_attached(&compact, &key, &AlgorithmPolicy::default()).unwrap();
    assert_eq!(payload, ex["payload"].as_str().unwrap().as_bytes());

    // Exact header bytes (with the RFC's CRLF-free JSON) reproduce the signature.
    let signer = SigningKey::from_jwk(ex["jwk"].to_string().as_bytes()).unwrap();
    let header = ex["protected_header_json"].as_str().unwrap().as_bytes();
    let detached = jws::sign_detached(header, payload.as_slice(), &signer).unwrap();
    let expected = format!(
        "{}..{}",
        ex["protected_b64u"].as_str().unwrap(),
        ex["signature_b64u"].as_str().unwrap()
    );
    assert_eq!(detached, expected);
}

#[test]
fn rfc7515_a3_es256_verifies() {
    let ex = &rfc7515()["A.3"];
    let compact = CompactJws::parse(ex["compact"].as_str().unwrap()).unwrap();
    jws::verify_attached(
        &compact,
        &public_key(&ex["jwk"]),
        &AlgorithmPolicy::default(),
    )
    .unwrap();
}

#[test]
fn rfc7515_a4_es512_is_reported_unsupported() {
    let ex = &rfc7515()["A.4"];
    let compact = CompactJws::parse(ex["compact"].as_str().unwrap()).unwrap();
    // ring has no P-521: the key does not load and the algorithm is unknown to the policy.
    assert!(VerifyingKey::from_jwk(ex["jwk"].to_string().as_bytes()).is_err());
    let key = public_key(&rfc7515()["A.3"]["jwk"]);
    assert_eq!(
        jws::verify_attached(&compact, &key, &all()),
        Err(JwsError::UnknownAlgorithm {
            alg: "ES512".into()
        })
    );
}

#[test]
fn rfc7515_a1_hs256_and_a5_none_are_refused_distinctly() {
    let ex = rfc7515();
    let key = public_key(&ex["A.3"]["jwk"]);
    let hs = CompactJws::parse(ex["A.1"]["compact"].as_str().unwrap()).unwrap();
    assert_eq!(
        jws::verify_attached(&hs, &key, &all()),
        Err(JwsError::MacAlgorithm {
            alg: "HS256".into()
        })
    );
    let none = CompactJws::parse(ex["A.5"]["compact"].as_str().unwrap()).unwrap();
    assert_eq!(
        jws::verify_attached(&none, &key, &all()),
        Err(JwsError::AlgorithmNone)
    );
}

#[test]
fn rfc7515_a6_general_and_a7_flattened_json() {
    let ex = rfc7515();
    let rsa = public_key(&ex["A.2"]["jwk"]);
    let ec = public_key(&ex["A.3"]["jwk"]);
    let general = JsonJws::parse(&ex["A.6"]["json"].to_string()).unwrap();
    assert_eq!(general.signatures().len(), 2);
    general.verify_attached(0, &rsa, &all()).unwrap();
    general.verify_attached(1, &ec, &all()).unwrap();
    assert_eq!(
        general.verify_attached(1, &rsa, &all()),
        Err(JwsError::KeyAlgorithmMismatch {
            alg: Algorithm::Es256,
            key: rsa.kind()
        })
    );
    let flat = JsonJws::parse(&ex["A.7"]["json"].to_string()).unwrap();
    flat.verify_attached(0, &ec, &all()).unwrap();
}

#[test]
fn rfc7520_4_1_rs256_all_serializations_and_resign() {
    let case = cookbook("jws/4_1.rsa_v15_signature.json");
    let key = public_key(&case["input"]["key"]);
    let compact = CompactJws::parse(case["output"]["compact"].as_str().unwrap()).unwrap();
    let payload = jws::verify_attached(&compact, &key, &AlgorithmPolicy::default()).unwrap();
    assert_eq!(
        payload,
        case["input"]["payload"].as_str().unwrap().as_bytes()
    );
    for form in ["json", "json_flat"] {
        let json = JsonJws::parse(&case["output"][form].to_string()).unwrap();
        json.verify_attached(0, &key, &AlgorithmPolicy::default())
            .unwrap();
    }
    // Re-signing with the exact protected header reproduces the deterministic signature.
    let signer = SigningKey::from_jwk(case["input"]["key"].to_string().as_bytes()).unwrap();
    let header_json = jws_header_json(&case["signing"]["protected_b64u"]);
    let detached = jws::sign_detached(&header_json, &payload, &signer).unwrap();
    assert_eq!(
        detached,
        format!(
            "{}..{}",
            case["signing"]["protected_b64u"].as_str().unwrap(),
            case["signing"]["sig"].as_str().unwrap()
        )
    );
}

fn jws_header_json(b64u: &Value) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(b64u.as_str().unwrap())
        .unwrap()
}

#[test]
fn rfc7520_4_2_ps384_verifies_when_allowed() {
    let case = cookbook("jws/4_2.rsa-pss_signature.json");
    let key = public_key(&case["input"]["key"]);
    let compact = CompactJws::parse(case["output"]["compact"].as_str().unwrap()).unwrap();
    jws::verify_attached(&compact, &key, &AlgorithmPolicy::only(Algorithm::Ps384)).unwrap();
    // PS384 is not in the default policy.
    assert_eq!(
        jws::verify_attached(&compact, &key, &AlgorithmPolicy::default()),
        Err(JwsError::AlgorithmNotAllowed {
            alg: Algorithm::Ps384
        })
    );
}

#[test]
fn rfc7520_4_3_es512_is_unknown() {
    let case = cookbook("jws/4_3.ecdsa_signature.json");
    let compact = CompactJws::parse(case["output"]["compact"].as_str().unwrap()).unwrap();
    let key = public_key(&rfc7515()["A.3"]["jwk"]);
    assert_eq!(
        jws::verify_attached(&compact, &key, &all()),
        Err(JwsError::UnknownAlgorithm {
            alg: "ES512".into()
        })
    );
}

#[test]
fn rfc7520_4_4_hs256_is_refused() {
    let case = cookbook("jws/4_4.hmac-sha2_integrity_protection.json");
    let compact = CompactJws::parse(case["output"]["compact"].as_str().unwrap()).unwrap();
    let key = public_key(&rfc7515()["A.3"]["jwk"]);
    assert!(matches!(
        jws::verify_attached(&compact, &key, &all()),
        Err(JwsError::MacAlgorithm { .. })
    ));
}

/// 4.5 is HS256, which the verifier refuses; the detached splice itself is checked here by
/// recomputing the HMAC over the reconstructed signing input.
#[test]
fn rfc7520_4_5_detached_content() {
    let case = cookbook("jws/4_5.signature_with_detached_content.json");
    let payload = case["input"]["payload"].as_str().unwrap().as_bytes();
    let compact = CompactJws::parse(case["output"]["compact"].as_str().unwrap()).unwrap();
    assert!(compact.is_detached());
    assert_eq!(compact.embedded_payload_b64u(), None);
    let input = compact.signing_input(payload);
    assert_eq!(input, case["signing"]["sig-input"].as_str().unwrap());

    let secret = jws_header_json(&case["input"]["key"]["k"]);
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret),
        input.as_bytes(),
    );
    assert_eq!(mac.as_ref(), compact.signature());

    let key = public_key(&rfc7515()["A.3"]["jwk"]);
    assert!(matches!(
        jws::verify_detached(&compact, payload, &key, &all()),
        Err(JwsError::MacAlgorithm { .. })
    ));
    // The JSON forms without `payload` are detached too.
    for form in ["json", "json_flat"] {
        let json = JsonJws::parse(&case["output"][form].to_string()).unwrap();
        assert!(json.is_detached());
        assert!(matches!(
            json.verify_detached(0, payload, &key, &all()),
            Err(JwsError::MacAlgorithm { .. })
        ));
    }
}

#[test]
fn rfc7520_4_8_multiple_signatures() {
    let case = cookbook("jws/4_8.multiple_signatures.json");
    let keys = case["input"]["key"].as_array().unwrap();
    let rsa = public_key(&keys[0]);
    let json = JsonJws::parse(&case["output"]["json"].to_string()).unwrap();
    assert_eq!(json.signatures().len(), 3);
    json.verify_attached(0, &rsa, &all()).unwrap();
    // ES512 in an unprotected header, and HS256: both refused.
    assert!(matches!(
        json.verify_attached(1, &rsa, &all()),
        Err(JwsError::UnknownAlgorithm { .. })
    ));
    assert!(matches!(
        json.verify_attached(2, &rsa, &all()),
        Err(JwsError::MacAlgorithm { .. })
    ));
}

#[test]
fn rfc8037_ed25519_signs_identically_and_verifies() {
    let case = cookbook("curve25519/jws.json");
    let jwk = case["input"]["key"].to_string();
    let signer = SigningKey::from_jwk(jwk.as_bytes()).unwrap();
    assert_eq!(signer.default_algorithm(), Algorithm::EdDsa);
    let payload = case["input"]["payload"].as_str().unwrap().as_bytes();
    let detached = jws::sign_detached(br#"{"alg":"EdDSA"}"#, payload, &signer).unwrap();
    assert_eq!(
        detached,
        format!(
            "{}..{}",
            case["signing"]["protected_b64u"].as_str().unwrap(),
            case["signing"]["sig"].as_str().unwrap()
        )
    );
    let key = VerifyingKey::from_jwk(jwk.as_bytes()).unwrap();
    let compact = CompactJws::parse(case["output"]["compact"].as_str().unwrap()).unwrap();
    assert_eq!(
        jws::verify_attached(&compact, &key, &AlgorithmPolicy::default()).unwrap(),
        payload
    );
    JsonJws::parse(&case["output"]["json"].to_string())
        .unwrap()
        .verify_attached(0, &key, &AlgorithmPolicy::default())
        .unwrap();
}
