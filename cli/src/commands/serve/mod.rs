//! `fhirsig serve`: signing and verification as a FHIR service (HTTP/1.1 and HTTP/2, optional
//! TLS and mutual TLS). Every operation calls the same core functions as the CLI command it
//! mirrors; CPU work runs on blocking threads, off the async workers.

mod audit;
mod auth;
mod idle;
mod metrics;
mod ops;
mod state;
mod tls;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use self::auth::{Caller, Tokens};
use self::idle::{Activity, IdleIo};
use self::ops::Reply;
use self::state::{Limits, SignerConfig, State};
use crate::error::{CliError, Status};
use crate::io::diagnostic;
use crate::key_source::KeyArgs;
use crate::trust_inputs::TrustArgs;

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
    listen: String,

    /// TLS: the server's certificate chain (PEM); with --tls-key.
    #[arg(long, value_name = "CHAIN.pem", requires = "tls_key")]
    tls_cert: Option<PathBuf>,

    /// TLS: the server's private key (PEM).
    #[arg(long, value_name = "KEY.pem", requires = "tls_cert")]
    tls_key: Option<PathBuf>,

    /// Mutual TLS: require client certificates issued by these CAs (PEM).
    #[arg(long, value_name = "CA.pem", requires = "tls_cert")]
    client_ca: Option<PathBuf>,

    /// Bearer tokens, one per line (or sha256:HEX of a token); without it, loopback only.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,

    /// The signing key for $sign (a file or a pkcs11: URI, as `fhirsig sign --key`); without
    /// it, $sign is disabled.
    #[arg(long, value_name = "FILE|pkcs11:URI")]
    key: Option<PathBuf>,

    /// Password file of an encrypted --key (else FHIRSIG_KEY_PASSWORD).
    #[arg(long, value_name = "FILE", requires = "key")]
    key_password_file: Option<PathBuf>,

    /// PKCS#11 module for a pkcs11: --key (else FHIRSIG_PKCS11_MODULE).
    #[arg(long, value_name = "MODULE.so", requires = "key")]
    pkcs11_module: Option<PathBuf>,

    /// PIN file for a pkcs11: --key (else FHIRSIG_PKCS11_PIN or the URI's pin-source).
    #[arg(long, value_name = "FILE", requires = "key")]
    pin_file: Option<PathBuf>,

    /// The signer's certificate chain (PEM, leaf first); default: from the key file or token.
    #[arg(long, value_name = "CHAIN.pem", requires = "key")]
    cert: Option<PathBuf>,

    #[command(flatten)]
    trust: TrustArgs,

    /// Append one JSON line per sign, verify and Provenance request to this file.
    #[arg(long, value_name = "FILE")]
    audit_log: Option<PathBuf>,

    /// Append one FHIR AuditEvent (DICOM/ATNA codes) per request to this file, as NDJSON.
    #[arg(long, value_name = "FILE")]
    audit_event_log: Option<PathBuf>,

    /// The largest request body (K, M or G suffix).
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = crate::commands::verify::parse_bytes)]
    max_body: usize,

    /// Seconds a client may take to send a request's headers and body.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    request_timeout: u64,

    /// Operations answered at once; beyond, 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_concurrent: usize,

    /// Request bodies held in memory at once, in all (K, M or G suffix), counted as they
    /// arrive; beyond, 503.
    #[arg(long, value_name = "BYTES", default_value = "1G", value_parser = crate::commands::verify::parse_bytes)]
    max_buffered: usize,
}

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
            let chain = crate::commands::sign::signer_chain(args.cert.as_deref(), &loaded)?;
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
    runtime.block_on(serve(addr, Arc::new(state), tls))
}

/// Connection facts a request handler needs.
#[derive(Clone)]
struct Connection {
    remote: SocketAddr,
    /// The client certificate's subject under mutual TLS.
    client_subject: Option<String>,
    /// Its requests in progress (an idle connection is closed, a busy one is not).
    activity: Arc<Activity>,
}

/// What bounds the work in progress: operation slots and the bytes of bodies held.
struct Budget {
    operations: Arc<Semaphore>,
    /// In KiB.
    buffered: Arc<Semaphore>,
}

