//! Verifying every signature of every Provenance in a document.

use base64::Engine as _;
use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::fhir::CertificateCache;
use fhirsig_core::jws::{self, AlgorithmPolicy, CompactJws};
use fhirsig_core::trust::{
    parse_rfc3339, ChainValidator, Check, Report, SubIndication, ValidationTimes,
};
use fhirsig_jcs::{Document, Node};
use rustls_pki_types::UnixTime;

use super::element::JOSE_SIG_FORMAT;
use super::payload::{targets_number_changes, targets_payload, Target};
use super::resolve::resolve_all;
use fhirsig_core::payload::resource_payload;

/// How signatures are verified.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The algorithms accepted.
    pub policy: AlgorithmPolicy,
    /// Certificate trust: anchors, CRLs, EKU policy. `None` checks only the signature value
    /// (with the key of `x5c[0]`) and reports the chain as not checked.
    pub validator: Option<ChainValidator>,
    /// The verification time (passed in).
    pub at: UnixTime,
    /// Parsed `x5c` chains, shared with other verifications (`Default::default()` starts
    /// empty; a clone of `fhirsig_core::fhir::VerifyOptions::certificates` shares that one).
    pub certificates: CertificateCache,
}

/// Every Provenance of `doc` (the root, or the resources of a Bundle's entries), and the JSON
/// Pointer of each.
pub(crate) fn provenances<'d>(doc: &'d Document<'_>) -> Vec<(String, Node<'d>)> {
    let root = doc.root();
    let kind = |n: Node<'_>| {
        n.get("resourceType")
            .and_then(|t| t.as_str())
            .map(str::to_owned)
    };
    match kind(root).as_deref() {
        Some("Provenance") => vec![(String::new(), root)],
        Some("Bundle") => root
            .get("entry")
            .iter()
            .flat_map(|e| e.elements())
            .enumerate()
            .filter_map(|(i, e)| {
                let r = e.get("resource")?;
                (kind(r).as_deref() == Some("Provenance"))
                    .then(|| (format!("/entry/{i}/resource"), r))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Verifies each `Provenance.signature` in `doc`: the payload is rebuilt from the targets found
/// in the same document (see [`super::resolve_target`]), the detached JWS in `data` is verified
/// with the key of `x5c[0]`, and the `x5c` chain is validated when a validator is given.
/// Returns one report per signature, with the signature's JSON Pointer.
pub fn verify_provenance_signatures(
    doc: &Document<'_>,
    options: &VerifyOptions,
) -> Vec<(String, Report)> {
    provenance_signatures(doc)
        .into_iter()
        .map(|(pointer, found)| {
            let report = verify_one(doc, found.provenance, found.signature, options);
            (format!("{pointer}/signature/{}", found.index), report)
        })
        .collect()
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
    provenances(doc)
        .into_iter()
        .flat_map(|(pointer, provenance)| {
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
    /// A target is not in the document (the message names it).
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
            Self::NoTarget => {
                Check::failed("targets-resolved", SubIndication::FormatFailure, message)
            }
            Self::Unresolved(_) => {
                Check::indeterminate("targets-resolved", SubIndication::FormatFailure, message)
            }
            Self::DocumentRuleNeedsOneTarget | Self::Payload(_) => {
                Check::failed("signature-format", SubIndication::FormatFailure, message)
            }
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
    pub number_changes: Vec<fhirsig_jcs::NumberChange>,
}

/// The content a Provenance signature covers, rebuilt from the targets found in `doc`, under
/// the rule its `targetFormat` names (`rule`; `None` is plain RFC 8785).
///
/// # Errors
/// [`ContentError`] when a target is missing or the rule does not fit the targets.
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
            })
        }
        (Some(Canonicalization::Document), _) => Err(ContentError::DocumentRuleNeedsOneTarget),
        _ => Ok(SignedContent {
            bytes: targets_payload(doc, &targets),
            targets: targets.len(),
            canonicalization: Canonicalization::Json,
            number_changes: targets_number_changes(doc, &targets),
        }),
    }
}

