//! The verdict for a whole file: what it is about, whether a verified signature covers it,
//! and what it carries unsigned.
//!
//! A file verifies only when
//! 1. it has at least one signature, and every signature found in it verified;
//! 2. its subject is covered by a verified signature. The subject is the root resource, or the
//!    object named by a JSON Pointer. A `Parameters` root is an operation envelope
//!    (`$submit-attachment`): its subject is the resources it carries, and at least one must be
//!    covered;
//! 3. with `require_all_signed`, no resource it carries (an entry of the root Bundle, a Bundle or
//!    QuestionnaireResponse anywhere, a `Parameters` resource or attachment, a `contained`
//!    resource) is left uncovered, unless it carries a signature of its own (an embedded
//!    signing Provenance: a signature carrier, listed as uncovered but not failed).
//!
//! Uncovered resources are always named, so a report never keeps quiet about a part that no
//! signature protects.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use fhirsig_jcs::{Document, Node, NodeKind};

use super::verify::SignatureVerification;
use crate::locate::DocumentIndex;

/// What the file verdict asks for beyond the signatures themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileRules {
    /// JSON Pointer of the object the file is about (`None`: the root, see the module docs).
    pub subject: Option<String>,
    /// Fail when any carried resource is not covered by a verified signature.
    pub require_all_signed: bool,
    /// How many signers of one JWS JSON serialization (CONF-047) must verify; a signer that
    /// did not verify is still listed, but fails the file only when the rule is not met.
    pub signers: crate::policy::SignerRule,
}

impl FileRules {
    /// The rules `policy` sets (its signer rule; unsigned resources fail when it says so),
    /// for `subject`; `require_all_signed` adds the caller's own demand.
    pub fn under(
        policy: Option<&crate::policy::Policy>,
        subject: Option<String>,
        require_all_signed: bool,
    ) -> Self {
        FileRules {
            subject,
            require_all_signed: require_all_signed
                || policy.is_some_and(|p| p.unsigned_resources() == crate::report::Level::Fail),
            signers: policy.map_or_else(Default::default, crate::policy::Policy::signers),
        }
    }
}

/// A resource of the file that no verified signature covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    /// Its JSON Pointer.
    pub pointer: String,
    /// Its `resourceType` (empty when it has none).
    pub resource_type: String,
    /// Whether it carries a signature of its own (a resource signature that did not verify,
    /// or a Provenance's signature, whose own members it does not cover).
    pub signed: bool,
    /// Whether a signature that did not verify covers it (it is signed, but not verifiably).
    pub under_failed_signature: bool,
}

/// The verdict for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FileVerdict {
    /// JSON Pointers of the subject: the root (`""`), the `--pointer` object, or the resources a
    /// `Parameters` envelope carries.
    pub subject: Vec<String>,
    /// Whether a verified signature covers the subject.
    pub subject_covered: bool,
    /// Resources no verified signature covers, in document order.
    pub uncovered: Vec<Uncovered>,
    /// The verdict.
    pub verified: bool,
    /// Why the file did not verify (`None` when it did).
    pub reason: Option<String>,
}

/// Decides the file verdict for `doc` from the results of verifying it.
pub fn file_verdict(
    doc: &Document<'_>,
    results: &[SignatureVerification],
    rules: &FileRules,
) -> FileVerdict {
    file_verdict_indexed(doc, &DocumentIndex::of(doc), results, rules)
}

