//! Private keys for signing: PKCS#8, SEC1 and PKCS#1 (PEM or DER) and JWK. Encrypted PKCS#8
//! and PKCS#12 files are opened by [`crate::keys`], which hands the decrypted key to
//! [`SigningKey::from_der`].

use std::fmt;

use ring::rand::SystemRandom;
use ring::rsa::{KeyPairComponents, PublicKeyComponents};
use ring::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};

use super::ec::{self, Curve, EcPrivate};
use super::jwk::{Jwk, Operation};
use super::rsa_any_size::{self, AnySizeRsa, RsaComponents};
use super::signer::{default_algorithm_for, Signer};
use super::verifying_key::{algorithms_for, check_rsa_bits, jwk_point, Public};
use super::{pem, Algorithm, JwsError, KeyError, KeyKind, VerifyingKey};
use crate::der_reader::{self as asn1, oids, Reader};

/// A private key that signs JWS. Its `Debug` output names the key kind only, never key material.
pub struct SigningKey {
    pair: Pair,
    public: VerifyingKey,
}

enum Pair {
    Rsa(RsaKeyPair),
    /// A modulus ring does not sign with (see [`rsa_any_size`]).
    RsaAnySize(AnySizeRsa),
    Ec(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
}

impl SigningKey {
    /// Loads a PEM private key: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) or
    /// `RSA PRIVATE KEY` (PKCS#1). A leading `EC PARAMETERS` section is skipped.
    ///
    /// # Errors
    /// [`KeyError::Encrypted`] for `ENCRYPTED PRIVATE KEY` (open it with
    /// [`crate::keys::open_key_file`] and its password), [`KeyError::LegacyPemEncryption`], and
    /// other [`KeyError`]s for malformed or unsupported keys.
    pub fn from_pem(pem_text: &[u8]) -> Result<Self, KeyError> {
        let mut text = pem_text;
        let params_end = b"-----END EC PARAMETERS-----";
        if let Some(at) = text.windows(params_end.len()).position(|w| w == params_end) {
            text = &text[at + params_end.len()..];
        }
        let pem = pem::first_section(text)?;
        match pem.label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8(&pem.der),
            "EC PRIVATE KEY" => Self::from_ec(ec::read_sec1(&pem.der, None)?),
            "RSA PRIVATE KEY" => Self::from_pkcs1(&pem.der),
            _ => Err(KeyError::UnexpectedPemLabel { label: pem.label }),
        }
    }

