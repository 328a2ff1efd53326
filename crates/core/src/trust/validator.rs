//! The chain validator: runs every trust check in a fixed order and records each in a
//! [`Report`]. Only it can create a [`VerifiedChain`].

use crate::report::CheckCode;
use rustls_pki_types::UnixTime;

use super::anchors::TrustAnchors;
use super::certificate::{certificates_from_pem, Certificate, CertificateChain};
use super::conformance;
use super::crl::Crl;
use super::error::TrustError;
use super::instant_texts::{Form, InstantTexts};
use super::key_usage::{check_digital_signature_usage, check_key_usage, EkuPolicy};
use super::ocsp::OcspResponse;
use super::path::{self, ChainFacts, Path};
use super::pkix::PolicyInputs;
use super::revocation::{self, RevocationContext};
use super::times::{TimePolicy, ValidationTimes};
use crate::policy::Policy;
use crate::report::{Check, Report, SubIndication};
use std::sync::Arc;

/// Validates signer certificate chains against configured anchors, intermediates, CRLs and an
/// EKU policy. Build it once per trust configuration; it is immutable afterwards.
#[derive(Clone, Debug)]
pub struct ChainValidator {
    anchors: TrustAnchors,
    intermediates: Vec<Certificate>,
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponse>,
    eku: EkuPolicy,
    policy: Arc<Policy>,
    /// Set by the caller; otherwise the validation policy's.
    policy_inputs: Option<PolicyInputs>,
    /// Shared by clones: a validation's result depends only on its inputs.
    paths: std::sync::Arc<path::PathCache>,
    /// Shared by clones: the instants every report of a batch shows.
    instants: Arc<InstantTexts>,
}

/// A chain that passed every trust check the validation policy holds at `fail` (a check the
/// policy lowered is still in the report, with its level): only [`ChainValidator`] creates it.
#[derive(Clone, Debug)]
pub struct VerifiedChain {
    leaf: Certificate,
    intermediates: Vec<Certificate>,
    anchor: Certificate,
    instant: UnixTime,
    policy: TimePolicy,
}

impl VerifiedChain {
    /// The signer certificate.
    pub fn leaf(&self) -> &Certificate {
        &self.leaf
    }

    /// The CA certificates between the leaf and the anchor, leaf's issuer first.
    pub fn intermediates(&self) -> &[Certificate] {
        &self.intermediates
    }

    /// The trust anchor certificate the path ends in (the leaf itself for a directly trusted
    /// self-signed certificate).
    pub fn anchor(&self) -> &Certificate {
        &self.anchor
    }

    /// The anchor's subject name.
    pub fn anchor_subject(&self) -> String {
        self.anchor.subject()
    }

    /// The instant the chain was validated at.
    pub fn instant(&self) -> UnixTime {
        self.instant
    }

    /// The time policy that chose the instant.
    pub fn policy(&self) -> TimePolicy {
        self.policy
    }
}

impl ChainValidator {
    /// A validator trusting `anchors`, with no extra intermediates, no CRLs and the default EKU
    /// policy.
    pub fn new(anchors: TrustAnchors) -> Self {
        Self {
            anchors,
            intermediates: Vec::new(),
            crls: Vec::new(),
            ocsp: Vec::new(),
            eku: EkuPolicy::default(),
            policy: Arc::new(Policy::default()),
            policy_inputs: None,
            paths: Default::default(),
            instants: Default::default(),
        }
    }

    /// Adds intermediate CA certificates from PEM blobs (or one DER certificate per blob), used
    /// in addition to those in the chain.
    ///
    /// # Errors
    /// PEM and certificate errors naming the blob.
    pub fn with_intermediates_pem(mut self, blobs: &[&[u8]]) -> Result<Self, TrustError> {
        self.intermediates.extend(certificates_from_pem(blobs)?);
        Ok(self)
    }

    /// Adds CRLs.
    #[must_use]
    pub fn with_crls(mut self, crls: Vec<Crl>) -> Self {
        self.crls.extend(crls);
        self
    }

    /// Replaces the EKU policy.
    #[must_use]
    pub fn with_eku_policy(mut self, eku: EkuPolicy) -> Self {
        self.eku = eku;
        // Remembered results include the EKU check: clones that keep the old policy keep
        // the old cache.
        self.paths = Default::default();
        self
    }

