//! A document signature carried by a FHIR Provenance (`fhirsig doc sign --fhir`): what the
//! Provenance claims — the resource holding the document (`target`), the signer (`who`), the
//! time (`when`) and the purpose (`type`) — checked against what the signature itself signs.
//!
//! Only what the signature binds can be checked: the signer certificate (`x5c`, or the CMS
//! signer), the signing time (`sigT`, or the CMS signing-time attribute), the commitment
//! (`srCms`) and the documents a JAdES `sigD` header names by URI. A claim the signature does not
//! bind is reported as not covered ("not checked"), never as passed.

use fhirsig_jcs::Document;

use super::sigd::signed_documents;
use crate::fhir::{signature_type_check, signer_identity, when_check, SignatureElement};
use crate::jws::{CompactJws, Header};
use crate::report::{Check, CheckCode, SubIndication};
use crate::trust::{format_rfc3339, Certificate};

/// The first `Provenance.signature` of a Provenance document, and what the Provenance claims.
#[derive(Debug, Clone)]
pub struct CarriedSignature {
    /// The signature bytes (`Signature.data` decoded).
    pub bytes: Vec<u8>,
    /// `Signature.targetFormat`: the document's media type.
    pub target_format: Option<String>,
    /// `Provenance.target[0].reference`: the resource holding the document.
    pub target: Option<String>,
    /// The `Signature` element.
    pub element: SignatureElement,
    /// How many `signature` entries and `target`s the Provenance has (one of each is checked).
    counts: (usize, usize),
    /// `Signature.sigFormat` is there but not a string (a number, `null`, an object).
    sig_format_not_text: bool,
}

/// Why a Provenance's signature cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CarriedSignatureError {
    /// The Provenance has no `signature`.
    NoSignature,
    /// `Signature.data` is absent or not base64.
    Data,
}

impl std::fmt::Display for CarriedSignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoSignature => "the Provenance has no signature",
            Self::Data => "Provenance.signature[0].data is missing or not base64",
        })
    }
}

impl std::error::Error for CarriedSignatureError {}

/// If `doc` is a Provenance, its first signature and claims; `None` for any other document.
pub fn carried_signature(
    doc: &Document<'_>,
) -> Option<Result<CarriedSignature, CarriedSignatureError>> {
    let root = doc.root();
    if root.get("resourceType")?.as_str()? != "Provenance" {
        return None;
    }
    let Some(signature) = root.get("signature").and_then(|s| s.elements().next()) else {
        return Some(Err(CarriedSignatureError::NoSignature));
    };
    let element = SignatureElement::read(signature);
    let Some(bytes) = element.data.as_deref().and_then(|data| {
        let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        crate::jws::b64::decode_std(compact.as_bytes())
    }) else {
        return Some(Err(CarriedSignatureError::Data));
    };
    let target = root
        .get("target")
        .and_then(|t| t.elements().next())
        .and_then(|t| t.get("reference"))
        .and_then(|r| r.as_str())
        .map(str::to_owned);
    let count = |name: &str| root.get(name).map_or(0, |v| v.elements().count());
    Some(Ok(CarriedSignature {
        bytes,
        target_format: element.target_format.clone(),
        target,
        element,
        counts: (count("signature"), count("target")),
        sig_format_not_text: signature
            .get("sigFormat")
            .is_some_and(|f| f.as_str().is_none()),
    }))
}

/// What the signature binds, read from a compact JWS or a CMS SignedData.
struct Signed {
    header: Option<Header>,
    leaf: Option<Certificate>,
    sig_t: Option<String>,
    /// `sigD` URIs; `None` when the signature names no documents (it signs the bytes).
    documents: Option<Vec<String>>,
}

fn signed_facts(bytes: &[u8]) -> Signed {
    if super::SignatureFormat::detect(bytes) == super::SignatureFormat::Cms {
        let (leaf, time) = super::cms::signer_facts(bytes);
        return Signed {
            header: None,
            leaf: leaf.and_then(|der| Certificate::from_der(&der).ok()),
            sig_t: time.map(format_rfc3339),
            documents: None,
        };
    }
    let jws = std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| CompactJws::parse(t.trim()).ok());
    let header = jws.map(|j| j.header().clone());
    let leaf = header
        .as_ref()
        .and_then(Header::x5c)
        .and_then(|c| c.first())
        .and_then(|der| Certificate::from_der(der).ok());
    let documents = header
        .as_ref()
        .and_then(|h| signed_documents(h).ok().flatten())
        .map(|docs| docs.into_iter().map(|d| d.uri).collect());
    Signed {
        sig_t: header.as_ref().and_then(|h| h.sig_t().map(str::to_owned)),
        header,
        leaf,
        documents,
    }
}

