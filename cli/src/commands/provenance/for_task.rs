//! `fhirsig provenance for-task`: the Provenance of a CDex Task's output document.

use std::path::PathBuf;

use clap::Args;
use fhirsig_provenance::{for_task, Agent, Profile, Template};

use super::common::{input_error, recorded_or_now, reference, with_newline};
use crate::error::{json_error, CliError, Status};
use crate::io::{read_input, Output};

/// Arguments of `fhirsig provenance for-task`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig provenance for-task task.json --bundle document.json \\
      --transmitter Organization/ehr1 --with-signature --recorded 2026-06-01T08:00:00Z

The Provenance targets the Task's output document (its output valueReference, else Bundle/<id>);
occurredDateTime is the document's timestamp. --with-signature copies Bundle.signature verbatim.
Exit status: 0 success, 2 bad input.")]
pub struct ForTaskArgs {
    /// The fulfilled Task.
    #[arg(value_name = "TASK")]
    task: PathBuf,

    /// The document Bundle the Task returned.
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,

    /// The organisation that supplied the document.
    #[arg(long, value_name = "REF")]
    transmitter: String,

    /// The document's author, if it is to be recorded too.
    #[arg(long, value_name = "REF")]
    author: Option<String>,

    /// The organisation the author acts for.
    #[arg(long, value_name = "REF", requires = "author")]
    author_org: Option<String>,

    /// Profile (default hrex, the profile CDex uses).
    #[arg(long, value_name = "PROFILE", default_value = "hrex")]
    profile: Profile,

    /// `recorded`; default: now.
    #[arg(long, value_name = "INSTANT")]
    recorded: Option<String>,

    /// Copy the document's Bundle.signature into Provenance.signature.
    #[arg(long)]
    with_signature: bool,

    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Runs `fhirsig provenance for-task`.
pub fn run(args: ForTaskArgs) -> Result<Status, CliError> {
    let task = read_input(&args.task)?;
    let task_doc = fhirsig_jcs::parse(&task.bytes).map_err(|e| json_error(&task.name, &e))?;
    let bundle = read_input(&args.bundle)?;
    let bundle_doc = fhirsig_jcs::parse(&bundle.bytes).map_err(|e| json_error(&bundle.name, &e))?;
    let mut agents = Vec::new();
    if let Some(author) = &args.author {
        let mut a = Agent::author(reference(author));
        if let Some(org) = &args.author_org {
            a = a.on_behalf_of(reference(org));
        }
        agents.push(a);
    }
    agents.push(Agent::transmitter(reference(&args.transmitter)));
    let template = Template {
        profile: args.profile,
        recorded: recorded_or_now(args.recorded.as_deref())?,
        occurred: None,
        agents,
        entities: Vec::new(),
    };
    let provenance = for_task(
        task_doc.root(),
        bundle_doc.root(),
        &template,
        args.with_signature,
    )
    .map_err(|e| input_error(&format!("{} / {}", task.name, bundle.name), e))?;
    if args.with_signature && provenance.signatures().is_empty() {
        crate::io::diagnostic(
            "warning",
            &format!(
                "{}: the document has no Bundle.signature to copy",
                bundle.name
            ),
        );
    }
    Output::from_option(args.output).write(&with_newline(provenance.to_json()))?;
    Ok(Status::Success)
}
