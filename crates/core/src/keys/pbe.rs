//! Password-based decryption: PBES2 (RFC 8018 section 6.2, PBKDF2 or scrypt with AES-CBC or
//! 3DES-CBC) and the PKCS#12 PBE schemes (RFC 7292 Appendix C: SHA-1 KDF with 3DES or RC2),
//! each bounded by [`super::limits`] before any key is derived.

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockCipherDecrypt, BlockModeDecrypt, InnerIvInit, KeyInit};
use der::Decode;
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use zeroize::Zeroizing;

use super::limits;
use crate::der_reader::{self as asn1, oid_text, Reader};
use crate::jws::KeyError;

const PBES2: &str = "1.2.840.113549.1.5.13";
const PKCS12_PBE_PREFIX: &str = "1.2.840.113549.1.12.1.";

/// Decrypts `ciphertext` with the scheme of the DER `AlgorithmIdentifier` `algorithm`.
pub(super) fn decrypt(
    algorithm: &[u8],
    password: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let malformed = |_| KeyError::Malformed {
        what: "encryption AlgorithmIdentifier",
    };
    let mut outer = Reader::new(algorithm);
    let mut alg = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
    let oid = oid_text(alg.read(asn1::OID).map_err(malformed)?);
    if oid == PBES2 {
        return pbes2(algorithm, password, ciphertext);
    }
    if let Some(variant) = oid.strip_prefix(PKCS12_PBE_PREFIX) {
        let params = alg.read(asn1::SEQUENCE).map_err(malformed)?;
        return pkcs12_pbe(variant, params, password, ciphertext);
    }
    Err(KeyError::UnsupportedEncryption {
        scheme: scheme_name(&oid),
    })
}

fn pbes2(
    algorithm: &[u8],
    password: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    check_des_iv(algorithm)?;
    let scheme = pkcs5::EncryptionScheme::from_der(algorithm).map_err(|e| {
        KeyError::UnsupportedEncryption {
            scheme: format!("PBES2 with parameters fhirsig does not take ({e})"),
        }
    })?;
    let params = scheme.pbes2().ok_or(KeyError::Malformed {
        what: "PBES2 parameters",
    })?;
    if let Some(pbkdf2) = params.kdf.pbkdf2() {
        check_iterations(u64::from(pbkdf2.iteration_count))?;
    }
    if let Some(scrypt) = params.kdf.scrypt() {
        let (n, r, p) = (
            scrypt.cost_parameter,
            u64::from(scrypt.block_size),
            u64::from(scrypt.parallelization),
        );
        // RFC 7914 section 2: N a power of two greater than 1, r and p at least 1 (`pkcs5`
        // computes log2(N) unchecked).
        if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
            return Err(KeyError::Malformed {
                what: "scrypt parameters (N must be a power of 2 above 1, r and p at least 1)",
            });
        }
        let memory = 128u64.saturating_mul(n).saturating_mul(r);
        if memory > limits::MAX_SCRYPT_MEMORY || p > limits::MAX_SCRYPT_PARALLELISM {
            return Err(KeyError::EncryptionLimit {
                reason: format!(
                    "scrypt N={n} r={r} p={p} needs {memory} bytes (limit {}, p at most {})",
                    limits::MAX_SCRYPT_MEMORY,
                    limits::MAX_SCRYPT_PARALLELISM
                ),
            });
        }
    }
    scheme
        .decrypt(password.as_bytes(), ciphertext)
        .map(Zeroizing::new)
        .map_err(|e| match e {
            pkcs5::Error::DecryptFailed => KeyError::WrongPassword,
            other => KeyError::UnsupportedEncryption {
                scheme: format!("PBES2 ({other})"),
            },
        })
}