    /// Replaces the validation policy [`ChainValidator::validate`] applies (the `cdex`
    /// policy by default). Only its check levels and revocation rule are used here; its EKU
    /// setting is given with [`ChainValidator::with_eku_policy`].
    #[must_use]
    pub fn with_policy(mut self, policy: Arc<Policy>) -> Self {
        self.policy = policy;
        self
    }

    /// Sets the certificate policy inputs of path validation (RFC 5280 §6.1.1 (c), (e)-(g)),
    /// in place of the validation policy's (which, for the built-in policies, accept any
    /// certificate policy and require none).
    #[must_use]
    pub fn with_policy_inputs(mut self, inputs: PolicyInputs) -> Self {
        self.policy_inputs = Some(inputs);
        self
    }

    /// The certificate policy inputs paths are validated with under the validator's policy.
    pub fn policy_inputs(&self) -> &PolicyInputs {
        self.policy_inputs
            .as_ref()
            .unwrap_or_else(|| self.policy.path_inputs())
    }

    /// Adds OCSP responses (RFC 6960, given offline): a second revocation source, consulted
    /// before the CRLs for each certificate they name.
    #[must_use]
    pub fn with_ocsp(mut self, responses: Vec<OcspResponse>) -> Self {
        self.ocsp.extend(responses);
        self
    }

    /// Whether CRLs or OCSP responses were given.
    pub fn has_revocation_data(&self) -> bool {
        !self.crls.is_empty() || !self.ocsp.is_empty()
    }

    /// Parses an `x5c` (DER, leaf first) and validates it; a chain that cannot be parsed gives a
    /// report (`indeterminate/no-signing-certificate-found` for an empty list,
    /// `failed/format-failure` otherwise).
    pub fn validate_x5c(
        &self,
        x5c: Vec<Vec<u8>>,
        times: &ValidationTimes,
    ) -> (Report, Option<VerifiedChain>) {
        match CertificateChain::from_der(x5c) {
            Ok(chain) => self.validate(&chain, times),
            Err(e) => {
                let mut report = Report::new();
                report.push(Self::chain_format_failure(e));
                (report, None)
            }
        }
    }

    /// The report entry for an `x5c` that does not parse as a chain:
    /// `indeterminate/no-signing-certificate-found` when empty, `failed/format-failure` otherwise.
    pub(crate) fn chain_format_failure(error: TrustError) -> Check {
        const CODE: CheckCode = CheckCode::CertificateChainFormat;
        match error {
            TrustError::EmptyChain => {
                let sub = SubIndication::NoSigningCertificateFound;
                Check::indeterminate(CODE, sub, error.to_string())
            }
            _ => Check::failed(CODE, SubIndication::FormatFailure, error.to_string()),
        }
    }

    /// Validates `chain` at the instant `times` selects. Checks, in order: time policy, signer
    /// certificate validity, `sigT` inside validity, certificate path, key usage, extended key
    /// usage, revocation of each certificate of the path; then the validator's policy gives
    /// each its level. The chain is verified only when no check fails under that policy.
    pub fn validate(
        &self,
        chain: &CertificateChain,
        times: &ValidationTimes,
    ) -> (Report, Option<VerifiedChain>) {
        self.validate_under(chain, times, &self.policy)
    }