/// [`file_verdict`] over the structure `found` (the same [`DocumentIndex`] the signatures were
/// verified with).
pub(crate) fn file_verdict_indexed(
    doc: &Document<'_>,
    found: &DocumentIndex<'_>,
    results: &[SignatureVerification],
    rules: &FileRules,
) -> FileVerdict {
    let index = CoverageIndex::new(results);
    let covered = |pointer: &str| index.covering(pointer).any(|r| r.verified());
    let root = doc.root();
    let envelope = rules.subject.is_none() && resource_type(root) == "Parameters";
    let subject: Vec<String> = match &rules.subject {
        Some(pointer) => vec![pointer.clone()],
        None if envelope => parameter_resources(doc, root),
        None => vec![String::new()],
    };
    let subject_covered = subject.iter().any(|p| covered(p));
    let subtree_covered = |pointer: &str| {
        index
            .covering(pointer)
            .any(|r| r.verified() && r.coverage.covers_subtree(pointer))
    };
    let uncovered: Vec<(String, Node<'_>)> =
        uncovered_resources(doc, found, envelope, &covered, &subtree_covered);
    // Which objects carry a signature of their own matters only for uncovered resources (a
    // large Bundle under one verified signature has none, and is not walked again).
    let signed_objects = if uncovered.is_empty() {
        HashSet::new()
    } else {
        signed_objects(found)
    };
    let uncovered: Vec<Uncovered> = uncovered
        .into_iter()
        .map(|(pointer, node)| {
            let under_failed_signature = index.covering(&pointer).any(|r| !r.verified());
            Uncovered {
                signed: signed_objects.contains(pointer.as_str()),
                under_failed_signature,
                resource_type: match resource_type(node) {
                    "" if pointer.ends_with("/valueAttachment") => "Attachment".to_owned(),
                    other => other.to_owned(),
                },
                pointer,
            }
        })
        .collect();
    let (excused, short) = excused_signers(results, rules.signers);
    let failed = results
        .iter()
        .enumerate()
        .filter(|(i, r)| !r.verified() && !excused.contains(i))
        .count();
    let reason = if results.is_empty() {
        Some(match root.kind() {
            NodeKind::Object if resource_type(root).is_empty() => {
                "not a FHIR resource (the root has no resourceType), so there is no signature to verify"
                    .to_owned()
            }
            NodeKind::Object => format!("no signature was found in this {}", resource_type(root)),
            _ => "not a FHIR resource (the root is not a JSON object), so there is no signature to verify"
                .to_owned(),
        })
    } else if failed > 0 {
        Some(format!(
            "{failed} of {} signature(s) did not verify",
            results.len()
        ))
    } else if failed == 0 && !short.is_empty() {
        Some(short.join("; "))
    } else if !subject_covered {
        Some(match subject.as_slice() {
            [] => "the Parameters carries no resource for a signature to cover".to_owned(),
            [only] if !envelope => format!(
                "{} is not covered by a verified signature (the signatures cover {}); name a signed object with --pointer to verify it alone",
                shown(only),
                first_of(
                    results
                        .iter()
                        .flat_map(|r| r.coverage.signed.iter().map(|p| shown(p)))
                )
            ),
            _ => "none of the resources the Parameters carries is covered by a verified signature"
                .to_owned(),
        })
    } else if rules.require_all_signed && uncovered.iter().any(|u| !u.signed) {
        // Resources that carry a verified signature of their own (an embedded signing
        // Provenance) are signature carriers, as `Bundle.signature` is: listed, not failed.
        let unsigned: Vec<&Uncovered> = uncovered.iter().filter(|u| !u.signed).collect();
        Some(format!(
            "{} resource(s) are not covered by a verified signature: {}",
            unsigned.len(),
            first_of(unsigned.iter().map(|u| format!(
                "{} ({})",
                shown(&u.pointer),
                u.resource_type
            )))
        ))
    } else {
        None
    };
    FileVerdict {
        subject,
        subject_covered,
        uncovered,
        verified: reason.is_none(),
        reason,
    }
}

/// JSON Pointers of the objects that carry a signature of their own: signed Bundles,
/// QuestionnaireResponses and items, and Provenances with a signature.
fn signed_objects<'f>(found: &'f DocumentIndex<'_>) -> HashSet<&'f str> {
    let mut signed_objects: HashSet<&str> = found
        .located
        .iter()
        .filter(|l| l.is_signed())
        .map(|l| l.pointer.as_str())
        .collect();
    signed_objects.extend(
        found
            .provenances
            .iter()
            .filter(|(_, p)| {
                p.get("signature")
                    .is_some_and(|s| s.elements().next().is_some())
            })
            .map(|(pointer, _)| pointer.as_str()),
    );
    signed_objects
}

/// The results (by index) of JWS JSON signers that did not verify but need not: their
/// serialization has as many verified signers as `rule` asks for.
/// Also the signature elements whose serialization has fewer verified signers than the rule
/// asks for (with `at least N`, even when every signer verified).
fn excused_signers(
    results: &[SignatureVerification],
    rule: crate::policy::SignerRule,
) -> (HashSet<usize>, Vec<String>) {
    let mut groups: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (index, result) in results.iter().enumerate() {
        if result.jws_entry.is_some() {
            groups
                .entry((result.pointer.as_str(), result.signature_pointer.as_str()))
                .or_default()
                .push(index);
        }
    }
    let mut excused = HashSet::new();
    let mut short = Vec::new();
    for ((_, signature), members) in &groups {
        // Signers, not entries: one key under several certificates (CONF-047's trust
        // communities) is one signer.
        let verified = members.iter().filter(|i| results[**i].verified()).count();
        let signers = members
            .iter()
            .filter(|i| results[**i].verified())
            .filter_map(|i| {
                results[*i]
                    .chain
                    .first()
                    .map(|c| c.public_key_sha256.as_str())
            })
            .collect::<HashSet<&str>>()
            .len();
        if rule.met(verified, signers, members.len()) {
            excused.extend(members.iter().copied().filter(|i| !results[*i].verified()));
        } else {
            short.push(format!(
                "{verified} of {} entries of the JWS at {} verified, by {signers} distinct signer key(s); the policy needs {}",
                members.len(),
                shown(signature),
                rule.describe()
            ));
        }
    }
    short.sort();
    (excused, short)
}

/// The results that cover a pointer, found through the pointer's ancestors (each result is
/// filed under the objects it signs) rather than by asking every result: a collection of
/// 100,000 signed Bundles would otherwise make the file verdict quadratic.
struct CoverageIndex<'r> {
    by_signed: HashMap<&'r str, Vec<&'r SignatureVerification>>,
}

