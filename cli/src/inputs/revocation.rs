//! Revocation material named on the command line: CRLs (`--crl`, RFC 5280 section 5) and stored
//! OCSP responses (`--ocsp`, RFC 6960).

use std::path::PathBuf;

use fhirsig_core::trust::Crl;

use crate::error::CliError;
use crate::io::read_option_file;

/// Reads one CRL (PEM or DER) from each file.
pub fn read_crls(paths: &[PathBuf]) -> Result<Vec<Crl>, CliError> {
    paths
        .iter()
        .map(|path| {
            let input = read_option_file(path)?;
            Crl::from_pem_or_der(&input.bytes).map_err(|e| {
                CliError::input(format!("{}: {e}", input.name))
                    .with_hint("give a CRL as PEM (-----BEGIN X509 CRL-----) or DER")
            })
        })
        .collect()
}

/// Reads OCSP responses (DER `OCSPResponse`, RFC 6960), each at most 256 KiB.
pub fn read_ocsp(paths: &[PathBuf]) -> Result<Vec<fhirsig_core::trust::OcspResponse>, CliError> {
    paths
        .iter()
        .map(|path| {
            let input = read_option_file(path)?;
            fhirsig_core::trust::OcspResponse::from_der(&input.bytes).map_err(|e| {
                CliError::input(format!("{}: {e}", input.name)).with_hint(
                    "give a DER OCSPResponse as a responder returned it (e.g. openssl ocsp -respout FILE)",
                )
            })
        })
        .collect()
}
