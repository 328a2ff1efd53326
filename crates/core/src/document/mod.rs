//! Signatures over non-FHIR documents (C-CDA, PDF, images, any bytes), verified into the same
//! [`crate::trust::Report`] as FHIR signatures. See `docs/documents.md`.
//!
//! Three forms:
//! - **RFC 7515 detached JWS** over one document's bytes ([`DocumentSigner::sign_detached`]):
//!   any JOSE library verifies it; memory grows with the document (the signing input holds its
//!   base64url).
//! - **JAdES `sigD` JWS** ([`DocumentSigner::sign_sigd`]): the signed header names each document
//!   by URI and SHA-256 (`ObjectIdByURIHash`), the payload is empty; one signature commits to a
//!   set of files, documents are hashed while read ([`DocumentDigest::from_reader`]), and
//!   verification names each document that is missing, extra or changed.
//! - **CMS / CAdES-BES detached** `.p7s` ([`DocumentSigner::sign_cms`],
//!   [`DocumentVerifier::verify_cms`]), interoperable with `openssl cms`.
//!
//! ```
//! use fhirsig_core::document::{DocumentDigest, DocumentSigner, DocumentVerifier, JwsContent};
//! use fhirsig_core::jws::SigningKey;
//!
//! let key = SigningKey::from_jwk(br#"{"kty":"EC","crv":"P-256",
//!     "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!     "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
//!     "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}"#)?;
//! let docs = [
//!     DocumentDigest::from_reader("ccd.xml", &b"<ClinicalDocument/>"[..])?,
//!     DocumentDigest::from_reader("scan.pdf", &b"%PDF-1.7"[..])?,
//! ];
//! let jws = DocumentSigner::new(&key, Vec::new()).sign_sigd(&docs)?;
//!
//! let verifier = DocumentVerifier::with_key(key.verifying_key().clone());
//! let report = verifier.verify_jws(&jws, JwsContent::Documents(&docs));
//! assert!(report.passed());
//!
//! // A changed document is named.
//! let changed = [docs[0].clone(), DocumentDigest::from_reader("scan.pdf", &b"%PDF-1.6"[..])?];
//! let report = verifier.verify_jws(&jws, JwsContent::Documents(&changed));
//! assert!(!report.passed());
//! assert!(report.to_string().contains("scan.pdf was changed"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cms;
mod digest;
mod error;
mod media_type;
mod provenance;
mod sigd;
mod signer;
mod uri;
mod verifier;
mod verify_jws;

pub use digest::DocumentDigest;
pub use error::DocumentError;
pub use media_type::media_type_for;
pub use provenance::{
    carried_signature, provenance_claim_checks, CarriedSignature, CarriedSignatureError,
};
pub use sigd::{signed_documents, SignedDocument, HASH_S256, OBJECT_ID_BY_URI_HASH};
pub use signer::DocumentSigner;
pub use uri::uri_for_path;
pub use verifier::{DocumentVerifier, SignerTrust};
pub use verify_jws::{jws_uses_sigd, JwsContent};

/// What a signature file holds, judged from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureFormat {
    /// A compact JWS (text of three base64url parts).
    Jws,
    /// A CMS SignedData (DER starting with a SEQUENCE, or PEM `CMS` / `PKCS7`).
    Cms,
}

impl SignatureFormat {
    /// Guesses the kind: DER or a CMS/PKCS7 PEM is CMS, anything else is treated as a JWS.
    pub fn detect(signature: &[u8]) -> Self {
        let pem = signature.starts_with(b"-----BEGIN CMS-----")
            || signature.starts_with(b"-----BEGIN PKCS7-----");
        if signature.first() == Some(&0x30) || pem {
            Self::Cms
        } else {
            Self::Jws
        }
    }
}
