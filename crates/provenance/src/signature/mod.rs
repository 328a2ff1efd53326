//! Signatures on Provenance: a detached compact JWS over the Provenance's targets (RFC 8785 of
//! the single target, or of the JSON array of targets in target order, as the FHIR R6 draft
//! describes), the R6 draft's embedded signing Provenance inside a Bundle (target `#/`), and
//! their verification.

mod element;
mod embedded;
mod payload;
mod resolve;
mod sign;
mod verify;

pub use element::{Signature, SignatureType, JOSE_SIG_FORMAT, TARGET_FORMAT};
pub use embedded::{sign_bundle_embedded, EmbeddedOptions};
pub use payload::{
    is_embedded_signing_provenance, targets_number_changes, targets_payload, Target,
    EMBEDDING_BUNDLE,
};
pub use resolve::{resolve_target, ResolveError};
pub use sign::{sign_provenance_in_bundle, sign_targets, SignError, Signer};
pub(crate) use verify::provenances;
pub use verify::{
    external_document_format, provenance_signatures, signed_content, verify_provenance_signatures,
    ContentError, ProvenanceSignature, SignedContent, VerifyOptions,
};

/// `Type/id` of a resource that has both.
pub(crate) fn type_id_of(resource: fhirsig_jcs::Node<'_>) -> Option<String> {
    resolve::type_id(resource)
}