impl<'r> CoverageIndex<'r> {
    fn new(results: &'r [SignatureVerification]) -> Self {
        let mut by_signed: HashMap<&str, Vec<&SignatureVerification>> = HashMap::new();
        for result in results {
            for signed in &result.coverage.signed {
                by_signed.entry(signed.as_str()).or_default().push(result);
            }
        }
        Self { by_signed }
    }

    /// Every result whose coverage covers `pointer` (`Coverage::covers`).
    fn covering<'a>(
        &'a self,
        pointer: &'a str,
    ) -> impl Iterator<Item = &'r SignatureVerification> + 'a {
        // The pointer's ancestors and itself: "", "/entry", "/entry/3", "/entry/3/resource".
        let ends = pointer
            .match_indices('/')
            .map(|(at, _)| at)
            .chain(std::iter::once(pointer.len()));
        ends.filter_map(move |end| self.by_signed.get(&pointer[..end]))
            .flatten()
            .copied()
            .filter(move |result| result.coverage.covers(pointer))
    }
}

/// How many items a reason names before it counts the rest: a Bundle of 5,000 signed entries
/// makes a reason to read, not a page of pointers (the report's coverage lists them all).
const NAMED_IN_A_REASON: usize = 10;

/// The first [`NAMED_IN_A_REASON`] items, comma-separated, and how many more there are.
fn first_of(items: impl Iterator<Item = String>) -> String {
    let mut named = Vec::new();
    let mut more = 0usize;
    for item in items {
        if named.len() < NAMED_IN_A_REASON {
            named.push(item);
        } else {
            more += 1;
        }
    }
    let mut text = named.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

fn shown(pointer: &str) -> String {
    if pointer.is_empty() {
        "the root resource".to_owned()
    } else {
        pointer.to_owned()
    }
}

fn resource_type<'d>(node: Node<'d>) -> &'d str {
    node.get("resourceType")
        .and_then(|t| t.as_str())
        .unwrap_or("")
}

/// The JSON Pointers of the member `name` (an object) of every parameter and part of a
/// Parameters, in document order.
fn parameter_members(doc: &Document<'_>, parameters: Node<'_>, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<Node<'_>> = parameters
        .get("parameter")
        .into_iter()
        .flat_map(|p| p.elements())
        .collect();
    stack.reverse();
    while let Some(parameter) = stack.pop() {
        if let Some(value) = parameter.get(name).filter(|v| v.kind() == NodeKind::Object) {
            out.push(doc.pointer_of(value.id()));
        }
        let mut parts: Vec<Node<'_>> = parameter
            .get("part")
            .into_iter()
            .flat_map(|p| p.elements())
            .collect();
        parts.reverse();
        stack.extend(parts);
    }
    out
}

/// The resources a Parameters carries (`parameter[].resource`, also in `part`s).
fn parameter_resources(doc: &Document<'_>, parameters: Node<'_>) -> Vec<String> {
    parameter_members(doc, parameters, "resource")
}

/// The `valueAttachment`s of a Parameters' parameters and parts.
fn parameter_attachments(doc: &Document<'_>, parameters: Node<'_>) -> Vec<String> {
    parameter_members(doc, parameters, "valueAttachment")
}

