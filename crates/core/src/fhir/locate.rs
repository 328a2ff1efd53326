//! Finding the signable (and signed) objects in a FHIR JSON document.
//!
//! A file may be the signed resource itself (a Bundle or QuestionnaireResponse), or carry it:
//! a `$submit-attachment` Parameters (`parameter[name=Attachment].part[name=Content].resource`,
//! or any other parameter resource), a Task with the document contained, or a
//! QuestionnaireResponse whose items carry their own signatures.

use fhirsig_jcs::{Document, Node, NodeKind};

use crate::payload::{is_signature_extension, SignedObject};

/// One object a signature covers or could cover.
#[derive(Debug, Clone)]
pub struct Located<'d> {
    /// JSON Pointer of the object in the document.
    pub pointer: String,
    /// The object.
    pub node: Node<'d>,
    /// What kind of object.
    pub object: SignedObject,
    /// Its `Signature` elements: `Bundle.signature`, or the `valueSignature` of every
    /// signature extension (a QuestionnaireResponse or item may carry several); empty when
    /// unsigned.
    pub signatures: Vec<Node<'d>>,
}

impl Located<'_> {
    /// Whether the object carries at least one signature.
    pub fn is_signed(&self) -> bool {
        !self.signatures.is_empty()
    }
}

/// Every Bundle, QuestionnaireResponse and signed QuestionnaireResponse item in the document
/// (also as Bundle entries, Parameters resources and contained resources), outermost first.
pub fn locate<'d>(doc: &'d Document<'_>) -> Vec<Located<'d>> {
    let mut found = Vec::new();
    visit_resource(doc, doc.root(), &mut found, None);
    found
}

/// What verifying a document needs to know of its structure, found in one walk: the signable
/// objects ([`locate`]) and the Provenances (the root, or the resources of the root Bundle's
/// entries, as [`provenances`] lists them). Verifying and judging a large Bundle walks its
/// entries once instead of once per question. Crate-private: an index of another document
/// (or an edited one) must never reach a verdict, so only [`crate::fhir::verify_parsed`] pairs
/// a document with its own index.
///
/// [`provenances`]: crate::fhir::provenances
#[derive(Debug, Clone)]
pub(crate) struct DocumentIndex<'d> {
    /// The signable objects, as [`locate`] finds them.
    pub(crate) located: Vec<Located<'d>>,
    /// Every Provenance with its JSON Pointer, in document order.
    pub(crate) provenances: Vec<(String, Node<'d>)>,
}

impl<'d> DocumentIndex<'d> {
    /// Walks `doc` once.
    pub(crate) fn of(doc: &'d Document<'_>) -> Self {
        let mut located = Vec::new();
        let mut provenances = Vec::new();
        let root = doc.root();
        if visit_resource(doc, root, &mut located, Some(&mut provenances)) == Some("Provenance") {
            provenances.push((String::new(), root));
        }
        DocumentIndex {
            located,
            provenances,
        }
    }
}

