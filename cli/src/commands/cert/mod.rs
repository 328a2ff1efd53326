//! `fhirsig cert verify`: validate a signer's certificate chain against the trust anchors you
//! configure, at an instant you choose, and show every check.

mod render;

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use fhirsig_core::trust::{format_rfc3339, ChainValidator, TimePolicy, ValidationTimes};

use crate::error::{CliError, Status};
use crate::inputs::clock::{instant_or_now, parse_instant};
use crate::inputs::{anchors, certificates, revocation, trust};
use crate::io::write_stdout;

/// Subcommands of `fhirsig cert`.
#[derive(Debug, Subcommand)]
pub enum CertCommand {
    /// Validate a certificate chain (signer first) against trust anchors, at an instant.
    Verify(VerifyArgs),
}

/// Arguments of `fhirsig cert verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig cert verify signer.pem --trust roots/
  fhirsig cert verify leaf.pem --intermediates ca.pem --trust root.pem --crl ca.crl.pem
  fhirsig cert verify cert.pem --trust cert.pem --at 2026-06-01T00:00:00Z --json
  fhirsig cert verify leaf.pem --trust root.pem --time-policy at --at 2025-01-01T00:00:00Z
  fhirsig cert verify leaf.pem --trust bridge.pem --policy-oid 2.16.840.1.101.3.2.1.3.13 --explicit-policy

Identity (does the certificate name Signature.who.identifier?) is not checked here; signature
verification checks it. Revocation is checked only against the CRLs you give (offline).
Exit status: 0 PASSED; 1 INDETERMINATE or FAILED (the first line says why);
2 bad input (unreadable file, not PEM/DER, empty chain, bad --at).")]
pub struct VerifyArgs {
    /// The chain: PEM with one or more certificates, signer first (or one DER certificate);
    /// `-` reads standard input.
    #[arg(value_name = "CHAIN.pem")]
    chain: PathBuf,

    /// Trust anchors: a PEM/DER file, or a folder whose *.pem, *.crt and *.cer files are read.
    /// Repeat for more.
    #[arg(long, value_name = "ROOTS", required = true)]
    trust: Vec<PathBuf>,

    /// Extra intermediate CA certificates (PEM/DER), used besides those in the chain. Repeatable.
    #[arg(long, value_name = "FILE")]
    intermediates: Vec<PathBuf>,

    /// A certificate revocation list (PEM or DER). Repeatable.
    #[arg(long, value_name = "FILE")]
    crl: Vec<PathBuf>,

    /// An OCSP response (DER, RFC 6960) stored offline, consulted before the CRLs for the
    /// certificate it names. Repeatable.
    #[arg(long, value_name = "FILE")]
    ocsp: Vec<PathBuf>,

    /// The verification time (RFC 3339, e.g. 2026-06-01T00:00:00Z) instead of the clock.
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,

    /// `now`: judge at the verification time (the clock, or --at). `at`: judge at the instant
    /// given by --at, which you vouch for (e.g. from a trusted timestamp). `sigt` (as `verify`
    /// takes it) needs a signature's sigT, which a certificate alone does not have.
    #[arg(long, value_enum, value_name = "now|sigt|at", default_value_t = PolicyArg::Now)]
    time_policy: PolicyArg,

    /// Extended key usages accepted on the signer: `any`, or a comma-separated list of
    /// `document-signing` and OIDs (a missing EKU or anyExtendedKeyUsage is always accepted);
    /// default: the policy's (document-signing for the built-in policies).
    #[arg(long, value_name = "any|document-signing|OID,...")]
    eku: Option<String>,

    /// The validation policy whose levels judge the checks: cdex (default), cdex-strict, r6,
    /// or a TOML file (docs/policy.md).
    #[arg(long, value_name = "NAME|FILE", default_value = "cdex")]
    policy: String,

    /// Certificate policy inputs of path validation.
    #[command(flatten)]
    path_policy: trust::PathPolicyArgs,

    /// Write one JSON object instead of text (schema: docs/cli-cert.md).
    #[arg(long)]
    json: bool,
}

/// The `--time-policy` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PolicyArg {
    /// At the verification time.
    Now,
    /// At the instant given by --at.
    At,
    /// At a signature's sigT: refused here, with a hint (there is no signature).
    Sigt,
}

/// Runs a `fhirsig cert` subcommand.
pub fn run(command: CertCommand) -> Result<Status, CliError> {
    match command {
        CertCommand::Verify(args) => verify(args),
    }
}

fn verify(args: VerifyArgs) -> Result<Status, CliError> {
    let times = validation_times(&args)?;
    let policy = crate::inputs::policy::load(&args.policy)?;
    let eku = match &args.eku {
        Some(text) => trust::eku_policy(text)?,
        None => policy.eku_policy().clone(),
    };
    let chain = certificates::read_chain(&args.chain)?;
    let anchors = anchors::read_anchors(&args.trust)?;
    let validator = anchors::add_intermediates(ChainValidator::new(anchors), &args.intermediates)?
        .with_crls(revocation::read_crls(&args.crl)?)
        .with_ocsp(revocation::read_ocsp(&args.ocsp)?)
        .with_eku_policy(eku)
        .with_policy(policy.clone())
        .with_policy_inputs(args.path_policy.over(policy.path_inputs())?);
    let (report, _verified) = validator.validate(&chain, &times);
    let validation = render::Validation {
        report: &report,
        chain: std::iter::once(chain.leaf())
            .chain(chain.intermediates())
            .collect(),
        validation_time: times.instant().map(format_rfc3339).unwrap_or_default(),
        time_policy: times.policy().as_str(),
        policy: policy.name(),
    };
    let text = match args.json {
        true => render::json(&validation).to_string() + "\n",
        false => render::text(&validation),
    };
    write_stdout(text.as_bytes())?;
    Ok(match report.passed() {
        true => Status::Success,
        false => Status::ChecksFailed,
    })
}

fn validation_times(args: &VerifyArgs) -> Result<ValidationTimes, CliError> {
    match args.time_policy {
        PolicyArg::Sigt => Err(CliError::input(
            "--time-policy sigt judges certificates at a signature's sigT, and a certificate chain alone has none",
        )
        .with_hint("give the instant yourself: --time-policy at --at RFC3339 (or verify the signed file with fhirsig verify --time-policy sigt)")),
        PolicyArg::Now => Ok(ValidationTimes::at(instant_or_now(
            "--at",
            args.at.as_deref(),
        )?)),
        PolicyArg::At => {
            let text = args.at.as_deref().ok_or_else(|| {
                CliError::input("--time-policy at needs the instant: give --at RFC3339")
                    .with_hint("or use --time-policy now to judge at the verification time")
            })?;
            let at = parse_instant("--at", text)?;
            Ok(ValidationTimes::at(crate::inputs::clock::now()).with_policy(TimePolicy::At(at)))
        }
    }
}
