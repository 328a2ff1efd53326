//! Verifying every `Provenance.signature` of a document, with the same checks as a resource
//! signature: the Signature element, the JWS header, the signed content rebuilt from the
//! targets (each resolved to exactly one resource), the signature value, the certificate chain
//! under the caller's time policy, and `Signature.who`, `when` and `type` against the
//! certificate and the signed header.

use fhirsig_jcs::{Document, Node};
use ring::digest;

use super::checks;
use super::decode::decode_signature;
use super::element::SignatureElement;
use super::profile::JOSE_SIG_FORMAT;
use super::resolve::resolve_all;
use super::targets::{
    target_exclusions, target_node, targets_number_changes, targets_payload, Target,
};
use super::verify::{
    each_entry, header_checks, sig_t_after_verification, signature_value, trust, Coverage, Entry,
    SignatureVerification, VerifyOptions,
};
use super::who::signer_identity;
use crate::canonicalization::Canonicalization;
use crate::hex::hex;
use crate::payload::{resource_payload, SignedObject};
use crate::report::{CheckCode, Requirements};
use crate::trust::{Check, SubIndication};

/// As for a resource signature, and every target resolved to exactly one resource.
const PROVENANCE_VERDICT: Requirements = Requirements::with_trust(&[
    CheckCode::TargetsResolved,
    CheckCode::Payload,
    CheckCode::SignatureValue,
    CheckCode::CertificatePath,
    CheckCode::SignerIdentity,
]);

