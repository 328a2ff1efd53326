//! `fhirsig pki init`: write a throw-away test PKI (root and intermediate CA, signer
//! certificates for every validation outcome, a CRL) into a folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use fhirsig_core::trust::format_rfc3339;
use fhirsig_testkit::pki::{generate_test_pki, PkiOptions};

use crate::error::{CliError, Status};
use crate::inputs::clock::instant_or_now;
use crate::io::{write_atomically, write_private_atomically, write_stdout};

/// Subcommands of `fhirsig pki`.
#[derive(Debug, Subcommand)]
pub enum PkiCommand {
    /// Write a test PKI (CAs, signer certificates and keys, a CRL) into a folder. FOR TESTS ONLY.
    Init(InitArgs),
}

/// Arguments of `fhirsig pki init`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig pki init ./pki                             a PKI valid around the current time
  fhirsig pki init ./pki --now 2026-06-01T00:00:00Z  dates relative to a fixed instant
  fhirsig pki init ./pki --force                     replace the files of an earlier run

The private keys are unprotected test keys (mode 0600 on Unix); never use them in production.
README.txt in the folder says what each file is for.
Exit status: 0 success, 2 bad input or the files exist already (nothing is written then).")]
pub struct InitArgs {
    /// Folder to write into (created if needed).
    #[arg(value_name = "DIR")]
    dir: PathBuf,

    /// The instant the validity periods are relative to (RFC 3339; default: now).
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,

    /// Replace files that exist already.
    #[arg(long)]
    force: bool,
}

/// Runs a `fhirsig pki` subcommand.
pub fn run(command: PkiCommand) -> Result<Status, CliError> {
    match command {
        PkiCommand::Init(args) => init(args),
    }
}

fn init(args: InitArgs) -> Result<Status, CliError> {
    let now = instant_or_now("--now", args.now.as_deref())?;
    let files = generate_test_pki(now, &PkiOptions::default())
        .map_err(|e| CliError::input(e.to_string()))?;
    let dir = &args.dir;
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::input(format!("cannot create {}: {e}", dir.display())))?;
    if !args.force {
        refuse_to_overwrite(dir, &files)?;
    }
    for (name, bytes) in &files {
        write_pki_file(&dir.join(name), name, bytes)?;
    }
    let manifest = files
        .iter()
        .find(|(name, _)| name == "README.txt")
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .unwrap_or_default();
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    write_stdout(summary(dir, &format_rfc3339(now), &names, &manifest).as_bytes())?;
    Ok(Status::Success)
}

/// Fails, naming the first one, when any of the files exists already.
fn refuse_to_overwrite(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), CliError> {
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.exists())
        .collect();
    match existing.first() {
        None => Ok(()),
        Some(first) => Err(CliError::input(format!(
            "{} already exists ({} of the {} files would be replaced); nothing was written",
            first.display(),
            existing.len(),
            files.len()
        ))
        .with_hint("pass --force to replace them, or choose an empty folder")),
    }
}

/// Writes one file of a generated test PKI: private keys (`*.key.pem`) owner-only (0600), the
/// rest as any output. `pki init` and `demo` both write their keys through here.
pub(crate) fn write_pki_file(path: &Path, name: &str, bytes: &[u8]) -> Result<(), CliError> {
    match is_private_key(name) {
        true => write_private_atomically(path, bytes),
        false => write_atomically(path, bytes),
    }
}

fn is_private_key(name: &str) -> bool {
    name.ends_with(".key.pem")
}

/// The table printed after writing: one line per file with its purpose, then how to use it.
fn summary(dir: &Path, now: &str, names: &[&str], manifest: &str) -> String {
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut out = format!(
        "wrote {} files to {} (test PKI, dates relative to {now}; FOR TESTS ONLY)\n",
        names.len(),
        dir.display()
    );
    for name in names {
        let _ = writeln!(out, "  {name:<width$}  {}", purpose(name, manifest));
    }
    let path = |name: &str| dir.join(name).display().to_string();
    let _ = writeln!(
        out,
        "try: fhirsig cert verify {} --intermediates {} --trust {}",
        path("leaf-ec.cert.pem"),
        path("intermediate-ca.cert.pem"),
        path("root-ca.cert.pem")
    );
    out
}

/// What a file is for, from the generator's README manifest.
fn purpose(name: &str, manifest: &str) -> String {
    if name == "README.txt" {
        return "what each file is for".to_owned();
    }
    if let Some(stem) = name.strip_suffix(".key.pem") {
        return format!("private key of {stem}.cert.pem (mode 0600; never share it)");
    }
    let pair = name
        .strip_suffix(".cert.pem")
        .map(|stem| format!("{stem}.cert.pem / .key.pem"));
    manifest
        .lines()
        .find_map(|line| {
            pair.as_deref()
                .and_then(|p| line.strip_prefix(p))
                .or_else(|| line.strip_prefix(name))
                .filter(|rest| rest.starts_with(' '))
        })
        .map(|rest| rest.trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_come_from_the_manifest() {
        let manifest = "x\nleaf-ec.cert.pem / .key.pem   good signer\n\
                        leaf-ec-2.cert.pem / .key.pem other\nca.crl.pem  the CRL\n";
        assert_eq!(purpose("leaf-ec.cert.pem", manifest), "good signer");
        assert_eq!(purpose("leaf-ec-2.cert.pem", manifest), "other");
        assert_eq!(purpose("ca.crl.pem", manifest), "the CRL");
        assert!(purpose("leaf-ec.key.pem", manifest).starts_with("private key of leaf-ec"));
        assert_eq!(purpose("unknown.pem", manifest), "");
    }
}