    /// As [`ChainValidator::validate`], under `policy` instead of the validator's own.
    pub fn validate_under(
        &self,
        chain: &CertificateChain,
        times: &ValidationTimes,
        policy: &Policy,
    ) -> (Report, Option<VerifiedChain>) {
        // A validated path's report has about fifteen checks.
        let mut report = Report::with_capacity(16);
        let Some(at) = times.instant() else {
            let msg = "the signing-time policy needs a sigT, and none was given (CONF-043)";
            report.push(Check::failed(
                CheckCode::TimePolicy,
                SubIndication::FormatFailure,
                msg,
            ));
            policy.apply(&mut report, self.has_revocation_data());
            return (report, None);
        };
        report.push(time_policy_check(&self.instants, times, at));
        let leaf = chain.leaf();
        // The leaf's own validity is reported by its own check; the path is validated at the
        // instant clamped into the leaf's validity so that CA problems are still found.
        let path_at = at.max(leaf.not_before()).min(leaf.not_after());
        let candidates: Vec<&Certificate> = chain
            .intermediates()
            .iter()
            .chain(&self.intermediates)
            .collect();
        let inputs = self
            .policy_inputs
            .as_ref()
            .unwrap_or_else(|| policy.path_inputs());
        let facts = self
            .paths
            .get_or_insert(leaf, &candidates, path_at, inputs, || {
                self.chain_facts(leaf, &candidates, path_at, inputs)
            });
        let path = &facts.path;
        let ctx = RevocationContext {
            crls: &self.crls,
            anchors: &self.anchors,
            pool: &candidates,
            ocsp: &self.ocsp,
            at,
            sig_t: times.sig_t(),
            at_is_poe: matches!(times.policy(), TimePolicy::At(_)),
        };
        let (revocation_checks, leaf_not_revoked) = match path {
            Ok(path) => revocation_of_path(&ctx, leaf, path),
            Err(_) => {
                let msg = "not checked: no valid certificate path";
                (
                    vec![Check::not_checked(CheckCode::RevocationStatus, msg)],
                    false,
                )
            }
        };
        let instants = &self.instants;
        report.push(validity_check(
            instants,
            leaf,
            at,
            times.policy(),
            leaf_not_revoked,
        ));
        report.push(sig_t_check(instants, leaf, times));
        facts.checks.iter().for_each(|c| report.push(c.clone()));
        revocation_checks.into_iter().for_each(|c| report.push(c));
        policy.apply(&mut report, self.has_revocation_data());
        let verified = match path {
            Ok(Path {
                intermediates,
                anchor,
                ..
            }) if report.passed() => Some(VerifiedChain {
                leaf: leaf.clone(),
                intermediates: intermediates.clone(),
                anchor: anchor.clone(),
                instant: at,
                policy: times.policy(),
            }),
            _ => None,
        };
        (report, verified)
    }
}

impl ChainValidator {
    /// The path from `leaf` at `path_at` and every check that depends only on the
    /// certificates (and this validator's anchors and EKU policy), in report order.
    fn chain_facts(
        &self,
        leaf: &Certificate,
        candidates: &[&Certificate],
        path_at: UnixTime,
        inputs: &PolicyInputs,
    ) -> ChainFacts {
        let path = path::build(leaf, candidates, &self.anchors, path_at, inputs);
        // A signer certificate given as a trust anchor is trusted by that configuration (the
        // path builder accepts it whatever its CA bit: `openssl req -x509` sets CA:TRUE); the
        // report says so as a warning.
        let pinned = self
            .anchors
            .certificates()
            .iter()
            .any(|anchor| anchor.der() == leaf.der());
        let mut checks = Vec::with_capacity(8);
        checks.push(match &path {
            Ok(p) => Check::pass(path::CODE, "the chain leads to a trust anchor")
                .with("anchor", p.anchor.subject())
                .with("length", (p.intermediates.len() + 1).to_string())
                .with("policies", p.policies.describe())
                .with("policy-inputs", inputs.describe()),
            Err(check) => check.clone(),
        });
        if let Ok(p) = &path {
            checks.push(conformance::check_ca_key_usage(
                leaf,
                &p.intermediates,
                &p.anchor,
            ));
            checks.push(conformance::check_path(leaf, &p.intermediates, &p.anchor));
            if p.anchor.der() != leaf.der() {
                checks.push(conformance::check_anchor_validity(&p.anchor, path_at));
            }
        }
        if pinned {
            checks.push(
                Check::indeterminate(
                    CheckCode::PinnedSigner,
                    SubIndication::ChainConstraintsFailure,
                    "the signer certificate is itself a trust anchor (pinned): trusted by configuration, with no issuing CA",
                )
                .with("ca", leaf.is_ca().to_string()),
            );
        }
        checks.push(check_key_usage(leaf));
        checks.push(check_digital_signature_usage(leaf));
        checks.push(self.eku.check(leaf));
        // Cloned into the report of every signature made with this chain.
        let checks = checks.into_iter().map(Check::into_shared).collect();
        ChainFacts { path, checks }
    }
}