/// The checks of what the Provenance claims against what the signature binds: `signer-identity`
/// (who), `signature-when` (when), `signature-type` (type) and `provenance-binding` (target).
pub fn provenance_claim_checks(doc: &Document<'_>, carried: &CarriedSignature) -> Vec<Check> {
    let signed = signed_facts(&carried.bytes);
    // The Provenance itself is not signed: a `who.reference` into it names nothing signed.
    let mut checks = vec![signer_identity(
        doc,
        "",
        &carried.element,
        signed.leaf.as_ref(),
        false,
        &crate::fhir::Coverage::default(),
    )];
    checks.push(match &signed.sig_t {
        Some(t) => when_check(&carried.element, Some(t)),
        None => Check::not_checked(
            CheckCode::SignatureWhen,
            "the signature carries no signing time, so Signature.when is not covered",
        ),
    });
    checks.push(match signed.header.as_ref().filter(|h| h.sr_cms().is_some()) {
        Some(header) => signature_type_check(&carried.element, header),
        None => Check::not_checked(
            CheckCode::SignatureType,
            "the signature carries no commitment type (srCms), so Signature.type is not covered",
        ),
    });
    checks.push(target_binding(
        carried.target.as_deref(),
        signed.documents.as_deref(),
    ));
    checks.push(match carried.sig_format_not_text {
        true => Check::failed(
            CheckCode::SigFormat,
            SubIndication::FormatFailure,
            "Signature.sigFormat is not a string (FHIR code); it cannot name the signature's format",
        ),
        false => sig_format_check(&carried.element, &carried.bytes),
    });
    if carried.counts != (1, 1) {
        let (signatures, targets) = carried.counts;
        checks.push(Check::failed(
            CheckCode::ProvenanceBinding,
            SubIndication::FormatFailure,
            format!(
                "the Provenance has {signatures} signature(s) and {targets} target(s); a document signature it carries is checked as one signature over one target, so the others would pass unseen"
            ),
        ));
    }
    // The Provenance names who signed and which resource holds the document: the document is
    // verified as that only when the signature binds both.
    let unbound: Vec<&str> = checks
        .iter()
        .filter(|c| {
            matches!(
                c.code(),
                CheckCode::SignerIdentity | CheckCode::ProvenanceBinding
            ) && c.outcome() != crate::report::Outcome::Pass
        })
        .map(|c| c.code().as_str())
        .collect();
    if !unbound.is_empty() && checks.iter().all(|c| c.failure().is_none()) {
        checks.push(Check::indeterminate(
            CheckCode::ProvenanceBinding,
            SubIndication::SigConstraintsFailure,
            format!(
                "not verified as the Provenance claims: {} did not pass, so the signature does not show who signed or which resource holds the document",
                unbound.join(", ")
            ),
        ));
    }
    checks
}

/// `Signature.sigFormat` against what `Signature.data` holds: a Provenance that says
/// `application/pkcs7-signature` over a JWS (or `application/jose` over a CMS SignedData)
/// misdescribes its signature, and a reader that trusts the claim would check it wrongly.
fn sig_format_check(element: &crate::fhir::SignatureElement, bytes: &[u8]) -> Check {
    const CODE: CheckCode = CheckCode::SigFormat;
    let (found, accepted): (&str, &[&str]) = match super::SignatureFormat::detect(bytes) {
        super::SignatureFormat::Cms => (
            "a CMS SignedData",
            &["application/pkcs7-signature", "application/pkcs7-mime"],
        ),
        // RFC 7515 §9.2: application/jose (compact) and application/jose+json (JSON).
        super::SignatureFormat::Jws => ("a JWS", &["application/jose", "application/jose+json"]),
    };
    let Some(declared) = element.sig_format.as_deref() else {
        return Check::not_checked(
            CODE,
            format!("Signature.sigFormat is absent; Signature.data holds {found}"),
        );
    };
    // RFC 2045 §5.1: type and subtype are case-insensitive; parameters do not change the kind.
    let essence = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let check = if accepted.contains(&essence.as_str()) {
        Check::pass(
            CODE,
            format!("Signature.sigFormat {declared:?} names {found}"),
        )
    } else {
        Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!(
                "Signature.sigFormat is {declared:?}, but Signature.data holds {found} ({} expected)",
                accepted[0]
            ),
        )
    };
    check.with("sigFormat", declared.to_owned())
}

/// `Provenance.target` against the documents a `sigD` header names.
fn target_binding(target: Option<&str>, documents: Option<&[String]>) -> Check {
    const CODE: CheckCode = CheckCode::ProvenanceBinding;
    match (target, documents) {
        (None, _) => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "the Provenance has no target reference naming the resource that holds the document",
        ),
        (Some(target), Some(uris)) if uris.iter().any(|u| u == target) => Check::pass(
            CODE,
            format!("the signature names Provenance.target {target:?} (sigD)"),
        )
        .with("target", target.to_owned()),
        (Some(target), Some(uris)) => Check::failed(
            CODE,
            SubIndication::SigConstraintsFailure,
            format!(
                "the signature names {}, not Provenance.target {target:?}",
                uris.join(", ")
            ),
        )
        .with("target", target.to_owned()),
        (Some(target), None) => Check::not_checked(
            CODE,
            format!(
                "the signature does not name the resource holding the document, so Provenance.target {target:?} is not covered (sign with `doc sign --fhir` to bind it)"
            ),
        )
        .with("target", target.to_owned()),
    }
}
