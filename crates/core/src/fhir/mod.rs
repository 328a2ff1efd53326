//! FHIR JSON signatures: sign and verify Bundles, QuestionnaireResponses and their items under
//! the CDex, CDex 2.x and FHIR R6-draft profiles (spec digest sections 2–4, 10).
//!
//! Signing computes the profile's payload, makes a detached JWS and splices a `Signature`
//! element into the input text, leaving everything else byte-identical. Verification finds every
//! signature in a document (also inside `$submit-attachment` Parameters and contained resources)
//! and reports each CDex conformance rule as a named check, plus the signature value, the
//! certificate chain and the signer's identity.

mod checks;
mod element;
mod jsonw;
mod outcome;
mod profile;
mod sign;
mod splice;
mod verify;
mod x5c_cache;

pub use element::{Coding, Identifier, SignatureElement};
pub use outcome::operation_outcome;
pub use profile::{
    Profile, ASTM_SIGNATURE_TYPE_SYSTEM, JOSE_SIG_FORMAT, R6_TARGET_FORMAT,
    VERIFICATION_SIGNATURE_CODE,
};
pub use sign::{
    jades_time, sign, sign_with_certificates, Party, SignError, SignRequest, Signed,
    SIGNABLE_BUNDLE_TYPES,
};
pub use verify::{
    verify_document, CertificateSummary, SignatureKind, SignatureVerification, SignerInfo,
    VerifyOptions,
};
pub use x5c_cache::{CertificateCache, ParsedX5c};
