//! NIST curves: identification, SEC1 `ECPrivateKey` reading, and the public point of a bare
//! private scalar (ring cannot derive it, so the `p256`/`p384` crates do that one step).

use p256::elliptic_curve::point::AffineCoordinates;

use super::{KeyError, KeyKind};
use crate::der_reader::{self as asn1, oids, Reader};

/// A NIST curve we sign and verify on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
}

impl Curve {
    pub(crate) fn from_oid(oid: &[u8]) -> Result<Self, KeyError> {
        match oid {
            oids::P256 => Ok(Self::P256),
            oids::P384 => Ok(Self::P384),
            other => Err(KeyError::UnsupportedCurve {
                name: asn1::oid_text(other),
            }),
        }
    }

    pub(crate) fn from_jwk(crv: &str) -> Result<Self, KeyError> {
        match crv {
            "P-256" => Ok(Self::P256),
            "P-384" => Ok(Self::P384),
            other => Err(KeyError::UnsupportedCurve {
                name: other.to_owned(),
            }),
        }
    }

    pub(crate) fn jwk_name(self) -> &'static str {
        match self {
            Self::P256 => "P-256",
            Self::P384 => "P-384",
        }
    }

    /// Bytes of a field element or scalar.
    pub(crate) fn field_len(self) -> usize {
        match self {
            Self::P256 => 32,
            Self::P384 => 48,
        }
    }

    pub(crate) fn kind(self) -> KeyKind {
        match self {
            Self::P256 => KeyKind::EcP256,
            Self::P384 => KeyKind::EcP384,
        }
    }

    pub(crate) fn signing_alg(self) -> &'static ring::signature::EcdsaSigningAlgorithm {
        match self {
            Self::P256 => &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            Self::P384 => &ring::signature::ECDSA_P384_SHA384_FIXED_SIGNING,
        }
    }

    /// Checks an uncompressed point's encoding length (`04 || x || y`).
    pub(crate) fn check_point(self, point: &[u8]) -> Result<(), KeyError> {
        if point.len() == 1 + 2 * self.field_len() && point.first() == Some(&4) {
            Ok(())
        } else {
            Err(KeyError::Malformed {
                what: "EC public point (uncompressed form expected)",
            })
        }
    }

    /// The uncompressed public point `04 || x || y` for the private scalar `d`.
    pub(crate) fn public_point(self, d: &[u8]) -> Result<Vec<u8>, KeyError> {
        let rejected = |_| KeyError::Rejected {
            reason: "EC private scalar out of range".to_owned(),
        };
        let (x, y) = match self {
            Self::P256 => {
                let secret = p256::SecretKey::from_slice(d).map_err(rejected)?;
                let point = *secret.public_key().as_affine();
                (point.x().to_vec(), point.y().to_vec())
            }
            Self::P384 => {
                let secret = p384::SecretKey::from_slice(d).map_err(rejected)?;
                let point = *secret.public_key().as_affine();
                (point.x().to_vec(), point.y().to_vec())
            }
        };
        let mut out = Vec::with_capacity(1 + x.len() + y.len());
        out.push(4);
        out.extend_from_slice(&x);
        out.extend_from_slice(&y);
        Ok(out)
    }
}

/// An EC private key: curve, scalar (left-padded to the field length) and public point.
pub(crate) struct EcPrivate {
    pub(crate) curve: Curve,
    pub(crate) scalar: Vec<u8>,
    pub(crate) point: Vec<u8>,
}

/// Reads a SEC1 `ECPrivateKey` (RFC 5915). `outer_curve` is the curve named by an enclosing
/// PKCS#8 `AlgorithmIdentifier`, if any.
pub(crate) fn read_sec1(der: &[u8], outer_curve: Option<Curve>) -> Result<EcPrivate, KeyError> {
    let malformed = |_| KeyError::Malformed {
        what: "SEC1 ECPrivateKey",
    };
    let mut outer = Reader::new(der);
    let mut seq = Reader::new(outer.read(asn1::SEQUENCE).map_err(malformed)?);
    outer.finish().map_err(malformed)?;
    if seq.read_small().map_err(malformed)? != 1 {
        return Err(KeyError::Malformed {
            what: "SEC1 ECPrivateKey version (must be 1)",
        });
    }
    let scalar = seq.read(asn1::OCTET_STRING).map_err(malformed)?;
    let inner_curve = match seq.read_optional(asn1::CONTEXT_0).map_err(malformed)? {
        Some(params) => Some(Curve::from_oid(
            Reader::new(params).read(asn1::OID).map_err(malformed)?,
        )?),
        None => None,
    };
    let point = match seq.read_optional(asn1::CONTEXT_1).map_err(malformed)? {
        Some(wrapped) => Some(Reader::new(wrapped).read_bit_string().map_err(malformed)?),
        None => None,
    };
    let curve = match (outer_curve, inner_curve) {
        (Some(a), Some(b)) if a != b => {
            return Err(KeyError::Malformed {
                what: "EC key naming two different curves",
            })
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => {
            return Err(KeyError::Malformed {
                what: "SEC1 ECPrivateKey without curve parameters",
            })
        }
    };
    let scalar = left_pad(asn1::strip_leading_zeros(scalar), curve.field_len())?;
    let point = match point {
        Some(p) => {
            curve.check_point(p)?;
            p.to_vec()
        }
        None => curve.public_point(&scalar)?,
    };
    Ok(EcPrivate {
        curve,
        scalar,
        point,
    })
}

/// Left-pads a big-endian integer to `len` bytes.
pub(crate) fn left_pad(bytes: &[u8], len: usize) -> Result<Vec<u8>, KeyError> {
    if bytes.len() > len {
        return Err(KeyError::Malformed {
            what: "EC private scalar longer than the curve order",
        });
    }
    let mut out = vec![0; len - bytes.len()];
    out.extend_from_slice(bytes);
    Ok(out)
}
