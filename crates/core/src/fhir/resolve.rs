//! Finding a Provenance's targets inside the document that carries it.

use std::fmt;

use std::collections::HashMap;

use fhirsig_jcs::{Document, Node};

use super::targets::{Target, EMBEDDING_BUNDLE};

/// A target reference that names nothing in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// `Provenance.target[index]` has no literal `reference`.
    NoReference {
        /// Index of the target.
        index: usize,
    },
    /// No entry of the Bundle has this `fullUrl` or `Type/id`.
    NotFound {
        /// The reference.
        reference: String,
    },
    /// `#id`: no resource contained in the resource that holds the reference has this id.
    NotContained {
        /// The reference.
        reference: String,
    },
    /// `#/` was used, but the document root is not a Bundle.
    NoEmbeddingBundle,
    /// More than one entry answers to the reference: which one was signed cannot be told, and
    /// a second entry placed after the signed one could otherwise pass for it.
    Ambiguous {
        /// The reference.
        reference: String,
        /// JSON Pointers of the entries that match.
        entries: Vec<String>,
    },
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::NoReference { index } => {
                write!(f, "Provenance.target[{index}] has no reference to resolve")
            }
            ResolveError::NotFound { reference } => write!(
                f,
                "target {reference:?} is not in the Bundle (no entry has that fullUrl or Type/id)"
            ),
            ResolveError::NotContained { reference } => write!(
                f,
                "{reference:?} names no resource contained in the resource that holds the signature"
            ),
            ResolveError::NoEmbeddingBundle => f.write_str(
                "target \"#/\" names the enclosing Bundle, but the document is not a Bundle",
            ),
            ResolveError::Ambiguous { reference, entries } => write!(
                f,
                "target {reference:?} names {} entries ({}); a target must name exactly one",
                entries.len(),
                entries.join(", ")
            ),
        }
    }
}

impl std::error::Error for ResolveError {}

/// The root and the entries of a document, indexed by every name a target reference may use:
/// built once per document, so resolving N targets costs N lookups, not N scans of the Bundle.
pub struct EntryIndex<'d> {
    root: Node<'d>,
    is_bundle: bool,
    /// `(entry, resource)` in entry order.
    entries: Vec<(Node<'d>, Node<'d>)>,
    /// `fullUrl` → entries.
    by_full_url: HashMap<&'d str, Vec<usize>>,
    /// `Type/id` of the resource → entries.
    by_type_id: HashMap<String, Vec<usize>>,
    /// Every `/`-separated tail of a `fullUrl` (`Observation/o1` of
    /// `https://x.org/fhir/Observation/o1`) → entries.
    by_suffix: HashMap<&'d str, Vec<usize>>,
}

impl<'d> EntryIndex<'d> {
    /// Indexes `doc`'s root and, for a Bundle, its entries.
    pub fn new(doc: &'d Document<'_>) -> Self {
        let root = doc.root();
        let is_bundle = root.get("resourceType").and_then(|t| t.as_str()) == Some("Bundle");
        let mut index = EntryIndex {
            root,
            is_bundle,
            entries: Vec::new(),
            by_full_url: HashMap::new(),
            by_type_id: HashMap::new(),
            by_suffix: HashMap::new(),
        };
        let entries = root.get("entry").filter(|_| is_bundle);
        for entry in entries.into_iter().flat_map(|e| e.elements()) {
            let Some(resource) = entry.get("resource") else {
                continue;
            };
            let at = index.entries.len();
            index.entries.push((entry, resource));
            if let Some(full_url) = entry.get("fullUrl").and_then(|u| u.as_str()) {
                index.by_full_url.entry(full_url).or_default().push(at);
                let tails = full_url.match_indices('/').map(|(i, _)| &full_url[i + 1..]);
                for tail in tails.filter(|t| !t.is_empty()) {
                    let list = index.by_suffix.entry(tail).or_default();
                    if list.last() != Some(&at) {
                        list.push(at);
                    }
                }
            }
            if let Some(tid) = type_id(resource) {
                index.by_type_id.entry(tid).or_default().push(at);
            }
        }
        index
    }

    /// Resolves one reference (see [`resolve_target`]).
    ///
    /// # Errors
    /// As [`resolve_target`].
    pub fn resolve(&self, doc: &Document<'_>, reference: &str) -> Result<Target<'d>, ResolveError> {
        if reference == EMBEDDING_BUNDLE {
            return if self.is_bundle {
                Ok(Target::EmbeddingBundle(self.root))
            } else {
                Err(ResolveError::NoEmbeddingBundle)
            };
        }
        if type_id(self.root).is_some_and(|t| t == reference) {
            return Ok(Target::Resource(self.root));
        }
        let mut hits: Vec<usize> = Vec::new();
        let mut add = |list: Option<&Vec<usize>>| hits.extend(list.into_iter().flatten());
        add(self.by_full_url.get(reference));
        add(self.by_type_id.get(reference));
        if !reference.contains(':') {
            add(self.by_suffix.get(reference));
        }
        hits.sort_unstable();
        hits.dedup();
        match hits.as_slice() {
            [] => Err(ResolveError::NotFound {
                reference: reference.to_owned(),
            }),
            [only] => Ok(Target::Resource(self.entries[*only].1)),
            _ => Err(ResolveError::Ambiguous {
                reference: reference.to_owned(),
                entries: hits
                    .iter()
                    .map(|i| doc.pointer_of(self.entries[*i].0.id()))
                    .collect(),
            }),
        }
    }
}

/// Resolves a target reference against the document root: `#/` is the root Bundle; otherwise
/// the one entry whose `fullUrl` equals the reference, whose resource is `Type/id`, or whose
/// `fullUrl` ends with `/Type/id`. A root that is itself the referenced resource also resolves.
/// To resolve several references of one document, build an [`EntryIndex`] once.
///
/// # Errors
/// [`ResolveError::NotFound`], [`ResolveError::NoEmbeddingBundle`], and
/// [`ResolveError::Ambiguous`] when two or more entries answer to the reference (FHIR requires
/// `fullUrl` to be unique in a Bundle; a duplicate is how a changed copy would hide).
pub fn resolve_target<'d>(
    doc: &'d Document<'_>,
    reference: &str,
) -> Result<Target<'d>, ResolveError> {
    EntryIndex::new(doc).resolve(doc, reference)
}

