//! Errors for bad input to the trust layer (certificates, anchors, CRLs) and for test-PKI
//! generation. Validation findings are not errors: they are [`super::Check`]s in a report.

use core::fmt;

/// Input given to the trust layer could not be used.
#[derive(Debug)]
#[non_exhaustive]
pub enum TrustError {
    /// The certificate chain (`x5c`) has no entries: there is no signing certificate.
    EmptyChain,
    /// Entry `index` of a certificate list is not a DER X.509 certificate.
    BadCertificate {
        /// Position in the list given (0 = leaf for a chain).
        index: usize,
        /// The DER decoding error.
        source: der::Error,
    },
    /// Entry `index` is a certificate that webpki cannot use (e.g. as a trust anchor).
    UnusableCertificate {
        /// Position in the list given.
        index: usize,
        /// The webpki reason.
        source: webpki::Error,
    },
    /// A PEM blob could not be read.
    BadPem {
        /// Position of the blob in the list given.
        blob: usize,
        /// The PEM reader's error.
        source: rustls_pki_types::pem::Error,
    },
    /// A PEM blob held no `CERTIFICATE` section.
    NoCertificateInPem {
        /// Position of the blob in the list given.
        blob: usize,
    },
    /// No trust anchor was given at all.
    NoTrustAnchors,
    /// The bytes are neither a PEM `X509 CRL` nor a DER CRL.
    BadCrl {
        /// What went wrong.
        reason: String,
    },
    /// The bytes are not a usable DER OCSP response (RFC 6960): not DER, not successful, not
    /// of the basic type.
    BadOcsp {
        /// What went wrong.
        reason: String,
    },
}

impl fmt::Display for TrustError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyChain => f.write_str("certificate chain is empty: no signing certificate"),
            Self::BadCertificate { index, source } => {
                write!(
                    f,
                    "certificate {index} is not a DER X.509 certificate: {source}"
                )
            }
            Self::UnusableCertificate { index, source } => {
                write!(f, "certificate {index} cannot be used: {source}")
            }
            Self::BadPem { blob, source } => write!(f, "PEM input {blob} is malformed: {source}"),
            Self::NoCertificateInPem { blob } => {
                write!(f, "PEM input {blob} contains no CERTIFICATE section")
            }
            Self::NoTrustAnchors => f.write_str("no trust anchor was given"),
            Self::BadCrl { reason } => write!(f, "not a CRL: {reason}"),
            Self::BadOcsp { reason } => write!(f, "not a usable OCSP response: {reason}"),
        }
    }
}

impl std::error::Error for TrustError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::BadCertificate { source, .. } => Some(source),
            Self::UnusableCertificate { source, .. } => Some(source),
            _ => None,
        }
    }
}
