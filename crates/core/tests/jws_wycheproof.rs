//! Project Wycheproof (C2SP, `shared/vectors/wycheproof/testvectors_v1`) against our verifier.
//!
//! Raw signature suites must agree 100% on `valid`/`invalid`. `acceptable` cases and every case
//! where we knowingly differ from the suite's verdict are listed in the tables below, with the
//! reason; a divergence that is not listed, or a listed one that no longer happens, fails.
//!
//! | file | tcId | suite | ours | reason |
//! |---|---|---|---|---|
//! | rsa_signature_2048_sha256 | 8 | acceptable | invalid | DigestInfo without the NULL parameter; ring accepts only the RFC 8017 encoding |
//! | rsa_signature_3072_sha256 | (each acceptable) | acceptable | invalid | same (missing NULL) |
//! | json_web_signature | 1, 348, 352, 357, 358, 359, 376, 377 | valid | invalid | HS256 MACs: shared-secret algorithms are refused by design |
//! | json_web_signature | 372, 373 | valid | invalid | HS256 and a `?` inside base64url: Tink decodes leniently; RFC 7515 section 2 forbids it, and we refuse HS256 anyway |
//! | json_web_signature | 346, 350 | valid | invalid | token is PS384 but the JWK says `"alg":"PS256"`; RFC 7517 section 4.4 restricts the key to its `alg` (Tink follows the token) |
//! | json_web_signature | 347, 351 | valid | invalid | ES512 (P-521): not implemented by ring, so not supported |
//! | json_web_key | 2, 13, 14, 15 | valid | invalid | HS256/384/512 MACs are refused by design |
//! | json_web_key | 7 | invalid | valid | the RSA key has the ROCA weakness (CVE-2017-15361); detecting ROCA moduli is a key-generation audit, not a signature check, and is out of scope |

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::collections::BTreeSet;

use fhirsig_core::jws::{self, Algorithm, AlgorithmPolicy, CompactJws, VerifyingKey};
use serde_json::Value;

const SUITE: &str = "wycheproof/testvectors_v1";

/// Runs a raw-signature suite; returns the tcIds marked `acceptable` with our verdict.
fn run_raw(file: &str, alg: Algorithm) -> Vec<(u64, bool)> {
    let suite = common::json(SUITE, file);
    let mut acceptable = Vec::new();
    let mut count = 0;
    for group in suite["testGroups"].as_array().unwrap() {
        let der = common::hex(group["publicKeyDer"].as_str().unwrap());
        let key = VerifyingKey::from_spki_der(&der)
            .unwrap_or_else(|e| panic!("{file}: group key does not load: {e}"));
        // The PEM and JWK encodings of the same key load to the same key.
        let pem = VerifyingKey::from_spki_pem(group["publicKeyPem"].as_str().unwrap().as_bytes())
            .unwrap();
        assert_eq!(pem, key, "{file}: PEM and DER keys differ");
        if let Some(jwk) = group.get("publicKeyJwk") {
            let from_jwk = VerifyingKey::from_jwk(jwk.to_string().as_bytes()).unwrap();
            assert_eq!(from_jwk.kind(), key.kind(), "{file}: JWK key differs");
        }
        for test in group["tests"].as_array().unwrap() {
            count += 1;
            let id = test["tcId"].as_u64().unwrap();
            let msg = common::hex(test["msg"].as_str().unwrap());
            let sig = common::hex(test["sig"].as_str().unwrap());
            let ours = key.verify_signature(alg, &msg, &sig).is_ok();
            // Algorithms that sign a digest are also verified from the digest (the route for
            // large payloads): it must give the same verdict on every case.
            if let Some(digest) = jws::SigningInputDigest::of(alg, &msg) {
                let from_digest = key.verify_signature_digest(&digest, &sig).is_ok();
                assert_eq!(from_digest, ours, "{file} tcId {id}: digest route differs");
            }
            match test["result"].as_str().unwrap() {
                "valid" => assert!(ours, "{file} tcId {id} is valid but we reject it"),
                "invalid" => assert!(!ours, "{file} tcId {id} is invalid but we accept it"),
                _ => acceptable.push((id, ours)),
            }
        }
    }
    assert_eq!(
        count,
        suite["numberOfTests"].as_u64().unwrap(),
        "{file}: not every case ran"
    );
    acceptable
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    assert_eq!(
        run_raw("ecdsa_secp256r1_sha256_p1363_test.json", Algorithm::Es256),
        vec![]
    );
}

#[test]
fn ecdsa_p384_sha384_p1363() {
    assert_eq!(
        run_raw("ecdsa_secp384r1_sha384_p1363_test.json", Algorithm::Es384),
        vec![]
    );
}

