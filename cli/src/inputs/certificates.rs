//! Certificate chains named on the command line: `--cert` (the signer's chain), `--also-cert`
//! and `cert verify CHAIN`, all read by one rule (PEM, signer first, or one DER certificate).
//! Every problem is an input error naming the file.

use std::path::{Path, PathBuf};

use fhirsig_core::trust::{CertificateChain, TrustError};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::CertificateDer;

use super::signing_key::LoadedKey;
use crate::error::CliError;
use crate::io::{read_input, read_option_file};

/// Reads a chain (`cert verify CHAIN`): PEM with one or more certificates, signer first, or
/// one DER certificate.
pub fn read_chain(path: &Path) -> Result<CertificateChain, CliError> {
    let input = read_input(path)?;
    parse_chain(&input.name, input.bytes)
}

/// The one rule for every certificate chain a command reads: PEM with one or more
/// certificates (signer first), or one DER certificate; each problem names the file (`name`).
fn parse_chain(name: &str, bytes: Vec<u8>) -> Result<CertificateChain, CliError> {
    let ders = if bytes.first() == Some(&0x30) {
        vec![bytes]
    } else {
        CertificateDer::pem_slice_iter(&bytes)
            .map(|item| item.map(|der| der.as_ref().to_vec()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                CliError::input(format!(
                    "{name}: malformed PEM: {}",
                    fhirsig_core::trust::pem_error_text(&e)
                ))
            })?
    };
    if ders.is_empty() {
        return Err(CliError::input(format!(
            "{name}: no certificate found, so the chain is empty"
        ))
        .with_hint("give a PEM file with -----BEGIN CERTIFICATE----- sections (signer first), or one DER certificate"));
    }
    CertificateChain::from_der(ders)
        .map_err(|e| CliError::input(format!("{name}: {}", describe(&e, true))))
}

/// A chain named by an option (`--cert`, `--also-cert`), read by [`parse_chain`]'s rule.
fn option_chain(path: &Path) -> Result<CertificateChain, CliError> {
    let input = read_option_file(path)?;
    parse_chain(&input.name, input.bytes)
}

/// The certificates of `doc sign --cert` (signer first), as DER, and the public key of a
/// token key that has none on the token.
pub fn pem_chain(path: &Path) -> Result<Vec<Vec<u8>>, CliError> {
    Ok(option_chain(path)?.to_der_list())
}

/// The signer's chain for `sign`, `provenance sign`, `serve` and `keys check`: `--cert`
/// (signer first), else the one the key file or token holds.
pub fn signer_chain(cert: Option<&Path>, loaded: &LoadedKey) -> Result<CertificateChain, CliError> {
    match cert {
        Some(path) => option_chain(path),
        None if loaded.chain.is_empty() => Err(CliError::input(format!(
            "no certificate chain: {} holds no certificate for the key",
            loaded.source
        ))
        .with_hint("pass --cert CHAIN.pem (the signer's certificate first)")),
        None => CertificateChain::from_der(loaded.chain.clone())
            .map_err(|e| CliError::input(format!("the certificates in {}: {e}", loaded.source))),
    }
}

/// The chains of `sign --also-cert` (signer first), as DER lists.
pub fn also_chains(paths: &[PathBuf]) -> Result<Vec<Vec<Vec<u8>>>, CliError> {
    paths
        .iter()
        .map(|path| option_chain(path).map(|c| c.to_der_list()))
        .collect()
}

/// A trust-layer input error, worded for one file. The library numbers its inputs: chain
/// entries by position (worth showing), PEM files by their place in the list (always 0 here).
pub(super) fn describe(e: &TrustError, chain: bool) -> String {
    let which = |index: &usize| match chain {
        true => format!("chain entry {} (1 = signer)", index + 1),
        false => "a certificate".to_owned(),
    };
    match e {
        TrustError::NoCertificateInPem { .. } => "no CERTIFICATE section found".to_owned(),
        TrustError::BadPem { source, .. } => format!("malformed PEM: {source}"),
        TrustError::BadCertificate { index, source } => {
            format!("{} is not a DER X.509 certificate: {source}", which(index))
        }
        TrustError::UnusableCertificate { index, source } => {
            format!("{} cannot be used: {source}", which(index))
        }
        other => other.to_string(),
    }
}
