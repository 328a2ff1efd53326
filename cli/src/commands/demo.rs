//! `fhirsig demo`: a guided run over a bundled example, with no arguments and no network.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::Args;
use fhirsig_core::canonicalization::Canonicalization;
use fhirsig_core::payload::resource_payload;

use crate::error::{json_error, CliError, Status};
use crate::io::{write_atomically, write_stdout};

/// The bundled example: a CDex searchset Bundle (a payer's query answered by an EHR).
const SEARCHSET: &str = include_str!("../demo/searchset.json");

/// Arguments of `fhirsig demo`.
#[derive(Debug, Args)]
#[command(after_help = "\
Example:
  fhirsig demo                 run in a new temporary folder and say where the files are
  fhirsig demo --dir ./try     run in ./try (created if needed)")]
pub struct DemoArgs {
    /// Folder for the demo's files (default: a new folder under the system temp directory).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Runs `fhirsig demo`.
pub fn run(args: DemoArgs) -> Result<Status, CliError> {
    let dir = match args.dir {
        Some(dir) => dir,
        None => std::env::temp_dir().join(format!("fhirsig-demo-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
    let mut report = String::new();
    let bundle_path = dir.join("searchset.json");
    write_atomically(&bundle_path, SEARCHSET.as_bytes())?;
    let _ = writeln!(
        report,
        "fhirsig demo: a CDex searchset Bundle, as an EHR returns it to a payer\n\n\
         1. Example Bundle               {}",
        bundle_path.display()
    );

    let doc = fhirsig_jcs::parse(SEARCHSET.as_bytes()).map_err(|e| json_error("demo", &e))?;
    let payload = resource_payload(&doc, doc.root(), Canonicalization::Document)
        .map_err(|e| CliError::input(e.to_string()))?;
    let payload_path = dir.join("searchset.payload.jcs.json");
    write_atomically(&payload_path, &payload.bytes)?;
    let _ = writeln!(
        report,
        "2. Signing payload (RFC 8785)   {}\n   \
         {} bytes: the Bundle minus root id, meta and signature, members sorted, no white space\n   \
         rule: {}",
        payload_path.display(),
        payload.bytes.len(),
        Canonicalization::Document.uri()
    );
    for change in &payload.number_changes {
        let _ = writeln!(
            report,
            "   note: {} is written {} but signed as {}: a signature does not protect decimal precision",
            change.pointer, change.lexical, change.canonical
        );
    }
    let _ = writeln!(
        report,
        "\nTry: fhirsig canon --payload {}",
        bundle_path.display()
    );
    write_stdout(report.as_bytes())?;
    Ok(Status::Success)
}
