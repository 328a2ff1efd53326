//! The `fhirsig` command line: digital signatures and provenance for FHIR data exchange.
//!
//! This is the only part of fhirsig that reads files, the environment or the clock.

mod batch;
mod commands;
mod error;
mod fingerprint;
mod html_report;
mod inputs;
mod io;
mod terminal;

use std::io::Write as _;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser, Subcommand};
use error::Status;

/// The system allocator, with blocks of 4 MiB and more (a large document, its tape) on mappings
/// of their own, advised for transparent huge pages: a few dozen page faults where 4 KiB pages
/// cost tens of thousands (docs/benchmarks.md, "Large signed Bundles").
#[global_allocator]
static ALLOCATOR: fhirsig_alloc::HugePageAllocator = fhirsig_alloc::HugePageAllocator;

/// Sign and verify FHIR signatures (Da Vinci CDex, PDex) exactly to the byte.
#[derive(Debug, Parser)]
#[command(name = "fhirsig", version, about, long_about = None)]
#[command(after_help = "\
Examples:
  fhirsig demo                                         a guided run in a temporary folder
  fhirsig pki init pki                                 test keys and certificates
  cat pki/leaf-ec.cert.pem pki/intermediate-ca.cert.pem > chain.pem
  fhirsig sign bundle.json --key pki/leaf-ec.key.pem --cert chain.pem -o signed.json
  fhirsig verify signed.json --trust pki/root-ca.cert.pem
  fhirsig inspect signed.json                          decode a signature without judging it
  fhirsig help <COMMAND>                               every command's options and examples

Also: `fhirsig completions SHELL` (bash, zsh, fish, powershell, elvish) and `fhirsig man
[--out DIR]` write shell completions and manual pages (docs/cli.md).
Exit status: 0 success; 1 ran, but a signature or check failed; 2 bad input or usage.
Diagnostics go to standard error, prefixed `fhirsig:`; results go to standard output.")]
struct Cli {
    /// Write outputs through symbolic links and follow links in folders (off: refused, skipped).
    // Details in docs/cli.md ("Files"): a link output is refused by default, its target written
    // with the flag; folder links are skipped with a note by default, followed with loop checks.
    #[arg(long, global = true)]
    follow_symlinks: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write the RFC 8785 (JCS) canonical form of JSON, or the signing payload of a FHIR resource.
    Canon(commands::canon::CanonArgs),
    /// Certificates: `cert verify CHAIN --trust ROOTS` validates a signer's chain at an instant.
    #[command(after_help = "\
Examples:
  fhirsig cert verify signer.pem --trust roots/
  fhirsig cert verify leaf.pem --intermediates ca.pem --trust root.pem --at 2026-06-01T00:00:00Z

`fhirsig cert verify --help` lists every option.")]
    Cert {
        /// What to do.
        #[command(subcommand)]
        command: commands::cert::CertCommand,
    },
    /// Run a guided example end to end in a temporary folder (no arguments, no network).
    #[cfg(feature = "test-pki")]
    Demo(commands::demo::DemoArgs),
    /// Sign a FHIR Bundle, QuestionnaireResponse or QuestionnaireResponse item.
    Sign(commands::sign::SignArgs),
    /// Verify every FHIR JSON signature in files: JWS, CDex rules, certificate chain, identity.
    Verify(commands::verify::VerifyArgs),
    /// Decode every FHIR JSON signature in files without judging it: header, certificates, payload.
    Inspect(commands::inspect::InspectArgs),
    /// Signing keys: `keys list` shows a PKCS#11 token's objects, `keys check` matches a key
    /// with its certificate.
    #[command(after_help = "\
Examples:
  fhirsig keys list --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --pin-file pin.txt
  fhirsig keys check --key signer.p12 --key-password-file pw.txt

`fhirsig keys <COMMAND> --help` lists every option; docs/keys.md describes every key source.")]
    Keys {
        /// What to do.
        #[command(subcommand)]
        command: commands::keys::KeysCommand,
    },
    /// Validation policies: `policy list`, `policy show NAME|FILE` (as TOML), `policy check FILE`.
    #[command(after_help = "\
Examples:
  fhirsig policy list
  fhirsig policy show cdex > payer.toml      start your own policy from a built-in one
  fhirsig policy check payer.toml
  fhirsig verify signed.json --trust roots.pem --policy payer.toml

docs/policy.md describes the levels, the built-in policies check by check, and the schema.")]
    Policy {
        /// What to do.
        #[command(subcommand)]
        command: commands::policy::PolicyCommand,
    },
    /// Test PKIs: `pki init DIR` writes CAs, signer certificates, keys and a CRL for tests.
    #[command(after_help = "\
Examples:
  fhirsig pki init ./pki
  fhirsig pki init ./pki --now 2026-06-01T00:00:00Z --force

`fhirsig pki init --help` lists every option. The keys are FOR TESTS ONLY.")]
    #[cfg(feature = "test-pki")]
    Pki {
        /// What to do.
        #[command(subcommand)]
        command: commands::pki::PkiCommand,
    },
    /// Sign and verify non-FHIR documents (C-CDA, PDF, any file): detached JWS, JAdES sigD, CMS.
    Doc(commands::doc::DocArgs),
    /// Build, add, check, sign and verify FHIR Provenance (US Core, HRex, PDex).
    #[command(
        subcommand,
        after_help = "\
Examples:
  fhirsig provenance for-bundle searchset.json --profile hrex --author Practitioner/pr1 \\
      --author-org Organization/org1 --transmitter Organization/org1 -o answered.json
  fhirsig provenance check answered.json --profile hrex
  fhirsig provenance sign answered.json --key signer.key.pem --cert chain.pem -o signed.json
  fhirsig provenance verify signed.json --trust root-ca.cert.pem

`fhirsig provenance <COMMAND> --help` lists every option of each subcommand."
    )]
    Provenance(commands::provenance::ProvenanceCommand),
    /// Serve signing and verification over HTTP as FHIR operations ($sign, $verify-signature,
    /// $provenance), with TLS, tokens, an audit trail and metrics.
    Serve(commands::serve::ServeArgs),
    /// Write a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    #[command(hide = true)]
    Completions(commands::generate::CompletionsArgs),
    /// Write the fhirsig(1) manual page, or with --out every page (one per subcommand).
    #[command(hide = true)]
    Man(commands::generate::ManArgs),
}

