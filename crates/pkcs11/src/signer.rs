//! [`TokenSigner`]: a private key on a token behind the core's `Signer` trait.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use fhirsig_core::jws::{Algorithm, JwsError, KeyKind, Signer, VerifyingKey};

use crate::error::from_cryptoki;
use crate::uri::hex;
use crate::Pkcs11Error;

/// DER OIDs of the curves (CKA_EC_PARAMS holds the namedCurve OID).
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const P384_PARAMS: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];

/// A private key on a PKCS#11 token. One logged-in session serves every signature; calls from
/// several threads take turns on it (tokens serialise a session's operations anyway).
pub struct TokenSigner {
    session: Mutex<Session>,
    key: ObjectHandle,
    public: VerifyingKey,
    description: String,
    chain: Vec<Vec<u8>>,
    signatures: AtomicU64,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("key", &self.description)
            .field("kind", &self.public.kind())
            .finish_non_exhaustive()
    }
}

struct TokenCertificate {
    der: Vec<u8>,
    id: Vec<u8>,
    label: Vec<u8>,
    subject: Vec<u8>,
    issuer: Vec<u8>,
}

impl TokenSigner {
    pub(crate) fn new(
        session: Session,
        key: ObjectHandle,
        token: &str,
        fallback_public: Option<VerifyingKey>,
    ) -> Result<Self, Pkcs11Error> {
        let mut kind = None;
        let (mut label, mut id, mut ec_params) = (Vec::new(), Vec::new(), None);
        let (mut modulus, mut exponent) = (None, None);
        let mut can_sign = true;
        for attribute in session
            .get_attributes(
                key,
                &[
                    AttributeType::KeyType,
                    AttributeType::Label,
                    AttributeType::Id,
                    AttributeType::Sign,
                    AttributeType::EcParams,
                    AttributeType::Modulus,
                    AttributeType::PublicExponent,
                ],
            )
            .map_err(from_cryptoki)?
        {
            match attribute {
                Attribute::KeyType(k) => kind = Some(k),
                Attribute::Label(l) => label = l,
                Attribute::Id(i) => id = i,
                Attribute::Sign(s) => can_sign = s,
                Attribute::EcParams(p) => ec_params = Some(p),
                Attribute::Modulus(m) => modulus = Some(m),
                Attribute::PublicExponent(e) => exponent = Some(e),
                _ => {}
            }
        }
        let description = format!(
            "PKCS#11 token {token:?} object {:?}{}",
            String::from_utf8_lossy(&label),
            if id.is_empty() {
                String::new()
            } else {
                format!(" id {}", hex(&id))
            }
        );
        if !can_sign {
            return Err(Pkcs11Error::UnsupportedKey {
                reason: format!("{description} has CKA_SIGN false"),
            });
        }
        let certificates = token_certificates(&session)?;
        let leaf = certificates
            .iter()
            .find(|c| !id.is_empty() && c.id == id)
            .or_else(|| {
                certificates
                    .iter()
                    .find(|c| !label.is_empty() && c.label == label)
            });
        let public = match leaf {
            Some(cert) => VerifyingKey::from_certificate_der(&cert.der).map_err(|e| {
                Pkcs11Error::UnsupportedKey {
                    reason: format!("the token certificate of {description}: {e}"),
                }
            })?,
            None => match (
                public_from_token(&session, &id, kind, ec_params.as_deref(), modulus, exponent),
                fallback_public,
            ) {
                (Ok(public), _) | (Err(_), Some(public)) => public,
                (Err(reason), None) => {
                    return Err(Pkcs11Error::UnsupportedKey {
                        reason: format!("{description}: {reason}"),
                    })
                }
            },
        };
        let expected = match kind {
            Some(KeyType::EC) => matches!(public.kind(), KeyKind::EcP256 | KeyKind::EcP384),
            Some(KeyType::RSA) => matches!(public.kind(), KeyKind::Rsa { .. }),
            _ => false,
        };
        if !expected {
            return Err(Pkcs11Error::UnsupportedKey {
                reason: format!(
                    "{description} is of type {} with a {} public key; fhirsig signs with EC P-256/P-384 and RSA keys",
                    kind.map_or_else(|| "unknown".to_owned(), |k| k.to_string()),
                    public.kind()
                ),
            });
        }
        let chain = leaf
            .map(|l| chain_from(l, &certificates))
            .unwrap_or_default();
        Ok(Self {
            session: Mutex::new(session),
            key,
            public,
            description,
            chain,
            signatures: AtomicU64::new(0),
        })
    }

