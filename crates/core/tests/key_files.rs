//! Key files made by the `openssl` command line (tests/fixtures/key-files/generate.sh): PKCS#12
//! (default and -legacy), encrypted PKCS#8 (PBKDF2/AES, scrypt, PBKDF2-SHA1/3DES) and an RSA key
//! ring does not sign with. Each must open with its password, sign, and verify with the key of
//! its certificate; wrong or missing passwords and damaged files must fail with typed errors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use fhirsig_core::jws::{self, Algorithm, AlgorithmPolicy, CompactJws, HeaderBuilder, KeyError};
use fhirsig_core::jws::{KeyKind, Signer, SigningKey, VerifyingKey};
use fhirsig_core::keys::{detect_format, open_key_file, KeyFileFormat, OpenedKey, Password};
use fhirsig_core::trust::certificates_from_pem;

fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/key-files/"
    );
    std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn password() -> Password {
    let text = String::from_utf8(fixture("password.txt")).unwrap();
    Password::new(text.trim_end_matches('\n').to_owned())
}

fn cert_der(name: &str) -> Vec<u8> {
    let pem = fixture(name);
    certificates_from_pem(&[&pem]).unwrap()[0].der().to_vec()
}

fn open(name: &str) -> OpenedKey {
    open_key_file(&fixture(name), Some(&password())).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Signs a detached JWS with `key` and verifies it with the certificate's public key.
fn signs_for_certificate(key: &dyn Signer, cert: &str, alg: Algorithm) {
    let header = HeaderBuilder::new(alg).build().unwrap();
    let payload = b"{\"resourceType\":\"Bundle\"}";
    let jws_text = jws::sign_detached(&header, payload, key).unwrap();
    let public = VerifyingKey::from_certificate_der(&cert_der(cert)).unwrap();
    let parsed = CompactJws::parse(&jws_text).unwrap();
    jws::verify_detached(&parsed, payload, &public, &AlgorithmPolicy::all_supported())
        .unwrap_or_else(|e| panic!("{cert} {alg}: {e}"));
    // And not over other bytes.
    assert!(
        jws::verify_detached(&parsed, b"{}", &public, &AlgorithmPolicy::all_supported()).is_err()
    );
}

#[test]
fn pkcs12_default_and_legacy_open_with_their_chain() {
    let ca = cert_der("ca.cert.pem");
    for (file, cert, kind) in [
        ("leaf-p256.p12", "leaf-p256.cert.pem", KeyKind::EcP256),
        (
            "leaf-p256.legacy.p12",
            "leaf-p256.cert.pem",
            KeyKind::EcP256,
        ),
        (
            "leaf-rsa3072.p12",
            "leaf-rsa3072.cert.pem",
            KeyKind::Rsa { bits: 3072 },
        ),
    ] {
        assert_eq!(
            detect_format(&fixture(file)),
            KeyFileFormat::Pkcs12,
            "{file}"
        );
        let opened = open(file);
        assert_eq!(opened.format, KeyFileFormat::Pkcs12);
        assert_eq!(opened.key.kind(), kind, "{file}");
        assert_eq!(
            opened.chain,
            vec![cert_der(cert), ca.clone()],
            "{file}: leaf, then CA"
        );
        signs_for_certificate(&opened.key, cert, opened.key.default_algorithm());
    }
}

#[test]
fn pkcs12_without_mac_opens_and_a_wrong_password_still_fails() {
    let opened = open("leaf-p256.nomac.p12");
    assert_eq!(opened.chain, vec![cert_der("leaf-p256.cert.pem")]);
    let wrong = Password::new("not-the-password".to_owned());
    assert_eq!(
        open_key_file(&fixture("leaf-p256.nomac.p12"), Some(&wrong)).unwrap_err(),
        KeyError::WrongPassword
    );
}

#[test]
fn encrypted_pkcs8_variants_open() {
    for (file, cert) in [
        ("leaf-p256.aes.pem", "leaf-p256.cert.pem"),
        ("leaf-p256.aes.der", "leaf-p256.cert.pem"),
        ("leaf-p256.des3-sha1.pem", "leaf-p256.cert.pem"),
        ("leaf-rsa3072.scrypt.pem", "leaf-rsa3072.cert.pem"),
    ] {
        assert_eq!(
            detect_format(&fixture(file)),
            KeyFileFormat::EncryptedPkcs8,
            "{file}"
        );
        let opened = open(file);
        assert!(opened.chain.is_empty());
        signs_for_certificate(&opened.key, cert, opened.key.default_algorithm());
    }
}

#[test]
fn wrong_and_missing_passwords_are_typed_errors() {
    let wrong = Password::new("fixture-passwore".to_owned());
    for file in [
        "leaf-p256.p12",
        "leaf-p256.legacy.p12",
        "leaf-p256.aes.pem",
        "leaf-p256.des3-sha1.pem",
        "leaf-rsa3072.scrypt.pem",
    ] {
        let bytes = fixture(file);
        assert_eq!(
            open_key_file(&bytes, None).unwrap_err(),
            KeyError::Encrypted,
            "{file}"
        );
        assert_eq!(
            open_key_file(&bytes, Some(&wrong)).unwrap_err(),
            KeyError::WrongPassword,
            "{file}"
        );
    }
}

#[test]
fn legacy_pem_encryption_and_certificate_only_files_are_refused() {
    assert_eq!(
        open_key_file(&fixture("leaf-p256.legacy-pem.pem"), Some(&password())).unwrap_err(),
        KeyError::LegacyPemEncryption
    );
    let err = open_key_file(&fixture("certs-only.p12"), Some(&password())).unwrap_err();
    assert!(matches!(err, KeyError::Pkcs12 { .. }), "{err}");
    assert!(err.to_string().contains("no private key"));
}

#[test]
fn rsa_2056_signs_every_rsa_algorithm() {
    for file in ["rsa-2056.key.pem", "rsa-2056.pkcs1.pem"] {
        let key = SigningKey::from_pem(&fixture(file)).unwrap();
        assert_eq!(key.kind(), KeyKind::Rsa { bits: 2056 });
        for alg in [
            Algorithm::Rs256,
            Algorithm::Rs384,
            Algorithm::Rs512,
            Algorithm::Ps256,
            Algorithm::Ps384,
            Algorithm::Ps512,
        ] {
            signs_for_certificate(&key, "rsa-2056.cert.pem", alg);
        }
        // RSA signatures are one modulus long: 257 octets for 2056 bits.
        let sig = key.sign_raw(Algorithm::Rs256, b"x").unwrap();
        assert_eq!(sig.len(), 257);
    }
}

#[test]
fn damaged_files_never_panic() {
    // Every single-byte change and every truncation of a PKCS#12 file and an encrypted key:
    // an error (or, where the byte is not covered by the MAC or padding, a key), never a panic.
    for file in ["leaf-p256.p12", "leaf-p256.legacy.p12", "leaf-p256.aes.der"] {
        let original = fixture(file);
        for at in (0..original.len()).step_by(3) {
            let mut bytes = original.clone();
            bytes[at] ^= 0x41;
            let _ = open_key_file(&bytes, Some(&password()));
            let _ = open_key_file(&original[..at], Some(&password()));
        }
    }
}

#[test]
fn password_debug_is_redacted() {
    let text = format!("{:?}", password());
    assert!(!text.contains("fixture"), "{text}");
}
