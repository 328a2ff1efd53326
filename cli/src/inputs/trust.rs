//! The trust choices of verifying commands: the chain validator from `--trust`, `--crl` and
//! `--intermediates`, `--at` / `--time-policy`, `--eku`, the certificate policy inputs
//! (RFC 5280 section 6.1.1), and the `TrustArgs` that `verify`, `provenance verify` and `serve`
//! share.

use std::path::PathBuf;

use fhirsig_core::trust::{ChainValidator, EkuPolicy, DOCUMENT_SIGNING};

use super::anchors::{add_intermediates, read_anchors};
use super::revocation::{read_crls, read_ocsp};
use crate::error::CliError;

/// A chain validator from `--trust`, `--crl` and `--intermediates` arguments; `None` when no
/// anchors were given (signatures are then reported untrusted, never verified).
pub fn validator_with(
    trust: &[PathBuf],
    crls: &[PathBuf],
    intermediates: &[PathBuf],
) -> Result<Option<ChainValidator>, CliError> {
    let Some(validator) = validator(trust, crls)? else {
        if !intermediates.is_empty() {
            return Err(CliError::input(
                "--intermediates needs --trust (they complete a chain to a trust anchor)",
            ));
        }
        return Ok(None);
    };
    Ok(Some(add_intermediates(validator, intermediates)?))
}

/// A chain validator from `--trust` and `--crl` arguments; `None` when no anchors were given
/// (signatures are then reported untrusted, never verified).
pub fn validator(trust: &[PathBuf], crls: &[PathBuf]) -> Result<Option<ChainValidator>, CliError> {
    if trust.is_empty() {
        if !crls.is_empty() {
            return Err(CliError::input(
                "--crl needs --trust (CRLs are checked along a trusted chain)",
            ));
        }
        return Ok(None);
    }
    Ok(Some(
        ChainValidator::new(read_anchors(trust)?).with_crls(read_crls(crls)?),
    ))
}

/// `--time-policy now|sigt|at` (the same words `cert verify` takes): `now` judges certificates
/// at the verification time (the clock, or `--at`), `sigt` at the signed `sigT`, `at` at the
/// `--at` instant, which the caller vouches for as a proof of existence of the signature.
pub fn time_policy(
    name: &str,
    at: Option<&str>,
) -> Result<fhirsig_core::trust::TimePolicy, CliError> {
    use fhirsig_core::trust::TimePolicy;
    Ok(match name {
        "sigt" => TimePolicy::SigningTime,
        "at" => {
            let text = at.ok_or_else(|| {
                CliError::input("--time-policy at needs the instant: give --at RFC3339")
                    .with_hint("or use --time-policy now to judge at the verification time")
            })?;
            TimePolicy::At(super::clock::instant_or_now("--at", Some(text))?)
        }
        _ => TimePolicy::VerificationTime,
    })
}

