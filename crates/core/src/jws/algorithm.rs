//! JWS signature algorithms (RFC 7518 section 3, RFC 8037 section 3.1) and the verifier's
//! allow-list.

use std::fmt;

use super::JwsError;

/// A JWS signature algorithm this crate implements. `none` and the HMAC algorithms cannot be
/// expressed: they are refused when read from a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (deterministic; the CDex default).
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    Ps256,
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
    Ps384,
    /// RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt.
    Ps512,
    /// ECDSA on P-256 with SHA-256, raw 64-byte `r||s` signatures.
    Es256,
    /// ECDSA on P-384 with SHA-384, raw 96-byte `r||s` signatures.
    Es384,
    /// EdDSA with Ed25519 (RFC 8037).
    EdDsa,
}

impl Algorithm {
    /// Every algorithm this crate implements.
    pub const ALL: [Algorithm; 9] = [
        Self::Rs256,
        Self::Rs384,
        Self::Rs512,
        Self::Ps256,
        Self::Ps384,
        Self::Ps512,
        Self::Es256,
        Self::Es384,
        Self::EdDsa,
    ];

    /// The JOSE name (`"RS256"`, `"EdDSA"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
            Self::Ps256 => "PS256",
            Self::Ps384 => "PS384",
            Self::Ps512 => "PS512",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
            Self::EdDsa => "EdDSA",
        }
    }

    /// Reads an `alg` value. JOSE names are case-sensitive.
    ///
    /// # Errors
    /// [`JwsError::AlgorithmNone`] for `none`, [`JwsError::MacAlgorithm`] for `HS256`,
    /// `HS384`, `HS512`, and [`JwsError::UnknownAlgorithm`] for anything else not implemented.
    pub fn from_name(alg: &str) -> Result<Self, JwsError> {
        if let Some(found) = Self::ALL.iter().find(|a| a.name() == alg) {
            return Ok(*found);
        }
        Err(match alg {
            "none" => JwsError::AlgorithmNone,
            "HS256" | "HS384" | "HS512" => JwsError::MacAlgorithm {
                alg: alg.to_owned(),
            },
            _ => JwsError::UnknownAlgorithm {
                alg: alg.to_owned(),
            },
        })
    }

    /// Whether this is an ECDSA algorithm, and the raw `r||s` length it needs.
    pub(crate) fn ecdsa_signature_len(self) -> Option<usize> {
        match self {
            Self::Es256 => Some(64),
            Self::Es384 => Some(96),
            _ => None,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The algorithms a verifier accepts: a non-empty allow-list, fixed before any header is read.
///
/// [`AlgorithmPolicy::default`] allows RS256, PS256, ES256, ES384 and EdDSA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmPolicy {
    allowed: Vec<Algorithm>,
}

impl AlgorithmPolicy {
    /// A policy allowing `first` and every algorithm in `more`. Non-empty by construction.
    pub fn new(first: Algorithm, more: &[Algorithm]) -> Self {
        let mut allowed = vec![first];
        allowed.extend_from_slice(more);
        allowed.sort();
        allowed.dedup();
        Self { allowed }
    }

    /// A policy allowing exactly one algorithm.
    pub fn only(alg: Algorithm) -> Self {
        Self::new(alg, &[])
    }

    /// A policy allowing every implemented algorithm ([`Algorithm::ALL`]).
    pub fn all_supported() -> Self {
        Self::new(Algorithm::Rs256, &Algorithm::ALL)
    }

    /// Whether `alg` is allowed.
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.allowed.contains(&alg)
    }

    /// The allowed algorithms, sorted.
    pub fn algorithms(&self) -> &[Algorithm] {
        &self.allowed
    }

    /// Reads `alg` and checks it against this policy.
    ///
    /// # Errors
    /// Those of [`Algorithm::from_name`], and [`JwsError::AlgorithmNotAllowed`].
    pub fn check(&self, alg: &str) -> Result<Algorithm, JwsError> {
        let alg = Algorithm::from_name(alg)?;
        if self.allows(alg) {
            Ok(alg)
        } else {
            Err(JwsError::AlgorithmNotAllowed { alg })
        }
    }
}

impl Default for AlgorithmPolicy {
    fn default() -> Self {
        use Algorithm::*;
        Self::new(Rs256, &[Ps256, Es256, Es384, EdDsa])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.name()), Ok(alg));
        }
    }

    #[test]
    fn refusals_are_distinct() {
        assert_eq!(Algorithm::from_name("none"), Err(JwsError::AlgorithmNone));
        assert!(matches!(
            Algorithm::from_name("HS256"),
            Err(JwsError::MacAlgorithm { .. })
        ));
        assert!(matches!(
            Algorithm::from_name("ES512"),
            Err(JwsError::UnknownAlgorithm { .. })
        ));
        assert!(matches!(
            Algorithm::from_name("rs256"),
            Err(JwsError::UnknownAlgorithm { .. })
        ));
    }

    #[test]
    fn default_policy() {
        let p = AlgorithmPolicy::default();
        assert_eq!(p.algorithms().len(), 5);
        assert!(p.allows(Algorithm::Rs256));
        assert!(!p.allows(Algorithm::Rs384));
        assert_eq!(
            p.check("PS512"),
            Err(JwsError::AlgorithmNotAllowed {
                alg: Algorithm::Ps512
            })
        );
    }
}