/// Every resource the file carries that a reader could take for signed content: the root
/// (unless it is a Parameters envelope), the root Bundle's entries, Bundles and
/// QuestionnaireResponses anywhere the locator looks, the resources and attachments of a
/// Parameters, and contained resources.
/// The resources `doc` carries (see the module documentation) that `covered` says no
/// verified signature covers, with their pointers, in document order. A Bundle's entries are
/// tested with one reused pointer buffer, so a large Bundle under one signature allocates
/// nothing per entry.
fn uncovered_resources<'d>(
    doc: &'d Document<'_>,
    found: &DocumentIndex<'d>,
    envelope: bool,
    covered: &dyn Fn(&str) -> bool,
    subtree_covered: &dyn Fn(&str) -> bool,
) -> Vec<(String, Node<'d>)> {
    let mut out: Vec<(String, Node<'d>)> = Vec::new();
    let mut add = |pointer: &str, node: Node<'d>| {
        if !covered(pointer) {
            out.push((pointer.to_owned(), node));
        }
    };
    let root = doc.root();
    if !envelope {
        add("", root);
    }
    // Entries under a signature that covers all of `/entry` (the CDex rule signs the whole
    // Bundle but its root id, meta and signature) are covered, however many there are.
    if resource_type(root) == "Bundle" && !subtree_covered("/entry") {
        let mut pointer = String::from("/entry/");
        for (i, entry) in root
            .get("entry")
            .into_iter()
            .flat_map(|e| e.elements())
            .enumerate()
        {
            if let Some(resource) = entry.get("resource") {
                pointer.truncate("/entry/".len());
                let _ = write!(pointer, "{i}/resource");
                add(&pointer, resource);
            }
        }
    }
    for located in &found.located {
        if located.object != crate::payload::SignedObject::QuestionnaireResponseItem {
            add(&located.pointer, located.node);
        }
    }
    visit(doc, root, &mut |pointer: String, node| add(&pointer, node));
    // One node has one pointer: the same resource found twice (a Bundle entry that is also
    // a located Bundle) is listed once.
    out.sort_by_key(|(_, node)| node.id());
    out.dedup_by_key(|(_, node)| node.id());
    out
}

fn visit<'d>(doc: &'d Document<'_>, resource: Node<'d>, add: &mut impl FnMut(String, Node<'d>)) {
    if resource_type(resource) == "Parameters" {
        for pointer in parameter_resources(doc, resource) {
            if let Some(node) = doc.pointer(&pointer) {
                add(pointer, node);
                visit(doc, node, add);
            }
        }
        // An attachment given as a value (`valueAttachment`: a PDF, a C-CDA) is content too.
        for pointer in parameter_attachments(doc, resource) {
            if let Some(node) = doc.pointer(&pointer) {
                add(pointer, node);
            }
        }
    }
    for contained in resource
        .get("contained")
        .into_iter()
        .flat_map(|c| c.elements())
    {
        add(doc.pointer_of(contained.id()), contained);
        visit(doc, contained, add);
    }
}

/// Every signature of one FHIR JSON document and the verdict for the document as a whole.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FileReport {
    /// One result per signature (per signer of a JWS JSON serialization), in document order.
    pub signatures: Vec<SignatureVerification>,
    /// The verdict for the document (see [`file_verdict`]).
    pub verdict: FileVerdict,
}

impl FileReport {
    /// True when the document verified: every signature verified and a verified signature
    /// covers its subject (see the module documentation).
    pub fn verified(&self) -> bool {
        self.verdict.verified
    }
}

/// Parses `bytes` as strict I-JSON and verifies every signature in it, with the default file
/// rules (the root resource is the subject; unsigned carried resources are named, not failed).
///
/// # Errors
/// [`fhirsig_jcs::ParseError`] when `bytes` are not strict I-JSON (nothing is verified then).
pub fn verify_json(
    bytes: &[u8],
    options: &super::VerifyOptions,
) -> Result<FileReport, fhirsig_jcs::ParseError> {
    verify_json_with(bytes, options, &FileRules::default())
}

/// As [`verify_json`], with the file rules given (`--pointer`, `--require-all-signed`).
///
/// # Errors
/// [`fhirsig_jcs::ParseError`] when `bytes` are not strict I-JSON.
pub fn verify_json_with(
    bytes: &[u8],
    options: &super::VerifyOptions,
    rules: &FileRules,
) -> Result<FileReport, fhirsig_jcs::ParseError> {
    let doc = fhirsig_jcs::parse(bytes)?;
    Ok(verify_parsed(&doc, options, rules))
}

/// Verifies every signature in a parsed document and judges the file under `rules`, walking
/// its structure once for both.
pub fn verify_parsed(
    doc: &Document<'_>,
    options: &super::VerifyOptions,
    rules: &FileRules,
) -> FileReport {
    let found = DocumentIndex::of(doc);
    let signatures = super::verify::verify_indexed(doc, &found, options);
    let verdict = file_verdict_indexed(doc, &found, &signatures, rules);
    FileReport {
        signatures,
        verdict,
    }
}
