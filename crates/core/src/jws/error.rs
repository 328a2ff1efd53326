//! Errors of the JWS layer: [`JwsError`] for signatures and headers, [`KeyError`] for key loading.
//!
//! Each rejection rule has its own variant so callers (and reports) can tell them apart; the
//! cryptographic failure itself stays opaque ([`JwsError::BadSignature`]).

use std::fmt;

use super::Algorithm;

/// The kind of a key, as named in errors and by [`super::VerifyingKey::kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyKind {
    /// An RSA key of this many modulus bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// An ECDSA key on NIST P-256 (secp256r1).
    EcP256,
    /// An ECDSA key on NIST P-384 (secp384r1).
    EcP384,
    /// An Ed25519 key (RFC 8037 `OKP`).
    Ed25519,
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rsa { bits } => write!(f, "RSA-{bits}"),
            Self::EcP256 => f.write_str("EC P-256"),
            Self::EcP384 => f.write_str("EC P-384"),
            Self::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

/// Which part of a JWS failed to decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Part {
    /// The protected header (first compact part, or `protected` member).
    ProtectedHeader,
    /// The payload (second compact part, or `payload` member).
    Payload,
    /// The signature (third compact part, or `signature` member).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ProtectedHeader => "protected header",
            Self::Payload => "payload",
            Self::Signature => "signature",
        })
    }
}

