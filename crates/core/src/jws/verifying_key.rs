//! Public keys for verification: SPKI (PEM/DER), X.509 certificates (DER/PEM) and JWK.

use std::fmt;

use der::{Decode, Encode};
use ring::signature::{self as sig, RsaPublicKeyComponents, UnparsedPublicKey};

use super::ec::Curve;
use super::jwk::{self, Jwk, Operation};
use super::{b64, pem, Algorithm, JwsError, KeyError, KeyKind};
use crate::der_reader::{self as asn1, oids, Reader};

/// The smallest RSA modulus accepted, in bits (RFC 7518 section 3.3).
pub(crate) const RSA_MIN_BITS: usize = 2048;
/// The largest RSA modulus accepted (ring verifies up to 8192 bits).
pub(crate) const RSA_MAX_BITS: usize = 8192;

/// Refuses an RSA modulus length outside 2048..=8192 bits.
pub(crate) fn check_rsa_bits(bits: usize) -> Result<(), KeyError> {
    if bits < RSA_MIN_BITS {
        return Err(KeyError::RsaKeyTooSmall { bits });
    }
    if bits > RSA_MAX_BITS {
        return Err(KeyError::RsaKeyTooLarge { bits });
    }
    Ok(())
}

/// A public key that verifies JWS signatures. Knows which algorithms it can check.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyingKey {
    material: Public,
    /// A JWK's `alg` member: the key is then restricted to that algorithm.
    jwk_alg: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Public {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Ec { curve: Curve, point: Vec<u8> },
    Ed25519(Vec<u8>),
}

impl VerifyingKey {
    pub(crate) fn from_public(material: Public) -> Result<Self, KeyError> {
        if let Public::Rsa { n, .. } = &material {
            check_rsa_bits(asn1::bit_len(n))?;
        }
        Ok(Self {
            material,
            jwk_alg: None,
        })
    }

    /// Loads a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM.
    ///
    /// # Errors
    /// [`KeyError`] if the text is not such a PEM or the key is unsupported.
    pub fn from_spki_pem(pem_text: &[u8]) -> Result<Self, KeyError> {
        let pem = pem::first_section(pem_text)?;
        match pem.label.as_str() {
            "PUBLIC KEY" => Self::from_spki_der(&pem.der),
            "CERTIFICATE" => Self::from_certificate_der(&pem.der),
            _ => Err(KeyError::UnexpectedPemLabel { label: pem.label }),
        }
    }

