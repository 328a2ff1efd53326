//! The exact bytes that get signed: a resource (or QuestionnaireResponse item) minus the members
//! its canonicalisation rule removes, in RFC 8785 form.
//!
//! Only the root of the signed object is touched: entry `fullUrl`, entry `resource.id` and
//! `resource.meta`, narrative, `link`, `total` and everything else below the root are signed.

use std::fmt;

use fhirsig_jcs::{Document, Exclusions, Node, NodeKind, NumberChanges};

use crate::canonicalization::Canonicalization;

/// The extension that carries a QuestionnaireResponse (or item) signature.
pub const QR_SIGNATURE_EXTENSION: &str =
    "http://hl7.org/fhir/StructureDefinition/questionnaireresponse-signature";

/// What a signature covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignedObject {
    /// A Bundle (document, searchset, collection); signature in `Bundle.signature`.
    Bundle,
    /// A whole QuestionnaireResponse; signature in its signature extension.
    QuestionnaireResponse,
    /// One `QuestionnaireResponse.item`; signature in the item's signature extension.
    QuestionnaireResponseItem,
    /// The targets of a Provenance; signature in `Provenance.signature` (see the
    /// `fhirsig-provenance` crate).
    ProvenanceTargets,
}

impl SignedObject {
    /// How reports name it: `Bundle`, `QuestionnaireResponse`, `QuestionnaireResponse item`,
    /// `Provenance`.
    pub fn name(self) -> &'static str {
        match self {
            SignedObject::Bundle => "Bundle",
            SignedObject::QuestionnaireResponse => "QuestionnaireResponse",
            SignedObject::QuestionnaireResponseItem => "QuestionnaireResponse item",
            SignedObject::ProvenanceTargets => "Provenance",
        }
    }
}

/// The signed bytes of one object, and what the caller should know about them.
#[derive(Debug, Clone)]
pub struct Payload {
    /// RFC 8785 bytes of the object minus the removed members.
    pub bytes: Vec<u8>,
    /// What was signed.
    pub object: SignedObject,
    /// Numbers whose canonical form differs from how they were written (FHIR decimal
    /// precision such as `1.50` → `1.5` is not protected by the signature).
    pub number_changes: NumberChanges,
    /// JSON Pointers of what the rule leaves out: the root members it always removes (for the
    /// CDex rule `/id`, `/meta`, `/signature`, whether present or not) and every signature
    /// extension present. They may change, appear or go without changing the signed bytes.
    pub excluded: Vec<String>,
}

/// Why no payload can be selected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadError {
    /// The value is not a JSON object.
    NotAnObject {
        /// JSON Pointer of the value.
        pointer: String,
    },
    /// The object has no string `resourceType`.
    MissingResourceType {
        /// JSON Pointer of the object.
        pointer: String,
    },
    /// A resource type this rule does not define a payload for.
    UnsupportedResourceType {
        /// The resource type found.
        resource_type: String,
        /// JSON Pointer of the resource.
        pointer: String,
    },
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |p: &str| {
            if p.is_empty() {
                "the document root".to_owned()
            } else {
                p.to_owned()
            }
        };
        match self {
            PayloadError::NotAnObject { pointer } => {
                write!(
                    f,
                    "{} is not a JSON object, so not a FHIR resource",
                    at(pointer)
                )
            }
            PayloadError::MissingResourceType { pointer } => {
                write!(
                    f,
                    "{} has no resourceType, so it is not a FHIR resource",
                    at(pointer)
                )
            }
            PayloadError::UnsupportedResourceType {
                resource_type,
                pointer,
            } => write!(
                f,
                "{resource_type} at {} cannot be signed: FHIR JSON signatures cover a Bundle, a \
                 QuestionnaireResponse or a QuestionnaireResponse item",
                at(pointer)
            ),
        }
    }
}

impl std::error::Error for PayloadError {}

