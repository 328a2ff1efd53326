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
            Self::BadPem { blob, source } => {
                write!(
                    f,
                    "PEM input {blob} is malformed: {}",
                    pem_error_text(source)
                )
            }
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

/// A PEM reader's error in words: its own text shows the marker or line it names as a list of
/// byte values (`[67, 69, 82, …]`), which is the text `-----END CERTIFICATE-----`.
pub fn pem_error_text(error: &rustls_pki_types::pem::Error) -> String {
    use rustls_pki_types::pem::Error;
    match error {
        Error::MissingSectionEnd { end_marker } => format!(
            "the section has no end line (-----END {}-----)",
            String::from_utf8_lossy(end_marker).escape_debug()
        ),
        Error::IllegalSectionStart { line } => {
            let line = String::from_utf8_lossy(line);
            let shown: String = line.trim_end().chars().take(80).collect();
            format!("a section starts with an illegal line: {shown:?}")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod pem_error_tests {
    use super::*;
    use rustls_pki_types::pem::PemObject as _;

    #[test]
    fn pem_markers_are_shown_as_text() {
        let truncated = b"-----BEGIN CERTIFICATE-----\nMIIB\n";
        let source = rustls_pki_types::CertificateDer::pem_slice_iter(truncated)
            .find_map(Result::err)
            .expect("a truncated PEM section is an error");
        let message = TrustError::BadPem { blob: 0, source }.to_string();
        assert!(message.contains("-----END CERTIFICATE-----"), "{message}");
        assert!(!message.contains("[45, 45"), "{message}");
    }
}