/// Parses `--eku`: `any`, or a comma-separated list of `document-signing` and dotted OIDs.
pub fn eku_policy(text: &str) -> Result<EkuPolicy, CliError> {
    if text.trim() == "any" {
        return Ok(EkuPolicy::any());
    }
    let oids = text
        .split(',')
        .map(str::trim)
        .map(|item| match item {
            "document-signing" => Ok(DOCUMENT_SIGNING),
            oid => oid.parse().map_err(|e| {
                CliError::input(format!("--eku: {oid:?} is not an OID ({e})")).with_hint(
                    "write any, document-signing, or dotted OIDs such as 1.3.6.1.5.5.7.3.36",
                )
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(EkuPolicy::one_of(oids))
}

/// The certificate policy inputs of path validation (RFC 5280 §6.1.1 (c), (e)-(g)), shared by
/// every command that validates certificate paths.
#[derive(Debug, Default, clap::Args)]
pub struct PathPolicyArgs {
    /// An acceptable certificate policy (dotted OID) for the path; repeatable. Default: any
    /// policy (user-initial-policy-set {anyPolicy}).
    #[arg(long = "policy-oid", value_name = "OID")]
    pub policy_oids: Vec<String>,

    /// Require the path to be valid for at least one policy (initial-explicit-policy).
    #[arg(long)]
    pub explicit_policy: bool,

    /// Do not honour policy mappings (initial-policy-mapping-inhibit).
    #[arg(long)]
    pub inhibit_mapping: bool,

    /// Do not let anyPolicy in a CA certificate match other policies
    /// (initial-any-policy-inhibit).
    #[arg(long)]
    pub inhibit_any_policy: bool,
}

impl PathPolicyArgs {
    /// Whether any of these flags was given.
    pub fn given(&self) -> bool {
        !self.policy_oids.is_empty()
            || self.explicit_policy
            || self.inhibit_mapping
            || self.inhibit_any_policy
    }

    /// The inputs these flags give, starting from `base` (the validation policy's): the
    /// acceptable policies replace the policy's when given, each flag turns its input on.
    pub fn over(
        &self,
        base: &fhirsig_core::trust::PolicyInputs,
    ) -> Result<fhirsig_core::trust::PolicyInputs, CliError> {
        let mut inputs = base.clone();
        if !self.policy_oids.is_empty() {
            inputs = inputs.with_initial_policies(self.oids()?);
        }
        if self.explicit_policy {
            inputs = inputs.with_explicit_policy(true);
        }
        if self.inhibit_mapping {
            inputs = inputs.with_inhibit_mapping(true);
        }
        if self.inhibit_any_policy {
            inputs = inputs.with_inhibit_any_policy(true);
        }
        Ok(inputs)
    }

    fn oids(&self) -> Result<Vec<fhirsig_core::trust::ObjectIdentifier>, CliError> {
        self.policy_oids
            .iter()
            .map(|text| {
                text.trim().parse::<fhirsig_core::trust::ObjectIdentifier>().map_err(|e| {
                    CliError::input(format!("--policy-oid: {text:?} is not an OID ({e})"))
                        .with_hint("write a dotted certificate policy OID such as 2.16.840.1.101.3.2.1.3.13")
                })
            })
            .collect()
    }

    /// The inputs these flags give over the RFC 5280 defaults.
    pub fn inputs(&self) -> Result<fhirsig_core::trust::PolicyInputs, CliError> {
        self.over(&fhirsig_core::trust::PolicyInputs::any())
    }
}

/// The trust arguments `verify` and `provenance verify` share.
#[derive(Debug, clap::Args)]
pub struct TrustArgs {
    /// Trust anchors: a PEM file, or a folder of .pem/.crt/.cer files (repeatable).
    #[arg(long, value_name = "PEM|DIR")]
    pub trust: Vec<PathBuf>,

    /// A CRL (PEM or DER) to check revocation with (repeatable).
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,

    /// An OCSP response (DER, RFC 6960) stored offline, consulted before the CRLs for the
    /// certificate it names (repeatable).
    #[arg(long, value_name = "FILE")]
    pub ocsp: Vec<PathBuf>,

    /// Intermediate CA certificates (PEM/DER) that complete a leaf-only `x5c` (repeatable).
    #[arg(long, value_name = "FILE")]
    pub intermediates: Vec<PathBuf>,

    /// Extended key usages accepted on the signer: `any`, or a comma-separated list of
    /// `document-signing` and OIDs (a missing EKU or anyExtendedKeyUsage is always accepted);
    /// default: the policy's (document-signing for the built-in policies).
    #[arg(long, value_name = "any|document-signing|OID,...")]
    pub eku: Option<String>,

    /// Verify as of this instant (RFC 3339) instead of now.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<String>,

    /// Validate certificates at the verification time (`now`: the clock or --at), at the signed
    /// sigT (`sigt`), or at the --at instant you vouch for as proof the signature existed (`at`);
    /// default: the policy's (now for the built-in policies).
    #[arg(long, value_name = "now|sigt|at", value_parser = ["now", "sigt", "at"])]
    pub time_policy: Option<String>,

    /// The validation policy: a built-in one (cdex, cdex-strict, r6) or a TOML file
    /// (docs/policy.md); default: cdex, or r6 for a signature held to the R6 profile.
    #[arg(long, value_name = "NAME|FILE")]
    pub policy: Option<String>,

    /// Certificate policy inputs of path validation.
    #[command(flatten)]
    pub path_policy: PathPolicyArgs,
}

impl TrustArgs {
    /// The policy `--policy` names, if any.
    pub fn chosen_policy(&self) -> Result<Option<std::sync::Arc<fhirsig_core::Policy>>, CliError> {
        self.policy.as_deref().map(super::policy::load).transpose()
    }

    /// The `--time-policy` word in effect: the flag, else the chosen policy's.
    pub fn time_policy_name(&self, policy: Option<&fhirsig_core::Policy>) -> String {
        match (&self.time_policy, policy) {
            (Some(name), _) => name.clone(),
            (None, Some(p)) if p.time_policy() == fhirsig_core::TimePolicy::SigningTime => {
                "sigt".to_owned()
            }
            _ => "now".to_owned(),
        }
    }

    /// The verification options these arguments give, for `profile` (`None`: detected per
    /// signature): the chosen policy's settings, each overridden by its flag.
    pub fn options(
        &self,
        profile: Option<fhirsig_core::fhir::Profile>,
    ) -> Result<fhirsig_core::fhir::VerifyOptions, CliError> {
        let policy = self.chosen_policy()?;
        let eku = match (&self.eku, &policy) {
            (Some(text), _) => eku_policy(text)?,
            (None, Some(p)) => p.eku_policy().clone(),
            (None, None) => EkuPolicy::default(),
        };
        if self.trust.is_empty() && !self.ocsp.is_empty() {
            return Err(CliError::input(
                "--ocsp needs --trust (OCSP responses are checked along a trusted chain)",
            ));
        }
        let ocsp = read_ocsp(&self.ocsp)?;
        if self.trust.is_empty() && self.path_policy.given() {
            return Err(CliError::input(
                "--policy-oid, --explicit-policy, --inhibit-mapping and --inhibit-any-policy need --trust (they constrain the certificate path to a trust anchor)",
            ));
        }
        // Flags refine the chosen policy's inputs; without flags (or a chosen policy) each
        // signature's policy gives them.
        let inputs = match (self.path_policy.given(), &policy) {
            (false, _) => None,
            (true, Some(p)) => Some(self.path_policy.over(p.path_inputs())?),
            (true, None) => Some(self.path_policy.inputs()?),
        };
        let validator = validator_with(&self.trust, &self.crl, &self.intermediates)?
            .map(|v| v.with_ocsp(ocsp))
            .map(|v| v.with_eku_policy(eku))
            .map(|v| match inputs {
                Some(inputs) => v.with_policy_inputs(inputs),
                None => v,
            });
        let algorithms = policy
            .as_ref()
            .map_or_else(Default::default, |p| p.algorithms().clone());
        Ok(fhirsig_core::fhir::VerifyOptions {
            profile,
            algorithms,
            validator,
            verification_time: super::clock::instant_or_now("--at", self.at.as_deref())?,
            time_policy: time_policy(
                &self.time_policy_name(policy.as_deref()),
                self.at.as_deref(),
            )?,
            policy,
            certificates: Default::default(),
        })
    }
}
