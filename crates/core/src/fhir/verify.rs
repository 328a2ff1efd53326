//! Verifying every FHIR JSON signature in a document: the Signature element, the JWS header
//! (CDex CONF rules), the payload, the signature value, the certificate chain and the signer's
//! identity, each a named check of one report per signature.

use base64::Engine as _;
use fhirsig_jcs::{Document, NumberChange};
use ring::digest;
use rustls_pki_types::UnixTime;

use super::checks;
use super::element::SignatureElement;
use super::profile::Profile;
use super::x5c_cache::CertificateCache;
use crate::hex::hex;
use crate::jws::{AlgorithmPolicy, CompactJws, Header, JsonJws, JwsError, VerifyingKey};
use crate::locate::{locate, Located};
use crate::payload::{item_payload, resource_payload, SignedObject};
use crate::trust::{
    match_signer_identity, parse_rfc3339, Certificate, ChainValidator, Check, Report,
    SubIndication, TimePolicy, ValidationTimes,
};

/// How to verify.
#[derive(Debug)]
pub struct VerifyOptions {
    /// The profile to hold signatures to; `None` detects it per signature.
    pub profile: Option<Profile>,
    /// The algorithms accepted.
    pub algorithms: AlgorithmPolicy,
    /// Trust anchors, CRLs and key-usage policy; `None` leaves the chain unchecked, which makes
    /// the result INDETERMINATE (a signature is never called trusted without anchors).
    pub validator: Option<ChainValidator>,
    /// The verification time (the caller reads the clock or takes `--at`).
    pub verification_time: UnixTime,
    /// Which instant certificates are validated at.
    pub time_policy: TimePolicy,
    /// Parsed `x5c` chains, shared by every document verified with these options
    /// (`Default::default()` starts empty).
    pub certificates: CertificateCache,
}

/// Whether a signature is a digital (JWS) one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureKind {
    /// A JWS (`sigFormat` `application/jose`, or absent).
    Digital,
    /// An electronic signature: a picture or other non-cryptographic mark (`sigFormat`
    /// `image/*`). Reported as present, never as verified.
    Electronic {
        /// Its `sigFormat`.
        sig_format: String,
    },
}

/// The signer as its certificate names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// Subject distinguished name of `x5c[0]`.
    pub subject: String,
    /// Identifiers the certificate carries (`(system, value)`, e.g. the NPI).
    pub identifiers: Vec<(&'static str, String)>,
}

/// One certificate of a signature's `x5c`, as shown in reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// Start of validity.
    pub not_before: UnixTime,
    /// End of validity.
    pub not_after: UnixTime,
}

/// The outcome for one signature.
#[derive(Debug, Clone)]
pub struct SignatureVerification {
    /// JSON Pointer of the signed object.
    pub pointer: String,
    /// JSON Pointer of the `Signature` element.
    pub signature_pointer: String,
    /// What the signature covers.
    pub object: SignedObject,
    /// The profile the signature was held to.
    pub profile: Option<Profile>,
    /// Digital or electronic.
    pub kind: SignatureKind,
    /// Every check, and the indication derived from them.
    pub report: Report,
    /// The signer, when `x5c[0]` could be read.
    pub signer: Option<SignerInfo>,
    /// The header's `sigT`, as written.
    pub sig_t: Option<String>,
    /// SHA-256 of the reconstructed payload, hex.
    pub payload_sha256: Option<String>,
    /// Numbers whose canonical form differs from how they are written.
    pub number_changes: Vec<NumberChange>,
    /// The `x5c` certificates that could be read, signer first.
    pub chain: Vec<CertificateSummary>,
}

impl SignatureVerification {
    /// A result made from a report computed elsewhere (e.g. a Provenance signature).
    pub fn from_report(
        pointer: String,
        signature_pointer: String,
        object: SignedObject,
        report: Report,
    ) -> Self {
        SignatureVerification {
            pointer,
            signature_pointer,
            object,
            profile: None,
            kind: SignatureKind::Digital,
            report,
            signer: None,
            sig_t: None,
            payload_sha256: None,
            number_changes: Vec::new(),
            chain: Vec::new(),
        }
    }

