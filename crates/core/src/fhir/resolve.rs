//! Finding a Provenance's targets inside the document that carries it.

use std::fmt;

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

/// Resolves a target reference against the document root: `#/` is the root Bundle; otherwise
/// the one entry whose `fullUrl` equals the reference, whose resource is `Type/id`, or whose
/// `fullUrl` ends with `/Type/id`. A root that is itself the referenced resource also resolves.
///
/// # Errors
/// [`ResolveError::NotFound`], [`ResolveError::NoEmbeddingBundle`], and
/// [`ResolveError::Ambiguous`] when two or more entries answer to the reference (FHIR requires
/// `fullUrl` to be unique in a Bundle; a duplicate is how a changed copy would hide).
pub fn resolve_target<'d>(
    doc: &'d Document<'_>,
    reference: &str,
) -> Result<Target<'d>, ResolveError> {
    let root = doc.root();
    let is_bundle = root.get("resourceType").and_then(|t| t.as_str()) == Some("Bundle");
    if reference == EMBEDDING_BUNDLE {
        return if is_bundle {
            Ok(Target::EmbeddingBundle(root))
        } else {
            Err(ResolveError::NoEmbeddingBundle)
        };
    }
    if type_id(root).is_some_and(|t| t == reference) {
        return Ok(Target::Resource(root));
    }
    let not_found = || ResolveError::NotFound {
        reference: reference.to_owned(),
    };
    let entries = root
        .get("entry")
        .filter(|_| is_bundle)
        .ok_or_else(not_found)?;
    let suffix = format!("/{reference}");
    let mut hits = Vec::new();
    for entry in entries.elements() {
        let Some(resource) = entry.get("resource") else {
            continue;
        };
        let full_url = entry.get("fullUrl").and_then(|u| u.as_str());
        let hit = full_url == Some(reference)
            || type_id(resource).as_deref() == Some(reference)
            || (!reference.contains(':') && full_url.is_some_and(|u| u.ends_with(&suffix)));
        if hit {
            hits.push((entry, resource));
        }
    }
    match hits.as_slice() {
        [] => Err(not_found()),
        [(_, resource)] => Ok(Target::Resource(*resource)),
        _ => Err(ResolveError::Ambiguous {
            reference: reference.to_owned(),
            entries: hits
                .iter()
                .map(|(entry, _)| doc.pointer_of(entry.id()))
                .collect(),
        }),
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
    if let Some(targets) = provenance.get("target") {
        for (index, t) in targets.elements().enumerate() {
            let reference = t
                .get("reference")
                .and_then(|r| r.as_str())
                .ok_or(ResolveError::NoReference { index })?;
            out.push(resolve_target(doc, reference)?);
        }
    }
    Ok(out)
}