    /// Loads a DER SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7).
    ///
    /// # Errors
    /// [`KeyError`] if the DER is malformed or the key is unsupported.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |_| KeyError::Malformed {
            what: "SubjectPublicKeyInfo",
        };
        let mut outer = Reader::new(der);
        let mut spki = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
        outer.finish().map_err(malformed)?;
        let mut alg_id = Reader::new(spki.read(asn1::SEQUENCE).map_err(malformed)?);
        let oid = alg_id.read(asn1::OID).map_err(malformed)?;
        let key = spki.read_bit_string().map_err(malformed)?;
        spki.finish().map_err(malformed)?;
        let material = match oid {
            oids::RSA_ENCRYPTION => read_rsa_public(key)?,
            oids::EC_PUBLIC_KEY => {
                let curve = Curve::from_oid(alg_id.read(asn1::OID).map_err(malformed)?)?;
                curve.check_point(key)?;
                Public::Ec {
                    curve,
                    point: key.to_vec(),
                }
            }
            oids::ED25519 => ed25519_public(key)?,
            other => {
                return Err(KeyError::UnsupportedKeyType {
                    name: asn1::oid_text(other),
                })
            }
        };
        Self::from_public(material)
    }

    /// Loads the subject public key of a DER X.509 certificate (for example `x5c[0]`). The
    /// certificate itself is not validated here.
    ///
    /// # Errors
    /// [`KeyError`] if the certificate does not parse or its key is unsupported.
    pub fn from_certificate_der(der: &[u8]) -> Result<Self, KeyError> {
        let cert = x509_cert::Certificate::from_der(der).map_err(|_| KeyError::Malformed {
            what: "X.509 certificate",
        })?;
        let spki = cert
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|_| KeyError::Malformed {
                what: "certificate SubjectPublicKeyInfo",
            })?;
        Self::from_spki_der(&spki)
    }

    /// Loads the subject public key of a `-----BEGIN CERTIFICATE-----` PEM.
    ///
    /// # Errors
    /// As [`VerifyingKey::from_certificate_der`], plus PEM errors.
    pub fn from_certificate_pem(pem_text: &[u8]) -> Result<Self, KeyError> {
        let pem = pem::first_section(pem_text)?;
        if pem.label != "CERTIFICATE" {
            return Err(KeyError::UnexpectedPemLabel { label: pem.label });
        }
        Self::from_certificate_der(&pem.der)
    }

    /// Loads a public JWK (`RSA`, `EC` P-256/P-384, `OKP` Ed25519); private members are
    /// ignored. A JWK `use` other than `sig`, or `key_ops` without `verify`, is refused; an
    /// `alg` member restricts the key to that algorithm.
    ///
    /// # Errors
    /// [`KeyError`] if the JWK is malformed, not for signatures, or unsupported.
    pub fn from_jwk(json: &[u8]) -> Result<Self, KeyError> {
        let jwk = Jwk::parse(json, Operation::Verify)?;
        let material = match jwk.text("kty")? {
            "RSA" => Public::Rsa {
                n: asn1::strip_leading_zeros(&jwk.bytes("n")?).to_vec(),
                e: asn1::strip_leading_zeros(&jwk.bytes("e")?).to_vec(),
            },
            "EC" => {
                let curve = Curve::from_jwk(jwk.text("crv")?)?;
                Public::Ec {
                    curve,
                    point: jwk_point(&jwk, curve)?,
                }
            }
            "OKP" => {
                let crv = jwk.text("crv")?;
                if crv != "Ed25519" {
                    return Err(KeyError::UnsupportedCurve {
                        name: crv.to_owned(),
                    });
                }
                ed25519_public(&jwk.bytes("x")?)?
            }
            other => {
                return Err(KeyError::UnsupportedKeyType {
                    name: other.to_owned(),
                })
            }
        };
        let mut key = Self::from_public(material)?;
        key.jwk_alg = jwk.alg;
        Ok(key)
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        match &self.material {
            Public::Rsa { n, .. } => KeyKind::Rsa {
                bits: asn1::bit_len(n),
            },
            Public::Ec { curve, .. } => curve.kind(),
            Public::Ed25519(_) => KeyKind::Ed25519,
        }
    }

    /// The algorithms this key can verify.
    pub fn algorithms(&self) -> &'static [Algorithm] {
        algorithms_for(self.kind())
    }

    /// The public JWK (members in RFC 7638 order: `crv`/`e`, `kty`, `n`/`x`, `y`).
    pub fn to_jwk(&self) -> String {
        match &self.material {
            Public::Rsa { n, e } => jwk::write_object(&[
                ("e", &b64::encode_url(e)),
                ("kty", "RSA"),
                ("n", &b64::encode_url(n)),
            ]),
            Public::Ec { curve, point } => {
                let (x, y) = point[1..].split_at(curve.field_len());
                jwk::write_object(&[
                    ("crv", curve.jwk_name()),
                    ("kty", "EC"),
                    ("x", &b64::encode_url(x)),
                    ("y", &b64::encode_url(y)),
                ])
            }
            Public::Ed25519(x) => jwk::write_object(&[
                ("crv", "Ed25519"),
                ("kty", "OKP"),
                ("x", &b64::encode_url(x)),
            ]),
        }
    }

    /// Checks that this key may be used with `alg`.
    ///
    /// # Errors
    /// [`JwsError::KeyAlgorithmMismatch`] or [`JwsError::KeyRestrictedToOtherAlgorithm`].
    pub fn check_algorithm(&self, alg: Algorithm) -> Result<(), JwsError> {
        if !self.algorithms().contains(&alg) {
            return Err(JwsError::KeyAlgorithmMismatch {
                alg,
                key: self.kind(),
            });
        }
        match &self.jwk_alg {
            Some(key_alg) if key_alg != alg.name() => {
                Err(JwsError::KeyRestrictedToOtherAlgorithm {
                    alg,
                    key_alg: key_alg.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    /// Verifies a raw signature over `message` with `alg`: the cryptographic step only, no
    /// header or policy checks (those are in [`super::verify_detached`]).
    ///
    /// # Errors
    /// Those of [`VerifyingKey::check_algorithm`], [`JwsError::EcdsaSignatureNotRaw`] for an
    /// ECDSA signature of the wrong length (a DER signature, say), and
    /// [`JwsError::BadSignature`].
    pub fn verify_signature(
        &self,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), JwsError> {
        self.check_signature_shape(alg, signature)?;
        let result = match &self.material {
            Public::Rsa { n, e } => {
                RsaPublicKeyComponents { n, e }.verify(rsa_params(alg), message, signature)
            }
            Public::Ec { curve, point } => {
                let params = match curve {
                    Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED,
                    Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED,
                };
                UnparsedPublicKey::new(params, point).verify(message, signature)
            }
            Public::Ed25519(x) => {
                UnparsedPublicKey::new(&sig::ED25519, x).verify(message, signature)
            }
        };
        result.map_err(|_| JwsError::BadSignature)
    }

    /// The checks before any arithmetic, the same for both routes: the key fits `alg`, and an
    /// ECDSA signature is raw `r||s` of the curve's length.
    fn check_signature_shape(&self, alg: Algorithm, signature: &[u8]) -> Result<(), JwsError> {
        self.check_algorithm(alg)?;
        if let Some(expected) = alg.ecdsa_signature_len() {
            if signature.len() != expected {
                return Err(JwsError::EcdsaSignatureNotRaw {
                    expected,
                    found: signature.len(),
                });
            }
        }
        Ok(())
    }

    /// Verifies a raw signature from the digest of its message, for the algorithms that sign a
    /// digest (ES256, ES384): the same checks and verdict as [`VerifyingKey::verify_signature`]
    /// over the whole message, without holding it.
    ///
    /// # Errors
    /// As [`VerifyingKey::verify_signature`] for `digest`'s algorithm.
    pub fn verify_signature_digest(
        &self,
        digest: &super::SigningInputDigest,
        signature: &[u8],
    ) -> Result<(), JwsError> {
        let alg = digest.algorithm();
        self.check_signature_shape(alg, signature)?;
        match &self.material {
            Public::Ec { curve, point } => {
                super::prehash::verify_ecdsa_digest(*curve, point, digest.as_bytes(), signature)
            }
            // check_algorithm admits only EC keys for the digest algorithms (ES256/ES384).
            _ => Err(JwsError::KeyAlgorithmMismatch {
                alg,
                key: self.kind(),
            }),
        }
    }
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyingKey")
            .field("kind", &self.kind())
            .field("jwk_alg", &self.jwk_alg)
            .finish_non_exhaustive()
    }
}

/// The algorithms a key of this kind can do; the first is the default.
pub(crate) fn algorithms_for(kind: KeyKind) -> &'static [Algorithm] {
    use Algorithm::*;
    match kind {
        KeyKind::Rsa { .. } => &[Rs256, Rs384, Rs512, Ps256, Ps384, Ps512],
        KeyKind::EcP256 => &[Es256],
        KeyKind::EcP384 => &[Es384],
        KeyKind::Ed25519 => &[EdDsa],
    }
}

fn rsa_params(alg: Algorithm) -> &'static sig::RsaParameters {
    match alg {
        Algorithm::Rs384 => &sig::RSA_PKCS1_2048_8192_SHA384,
        Algorithm::Rs512 => &sig::RSA_PKCS1_2048_8192_SHA512,
        Algorithm::Ps256 => &sig::RSA_PSS_2048_8192_SHA256,
        Algorithm::Ps384 => &sig::RSA_PSS_2048_8192_SHA384,
        Algorithm::Ps512 => &sig::RSA_PSS_2048_8192_SHA512,
        _ => &sig::RSA_PKCS1_2048_8192_SHA256,
    }
}

/// Reads a PKCS#1 `RSAPublicKey`.
pub(crate) fn read_rsa_public(der: &[u8]) -> Result<Public, KeyError> {
    let malformed = |_| KeyError::Malformed {
        what: "PKCS#1 RSAPublicKey",
    };
    let mut outer = Reader::new(der);
    let mut seq = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
    outer.finish().map_err(malformed)?;
    let n = seq.read_unsigned().map_err(malformed)?.to_vec();
    let e = seq.read_unsigned().map_err(malformed)?.to_vec();
    seq.finish().map_err(malformed)?;
    Ok(Public::Rsa { n, e })
}

fn ed25519_public(x: &[u8]) -> Result<Public, KeyError> {
    if x.len() == 32 {
        Ok(Public::Ed25519(x.to_vec()))
    } else {
        Err(KeyError::Malformed {
            what: "Ed25519 public key (32 bytes expected)",
        })
    }
}

/// `04 || x || y` from a JWK's `x` and `y`, which must be exactly the field length.
pub(crate) fn jwk_point(jwk: &Jwk, curve: Curve) -> Result<Vec<u8>, KeyError> {
    let x = jwk.bytes("x")?;
    let y = jwk.bytes("y")?;
    if x.len() != curve.field_len() {
        return Err(KeyError::JwkMember { name: "x" });
    }
    if y.len() != curve.field_len() {
        return Err(KeyError::JwkMember { name: "y" });
    }
    let mut point = vec![4];
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    Ok(point)
}
