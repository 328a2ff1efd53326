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

const PBES2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
];
const SCRYPT: &[u8] = &[
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b,
];
const AES_256_CBC: &[u8] = &[
    0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a,
];

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
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/key-files/"
    );
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
    // Refused by its size (read from the DER header), which is decided before any arithmetic;
    // tests never assert timings.
    let result = open_no_panic(&der, "unused");
    assert_eq!(result, Err(KeyError::RsaKeyTooLarge { bits: 32100 }));
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

const DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01,
];
const ENCRYPTED_DATA: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06,
];
const KEY_BAG: &[u8] = &[
    0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x0c, 0x0a, 0x01, 0x01,
];
const PBKDF2: &[u8] = &[
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c,
];
const HMAC_SHA256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x09];

/// The tests/fixtures/key-files leaf P-256 key as PKCS#8 DER.
const LEAF_P256_PKCS8: &str = "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420c0710f705ed2b92c5429fe1786af17302bc4db09004e137e639271deb05fb77aa144034200047e6cef7921d7616df4107fe2adf14b944986c32a19b44b488d7efd77306b1acffb830e69e6f4faedf8e32915da6f8e58ebba6ec78dfeed4f985589c865c245df";

/// An `encryptedData` ContentInfo holding an empty SafeContents (`30 00`), encrypted with
/// PBES2 { PBKDF2-HMAC-SHA256 { salt 07×8, `iterations` }, AES-256-CBC iv 09×16 } under "pw"
/// (ciphertext made with Python's hashlib.pbkdf2_hmac and `openssl enc`, for 1 iteration).
fn empty_encrypted_part() -> Vec<u8> {
    let kdf = seq(&[
        PBKDF2,
        &seq(&[
            &octets(&[7; 8]),
            &int(1),
            &seq(&[HMAC_SHA256, &[0x05, 0x00]]),
        ]),
    ]);
    let cipher = seq(&[AES_256_CBC, &octets(&[9; 16])]);
    let algorithm = seq(&[PBES2, &seq(&[&kdf, &cipher])]);
    let ciphertext = tlv(0x80, &hex("96b8a98484ce566843dfd87a64368506"));
    let eci = seq(&[DATA, &algorithm, &ciphertext]);
    seq(&[ENCRYPTED_DATA, &tlv(0xa0, &seq(&[&int(0), &eci]))])
}

/// A PFX without a MAC: `parts` encrypted empty SafeContents, then a plain key bag.
fn pfx_with_encrypted_parts(parts: usize) -> Vec<u8> {
    let key_bag = seq(&[KEY_BAG, &tlv(0xa0, &hex(LEAF_P256_PKCS8))]);
    let key_part = seq(&[DATA, &tlv(0xa0, &octets(&seq(&[&key_bag])))]);
    let mut infos = Vec::new();
    for _ in 0..parts {
        infos.extend(empty_encrypted_part());
    }
    infos.extend(key_part);
    let auth_safe = tlv(0x30, &infos);
    seq(&[&int(3), &seq(&[DATA, &tlv(0xa0, &octets(&auth_safe))])])
}

/// keys/pkcs12.rs `open` decrypts every ContentInfo of the authenticated safe, and only bags
/// count towards MAX_PKCS12_BAGS: an encrypted part holding an empty SafeContents costs one
/// full key derivation and counts nothing. Each part may carry up to MAX_ITERATIONS
/// (10,000,000) PBKDF2 iterations (or a 256 MiB, p = 16 scrypt) and takes ~150 bytes, so a
/// 1 MB file with its password costs ~7,000 maximal derivations (hours of CPU), although each
/// derivation is "within the limit". Here 1,000 cheap parts before the key open without
/// complaint. Expected: the number of password-based decryptions per file is bounded (e.g.
/// by MAX_PKCS12_BAGS).
#[test]
fn pkcs12_encrypted_parts_are_bounded_in_number() {
    // The construction is sound: with one part the file opens.
    open_no_panic(&pfx_with_encrypted_parts(1), "pw").unwrap();
    let result = open_no_panic(&pfx_with_encrypted_parts(1000), "pw");
    assert!(
        matches!(
            result,
            Err(KeyError::Pkcs12 { .. } | KeyError::EncryptionLimit { .. })
        ),
        "1,000 encrypted parts: {result:?}"
    );
}