/// Visits one resource and what it carries; returns its `resourceType`. `provenances` is given
/// for the root only: the Provenances among its Bundle entries are collected there.
fn visit_resource<'d>(
    doc: &'d Document<'_>,
    resource: Node<'d>,
    found: &mut Vec<Located<'d>>,
    mut provenances: Option<&mut Vec<(String, Node<'d>)>>,
) -> Option<&'d str> {
    if resource.kind() != NodeKind::Object {
        return None;
    }
    let resource_type = resource.get("resourceType").and_then(|t| t.as_str());
    match resource_type {
        Some("Bundle") => {
            found.push(Located {
                pointer: doc.pointer_of(resource.id()),
                node: resource,
                object: SignedObject::Bundle,
                signatures: resource.get("signature").into_iter().collect(),
            });
            // A Bundle may carry signed Bundles and QuestionnaireResponses as entries (a
            // searchset of signed documents): their own signatures are verified too.
            for (i, entry) in resource
                .get("entry")
                .into_iter()
                .flat_map(|e| e.elements())
                .enumerate()
            {
                if let Some(inner) = entry.get("resource") {
                    let kind = visit_resource(doc, inner, found, None);
                    if let (Some(list), Some("Provenance")) = (provenances.as_deref_mut(), kind) {
                        list.push((format!("/entry/{i}/resource"), inner));
                    }
                }
            }
        }
        Some("QuestionnaireResponse") => {
            found.push(Located {
                pointer: doc.pointer_of(resource.id()),
                node: resource,
                object: SignedObject::QuestionnaireResponse,
                signatures: signature_extension_values(resource),
            });
            visit_items(doc, resource, found);
        }
        Some("Parameters") => {
            for parameter in resource
                .get("parameter")
                .into_iter()
                .flat_map(|p| p.elements())
            {
                visit_parameter(doc, parameter, found);
            }
        }
        _ => {}
    }
    // Any resource may contain others (a Task with its output document contained).
    for contained in resource
        .get("contained")
        .into_iter()
        .flat_map(|c| c.elements())
    {
        visit_resource(doc, contained, found, None);
    }
    resource_type
}

fn visit_parameter<'d>(doc: &'d Document<'_>, parameter: Node<'d>, found: &mut Vec<Located<'d>>) {
    if let Some(resource) = parameter.get("resource") {
        visit_resource(doc, resource, found, None);
    }
    for part in parameter.get("part").into_iter().flat_map(|p| p.elements()) {
        visit_parameter(doc, part, found);
    }
}

/// Items (at any depth, including items under answers) that carry a signature extension.
fn visit_items<'d>(doc: &'d Document<'_>, parent: Node<'d>, found: &mut Vec<Located<'d>>) {
    for item in parent.get("item").into_iter().flat_map(|i| i.elements()) {
        let signatures = signature_extension_values(item);
        if !signatures.is_empty() {
            found.push(Located {
                pointer: doc.pointer_of(item.id()),
                node: item,
                object: SignedObject::QuestionnaireResponseItem,
                signatures,
            });
        }
        visit_items(doc, item, found);
        for answer in item.get("answer").into_iter().flat_map(|a| a.elements()) {
            visit_items(doc, answer, found);
        }
    }
}

/// The `valueSignature` of the first signature extension on `node`.
pub fn signature_extension_value<'d>(node: Node<'d>) -> Option<Node<'d>> {
    signature_extension_values(node).into_iter().next()
}

/// The `valueSignature` of every signature extension on `node`, in order. An extension with
/// the signature URL but no `valueSignature` is listed as itself, so that it is reported (as a
/// Signature element without data) instead of passing unseen.
pub fn signature_extension_values<'d>(node: Node<'d>) -> Vec<Node<'d>> {
    node.get("extension")
        .into_iter()
        .flat_map(|e| e.elements())
        .filter(|e| is_signature_extension(*e))
        .map(|e| e.get("valueSignature").unwrap_or(e))
        .collect()
}

/// Whether the object at `pointer` is a QuestionnaireResponse item (`…/item/N`, possibly under
/// answers, inside a QuestionnaireResponse), signed or not.
pub fn is_questionnaire_item(doc: &Document<'_>, pointer: &str) -> bool {
    let Some(parent) = pointer.rsplit_once("/item/").map(|(p, _)| p) else {
        return false;
    };
    let is_object = doc
        .pointer(pointer)
        .is_some_and(|n| n.kind() == NodeKind::Object && n.get("resourceType").is_none());
    if !is_object {
        return false;
    }
    let mut prefix = parent;
    loop {
        if let Some(node) = doc.pointer(prefix) {
            if node.get("resourceType").and_then(|t| t.as_str()) == Some("QuestionnaireResponse") {
                return true;
            }
        }
        match prefix.rsplit_once('/') {
            Some((up, _)) => prefix = up,
            None => return false,
        }
    }
}
