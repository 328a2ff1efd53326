//! The key-source abstraction: whatever holds a private key and can make one raw signature.
//!
//! Every signing API of the crate (FHIR signatures, document signatures, CMS, Provenance) takes a
//! `&dyn Signer`, so a key in memory ([`super::SigningKey`]), a key that never leaves a PKCS#11
//! token, or a cloud KMS key all sign through the same code.

use super::verifying_key::algorithms_for;
use super::{Algorithm, JwsError, KeyKind, VerifyingKey};

/// A private key that makes raw JWS signatures, wherever it is kept.
///
/// Implementations are shared across threads (a batch signs in parallel), so they hold their own
/// synchronisation (a token session behind a lock, for example). They must never put key
/// material, PINs or passwords in [`Signer::describe`] or in an error.
pub trait Signer: Send + Sync + std::fmt::Debug {
    /// The public key the signatures verify with (it is compared with the signer certificate's).
    fn verifying_key(&self) -> &VerifyingKey;

    /// Signs `message` with `alg` and returns the signature in its JOSE form: ECDSA as raw
    /// `r||s` (RFC 7518 section 3.4), RSA as the modulus-length octet string, Ed25519 as 64
    /// octets.
    ///
    /// # Errors
    /// [`JwsError::KeyAlgorithmMismatch`] (or another algorithm refusal) when the key cannot do
    /// `alg`, [`JwsError::SigningFailed`] or [`JwsError::KeySource`] when the key's holder fails.
    fn sign_raw(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwsError>;

    /// Where the key is, for messages: "P-256 key" or "PKCS#11 token \"ehr\" object \"sign\"".
    fn describe(&self) -> String {
        format!("{} key", self.kind())
    }

    /// The key's kind.
    fn kind(&self) -> KeyKind {
        self.verifying_key().kind()
    }

    /// The algorithms the key can sign with.
    fn algorithms(&self) -> &'static [Algorithm] {
        algorithms_for(self.kind())
    }

    /// The algorithm used unless told otherwise: ES256 for P-256, ES384 for P-384, RS256 for
    /// RSA, EdDSA for Ed25519.
    fn default_algorithm(&self) -> Algorithm {
        default_algorithm_for(self.kind())
    }
}

/// The default JWS algorithm of a key kind.
pub(crate) fn default_algorithm_for(kind: KeyKind) -> Algorithm {
    match kind {
        KeyKind::EcP256 => Algorithm::Es256,
        KeyKind::EcP384 => Algorithm::Es384,
        KeyKind::Ed25519 => Algorithm::EdDsa,
        _ => Algorithm::Rs256,
    }
}