/// Every Provenance of `doc` (the root, or the resources of a Bundle's entries), and the JSON
/// Pointer of each.
pub fn provenances<'d>(doc: &'d Document<'_>) -> Vec<(String, Node<'d>)> {
    let root = doc.root();
    fn kind<'n>(n: Node<'n>) -> Option<&'n str> {
        n.get("resourceType").and_then(|t| t.as_str())
    }
    match kind(root) {
        Some("Provenance") => vec![(String::new(), root)],
        Some("Bundle") => root
            .get("entry")
            .iter()
            .flat_map(|e| e.elements())
            .enumerate()
            .filter_map(|(i, e)| {
                let r = e.get("resource")?;
                (kind(r) == Some("Provenance")).then(|| (format!("/entry/{i}/resource"), r))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// JSON Pointers of the Provenance resources of `doc` (as [`provenances`] finds them) that
/// carry no signature. A verifier of Provenance names each one and does not say "verified"
/// for the file: nothing vouches for its claims of who did what.
pub fn unsigned_provenances(doc: &Document<'_>) -> Vec<String> {
    provenances(doc)
        .into_iter()
        .filter(|(_, provenance)| {
            provenance
                .get("signature")
                .is_none_or(|s| s.elements().next().is_none())
        })
        .map(|(pointer, _)| pointer)
        .collect()
}

/// JSON Pointers of the Provenance resources of `doc` that [`provenances`] does not find (in
/// `contained`, in a Bundle nested in an entry, anywhere but the root and the root Bundle's
/// entries): their signatures are not checked, so a verifier of Provenance names them as not
/// checked and does not say "verified" for the file. In document order.
pub fn unchecked_provenances(doc: &Document<'_>) -> Vec<String> {
    let checked: std::collections::HashSet<fhirsig_jcs::NodeId> =
        provenances(doc).iter().map(|(_, p)| p.id()).collect();
    let mut found = Vec::new();
    let mut stack = vec![doc.root()];
    while let Some(node) = stack.pop() {
        if node.get("resourceType").and_then(|t| t.as_str()) == Some("Provenance")
            && !checked.contains(&node.id())
        {
            found.push(node.id());
        }
        // Reversed once pushed, so that values pop in document order.
        let start = stack.len();
        stack.extend(node.members().map(|(_, v)| v));
        stack.extend(node.elements());
        stack[start..].reverse();
    }
    found.into_iter().map(|id| doc.pointer_of(id)).collect()
}

/// One `Provenance.signature` of a document.
#[derive(Debug, Clone, Copy)]
pub struct ProvenanceSignature<'d> {
    /// The Provenance resource.
    pub provenance: Node<'d>,
    /// The `Signature` element.
    pub signature: Node<'d>,
    /// Index of the signature in `Provenance.signature`.
    pub index: usize,
}

/// Every `Provenance.signature` of `doc` (a Provenance at the root, or in a Bundle's entries),
/// in document order, with the JSON Pointer of its Provenance.
pub fn provenance_signatures<'d>(doc: &'d Document<'_>) -> Vec<(String, ProvenanceSignature<'d>)> {
    signatures_of(&provenances(doc))
}

/// The signatures of `provenances` (pointer and resource), in order.
fn signatures_of<'d>(provenances: &[(String, Node<'d>)]) -> Vec<(String, ProvenanceSignature<'d>)> {
    provenances
        .iter()
        .flat_map(|(pointer, provenance)| {
            let provenance = *provenance;
            let signatures = provenance.get("signature");
            signatures
                .into_iter()
                .flat_map(|s| s.elements())
                .enumerate()
                .map(move |(index, signature)| {
                    let found = ProvenanceSignature {
                        provenance,
                        signature,
                        index,
                    };
                    (pointer.clone(), found)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The media type of the external document a Provenance signature covers (a C-CDA or PDF in
/// a DocumentReference or Binary, `fhirsig doc sign --fhir`), or `None` when it covers FHIR
/// JSON resources of the same document.
pub fn external_document_format<'d>(signature: Node<'d>) -> Option<&'d str> {
    signature
        .get("targetFormat")
        .and_then(|t| t.as_str())
        .filter(|t| !is_fhir_json(t))
}

/// Why the content a Provenance signature covers cannot be rebuilt from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ContentError {
    /// The Provenance has no `target`.
    NoTarget,
    /// A target is not in the document, or names more than one entry (the message says which).
    Unresolved(String),
    /// The CDex `#document` rule names one Bundle or QuestionnaireResponse, not several targets.
    DocumentRuleNeedsOneTarget,
    /// The single target cannot be canonicalised under the `#document` rule.
    Payload(String),
}

impl std::fmt::Display for ContentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoTarget => f.write_str("the Provenance has no target"),
            Self::Unresolved(e) => write!(f, "{e}; the signed content cannot be rebuilt"),
            Self::DocumentRuleNeedsOneTarget => f.write_str(
                "the #document canonicalisation applies to a single Bundle or QuestionnaireResponse target",
            ),
            Self::Payload(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ContentError {}

impl ContentError {
    /// The report entry for this failure.
    fn to_check(&self) -> Check {
        let message = self.to_string();
        match self {
            Self::NoTarget => Check::failed(
                CheckCode::TargetsResolved,
                SubIndication::FormatFailure,
                message,
            ),
            Self::Unresolved(_) => Check::indeterminate(
                CheckCode::TargetsResolved,
                SubIndication::FormatFailure,
                message,
            ),
            Self::DocumentRuleNeedsOneTarget | Self::Payload(_) => Check::failed(
                CheckCode::SignatureFormat,
                SubIndication::FormatFailure,
                message,
            ),
        }
    }
}

/// What a Provenance signature covers, rebuilt from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedContent {
    /// The signed bytes.
    pub bytes: Vec<u8>,
    /// The number of targets.
    pub targets: usize,
    /// The rule: the CDex `#document` rule over the one target, or RFC 8785 of the target (or
    /// of the array of targets, in target order).
    pub canonicalization: Canonicalization,
    /// Numbers whose canonical form differs from how they are written.
    pub number_changes: fhirsig_jcs::NumberChanges,
    /// JSON Pointers of the targets, in target order.
    pub signed: Vec<String>,
    /// JSON Pointers inside the targets that the rule leaves out.
    pub excluded: Vec<String>,
}

/// The content a Provenance signature covers, rebuilt from the targets found in `doc`, under
/// the rule its `targetFormat` names (`rule`; `None` is plain RFC 8785).
///
/// # Errors
/// [`ContentError`] when a target is missing or ambiguous, or the rule does not fit the targets.
pub fn signed_content(
    doc: &Document<'_>,
    provenance: Node<'_>,
    rule: Option<Canonicalization>,
) -> Result<SignedContent, ContentError> {
    let targets =
        resolve_all(doc, provenance).map_err(|e| ContentError::Unresolved(e.to_string()))?;
    if targets.is_empty() {
        return Err(ContentError::NoTarget);
    }
    let signed = targets
        .iter()
        .map(|t| doc.pointer_of(target_node(*t).id()))
        .collect();
    match (rule, targets.as_slice()) {
        // A CDex document signature copied from `Bundle.signature` (e.g. by `for_task`): the
        // CDex rule (root id, meta and signature removed) over the one target.
        (Some(Canonicalization::Document), [Target::Resource(node)]) => {
            let payload = resource_payload(doc, *node, Canonicalization::Document)
                .map_err(|e| ContentError::Payload(e.to_string()))?;
            Ok(SignedContent {
                bytes: payload.bytes,
                targets: 1,
                canonicalization: Canonicalization::Document,
                number_changes: payload.number_changes,
                signed,
                excluded: payload.excluded,
            })
        }
        (Some(Canonicalization::Document), _) => Err(ContentError::DocumentRuleNeedsOneTarget),
        _ => Ok(SignedContent {
            bytes: targets_payload(doc, &targets),
            targets: targets.len(),
            canonicalization: Canonicalization::Json,
            number_changes: targets_number_changes(doc, &targets),
            signed,
            excluded: targets
                .iter()
                .flat_map(|t| target_exclusions(doc, *t))
                .collect(),
        }),
    }
}

/// Verifies each `Provenance.signature` in `doc`: one result per signature (per entry of a JWS
/// JSON serialization), in document order.
pub fn verify_provenance_signatures(
    doc: &Document<'_>,
    options: &VerifyOptions,
) -> Vec<SignatureVerification> {
    verify_provenances(doc, &provenances(doc), options)
}

/// [`verify_provenance_signatures`] for the Provenances already found (pointer and resource,
/// as [`provenances`] lists them).
pub(crate) fn verify_provenances(
    doc: &Document<'_>,
    provenances: &[(String, Node<'_>)],
    options: &VerifyOptions,
) -> Vec<SignatureVerification> {
    signatures_of(provenances)
        .into_iter()
        .flat_map(|(pointer, found)| verify_one(doc, pointer, found, options))
        .collect()
}

fn verify_one(
    doc: &Document<'_>,
    pointer: String,
    found: ProvenanceSignature<'_>,
    options: &VerifyOptions,
) -> Vec<SignatureVerification> {
    let signature_pointer = format!("{pointer}/signature/{}", found.index);
    let mut base =
        SignatureVerification::new(pointer, signature_pointer, SignedObject::ProvenanceTargets);
    // A signature over a document held elsewhere (a C-CDA or PDF in a DocumentReference or
    // Binary, `fhirsig doc sign --fhir`): its bytes are not in this file, so it cannot be checked
    // here. Say so instead of failing on the targets.
    if let Some(media) = external_document_format(found.signature) {
        base.push(
            Check::indeterminate(
                CheckCode::SignedDocument,
                SubIndication::SignedDataNotFound,
                format!(
                    "this signature covers an external document ({media}); verify it with: fhirsig doc verify PROVENANCE.json DOCUMENT"
                ),
            )
            .with("targetFormat", media.to_owned()),
        );
        return vec![base];
    }
    let decoded = decode_signature(found.signature);
    base.push(checks::element_shape(&decoded.element));
    let rule = match format_rule(&decoded.element) {
        Ok(rule) => {
            base.push(Check::pass(
                CheckCode::SignatureFormat,
                "sigFormat is application/jose",
            ));
            rule
        }
        Err(message) => {
            base.push(Check::failed(
                CheckCode::SignatureFormat,
                SubIndication::FormatFailure,
                message,
            ));
            return vec![base];
        }
    };
    decoded.checks.iter().for_each(|c| base.push(c.clone()));
    let Some(jws) = &decoded.jws else {
        return vec![base];
    };
    // Built once for every signature of a JWS JSON serialization.
    let content = signed_content(doc, found.provenance, rule);
    let ctx = Context {
        doc,
        element: &decoded.element,
        content: &content,
        options,
    };
    each_entry(jws, base, |entry, result| ctx.entry(entry, result))
}

struct Context<'a, 'd> {
    doc: &'a Document<'d>,
    element: &'a SignatureElement,
    content: &'a Result<SignedContent, ContentError>,
    options: &'a VerifyOptions,
}

impl Context<'_, '_> {
    /// The checks of one JWS signature over the targets, and its verdict.
    fn entry(&self, entry: &Entry<'_>, mut result: SignatureVerification) -> SignatureVerification {
        let header = entry.header;
        result.sig_t = header.sig_t().map(str::to_owned);
        if let Some(check) = checks::no_detached_references(header) {
            result.push(check);
            return result;
        }
        header_checks(header, self.options, &mut result);
        result.push(checks::signature_type(self.element, header));
        result.push(when_check(self.element, header.sig_t()));
        if let Some(check) = sig_t_after_verification(header, self.options) {
            result.push(check);
        }
        let content = match self.content {
            Ok(content) => content,
            Err(e) => {
                result.push(e.to_check());
                return result;
            }
        };
        result.push(Check::pass(
            CheckCode::TargetsResolved,
            format!(
                "{} target(s), each found once in the document",
                content.targets
            ),
        ));
        let sha = hex(digest::digest(&digest::SHA256, &content.bytes).as_ref());
        result.push(
            Check::pass(
                CheckCode::Payload,
                format!(
                    "{} bytes by {}",
                    content.bytes.len(),
                    content.canonicalization
                ),
            )
            .with("sha256", sha.clone()),
        );
        result.payload_sha256 = Some(sha);
        if let Some(check) = checks::decimal_precision(&content.number_changes) {
            result.push(check);
        }
        result.number_changes = std::sync::Arc::new(content.number_changes.clone());
        result.coverage = Coverage {
            signed: content.signed.clone(),
            excluded: content.excluded.clone(),
            canonicalization: Some(content.canonicalization),
        };
        let parsed = self
            .options
            .certificates
            .get(header.x5c().unwrap_or_default());
        let input = super::payloads::SignedBytes::Whole(crate::jws::signing_input_over(
            entry.prefix,
            &content.bytes,
        ));
        signature_value(&input, entry, &parsed, self.options, &mut result);
        drop(input);
        let policy = super::verify::policy_for(self.options, super::profile::Profile::Cdex);
        let chain = trust(header, &parsed, self.options, &policy, &mut result);
        result.push(signer_identity(
            self.doc,
            &result.pointer,
            self.element,
            parsed.leaf(),
            false,
            &result.coverage,
        ));
        result.decide(PROVENANCE_VERDICT, chain, &policy, self.options);
        result
    }
}

/// Whether a `targetFormat` names FHIR JSON (the targets are resources in this document).
fn is_fhir_json(target_format: &str) -> bool {
    let media = target_format.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/fhir+json")
        || media.eq_ignore_ascii_case("application/json")
}

/// `sigFormat` must be `application/jose`; `targetFormat` names the canonicalisation.
fn format_rule(element: &SignatureElement) -> Result<Option<Canonicalization>, String> {
    match element.sig_format.as_deref() {
        Some(JOSE_SIG_FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "sigFormat is {other:?}; only application/jose is verified"
            ))
        }
        None => return Err("sigFormat is missing (application/jose expected)".to_owned()),
    }
    match element.target_format.as_deref() {
        Some(tf) => Canonicalization::from_target_format(tf).map_err(|e| e.to_string()),
        None => Ok(None),
    }
}

/// `Signature.when` is the signed `sigT`: the same instant passes (another spelling warns),
/// a different instant fails, since `when` is the unsigned claim of when the signature was made.
pub(crate) fn when_check(element: &SignatureElement, sig_t: Option<&str>) -> Check {
    const CODE: CheckCode = CheckCode::SignatureWhen;
    match (element.when.as_deref(), sig_t) {
        (Some(when), Some(sig_t)) => checks::compare_when(CODE, when, sig_t),
        (None, _) => Check::warn(CODE, "Signature.when is missing (R4 requires it)"),
        (Some(_), None) => {
            Check::not_checked(CODE, "the JWS has no sigT to compare Signature.when with")
        }
    }
}