/// A DES or 3DES IV must be one block: checked here because `pkcs5` slices it unchecked.
fn check_des_iv(algorithm: &[u8]) -> Result<(), KeyError> {
    const DES_CBC: &str = "1.3.14.3.2.7";
    const DES_EDE3_CBC: &str = "1.2.840.113549.3.7";
    let malformed = |_| KeyError::Malformed {
        what: "PBES2 parameters",
    };
    let mut outer = Reader::new(algorithm);
    let mut alg = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
    alg.read(asn1::OID).map_err(malformed)?;
    let mut params = Reader::new(alg.read(asn1::SEQUENCE).map_err(malformed)?);
    params.read(asn1::SEQUENCE).map_err(malformed)?; // the KDF
    let mut scheme = Reader::new(params.read(asn1::SEQUENCE).map_err(malformed)?);
    let oid = oid_text(scheme.read(asn1::OID).map_err(malformed)?);
    if oid == DES_CBC || oid == DES_EDE3_CBC {
        let iv = scheme.read(asn1::OCTET_STRING).map_err(malformed)?;
        if iv.len() != 8 {
            return Err(KeyError::Malformed {
                what: "PBES2 DES IV (must be 8 octets)",
            });
        }
    }
    Ok(())
}

/// RFC 7292 Appendix C: `pbeWithSHAAnd3-KeyTripleDES-CBC` (.3), `…2-KeyTripleDES-CBC` (.4),
/// `…128BitRC2-CBC` (.5) and `…40BitRC2-CBC` (.6). The RC4 variants (.1, .2) are refused.
fn pkcs12_pbe(
    variant: &str,
    params: &[u8],
    password: &str,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let malformed = |_| KeyError::Malformed {
        what: "PKCS#12 PBE parameters",
    };
    let mut reader = Reader::new(params);
    let salt = reader.read(asn1::OCTET_STRING).map_err(malformed)?;
    let rounds = iteration_count(reader.read_unsigned().map_err(malformed)?)?;
    let derive = |id, len| {
        derive_key_utf8::<sha1::Sha1>(password, salt, id, rounds, len).map_err(|_| {
            KeyError::Malformed {
                what: "password (not representable as a BMPString)",
            }
        })
    };
    let iv = Zeroizing::new(derive(Pkcs12KeyType::Iv, 8)?);
    let plain = match variant {
        "3" => {
            let key = Zeroizing::new(derive(Pkcs12KeyType::EncryptionKey, 24)?);
            cbc_decrypt(des::TdesEde3::new_from_slice(&key), &iv, ciphertext)
        }
        "4" => {
            let key = Zeroizing::new(derive(Pkcs12KeyType::EncryptionKey, 16)?);
            cbc_decrypt(des::TdesEde2::new_from_slice(&key), &iv, ciphertext)
        }
        "5" | "6" => {
            let bytes = if variant == "5" { 16 } else { 5 };
            let key = Zeroizing::new(derive(Pkcs12KeyType::EncryptionKey, bytes)?);
            let rc2 = rc2::Rc2::new_with_eff_key_len(&key, bytes * 8);
            cbc_decrypt(Ok(rc2), &iv, ciphertext)
        }
        _ => {
            return Err(KeyError::UnsupportedEncryption {
                scheme: scheme_name(&format!("{PKCS12_PBE_PREFIX}{variant}")),
            })
        }
    };
    plain.map(Zeroizing::new)
}

fn cbc_decrypt<C: BlockCipherDecrypt + Clone>(
    cipher: Result<C, cbc::cipher::InvalidLength>,
    iv: &[u8],
    ciphertext: &[u8],
) -> Result<Vec<u8>, KeyError> {
    let invalid = |_| KeyError::Malformed {
        what: "cipher key or IV length",
    };
    let mode =
        cbc::Decryptor::<C>::inner_iv_slice_init(cipher.map_err(invalid)?, iv).map_err(invalid)?;
    // Bad padding after decryption is what a wrong password almost always gives.
    mode.decrypt_padded_vec::<Pkcs7>(ciphertext)
        .map_err(|_| KeyError::WrongPassword)
}

