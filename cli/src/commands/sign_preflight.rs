//! What the signing commands check before they sign, with the validation policy the payer will
//! use: the signer certificate's validity at the signing time, a KeyUsage that allows signatures
//! (and, as CONF-051 recommends, `digitalSignature`), `Signature.who` named by a SAN, and, with
//! `--trust`, the whole chain check a payer holding those anchors runs. A finding the policy
//! holds at `fail` refuses (`--force` signs anyway and says what will fail); one it lowers is a
//! warning; a leaf-only chain is a warning.

use std::path::PathBuf;
use std::sync::Arc;

use fhirsig_core::report::{CheckCode, Outcome};
use fhirsig_core::trust::{
    format_rfc3339, key_usage_names, match_signer_identity, CertificateChain, ChainValidator,
    ValidationTimes,
};
use fhirsig_core::{Level, Policy};
use rustls_pki_types::UnixTime;

use crate::error::CliError;
use crate::io::diagnostic;

/// The options every signing command takes for its checks before signing.
#[derive(Debug, clap::Args)]
pub struct PreflightArgs {
    /// Sign even when the certificate or identity would make payers reject the signature
    /// (expired, KeyUsage without signatures, Signature.who in no SAN, with --trust a chain to
    /// none of the anchors); says what will fail.
    #[arg(long)]
    pub force: bool,

    /// Check before signing as a payer with this validation policy would (cdex, cdex-strict,
    /// r6, or a TOML file; default: the profile's, r6 for the R6 profile, else cdex).
    #[arg(long, value_name = "NAME|FILE")]
    pub policy: Option<String>,

    /// Also check before signing that the chain leads to one of these trust anchors (PEM file
    /// or folder, repeatable), as a payer holding them would.
    #[arg(long, value_name = "PEM|DIR")]
    pub trust: Vec<PathBuf>,
}

impl PreflightArgs {
    /// Runs the checks: prints each warning, and refuses (exit 2, naming what to fix) when a
    /// finding fails under the policy, unless `--force`, which prints what will fail.
    /// `who` is `Signature.who.identifier` (system, value) when the signature carries one.
    pub fn run(
        &self,
        chain: &CertificateChain,
        who: Option<(Option<&str>, &str)>,
        signing_time: time::OffsetDateTime,
        default_policy: Arc<Policy>,
    ) -> Result<(), CliError> {
        let policy = match self.policy.as_deref() {
            Some(choice) => crate::inputs::policy::load(choice)?,
            None => default_policy,
        };
        let validator = crate::inputs::trust::validator(&self.trust, &[])?;
        let findings = check(chain, who, signing_time, &policy, validator.as_ref());
        for warning in &findings.warnings {
            diagnostic("warning", warning);
        }
        if findings.refusals.is_empty() {
            return Ok(());
        }
        if !self.force {
            return Err(CliError::input(format!(
                "refusing to sign: {}",
                findings.refusals.join("; ")
            ))
            .with_hint(format!(
                "payers under the {} policy would reject this signature; fix the certificate or the signer identity, or pass --force to sign anyway",
                policy.name()
            )));
        }
        for refusal in &findings.refusals {
            diagnostic(
                "warning",
                &format!("signing anyway (--force), but payers will reject it: {refusal}"),
            );
        }
        Ok(())
    }
}

/// The findings, in the order a payer meets them.
pub struct Findings {
    /// What a verifier under the policy rejects.
    pub refusals: Vec<String>,
    /// What weakens the signature without failing it.
    pub warnings: Vec<String>,
}

impl Findings {
    fn add(&mut self, policy: &Policy, code: CheckCode, finding: String) {
        match policy.level(code) {
            Level::Fail => self.refusals.push(finding),
            Level::Ignore => {}
            level => self.warnings.push(format!(
                "{finding} (level {level} under the {} policy)",
                policy.name()
            )),
        }
    }
}

/// Checks the chain and the signer identity at the signing instant, under `policy`; with a
/// validator (`--trust`), also the chain as a payer with those anchors validates it.
fn check(
    chain: &CertificateChain,
    who: Option<(Option<&str>, &str)>,
    signing_time: time::OffsetDateTime,
    policy: &Policy,
    validator: Option<&ChainValidator>,
) -> Findings {
    let leaf = chain.leaf();
    let mut findings = Findings {
        refusals: Vec::new(),
        warnings: Vec::new(),
    };
    let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
        u64::try_from(signing_time.unix_timestamp()).unwrap_or(0),
    ));
    if !leaf.valid_at(at) {
        findings.add(
            policy,
            CheckCode::SignerCertificateValidity,
            format!(
                "the signer certificate is not valid at the signing time {} (valid {} .. {})",
                format_rfc3339(at),
                format_rfc3339(leaf.not_before()),
                format_rfc3339(leaf.not_after())
            ),
        );
    }
    match key_usage_names(leaf) {
        Some(bits) if !bits.contains(&"digitalSignature") && !bits.contains(&"nonRepudiation") => {
            findings.add(
                policy,
                CheckCode::SignerKeyUsage,
                format!(
                    "the signer certificate's KeyUsage ({}) allows neither digitalSignature nor nonRepudiation (RFC 5280 §4.2.1.3)",
                    bits.join(", ")
                ),
            );
        }
        Some(bits) if !bits.contains(&"digitalSignature") => findings.add(
            policy,
            CheckCode::SignerKeyUsageDigitalSignature,
            "the signer certificate's KeyUsage lacks digitalSignature (CONF-051 recommends it)"
                .to_owned(),
        ),
        None => findings.add(
            policy,
            CheckCode::SignerKeyUsageDigitalSignature,
            "the signer certificate has no KeyUsage extension (CONF-051 recommends one with digitalSignature)"
                .to_owned(),
        ),
        Some(_) => {}
    }
    if let Some((system, value)) = who {
        if !match_signer_identity(leaf, system, value).is_san_match() {
            findings.add(
                policy,
                CheckCode::SignerIdentity,
                format!(
                    "Signature.who.identifier {}|{value} is in no SAN of the signer certificate (CONF-053)",
                    system.unwrap_or("")
                ),
            );
        }
    }
    if chain.intermediates().is_empty() && leaf.subject() != leaf.issuer() && validator.is_none() {
        findings.warnings.push(
            "x5c will hold the signer certificate only: a payer that does not hold its issuing CA cannot build the chain (add the intermediates to --cert)"
                .to_owned(),
        );
    }
    if let Some(validator) = validator {
        chain_findings(chain, at, policy, validator, &mut findings);
    }
    findings
}

/// The payer's chain check at the signing time, under `policy`: every failure it finds that the
/// local checks did not already name refuses; every warning warns.
fn chain_findings(
    chain: &CertificateChain,
    at: UnixTime,
    policy: &Policy,
    validator: &ChainValidator,
    findings: &mut Findings,
) {
    const LOCAL: [CheckCode; 3] = [
        CheckCode::SignerCertificateValidity,
        CheckCode::SignerKeyUsage,
        CheckCode::SignerKeyUsageDigitalSignature,
    ];
    let times = ValidationTimes::at(at).with_sig_t(at);
    let (report, _) = validator.validate_under(chain, &times, policy);
    for check in report.checks() {
        if LOCAL.contains(&check.code()) {
            continue;
        }
        let text = format!(
            "with the --trust anchors, {}: {}",
            check.code(),
            check.message()
        );
        match check.outcome() {
            Outcome::Fail => findings.refusals.push(text),
            Outcome::Warn => findings.warnings.push(text),
            _ => {}
        }
    }
}
