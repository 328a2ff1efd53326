//! One request from start to finish: routed, authenticated, its body read within the limits,
//! the operation run on a blocking thread, then counted in the metrics and the audit trail.

use std::sync::Arc;
use std::time::Instant;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH};
use hyper::{Request, Response};

use super::audit;
use super::auth::Caller;
use super::listener::Connection;
use super::ops::{self, Reply};
use super::request_body::{read_body, BodyError, Budget};
use super::response::response;
use super::route::{route, Operation};
use super::state::State;
use crate::fingerprint::hex;

/// Answers one request, records it in the metrics and, for the operations that read a body,
/// in the audit trail.
pub async fn handle(
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
    let now = crate::inputs::clock::current().as_secs();
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

/// The clock, RFC 3339 (with milliseconds for the audit trail).
fn now_rfc3339(millis: bool) -> String {
    let now = crate::inputs::clock::current_utc();
    let now = if millis {
        now
    } else {
        now.replace_nanosecond(0).unwrap_or(now)
    };
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