    /// True only for a digital signature whose every check passed (warnings allowed).
    pub fn verified(&self) -> bool {
        self.kind == SignatureKind::Digital && self.report.passed()
    }
}

/// Verifies every signature in `doc` (Bundles, QuestionnaireResponses and their items, also
/// inside Parameters and contained resources). Unsigned objects are not listed.
pub fn verify_document(doc: &Document<'_>, options: &VerifyOptions) -> Vec<SignatureVerification> {
    locate(doc)
        .iter()
        .filter_map(|located| {
            let signature = located.signature?;
            Some(verify_one(doc, located, signature, options))
        })
        .collect()
}

fn verify_one(
    doc: &Document<'_>,
    located: &Located<'_>,
    signature: fhirsig_jcs::Node<'_>,
    options: &VerifyOptions,
) -> SignatureVerification {
    let element = SignatureElement::read(signature);
    let mut result = SignatureVerification {
        pointer: located.pointer.clone(),
        signature_pointer: doc.pointer_of(signature.id()),
        object: located.object,
        profile: options.profile,
        kind: SignatureKind::Digital,
        report: Report::new(),
        signer: None,
        sig_t: None,
        payload_sha256: None,
        number_changes: Vec::new(),
        chain: Vec::new(),
    };
    result.report.push(checks::element_shape(&element));
    if let Some(format) = element
        .sig_format
        .as_deref()
        .filter(|f| f.starts_with("image/"))
    {
        result.kind = SignatureKind::Electronic {
            sig_format: format.to_owned(),
        };
        result.report.push(Check::indeterminate(
            "digital-signature",
            SubIndication::FormatFailure,
            format!(
                "an electronic signature ({format}): a picture, not a digital signature; it is present but nothing cryptographic can be verified"
            ),
        ));
        return result;
    }
    let Some(jws_text) = decode_data(&element, &mut result.report) else {
        return result;
    };
    if jws_text.trim_start().starts_with('{') {
        verify_json_serialization(doc, located, &element, &jws_text, options, &mut result);
    } else {
        match CompactJws::parse(jws_text.trim()) {
            Ok(jws) => {
                result
                    .report
                    .push(Check::pass("jws-format", "compact JWS (CONF-046)"));
                let header = jws.header().clone();
                let outcome = check_signature(
                    doc,
                    located,
                    &element,
                    &header,
                    options,
                    &mut result,
                    |payload, key, policy| crate::jws::verify_detached(&jws, payload, key, policy),
                );
                result.report.extend(outcome);
            }
            Err(e) => result.report.push(checks::jws_failure("jws-format", &e)),
        }
    }
    result
}

/// `Signature.data` → JWS text. FHIR base64Binary is standard base64; a raw compact JWS is
/// accepted with a warning (the HL7 validator tolerates it, though base64Binary forbids '.').
fn decode_data(element: &SignatureElement, report: &mut Report) -> Option<String> {
    const CODE: &str = "signature-data";
    let Some(data) = element.data.as_deref() else {
        report.push(Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "Signature.data is missing: there is no JWS to verify",
        ));
        return None;
    };
    // base64Binary may be wrapped; copy only when it is.
    let compact: std::borrow::Cow<'_, str> = if data.bytes().any(|b| b.is_ascii_whitespace()) {
        data.chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect::<String>()
            .into()
    } else {
        data.into()
    };
    match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                report.push(Check::pass(CODE, "Signature.data is base64 of the JWS"));
                Some(text)
            }
            Err(_) => {
                report.push(Check::failed(
                    CODE,
                    SubIndication::FormatFailure,
                    "Signature.data does not decode to JWS text (not UTF-8)",
                ));
                None
            }
        },
        Err(_) if compact.split('.').count() == 3 => {
            report.push(Check::warn(
                CODE,
                "Signature.data holds the JWS itself, not its base64 (CONF-046 says base64 encoded again)",
            ));
            Some(compact.into_owned())
        }
        Err(_) => {
            report.push(Check::failed(
                CODE,
                SubIndication::FormatFailure,
                "Signature.data is not base64",
            ));
            None
        }
    }
}