async fn serve(
    addr: SocketAddr,
    state: Arc<State>,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Result<Status, CliError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| CliError::input(format!("cannot listen on {addr}: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| CliError::input(format!("cannot listen on {addr}: {e}")))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    diagnostic(
        "info",
        &format!(
            "listening on {scheme}://{local}/fhir ($sign {})",
            if state.signer.is_some() {
                "enabled"
            } else {
                "disabled: no --key"
            }
        ),
    );
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let budget = Arc::new(Budget {
        operations: Arc::new(Semaphore::new(state.limits.max_concurrent)),
        buffered: Arc::new(Semaphore::new(kib(state.limits.max_buffered))),
    });
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(state.limits.request_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(64);
    let builder = Arc::new(builder);
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, remote) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a little, keep serving.
                        diagnostic("warning", &format!("accept failed: {e}"));
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = Arc::clone(&state);
                                let budget = Arc::clone(&budget);
                let builder = Arc::clone(&builder);
                let watcher = graceful.watcher();
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let limit = state.limits.request_timeout;
                    let activity = Arc::new(Activity::default());
                    match acceptor {
                        Some(acceptor) => {
                            let Ok(Ok(tls)) = tokio::time::timeout(limit, acceptor.accept(stream)).await else {
                                return;
                            };
                            let client_subject = tls
                                .get_ref()
                                .1
                                .peer_certificates()
                                .and_then(|certs| certs.first())
                                .and_then(|der| fhirsig_core::trust::Certificate::from_der(der).ok())
                                .map(|cert| cert.subject());
                            let connection = Connection { remote, client_subject, activity: Arc::clone(&activity) };
                            let service = service(state, budget, connection);
                            let io = TokioIo::new(IdleIo::new(tls, limit, activity));
                            let conn = builder.serve_connection(io, service).into_owned();
                            let _ = watcher.watch(conn).await;
                        }
                        None => {
                            let connection = Connection { remote, client_subject: None, activity: Arc::clone(&activity) };
                            let service = service(state, budget, connection);
                            let io = TokioIo::new(IdleIo::new(stream, limit, activity));
                            let conn = builder.serve_connection(io, service).into_owned();
                            let _ = watcher.watch(conn).await;
                        }
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    diagnostic(
        "info",
        &format!(
            "shutting down: finishing {} connection(s)",
            graceful.count()
        ),
    );
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(30)) => {
            diagnostic("warning", "connections still open after 30 s: closing them");
        }
    }
    Ok(Status::Success)
}

fn service(
    state: Arc<State>,
    budget: Arc<Budget>,
    connection: Connection,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = Response<Full<Bytes>>,
    Error = Infallible,
    Future = impl std::future::Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |request| {
        let state = Arc::clone(&state);
        let budget = Arc::clone(&budget);
        let connection = connection.clone();
        async move { Ok::<_, Infallible>(handle(request, &state, &budget, &connection).await) }
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// The operations, as metrics and the audit trail name them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Operation {
    Sign,
    Verify,
    Provenance,
    Metadata,
    Health,
    Metrics,
    Unknown,
}

impl Operation {
    fn name(self) -> &'static str {
        match self {
            Self::Sign => "sign",
            Self::Verify => "verify-signature",
            Self::Provenance => "provenance",
            Self::Metadata => "metadata",
            Self::Health => "healthz",
            Self::Metrics => "metrics",
            Self::Unknown => "other",
        }
    }

    fn audited(self) -> bool {
        matches!(self, Self::Sign | Self::Verify | Self::Provenance)
    }
}

fn route(method: &Method, path: &str) -> Result<Operation, Reply> {
    let operation = match path {
        "/fhir/$sign" => Operation::Sign,
        "/fhir/$verify-signature" => Operation::Verify,
        "/fhir/$provenance" => Operation::Provenance,
        "/fhir/metadata" => Operation::Metadata,
        "/healthz" => Operation::Health,
        "/metrics" => Operation::Metrics,
        _ => {
            return Err(Reply::error(
                404,
                "not-found",
                &format!("no endpoint {path} (GET /fhir/metadata lists the operations)"),
            ))
        }
    };
    let expected = match operation {
        Operation::Sign | Operation::Verify | Operation::Provenance => Method::POST,
        _ => Method::GET,
    };
    if *method != expected && !(expected == Method::GET && *method == Method::HEAD) {
        return Err(Reply::error(
            405,
            "not-supported",
            &format!("{path} takes {expected}, not {method}"),
        ));
    }
    Ok(operation)
}

