//! Verifying every FHIR JSON signature in a document: the Signature element, the JWS header
//! (CDex CONF rules), the payload, the signature value, the certificate chain and the signer's
//! identity, each a named check of one report per signature; and the verdict, a [`Verified`]
//! made only when the checks it depends on passed.

use fhirsig_jcs::{Document, NumberChanges};
use rustls_pki_types::UnixTime;

use super::checks;
use super::decode::{decode_signature, Jws};
use super::element::SignatureElement;
use super::payloads::{signed_bytes, Payloads, SignedBytes};
use super::profile::Profile;
use super::who::signer_identity;
use crate::canonicalization::Canonicalization;
use crate::jws::{Algorithm, AlgorithmPolicy, Header, JwsError, SigningInputDigest, VerifyingKey};
use crate::locate::{DocumentIndex, Located};
use crate::payload::SignedObject;
use crate::policy::Policy;
use crate::report::{CheckCode, Requirements, Verified};
use crate::trust::{
    parse_rfc3339, ChainValidator, Check, Report, SubIndication, TimePolicy, ValidationTimes,
    VerifiedChain,
};
use crate::trust::{CertificateCache, CertificateSummary, ParsedX5c, SignerInfo};
use std::sync::Arc;

/// How to verify.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The profile to hold signatures to; `None` detects it per signature.
    pub profile: Option<Profile>,
    /// The validation policy; `None` takes the built-in policy of each signature's profile
    /// ([`Policy::for_profile`]: `r6` for the R6 profile, `cdex` otherwise). The policy's
    /// settings (algorithms, EKUs, time policy) are the caller's to copy into these options and
    /// the validator; the verifier applies its check levels and revocation rule.
    pub policy: Option<Arc<Policy>>,
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
    /// (`Default::default()` starts empty; a clone shares the cache).
    pub certificates: CertificateCache,
}

impl VerifyOptions {
    /// Options that check signatures against `validator`'s trust anchors at `at`, detecting
    /// each signature's profile, with the default algorithms and time policy.
    pub fn new(validator: ChainValidator, at: UnixTime) -> Self {
        VerifyOptions {
            profile: None,
            policy: None,
            algorithms: AlgorithmPolicy::default(),
            validator: Some(validator),
            verification_time: at,
            time_policy: TimePolicy::default(),
            certificates: CertificateCache::default(),
        }
    }
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

/// What a signature covers: the signed objects, and what inside them the rule leaves out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Coverage {
    /// JSON Pointers of the signed objects: the resource or item for a resource signature, the
    /// targets (in target order) for a Provenance signature. Empty when the signed bytes could
    /// not be rebuilt.
    pub signed: Vec<String>,
    /// JSON Pointers inside the signed objects that the rule leaves out (for the CDex rule the
    /// root `id`, `meta` and `signature`): they may change without failing the signature.
    pub excluded: Vec<String>,
    /// The canonicalisation the signed bytes were rebuilt by.
    pub canonicalization: Option<Canonicalization>,
}

impl Coverage {
    /// Whether the value at `pointer` is signed: at or under a signed object, and not at or
    /// under an excluded member.
    pub fn covers(&self, pointer: &str) -> bool {
        let within = |base: &str| {
            pointer == base
                || (pointer.starts_with(base) && pointer.as_bytes().get(base.len()) == Some(&b'/'))
        };
        self.signed.iter().any(|s| within(s)) && !self.excluded.iter().any(|e| within(e))
    }

    /// Whether everything at and under `pointer` is signed: `pointer` is covered and no
    /// excluded member lies at or under it.
    pub fn covers_subtree(&self, pointer: &str) -> bool {
        self.covers(pointer)
            && !self.excluded.iter().any(|e| {
                e.starts_with(pointer)
                    && matches!(e.as_bytes().get(pointer.len()), None | Some(b'/'))
            })
    }
}