/// Why a JWS could not be parsed, produced or verified.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum JwsError {
    /// A compact JWS must have exactly three `.`-separated parts (RFC 7515 section 7.1).
    WrongPartCount {
        /// How many parts were found.
        found: usize,
    },
    /// A part is not unpadded base64url (RFC 7515 section 2): wrong alphabet, padding,
    /// white space, or non-zero unused bits.
    Base64 {
        /// The part that failed.
        part: Part,
    },
    /// The protected header is empty; RFC 7515 section 5.2 step 2 needs a JSON object.
    EmptyProtectedHeader,
    /// A header's JSON is longer than [`MAX_HEADER_LEN`](crate::jws::MAX_HEADER_LEN) bytes.
    HeaderTooLarge {
        /// Its length in bytes (decoded from base64url for the protected header).
        len: usize,
    },
    /// The header is not strict I-JSON (duplicate member, bad UTF-8, …).
    HeaderJson(fhirsig_jcs::ParseError),
    /// The header JSON is not an object.
    HeaderNotObject,
    /// The header has no `alg` member (RFC 7515 section 4.1.1).
    MissingAlgorithm,
    /// A header member has the wrong JSON type or shape.
    HeaderMember {
        /// The member name.
        name: String,
        /// What was expected, in words.
        expected: &'static str,
    },
    /// An `x5c` entry is not standard base64 with padding (RFC 7515 section 4.1.6: base64, not
    /// base64url).
    X5cNotBase64 {
        /// Index of the offending entry.
        index: usize,
    },
    /// `alg` is `none`: an unsecured JWS is never accepted (RFC 7518 section 3.6).
    AlgorithmNone,
    /// `alg` is an HMAC algorithm (`HS256`/`HS384`/`HS512`): shared-secret MACs are refused.
    MacAlgorithm {
        /// The `alg` value.
        alg: String,
    },
    /// `alg` names an algorithm this crate does not implement (for example `ES512`, `NONE`).
    UnknownAlgorithm {
        /// The `alg` value.
        alg: String,
    },
    /// `alg` is implemented but not in the caller's [`super::AlgorithmPolicy`].
    AlgorithmNotAllowed {
        /// The algorithm.
        alg: Algorithm,
    },
    /// The key cannot be used with `alg` (for example an EC key under `RS256`).
    KeyAlgorithmMismatch {
        /// The algorithm asked for.
        alg: Algorithm,
        /// The key's kind.
        key: KeyKind,
    },
    /// The key (a JWK with an `alg` member) is restricted to another algorithm (RFC 7517
    /// section 4.4).
    KeyRestrictedToOtherAlgorithm {
        /// The algorithm asked for.
        alg: Algorithm,
        /// The JWK's `alg` member.
        key_alg: String,
    },
    /// An ECDSA signature is not the JOSE raw `r||s` form of the expected length (RFC 7518
    /// section 3.4); a DER-encoded signature is refused here.
    EcdsaSignatureNotRaw {
        /// Bytes expected (64 for ES256, 96 for ES384).
        expected: usize,
        /// Bytes found.
        found: usize,
    },
    /// `crit` is an empty array (RFC 7515 section 4.1.11 forbids it).
    CritEmpty,
    /// `crit` names an extension this implementation does not understand.
    CritNotUnderstood {
        /// The name.
        name: String,
    },
    /// `crit` names a parameter defined by RFC 7515/7518 itself (for example `alg`).
    CritNamesRegisteredParameter {
        /// The name.
        name: String,
    },
    /// `crit` is not an array of distinct strings that all occur in the header, or it stands
    /// in an unprotected header.
    CritMalformed {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// The compact JWS carries a payload where a detached one (`header..signature`, RFC 7515
    /// Appendix F) was expected. `matches` says whether it equals the supplied payload.
    PayloadNotDetached {
        /// Whether the embedded payload equals the payload given to the verifier.
        matches: bool,
    },
    /// The JWS JSON serialization is malformed (RFC 7515 section 7.2).
    JsonSerialization {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// No signature with this index in a JWS JSON serialization.
    NoSuchSignature {
        /// The index asked for.
        index: usize,
    },
    /// The signature does not verify.
    BadSignature,
    /// A signing input given to verify does not start with the signature's own header text.
    SigningInputMismatch,
    /// The signing operation failed inside the crypto library.
    SigningFailed,
    /// A key problem surfaced while signing or verifying.
    Key(KeyError),
    /// The key's holder (a PKCS#11 token, a remote service) could not sign.
    KeySource {
        /// What failed, in the holder's terms (never key material or a PIN).
        reason: String,
    },
}

impl fmt::Display for JwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongPartCount { found } => {
                write!(f, "a compact JWS has 3 parts separated by '.', found {found}")
            }
            Self::Base64 { part } => write!(f, "the {part} is not unpadded base64url"),
            Self::EmptyProtectedHeader => f.write_str("the protected header is empty"),
            Self::HeaderTooLarge { len } => write!(
                f,
                "the header is {len} bytes of JSON, more than the {} a header may have",
                crate::jws::MAX_HEADER_LEN
            ),
            Self::HeaderJson(e) => write!(f, "the protected header is not strict JSON: {e}"),
            Self::HeaderNotObject => f.write_str("the protected header is not a JSON object"),
            Self::MissingAlgorithm => f.write_str("the header has no \"alg\""),
            Self::HeaderMember { name, expected } => {
                write!(f, "header member \"{name}\" must be {expected}")
            }
            Self::X5cNotBase64 { index } => write!(
                f,
                "x5c[{index}] is not standard base64 with padding (x5c uses base64, not base64url)"
            ),
            Self::AlgorithmNone => f.write_str("alg \"none\" (unsecured JWS) is never accepted"),
            Self::MacAlgorithm { alg } => {
                write!(f, "alg \"{alg}\" is a shared-secret MAC; only signatures are accepted")
            }
            Self::UnknownAlgorithm { alg } => write!(f, "alg \"{alg}\" is not supported"),
            Self::AlgorithmNotAllowed { alg } => {
                write!(f, "alg \"{alg}\" is not allowed by the verification policy")
            }
            Self::KeyAlgorithmMismatch { alg, key } => {
                write!(f, "a {key} key cannot be used with alg \"{alg}\"")
            }
            Self::KeyRestrictedToOtherAlgorithm { alg, key_alg } => {
                write!(f, "the key is for alg \"{key_alg}\", not \"{alg}\"")
            }
            Self::EcdsaSignatureNotRaw { expected, found } => write!(
                f,
                "ECDSA signature has {found} bytes; JOSE needs the raw r||s form of {expected} bytes (DER is not accepted)"
            ),
            Self::CritEmpty => f.write_str("\"crit\" must not be empty"),
            Self::CritNotUnderstood { name } => {
                write!(f, "\"crit\" lists \"{name}\", which is not understood")
            }
            Self::CritNamesRegisteredParameter { name } => write!(
                f,
                "\"crit\" lists \"{name}\", a parameter defined by RFC 7515/7518"
            ),
            Self::CritMalformed { reason } => write!(f, "\"crit\" is malformed: {reason}"),
            Self::PayloadNotDetached { matches } => write!(
                f,
                "the JWS carries its payload instead of a detached one ({} the given payload)",
                if *matches { "equal to" } else { "different from" }
            ),
            Self::JsonSerialization { reason } => {
                write!(f, "malformed JWS JSON serialization: {reason}")
            }
            Self::NoSuchSignature { index } => write!(f, "no signature at index {index}"),
            Self::BadSignature => f.write_str("signature does not verify"),
            Self::SigningInputMismatch => f.write_str(
                "the signing input does not start with this signature's protected header",
            ),
            Self::SigningFailed => f.write_str("signing failed"),
            Self::Key(e) => write!(f, "key: {e}"),
            Self::KeySource { reason } => write!(f, "the key source could not sign: {reason}"),
        }
    }
}

impl std::error::Error for JwsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::HeaderJson(e) => Some(e),
            Self::Key(e) => Some(e),
            _ => None,
        }
    }
}

impl From<KeyError> for JwsError {
    fn from(e: KeyError) -> Self {
        Self::Key(e)
    }
}