async fn handle(
    request: Request<Incoming>,
    state: &Arc<State>,
    budget: &Budget,
    connection: &Connection,
) -> Response<Full<Bytes>> {
    let _busy = connection.activity.start();
    let started = Instant::now();
    let _in_flight = state.metrics.start();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or("").to_owned();
    let (operation, reply, caller, digest) = match route(request.method(), &path) {
        Err(reply) => (Operation::Unknown, reply, None, None),
        Ok(operation) => answer(operation, request, &query, state, budget).await,
    };
    let status = reply.status;
    state
        .metrics
        .record(operation.name(), status, reply.outcome, started.elapsed());
    if operation.audited() {
        let caller = match (&caller, &connection.client_subject) {
            (Some(c), Some(subject)) => format!("{c} ({subject})"),
            (Some(c), None) => c.to_string(),
            (None, Some(subject)) => format!("unauthenticated ({subject})"),
            (None, None) => "unauthenticated".to_owned(),
        };
        state.audit.record(&audit::Entry {
            time: &now_rfc3339(true),
            caller: &caller,
            remote: &connection.remote.to_string(),
            operation: operation.name(),
            body_sha256: digest.as_deref().unwrap_or(""),
            outcome: reply.outcome,
            status,
        });
    }
    response(reply)
}

/// Authenticates, bounds and answers one routed request.
async fn answer(
    operation: Operation,
    request: Request<Incoming>,
    query: &str,
    state: &Arc<State>,
    budget: &Budget,
) -> (Operation, Reply, Option<Caller>, Option<String>) {
    if operation == Operation::Health {
        return (
            operation,
            Reply::fhir("{\"status\":\"ok\"}\n", "ok"),
            None,
            None,
        );
    }
    let authorization = request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::as_bytes);
    let Some(caller) = state.tokens.check(authorization) else {
        let mut reply = Reply::error(
            401,
            "login",
            "a valid bearer token is required (Authorization: Bearer TOKEN)",
        );
        reply.outcome = "unauthorized";
        return (operation, reply, None, None);
    };
    match operation {
        Operation::Metrics => {
            let mut reply = Reply::fhir(state.metrics.render(), "ok");
            reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
            return (operation, reply, Some(caller), None);
        }
        Operation::Metadata => {
            return (
                operation,
                ops::metadata(state.signer.is_some(), &now_rfc3339(false)),
                Some(caller),
                None,
            );
        }
        Operation::Sign if state.signer.is_none() => {
            let reply = Reply::error(
                403,
                "forbidden",
                "signing is not enabled on this server (start it with --key)",
            );
            return (operation, reply, Some(caller), None);
        }
        _ => {}
    }
    let busy = || {
        let mut reply = Reply::error(503, "transient", "the server is busy: retry shortly");
        reply.outcome = "busy";
        reply
    };
    let json_report = request
        .headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("application/json") && !accept.contains("fhir+json"));
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        let mut reply = Reply::error(
            413,
            "too-costly",
            &format!(
                "the body is larger than the server's limit of {} bytes",
                state.limits.max_body
            ),
        );
        reply.outcome = "too-large";
        reply
    };
    if declared.is_some_and(|n| n > state.limits.max_body as u64) {
        return (operation, too_large(), Some(caller), None);
    }
    // The body is read within the request timeout, and its bytes are reserved from the
    // server-wide budget as they arrive: a stalled upload holds only what it has sent.
    let (body, held) = match read_body(request.into_body(), state, budget).await {
        Ok(read) => read,
        Err(BodyError::TooLarge) => return (operation, too_large(), Some(caller), None),
        Err(BodyError::Busy) => return (operation, busy(), Some(caller), None),
        Err(BodyError::Timeout) => {
            let mut reply = Reply::error(408, "timeout", "the request body did not arrive in time");
            reply.outcome = "timeout";
            return (operation, reply, Some(caller), None);
        }
        Err(BodyError::Broken) => {
            let reply = Reply::error(400, "incomplete", "the request body could not be read");
            return (operation, reply, Some(caller), None);
        }
    };
    // An operation slot is taken only now that the body is here (a stalled upload holds none),
    // and it is held by the blocking work itself: a client that hangs up does not free it
    // while its operation still runs.
    let Ok(slot) = Arc::clone(&budget.operations).try_acquire_owned() else {
        return (operation, busy(), Some(caller), None);
    };
    let permits = (slot, held);
    let digest = hex(ring::digest::digest(&ring::digest::SHA256, &body).as_ref());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let options = state.options_at(now);
    let query = query.to_owned();
    let reply = match operation {
        Operation::Verify => {
            tokio::task::spawn_blocking(move || {
                let _permits = permits;
                ops::verify(&body, &query, &options, json_report)
            })
            .await
        }
        Operation::Provenance => {
            let at = now_rfc3339(false);
            tokio::task::spawn_blocking(move || {
                let _permits = permits;
                ops::provenance(&body, &query, &at)
            })
            .await
        }
        Operation::Sign => {
            let signed_at =
                time::OffsetDateTime::from_unix_timestamp(i64::try_from(now).unwrap_or(0))
                    .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let state = Arc::clone(state);
            tokio::task::spawn_blocking(move || {
                let _permits = permits;
                match &state.signer {
                    Some(signer) => ops::sign(&body, &query, signer, signed_at),
                    None => Reply::error(403, "forbidden", "signing is not enabled"),
                }
            })
            .await
        }
        _ => Ok(Reply::error(404, "not-found", "no such operation")),
    };
    let reply = reply
        .unwrap_or_else(|_| Reply::error(500, "exception", "the operation failed unexpectedly"));
    (operation, reply, Some(caller), Some(digest))
}