/// Which signature of a JWS JSON serialization a result is about (CONF-047).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwsEntry {
    /// Index in `signatures`.
    pub index: usize,
    /// How many signatures the serialization has.
    pub count: usize,
}

/// The outcome for one signature (one entry of a JWS JSON serialization counts as one).
///
/// Made only by the verifiers of this crate: [`SignatureVerification::verified`] is true only
/// when the verifier made a [`Verified`] for it.
#[derive(Debug, Clone)]
pub struct SignatureVerification {
    /// JSON Pointer of the signed object (for a Provenance signature: of the Provenance).
    pub pointer: String,
    /// JSON Pointer of the `Signature` element.
    pub signature_pointer: String,
    /// For a JWS JSON serialization: which of its signatures this is.
    pub jws_entry: Option<JwsEntry>,
    /// What kind of object is signed.
    pub object: SignedObject,
    /// The profile the signature was held to.
    pub profile: Option<Profile>,
    /// The name of the validation policy the checks were judged by.
    pub policy: Option<String>,
    /// Digital or electronic.
    pub kind: SignatureKind,
    /// The signer, when `x5c[0]` could be read.
    pub signer: Option<SignerInfo>,
    /// The header's `sigT`, as written.
    pub sig_t: Option<String>,
    /// SHA-256 of the reconstructed payload, hex.
    pub payload_sha256: Option<String>,
    /// Numbers whose canonical form differs from how they are written: counted, the first
    /// ones listed (shared by every signature over the same payload).
    pub number_changes: Arc<NumberChanges>,
    /// The `x5c` certificates that could be read, signer first (shared by every signature
    /// with the same `x5c`).
    pub chain: Arc<[CertificateSummary]>,
    /// What the signature covers.
    pub coverage: Coverage,
    report: Report,
    verdict: Option<Verified>,
    unmet: Vec<CheckCode>,
}

/// The checks [`resource_entry`] adds for a signature whose chain validates.
const RESOURCE_CHECKS: usize = 25;

/// What a resource or Provenance signature needs to be verified: the signed bytes rebuilt,
/// the signature value verified with the key of `x5c[0]`, the chain validated to a trust anchor
/// and `Signature.who` matched to the certificate.
const RESOURCE_VERDICT: Requirements = Requirements::with_trust(&[
    CheckCode::Payload,
    CheckCode::SignatureValue,
    CheckCode::CertificatePath,
    CheckCode::SignerIdentity,
]);

impl SignatureVerification {
    pub(super) fn new(pointer: String, signature_pointer: String, object: SignedObject) -> Self {
        SignatureVerification {
            pointer,
            signature_pointer,
            jws_entry: None,
            object,
            profile: None,
            policy: None,
            kind: SignatureKind::Digital,
            signer: None,
            sig_t: None,
            payload_sha256: None,
            number_changes: Arc::default(),
            chain: Arc::default(),
            coverage: Coverage::default(),
            report: Report::new(),
            verdict: None,
            unmet: Vec::new(),
        }
    }

    /// True only when the verifier made a [`Verified`] for this signature: a digital signature
    /// whose signed bytes, value, chain and signer identity each passed and no check failed.
    pub fn verified(&self) -> bool {
        self.verdict.is_some()
    }

    /// The proof, for a verified signature: the exact payload digest and the validated chain.
    pub fn proof(&self) -> Option<&Verified> {
        self.verdict.as_ref()
    }

    /// The checks a verdict needs that did not run and pass (e.g. `signer-identity` when
    /// `Signature.who` could not be matched): why a signature whose report shows no failure is
    /// still not verified. Empty for a verified signature, and before a verdict was reached.
    pub fn unmet(&self) -> &[CheckCode] {
        &self.unmet
    }

    /// Every check, in the order run, and the indication derived from them.
    pub fn report(&self) -> &Report {
        &self.report
    }

    pub(super) fn push(&mut self, check: Check) {
        self.report.push(check);
    }

