//! Key files as certificate authorities and `openssl` hand them out: plain PEM/DER/JWK keys,
//! encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`, PBES2 with PBKDF2 or scrypt) and PKCS#12
//! (`.p12`/`.pfx`, modern PBES2/AES and legacy 3DES/RC2 encodings, with the certificate chain).
//!
//! Bytes and a password in, a [`SigningKey`] (and any certificates) out: reading the file and
//! finding the password is the caller's job; this module never touches files or the environment.
//! Every decryption is bounded ([`limits`]) so that a crafted file cannot stall the signer.
//!
//! ```
//! use fhirsig_core::keys::{open_key_file, Password};
//!
//! // A plain PKCS#8 key needs no password (RFC 7515 Appendix A.3's P-256 key as PKCS#8 DER).
//! let jwk = br#"{"kty":"EC","crv":"P-256",
//!     "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!     "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
//!     "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;
//! let opened = open_key_file(jwk, None)?;
//! assert!(opened.chain.is_empty());
//!
//! // An encrypted file without its password is refused with a typed error.
//! let encrypted = b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMAA=\n-----END ENCRYPTED PRIVATE KEY-----\n";
//! assert_eq!(
//!     open_key_file(encrypted, None).unwrap_err(),
//!     fhirsig_core::jws::KeyError::Encrypted
//! );
//! let _ = Password::new("never printed".to_owned());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod limits;
mod pbe;
mod pkcs12;

use std::fmt;

use zeroize::Zeroizing;

use crate::der_reader::{self as asn1, Reader};
use crate::jws::{pem, KeyError, SigningKey};

/// A key file's password. Its memory is wiped when dropped and its `Debug` output is redacted, so
/// it cannot reach a log by accident.
#[derive(Clone)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Wraps a password (without its trailing newline: callers reading a password file strip
    /// exactly one `\n` or `\r\n`).
    pub fn new(text: String) -> Self {
        Self(Zeroizing::new(text))
    }

    /// The password text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// What a key file held: the key and, for PKCS#12, the certificates stored with it.
#[derive(Debug)]
pub struct OpenedKey {
    /// The private key.
    pub key: SigningKey,
    /// DER certificates from the file, the key's own certificate first, then its issuers in
    /// chain order (empty when the file holds none or none certifies the key).
    pub chain: Vec<Vec<u8>>,
    /// The file's format, for messages.
    pub format: KeyFileFormat,
}

/// The formats [`open_key_file`] recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFileFormat {
    /// A private JWK.
    Jwk,
    /// An unencrypted PEM key (PKCS#8, SEC1 or PKCS#1).
    Pem,
    /// An unencrypted DER key (PKCS#8, SEC1 or PKCS#1).
    Der,
    /// Encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`), PEM or DER.
    EncryptedPkcs8,
    /// PKCS#12 (RFC 7292).
    Pkcs12,
}

impl fmt::Display for KeyFileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Jwk => "JWK",
            Self::Pem => "PEM",
            Self::Der => "DER",
            Self::EncryptedPkcs8 => "encrypted PKCS#8",
            Self::Pkcs12 => "PKCS#12",
        })
    }
}

impl KeyFileFormat {
    /// Whether a file of this format needs a password.
    pub fn is_encrypted(self) -> bool {
        matches!(self, Self::EncryptedPkcs8 | Self::Pkcs12)
    }
}

/// Recognises a key file's format by its content (not its name).
pub fn detect_format(bytes: &[u8]) -> KeyFileFormat {
    if bytes.trim_ascii_start().starts_with(b"{") {
        return KeyFileFormat::Jwk;
    }
    if contains(bytes, b"-----BEGIN ") {
        if contains(bytes, b"-----BEGIN ENCRYPTED PRIVATE KEY-----") {
            return KeyFileFormat::EncryptedPkcs8;
        }
        return KeyFileFormat::Pem;
    }
    if pkcs12::looks_like_pfx(bytes) {
        return KeyFileFormat::Pkcs12;
    }
    if looks_like_encrypted_pkcs8(bytes) {
        return KeyFileFormat::EncryptedPkcs8;
    }
    KeyFileFormat::Der
}

/// Opens a key file: recognises its format, decrypts it with `password` when it is encrypted,
/// and returns the key with any certificates the file holds.
///
/// # Errors
/// [`KeyError::Encrypted`] for an encrypted file without a password, [`KeyError::WrongPassword`],
/// [`KeyError::UnsupportedEncryption`], [`KeyError::EncryptionLimit`], [`KeyError::Pkcs12`], and
/// the errors of [`SigningKey::from_pem`], [`SigningKey::from_der`] and
/// [`SigningKey::from_jwk`].
pub fn open_key_file(bytes: &[u8], password: Option<&Password>) -> Result<OpenedKey, KeyError> {
    let format = detect_format(bytes);
    let plain = |key| {
        Ok(OpenedKey {
            key,
            chain: Vec::new(),
            format,
        })
    };
    match format {
        KeyFileFormat::Jwk => plain(SigningKey::from_jwk(bytes)?),
        KeyFileFormat::Pem => plain(SigningKey::from_pem(bytes)?),
        KeyFileFormat::Der => plain(SigningKey::from_der(bytes)?),
        KeyFileFormat::EncryptedPkcs8 => {
            let password = password.ok_or(KeyError::Encrypted)?;
            let der = if contains(bytes, b"-----BEGIN ") {
                pem::first_section_encrypted_allowed(bytes)?.der
            } else {
                bytes.to_vec()
            };
            plain(decrypt_pkcs8(&der, password)?)
        }
        KeyFileFormat::Pkcs12 => {
            let password = password.ok_or(KeyError::Encrypted)?;
            let (key, chain) = pkcs12::open(bytes, password)?;
            Ok(OpenedKey { key, chain, format })
        }
    }
}

/// Decrypts a DER `EncryptedPrivateKeyInfo` (RFC 5958 section 3) and loads the key inside.
///
/// # Errors
/// As [`open_key_file`].
pub fn decrypt_pkcs8(der: &[u8], password: &Password) -> Result<SigningKey, KeyError> {
    let malformed = |_| KeyError::Malformed {
        what: "EncryptedPrivateKeyInfo",
    };
    let mut outer = Reader::new(der);
    let mut info = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
    let (_, _, algorithm) = info.read_element().map_err(malformed)?;
    let ciphertext = info.read(asn1::OCTET_STRING).map_err(malformed)?;
    let plain = pbe::decrypt(algorithm, password.expose(), ciphertext)?;
    // A wrong password that happens to leave valid padding still yields bytes that are not a
    // key: report that as the wrong password, not as a malformed key.
    SigningKey::from_der(&plain).map_err(|e| match e {
        KeyError::Malformed { .. } => KeyError::WrongPassword,
        other => other,
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// `SEQUENCE { SEQUENCE { OID, … }, OCTET STRING }`: an `EncryptedPrivateKeyInfo`, whereas a
/// PKCS#8 `PrivateKeyInfo` starts with its INTEGER version.
fn looks_like_encrypted_pkcs8(der: &[u8]) -> bool {
    let mut outer = Reader::new(der);
    let Ok(body) = outer.read(asn1::SEQUENCE) else {
        return false;
    };
    let mut info = Reader::new(body);
    info.read(asn1::SEQUENCE).is_ok()
        && info.read(asn1::OCTET_STRING).is_ok()
        && info.is_empty()
        && outer.is_empty()
}