enum BodyError {
    TooLarge,
    Busy,
    Timeout,
    Broken,
}

/// Reads a request body within the request timeout and `--max-body`, reserving its bytes from
/// the `--max-buffered` budget as they arrive; the permits are released when the operation is
/// done with the body.
async fn read_body(
    mut body: Incoming,
    state: &State,
    budget: &Budget,
) -> Result<(Bytes, Option<tokio::sync::OwnedSemaphorePermit>), BodyError> {
    let deadline = tokio::time::Instant::now() + state.limits.request_timeout;
    let mut data: Vec<u8> = Vec::new();
    let mut held: Option<tokio::sync::OwnedSemaphorePermit> = None;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::Timeout),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        let total = data.len() + chunk.len();
        if total > state.limits.max_body {
            return Err(BodyError::TooLarge);
        }
        let needed = kib(total) - kib(data.len());
        if needed > 0 {
            let permits = Arc::clone(&budget.buffered)
                .try_acquire_many_owned(u32::try_from(needed).unwrap_or(u32::MAX))
                .map_err(|_| BodyError::Busy)?;
            match held.as_mut() {
                Some(existing) => existing.merge(permits),
                None => held = Some(permits),
            }
        }
        data.extend_from_slice(&chunk);
    }
    Ok((Bytes::from(data), held))
}

fn response(reply: Reply) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = Response::builder()
        .status(status)
        .header(CONTENT_TYPE, reply.content_type);
    if status == StatusCode::UNAUTHORIZED {
        builder = builder.header("WWW-Authenticate", "Bearer");
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        builder = builder.header("Retry-After", "1");
    }
    builder
        .body(Full::new(Bytes::from(reply.body)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// The clock, RFC 3339 (with milliseconds for the audit trail).
fn now_rfc3339(millis: bool) -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = if millis {
        now
    } else {
        now.replace_nanosecond(0).unwrap_or(now)
    };
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Bytes as whole KiB (rounded up), the unit of the body budget.
fn kib(bytes: usize) -> usize {
    bytes.div_ceil(1024).min(u32::MAX as usize)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