    /// The key's certificate from the token and its issuers found there, leaf first (empty if
    /// the token holds no certificate for the key).
    pub fn chain(&self) -> &[Vec<u8>] {
        &self.chain
    }

    /// How many signatures this signer has made, all in its one session.
    pub fn signature_count(&self) -> u64 {
        self.signatures.load(Ordering::Relaxed)
    }

    fn mechanism(
        alg: Algorithm,
    ) -> Option<(Mechanism<'static>, Option<&'static ring::digest::Algorithm>)> {
        let pss = |hash, mgf, s_len: u64| PkcsPssParams {
            hash_alg: hash,
            mgf,
            s_len: s_len.into(),
        };
        Some(match alg {
            Algorithm::Es256 => (Mechanism::Ecdsa, Some(&ring::digest::SHA256)),
            Algorithm::Es384 => (Mechanism::Ecdsa, Some(&ring::digest::SHA384)),
            Algorithm::Rs256 => (Mechanism::Sha256RsaPkcs, None),
            Algorithm::Rs384 => (Mechanism::Sha384RsaPkcs, None),
            Algorithm::Rs512 => (Mechanism::Sha512RsaPkcs, None),
            Algorithm::Ps256 => (
                Mechanism::Sha256RsaPkcsPss(pss(
                    MechanismType::SHA256,
                    PkcsMgfType::MGF1_SHA256,
                    32,
                )),
                None,
            ),
            Algorithm::Ps384 => (
                Mechanism::Sha384RsaPkcsPss(pss(
                    MechanismType::SHA384,
                    PkcsMgfType::MGF1_SHA384,
                    48,
                )),
                None,
            ),
            Algorithm::Ps512 => (
                Mechanism::Sha512RsaPkcsPss(pss(
                    MechanismType::SHA512,
                    PkcsMgfType::MGF1_SHA512,
                    64,
                )),
                None,
            ),
            _ => return None,
        })
    }
}

impl Signer for TokenSigner {
    fn verifying_key(&self) -> &VerifyingKey {
        &self.public
    }

    fn describe(&self) -> String {
        self.description.clone()
    }