    /// Loads a DER private key, recognising PKCS#8, SEC1 `ECPrivateKey` and PKCS#1
    /// `RSAPrivateKey` by their structure.
    ///
    /// # Errors
    /// [`KeyError`] for malformed or unsupported keys.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |_| KeyError::Malformed {
            what: "private key DER",
        };
        let mut outer = Reader::new(der);
        let mut seq = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
        seq.read(asn1::INTEGER).map_err(malformed)?;
        match seq.peek_tag() {
            Some(asn1::SEQUENCE) => Self::from_pkcs8(der),
            Some(asn1::OCTET_STRING) => Self::from_ec(ec::read_sec1(der, None)?),
            Some(asn1::INTEGER) => Self::from_pkcs1(der),
            _ => Err(KeyError::Malformed {
                what: "private key DER (not PKCS#8, SEC1 or PKCS#1)",
            }),
        }
    }

    /// Loads a private JWK: `EC` (P-256/P-384, with `d`), `RSA` (with `d` and the CRT members
    /// `p`, `q`, `dp`, `dq`, `qi`) or `OKP` Ed25519 (with `d`).
    ///
    /// # Errors
    /// [`KeyError::NotAPrivateKey`] for a public JWK, and other [`KeyError`]s.
    pub fn from_jwk(json: &[u8]) -> Result<Self, KeyError> {
        let jwk = Jwk::parse(json, Operation::Sign)?;
        if !jwk.has("d") {
            return Err(KeyError::NotAPrivateKey);
        }
        match jwk.text("kty")? {
            "EC" => {
                let curve = Curve::from_jwk(jwk.text("crv")?)?;
                let point = jwk_point(&jwk, curve)?;
                let scalar = jwk.bytes("d")?;
                if scalar.len() != curve.field_len() {
                    return Err(KeyError::JwkMember { name: "d" });
                }
                Self::from_ec(EcPrivate {
                    curve,
                    scalar,
                    point,
                })
            }
            "RSA" => Self::from_rsa_jwk(&jwk),
            "OKP" => {
                let crv = jwk.text("crv")?;
                if crv != "Ed25519" {
                    return Err(KeyError::UnsupportedCurve {
                        name: crv.to_owned(),
                    });
                }
                let pair =
                    Ed25519KeyPair::from_seed_and_public_key(&jwk.bytes("d")?, &jwk.bytes("x")?)
                        .map_err(rejected)?;
                Self::from_ed25519(pair)
            }
            other => Err(KeyError::UnsupportedKeyType {
                name: other.to_owned(),
            }),
        }
    }

    /// The key's kind.
    pub fn kind(&self) -> KeyKind {
        self.public.kind()
    }

    /// The algorithms this key can sign with.
    pub fn algorithms(&self) -> &'static [Algorithm] {
        algorithms_for(self.kind())
    }

    /// The algorithm used unless told otherwise: ES256 for P-256, ES384 for P-384, RS256 for
    /// RSA, EdDSA for Ed25519.
    pub fn default_algorithm(&self) -> Algorithm {
        default_algorithm_for(self.kind())
    }

    /// The matching public key.
    pub fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    /// Signs `message` with `alg`: the cryptographic step only. ECDSA signatures come out in
    /// the JOSE raw `r||s` form.
    ///
    /// # Errors
    /// [`JwsError::KeyAlgorithmMismatch`] if the key cannot do `alg`,
    /// [`JwsError::SigningFailed`] if the crypto library fails.
    pub fn sign_raw(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwsError> {
        self.public.check_algorithm(alg)?;
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Rsa(pair) => {
                let mut out = vec![0; pair.public().modulus_len()];
                pair.sign(rsa_padding(alg), &rng, message, &mut out)
                    .map_err(|_| JwsError::SigningFailed)?;
                Ok(out)
            }
            Pair::RsaAnySize(pair) => pair.sign(alg, message),
            Pair::Ec(pair) => pair
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| JwsError::SigningFailed),
            Pair::Ed25519(pair) => Ok(pair.sign(message).as_ref().to_vec()),
        }
    }

    fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |_| KeyError::Malformed {
            what: "PKCS#8 PrivateKeyInfo",
        };
        let mut outer = Reader::new(der);
        let mut info = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
        info.read(asn1::INTEGER).map_err(malformed)?;
        let mut alg_id = Reader::new(info.read(asn1::SEQUENCE).map_err(malformed)?);
        let oid = alg_id.read(asn1::OID).map_err(malformed)?;
        let inner = info.read(asn1::OCTET_STRING).map_err(malformed)?;
        match oid {
            oids::RSA_ENCRYPTION => {
                if !rsa_any_size::ring_signs(check_rsa_private_size(inner)?) {
                    return Self::from_any_size_rsa(inner);
                }
                Self::from_rsa(RsaKeyPair::from_pkcs8(der).map_err(rejected)?)
            }
            oids::EC_PUBLIC_KEY => {
                let curve = Curve::from_oid(alg_id.read(asn1::OID).map_err(malformed)?)?;
                Self::from_ec(ec::read_sec1(inner, Some(curve))?)
            }
            oids::ED25519 => Self::from_ed25519(
                Ed25519KeyPair::from_pkcs8_maybe_unchecked(der).map_err(rejected)?,
            ),
            other => Err(KeyError::UnsupportedKeyType {
                name: asn1::oid_text(other),
            }),
        }
    }

    fn from_pkcs1(der: &[u8]) -> Result<Self, KeyError> {
        if !rsa_any_size::ring_signs(check_rsa_private_size(der)?) {
            return Self::from_any_size_rsa(der);
        }
        Self::from_rsa(RsaKeyPair::from_der(der).map_err(rejected)?)
    }

    /// A PKCS#1 `RSAPrivateKey` (two primes) whose size ring does not sign with.
    fn from_any_size_rsa(der: &[u8]) -> Result<Self, KeyError> {
        let malformed = |_| KeyError::Malformed {
            what: "PKCS#1 RSAPrivateKey",
        };
        let mut outer = Reader::new(der);
        let mut seq = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
        if seq.read(asn1::INTEGER).map_err(malformed)? != [0] {
            return Err(KeyError::UnsupportedKeyType {
                name: "multi-prime RSA".to_owned(),
            });
        }
        let mut next = || seq.read_unsigned().map_err(malformed);
        let (n, e, d, p, q) = (next()?, next()?, next()?, next()?, next()?);
        Self::from_any_size_components(&RsaComponents { n, e, d, p, q })
    }

    fn from_any_size_components(components: &RsaComponents<'_>) -> Result<Self, KeyError> {
        let pair = AnySizeRsa::from_components(components)?;
        let public = VerifyingKey::from_public(Public::Rsa {
            n: asn1::strip_leading_zeros(components.n).to_vec(),
            e: asn1::strip_leading_zeros(components.e).to_vec(),
        })?;
        // The same load-time self-check as for ring's keys: a key whose signatures do not
        // verify is refused where it is read.
        const PROBE: &[u8] = b"fhirsig RSA key consistency check";
        let consistent = pair.sign(Algorithm::Rs256, PROBE).is_ok_and(|sig| {
            public
                .verify_signature(Algorithm::Rs256, PROBE, &sig)
                .is_ok()
        });
        if !consistent {
            return Err(KeyError::Rejected {
                reason: "inconsistent RSA private key: a test signature failed".to_owned(),
            });
        }
        Ok(Self {
            pair: Pair::RsaAnySize(pair),
            public,
        })
    }

    fn from_rsa_jwk(jwk: &Jwk) -> Result<Self, KeyError> {
        let n = jwk.bytes("n")?;
        let bits = asn1::bit_len(&n);
        check_rsa_bits(bits)?;
        if !rsa_any_size::ring_signs(bits) {
            let (d, p, q) = (jwk.bytes("d")?, jwk.bytes("p")?, jwk.bytes("q")?);
            let e = jwk.bytes("e")?;
            return Self::from_any_size_components(&RsaComponents {
                n: &n,
                e: &e,
                d: &d,
                p: &p,
                q: &q,
            });
        }
        let components = KeyPairComponents {
            public_key: PublicKeyComponents {
                n: asn1::strip_leading_zeros(&n).to_vec(),
                e: asn1::strip_leading_zeros(&jwk.bytes("e")?).to_vec(),
            },
            d: jwk.bytes("d")?,
            p: jwk.bytes("p")?,
            q: jwk.bytes("q")?,
            dP: jwk.bytes("dp")?,
            dQ: jwk.bytes("dq")?,
            qInv: jwk.bytes("qi")?,
        };
        Self::from_rsa(RsaKeyPair::from_components(&components).map_err(rejected)?)
    }

    fn from_rsa(pair: RsaKeyPair) -> Result<Self, KeyError> {
        check_rsa_consistency(&pair)?;
        let components = PublicKeyComponents::<Vec<u8>>::from(pair.public());
        let public = VerifyingKey::from_public(Public::Rsa {
            n: components.n,
            e: components.e,
        })?;
        Ok(Self {
            pair: Pair::Rsa(pair),
            public,
        })
    }

    fn from_ec(key: EcPrivate) -> Result<Self, KeyError> {
        let pair = EcdsaKeyPair::from_private_key_and_public_key(
            key.curve.signing_alg(),
            &key.scalar,
            &key.point,
            &SystemRandom::new(),
        )
        .map_err(rejected)?;
        let public = VerifyingKey::from_public(Public::Ec {
            curve: key.curve,
            point: key.point,
        })?;
        Ok(Self {
            pair: Pair::Ec(pair),
            public,
        })
    }

    fn from_ed25519(pair: Ed25519KeyPair) -> Result<Self, KeyError> {
        let public =
            VerifyingKey::from_public(Public::Ed25519(pair.public_key().as_ref().to_vec()))?;
        Ok(Self {
            pair: Pair::Ed25519(pair),
            public,
        })
    }
}

