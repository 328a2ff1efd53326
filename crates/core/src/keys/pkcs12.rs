//! PKCS#12 (RFC 7292) files: the integrity MAC, the authenticated safe with its plain and
//! password-encrypted parts, key bags and certificate bags. DER only, as `openssl pkcs12
//! -export` writes; public-key-protected safes (EnvelopedData) and SignedData are refused.

use der::{Decode, Encode};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use zeroize::Zeroizing;

use super::{limits, pbe, Password};
use crate::der_reader::{self as asn1, oid_text, Reader};
use crate::jws::{KeyError, SigningKey, VerifyingKey};

const DATA: &str = "1.2.840.113549.1.7.1";
const ENCRYPTED_DATA: &str = "1.2.840.113549.1.7.6";
const KEY_BAG: &str = "1.2.840.113549.1.12.10.1.1";
const SHROUDED_KEY_BAG: &str = "1.2.840.113549.1.12.10.1.2";
const CERT_BAG: &str = "1.2.840.113549.1.12.10.1.3";
const SAFE_CONTENTS_BAG: &str = "1.2.840.113549.1.12.10.1.6";
const X509_CERTIFICATE: &str = "1.2.840.113549.1.9.22.1";
/// Nested SafeContents bags deeper than this are refused.
const MAX_NESTING: usize = 4;

fn bad(reason: impl Into<String>) -> KeyError {
    KeyError::Pkcs12 {
        reason: reason.into(),
    }
}

fn malformed(what: &'static str) -> impl Fn(asn1::Malformed) -> KeyError {
    move |_| {
        bad(format!(
            "malformed {what} (or BER encoding; re-export the file with `openssl pkcs12`)"
        ))
    }
}

/// `SEQUENCE { INTEGER 3, SEQUENCE { OID, … } … }`.
pub(super) fn looks_like_pfx(der: &[u8]) -> bool {
    let mut outer = Reader::new(der);
    let Ok(body) = outer.read(asn1::SEQUENCE) else {
        return false;
    };
    let mut pfx = Reader::new(body);
    pfx.read(asn1::INTEGER).is_ok_and(|v| v == [3]) && pfx.peek_tag() == Some(asn1::SEQUENCE)
}

/// Opens a PFX: checks its MAC, decrypts its parts, and returns its one private key with the
/// certificate chain of that key (leaf first).
pub(super) fn open(
    der: &[u8],
    password: &Password,
) -> Result<(SigningKey, Vec<Vec<u8>>), KeyError> {
    let mut outer = Reader::new(der);
    let mut pfx = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed("PFX"))?);
    pfx.read(asn1::INTEGER).map_err(malformed("PFX version"))?;
    let auth_safe = data_content(pfx.read(asn1::SEQUENCE).map_err(malformed("authSafe"))?)?;
    // Without a MAC (`openssl pkcs12 -nomac`) only the decryption tells a wrong password.
    if let Some(mac_data) = pfx
        .read_optional(asn1::SEQUENCE)
        .map_err(malformed("macData"))?
    {
        check_mac(mac_data, auth_safe, password)?;
    }
    let mut bags = Bags::default();
    let mut safes = Reader::new(
        Reader::new(auth_safe)
            .read(asn1::SEQUENCE)
            .map_err(malformed("AuthenticatedSafe"))?,
    );
    while !safes.is_empty() {
        let info = safes
            .read(asn1::SEQUENCE)
            .map_err(malformed("ContentInfo"))?;
        let contents = content(info, password, &mut bags.decryptions)?;
        bags.read_safe_contents(&contents, password, 0)?;
    }
    let key = match bags.keys.len() {
        1 => bags.keys.remove(0),
        0 => return Err(bad("the file holds no private key")),
        n => {
            return Err(bad(format!(
                "the file holds {n} private keys; fhirsig needs exactly one"
            )))
        }
    };
    let chain = chain_for(&key, &bags.certificates);
    Ok((key, chain))
}

/// The content of a `ContentInfo` whose type is `data`: the OCTET STRING inside `[0]`.
fn data_content(info: &[u8]) -> Result<&[u8], KeyError> {
    let mut reader = Reader::new(info);
    let oid = oid_text(
        reader
            .read(asn1::OID)
            .map_err(malformed("ContentInfo type"))?,
    );
    if oid != DATA {
        return Err(bad(format!(
            "the authenticated safe is of type {oid}; only password integrity (data) is supported"
        )));
    }
    let explicit = reader
        .read(asn1::CONTEXT_0)
        .map_err(malformed("ContentInfo content"))?;
    Reader::new(explicit)
        .read(asn1::OCTET_STRING)
        .map_err(malformed("data OCTET STRING"))
}