/// The signed payload of a resource (a Bundle or a QuestionnaireResponse) under `rule`.
///
/// # Errors
/// [`PayloadError`] when `resource` is not a Bundle or QuestionnaireResponse object.
pub fn resource_payload(
    doc: &Document<'_>,
    resource: Node<'_>,
    rule: Canonicalization,
) -> Result<Payload, PayloadError> {
    resource_plan(doc, resource, rule).map(|plan| plan.write(doc))
}

/// What a payload rule selects, before any byte is written: the object and what is left out
/// of it. [`PayloadPlan::write`] makes the [`Payload`]; [`PayloadPlan::stream`] hands its bytes
/// to a writer in pieces instead, for a payload too large to hold beside its base64url.
#[derive(Debug, Clone)]
pub struct PayloadPlan<'d> {
    node: Node<'d>,
    exclusions: Exclusions,
    object: SignedObject,
    members: Vec<&'static str>,
}

impl PayloadPlan<'_> {
    /// What is signed.
    pub fn object(&self) -> SignedObject {
        self.object
    }

    /// The payload, written out.
    pub fn write(&self, doc: &Document<'_>) -> Payload {
        let mut bytes = Vec::with_capacity(self.node.span().len());
        doc.write_canonical(self.node.id(), &self.exclusions, &mut bytes);
        Payload {
            bytes,
            object: self.object,
            number_changes: self.number_changes(doc),
            excluded: self.excluded(doc),
        }
    }

    /// Streams the payload bytes to `sink` in pieces.
    ///
    /// # Errors
    /// The first error `sink` returned.
    pub fn stream(&self, doc: &Document<'_>, sink: &mut dyn std::io::Write) -> std::io::Result<()> {
        doc.stream_canonical(self.node.id(), &self.exclusions, sink)
    }

    /// Streams the payload bytes to `sink` and returns its [`PayloadPlan::number_changes`],
    /// found in the same walk.
    ///
    /// # Errors
    /// The first error `sink` returned.
    pub fn stream_noting_numbers(
        &self,
        doc: &Document<'_>,
        sink: &mut dyn std::io::Write,
    ) -> std::io::Result<NumberChanges> {
        doc.stream_canonical_noting_numbers(self.node.id(), &self.exclusions, sink)
    }

    /// An upper bound of the payload's size, good for reserving memory: the object's text
    /// (canonical form drops insignificant white space; only numbers can grow).
    pub fn size_hint(&self) -> usize {
        self.node.span().len()
    }

    /// Numbers whose canonical form differs from how they are written.
    pub fn number_changes(&self, doc: &Document<'_>) -> NumberChanges {
        doc.number_changes(self.node.id(), &self.exclusions)
    }

    /// JSON Pointers of what the rule leaves out (see [`Payload::excluded`]).
    pub fn excluded(&self, doc: &Document<'_>) -> Vec<String> {
        excluded_pointers(doc, self.node, &self.exclusions, &self.members)
    }
}

/// The [`PayloadPlan`] of a resource under `rule` (see [`resource_payload`]).
///
/// # Errors
/// As [`resource_payload`].
pub fn resource_plan<'d>(
    doc: &Document<'_>,
    resource: Node<'d>,
    rule: Canonicalization,
) -> Result<PayloadPlan<'d>, PayloadError> {
    let pointer = || doc.pointer_of(resource.id());
    if resource.kind() != NodeKind::Object {
        return Err(PayloadError::NotAnObject { pointer: pointer() });
    }
    let resource_type = resource
        .get("resourceType")
        .and_then(|t| t.as_str())
        .ok_or_else(|| PayloadError::MissingResourceType { pointer: pointer() })?;
    let mut exclusions = Exclusions::new();
    let (object, members) = match resource_type {
        "Bundle" => {
            exclude_members(resource, &mut exclusions, rule, &["signature"]);
            (SignedObject::Bundle, rule_members(rule, &["signature"]))
        }
        "QuestionnaireResponse" => {
            exclude_members(resource, &mut exclusions, rule, &[]);
            exclude_signature_extensions(resource, &mut exclusions);
            (SignedObject::QuestionnaireResponse, rule_members(rule, &[]))
        }
        other => {
            return Err(PayloadError::UnsupportedResourceType {
                resource_type: other.to_owned(),
                pointer: pointer(),
            })
        }
    };
    Ok(PayloadPlan {
        node: resource,
        exclusions,
        object,
        members,
    })
}