#[test]
fn rsa_pkcs1_2048_sha256() {
    assert_eq!(
        run_raw("rsa_signature_2048_sha256_test.json", Algorithm::Rs256),
        vec![(8, false)]
    );
}

#[test]
fn rsa_pkcs1_3072_sha256() {
    let acceptable = run_raw("rsa_signature_3072_sha256_test.json", Algorithm::Rs256);
    assert_eq!(acceptable.len(), 1);
    assert!(
        acceptable.iter().all(|(_, ours)| !ours),
        "missing-NULL encodings are refused"
    );
}

#[test]
fn rsa_pss_2048_sha256_mgf1_32() {
    assert_eq!(
        run_raw("rsa_pss_2048_sha256_mgf1_32_test.json", Algorithm::Ps256),
        vec![]
    );
}

#[test]
fn rsa_pss_3072_sha256_mgf1_32() {
    assert_eq!(
        run_raw("rsa_pss_3072_sha256_mgf1_32_test.json", Algorithm::Ps256),
        vec![]
    );
}

/// Every signature of the DER-encoded P-256 suite (the X.509/CMS form) is refused where JOSE
/// needs raw `r||s` — the valid ones included.
#[test]
fn ecdsa_der_signatures_are_refused_for_es256() {
    let suite = common::json(SUITE, "ecdsa_secp256r1_sha256_test.json");
    let mut valid_der = 0;
    for group in suite["testGroups"].as_array().unwrap() {
        let der = common::hex(group["publicKeyDer"].as_str().unwrap());
        let key = VerifyingKey::from_spki_der(&der).unwrap();
        for test in group["tests"].as_array().unwrap() {
            let msg = common::hex(test["msg"].as_str().unwrap());
            let sig = common::hex(test["sig"].as_str().unwrap());
            let result = key.verify_signature(Algorithm::Es256, &msg, &sig);
            assert!(result.is_err(), "tcId {} accepted as ES256", test["tcId"]);
            let digest = jws::SigningInputDigest::of(Algorithm::Es256, &msg).unwrap();
            assert_eq!(
                key.verify_signature_digest(&digest, &sig),
                result,
                "tcId {}: the digest route refuses differently",
                test["tcId"]
            );
            if test["result"] == "valid" {
                valid_der += 1;
                assert!(
                    matches!(result, Err(jws::JwsError::EcdsaSignatureNotRaw { .. })),
                    "tcId {}: {result:?}",
                    test["tcId"]
                );
            }
        }
    }
    assert!(valid_der > 100);
}

/// Loads what a group offers: its `public` JWK (or JWK set), else `private`.
fn group_keys(group: &Value) -> Vec<VerifyingKey> {
    let jwk = group.get("public").unwrap_or(&group["private"]);
    let candidates: Vec<&Value> = match jwk.get("keys") {
        Some(keys) => keys.as_array().unwrap().iter().collect(),
        None => vec![jwk],
    };
    candidates
        .into_iter()
        .filter_map(|k| VerifyingKey::from_jwk(k.to_string().as_bytes()).ok())
        .collect()
}

/// Our verdict: a compact JWS (the API Tink's tests target) that verifies with one of the keys
/// under a policy allowing every implemented algorithm.
fn verdict(text: &str, keys: &[VerifyingKey]) -> bool {
    let Ok(jws) = CompactJws::parse(text) else {
        return false;
    };
    let policy = AlgorithmPolicy::all_supported();
    keys.iter()
        .any(|key| jws::verify_attached(&jws, key, &policy).is_ok())
}

fn divergences(file: &str) -> BTreeSet<u64> {
    let suite = common::json(SUITE, file);
    let mut out = BTreeSet::new();
    let mut count = 0;
    for group in suite["testGroups"].as_array().unwrap() {
        let keys = group_keys(group);
        for test in group["tests"].as_array().unwrap() {
            count += 1;
            let expected = test["result"] == "valid";
            if verdict(test["jws"].as_str().unwrap(), &keys) != expected {
                out.insert(test["tcId"].as_u64().unwrap());
            }
        }
    }
    assert_eq!(count, suite["numberOfTests"].as_u64().unwrap());
    out
}

#[test]
fn json_web_signature_suite() {
    let listed: BTreeSet<u64> = [
        1, 348, 352, 357, 358, 359, 376, 377, 372, 373, 346, 350, 347, 351,
    ]
    .into_iter()
    .collect();
    assert_eq!(divergences("json_web_signature_test.json"), listed);
}

#[test]
fn json_web_key_suite() {
    let listed: BTreeSet<u64> = [2, 13, 14, 15, 7].into_iter().collect();
    assert_eq!(divergences("json_web_key_test.json"), listed);
}