/// A SafeContents DER from one ContentInfo of the authenticated safe: as is for `data`,
/// decrypted for `encryptedData`.
fn content(
    info: &[u8],
    password: &Password,
    decryptions: &mut usize,
) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut reader = Reader::new(info);
    let oid = oid_text(
        reader
            .read(asn1::OID)
            .map_err(malformed("ContentInfo type"))?,
    );
    match oid.as_str() {
        DATA => Ok(Zeroizing::new(data_content(info)?.to_vec())),
        ENCRYPTED_DATA => {
            let explicit = reader
                .read(asn1::CONTEXT_0)
                .map_err(malformed("encryptedData"))?;
            let mut data = Reader::new(
                Reader::new(explicit)
                    .read(asn1::SEQUENCE)
                    .map_err(malformed("EncryptedData"))?,
            );
            data.read(asn1::INTEGER)
                .map_err(malformed("EncryptedData version"))?;
            let mut eci = Reader::new(
                data.read(asn1::SEQUENCE)
                    .map_err(malformed("EncryptedContentInfo"))?,
            );
            eci.read(asn1::OID)
                .map_err(malformed("EncryptedContentInfo type"))?;
            let (_, _, algorithm) = eci
                .read_element()
                .map_err(malformed("encryption algorithm"))?;
            // encryptedContent [0] IMPLICIT OCTET STRING, primitive in DER.
            let ciphertext = eci.read(0x80).map_err(malformed("encryptedContent"))?;
            count_decryption(decryptions)?;
            pbe::decrypt(algorithm, password.expose(), ciphertext)
        }
        other => Err(bad(format!(
            "a part of type {other} (public-key encrypted?) is not supported"
        ))),
    }
}

/// RFC 7292 section 5: HMAC over the authenticated safe with a key from the PKCS#12 KDF.
fn check_mac(mac_data: &[u8], auth_safe: &[u8], password: &Password) -> Result<(), KeyError> {
    let mut reader = Reader::new(mac_data);
    let mut digest_info = Reader::new(reader.read(asn1::SEQUENCE).map_err(malformed("MacData"))?);
    let mut algorithm = Reader::new(
        digest_info
            .read(asn1::SEQUENCE)
            .map_err(malformed("MAC algorithm"))?,
    );
    let oid = oid_text(
        algorithm
            .read(asn1::OID)
            .map_err(malformed("MAC algorithm"))?,
    );
    let expected = digest_info
        .read(asn1::OCTET_STRING)
        .map_err(malformed("MAC value"))?;
    let salt = reader
        .read(asn1::OCTET_STRING)
        .map_err(malformed("MAC salt"))?;
    let rounds = match reader
        .read_optional(asn1::INTEGER)
        .map_err(malformed("MAC iterations"))?
    {
        Some(value) => pbe::iteration_count(value)?,
        None => 1,
    };
    let pass = password.expose();
    let kdf_error = |_| KeyError::Malformed {
        what: "password (not representable as a BMPString)",
    };
    let (algorithm, key) = match oid.as_str() {
        "1.3.14.3.2.26" => (
            ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
            derive_key_utf8::<sha1::Sha1>(pass, salt, Pkcs12KeyType::Mac, rounds, 20),
        ),
        "2.16.840.1.101.3.4.2.1" => (
            ring::hmac::HMAC_SHA256,
            derive_key_utf8::<sha2::Sha256>(pass, salt, Pkcs12KeyType::Mac, rounds, 32),
        ),
        "2.16.840.1.101.3.4.2.2" => (
            ring::hmac::HMAC_SHA384,
            derive_key_utf8::<sha2::Sha384>(pass, salt, Pkcs12KeyType::Mac, rounds, 48),
        ),
        "2.16.840.1.101.3.4.2.3" => (
            ring::hmac::HMAC_SHA512,
            derive_key_utf8::<sha2::Sha512>(pass, salt, Pkcs12KeyType::Mac, rounds, 64),
        ),
        other => {
            return Err(KeyError::UnsupportedEncryption {
                scheme: format!("a PKCS#12 MAC with OID {other}"),
            })
        }
    };
    let key = Zeroizing::new(key.map_err(kdf_error)?);
    ring::hmac::verify(&ring::hmac::Key::new(algorithm, &key), auth_safe, expected)
        .map_err(|_| KeyError::WrongPassword)
}

