//! Errors of document signing and of reading the documents themselves. A signature that does not
//! verify is never an error here: it is a failed check in the [`crate::trust::Report`].

use std::fmt;

use crate::jws::{JwsError, KeyKind};

/// Why a document signature could not be produced, or a document could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum DocumentError {
    /// Reading a document failed (the caller's stream).
    Read {
        /// The document's URI or name.
        document: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A signature over several documents was asked for no document.
    NoDocuments,
    /// Two documents of one signature have the same URI.
    DuplicateUri {
        /// The URI given twice.
        uri: String,
    },
    /// A document URI is empty or contains characters a URI reference cannot hold.
    InvalidUri {
        /// The URI as given.
        uri: String,
    },
    /// Building the JWS header or signing failed.
    Jws(JwsError),
    /// CMS signatures are made with RSA or EC P-256 keys only.
    CmsUnsupportedKey {
        /// The key given.
        key: KeyKind,
    },
    /// A CMS signature needs the signer certificate (the first of the chain).
    CmsNeedsCertificate,
    /// The signer certificate could not be read.
    BadCertificate {
        /// What was wrong.
        reason: String,
    },
}

impl fmt::Display for DocumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read { document, source } => write!(f, "cannot read {document}: {source}"),
            Self::NoDocuments => f.write_str("no document to sign"),
            Self::DuplicateUri { uri } => {
                write!(f, "the document URI {uri:?} is given twice")
            }
            Self::InvalidUri { uri } => write!(
                f,
                "{uri:?} is not a usable document URI (empty, or characters outside RFC 3986)"
            ),
            Self::Jws(e) => write!(f, "{e}"),
            Self::CmsUnsupportedKey { key } => write!(
                f,
                "CMS signatures are made with RSA or EC P-256 keys; this key is {key}"
            ),
            Self::CmsNeedsCertificate => {
                f.write_str("a CMS signature needs the signer certificate (none was given)")
            }
            Self::BadCertificate { reason } => {
                write!(f, "the signer certificate cannot be read: {reason}")
            }
        }
    }
}

impl std::error::Error for DocumentError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Read { source, .. } => Some(source),
            Self::Jws(e) => Some(e),
            _ => None,
        }
    }
}

impl From<JwsError> for DocumentError {
    fn from(e: JwsError) -> Self {
        Self::Jws(e)
    }
}
