//! CONF-048/049/053: whether `Signature.who` names the signer certificate's subject.

use fhirsig_jcs::Document;

use super::element::SignatureElement;
use super::resolve::{resolve_contained, resolve_target, ResolveError};
use super::targets::{target_node, Target};
use super::verify::Coverage;
use crate::report::CheckCode;
use crate::trust::{match_signer_identity, Certificate, Check, SubIndication};

/// CONF-048/049/053: `Signature.who` names the certificate's subject. An identifier is matched
/// against the certificate's SANs (and, when `who.reference` also names a resource of this
/// document, that resource must carry the identifier); a reference alone is matched by the
/// identifiers of the resource it names, but only when `coverage` (what this signature signs)
/// includes that resource: `Signature.who` itself is not signed, so an unsigned resource's
/// identifiers would be the claimant's own word. `required` (the CDex profile) makes a missing
/// identifier a failure; otherwise the identity is "not checked", and the signature is not
/// verified. `holder` is the JSON Pointer of what the signature signs: a reference `#id` names
/// a resource contained in the nearest resource at or above it.
pub(crate) fn signer_identity(
    doc: &Document<'_>,
    holder: &str,
    element: &SignatureElement,
    leaf: Option<&Certificate>,
    required: bool,
    coverage: &Coverage,
) -> Check {
    const CODE: CheckCode = CheckCode::SignerIdentity;
    let identifier = element
        .who_identifier
        .as_ref()
        .and_then(|i| i.value.as_deref().map(|v| (i.system.as_deref(), v)));
    let Some(leaf) = leaf else {
        return Check::not_checked(CODE, "no signer certificate to match Signature.who against");
    };
    if let Some((system, value)) = identifier {
        if let Some(reference) = element.who_reference.as_deref() {
            if let Some(contradiction) = reference_disagrees(doc, holder, reference, system, value)
            {
                return contradiction;
            }
        }
        return match_signer_identity(leaf, system, value)
            .to_check(value)
            .with("conf", "CONF-053");
    }
    if let Some(reference) = element.who_reference.as_deref() {
        return referenced_identity(doc, holder, leaf, reference, coverage);
    }
    if required {
        return Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "Signature.who.identifier is missing; the CDex profile requires it (1..1) to name the signer",
        )
        .with("conf", "CONF-048");
    }
    Check::not_checked(
        CODE,
        "Signature.who has neither an identifier nor a reference to a resource of this document, so the certificate cannot be matched to it",
    )
}

/// The resource `Signature.who.reference` names: a contained one for `#id` (see
/// [`resolve_contained`]), otherwise one of the document as a Provenance target is found.
fn resolve_who<'d>(
    doc: &'d Document<'_>,
    holder: &str,
    reference: &str,
) -> Result<Target<'d>, ResolveError> {
    resolve_contained(doc, holder, reference).unwrap_or_else(|| resolve_target(doc, reference))
}

/// The identifiers (`(system, value)`) of a resource.
fn identifiers_of(resource: fhirsig_jcs::Node<'_>) -> Vec<(Option<&str>, &str)> {
    resource
        .get("identifier")
        .into_iter()
        .flat_map(|ids| ids.elements())
        .filter_map(|id| {
            let value = id.get("value")?.as_str()?;
            Some((id.get("system").and_then(|s| s.as_str()), value))
        })
        .collect()
}

/// When `who` has both an identifier and a reference to a resource of this document, the
/// resource must carry that identifier: otherwise the reference names someone else than the
/// identifier the certificate was matched with.
fn reference_disagrees(
    doc: &Document<'_>,
    holder: &str,
    reference: &str,
    system: Option<&str>,
    value: &str,
) -> Option<Check> {
    let resource = match resolve_who(doc, holder, reference) {
        Ok(Target::Resource(node)) => node,
        _ => return None, // not in this document: nothing to compare
    };
    let agrees = identifiers_of(resource)
        .iter()
        .any(|(s, v)| *v == value && (system.is_none() || *s == system));
    (!agrees).then(|| {
        Check::failed(
            CheckCode::SignerIdentity,
            SubIndication::SigConstraintsFailure,
            format!(
                "Signature.who.reference names {reference:?}, which does not carry Signature.who.identifier {value:?}: the two name different parties"
            ),
        )
        .with("who", reference.to_owned())
        .with("identifier", value.to_owned())
    })
}

/// `Signature.who` as a reference: the referenced resource's identifiers, matched against the
/// certificate, when the signature covers that resource; the first SAN match wins.
fn referenced_identity(
    doc: &Document<'_>,
    holder: &str,
    leaf: &Certificate,
    reference: &str,
    coverage: &Coverage,
) -> Check {
    const CODE: CheckCode = CheckCode::SignerIdentity;
    let resource = match resolve_who(doc, holder, reference) {
        Ok(Target::Resource(node)) => node,
        Ok(target) => target_node(target),
        Err(e) => {
            return Check::not_checked(
                CODE,
                format!(
                    "Signature.who names {reference:?}, which cannot be matched to the certificate: {e}"
                ),
            )
            .with("who", reference.to_owned())
        }
    };
    let pointer = doc.pointer_of(resource.id());
    if !coverage.covers(&pointer) {
        return Check::not_checked(
            CODE,
            format!(
                "Signature.who names {reference:?} ({pointer}), which this signature does not cover: its identifiers are not signed, so they cannot name the signer"
            ),
        )
        .with("who", reference.to_owned());
    }
    let identifiers = identifiers_of(resource);
    if identifiers.is_empty() {
        return Check::not_checked(
            CODE,
            format!("Signature.who names {reference:?}, which has no identifier to match the certificate with"),
        )
        .with("who", reference.to_owned());
    }
    let mut last = None;
    for (system, value) in identifiers {
        let found = match_signer_identity(leaf, system, value);
        if found.is_san_match() {
            return found
                .to_check(value)
                .with("who", reference.to_owned())
                .with("conf", "CONF-053");
        }
        last = Some(found.to_check(value));
    }
    last.map_or_else(
        || Check::not_checked(CODE, "no identifier to match"),
        |check| {
            check
                .with("who", reference.to_owned())
                .with("conf", "CONF-053")
        },
    )
}