/// CONF-047: one signer, several certificates; trusted when any signature chains to an anchor.
fn verify_json_serialization(
    doc: &Document<'_>,
    located: &Located<'_>,
    element: &SignatureElement,
    text: &str,
    options: &VerifyOptions,
    result: &mut SignatureVerification,
) {
    let jws = match JsonJws::parse(text) {
        Ok(jws) => jws,
        Err(e) => {
            result.report.push(checks::jws_failure("jws-format", &e));
            return;
        }
    };
    let count = jws.signatures().len();
    result.report.push(Check::pass(
        "jws-format",
        format!("JWS JSON serialization with {count} signature(s) (CONF-047)"),
    ));
    let mut reports = Vec::new();
    for (index, entry) in jws.signatures().iter().enumerate() {
        let Some(header) = entry.protected().cloned() else {
            let mut report = Report::new();
            report.push(Check::failed(
                "jws-format",
                SubIndication::FormatFailure,
                format!("signature {index} has no protected header"),
            ));
            reports.push(report);
            continue;
        };
        let mut scratch = SignatureVerification {
            report: Report::new(),
            ..result.clone()
        };
        let report = check_signature(
            doc,
            located,
            element,
            &header,
            options,
            &mut scratch,
            |payload, key, policy| jws.verify_detached(index, payload, key, policy),
        );
        if index == 0 || report.passed() {
            result.signer = scratch.signer.clone().or(result.signer.take());
            result.sig_t = scratch.sig_t.clone();
            result.payload_sha256 = scratch.payload_sha256.clone();
            result.number_changes = scratch.number_changes.clone();
            result.profile = scratch.profile;
        }
        reports.push(report);
    }
    let chosen = reports.iter().position(Report::passed).unwrap_or(0);
    for (i, report) in reports.into_iter().enumerate() {
        if i == chosen {
            result.report.extend(report);
        } else if !report.passed() {
            result.report.push(Check::warn(
                "jws-json-signature",
                format!("signature {i} of {count} did not verify: {report}"),
            ));
        }
    }
}