    /// Applies `policy` to every check, then decides the verdict by what the policy still
    /// requires.
    pub(super) fn decide(
        &mut self,
        requirements: Requirements,
        chain: Option<VerifiedChain>,
        policy: &Policy,
        options: &VerifyOptions,
    ) {
        let revocation_data = options
            .validator
            .as_ref()
            .is_some_and(ChainValidator::has_revocation_data);
        policy.apply(&mut self.report, revocation_data);
        self.policy = Some(policy.name().to_owned());
        let requirements = requirements.under(policy);
        self.unmet = requirements.unmet(&self.report);
        self.verdict = match self.kind {
            SignatureKind::Digital => Verified::decide(
                &self.report,
                requirements,
                self.payload_sha256.as_deref(),
                chain,
            ),
            SignatureKind::Electronic { .. } => None,
        };
    }
}

/// Verifies every signature in `doc`: Bundles, QuestionnaireResponses and each of their
/// signature extensions (also items, and inside Parameters and contained resources), then every
/// `Provenance.signature`. Unsigned objects are not listed (see [`super::FileVerdict`]).
pub fn verify_document(doc: &Document<'_>, options: &VerifyOptions) -> Vec<SignatureVerification> {
    verify_indexed(doc, &DocumentIndex::of(doc), options)
}

/// [`verify_document`] over the structure `index` found (made once per document by
/// [`DocumentIndex::of`]).
pub(crate) fn verify_indexed(
    doc: &Document<'_>,
    index: &DocumentIndex<'_>,
    options: &VerifyOptions,
) -> Vec<SignatureVerification> {
    let mut results = Vec::new();
    for located in &index.located {
        for signature in &located.signatures {
            results.extend(verify_resource_signature(doc, located, *signature, options));
        }
    }
    results.extend(super::verify_provenance::verify_provenances(
        doc,
        &index.provenances,
        options,
    ));
    results
}

fn verify_resource_signature(
    doc: &Document<'_>,
    located: &Located<'_>,
    signature: fhirsig_jcs::Node<'_>,
    options: &VerifyOptions,
) -> Vec<SignatureVerification> {
    let mut decoded = decode_signature(signature);
    let mut base = SignatureVerification::new(
        located.pointer.clone(),
        doc.pointer_of(signature.id()),
        located.object,
    );
    base.profile = options.profile;
    base.push(checks::element_shape(&decoded.element));
    if let Some(format) = decoded
        .element
        .sig_format
        .as_deref()
        .filter(|f| f.starts_with("image/"))
    {
        base.kind = SignatureKind::Electronic {
            sig_format: format.to_owned(),
        };
        base.push(Check::indeterminate(
            CheckCode::DigitalSignature,
            SubIndication::FormatFailure,
            format!(
                "an electronic signature ({format}): a picture, not a digital signature; it is present but nothing cryptographic can be verified"
            ),
        ));
        return vec![base];
    }
    std::mem::take(&mut decoded.checks)
        .into_iter()
        .for_each(|c| base.push(c));
    let Some(jws) = &decoded.jws else {
        return vec![base];
    };
    let mut payloads = Payloads {
        doc,
        located,
        built: Vec::new(),
    };
    let element = &decoded.element;
    each_entry(jws, base, |entry, result| {
        resource_entry(doc, element, entry, &mut payloads, result, options)
    })
}

