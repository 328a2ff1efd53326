//! TLS for `fhirsig serve`: the server certificate and key (PEM), optional client certificates
//! verified against `--client-ca` (mutual TLS), ALPN for HTTP/2 and HTTP/1.1. rustls on ring.

use std::path::Path;
use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use fhirsig_core::trust::pem_error_text;

use crate::error::CliError;

fn certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, CliError> {
    let name = path.display().to_string();
    let certs: Vec<_> = CertificateDer::pem_file_iter(path)
        .map_err(|e| CliError::input(format!("{name}: {}", pem_error_text(&e))))?
        .collect::<Result<_, _>>()
        .map_err(|e| CliError::input(format!("{name}: {}", pem_error_text(&e))))?;
    if certs.is_empty() {
        return Err(CliError::input(format!(
            "{name}: no CERTIFICATE in the PEM file"
        )));
    }
    Ok(certs)
}

/// The rustls server configuration.
pub fn server_config(
    cert: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<ServerConfig>, CliError> {
    let chain = certificates(cert)?;
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        CliError::input(format!(
            "{}: not a PEM private key ({})",
            key.display(),
            pem_error_text(&e)
        ))
        .with_hint("--tls-key takes an unencrypted PKCS#8, SEC1 or PKCS#1 PEM key")
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| CliError::input(format!("TLS: {e}")))?;
    let builder = match client_ca {
        Some(path) => {
            let mut roots = RootCertStore::empty();
            for cert in certificates(path)? {
                roots
                    .add(cert)
                    .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| CliError::input(format!("--client-ca: {e}")))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| CliError::input(format!("--tls-cert/--tls-key: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
