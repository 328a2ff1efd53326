//! FHIR R4 Provenance for US Core (3.1.1, 6.1.0, 7.0.0), Da Vinci HRex and Da Vinci PDex: a
//! typed builder, a checker for existing Provenance, and signatures over Provenance targets
//! (including the FHIR R6 draft's embedded signing Provenance inside a Bundle).
//!
//! Like the rest of fhirsig, this crate never reads the clock, the environment or files:
//! `recorded`, signing and verification times, keys and certificates are passed in.
//!
//! - [`ProvenanceBuilder`] makes a Provenance; `build()` only exists once a target, `recorded`
//!   and an agent were given, and profile rules (US Core `provenance-1`, PDex agent types, HRex
//!   `target.reference`) are typed [`BuildError`]s.
//! - [`check()`] reports each profile finding with a stable code, a severity and a FHIRPath-like
//!   location.
//! - [`sign_targets`], [`sign_provenance_in_bundle`], [`sign_bundle_embedded`] and
//!   [`verify_provenance_signatures`] sign and verify.
//! - [`Template`] builds one Provenance per Bundle entry or for a whole Bundle and splices them
//!   into the Bundle's text ([`add_to_bundle`]); [`for_task`] records a CDex Task's document.

mod builder;
mod bundle;
pub mod check;
mod codes;
mod datetime;
mod error;
mod json;
mod model;
mod profile;
mod reference;
mod signature;
mod template;

pub use builder::{Given, Missing, ProvenanceBuilder};
pub use bundle::{append_entries, content_uuid, entry_targets, BundleError, EntryTarget};
pub use check::{check, Finding, Severity};
pub use codes::{
    in_pdex_agent_type_value_set, AgentRole, Coding, SourceFormat, UnknownSourceFormat,
    PARTICIPANT_TYPE_SYSTEM, PDEX_AGENT_ROLE_SYSTEM, SIGNATURE_TYPE_SYSTEM, SOURCE_FORMAT_CODES,
    SOURCE_FORMAT_SYSTEM, SOURCE_FROM_EXTENSION, US_CORE_PARTICIPANT_TYPE_SYSTEM,
};
pub use datetime::{is_date_time, is_instant, DateTime, Instant, InvalidTime};
pub use error::BuildError;
pub use json::Value;
pub use model::{Agent, Entity, EntityRole, Occurred, Provenance};
pub use profile::{Profile, UnknownProfile, HREX_PROVENANCE, PDEX_PROVENANCE, US_CORE_PROVENANCE};
pub use reference::{resource_type_of, Reference};
pub use signature::{
    external_document_format, is_embedded_signing_provenance, provenance_signatures,
    resolve_target, sign_bundle_embedded, sign_provenance_in_bundle, sign_targets, signed_content,
    targets_number_changes, targets_payload, verify_provenance_signatures, ContentError,
    EmbeddedOptions, ProvenanceSignature, ResolveError, SignError, Signature, SignatureType,
    SignedContent, Signer, Target, VerifyOptions, EMBEDDING_BUNDLE, JOSE_SIG_FORMAT, TARGET_FORMAT,
};
pub use template::{add_to_bundle, for_task, Scope, Template, TemplateError};
