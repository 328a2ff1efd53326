//! The R6 draft's embedded signing Provenance: a Provenance entry inside a Bundle whose target
//! `#/` is that Bundle, signed over the Bundle minus every such entry; and counter-signatures.

use super::element::SignatureType;
use super::sign::{sign_targets, SignError, Signer};
use crate::bundle::{append_entries, bundle_root};
use crate::codes::AgentRole;
use crate::datetime::{DateTime, Instant};
use crate::model::{Agent, Occurred};
use crate::profile::Profile;
use crate::reference::Reference;
use crate::ProvenanceBuilder;
use fhirsig_core::fhir::{
    is_signed_embedded_provenance, targets_payload, type_id, Target, EMBEDDING_BUNDLE,
};

/// How the signing Provenance is written.
#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// Its profile (`meta.profile`).
    pub profile: Profile,
    /// Its `recorded` (passed in).
    pub recorded: Instant,
}

/// Adds an embedded signing Provenance to the Bundle `text` and returns the new text.
///
/// Without an earlier signing Provenance, the new one has target `#/` and signs the Bundle minus
/// its `signature` and minus every entry whose resource is a Provenance targeting `#/`
/// (RFC 8785). With one, the new Provenance counter-signs the latest: its targets are `#/` and
/// that Provenance (by `fullUrl`, else `Provenance/id`), and it signs the JSON array
/// `[bundle-minus-signing-provenances, that Provenance]`. The agent is the signer (`verifier`
/// for a verification signature, `author` for an author's signature); `occurredDateTime` is the
/// signing time.
///
/// # Errors
/// [`SignError::Json`], [`SignError::NotABundle`], [`SignError::Build`] (e.g. US Core
/// `provenance-1` for a Practitioner signer without `onBehalfOf`) and the errors of
/// [`sign_targets`].
pub fn sign_bundle_embedded(
    text: &str,
    signer: &Signer<'_>,
    options: &EmbeddedOptions,
) -> Result<String, SignError> {
    let doc = fhirsig_jcs::parse(text.as_bytes()).map_err(SignError::Json)?;
    let root = bundle_root(&doc).map_err(|_| SignError::NotABundle)?;
    let previous = root.get("entry").and_then(|entries| {
        entries
            .elements()
            .filter(|e| e.get("resource").is_some_and(is_signed_embedded_provenance))
            .last()
    });
    let mut references = vec![Reference::to(EMBEDDING_BUNDLE)];
    let mut targets = vec![Target::EmbeddingBundle(root)];
    if let Some(entry) = previous {
        let resource = entry.get("resource");
        let reference = entry
            .get("fullUrl")
            .and_then(|u| u.as_str())
            .map(str::to_owned)
            .or_else(|| resource.and_then(type_id));
        if let (Some(reference), Some(resource)) = (reference, resource) {
            references.push(Reference::to(reference));
            targets.push(Target::Resource(resource));
        }
    }
    let payload = targets_payload(&doc, &targets);
    let signature = sign_targets(&payload, signer)?;
    let role = match signer.kind {
        SignatureType::Author => AgentRole::Author,
        _ => AgentRole::Verifier,
    };
    let mut agent = Agent::new(role, signer.who.clone());
    agent.on_behalf_of = signer.on_behalf_of.clone();
    let when = super::sign::jades_time(&signer.when)?;
    let occurred = DateTime::parse(&when).map_err(|_| SignError::BadTime { when })?;
    let mut builder = ProvenanceBuilder::new(options.profile)
        .target(Reference::to(EMBEDDING_BUNDLE))
        .recorded(options.recorded.clone())
        .agent(agent)
        .occurred(Occurred::DateTime(occurred))
        .signature(signature);
    if references.len() > 1 {
        builder = builder.targets(references.into_iter().skip(1));
    }
    let provenance = builder.build().map_err(SignError::Build)?;
    let (out, _) = append_entries(text, &doc, vec![provenance.to_value()])
        .map_err(|_| SignError::NotABundle)?;
    Ok(out)
}