/// The root members `rule` always removes, with `always` (the Bundle's own `signature`).
fn rule_members(rule: Canonicalization, always: &[&'static str]) -> Vec<&'static str> {
    let mut members = Vec::new();
    if rule.strips_id_and_meta() {
        members.extend(["id", "meta"]);
    }
    members.extend_from_slice(always);
    members
}

/// The signed payload of one QuestionnaireResponse item: the item minus its `id` and its
/// signature extension (CDex CONF-036). Nested items are signed as they are.
///
/// # Errors
/// [`PayloadError::NotAnObject`] when `item` is not an object.
pub fn item_payload(doc: &Document<'_>, item: Node<'_>) -> Result<Payload, PayloadError> {
    item_plan(doc, item).map(|plan| plan.write(doc))
}

/// The [`PayloadPlan`] of a QuestionnaireResponse item (see [`item_payload`]).
///
/// # Errors
/// As [`item_payload`].
pub fn item_plan<'d>(doc: &Document<'_>, item: Node<'d>) -> Result<PayloadPlan<'d>, PayloadError> {
    if item.kind() != NodeKind::Object {
        return Err(PayloadError::NotAnObject {
            pointer: doc.pointer_of(item.id()),
        });
    }
    let mut exclusions = Exclusions::new();
    if let Some(id) = item.get("id") {
        exclusions.insert(id.id());
    }
    exclude_signature_extensions(item, &mut exclusions);
    Ok(PayloadPlan {
        node: item,
        exclusions,
        object: SignedObject::QuestionnaireResponseItem,
        members: vec!["id"],
    })
}

/// The rule's root members (present or not) and every excluded value, as sorted pointers.
fn excluded_pointers(
    doc: &Document<'_>,
    node: Node<'_>,
    exclusions: &Exclusions,
    members: &[&str],
) -> Vec<String> {
    let base = doc.pointer_of(node.id());
    let mut out: Vec<String> = members
        .iter()
        .map(|m| format!("{base}/{m}"))
        .chain(exclusions.iter().map(|id| doc.pointer_of(id)))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Leaves out root `id` and `meta` (when the rule says so) and the named members.
fn exclude_members(
    resource: Node<'_>,
    exclusions: &mut Exclusions,
    rule: Canonicalization,
    always: &[&str],
) {
    for (name, value) in resource.members() {
        let by_rule = rule.strips_id_and_meta() && (name == "id" || name == "meta");
        if by_rule || always.contains(&name) {
            exclusions.insert(value.id());
        }
    }
}

/// Leaves out the signature entries of `node.extension`; if no entry is left, the whole
/// `extension` member goes (an empty array would change the bytes; CDex example 4 shows this).
fn exclude_signature_extensions(node: Node<'_>, exclusions: &mut Exclusions) {
    let Some(extensions) = node.get("extension") else {
        return;
    };
    let mut kept = 0;
    for extension in extensions.elements() {
        if is_signature_extension(extension) {
            exclusions.insert(extension.id());
        } else {
            kept += 1;
        }
    }
    if kept == 0 && extensions.kind() == NodeKind::Array {
        exclusions.insert(extensions.id());
    }
}

/// Whether an extension object is the QuestionnaireResponse signature extension.
pub fn is_signature_extension(extension: Node<'_>) -> bool {
    extension.get("url").and_then(|u| u.as_str()) == Some(QR_SIGNATURE_EXTENSION)
}
