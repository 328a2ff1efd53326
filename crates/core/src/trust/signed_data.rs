//! Verifying an X.509 `SIGNED{...}` structure (here: CRLs) with an issuer's public key, using
//! the same algorithm allow-list webpki applies to certificates (no SHA-1, RSA >= 2048 bits).

use der::asn1::AnyRef;
use der::{Decode, Encode};
use x509_cert::spki::AlgorithmIdentifierOwned;
use x509_cert::spki::SubjectPublicKeyInfoOwned;

/// Why a signed structure did not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignedDataError {
    /// The (key algorithm, signature algorithm) pair is not on webpki's allow-list.
    UnsupportedAlgorithm,
    /// The signature does not verify with the key, or the key is malformed.
    BadSignature,
}

/// Verifies `signature` over `message` made with `algorithm` by the key in `spki_der`.
pub(crate) fn verify(
    spki_der: &[u8],
    algorithm: &AlgorithmIdentifierOwned,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignedDataError> {
    let spki =
        SubjectPublicKeyInfoOwned::from_der(spki_der).map_err(|_| SignedDataError::BadSignature)?;
    let key_alg = inner(&spki.algorithm).ok_or(SignedDataError::UnsupportedAlgorithm)?;
    let sig_alg = inner(algorithm).ok_or(SignedDataError::UnsupportedAlgorithm)?;
    let alg = webpki::ALL_VERIFICATION_ALGS
        .iter()
        .find(|a| {
            a.public_key_alg_id().as_ref() == key_alg && a.signature_alg_id().as_ref() == sig_alg
        })
        .ok_or(SignedDataError::UnsupportedAlgorithm)?;
    let key = spki.subject_public_key.raw_bytes();
    alg.verify_signature(key, message, signature)
        .map_err(|_| SignedDataError::BadSignature)
}

/// The DER contents (without the SEQUENCE header) of an AlgorithmIdentifier, as pki-types
/// compares them.
fn inner(alg: &AlgorithmIdentifierOwned) -> Option<Vec<u8>> {
    let der = alg.to_der().ok()?;
    let any = AnyRef::from_der(&der).ok()?;
    Some(any.value().to_vec())
}

/// The exact bytes of the first element (the TBS part) of a DER `SIGNED{...}` SEQUENCE.
pub(crate) fn tbs_bytes(signed_der: &[u8]) -> Option<Vec<u8>> {
    let outer = AnyRef::from_der(signed_der).ok()?;
    let mut reader = der::SliceReader::new(outer.value()).ok()?;
    let tbs = AnyRef::decode(&mut reader).ok()?;
    tbs.to_der().ok()
}
