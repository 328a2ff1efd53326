//! Certificate chains named on the command line: `--cert` (the signer's chain, PEM), `--also-cert`
//! and `cert verify CHAIN` (PEM or DER). Every problem is an input error naming the file.

use std::path::{Path, PathBuf};

use fhirsig_core::trust::{certificates_from_pem, CertificateChain, TrustError};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::CertificateDer;

use super::signing_key::LoadedKey;
use crate::error::CliError;
use crate::io::{read_input, read_option_file};

/// Reads a chain: PEM with one or more certificates, signer first, or one DER certificate.
pub fn read_chain(path: &Path) -> Result<CertificateChain, CliError> {
    let input = read_input(path)?;
    let name = &input.name;
    let ders = if input.bytes.first() == Some(&0x30) {
        vec![input.bytes]
    } else {
        CertificateDer::pem_slice_iter(&input.bytes)
            .map(|item| item.map(|der| der.as_ref().to_vec()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CliError::input(format!("{name}: malformed PEM: {e}")))?
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

/// The certificates of a PEM file (signer first), as DER (`doc sign --cert`, and the public key
/// of a token key that has none on the token).
pub fn pem_chain(path: &Path) -> Result<Vec<Vec<u8>>, CliError> {
    let input = read_option_file(path)?;
    let certs = certificates_from_pem(&[&input.bytes])
        .map_err(|e| CliError::input(format!("{}: {e}", input.name)))?;
    Ok(certs.iter().map(|c| c.der().to_vec()).collect())
}

/// The signer's chain for `sign` and `provenance sign`: `--cert` (PEM, leaf first), else the
/// one the key file or token holds.
pub fn signer_chain(cert: Option<&Path>, loaded: &LoadedKey) -> Result<CertificateChain, CliError> {
    match cert {
        Some(path) => {
            let bytes = read_option_file(path)?.bytes;
            CertificateChain::from_pem(&bytes).map_err(|e| {
                CliError::input(format!("{}: {e}", path.display()))
                    .with_hint("--cert takes the signer's certificate chain as PEM, leaf first")
            })
        }
        None if loaded.chain.is_empty() => Err(CliError::input(format!(
            "no certificate chain: {} holds no certificate for the key",
            loaded.source
        ))
        .with_hint("pass --cert CHAIN.pem (the signer's certificate first)")),
        None => CertificateChain::from_der(loaded.chain.clone())
            .map_err(|e| CliError::input(format!("the certificates in {}: {e}", loaded.source))),
    }
}

/// The chains of `sign --also-cert` (PEM, leaf first), as DER lists.
pub fn also_chains(paths: &[PathBuf]) -> Result<Vec<Vec<Vec<u8>>>, CliError> {
    paths
        .iter()
        .map(|path| {
            let bytes = read_option_file(path)?.bytes;
            CertificateChain::from_pem(&bytes)
                .map(|c| c.to_der_list())
                .map_err(|e| CliError::input(format!("{}: {e}", path.display())))
        })
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
