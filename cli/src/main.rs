//! The `fhirsig` command line: digital signatures and provenance for FHIR data exchange.
//!
//! This is the only part of fhirsig that reads files, the environment or the clock.

mod batch;
mod clock;
mod commands;
mod error;
mod html_report;
mod io;
mod trust_inputs;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use error::Status;

/// Sign and verify FHIR signatures (Da Vinci CDex, PDex) exactly to the byte.
#[derive(Debug, Parser)]
#[command(name = "fhirsig", version, about, long_about = None)]
#[command(after_help = "\
Exit status: 0 success; 1 ran, but a signature or check failed; 2 bad input or usage.
Diagnostics go to standard error, prefixed `fhirsig:`; results go to standard output.")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the RFC 8785 (JCS) canonical form of JSON, or the signing payload of a FHIR resource.
    Canon(commands::canon::CanonArgs),
    /// Certificates: `cert verify CHAIN --trust ROOTS` validates a signer's chain at an instant.
    Cert {
        /// What to do.
        #[command(subcommand)]
        command: commands::cert::CertCommand,
    },
    /// Run a guided example end to end in a temporary folder (no arguments, no network).
    Demo(commands::demo::DemoArgs),
    /// Sign a FHIR Bundle, QuestionnaireResponse or QuestionnaireResponse item.
    Sign(commands::sign::SignArgs),
    /// Verify every FHIR JSON signature in files: JWS, CDex rules, certificate chain, identity.
    Verify(commands::verify::VerifyArgs),
    /// Test PKIs: `pki init DIR` writes CAs, signer certificates, keys and a CRL for tests.
    Pki {
        /// What to do.
        #[command(subcommand)]
        command: commands::pki::PkiCommand,
    },
    /// Sign and verify non-FHIR documents (C-CDA, PDF, any file): detached JWS, JAdES sigD, CMS.
    Doc(commands::doc::DocArgs),
    /// Build, add, check, sign and verify FHIR Provenance (US Core, HRex, PDex).
    #[command(subcommand)]
    Provenance(commands::provenance::ProvenanceCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Canon(args) => commands::canon::run(args).map(|()| Status::Success),
        Command::Cert { command } => commands::cert::run(command),
        Command::Demo(args) => commands::demo::run(args),
        Command::Sign(args) => commands::sign::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Pki { command } => commands::pki::run(command),
        Command::Doc(args) => commands::doc::run(args),
        Command::Provenance(command) => commands::provenance::run(command),
    };
    match result {
        Ok(status) => status.exit_code(),
        Err(error) => {
            io::diagnostic("error", &error.to_string());
            error.exit_code()
        }
    }
}