/// Why a key could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The PEM text has no `-----BEGIN …-----` / `-----END …-----` section, or its body is not
    /// base64.
    PemMalformed,
    /// A PEM section with a label this loader does not take here.
    UnexpectedPemLabel {
        /// The label found.
        label: String,
    },
    /// The key is encrypted (`ENCRYPTED PRIVATE KEY`, a PKCS#12 file) and no password was given;
    /// see [`crate::keys`].
    Encrypted,
    /// The key uses the pre-PKCS#8 OpenSSL encryption (`Proc-Type: 4,ENCRYPTED` in a PEM
    /// header), which has no integrity check and a weak key derivation.
    LegacyPemEncryption,
    /// The password does not open the file: a PKCS#12 MAC that does not match, or a decryption
    /// whose padding or contents are not a key.
    WrongPassword,
    /// The file is encrypted with a scheme this crate does not decrypt.
    UnsupportedEncryption {
        /// The scheme's name or OID.
        scheme: String,
    },
    /// The encryption parameters are outside the limits (an iteration count or a scrypt cost
    /// that would take minutes or gigabytes: a crafted file must not stall the signer).
    EncryptionLimit {
        /// Which parameter, with its value and the limit.
        reason: String,
    },
    /// A PKCS#12 file that does not hold exactly one private key, or whose structure is not
    /// RFC 7292.
    Pkcs12 {
        /// What is wrong.
        reason: String,
    },
    /// The DER structure is not a key of the expected format.
    Malformed {
        /// What was being read.
        what: &'static str,
    },
    /// The key's algorithm (OID or JWK `kty`) is not one this crate uses.
    UnsupportedKeyType {
        /// The OID, `kty` or label.
        name: String,
    },
    /// The EC curve is not P-256 or P-384 (or the OKP curve is not Ed25519).
    UnsupportedCurve {
        /// The curve's OID or JWK `crv`.
        name: String,
    },
    /// RSA keys must have at least 2048 bits (RFC 7518 section 3.3).
    RsaKeyTooSmall {
        /// The modulus length found.
        bits: usize,
    },
    /// RSA keys over 8192 bits are refused before any arithmetic: no CA issues them, and a
    /// crafted one would tie the signer up for minutes.
    RsaKeyTooLarge {
        /// The modulus length found.
        bits: usize,
    },
    /// A JWK member is missing or is not the expected base64url string.
    JwkMember {
        /// The member name.
        name: &'static str,
    },
    /// The JWK is not a strict I-JSON object.
    JwkJson(fhirsig_jcs::ParseError),
    /// The JWK is not meant for signatures (`use` is not `sig`, or `key_ops` lacks the
    /// operation).
    NotForSignatures,
    /// The JWK is a public key where a private key is needed.
    NotAPrivateKey,
    /// The crypto library rejected the key material (inconsistent or invalid values).
    Rejected {
        /// The library's reason.
        reason: String,
    },
    /// The key cannot do this algorithm.
    AlgorithmNotSupported {
        /// The algorithm asked for.
        alg: Algorithm,
        /// The key's kind.
        key: KeyKind,
    },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PemMalformed => f.write_str("not a PEM key (no BEGIN/END section or bad base64)"),
            Self::UnexpectedPemLabel { label } => write!(f, "unexpected PEM section \"{label}\""),
            Self::Encrypted => f.write_str("the private key is encrypted and no password was given"),
            Self::LegacyPemEncryption => f.write_str(
                "the key uses the legacy OpenSSL PEM encryption (Proc-Type: 4,ENCRYPTED); convert it to encrypted PKCS#8 with `openssl pkcs8 -topk8 -v2 aes-256-cbc -in old.pem -out key.pem`",
            ),
            Self::WrongPassword => {
                f.write_str("the password is wrong (or the file is damaged): it does not open the key")
            }
            Self::UnsupportedEncryption { scheme } => {
                write!(f, "the key is encrypted with {scheme}, which fhirsig does not decrypt")
            }
            Self::EncryptionLimit { reason } => {
                write!(f, "the key's encryption parameters are over the limit: {reason}")
            }
            Self::Pkcs12 { reason } => write!(f, "PKCS#12: {reason}"),
            Self::Malformed { what } => write!(f, "malformed {what}"),
            Self::UnsupportedKeyType { name } => write!(f, "unsupported key type {name}"),
            Self::UnsupportedCurve { name } => {
                write!(f, "unsupported curve {name} (P-256, P-384 and Ed25519 are supported)")
            }
            Self::RsaKeyTooSmall { bits } => {
                write!(f, "RSA key has {bits} bits; at least 2048 are required")
            }
            Self::RsaKeyTooLarge { bits } => {
                write!(f, "RSA key has {bits} bits; at most 8192 are accepted")
            }
            Self::JwkMember { name } => {
                write!(f, "JWK member \"{name}\" is missing or not a base64url string")
            }
            Self::JwkJson(e) => write!(f, "JWK is not strict JSON: {e}"),
            Self::NotForSignatures => f.write_str("the JWK is not meant for signatures (use/key_ops)"),
            Self::NotAPrivateKey => f.write_str("the key is public; a private key is needed"),
            Self::Rejected { reason } => write!(f, "key rejected: {reason}"),
            Self::AlgorithmNotSupported { alg, key } => {
                write!(f, "a {key} key cannot do alg \"{alg}\"")
            }
        }
    }
}

impl std::error::Error for KeyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::JwkJson(e) => Some(e),
            _ => None,
        }
    }
}
