//! `fhirsig provenance build`: one Provenance for references or for a Bundle's entries.

use std::path::PathBuf;

use clap::Args;
use fhirsig_provenance::entry_targets;

use super::common::{input_error, reference, with_newline, AgentArgs};
use crate::error::{json_error, CliError, Status};
use crate::io::{read_input, Output};

/// Arguments of `fhirsig provenance build`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance build --profile hrex --target Condition/123 \\
      --author Practitioner/pr1 --author-org Organization/org1 --transmitter Organization/org1 \\
      --recorded 2024-05-02T10:00:00Z --occurred 2024-05-01
  fhirsig provenance build --profile pdex --bundle claims.json \\
      --transmitter Organization/payer1 --source-format x12837 -o provenance.json

Exit status: 0 success, 2 bad input or a profile rule broken (e.g. US Core provenance-1).")]
pub struct BuildArgs {
    /// A target reference (repeat for several targets).
    #[arg(
        long = "target",
        value_name = "REF",
        required_unless_present = "bundle",
        conflicts_with = "bundle"
    )]
    targets: Vec<String>,

    /// Target every entry of this Bundle (by fullUrl, else Type/id).
    #[arg(long, value_name = "FILE")]
    bundle: Option<PathBuf>,

    #[command(flatten)]
    agents: AgentArgs,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `fhirsig provenance build`.
pub fn run(args: BuildArgs) -> Result<Status, CliError> {
    let template = args.agents.template()?;
    let targets = match &args.bundle {
        Some(path) => {
            let input = read_input(path)?;
            let doc = fhirsig_jcs::parse(&input.bytes).map_err(|e| json_error(&input.name, &e))?;
            entry_targets(&doc)
                .map_err(|e| input_error(&input.name, e))?
                .into_iter()
                .map(|t| t.reference)
                .collect()
        }
        None => args.targets.iter().map(|t| reference(t)).collect(),
    };
    let provenance = template
        .build(targets)
        .map_err(|e| CliError::input(e.to_string()))?;
    Output::from_option(args.output).write(&with_newline(provenance.to_json()))?;
    Ok(Status::Success)
}