impl Signer for SigningKey {
    fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    fn sign_raw(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwsError> {
        SigningKey::sign_raw(self, alg, message)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

fn rejected(e: ring::error::KeyRejected) -> KeyError {
    KeyError::Rejected {
        reason: e.to_string(),
    }
}

/// Refuses an RSA key whose CRT values (`dP`, `dQ`, `qInv`) do not belong to its primes. ring
/// checks `n = p·q` at load time but finds a bad CRT value only when a signature fails its own
/// self-check, so such a key would load and then fail every signature; one test signature at
/// load time refuses it where the key is read instead.
fn check_rsa_consistency(pair: &RsaKeyPair) -> Result<(), KeyError> {
    const PROBE: &[u8] = b"fhirsig RSA key consistency check";
    let mut signature = vec![0; pair.public().modulus_len()];
    let consistent = pair
        .sign(
            &sig::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            PROBE,
            &mut signature,
        )
        .is_ok()
        && PublicKeyComponents::<Vec<u8>>::from(pair.public())
            .verify(&sig::RSA_PKCS1_2048_8192_SHA256, PROBE, &signature)
            .is_ok();
    if consistent {
        Ok(())
    } else {
        Err(KeyError::Rejected {
            reason: "inconsistent RSA private key: a test signature failed".to_owned(),
        })
    }
}

/// Refuses a PKCS#1 `RSAPrivateKey` whose modulus is under 2048 bits, with the size; returns the
/// size.
fn check_rsa_private_size(der: &[u8]) -> Result<usize, KeyError> {
    let malformed = |_| KeyError::Malformed {
        what: "PKCS#1 RSAPrivateKey",
    };
    let mut outer = Reader::new(der);
    let mut seq = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
    seq.read(asn1::INTEGER).map_err(malformed)?;
    let bits = asn1::bit_len(seq.read_unsigned().map_err(malformed)?);
    check_rsa_bits(bits)?;
    Ok(bits)
}

fn rsa_padding(alg: Algorithm) -> &'static dyn sig::RsaEncoding {
    match alg {
        Algorithm::Rs384 => &sig::RSA_PKCS1_SHA384,
        Algorithm::Rs512 => &sig::RSA_PKCS1_SHA512,
        Algorithm::Ps256 => &sig::RSA_PSS_SHA256,
        Algorithm::Ps384 => &sig::RSA_PSS_SHA384,
        Algorithm::Ps512 => &sig::RSA_PSS_SHA512,
        _ => &sig::RSA_PKCS1_SHA256,
    }
}
