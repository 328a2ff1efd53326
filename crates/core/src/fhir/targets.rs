//! The bytes a Provenance signature covers.

use fhirsig_jcs::{Document, Exclusions, Node, NumberChanges};

/// The reference by which an embedded signing Provenance names the Bundle that contains it.
pub const EMBEDDING_BUNDLE: &str = "#/";

/// One signed target, resolved to a value of the document.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Target<'d> {
    /// A resource, signed whole (RFC 8785).
    Resource(Node<'d>),
    /// The Bundle an embedded signing Provenance lives in (`#/`): signed minus its root
    /// `signature` and minus every entry whose resource is a Provenance targeting `#/`.
    EmbeddingBundle(Node<'d>),
}

/// Whether `resource` is a Provenance with a target `{"reference": "#/"}`.
pub fn is_embedded_signing_provenance(resource: Node<'_>) -> bool {
    resource.get("resourceType").and_then(|t| t.as_str()) == Some("Provenance")
        && resource.get("target").is_some_and(|targets| {
            targets
                .elements()
                .any(|t| t.get("reference").and_then(|r| r.as_str()) == Some(EMBEDDING_BUNDLE))
        })
}

/// Whether `resource` is an embedded signing Provenance ([`is_embedded_signing_provenance`])
/// that carries at least one `signature`: what a `#/` signature leaves out of the Bundle.
pub fn is_signed_embedded_provenance(resource: Node<'_>) -> bool {
    is_embedded_signing_provenance(resource)
        && resource
            .get("signature")
            .is_some_and(|s| s.elements().next().is_some())
}

/// The signed bytes: RFC 8785 of the single target, or of the JSON array of all targets in
/// target order.
pub fn targets_payload(doc: &Document<'_>, targets: &[Target<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    if let [only] = targets {
        write_target(doc, *only, &mut out);
        return out;
    }
    out.push(b'[');
    for (i, target) in targets.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_target(doc, *target, &mut out);
    }
    out.push(b']');
    out
}

/// Numbers of the targets whose canonical form differs from how they are written (the
/// precision a signature over them does not protect), in target order.
pub fn targets_number_changes(doc: &Document<'_>, targets: &[Target<'_>]) -> NumberChanges {
    let mut changes = NumberChanges::new();
    for target in targets {
        let (node, exclusions) = signed_part(*target);
        changes.append(doc.number_changes(node.id(), &exclusions));
    }
    changes
}

fn write_target(doc: &Document<'_>, target: Target<'_>, out: &mut Vec<u8>) {
    let (node, exclusions) = signed_part(target);
    doc.write_canonical(node.id(), &exclusions, out);
}

/// JSON Pointers of what a target's signature leaves out: for `#/`, the Bundle's `signature`
/// and the entries holding embedded signing Provenances; nothing for a resource.
pub fn target_exclusions(doc: &Document<'_>, target: Target<'_>) -> Vec<String> {
    let (_, exclusions) = signed_part(target);
    exclusions.iter().map(|id| doc.pointer_of(id)).collect()
}

/// The node a target names.
pub fn target_node(target: Target<'_>) -> Node<'_> {
    match target {
        Target::Resource(node) | Target::EmbeddingBundle(node) => node,
    }
}

/// The value a target signs and what inside it is left out.
fn signed_part(target: Target<'_>) -> (Node<'_>, Exclusions) {
    match target {
        Target::Resource(node) => (node, Exclusions::new()),
        Target::EmbeddingBundle(bundle) => {
            let mut exclusions = Exclusions::new();
            if let Some(sig) = bundle.get("signature") {
                exclusions.insert(sig.id());
            }
            if let Some(entries) = bundle.get("entry") {
                for entry in entries.elements() {
                    // Only a signing Provenance that carries a signature is left out: an
                    // unsigned look-alike (target #/, no signature) is content like any other,
                    // so adding one after signing breaks the signature instead of hiding.
                    if entry
                        .get("resource")
                        .is_some_and(is_signed_embedded_provenance)
                    {
                        exclusions.insert(entry.id());
                    }
                }
            }
            (bundle, exclusions)
        }
    }
}