fn main() -> ExitCode {
    inputs::clock::start();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // Help and --version (and the help shown for a bare `fhirsig`) as clap writes them.
        Err(e)
            if !e.use_stderr()
                || e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand =>
        {
            e.exit()
        }
        // Usage errors get the prefix every other diagnostic has (exit status 2, as clap's).
        Err(e) => {
            let _ = write!(std::io::stderr().lock(), "fhirsig: {}", e.render());
            return ExitCode::from(error::EXIT_BAD_INPUT);
        }
    };
    io::set_follow_symlinks(cli.follow_symlinks);
    let result = match cli.command {
        Command::Canon(args) => commands::canon::run(args).map(|()| Status::Success),
        Command::Cert { command } => commands::cert::run(command),
        #[cfg(feature = "test-pki")]
        Command::Demo(args) => commands::demo::run(args),
        Command::Sign(args) => commands::sign::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Keys { command } => commands::keys::run(command),
        Command::Policy { command } => commands::policy::run(command),
        #[cfg(feature = "test-pki")]
        Command::Pki { command } => commands::pki::run(command),
        Command::Doc(args) => commands::doc::run(args),
        Command::Provenance(command) => commands::provenance::run(command),
        Command::Serve(args) => commands::serve::run(args),
        Command::Completions(args) => commands::generate::completions(args, Cli::command()),
        Command::Man(args) => commands::generate::man(args, Cli::command()),
    };
    match result {
        Ok(status) => status.exit_code(),
        Err(error) => {
            io::diagnostic("error", &error.to_string());
            error.exit_code()
        }
    }
}
