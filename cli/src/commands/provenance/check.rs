//! `fhirsig provenance check`: profile findings for stored Provenance.

use std::path::PathBuf;

use clap::Args;
use fhirsig_provenance::{check, Profile, Severity, Value};

use super::common::with_newline;
use crate::error::{json_error, CliError, Status};
use crate::io::{read_input, write_stdout};

/// Arguments of `fhirsig provenance check`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance check provenance.json                 profile from meta.profile (else us-core)
  fhirsig provenance check answered-bundle.json --profile hrex --json

Each finding: severity, stable code (e.g. provenance-1, hrex-target-reference), FHIRPath-like
location and message. Exit status: 0 no errors, 1 findings of severity error, 2 bad input.")]
pub struct CheckArgs {
    /// A Provenance, or a Bundle holding Provenance entries; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    file: PathBuf,

    /// Check against this profile instead of the one each Provenance declares.
    #[arg(long, value_name = "PROFILE")]
    profile: Option<Profile>,

    /// Write the findings as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `fhirsig provenance check`.
pub fn run(args: CheckArgs) -> Result<Status, CliError> {
    let input = read_input(&args.file)?;
    let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
    let findings = check(&doc, args.profile);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let text = if args.json {
        let list = findings
            .iter()
            .map(|f| {
                Value::object()
                    .with("code", Value::str(f.code))
                    .with("severity", Value::str(f.severity.as_str()))
                    .with("location", Value::str(f.location.clone()))
                    .with("profile", Value::str(f.profile.name()))
                    .with("message", Value::str(f.message.clone()))
            })
            .collect();
        let v = Value::object()
            .with("file", Value::str(input.name.clone()))
            .with("errors", Value::Number(errors.to_string()))
            .with("findings", Value::Array(list));
        v.to_pretty()
    } else {
        let mut lines: Vec<String> = findings
            .iter()
            .map(|f| crate::terminal::escape(&f.to_string()).into_owned())
            .collect();
        lines.push(format!(
            "{}: {} error(s), {} other finding(s)",
            crate::terminal::escape(&input.name),
            errors,
            findings.len() - errors
        ));
        lines.join("\n")
    };
    write_stdout(&with_newline(text))?;
    Ok(if errors > 0 {
        Status::ChecksFailed
    } else {
        Status::Success
    })
}