/// Resolves a reference to a contained resource (`#id`, FHIR R4 §2.14 "Contained Resources":
/// resolved inside the resource that holds the reference, among its `contained`) from the value
/// at `holder` (a JSON Pointer): the nearest resource at or above it is the container. `None`
/// when `reference` is not of that form (`#` alone or `#/…` are not contained references).
///
/// # Errors
/// [`ResolveError::NotContained`] when no contained resource has that id, and
/// [`ResolveError::Ambiguous`] when several have (FHIR requires them to be unique).
pub fn resolve_contained<'d>(
    doc: &'d Document<'_>,
    holder: &str,
    reference: &str,
) -> Option<Result<Target<'d>, ResolveError>> {
    let id = reference
        .strip_prefix('#')
        .filter(|id| !id.is_empty() && !id.starts_with('/'))?;
    let container = containing_resource(doc, holder);
    let found: Vec<Node<'d>> = container
        .and_then(|c| c.get("contained"))
        .into_iter()
        .flat_map(|list| list.elements())
        .filter(|r| r.get("id").and_then(|i| i.as_str()) == Some(id))
        .collect();
    Some(match found.as_slice() {
        [] => Err(ResolveError::NotContained {
            reference: reference.to_owned(),
        }),
        [only] => Ok(Target::Resource(*only)),
        _ => Err(ResolveError::Ambiguous {
            reference: reference.to_owned(),
            entries: found.iter().map(|r| doc.pointer_of(r.id())).collect(),
        }),
    })
}

/// The nearest resource (an object with a `resourceType`) at or above `pointer`.
fn containing_resource<'d>(doc: &'d Document<'_>, pointer: &str) -> Option<Node<'d>> {
    let mut at = pointer;
    loop {
        let node = doc.pointer(at);
        if node.is_some_and(|n| n.get("resourceType").and_then(|t| t.as_str()).is_some()) {
            return node;
        }
        at = &at[..at.rfind('/')?];
    }
}

/// `Type/id` of a resource that has both.
pub fn type_id(resource: Node<'_>) -> Option<String> {
    let t = resource.get("resourceType")?.as_str()?;
    let id = resource.get("id")?.as_str()?;
    Some(format!("{t}/{id}"))
}

/// Resolves every target of a Provenance, in order.
///
/// # Errors
/// The first target's [`ResolveError`].
pub fn resolve_all<'d>(
    doc: &'d Document<'_>,
    provenance: Node<'_>,
) -> Result<Vec<Target<'d>>, ResolveError> {
    let mut out = Vec::new();
    let entries = EntryIndex::new(doc);
    if let Some(targets) = provenance.get("target") {
        for (index, t) in targets.elements().enumerate() {
            let reference = t
                .get("reference")
                .and_then(|r| r.as_str())
                .ok_or(ResolveError::NoReference { index })?;
            out.push(entries.resolve(doc, reference)?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::fhir::targets::target_node;

    #[test]
    fn contained_references_resolve_in_the_nearest_resource() {
        let text = br#"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"QuestionnaireResponse",
            "contained":[{"resourceType":"Practitioner","id":"p1"},{"resourceType":"Device","id":"d"},{"resourceType":"Device","id":"d"}],
            "item":[{"linkId":"1"}]}}]}"#;
        let doc = fhirsig_jcs::parse(text).unwrap();
        let found = |holder: &str, reference: &str| {
            resolve_contained(&doc, holder, reference)
                .map(|r| r.map(|t| doc.pointer_of(target_node(t).id())))
        };
        // From the resource itself and from deep inside it (an item's signature).
        assert_eq!(
            found("/entry/0/resource", "#p1"),
            Some(Ok("/entry/0/resource/contained/0".into()))
        );
        assert_eq!(
            found("/entry/0/resource/item/0", "#p1"),
            Some(Ok("/entry/0/resource/contained/0".into()))
        );
        // The Bundle holds no contained resources of its entries.
        assert!(matches!(
            found("", "#p1"),
            Some(Err(ResolveError::NotContained { .. }))
        ));
        assert!(matches!(
            found("/entry/0/resource", "#d"),
            Some(Err(ResolveError::Ambiguous { .. }))
        ));
        // Not contained references: left to the document-wide resolution.
        for reference in ["#", "#/", "Practitioner/p1", "p1"] {
            assert_eq!(found("/entry/0/resource", reference), None, "{reference}");
        }
    }
}
