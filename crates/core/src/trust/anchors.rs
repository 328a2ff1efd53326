//! Trust anchors: the certificates a relying party trusts by configuration.

use super::certificate::{certificates_from_pem, Certificate};
use super::error::TrustError;

/// The configured trust anchors (root CAs, or self-signed signer certificates trusted directly,
/// as in the CDex examples).
#[derive(Clone, Debug)]
pub struct TrustAnchors {
    certs: Vec<Certificate>,
}

impl TrustAnchors {
    /// Reads every certificate of several PEM blobs (each one file's contents; a blob may also be
    /// one DER certificate).
    ///
    /// # Errors
    /// [`TrustError::NoTrustAnchors`] when no blob is given; PEM and certificate errors naming
    /// the blob; [`TrustError::UnusableCertificate`] when webpki cannot use a certificate as an
    /// anchor.
    pub fn from_pem(blobs: &[&[u8]]) -> Result<Self, TrustError> {
        if blobs.is_empty() {
            return Err(TrustError::NoTrustAnchors);
        }
        Self::from_certificates(certificates_from_pem(blobs)?)
    }

    /// Uses already parsed certificates as anchors.
    ///
    /// # Errors
    /// As [`TrustAnchors::from_pem`].
    pub fn from_certificates(certs: Vec<Certificate>) -> Result<Self, TrustError> {
        if certs.is_empty() {
            return Err(TrustError::NoTrustAnchors);
        }
        // A certificate whose subject and key cannot be read is refused here rather than
        // at every validation.
        for (index, cert) in certs.iter().enumerate() {
            webpki::anchor_from_trusted_cert(&cert.as_pki())
                .map_err(|source| TrustError::UnusableCertificate { index, source })?;
        }
        Ok(Self { certs })
    }

    /// The anchor certificates.
    pub fn certificates(&self) -> &[Certificate] {
        &self.certs
    }
}
