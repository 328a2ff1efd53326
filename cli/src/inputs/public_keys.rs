//! Public keys named on the command line (`doc verify --key`): a JWK, an SPKI or a
//! certificate, PEM or DER.

use std::path::Path;

use fhirsig_core::jws::VerifyingKey;

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
