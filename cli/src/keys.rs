//! Loading public keys and certificate chains named on the command line (signing keys come
//! from [`crate::key_source`], trust anchors and CRLs from [`crate::trust_inputs`]).

use std::path::{Path, PathBuf};

use fhirsig_core::jws::VerifyingKey;
use fhirsig_core::trust::{certificates_from_pem, parse_rfc3339, Crl, TrustAnchors};

use crate::error::CliError;
use crate::io::read_option_file;

/// A public key: JWK, SPKI or certificate (PEM or DER).
pub fn verifying_key(path: &Path) -> Result<VerifyingKey, CliError> {
    let input = read_option_file(path)?;
    let bytes = &input.bytes;
    let result = if bytes.trim_ascii_start().starts_with(b"{") {
        VerifyingKey::from_jwk(bytes)
    } else if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        VerifyingKey::from_spki_pem(bytes)
    } else {
        VerifyingKey::from_spki_der(bytes).or_else(|_| VerifyingKey::from_certificate_der(bytes))
    };
    result.map_err(|e| {
        CliError::input(format!("{}: {e}", input.name))
            .with_hint("--key takes a public JWK, a PUBLIC KEY or CERTIFICATE PEM, or their DER")
    })
}

/// The certificates of a PEM file (signer first), as DER.
pub fn chain(path: &Path) -> Result<Vec<Vec<u8>>, CliError> {
    let input = read_option_file(path)?;
    let certs = certificates_from_pem(&[&input.bytes])
        .map_err(|e| CliError::input(format!("{}: {e}", input.name)))?;
    Ok(certs.iter().map(|c| c.der().to_vec()).collect())
}

/// Trust anchors from PEM files and folders of them (see [`crate::trust_inputs::read_anchors`]).
pub fn anchors(paths: &[PathBuf]) -> Result<TrustAnchors, CliError> {
    crate::trust_inputs::read_anchors(paths)
}

/// CRLs, PEM or DER (see [`crate::trust_inputs::read_crls`]).
pub fn crls(paths: &[PathBuf]) -> Result<Vec<Crl>, CliError> {
    crate::trust_inputs::read_crls(paths)
}

/// `--at` if given, else the run's instant (see `clock`), in whole seconds.
pub fn instant(at: Option<&str>) -> Result<time::OffsetDateTime, CliError> {
    let secs = match at {
        Some(text) => parse_rfc3339(text)
            .ok_or_else(|| {
                CliError::input(format!("--at {text:?} is not an RFC 3339 instant"))
                    .with_hint("for example 2026-06-01T12:00:00Z")
            })?
            .as_secs(),
        None => crate::clock::now().as_secs(),
    };
    i64::try_from(secs)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .ok_or_else(|| CliError::input("the instant is out of range"))
}