/// Runs `check` for each signature of `jws` (one for compact, each entry of a JSON
/// serialization, which also gets its [`JwsEntry`]), starting from a copy of `base`; an entry
/// without a protected header fails without being checked.
pub(super) fn each_entry(
    jws: &Jws,
    base: SignatureVerification,
    mut check: impl FnMut(&Entry<'_>, SignatureVerification) -> SignatureVerification,
) -> Vec<SignatureVerification> {
    match jws {
        Jws::Compact(compact) => {
            let entry = Entry {
                header: compact.header(),
                prefix: compact.header().raw_b64u(),
                detached: compact.is_detached(),
                verify: &|input, key, policy| compact.verify_signing_input(input, key, policy),
                verify_digest: &|digest, key, policy| {
                    compact.verify_signing_input_digest(digest, key, policy)
                },
            };
            vec![check(&entry, base)]
        }
        Jws::Json(json) => {
            let count = json.signatures().len();
            // Each entry starts from `base`; the last one takes it.
            let mut starts: Vec<SignatureVerification> = Vec::with_capacity(count);
            if count > 0 {
                starts.extend((1..count).map(|_| base.clone()));
                starts.push(base);
            }
            starts
                .into_iter()
                .enumerate()
                .map(|(index, mut result)| {
                    result.jws_entry = Some(JwsEntry { index, count });
                    let Some(header) = json.signatures()[index].protected() else {
                        result.push(no_protected_header(index, count));
                        return result;
                    };
                    let entry = Entry {
                        header,
                        prefix: json.protected_b64u(index).unwrap_or_default(),
                        detached: json.is_detached(),
                        verify: &|input, key, policy| {
                            json.verify_signing_input(index, input, key, policy)
                        },
                        verify_digest: &|digest, key, policy| {
                            json.verify_signing_input_digest(index, digest, key, policy)
                        },
                    };
                    check(&entry, result)
                })
                .collect()
        }
    }
}

/// The report entry for a JWS JSON signature without a protected header (nothing of what
/// fhirsig checks would be signed).
pub(super) fn no_protected_header(index: usize, count: usize) -> Check {
    Check::failed(
        CheckCode::JwsFormat,
        SubIndication::FormatFailure,
        format!("signature {index} of {count} has no protected header"),
    )
}

/// Verifies a signature value over a signing input with a key and the accepted algorithms.
type VerifyFn<'a> = dyn Fn(&[u8], &VerifyingKey, &AlgorithmPolicy) -> Result<(), JwsError> + 'a;
/// The same, from the digest of the signing input.
type VerifyDigestFn<'a> =
    dyn Fn(&SigningInputDigest, &VerifyingKey, &AlgorithmPolicy) -> Result<(), JwsError> + 'a;

/// One JWS signature: its protected header, the header text its signing input starts with,
/// and how to verify its value over a signing input.
pub(super) struct Entry<'a> {
    pub(super) header: &'a Header,
    pub(super) prefix: &'a str,
    /// Whether the JWS leaves its payload out (CDex signatures do).
    pub(super) detached: bool,
    pub(super) verify: &'a VerifyFn<'a>,
    pub(super) verify_digest: &'a VerifyDigestFn<'a>,
}