/// An iteration count as the PKCS#12 KDF takes it, within [`limits::MAX_ITERATIONS`].
pub(super) fn iteration_count(integer: &[u8]) -> Result<i32, KeyError> {
    if integer.first().is_some_and(|&b| b & 0x80 != 0) {
        return Err(KeyError::Malformed {
            what: "iteration count (negative)",
        });
    }
    if integer.len() > 8 {
        return Err(over_limit(u64::MAX));
    }
    let value = integer
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    check_iterations(value)?;
    i32::try_from(value).map_err(|_| over_limit(value))
}

fn check_iterations(value: u64) -> Result<(), KeyError> {
    if value == 0 || value > limits::MAX_ITERATIONS {
        return Err(over_limit(value));
    }
    Ok(())
}

fn over_limit(value: u64) -> KeyError {
    KeyError::EncryptionLimit {
        reason: format!(
            "iteration count {value} (between 1 and {} are accepted)",
            limits::MAX_ITERATIONS
        ),
    }
}

/// A readable name for the encryption OIDs that are refused.
fn scheme_name(oid: &str) -> String {
    let name = match oid {
        "1.2.840.113549.1.12.1.1" => "pbeWithSHAAnd128BitRC4",
        "1.2.840.113549.1.12.1.2" => "pbeWithSHAAnd40BitRC4",
        "1.2.840.113549.1.5.3" => "PBES1 pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.10" => "PBES1 pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.6" => "PBES1 pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.11" => "PBES1 pbeWithSHA1AndRC2-CBC",
        _ => return format!("OID {oid}"),
    };
    format!("{name} ({oid})")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap
mod tests {
    use super::*;

    /// PBES2 { PBKDF2 { salt, 2048 }, des-ede3-cbc with a 4-octet IV }.
    fn pbes2_with_des_iv(iv: &[u8]) -> Vec<u8> {
        let pbkdf2 = [
            &[0x30, 0x1b, 0x06, 0x09][..],
            &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0c],
            &[
                0x30, 0x0e, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x02, 0x02, 0x08, 0x00,
            ],
        ]
        .concat();
        let des_oid = [0x06, 0x08, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x03, 0x07];
        let mut scheme = des_oid.to_vec();
        scheme.extend([0x04, u8::try_from(iv.len()).unwrap()]);
        scheme.extend(iv);
        let mut scheme_seq = vec![0x30, u8::try_from(scheme.len()).unwrap()];
        scheme_seq.extend(scheme);
        let mut params = pbkdf2;
        params.extend(scheme_seq);
        let mut params_seq = vec![0x30, u8::try_from(params.len()).unwrap()];
        params_seq.extend(params);
        let mut body = vec![
            0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d,
        ];
        body.extend(params_seq);
        let mut alg = vec![0x30, u8::try_from(body.len()).unwrap()];
        alg.extend(body);
        alg
    }

    #[test]
    fn short_des_iv_is_refused_not_sliced() {
        let err = decrypt(&pbes2_with_des_iv(&[1, 2, 3, 4]), "pw", &[0; 16]).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }), "{err}");
        // A well-formed IV reaches the decryption, whose padding check fails.
        let err = decrypt(&pbes2_with_des_iv(&[1; 8]), "pw", &[0; 16]).unwrap_err();
        assert_eq!(err, KeyError::WrongPassword);
    }

    #[test]
    fn iteration_counts_are_bounded() {
        assert!(iteration_count(&[0x08, 0x00]).is_ok());
        assert!(matches!(
            iteration_count(&[0x7f, 0xff, 0xff, 0xff]),
            Err(KeyError::EncryptionLimit { .. })
        ));
        assert!(matches!(
            iteration_count(&[0]),
            Err(KeyError::EncryptionLimit { .. })
        ));
        assert!(matches!(
            iteration_count(&[1; 9]),
            Err(KeyError::EncryptionLimit { .. })
        ));
        assert!(matches!(
            iteration_count(&[0xff]),
            Err(KeyError::Malformed { .. })
        ));
    }
}
