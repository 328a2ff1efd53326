//! `fhirsig serve`: signing and verification as a FHIR service (HTTP/1.1 and HTTP/2, optional
//! TLS and mutual TLS). Every operation calls the same core functions as the CLI command it
//! mirrors; CPU work runs on blocking threads, off the async workers.

mod args;
mod audit;
mod auth;
mod handler;
mod idle;
mod listener;
mod metrics;
mod ops;
mod request_body;
mod response;
mod route;
mod state;
mod tls;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use self::args::ServeArgs;
use self::auth::Tokens;
use self::state::{Limits, SignerConfig, State};
use crate::error::{CliError, Status};
use crate::inputs::signing_key::KeyArgs;
use crate::io::diagnostic;

/// Runs `fhirsig serve`.
pub fn run(args: ServeArgs) -> Result<Status, CliError> {
    let addr: SocketAddr = args.listen.parse().map_err(|_| {
        CliError::input(format!("--listen {:?} is not an address", args.listen))
            .with_hint("for example 127.0.0.1:8080 or [::1]:8443")
    })?;
    let tokens = match &args.token_file {
        Some(path) => Tokens::read(path)?,
        None => Tokens::default(),
    };
    if !tokens.enabled() && !addr.ip().is_loopback() {
        return Err(CliError::input(format!(
            "refusing to listen on {addr} without --token-file: anyone on the network could use the server"
        ))
        .with_hint("give --token-file FILE, or listen on 127.0.0.1 / [::1]"));
    }
    let signer = match &args.key {
        Some(key) => {
            let key_args = KeyArgs {
                key: key.clone(),
                key_password_file: args.key_password_file.clone(),
                pkcs11_module: args.pkcs11_module.clone(),
                pin_file: args.pin_file.clone(),
            };
            let loaded = key_args.load(args.cert.as_deref())?;
            let chain = crate::inputs::certificates::signer_chain(args.cert.as_deref(), &loaded)?;
            let who = crate::commands::sign::who_party(None, None, None, &chain)?;
            Some(SignerConfig {
                key: loaded,
                chain,
                who,
            })
        }
        None => None,
    };
    if args.trust.trust.is_empty() {
        diagnostic(
            "warning",
            "no --trust: every signature will be INDETERMINATE (422), the chain unchecked",
        );
    }
    let verify = args.trust.options(None)?;
    let audit = audit::Audit::open(args.audit_log.as_deref(), args.audit_event_log.as_deref())?;
    let limits = Limits {
        max_body: args.max_body,
        request_timeout: Duration::from_secs(args.request_timeout.max(1)),
        max_concurrent: args.max_concurrent.max(1),
        max_buffered: args.max_buffered.max(args.max_body),
    };
    let mut state = State::new(signer, verify, tokens, audit, limits);
    state.fixed_time = args.trust.at.is_some();
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(tls::server_config(cert, key, args.client_ca.as_deref())?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::input(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(listener::serve(addr, Arc::new(state), tls))
}
