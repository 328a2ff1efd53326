//! FHIR JSON signatures: sign and verify Bundles, QuestionnaireResponses and their items under
//! the CDex, CDex 2.x and FHIR R6-draft profiles (CDex CONF-029 to CONF-055; FHIR R6 draft signatures).
//!
//! Signing computes the profile's payload, makes a detached JWS and splices a `Signature`
//! element into the input text, leaving everything else byte-identical. Verification finds every
//! signature in a document (also inside `$submit-attachment` Parameters and contained resources)
//! and reports each CDex conformance rule as a named check, plus the signature value, the
//! certificate chain and the signer's identity.

pub mod canonicalization;
mod checks;
mod decode;
mod element;
mod file_verdict;
pub mod locate;
mod outcome;
pub mod payload;
mod payloads;
mod profile;
mod report_json;
mod resolve;
mod sign;
#[cfg(test)]
mod splice_tests;
mod targets;
mod verify;
mod verify_provenance;
mod who;

pub use crate::trust::{CertificateCache, CertificateSummary, ParsedX5c, SignerInfo};
pub use decode::{decode_signature, DataEncoding, DecodedSignature, Jws};
pub use element::{Coding, Identifier, SignatureElement};
pub use file_verdict::{
    file_verdict, verify_json, verify_json_with, verify_parsed, FileReport, FileRules, FileVerdict,
    Uncovered,
};
pub use outcome::{file_operation_outcome, operation_outcome};
pub use profile::{
    Profile, ASTM_SIGNATURE_TYPE_SYSTEM, JOSE_SIG_FORMAT, R6_TARGET_FORMAT,
    VERIFICATION_SIGNATURE_CODE,
};
pub use report_json::{write_check_json, write_file_json, write_signature_json};
pub use resolve::{resolve_all, resolve_target, type_id, EntryIndex, ResolveError};
pub use sign::{
    jades_time, sign, sign_with_certificates, Party, SignError, SignRequest, Signed,
    SIGNABLE_BUNDLE_TYPES,
};
pub use targets::{
    is_embedded_signing_provenance, is_signed_embedded_provenance, target_exclusions, target_node,
    targets_number_changes, targets_payload, Target, EMBEDDING_BUNDLE,
};
pub use verify::{
    verify_document, Coverage, JwsEntry, SignatureKind, SignatureVerification, VerifyOptions,
};
pub use verify_provenance::{
    external_document_format, provenance_signatures, provenances, signed_content,
    unchecked_provenances, unsigned_provenances, verify_provenance_signatures, ContentError,
    ProvenanceSignature, SignedContent,
};

// For document signatures carried by a Provenance (`crate::document`): the same identity, time
// and commitment rules as a Provenance signature over FHIR targets.
pub(crate) use checks::signature_type as signature_type_check;
pub(crate) use verify_provenance::when_check;
pub(crate) use who::signer_identity;
