//! `fhirsig provenance`: who authored, who transmitted, who signed.

mod build;
mod check;
pub(crate) mod common;
mod for_bundle;
mod for_task;
mod sign;
mod verify;

use clap::Subcommand;

use crate::error::{CliError, Status};

/// The `provenance` subcommands.
#[derive(Debug, Subcommand)]
pub enum ProvenanceCommand {
    /// Build one Provenance for references or for every entry of a Bundle.
    Build(build::BuildArgs),
    /// Add Provenance entries to a Bundle (one for the Bundle, or one per entry).
    ForBundle(for_bundle::ForBundleArgs),
    /// Record that a CDex Task's output document was supplied by an organisation.
    ForTask(for_task::ForTaskArgs),
    /// Check Provenance against US Core, HRex or PDex (exit 1 on errors).
    Check(check::CheckArgs),
    /// Sign Provenance targets, or add an embedded signing Provenance to a Bundle.
    Sign(sign::SignArgs),
    /// Verify every Provenance signature of a file (exit 1 if one fails).
    Verify(verify::VerifyArgs),
}

/// Runs a `provenance` subcommand.
pub fn run(command: ProvenanceCommand) -> Result<Status, CliError> {
    match command {
        ProvenanceCommand::Build(a) => build::run(a),
        ProvenanceCommand::ForBundle(a) => for_bundle::run(a),
        ProvenanceCommand::ForTask(a) => for_task::run(a),
        ProvenanceCommand::Check(a) => check::run(a),
        ProvenanceCommand::Sign(a) => sign::run(a),
        ProvenanceCommand::Verify(a) => verify::run(a),
    }
}
