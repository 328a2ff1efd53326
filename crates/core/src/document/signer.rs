//! Signing documents: an RFC 7515 detached JWS over one document's bytes, a JAdES `sigD` JWS over
//! the digests of several documents, or a CMS (CAdES-BES) detached SignedData.

use time::OffsetDateTime;

use super::{cms, sigd, DocumentDigest, DocumentError};
use crate::jws::{self, Algorithm, HeaderBuilder, Signer, CDEX_VERIFICATION_COMMITMENT};

/// Signs documents with one key and certificate chain. Every signature it makes carries the
/// chain (`x5c`, or CMS `certificates`), the signing time if one was set (`sigT`, or the CMS
/// signing-time attribute) and, for JWS, the JAdES commitment "Verification Signature" unless
/// [`DocumentSigner::without_commitment`] was called.
#[derive(Debug)]
pub struct DocumentSigner<'k> {
    key: &'k dyn Signer,
    alg: Algorithm,
    chain: Vec<Vec<u8>>,
    signing_time: Option<OffsetDateTime>,
    commitment: bool,
}

impl<'k> DocumentSigner<'k> {
    /// A signer with `key` and its certificate chain (DER, signer first; may be empty for a JWS
    /// that is verified with a known key). The algorithm is the key's default.
    pub fn new(key: &'k dyn Signer, chain: Vec<Vec<u8>>) -> Self {
        Self {
            key,
            alg: key.default_algorithm(),
            chain,
            signing_time: None,
            commitment: true,
        }
    }

    /// Chooses the JWS algorithm (e.g. PS256 for an RSA key). CMS signatures ignore it: they use
    /// RSA PKCS#1 v1.5 or ECDSA, with SHA-256.
    #[must_use]
    pub fn algorithm(mut self, alg: Algorithm) -> Self {
        self.alg = alg;
        self
    }

    /// Sets the claimed signing time (the library never reads the clock).
    #[must_use]
    pub fn signing_time(mut self, at: OffsetDateTime) -> Self {
        self.signing_time = Some(at);
        self
    }

    /// Leaves out the JAdES `srCms` commitment type.
    #[must_use]
    pub fn without_commitment(mut self) -> Self {
        self.commitment = false;
        self
    }

    /// An RFC 7515 Appendix F detached compact JWS (`header..signature`) over `document`'s bytes:
    /// any JOSE library verifies it given the file. The signing input holds the base64url of the
    /// whole document, so memory grows with its size (about 2.4 times it); prefer
    /// [`DocumentSigner::sign_sigd`] for large files. No `crit` is emitted, for the same
    /// interoperability.
    ///
    /// # Errors
    /// [`DocumentError::Jws`] if the header cannot be built or the key cannot sign with the
    /// algorithm.
    pub fn sign_detached(&self, document: &[u8]) -> Result<String, DocumentError> {
        let header = self.header(false).build()?;
        Ok(jws::sign_detached(&header, document, self.key)?)
    }

    /// A JAdES detached compact JWS whose `sigD` header (mechanism `ObjectIdByURIHash`) lists
    /// each document's URI and SHA-256; the JWS payload is empty, so the signing input is the
    /// header's base64url and `.` and memory does not depend on the documents' sizes. `crit`
    /// lists `sigT` (when set), `srCms` (when set) and `sigD`, as JAdES requires.
    ///
    /// # Errors
    /// [`DocumentError::NoDocuments`], [`DocumentError::DuplicateUri`], and the errors of
    /// [`DocumentSigner::sign_detached`].
    pub fn sign_sigd(&self, documents: &[DocumentDigest]) -> Result<String, DocumentError> {
        if documents.is_empty() {
            return Err(DocumentError::NoDocuments);
        }
        for (i, d) in documents.iter().enumerate() {
            if documents[..i].iter().any(|e| e.uri() == d.uri()) {
                return Err(DocumentError::DuplicateUri {
                    uri: d.uri().to_owned(),
                });
            }
        }
        let mut builder = self.header(true);
        builder = builder
            .critical("sigD")
            .member("sigD", &sigd::to_json(documents));
        Ok(jws::sign_detached(&builder.build()?, b"", self.key)?)
    }

    /// A CMS detached SignedData (`.p7s`, DER) over the document whose digest is given: signed
    /// attributes content-type, message-digest, signing-time (when set) and ESS
    /// signing-certificate-v2; certificates = the chain. RSA keys sign with PKCS#1 v1.5 and
    /// EC P-256 keys with ECDSA (DER), both with SHA-256.
    ///
    /// # Errors
    /// [`DocumentError::CmsNeedsCertificate`], [`DocumentError::CmsUnsupportedKey`],
    /// [`DocumentError::BadCertificate`], [`DocumentError::Jws`] if signing fails.
    pub fn sign_cms(&self, document: &DocumentDigest) -> Result<Vec<u8>, DocumentError> {
        cms::sign(self.key, &self.chain, document.sha256(), self.signing_time)
    }

    fn header(&self, crit: bool) -> HeaderBuilder {
        let mut builder = HeaderBuilder::new(self.alg);
        for cert in &self.chain {
            builder = builder.certificate(cert);
        }
        if let Some(at) = self.signing_time {
            builder = builder.signing_time(at);
            if crit {
                builder = builder.critical("sigT");
            }
        }
        if self.commitment {
            builder =
                builder.commitment(CDEX_VERIFICATION_COMMITMENT, Some("Verification Signature"));
            if crit {
                builder = builder.critical("srCms");
            }
        }
        builder
    }
}