fn verify_one(
    doc: &Document<'_>,
    provenance: Node<'_>,
    signature: Node<'_>,
    options: &VerifyOptions,
) -> Report {
    let mut report = Report::new();
    // A signature over a document held elsewhere (a C-CDA or PDF in a DocumentReference or
    // Binary, `fhirsig doc sign --fhir`): its bytes are not in this file, so it cannot be checked
    // here. Say so instead of failing on the targets.
    if let Some(media) = external_document_format(signature) {
        report.push(
            Check::indeterminate(
                "signed-document",
                SubIndication::SignedDataNotFound,
                format!(
                    "this signature covers an external document ({media}); verify it with: fhirsig doc verify PROVENANCE.json DOCUMENT"
                ),
            )
            .with("targetFormat", media.to_owned()),
        );
        return report;
    }
    let (jws, rule) = match parse_element(signature) {
        Ok(parsed) => {
            report.push(Check::pass(
                "signature-format",
                "Signature.data holds a compact JWS",
            ));
            parsed
        }
        Err(message) => {
            report.push(Check::failed(
                "signature-format",
                SubIndication::FormatFailure,
                message,
            ));
            return report;
        }
    };
    let payload = match signed_content(doc, provenance, rule) {
        Ok(content) => {
            report.push(Check::pass(
                "targets-resolved",
                format!("{} target(s) found in the document", content.targets),
            ));
            content.bytes
        }
        Err(e) => {
            report.push(e.to_check());
            return report;
        }
    };
    let x5c = jws.header().x5c().unwrap_or_default();
    let parsed = options.certificates.get(x5c);
    let key = match parsed.key() {
        Some(Ok(key)) => key,
        Some(Err(e)) => {
            report.push(Check::failed(
                "signature-value",
                SubIndication::FormatFailure,
                format!("x5c[0]: {e}"),
            ));
            return report;
        }
        None => {
            report.push(Check::indeterminate(
                "signature-value",
                SubIndication::NoSigningCertificateFound,
                "the JWS header has no x5c, so there is no key to verify with",
            ));
            return report;
        }
    };
    match jws::verify_detached(&jws, &payload, key, &options.policy) {
        Ok(()) => report.push(Check::pass(
            "signature-value",
            "the JWS verifies over the targets",
        )),
        Err(e) => {
            report.push(
                Check::failed(
                    "signature-value",
                    SubIndication::SigCryptoFailure,
                    e.to_string(),
                )
                .with("payload-bytes", payload.len().to_string()),
            );
        }
    }
    report.push(when_check(signature, jws.header().sig_t()));
    let sig_t = jws.header().sig_t().and_then(parse_rfc3339);
    match &options.validator {
        Some(validator) => {
            let mut times = ValidationTimes::at(options.at);
            if let Some(t) = sig_t {
                times = times.with_sig_t(t);
            }
            match parsed.chain() {
                Ok(chain) => report.extend(validator.validate(chain, &times).0),
                Err(check) => report.push(check.clone()),
            }
        }
        None => report.push(Check::not_checked(
            "certificate-path",
            "no trust anchors were given; only the signature value was checked",
        )),
    }
    report
}

/// Whether a `targetFormat` names FHIR JSON (the targets are resources in this document).
fn is_fhir_json(target_format: &str) -> bool {
    let media = target_format.split(';').next().unwrap_or("").trim();
    media.eq_ignore_ascii_case("application/fhir+json")
        || media.eq_ignore_ascii_case("application/json")
}

fn parse_element(signature: Node<'_>) -> Result<(CompactJws, Option<Canonicalization>), String> {
    let text = |name: &str| signature.get(name).and_then(|v| v.as_str());
    match text("sigFormat") {
        Some(JOSE_SIG_FORMAT) => {}
        Some(other) => {
            return Err(format!(
                "sigFormat is {other:?}; only application/jose is verified"
            ))
        }
        None => return Err("sigFormat is missing (application/jose expected)".to_owned()),
    }
    let rule = match text("targetFormat") {
        Some(tf) => Canonicalization::from_target_format(tf).map_err(|e| e.to_string())?,
        None => None,
    };
    let data = text("data").ok_or("Signature.data is missing")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("Signature.data is not base64: {e}"))?;
    let compact =
        String::from_utf8(bytes).map_err(|_| "Signature.data is not UTF-8 JWS text".to_owned())?;
    let jws = CompactJws::parse(compact.trim()).map_err(|e| format!("Signature.data: {e}"))?;
    Ok((jws, rule))
}

fn when_check(signature: Node<'_>, sig_t: Option<&str>) -> Check {
    const CODE: &str = "signature-when";
    let when = signature.get("when").and_then(|w| w.as_str());
    match (when, sig_t) {
        (Some(w), Some(s))
            if parse_rfc3339(w).is_some() && parse_rfc3339(w) == parse_rfc3339(s) =>
        {
            Check::pass(CODE, "Signature.when agrees with the JWS sigT")
        }
        (Some(w), Some(s)) => Check::warn(
            CODE,
            format!("Signature.when {w:?} differs from sigT {s:?}"),
        ),
        (None, _) => Check::warn(CODE, "Signature.when is missing (R4 requires it)"),
        (Some(_), None) => Check::warn(CODE, "the JWS has no sigT to compare Signature.when with"),
    }
}
