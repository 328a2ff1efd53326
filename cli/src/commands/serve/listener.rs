//! The accept loop: TCP (and TLS) connections served over HTTP/1.1 or HTTP/2, each request
//! handed to [`handle`], and a graceful stop on SIGTERM or Ctrl-C.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::handler::handle;
use super::idle::{Activity, IdleIo};
use super::request_body::{kib, Budget};
use super::state::State;
use crate::error::{CliError, Status};
use crate::io::diagnostic;

/// Connection facts a request handler needs.
#[derive(Clone)]
pub struct Connection {
    /// The client's address.
    pub remote: SocketAddr,
    /// The client certificate's subject under mutual TLS.
    pub client_subject: Option<String>,
    /// Its requests in progress (an idle connection is closed, a busy one is not).
    pub activity: Arc<Activity>,
}

/// Listens on `addr` and serves every connection until SIGTERM or Ctrl-C, then waits (at most
/// 30 s) for the connections in flight.
pub async fn serve(
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

/// One connection's request service: every request sees the shared state and budget and the
/// facts of its connection.
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

/// Completes on Ctrl-C or, on Unix, SIGTERM (what service managers send to stop a service).
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
