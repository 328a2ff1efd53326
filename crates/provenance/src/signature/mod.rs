//! Signatures on Provenance: a detached compact JWS over the Provenance's targets (RFC 8785 of
//! the single target, or of the JSON array of targets in target order, as the FHIR R6 draft
//! describes) and the R6 draft's embedded signing Provenance inside a Bundle (target `#/`).
//! Verification is the core's (`fhirsig_core::fhir::verify_provenance_signatures`), re-exported
//! here.

mod element;
mod embedded;
mod sign;

pub use element::{Signature, SignatureType, JOSE_SIG_FORMAT, TARGET_FORMAT};
pub use embedded::{sign_bundle_embedded, EmbeddedOptions};
// Locating targets, rebuilding what a signature covers and verifying it live in the core,
// beside every other signature fhirsig verifies; re-exported here for callers of this crate.
pub use fhirsig_core::fhir::{
    external_document_format, is_embedded_signing_provenance, provenance_signatures, provenances,
    resolve_target, signed_content, targets_number_changes, targets_payload,
    verify_provenance_signatures, ContentError, ProvenanceSignature, ResolveError, SignedContent,
    Target, VerifyOptions, EMBEDDING_BUNDLE,
};
pub use sign::{sign_provenance_in_bundle, sign_targets, SignError, Signer};

/// `Type/id` of a resource that has both.
pub(crate) fn type_id_of(resource: fhirsig_jcs::Node<'_>) -> Option<String> {
    fhirsig_core::fhir::type_id(resource)
}