    /// Signs on the token, then checks the signature with the key's public key before returning
    /// it: a token that signs with another key than its certificate's is caught here, not by
    /// the payer.
    fn sign_raw(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwsError> {
        self.public.check_algorithm(alg)?;
        let (mechanism, prehash) = Self::mechanism(alg).ok_or(JwsError::KeyAlgorithmMismatch {
            alg,
            key: self.public.kind(),
        })?;
        let digest;
        let data = match prehash {
            Some(algorithm) => {
                digest = ring::digest::digest(algorithm, message);
                digest.as_ref()
            }
            None => message,
        };
        let signature = {
            let session = self.session.lock().map_err(|_| JwsError::KeySource {
                reason: "the token session is unusable after a failure in another thread"
                    .to_owned(),
            })?;
            session
                .sign(&mechanism, self.key, data)
                .map_err(|e| JwsError::KeySource {
                    reason: format!("{}: {}", self.description, from_cryptoki(e)),
                })?
        };
        self.public
            .verify_signature(alg, message, &signature)
            .map_err(|_| JwsError::KeySource {
                reason: format!(
                    "{} made a signature that its public key does not verify (is the certificate the key's?)",
                    self.description
                ),
            })?;
        self.signatures.fetch_add(1, Ordering::Relaxed);
        Ok(signature)
    }
}

fn token_certificates(session: &Session) -> Result<Vec<TokenCertificate>, Pkcs11Error> {
    let handles = session
        .find_objects(&[Attribute::Class(ObjectClass::CERTIFICATE)])
        .map_err(from_cryptoki)?;
    let mut out = Vec::new();
    for handle in handles {
        let mut cert = TokenCertificate {
            der: Vec::new(),
            id: Vec::new(),
            label: Vec::new(),
            subject: Vec::new(),
            issuer: Vec::new(),
        };
        for attribute in session
            .get_attributes(
                handle,
                &[
                    AttributeType::Value,
                    AttributeType::Id,
                    AttributeType::Label,
                    AttributeType::Subject,
                    AttributeType::Issuer,
                ],
            )
            .map_err(from_cryptoki)?
        {
            match attribute {
                Attribute::Value(v) => cert.der = v,
                Attribute::Id(v) => cert.id = v,
                Attribute::Label(v) => cert.label = v,
                Attribute::Subject(v) => cert.subject = v,
                Attribute::Issuer(v) => cert.issuer = v,
                _ => {}
            }
        }
        if !cert.der.is_empty() {
            out.push(cert);
        }
    }
    Ok(out)
}

/// The leaf, then each issuer found among the token's certificates by name, bounded by their
/// number.
fn chain_from(leaf: &TokenCertificate, all: &[TokenCertificate]) -> Vec<Vec<u8>> {
    let mut chain = vec![leaf.der.clone()];
    let mut current = leaf;
    while chain.len() < all.len() && !current.issuer.is_empty() && current.subject != current.issuer
    {
        match all
            .iter()
            .find(|c| c.subject == current.issuer && !chain.contains(&c.der))
        {
            Some(next) => {
                chain.push(next.der.clone());
                current = next;
            }
            None => break,
        }
    }
    chain
}

/// The public key when the token has no certificate for the key: its public key object, or the
/// RSA private key's own public attributes.
fn public_from_token(
    session: &Session,
    id: &[u8],
    kind: Option<KeyType>,
    ec_params: Option<&[u8]>,
    modulus: Option<Vec<u8>>,
    exponent: Option<Vec<u8>>,
) -> Result<VerifyingKey, String> {
    let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
    if kind == Some(KeyType::RSA) {
        if let (Some(n), Some(e)) = (modulus, exponent) {
            let jwk = format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, b64(&n), b64(&e));
            return VerifyingKey::from_jwk(jwk.as_bytes()).map_err(|e| e.to_string());
        }
    }
    let mut template = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
    if !id.is_empty() {
        template.push(Attribute::Id(id.to_vec()));
    }
    let handles = session.find_objects(&template).map_err(|e| e.to_string())?;
    let [handle] = handles.as_slice() else {
        return Err(
            "the token has no certificate and no single public key for it: pass --cert".to_owned(),
        );
    };
    let attributes = session
        .get_attributes(*handle, &[AttributeType::EcPoint, AttributeType::EcParams])
        .map_err(|e| e.to_string())?;
    let mut point = None;
    let mut params = ec_params.map(<[u8]>::to_vec);
    for attribute in attributes {
        match attribute {
            Attribute::EcPoint(p) => point = Some(p),
            Attribute::EcParams(p) => params = Some(p),
            _ => {}
        }
    }
    let (Some(point), Some(params)) = (point, params) else {
        return Err("the public key object has no EC point".to_owned());
    };
    let (crv, field) = match params.as_slice() {
        P256_PARAMS => ("P-256", 32),
        P384_PARAMS => ("P-384", 48),
        _ => return Err("the EC key is not on P-256 or P-384".to_owned()),
    };
    // CKA_EC_POINT is a DER OCTET STRING around the uncompressed point 04 || x || y.
    let raw = match point.as_slice() {
        [0x04, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        [0x04, 0x81, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
        other => other,
    };
    match raw {
        [0x04, xy @ ..] if xy.len() == 2 * field => {
            let jwk = format!(
                r#"{{"kty":"EC","crv":"{crv}","x":"{}","y":"{}"}}"#,
                b64(&xy[..field]),
                b64(&xy[field..])
            );
            VerifyingKey::from_jwk(jwk.as_bytes()).map_err(|e| e.to_string())
        }
        _ => Err("the EC point is not an uncompressed point".to_owned()),
    }
}
