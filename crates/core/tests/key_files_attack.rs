//! Attack pass on `fhirsig_core::keys` and the RSA any-size path: crafted key files that must be
//! refused with a typed error, quickly, and without a panic.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::panic::{catch_unwind, AssertUnwindSafe};

use fhirsig_core::jws::KeyError;
use fhirsig_core::keys::{open_key_file, Password};

/// A DER TLV with a definite (short or long form) length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(u8::try_from(len).unwrap());
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .iter()
            .copied()
            .skip_while(|&b| b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap());
        out.extend(bytes);
    }
    out.extend(content);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// A DER INTEGER of a non-negative value.
fn int(value: u64) -> Vec<u8> {
    let mut bytes: Vec<u8> = value
        .to_be_bytes()
        .iter()
        .copied()
        .skip_while(|&b| b == 0)
        .collect();
    if bytes.first().is_none_or(|&b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    tlv(0x02, &bytes)
}

const PBES2: &[u8] = &[0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d];
const SCRYPT: &[u8] = &[0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b];
const AES_256_CBC: &[u8] = &[0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a];

/// `EncryptedPrivateKeyInfo` with PBES2 { scrypt { salt, N, r, p }, aes256-CBC }.
fn scrypt_pkcs8(n: u64, r: u64, p: u64) -> Vec<u8> {
    let kdf = seq(&[SCRYPT, &seq(&[&octets(&[7; 8]), &int(n), &int(r), &int(p)])]);
    let cipher = seq(&[AES_256_CBC, &octets(&[9; 16])]);
    let algorithm = seq(&[PBES2, &seq(&[&kdf, &cipher])]);
    seq(&[&algorithm, &octets(&[0; 32])])
}

fn open_no_panic(der: &[u8], password: &str) -> Result<(), KeyError> {
    let password = Password::new(password.to_owned());
    match catch_unwind(AssertUnwindSafe(|| open_key_file(der, Some(&password)))) {
        Ok(result) => result.map(|_| ()),
        Err(panic) => {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("open_key_file panicked: {text}")
        }
    }
}

/// scrypt N = 0 passes fhirsig's memory check (128·0·r = 0) and reaches `pkcs5`, whose
/// conversion to `scrypt::Params` computes `64 - leading_zeros(0) - 1` (an underflow: a panic
/// in debug, `expect("should always fit")` in release). A crafted encrypted key file must be
/// refused, not crash the signer.
#[test]
fn scrypt_cost_zero_is_refused_without_a_panic() {
    let err = open_no_panic(&scrypt_pkcs8(0, 8, 1), "pw").unwrap_err();
    assert!(
        matches!(
            err,
            KeyError::EncryptionLimit { .. }
                | KeyError::UnsupportedEncryption { .. }
                | KeyError::Malformed { .. }
        ),
        "{err:?}"
    );
}


fn fixture(name: &str) -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/key-files/");
    std::fs::read(format!("{path}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// RSA keys whose modulus is not a multiple of 512 bits go to `rsa_any_size`, which has no upper
/// bound: `rsa::PrivateKey::from_components` (validation, CRT precomputation) and the load-time
/// probe signature run on a modulus of any size before anything notices that ring verifies only
/// up to 8,192 bits. The cost grows about six-fold per doubling of the size (8,300 bits: 0.17 s,
/// 16,100: 0.8 s, 32,100: 5 s measured), so an unencrypted 100 KB key file (or JWK) holds the
/// signer for many minutes. The fixture is a crafted 32,100-bit PKCS#1 key (made by
/// attack-rsa.py, factors not prime). Expected: refused by its size, before any arithmetic.
#[test]
fn oversized_rsa_key_is_refused_before_any_arithmetic() {
    let der = fixture("attack-rsa-32100.der");
    let start = std::time::Instant::now();
    let result = open_no_panic(&der, "unused");
    let elapsed = start.elapsed();
    assert!(result.is_err());
    assert!(
        elapsed < std::time::Duration::from_secs(1),
        "a 32,100-bit RSA key took {elapsed:?} to refuse ({result:?})"
    );
}
