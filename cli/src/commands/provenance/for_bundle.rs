//! `fhirsig provenance for-bundle`: Provenance entries added to a Bundle.

use std::path::PathBuf;

use clap::Args;
use fhirsig_provenance::{add_to_bundle, Scope};

use super::common::{input_error, with_newline, AgentArgs};
use crate::error::{CliError, Status};
use crate::io::{read_input, write_in_place, Output};

/// Arguments of `fhirsig provenance for-bundle`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance for-bundle searchset.json --profile hrex --author Practitioner/pr1 \\
      --author-org Organization/org1 --transmitter Organization/org1 -o answered.json
  fhirsig provenance for-bundle pdex.json --profile pdex --transmitter Organization/payer1 \\
      --source-format x12837 --per-entry --in-place

Existing entries keep their bytes; new entries get urn:uuid fullUrls derived from their content
(same input, same output) and, in a searchset, search.mode = include.
Exit status: 0 success, 2 bad input or a profile rule broken.")]
pub struct ForBundleArgs {
    /// The Bundle.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    #[command(flatten)]
    agents: AgentArgs,

    /// One Provenance per entry instead of one for the whole Bundle.
    #[arg(long)]
    per_entry: bool,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE", conflicts_with = "in_place")]
    output: Option<PathBuf>,

    /// Replace FILE with the result.
    #[arg(long)]
    in_place: bool,
}

/// Runs `fhirsig provenance for-bundle`.
pub fn run(args: ForBundleArgs) -> Result<Status, CliError> {
    let input = read_input(&args.file)?;
    let text =
        std::str::from_utf8(&input.bytes).map_err(|_| input_error(&input.name, "not UTF-8"))?;
    let template = args.agents.template()?;
    let scope = if args.per_entry {
        Scope::PerEntry
    } else {
        Scope::WholeBundle
    };
    let out = add_to_bundle(text, &template, scope).map_err(|e| input_error(&input.name, e))?;
    let broken = super::common::whole_bundle_signatures(&input.bytes);
    if !broken.is_empty() {
        // The new entries are part of what these sign (all but id, meta and signature, or the
        // Bundle minus its signing Provenances): they cannot verify any more.
        crate::io::diagnostic(
            "warning",
            &format!(
                "{} carries {}, which the added Provenance entries break (it signs every \
                 entry); sign the Bundle again after adding Provenance",
                input.name,
                broken.join(" and ")
            ),
        );
    }
    let bytes = if text.ends_with('\n') {
        with_newline(out)
    } else {
        out.into_bytes()
    };
    if args.in_place {
        write_in_place(&args.file, &bytes)?;
    } else {
        Output::from_option(args.output).write(&bytes)?;
    }
    Ok(Status::Success)
}
