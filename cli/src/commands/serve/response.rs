//! A [`Reply`] as an HTTP response, with the headers its status calls for.

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::CONTENT_TYPE;
use hyper::{Response, StatusCode};

use super::ops::Reply;

/// The response for `reply`: a 401 names the Bearer scheme (RFC 6750 §3), a 503 says when to
/// retry (RFC 9110 §10.2.3).
pub fn response(reply: Reply) -> Response<Full<Bytes>> {
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