/// Counts one password-based decryption against [`limits::MAX_PKCS12_DECRYPTIONS`].
fn count_decryption(decryptions: &mut usize) -> Result<(), KeyError> {
    *decryptions += 1;
    if *decryptions > limits::MAX_PKCS12_DECRYPTIONS {
        return Err(KeyError::EncryptionLimit {
            reason: format!(
                "more than {} encrypted parts and keys in one PKCS#12 file",
                limits::MAX_PKCS12_DECRYPTIONS
            ),
        });
    }
    Ok(())
}

#[derive(Default)]
struct Bags {
    keys: Vec<SigningKey>,
    certificates: Vec<Vec<u8>>,
    count: usize,
    decryptions: usize,
}

impl Bags {
    fn read_safe_contents(
        &mut self,
        der: &[u8],
        password: &Password,
        depth: usize,
    ) -> Result<(), KeyError> {
        if depth > MAX_NESTING {
            return Err(bad("SafeContents nested too deeply"));
        }
        let mut bags = Reader::new(
            Reader::new(der)
                .read(asn1::SEQUENCE)
                .map_err(malformed("SafeContents"))?,
        );
        while !bags.is_empty() {
            self.count += 1;
            if self.count > limits::MAX_PKCS12_BAGS {
                return Err(bad(format!(
                    "more than {} bags in the file",
                    limits::MAX_PKCS12_BAGS
                )));
            }
            let mut bag = Reader::new(bags.read(asn1::SEQUENCE).map_err(malformed("SafeBag"))?);
            let bag_id = oid_text(bag.read(asn1::OID).map_err(malformed("SafeBag type"))?);
            let value = bag
                .read(asn1::CONTEXT_0)
                .map_err(malformed("SafeBag value"))?;
            match bag_id.as_str() {
                KEY_BAG => self.keys.push(SigningKey::from_der(value)?),
                SHROUDED_KEY_BAG => {
                    count_decryption(&mut self.decryptions)?;
                    self.keys.push(super::decrypt_pkcs8(value, password)?);
                }
                CERT_BAG => {
                    let mut cert_bag = Reader::new(
                        Reader::new(value)
                            .read(asn1::SEQUENCE)
                            .map_err(malformed("CertBag"))?,
                    );
                    let cert_type = oid_text(
                        cert_bag
                            .read(asn1::OID)
                            .map_err(malformed("CertBag type"))?,
                    );
                    let explicit = cert_bag
                        .read(asn1::CONTEXT_0)
                        .map_err(malformed("CertBag value"))?;
                    if cert_type == X509_CERTIFICATE {
                        let cert = Reader::new(explicit)
                            .read(asn1::OCTET_STRING)
                            .map_err(malformed("x509Certificate"))?;
                        self.certificates.push(cert.to_vec());
                    }
                }
                SAFE_CONTENTS_BAG => self.read_safe_contents(value, password, depth + 1)?,
                // CRL and secret bags carry nothing a signer needs.
                _ => {}
            }
        }
        Ok(())
    }
}

/// The certificate of `key` and its issuers among `certificates`, leaf first; empty when no
/// certificate holds the key.
fn chain_for(key: &SigningKey, certificates: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let public = key.verifying_key().to_jwk();
    let names = |der: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
        let cert = x509_cert::Certificate::from_der(der).ok()?;
        let tbs = cert.tbs_certificate();
        Some((tbs.subject().to_der().ok()?, tbs.issuer().to_der().ok()?))
    };
    let Some(leaf) = certificates
        .iter()
        .find(|der| VerifyingKey::from_certificate_der(der).is_ok_and(|k| k.to_jwk() == public))
    else {
        return Vec::new();
    };
    let mut chain = vec![leaf.clone()];
    while chain.len() < certificates.len() {
        let Some((subject, issuer)) = chain.last().and_then(|c| names(c)) else {
            break;
        };
        if subject == issuer {
            break; // self-issued: the root
        }
        let next = certificates
            .iter()
            .find(|der| !chain.contains(der) && names(der).is_some_and(|(s, _)| s == issuer));
        match next {
            Some(der) => chain.push(der.clone()),
            None => break,
        }
    }
    chain
}
