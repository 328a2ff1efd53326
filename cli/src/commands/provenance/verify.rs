//! `fhirsig provenance verify`: every Provenance signature of a file.

use std::path::PathBuf;

use clap::Args;
use fhirsig_core::jws::AlgorithmPolicy;
use fhirsig_core::trust::{parse_rfc3339, ChainValidator, Crl, Outcome, TrustAnchors};
use fhirsig_provenance::{verify_provenance_signatures, Value, VerifyOptions};
use rustls_pki_types::UnixTime;

use super::common::{input_error, with_newline};
use crate::error::{json_error, CliError, Status};
use crate::io::{read_input, read_option_file, write_stdout};
use crate::terminal::escape;

/// Arguments of `fhirsig provenance verify`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance verify signed.json --trust root-ca.cert.pem
  fhirsig provenance verify signed.json --trust root.pem --crl ca.crl.pem --at 2026-06-02T00:00:00Z --json

Targets are found in the same Bundle (fullUrl or Type/id; #/ is the Bundle itself). Without
--trust only the signature value is checked and the chain is reported as not checked.
Exit status: 0 every signature passed, 1 one failed (or none found), 2 bad input.")]
pub struct VerifyArgs {
    /// A Bundle (or Provenance) carrying Provenance signatures; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,

    /// Trust anchor certificates (PEM); repeatable.
    #[arg(long, value_name = "PEM")]
    trust: Vec<PathBuf>,

    /// CRLs (PEM or DER); repeatable.
    #[arg(long, value_name = "CRL")]
    crl: Vec<PathBuf>,

    /// Verification time (RFC 3339); default: now.
    #[arg(long, value_name = "INSTANT")]
    at: Option<String>,

    /// Write the reports as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig provenance verify`.
pub fn run(args: VerifyArgs) -> Result<Status, CliError> {
    let input = read_input(&args.file)?;
    let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
    let at = match &args.at {
        Some(t) => parse_rfc3339(t)
            .ok_or_else(|| CliError::input(format!("--at: {t:?} is not an RFC 3339 instant")))?,
        None => UnixTime::now(),
    };
    let validator = if args.trust.is_empty() {
        None
    } else {
        let blobs = args
            .trust
            .iter()
            .map(|p| read_option_file(p).map(|i| i.bytes))
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
        let anchors = TrustAnchors::from_pem(&refs).map_err(|e| input_error("--trust", e))?;
        let mut crls = Vec::new();
        for path in &args.crl {
            let crl = read_option_file(path)?;
            crls.push(Crl::from_pem_or_der(&crl.bytes).map_err(|e| input_error(&crl.name, e))?);
        }
        Some(ChainValidator::new(anchors).with_crls(crls))
    };
    let options = VerifyOptions {
        policy: AlgorithmPolicy::default(),
        validator,
        at,
        certificates: Default::default(),
    };
    let reports = verify_provenance_signatures(&doc, &options);
    let all_passed = !reports.is_empty() && reports.iter().all(|(_, r)| r.passed());
    let text = if args.json {
        let list = reports
            .iter()
            .map(|(pointer, r)| {
                let checks = r
                    .checks()
                    .iter()
                    .map(|c| {
                        Value::object()
                            .with("code", Value::str(c.code()))
                            .with("outcome", Value::str(c.outcome().as_str()))
                            .with("message", Value::str(c.message()))
                    })
                    .collect();
                Value::object()
                    .with("pointer", Value::str(pointer.clone()))
                    .with("indication", Value::str(r.indication().as_str()))
                    .with_opt(
                        "subIndication",
                        r.sub_indication().map(|s| Value::str(s.as_str())),
                    )
                    .with("checks", Value::Array(checks))
            })
            .collect();
        Value::object()
            .with("file", Value::str(input.name.clone()))
            .with("passed", Value::Bool(all_passed))
            .with("signatures", Value::Array(list))
            .to_pretty()
    } else {
        let mut lines = Vec::new();
        for (pointer, r) in &reports {
            let sub = r
                .sub_indication()
                .map(|s| format!("/{}", s.as_str()))
                .unwrap_or_default();
            lines.push(format!(
                "{}: {}{sub}",
                escape(pointer),
                r.indication().as_str()
            ));
            for c in r.checks().iter().filter(|c| c.outcome() != Outcome::Pass) {
                lines.push(format!("  {}", escape(&c.to_string())));
            }
        }
        if reports.is_empty() {
            lines.push(format!(
                "{}: no Provenance signature found",
                escape(&input.name)
            ));
        }
        lines.join("\n")
    };
    write_stdout(&with_newline(text))?;
    Ok(if all_passed {
        Status::Success
    } else {
        Status::ChecksFailed
    })
}
