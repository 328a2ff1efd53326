//! RSA private keys whose modulus is not a multiple of 512 bits.
//!
//! ring signs only with moduli of 2048, 2560, 3072, … bits (`PrivateModulusLenNotMultipleOf512Bits`)
//! although RFC 7518 section 3.3 asks only for at least 2048; the FHIR IG Publisher's own key is
//! 2056 bits. Those keys sign through RustCrypto's `rsa` (constant-time `crypto-bigint`
//! arithmetic); ring still verifies every RSA signature, of any size from 2048 to 8192 bits.

use rsa::signature::{SignatureEncoding, Signer as _};
use rsa::{BoxedUint, PrivateKey};

use super::{Algorithm, JwsError, KeyError};

/// The components of a two-prime RSA private key, big-endian.
pub(crate) struct RsaComponents<'a> {
    pub(crate) n: &'a [u8],
    pub(crate) e: &'a [u8],
    pub(crate) d: &'a [u8],
    pub(crate) p: &'a [u8],
    pub(crate) q: &'a [u8],
}

/// Whether ring can sign with a modulus of `bits` bits.
pub(crate) fn ring_signs(bits: usize) -> bool {
    bits % 512 == 0
}

/// A key ring refuses, held by the `rsa` crate.
pub(crate) struct AnySizeRsa(Box<PrivateKey>);

impl AnySizeRsa {
    /// Builds the key from its components; `rsa` checks that they belong together.
    pub(crate) fn from_components(c: &RsaComponents<'_>) -> Result<Self, KeyError> {
        let int = BoxedUint::from_be_slice_vartime;
        let key =
            PrivateKey::from_components(int(c.n), int(c.e), int(c.d), vec![int(c.p), int(c.q)])
                .map_err(|e| KeyError::Rejected {
                    reason: format!("RSA key: {e}"),
                })?;
        Ok(Self(Box::new(key)))
    }

    /// Signs with PKCS#1 v1.5 or PSS (salt as long as the hash, RFC 7518 section 3.5).
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>, JwsError> {
        use rsa::{pkcs1v15, pss};
        use sha2::{Sha256, Sha384, Sha512};
        // One clone per signature: the `rsa` signing keys own their private key, and the
        // clone is small beside the private-key operation itself.
        let key = (*self.0).clone();
        let signature = match alg {
            Algorithm::Rs256 => pkcs1v15::SigningKey::<Sha256>::new(key)
                .try_sign(message)
                .map(|s| s.to_vec()),
            Algorithm::Rs384 => pkcs1v15::SigningKey::<Sha384>::new(key)
                .try_sign(message)
                .map(|s| s.to_vec()),
            Algorithm::Rs512 => pkcs1v15::SigningKey::<Sha512>::new(key)
                .try_sign(message)
                .map(|s| s.to_vec()),
            Algorithm::Ps256 => pss::SigningKey::<Sha256>::new(key)
                .try_sign(message)
                .map(|s| s.to_vec()),
            Algorithm::Ps384 => pss::SigningKey::<Sha384>::new(key)
                .try_sign(message)
                .map(|s| s.to_vec()),
            Algorithm::Ps512 => pss::SigningKey::<Sha512>::new(key)
                .try_sign(message)
                .map(|s| s.to_vec()),
            _ => return Err(JwsError::SigningFailed),
        };
        signature.map_err(|_| JwsError::SigningFailed)
    }
}