/// The checks of one JWS signature over a resource or item (header, payload, value, chain,
/// identity), and its verdict.
fn resource_entry(
    doc: &Document<'_>,
    element: &SignatureElement,
    entry: &Entry<'_>,
    payloads: &mut Payloads<'_, '_>,
    mut result: SignatureVerification,
    options: &VerifyOptions,
) -> SignatureVerification {
    let header = entry.header;
    let profile = options.profile.unwrap_or_else(|| {
        Profile::detect(
            element.target_format.as_deref(),
            header.canon(),
            header.sig_t().is_some(),
        )
    });
    result.profile = Some(profile);
    let policy = policy_for(options, profile);
    result.policy = Some(policy.name().to_owned());
    result.sig_t = header.sig_t().map(str::to_owned);
    if let Some(check) = checks::no_detached_references(header) {
        result.push(check);
        return result;
    }
    // Room for the checks from here to the signer's identity (two dozen with a validated
    // chain), reserved only for a signature that got this far, so that a document of many
    // broken signatures does not hold this much for each.
    result.report.reserve(RESOURCE_CHECKS);
    result.push(
        Check::pass(CheckCode::Profile, format!("held to the {profile} profile"))
            .with("profile", profile.name()),
    );
    result.push(checks::sig_format(element, profile));
    result.push(checks::target_format(element, header, profile));
    header_checks(header, options, &mut result);
    result.push(checks::sig_t(header, profile));
    if let Some(check) = sig_t_after_verification(header, options) {
        result.push(check);
    }
    result.push(checks::sr_cms(header, profile));
    result.push(checks::signature_type(element, header));
    result.push(checks::when_matches_sig_t(element, header));

    // The payload, by the profile's rule.
    let rule = profile.canonicalization();
    let payload = match payloads.get(rule) {
        Ok(p) => p,
        Err(message) => {
            result.push(Check::failed(
                CheckCode::Payload,
                SubIndication::FormatFailure,
                message.clone(),
            ));
            return result;
        }
    };
    let alg = header
        .alg()
        .and_then(|name| Algorithm::from_name(name).ok());
    let input = signed_bytes(doc, payload, entry.prefix, alg, entry.detached);
    let (sha, len) = payload.digest.clone().unwrap_or_default();
    result.push(
        Check::pass(CheckCode::Payload, format!("{len} bytes by {rule}"))
            .with("sha256", sha.clone())
            .with("conf", "CONF-030, CONF-034, CONF-035, CONF-036"),
    );
    result.payload_sha256 = Some(sha);
    if let Some(check) = checks::decimal_precision(&payload.number_changes) {
        result.push(check);
    }
    result.number_changes = Arc::clone(&payload.number_changes);
    result.coverage = Coverage {
        signed: vec![result.pointer.clone()],
        excluded: payload.excluded.clone(),
        canonicalization: Some(rule),
    };

    let parsed = options.certificates.get(header.x5c().unwrap_or_default());
    signature_value(&input, entry, &parsed, options, &mut result);
    drop(input);
    let chain = trust(header, &parsed, options, &policy, &mut result);
    result.push(signer_identity(
        doc,
        &result.pointer,
        element,
        parsed.leaf(),
        profile == Profile::Cdex,
        &result.coverage,
    ));
    result.decide(RESOURCE_VERDICT, chain, &policy, options);
    result
}

/// The policy a signature is judged by: the chosen one, else its profile's built-in policy.
pub(super) fn policy_for(options: &VerifyOptions, profile: Profile) -> Arc<Policy> {
    options
        .policy
        .clone()
        .unwrap_or_else(|| Policy::for_profile(profile))
}

/// A `sigT` later than the verification time: the signature claims to be made after the
/// instant it is judged at (a clock error, or a claim made up), so nothing about it can be
/// judged at that instant, under either time policy.
pub(super) fn sig_t_after_verification(header: &Header, options: &VerifyOptions) -> Option<Check> {
    let sig_t = header.sig_t()?;
    let at = parse_rfc3339(sig_t)?;
    (at.as_secs() > options.verification_time.as_secs()).then(|| {
        Check::indeterminate(
            CheckCode::SigT,
            SubIndication::SigConstraintsFailure,
            format!(
                "sigT {sig_t} is after the verification time: a signature cannot be judged at an instant before it was made"
            ),
        )
        .with("sigT", sig_t.to_owned())
    })
}

/// The header checks every JWS signature gets: `alg` accepted, `x5c` present, and `x5t#S256` /
/// `x5t` naming `x5c[0]`.
pub(super) fn header_checks(
    header: &Header,
    options: &VerifyOptions,
    result: &mut SignatureVerification,
) {
    let alg = header.alg().unwrap_or("");
    result.push(match options.algorithms.check(alg) {
        Ok(a) => Check::pass(CheckCode::Algorithm, format!("alg {} is allowed", a.name()))
            .with("conf", "CONF-040"),
        Err(e) => checks::jws_failure(CheckCode::Algorithm, &e).with("conf", "CONF-040"),
    });
    result.push(checks::x5c(header));
    if let Some(check) = checks::x5t(header) {
        result.push(check);
    }
}