fn time_policy_check(texts: &InstantTexts, times: &ValidationTimes, at: UnixTime) -> Check {
    let check = Check::pass(CheckCode::TimePolicy, texts.text(Form::ValidatedAt, at))
        .with("policy", times.policy().as_str())
        .with("instant", texts.text(Form::Instant, at))
        .with(
            "verification-time",
            texts.text(Form::Instant, times.verification()),
        );
    match times.sig_t() {
        Some(sig_t) => check.with("sig-t", texts.text(Form::Instant, sig_t)),
        None => check,
    }
}

/// Revocation entries for the leaf and each intermediate (anchors are trusted by
/// configuration); the flag says whether the leaf is known not to be revoked.
fn revocation_of_path(
    ctx: &RevocationContext<'_>,
    leaf: &Certificate,
    path: &Path,
) -> (Vec<Check>, bool) {
    let subjects: Vec<&Certificate> = core::iter::once(leaf).chain(&path.intermediates).collect();
    let issuers = path
        .intermediates
        .iter()
        .chain(core::iter::once(&path.anchor));
    let mut leaf_good = false;
    let mut checks = Vec::new();
    for (index, (cert, issuer)) in subjects.into_iter().zip(issuers).enumerate() {
        if index == 0 && cert.der() == issuer.der() {
            let msg = "the signer certificate is itself the trust anchor";
            checks.push(Check::not_checked(CheckCode::RevocationStatus, msg));
            continue;
        }
        let (check, good) = revocation::check(ctx, cert, issuer, &path.anchor, index == 0);
        leaf_good |= index == 0 && good;
        checks.push(check);
    }
    (checks, leaf_good)
}

fn validity_check(
    texts: &InstantTexts,
    leaf: &Certificate,
    at: UnixTime,
    policy: TimePolicy,
    not_revoked: bool,
) -> Check {
    const CODE: CheckCode = CheckCode::SignerCertificateValidity;
    let check = if at < leaf.not_before() {
        Check::failed(
            CODE,
            SubIndication::NotYetValid,
            "the signer certificate is not yet valid",
        )
    } else if at > leaf.not_after() {
        let msg = "the signer certificate has expired";
        match (policy, not_revoked) {
            (TimePolicy::VerificationTime, false) => {
                Check::indeterminate(CODE, SubIndication::OutOfBoundsNoPoe, msg)
            }
            (TimePolicy::VerificationTime, true) => {
                Check::indeterminate(CODE, SubIndication::OutOfBoundsNotRevoked, msg)
            }
            _ => Check::failed(CODE, SubIndication::Expired, msg),
        }
    } else {
        Check::pass(CODE, "the signer certificate is valid at the instant")
    };
    check
        .with("not-before", texts.text(Form::Instant, leaf.not_before()))
        .with("not-after", texts.text(Form::Instant, leaf.not_after()))
        .with("instant", texts.text(Form::Instant, at))
}

fn sig_t_check(texts: &InstantTexts, leaf: &Certificate, times: &ValidationTimes) -> Check {
    const CODE: CheckCode = CheckCode::SigningTimeInValidity;
    let Some(sig_t) = times.sig_t() else {
        return Check::not_checked(CODE, "no sigT was given");
    };
    let check = if times.policy() == TimePolicy::SigningTime {
        // The validity check above ran at sigT and carries the verdict.
        Check::not_checked(
            CODE,
            "covered by signer-certificate-validity under the signing-time policy",
        )
    } else if leaf.valid_at(sig_t) {
        Check::pass(CODE, "sigT lies within the signer certificate's validity")
    } else if sig_t < leaf.not_before() {
        Check::warn(
            CODE,
            "sigT precedes the signer certificate's notBefore; sigT is only a claim",
        )
    } else {
        Check::warn(
            CODE,
            "sigT follows the signer certificate's notAfter; sigT is only a claim",
        )
    };
    check
        .with("sig-t", texts.text(Form::Instant, sig_t))
        .with("not-before", texts.text(Form::Instant, leaf.not_before()))
        .with("not-after", texts.text(Form::Instant, leaf.not_after()))
}
