//! The command line of `fhirsig serve`.

use std::path::PathBuf;

use clap::Args;

use crate::inputs::trust::TrustArgs;

/// Arguments of `fhirsig serve`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  fhirsig serve --trust roots/                                   verify only, on 127.0.0.1:8080
  fhirsig serve --listen 0.0.0.0:8443 --token-file tokens --tls-cert server.pem --tls-key server.key \\
      --key 'pkcs11:token=ehr;object=cdex' --pkcs11-module /usr/lib/softhsm/libsofthsm2.so \\
      --pin-file /run/secrets/pin --trust roots/ --audit-log /var/log/fhirsig/audit.jsonl
  curl -s --data-binary @signed.json -H 'Content-Type: application/fhir+json' \\
      http://127.0.0.1:8080/fhir/\\$verify-signature

Endpoints: GET /fhir/metadata, POST /fhir/$sign (with --key), POST /fhir/$verify-signature,
POST /fhir/$provenance, GET /healthz, GET /metrics. Without --token-file the server listens on
loopback addresses only. SIGTERM or Ctrl-C stops accepting and finishes the requests in flight.
docs/serve.md describes deployment.")]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub(super) listen: String,

    /// TLS: the server's certificate chain (PEM); with --tls-key.
    #[arg(long, value_name = "CHAIN.pem", requires = "tls_key")]
    pub(super) tls_cert: Option<PathBuf>,

    /// TLS: the server's private key (PEM).
    #[arg(long, value_name = "KEY.pem", requires = "tls_cert")]
    pub(super) tls_key: Option<PathBuf>,

    /// Mutual TLS: require client certificates issued by these CAs (PEM).
    #[arg(long, value_name = "CA.pem", requires = "tls_cert")]
    pub(super) client_ca: Option<PathBuf>,

    /// Bearer tokens, one per line (or sha256:HEX of a token); without it, loopback only.
    #[arg(long, value_name = "FILE")]
    pub(super) token_file: Option<PathBuf>,

    /// The signing key for $sign (a file or a pkcs11: URI, as `fhirsig sign --key`); without
    /// it, $sign is disabled.
    #[arg(long, value_name = "FILE|pkcs11:URI")]
    pub(super) key: Option<PathBuf>,

    /// Password file of an encrypted --key (else FHIRSIG_KEY_PASSWORD).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub(super) key_password_file: Option<PathBuf>,

    /// PKCS#11 module for a pkcs11: --key (else FHIRSIG_PKCS11_MODULE).
    #[arg(long, value_name = "MODULE.so", requires = "key")]
    pub(super) pkcs11_module: Option<PathBuf>,

    /// PIN file for a pkcs11: --key (else FHIRSIG_PKCS11_PIN or the URI's pin-source).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub(super) pin_file: Option<PathBuf>,

    /// The signer's certificate chain (PEM, leaf first, or one DER certificate); default: from
    /// the key file or token.
    #[arg(long, value_name = "CHAIN.pem", requires = "key")]
    pub(super) cert: Option<PathBuf>,

    #[command(flatten)]
    pub(super) trust: TrustArgs,

    /// Append one JSON line per sign, verify and Provenance request to this file.
    #[arg(long, value_name = "FILE")]
    pub(super) audit_log: Option<PathBuf>,

    /// Append one FHIR AuditEvent (DICOM/ATNA codes) per request to this file, as NDJSON.
    #[arg(long, value_name = "FILE")]
    pub(super) audit_event_log: Option<PathBuf>,

    /// The largest request body (K, M or G suffix).
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = crate::commands::verify::parse_bytes)]
    pub(super) max_body: usize,

    /// Seconds a client may take to send a request's headers and body.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub(super) request_timeout: u64,

    /// Operations answered at once; beyond, 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub(super) max_concurrent: usize,

    /// Request bodies held in memory at once, in all (K, M or G suffix), counted as they
    /// arrive; beyond, 503.
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = crate::commands::verify::parse_bytes)]
    pub(super) max_buffered: usize,
}
