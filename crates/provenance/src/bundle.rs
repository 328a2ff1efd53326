//! Provenance and Bundles: every entry as a target, and new Provenance entries added to a
//! Bundle's text without touching the entries already there.

use std::fmt;

use fhirsig_jcs::edit::{append_to_array_member, EditError, Style};
use fhirsig_jcs::{Document, Node};

use crate::json::Value;
use crate::reference::Reference;

/// Why a Bundle cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BundleError {
    /// The root is not a Bundle.
    NotABundle {
        /// The root's resourceType, if any.
        found: Option<String>,
    },
    /// An entry has neither a `fullUrl` nor a resource with `resourceType` and `id`.
    UnreferenceableEntry {
        /// Index of the entry.
        index: usize,
    },
    /// The Bundle has no entries that are not Provenance.
    NoEntries,
    /// The text could not be edited (the document was not parsed from it).
    Edit(EditError),
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::NotABundle { found: Some(t) } => {
                write!(f, "expected a Bundle, found a {t}")
            }
            BundleError::NotABundle { found: None } => {
                f.write_str("expected a Bundle, found JSON without a resourceType")
            }
            BundleError::UnreferenceableEntry { index } => write!(
                f,
                "Bundle.entry[{index}] has no fullUrl and no resource id, so a Provenance cannot \
                 reference it"
            ),
            BundleError::NoEntries => {
                f.write_str("the Bundle has no entries (other than Provenance) to record")
            }
            BundleError::Edit(e) => write!(f, "cannot add entries to the Bundle: {e}"),
        }
    }
}

impl std::error::Error for BundleError {}

/// One entry a Provenance can target.
#[derive(Debug, Clone)]
pub struct EntryTarget<'d> {
    /// Index in `Bundle.entry`.
    pub index: usize,
    /// `fullUrl` if present, else `Type/id`.
    pub reference: Reference,
    /// The entry's resource.
    pub resource: Node<'d>,
}

/// Checks that `doc` is a Bundle and returns its root.
///
/// # Errors
/// [`BundleError::NotABundle`].
pub fn bundle_root<'d>(doc: &'d Document<'_>) -> Result<Node<'d>, BundleError> {
    let root = doc.root();
    match root.get("resourceType").and_then(|t| t.as_str()) {
        Some("Bundle") => Ok(root),
        other => Err(BundleError::NotABundle {
            found: other.map(str::to_owned),
        }),
    }
}

/// Every entry of a Bundle that is not itself a Provenance, with the reference to use as a
/// Provenance target (`fullUrl`, else `Type/id`).
///
/// # Errors
/// [`BundleError::NotABundle`], [`BundleError::UnreferenceableEntry`],
/// [`BundleError::NoEntries`].
pub fn entry_targets<'d>(doc: &'d Document<'_>) -> Result<Vec<EntryTarget<'d>>, BundleError> {
    let root = bundle_root(doc)?;
    let mut out = Vec::new();
    for (index, entry) in root
        .get("entry")
        .iter()
        .flat_map(|e| e.elements())
        .enumerate()
    {
        let Some(resource) = entry.get("resource") else {
            continue;
        };
        if resource.get("resourceType").and_then(|t| t.as_str()) == Some("Provenance") {
            continue;
        }
        let full_url = entry
            .get("fullUrl")
            .and_then(|u| u.as_str())
            .map(str::to_owned);
        let reference = full_url
            .or_else(|| crate::signature::type_id_of(resource))
            .ok_or(BundleError::UnreferenceableEntry { index })?;
        out.push(EntryTarget {
            index,
            reference: Reference::to(reference),
            resource,
        });
    }
    if out.is_empty() {
        return Err(BundleError::NoEntries);
    }
    Ok(out)
}

/// A `urn:uuid:` derived from `content` (SHA-256, formatted as an RFC 9562 version 8 UUID), so
/// the same input always gives the same identifier.
pub fn content_uuid(content: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, content);
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest.as_ref()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// A new entry for `resource`: `fullUrl` (a content-derived `urn:uuid:`), `resource`, and
/// `search.mode = include` when the Bundle is a searchset.
pub fn new_entry(resource: Value, searchset: bool) -> (String, Value) {
    let full_url = content_uuid(resource.to_pretty().as_bytes());
    let mut entry = Value::object()
        .with("fullUrl", Value::str(full_url.clone()))
        .with("resource", resource);
    if searchset {
        entry.push(
            "search",
            Value::object().with("mode", Value::str("include")),
        );
    }
    (full_url, entry)
}

/// Whether the Bundle is a searchset.
pub fn is_searchset(bundle: Node<'_>) -> bool {
    bundle.get("type").and_then(|t| t.as_str()) == Some("searchset")
}

/// `text` (a Bundle) with `resources` appended as new entries (each with a content-derived
/// `urn:uuid:` fullUrl); existing entries keep their bytes. Returns the new text and the new
/// entries' `fullUrl`s.
///
/// # Errors
/// [`BundleError::NotABundle`]; [`BundleError::Edit`] when `doc` was not parsed from `text`.
pub fn append_entries(
    text: &str,
    doc: &Document<'_>,
    resources: Vec<Value>,
) -> Result<(String, Vec<String>), BundleError> {
    let root = bundle_root(doc)?;
    let searchset = is_searchset(root);
    let (urls, entries): (Vec<String>, Vec<Value>) = resources
        .into_iter()
        .map(|r| new_entry(r, searchset))
        .unzip();
    let text = append_to_array_member(text, root, "entry", &entries, Style::TwoSpaceLevels)
        .map_err(BundleError::Edit)?;
    Ok((text, urls))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_uuids_are_stable_version_8() {
        let a = content_uuid(b"x");
        assert_eq!(a, content_uuid(b"x"));
        assert_ne!(a, content_uuid(b"y"));
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[23..24], "8");
    }
}
