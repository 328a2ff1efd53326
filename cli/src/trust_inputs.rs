//! Reading trust material named on the command line: anchors (PEM files or folders of them),
//! CRLs, and the `--at` / `--time-policy` instants.

use std::path::{Path, PathBuf};

use fhirsig_core::trust::{ChainValidator, Crl, TimePolicy, TrustAnchors};
use rustls_pki_types::UnixTime;

use crate::error::CliError;

/// The files of `--trust` arguments: a file as is, a folder's `*.pem`, `*.crt`, `*.cer` files.
pub fn anchor_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path)
                .map_err(|e| CliError::input(format!("cannot read {}: {e}", path.display())))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && matches!(
                            p.extension().and_then(|e| e.to_str()),
                            Some("pem" | "crt" | "cer")
                        )
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(CliError::input(format!(
                    "{} holds no .pem, .crt or .cer files",
                    path.display()
                )));
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::input(format!("cannot read {}: {e}", path.display())).with_hint("check the path")
    })
}

/// A chain validator from `--trust` and `--crl` arguments; `None` when no anchors were given.
pub fn validator(trust: &[PathBuf], crls: &[PathBuf]) -> Result<Option<ChainValidator>, CliError> {
    if trust.is_empty() {
        if !crls.is_empty() {
            return Err(CliError::input(
                "--crl needs --trust (CRLs are checked along a trusted chain)",
            ));
        }
        return Ok(None);
    }
    let blobs: Vec<(PathBuf, Vec<u8>)> = anchor_files(trust)?
        .into_iter()
        .map(|p| read(&p).map(|b| (p, b)))
        .collect::<Result<_, _>>()?;
    let refs: Vec<&[u8]> = blobs.iter().map(|(_, b)| b.as_slice()).collect();
    let anchors = TrustAnchors::from_pem(&refs).map_err(|e| {
        let names: Vec<String> = blobs.iter().map(|(p, _)| p.display().to_string()).collect();
        CliError::input(format!("trust anchors ({}): {e}", names.join(", ")))
            .with_hint("--trust takes PEM certificates or a folder of them")
    })?;
    let crls = crls
        .iter()
        .map(|p| {
            let bytes = read(p)?;
            Crl::from_pem_or_der(&bytes)
                .map_err(|e| CliError::input(format!("{}: {e}", p.display())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(ChainValidator::new(anchors).with_crls(crls)))
}

/// `--at RFC3339`, else the clock (the only place fhirsig reads it).
pub fn instant(at: Option<&str>) -> Result<UnixTime, CliError> {
    match at {
        Some(text) => fhirsig_core::trust::parse_rfc3339(text).ok_or_else(|| {
            CliError::input(format!("--at {text:?} is not an RFC 3339 date-time"))
                .with_hint("for example 2026-06-01T00:00:00Z")
        }),
        None => Ok(UnixTime::now()),
    }
}

/// `--time-policy now|sigt`.
pub fn time_policy(name: &str) -> TimePolicy {
    match name {
        "sigt" => TimePolicy::SigningTime,
        _ => TimePolicy::VerificationTime,
    }
}