/// The checks of one JWS signature (header, payload, value, chain, identity).
fn check_signature(
    doc: &Document<'_>,
    located: &Located<'_>,
    element: &SignatureElement,
    header: &Header,
    options: &VerifyOptions,
    result: &mut SignatureVerification,
    verify: impl Fn(&[u8], &VerifyingKey, &AlgorithmPolicy) -> Result<(), JwsError>,
) -> Report {
    let mut report = Report::new();
    let profile = options.profile.unwrap_or_else(|| {
        Profile::detect(
            element.target_format.as_deref(),
            header.canon(),
            header.sig_t().is_some(),
        )
    });
    result.profile = Some(profile);
    result.sig_t = header.sig_t().map(str::to_owned);
    if let Some(check) = checks::no_detached_references(header) {
        report.push(check);
        return report;
    }
    report.push(
        Check::pass("profile", format!("held to the {profile} profile"))
            .with("profile", profile.name()),
    );
    report.push(checks::sig_format(element, profile));
    report.push(checks::target_format(element, header, profile));
    let alg = header.alg().unwrap_or("");
    report.push(match options.algorithms.check(alg) {
        Ok(a) => Check::pass("algorithm", format!("alg {} is allowed", a.name()))
            .with("conf", "CONF-040"),
        Err(e) => checks::jws_failure("algorithm", &e).with("conf", "CONF-040"),
    });
    report.push(checks::x5c(header));
    report.push(checks::sig_t(header, profile));
    report.push(checks::sr_cms(header, profile));
    report.push(checks::signature_type(element, header));
    report.push(checks::when_matches_sig_t(element, header));

    // The payload, by the profile's rule.
    let payload = match located.object {
        SignedObject::QuestionnaireResponseItem => item_payload(doc, located.node),
        _ => resource_payload(doc, located.node, profile.canonicalization()),
    };
    let payload = match payload {
        Ok(p) => p,
        Err(e) => {
            report.push(Check::failed(
                "payload",
                SubIndication::FormatFailure,
                e.to_string(),
            ));
            return report;
        }
    };
    let sha = hex(digest::digest(&digest::SHA256, &payload.bytes).as_ref());
    report.push(
        Check::pass(
            "payload",
            format!(
                "{} bytes by {}",
                payload.bytes.len(),
                profile.canonicalization()
            ),
        )
        .with("sha256", sha.clone())
        .with("conf", "CONF-030, CONF-034, CONF-035, CONF-036"),
    );
    result.payload_sha256 = Some(sha);
    if let Some(check) = checks::decimal_precision(&payload.number_changes) {
        report.push(check);
    }
    result.number_changes = payload.number_changes.clone();

    // The signature value, with the key of x5c[0].
    let x5c = header.x5c().unwrap_or_default();
    let parsed = options.certificates.get(x5c);
    match &parsed.key {
        None => report.push(Check::not_checked(
            "signature-value",
            "no signer certificate, so no key to verify with",
        )),
        Some(Err(e)) => report.push(Check::failed(
            "signature-value",
            SubIndication::FormatFailure,
            format!("x5c[0] does not hold a usable public key: {e}"),
        )),
        Some(Ok(key)) => report.push(match verify(&payload.bytes, key, &options.algorithms) {
            Ok(()) => Check::pass(
                "signature-value",
                "the signature verifies with the key of x5c[0]",
            ),
            Err(e) => checks::jws_failure("signature-value", &e),
        }),
    }
    result.chain.clone_from(&parsed.summaries);
    if parsed.signer.is_some() {
        result.signer.clone_from(&parsed.signer);
    }

    // The certificate chain, at the instant the time policy selects.
    let mut times = ValidationTimes::at(options.verification_time).with_policy(options.time_policy);
    if let Some(t) = header.sig_t().and_then(parse_rfc3339) {
        times = times.with_sig_t(t);
    }
    match (&options.validator, &parsed.chain) {
        (Some(validator), Ok(chain)) => report.extend(validator.validate(chain, &times).0),
        (Some(_), Err(check)) if !x5c.is_empty() => report.push(check.clone()),
        (Some(_), Err(_)) => {}
        (None, _) => report.push(Check::indeterminate(
            "certificate-path",
            SubIndication::NoCertificateChainFound,
            "no trust anchors were given, so the signer certificate is not trusted (pass --trust)",
        )),
    }

    // The signer's identity (CONF-053).
    report.push(identity(element, parsed.leaf.as_ref(), profile));
    report
}

fn identity(element: &SignatureElement, leaf: Option<&Certificate>, profile: Profile) -> Check {
    const CODE: &str = "signer-identity";
    let value = element
        .who_identifier
        .as_ref()
        .and_then(|i| i.value.as_deref());
    match (value, leaf) {
        (Some(value), Some(leaf)) => {
            let system = element.who_identifier.as_ref().and_then(|i| i.system.as_deref());
            match_signer_identity(leaf, system, value)
                .to_check(value)
                .with("conf", "CONF-053")
        }
        (Some(_), None) => Check::not_checked(CODE, "no signer certificate to match against"),
        (None, _) if profile == Profile::Cdex => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            "Signature.who.identifier is missing; the CDex profile requires it (1..1) to name the signer",
        )
        .with("conf", "CONF-048"),
        (None, _) => Check::not_checked(
            CODE,
            "Signature.who has no identifier, so the certificate cannot be matched to it",
        ),
    }
}
