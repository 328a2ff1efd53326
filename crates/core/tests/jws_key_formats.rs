//! Keys written by the OpenSSL command line (`tests/fixtures/keys/generate.sh`) load in every
//! format, sign, and verify with the matching SubjectPublicKeyInfo.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use fhirsig_core::jws::{
    self, Algorithm, AlgorithmPolicy, CompactJws, HeaderBuilder, KeyError, KeyKind, SigningKey,
    VerifyingKey,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = common::repo_tests_dir().join("fixtures/keys").join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "key fixture {} is missing ({e}); run tests/fixtures/keys/generate.sh",
            path.display()
        )
    })
}

fn load(name: &str) -> SigningKey {
    let bytes = fixture(name);
    let key = if name.ends_with(".der") {
        SigningKey::from_der(&bytes)
    } else {
        SigningKey::from_pem(&bytes)
    };
    key.unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn public(stem: &str) -> VerifyingKey {
    let pem = VerifyingKey::from_spki_pem(&fixture(&format!("{stem}.spki.pem"))).unwrap();
    let der = VerifyingKey::from_spki_der(&fixture(&format!("{stem}.spki.der"))).unwrap();
    assert_eq!(pem, der);
    pem
}

/// Signs with every algorithm the key can do and verifies with the SPKI key.
fn round_trip(name: &str, stem: &str, kind: KeyKind, default: Algorithm) {
    let key = load(name);
    assert_eq!(key.kind(), kind, "{name}");
    assert_eq!(key.default_algorithm(), default, "{name}");
    let spki = public(stem);
    assert_eq!(
        key.verifying_key(),
        &spki,
        "{name}: public key differs from the SPKI file"
    );
    let payload = b"{\"resourceType\":\"Bundle\"}";
    for &alg in key.algorithms() {
        let header = HeaderBuilder::new(alg).build().unwrap();
        let jws = CompactJws::parse(&jws::sign_detached(&header, payload, &key).unwrap()).unwrap();
        jws::verify_detached(&jws, payload, &spki, &AlgorithmPolicy::all_supported())
            .unwrap_or_else(|e| panic!("{name} {alg}: {e}"));
    }
    // Debug output never shows key material.
    let debug = format!("{key:?}");
    assert!(
        debug.starts_with("SigningKey") && debug.len() < 60,
        "{debug}"
    );
}

#[test]
fn pkcs8_pem_and_der() {
    for ext in ["pem", "der"] {
        round_trip(
            &format!("ec-p256.pkcs8.{ext}"),
            "ec-p256",
            KeyKind::EcP256,
            Algorithm::Es256,
        );
        round_trip(
            &format!("ec-p384.pkcs8.{ext}"),
            "ec-p384",
            KeyKind::EcP384,
            Algorithm::Es384,
        );
        let rsa = KeyKind::Rsa { bits: 2048 };
        round_trip(
            &format!("rsa-2048.pkcs8.{ext}"),
            "rsa-2048",
            rsa,
            Algorithm::Rs256,
        );
        round_trip(
            &format!("ed25519.pkcs8.{ext}"),
            "ed25519",
            KeyKind::Ed25519,
            Algorithm::EdDsa,
        );
    }
}

#[test]
fn sec1_pem_and_der() {
    for ext in ["pem", "der"] {
        round_trip(
            &format!("ec-p256.sec1.{ext}"),
            "ec-p256",
            KeyKind::EcP256,
            Algorithm::Es256,
        );
        round_trip(
            &format!("ec-p384.sec1.{ext}"),
            "ec-p384",
            KeyKind::EcP384,
            Algorithm::Es384,
        );
    }
}

#[test]
fn ec_keys_without_embedded_public_point() {
    for stem in ["ec-p256", "ec-p384"] {
        let kind = if stem == "ec-p256" {
            KeyKind::EcP256
        } else {
            KeyKind::EcP384
        };
        let alg = if stem == "ec-p256" {
            Algorithm::Es256
        } else {
            Algorithm::Es384
        };
        round_trip(&format!("{stem}.sec1-nopub.pem"), stem, kind, alg);
        round_trip(&format!("{stem}.pkcs8-nopub.pem"), stem, kind, alg);
    }
}

#[test]
fn pkcs1_pem_and_der() {
    for ext in ["pem", "der"] {
        let rsa = KeyKind::Rsa { bits: 2048 };
        round_trip(
            &format!("rsa-2048.pkcs1.{ext}"),
            "rsa-2048",
            rsa,
            Algorithm::Rs256,
        );
    }
}

#[test]
fn encrypted_pem_is_refused_with_advice() {
    // Encrypted PKCS#8 needs its password (fhirsig_core::keys opens it with one).
    let err = SigningKey::from_pem(&fixture("rsa-2048.pkcs8-encrypted.pem")).unwrap_err();
    assert_eq!(err, KeyError::Encrypted);
    assert!(err.to_string().contains("no password was given"));
    // The pre-PKCS#8 OpenSSL encryption is refused with the command that converts it.
    let err = SigningKey::from_pem(&fixture("rsa-2048.pkcs1-encrypted.pem")).unwrap_err();
    assert_eq!(err, KeyError::LegacyPemEncryption);
    assert!(err
        .to_string()
        .contains("openssl pkcs8 -topk8 -v2 aes-256-cbc"));
}

#[test]
fn public_key_pem_is_not_a_private_key() {
    assert!(matches!(
        SigningKey::from_pem(&fixture("ec-p256.spki.pem")),
        Err(KeyError::UnexpectedPemLabel { .. })
    ));
}

#[test]
fn jwk_round_trip_of_public_keys() {
    for stem in ["ec-p256", "ec-p384", "rsa-2048", "ed25519"] {
        let spki = public(stem);
        let jwk = spki.to_jwk();
        assert_eq!(
            VerifyingKey::from_jwk(jwk.as_bytes()).unwrap(),
            spki,
            "{stem}: {jwk}"
        );
    }
}

/// Found by the `key_parse` fuzz target: an RSA key whose CRT exponent `dq` does not belong to
/// its primes used to load and then fail every signature; it is refused when it is read.
#[test]
fn rsa_key_with_inconsistent_crt_values_is_refused_at_load() {
    let mut jwk = common::json("jose/rfc7520-cookbook", "jwk/3_4.rsa_private_key.json");
    assert!(SigningKey::from_jwk(jwk.to_string().as_bytes()).is_ok());
    let dq = jwk["dq"].as_str().unwrap().to_owned();
    let (head, tail) = dq.split_at(dq.len() - 4);
    let changed = if tail.starts_with('A') { "B" } else { "A" };
    jwk["dq"] = serde_json::Value::String(format!("{head}{changed}{}", &tail[1..]));
    let err = SigningKey::from_jwk(jwk.to_string().as_bytes()).unwrap_err();
    assert!(matches!(err, KeyError::Rejected { .. }), "{err}");
    assert!(
        err.to_string().contains("inconsistent RSA private key"),
        "{err}"
    );

    // The same for PKCS#1 DER: the last bytes of the structure are `qInv`'s.
    let mut der = fixture("rsa-2048.pkcs1.der");
    let last = der.len() - 1;
    der[last] ^= 0x01;
    assert!(matches!(
        SigningKey::from_der(&der),
        Err(KeyError::Rejected { .. })
    ));
}