/// The signature value over `input` (the signing input), with the key of `x5c[0]`; also
/// records the chain and signer shown in reports.
pub(super) fn signature_value(
    input: &SignedBytes,
    entry: &Entry<'_>,
    parsed: &ParsedX5c,
    options: &VerifyOptions,
    result: &mut SignatureVerification,
) {
    const CODE: CheckCode = CheckCode::SignatureValue;
    result.push(match parsed.key() {
        None => Check::not_checked(CODE, "no signer certificate, so no key to verify with"),
        Some(Err(e)) => Check::failed(
            CODE,
            SubIndication::FormatFailure,
            format!("x5c[0] does not hold a usable public key: {e}"),
        ),
        Some(Ok(key)) => match verify_over(input, entry, key, &options.algorithms) {
            Ok(()) => Check::pass(CODE, "the signature verifies with the key of x5c[0]"),
            Err(e) => checks::jws_failure(CODE, &e),
        },
    });
    result.chain = Arc::clone(&parsed.summaries);
    if parsed.signer.is_some() {
        result.signer.clone_from(&parsed.signer);
    }
}

/// Verifies `entry`'s signature value over the signing input or its digest.
fn verify_over(
    input: &SignedBytes,
    entry: &Entry<'_>,
    key: &VerifyingKey,
    algorithms: &AlgorithmPolicy,
) -> Result<(), JwsError> {
    match input {
        SignedBytes::Whole(input) => (entry.verify)(input.as_bytes(), key, algorithms),
        SignedBytes::Digest(digest) => (entry.verify_digest)(digest, key, algorithms),
    }
}

/// The certificate chain, at the instant the time policy selects; the validated chain when it
/// passed.
pub(super) fn trust(
    header: &Header,
    parsed: &ParsedX5c,
    options: &VerifyOptions,
    policy: &Policy,
    result: &mut SignatureVerification,
) -> Option<VerifiedChain> {
    let mut times = ValidationTimes::at(options.verification_time).with_policy(options.time_policy);
    if let Some(t) = header.sig_t().and_then(parse_rfc3339) {
        times = times.with_sig_t(t);
    }
    let has_x5c = header.x5c().is_some_and(|c| !c.is_empty());
    match (&options.validator, parsed.chain()) {
        (Some(validator), Ok(chain)) => {
            let (report, verified) = validator.validate_under(chain, &times, policy);
            result.report.extend(report);
            verified
        }
        (Some(_), Err(check)) => {
            // An empty x5c is reported once, by the x5c check.
            if has_x5c {
                result.push(check.clone());
            }
            None
        }
        (None, _) => {
            result.push(Check::indeterminate(
                CheckCode::CertificatePath,
                SubIndication::NoCertificateChainFound,
                "no trust anchors were given, so the signer certificate is not trusted (pass --trust)",
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_by_whole_pointer_tokens() {
        let coverage = Coverage {
            signed: vec!["/entry/1/resource".into()],
            excluded: vec!["/entry/1/resource/id".into()],
            canonicalization: None,
        };
        assert!(coverage.covers("/entry/1/resource"));
        assert!(coverage.covers("/entry/1/resource/code"));
        assert!(!coverage.covers("/entry/10/resource"), "not a prefix match");
        assert!(!coverage.covers("/entry/1/resource/id"));
        assert!(coverage.covers("/entry/1/resource/identifier"));
        let root = Coverage {
            signed: vec![String::new()],
            ..Coverage::default()
        };
        assert!(root.covers("") && root.covers("/anything"));
        assert!(root.covers_subtree("/entry"));
        assert!(coverage.covers_subtree("/entry/1/resource/code"));
        assert!(
            !coverage.covers_subtree("/entry/1/resource"),
            "its id is left out"
        );
        assert!(
            !coverage.covers_subtree("/entry/1"),
            "not signed as a whole"
        );
        let cdex = Coverage {
            signed: vec![String::new()],
            excluded: vec!["/id".into(), "/meta".into(), "/signature".into()],
            canonicalization: None,
        };
        assert!(cdex.covers_subtree("/entry") && !cdex.covers_subtree(""));
        assert!(!cdex.covers_subtree("/signature") && cdex.covers_subtree("/identifier"));
    }
}
