//! `fhirsig doc`: sign and verify non-FHIR documents (C-CDA, PDF, any file) with a detached
//! JWS, a JAdES `sigD` JWS over several files, or a CMS `.p7s`.

mod fhir;
mod report;
mod sign;
mod verify;

use clap::{Args, Subcommand};

use crate::error::{CliError, Status};

/// Arguments of `fhirsig doc`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig doc sign ccd.xml --key signer.key.pem --cert chain.pem      writes ccd.xml.jws
  fhirsig doc sign scan.pdf --format cms --key k.pem --cert chain.pem  writes scan.pdf.p7s
  fhirsig doc verify ccd.xml.jws ccd.xml --trust roots.pem

`fhirsig doc sign --help` and `fhirsig doc verify --help` list every option.")]
pub struct DocArgs {
    #[command(subcommand)]
    command: DocCommand,
}

#[derive(Debug, Subcommand)]
enum DocCommand {
    /// Sign one or more files: detached JWS (default), JAdES sigD JWS, or CMS (.p7s).
    Sign(Box<sign::SignArgs>),
    /// Verify a document signature (.jws or .p7s) against the files it signs.
    Verify(verify::VerifyArgs),
}

/// Runs `fhirsig doc`.
pub fn run(args: DocArgs) -> Result<Status, CliError> {
    match args.command {
        DocCommand::Sign(args) => sign::run(*args).map(|()| Status::Success),
        DocCommand::Verify(args) => verify::run(args),
    }
}
