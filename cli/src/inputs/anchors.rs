//! Trust anchors named on the command line (`--trust`: PEM or DER files, or folders of them)
//! and the extra intermediates of `--intermediates`.

use std::path::{Path, PathBuf};

use fhirsig_core::trust::{certificates_from_pem, Certificate, ChainValidator, TrustAnchors};

use super::certificates::describe;
use crate::error::CliError;
use crate::io::{diagnostic, read_option_file};

/// File extensions read from a `--trust` folder.
const ANCHOR_EXTENSIONS: [&str; 3] = ["pem", "crt", "cer"];

/// Reads the trust anchors: each path is a PEM/DER file, or a folder whose `*.pem`, `*.crt`
/// and `*.cer` files are read (not recursively; files that are not certificates are skipped
/// with a warning).
pub fn read_anchors(paths: &[PathBuf]) -> Result<TrustAnchors, CliError> {
    let mut blobs = Vec::new();
    for path in paths {
        if path.is_dir() {
            blobs.extend(read_anchor_dir(path)?);
        } else {
            let input = read_option_file(path)?;
            TrustAnchors::from_pem(&[&input.bytes]).map_err(|e| {
                CliError::input(format!(
                    "{}: cannot be used as a trust anchor: {}",
                    input.name,
                    describe(&e, false)
                ))
                .with_hint("give CA certificates (or a signer certificate you trust directly) as PEM or DER")
            })?;
            blobs.push(input.bytes);
        }
    }
    let refs: Vec<&[u8]> = blobs.iter().map(Vec::as_slice).collect();
    TrustAnchors::from_pem(&refs).map_err(|e| CliError::input(describe(&e, false)))
}

fn read_anchor_dir(dir: &Path) -> Result<Vec<Vec<u8>>, CliError> {
    let name = dir.display();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| CliError::input(format!("cannot read folder {name}: {e}")))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && has_anchor_extension(p))
        .collect();
    files.sort();
    let mut blobs = Vec::new();
    let mut without_certificate = 0;
    let mut signers: Vec<String> = Vec::new();
    for file in files {
        let input = read_option_file(&file)?;
        // A folder of anchors holds CA certificates. Private keys and signer certificates
        // often sit beside them (a test PKI folder): trusting every signer certificate of the
        // folder directly would accept each as its own anchor, so they are left out; a signer
        // certificate you trust directly is named as a file.
        match certificates_from_pem(&[&input.bytes]) {
            Ok(certs) if certs.iter().any(Certificate::is_ca) => blobs.push(input.bytes),
            Ok(certs) if !certs.is_empty() => signers.push(input.name),
            _ if is_key_or_crl_pem(&input.bytes) => without_certificate += 1,
            result => diagnostic(
                "warning",
                &format!(
                    "{}: skipped, not a trust anchor: {}",
                    input.name,
                    result
                        .err()
                        .map_or("no certificate".to_owned(), |e| describe(&e, false))
                ),
            ),
        }
    }
    if !signers.is_empty() {
        let names: Vec<&str> = signers
            .iter()
            .map(|n| n.rsplit('/').next().unwrap_or(n))
            .collect();
        diagnostic(
            "note",
            &format!(
                "{name}: skipped {} signer (end-entity) certificate(s), not CAs: {}; a folder of anchors holds CA certificates (a self-signed signer certificate you trust can be named as a file)",
                signers.len(),
                names.join(", ")
            ),
        );
    }
    if without_certificate > 0 {
        diagnostic(
            "note",
            &format!("{name}: skipped {without_certificate} file(s) of keys or CRLs"),
        );
    }
    if blobs.is_empty() {
        return Err(CliError::input(format!(
            "{name}: no usable trust anchor certificate (*.pem, *.crt, *.cer) in this folder"
        ))
        .with_hint("put the root CA certificates you trust there, or name a PEM file"));
    }
    Ok(blobs)
}

/// PEM whose sections are all keys or CRLs (what a PKI folder holds beside its certificates).
fn is_key_or_crl_pem(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    let labels: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("-----BEGIN "))
        .filter_map(|l| l.strip_suffix("-----"))
        .collect();
    !labels.is_empty()
        && labels
            .iter()
            .all(|l| l.ends_with("PRIVATE KEY") || l.ends_with("PUBLIC KEY") || *l == "X509 CRL")
}

fn has_anchor_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ANCHOR_EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Adds the intermediate CA certificates of each file to the validator.
pub fn add_intermediates(
    mut validator: ChainValidator,
    paths: &[PathBuf],
) -> Result<ChainValidator, CliError> {
    for path in paths {
        let input = read_option_file(path)?;
        validator = validator
            .with_intermediates_pem(&[&input.bytes])
            .map_err(|e| CliError::input(format!("{}: {}", input.name, describe(&e, false))))?;
    }
    Ok(validator)
}
