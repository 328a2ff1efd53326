//! Verifying a signature from the hash of its signing input, for payloads too large to hold.
//!
//! ECDSA (FIPS 186-5 section 6.4.2) signs `H(message)`: the signing input of an ES256 or ES384
//! JWS (RFC 7518 section 3.4) can be hashed while it streams past and verified from the digest,
//! so a 100 MB Bundle's signing input (its payload's base64url, a third larger than the
//! canonical bytes) is never held in memory. RSA and EdDSA keep the whole signing input: the
//! digest route is only an optimisation, and gives the same verdict as the whole-input route
//! (`tests/jws_wycheproof.rs` runs every ECDSA vector through both).

use ring::digest;

use super::{Algorithm, JwsError};

/// Hashes a signing input as it is written, for an algorithm that signs a digest.
pub struct SigningInputHasher {
    alg: Algorithm,
    context: digest::Context,
}

impl SigningInputHasher {
    /// A hasher for `alg`'s signing input; `None` for algorithms verified over the whole
    /// input (RSA, EdDSA).
    pub fn for_algorithm(alg: Algorithm) -> Option<Self> {
        let hash = match alg {
            Algorithm::Es256 => &digest::SHA256,
            Algorithm::Es384 => &digest::SHA384,
            _ => return None,
        };
        Some(Self {
            alg,
            context: digest::Context::new(hash),
        })
    }

    /// Adds the next bytes of the signing input.
    pub fn update(&mut self, bytes: &[u8]) {
        self.context.update(bytes);
    }

    /// The digest of everything added.
    pub fn finish(self) -> SigningInputDigest {
        SigningInputDigest {
            alg: self.alg,
            digest: self.context.finish(),
        }
    }
}

impl std::io::Write for SigningInputHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Debug for SigningInputHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningInputHasher")
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// The hash of a whole signing input under the hash function of one algorithm.
#[derive(Clone)]
pub struct SigningInputDigest {
    alg: Algorithm,
    digest: digest::Digest,
}

impl SigningInputDigest {
    /// The digest of `input` for `alg` (`None` as [`SigningInputHasher::for_algorithm`]).
    pub fn of(alg: Algorithm, input: &[u8]) -> Option<Self> {
        let mut hasher = SigningInputHasher::for_algorithm(alg)?;
        hasher.update(input);
        Some(hasher.finish())
    }

    /// The algorithm whose hash function made the digest; a signature is verified from it
    /// only under this algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The digest bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.digest.as_ref()
    }
}

impl std::fmt::Debug for SigningInputDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningInputDigest")
            .field("alg", &self.alg)
            .field("len", &self.as_bytes().len())
            .finish()
    }
}

/// Verifies an ECDSA signature (`r || s`, already length-checked) over a digest with the SEC1
/// point `point`; the scalars must lie in [1, n-1] and the point on the curve, as in ring.
pub(super) fn verify_ecdsa_digest(
    curve: super::ec::Curve,
    point: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<(), JwsError> {
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let ok = match curve {
        super::ec::Curve::P256 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point);
            let sig = p256::ecdsa::Signature::from_slice(signature);
            matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(digest, &s).is_ok())
        }
        super::ec::Curve::P384 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point);
            let sig = p384::ecdsa::Signature::from_slice(signature);
            matches!((key, sig), (Ok(k), Ok(s)) if k.verify_prehash(digest, &s).is_ok())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(JwsError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jws::{AlgorithmPolicy, CompactJws, HeaderBuilder, SigningKey};

    fn key(jwk: &str) -> SigningKey {
        SigningKey::from_jwk(jwk.as_bytes()).unwrap_or_else(|e| panic!("{e}"))
    }

    // RFC 7515 Appendix A.3 (public test data).
    const P256: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#;

    #[test]
    fn the_digest_route_gives_the_whole_input_verdict() {
        let signer = key(P256);
        let header = HeaderBuilder::new(signer.default_algorithm())
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let payload = b"{\"a\":1}";
        let jws =
            crate::jws::sign_detached(&header, payload, &signer).unwrap_or_else(|e| panic!("{e}"));
        let parsed = CompactJws::parse(&jws).unwrap_or_else(|e| panic!("{e}"));
        let policy = AlgorithmPolicy::default();
        let input = parsed.signing_input(payload);
        let alg = Algorithm::Es256;
        let digest = SigningInputDigest::of(alg, input.as_bytes()).unwrap_or_else(|| panic!());
        let key = signer.verifying_key();
        assert_eq!(
            parsed.verify_signing_input_digest(&digest, key, &policy),
            Ok(())
        );
        // One byte more in the input: refused.
        let other =
            SigningInputDigest::of(alg, format!("{input}A").as_bytes()).unwrap_or_else(|| panic!());
        assert_eq!(
            parsed.verify_signing_input_digest(&other, key, &policy),
            Err(JwsError::BadSignature)
        );
        // A digest made for another algorithm than the header's is not used.
        let es384 =
            SigningInputDigest::of(Algorithm::Es384, input.as_bytes()).unwrap_or_else(|| panic!());
        assert_eq!(
            parsed.verify_signing_input_digest(&es384, key, &policy),
            Err(JwsError::SigningInputMismatch)
        );
        // The policy still decides which algorithms count.
        let rsa_only = AlgorithmPolicy::new(Algorithm::Rs256, &[]);
        assert!(matches!(
            parsed.verify_signing_input_digest(&digest, key, &rsa_only),
            Err(JwsError::AlgorithmNotAllowed { .. })
        ));
        // RSA and EdDSA have no digest route.
        assert!(SigningInputHasher::for_algorithm(Algorithm::Rs256).is_none());
        assert!(SigningInputHasher::for_algorithm(Algorithm::EdDsa).is_none());
    }

    #[test]
    fn an_attached_payload_is_refused_saying_whether_it_is_the_hashed_one() {
        let signer = key(P256);
        let header = HeaderBuilder::new(Algorithm::Es256)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let detached =
            crate::jws::sign_detached(&header, b"{}", &signer).unwrap_or_else(|e| panic!("{e}"));
        let (head, sig) = detached.split_once("..").unwrap_or_else(|| panic!());
        let attached = format!("{head}.e30.{sig}");
        let parsed = CompactJws::parse(&attached).unwrap_or_else(|e| panic!("{e}"));
        let policy = AlgorithmPolicy::default();
        let same = SigningInputDigest::of(Algorithm::Es256, format!("{head}.e30").as_bytes())
            .unwrap_or_else(|| panic!());
        assert_eq!(
            parsed.verify_signing_input_digest(&same, signer.verifying_key(), &policy),
            Err(JwsError::PayloadNotDetached { matches: true })
        );
        let other = SigningInputDigest::of(Algorithm::Es256, format!("{head}.e31").as_bytes())
            .unwrap_or_else(|| panic!());
        assert_eq!(
            parsed.verify_signing_input_digest(&other, signer.verifying_key(), &policy),
            Err(JwsError::PayloadNotDetached { matches: false })
        );
    }
}
