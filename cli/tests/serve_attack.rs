//! Attack pass on `fhirsig serve`: connections and requests that hold the server's resources
//! (file descriptors, operation slots) for longer than `--request-timeout` says they may.
//! Every test talks to 127.0.0.1 only and bounds its own waits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Frame};
use hyper_util::rt::{TokioExecutor, TokioIo};

use common::serve::{pki, Server};
use common::{fhirsig, temp_dir};

const BUNDLE: &str = r#"{"resourceType": "Bundle", "id": "b1", "type": "searchset", "entry": [
  {"fullUrl": "https://ehr.example.org/fhir/Observation/1", "resource": {"resourceType": "Observation",
   "id": "1", "status": "final", "code": {"text": "Heart rate"}, "valueQuantity": {"value": 72}}}]}"#;

const SMALL: &[u8] = br#"{"resourceType":"Bundle","type":"collection"}"#;

/// One request over a new connection with raw bytes; the status code, or None when no answer
/// came within 5 seconds (or the connection was closed without one).
fn raw_status(addr: SocketAddr, request: &[u8]) -> Option<u16> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).ok()?;
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
        }
    }
    let text = String::from_utf8_lossy(&answer);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

fn post(path: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/fhir+json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// Reads until the server closes the connection (true) or `seconds` pass without that (false).
fn closed_by_server_within(stream: &mut TcpStream, seconds: u64) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    let mut buf = [0u8; 4096];
    while std::time::Instant::now() < deadline {
        stream
            .set_read_timeout(Some(Duration::from_millis(250)))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => return true, // reset
        }
    }
    false
}

/// A TCP connection that never sends a byte sits in hyper-util's protocol detection
/// (`auto::Builder` reading the HTTP/2 preface), where no timeout applies: `--request-timeout`
/// (hyper's HTTP/1 header timeout) only starts once HTTP/1 is chosen. One byte of HTTP/1 and the
/// connection is closed after the timeout; no byte at all and it is held forever.
#[test]
fn a_silent_connection_is_closed_after_the_request_timeout() {
    let server = Server::start(&["--request-timeout", "1"]);
    // Control: one byte of HTTP/1, then nothing: closed by the header timeout.
    let mut one_byte = TcpStream::connect(server.addr).unwrap();
    one_byte.write_all(b"G").unwrap();
    assert!(
        closed_by_server_within(&mut one_byte, 8),
        "the header timeout closes a connection that sent one byte"
    );
    let mut silent = TcpStream::connect(server.addr).unwrap();
    assert!(
        closed_by_server_within(&mut silent, 8),
        "a connection that sends nothing is still open long after --request-timeout 1"
    );
    // Half an HTTP/2 preface: the same.
    let mut partial = TcpStream::connect(server.addr).unwrap();
    partial.write_all(b"PRI * HTTP/2.0\r\n").unwrap();
    assert!(
        closed_by_server_within(&mut partial, 8),
        "a connection that sent part of the HTTP/2 preface is never closed"
    );
}

/// An HTTP/2 connection (preface and SETTINGS sent) that opens no stream is never closed: no
/// HTTP/2 keep-alive or idle timeout is configured, while an idle HTTP/1.1 keep-alive
/// connection is closed after `--request-timeout`.
#[test]
fn an_idle_http2_connection_is_closed_after_the_request_timeout() {
    let server = Server::start(&["--request-timeout", "1"]);
    let mut h1 = TcpStream::connect(server.addr).unwrap();
    h1.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    assert!(
        closed_by_server_within(&mut h1, 8),
        "control: an idle HTTP/1.1 keep-alive connection is closed"
    );
    let mut h2 = TcpStream::connect(server.addr).unwrap();
    h2.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").unwrap();
    h2.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).unwrap(); // empty SETTINGS
    h2.write_all(&[0, 0, 0, 4, 1, 0, 0, 0, 0]).unwrap(); // SETTINGS ACK
    assert!(
        closed_by_server_within(&mut h2, 8),
        "an HTTP/2 connection with no stream is held open forever"
    );
}

/// The consequence: connections that send nothing (no token needed, they never reach the
/// authentication) use up the process's file descriptors, and then `accept` fails in a loop
/// ("Too many open files") and no client is served, for as long as the attacker keeps them.
/// Under a service manager's usual limit of 1,024 files, 1,024 idle sockets suffice.
#[test]
fn silent_connections_do_not_exhaust_file_descriptors() {
    let server = Server::start_limited(Some(64), &["--request-timeout", "1"]);
    assert_eq!(
        raw_status(
            server.addr,
            b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        ),
        Some(200),
        "control"
    );
    let silent: Vec<TcpStream> = (0..80)
        .map(|_| TcpStream::connect(server.addr).unwrap())
        .collect();
    // Well past --request-timeout: every one of them should have been closed by now.
    std::thread::sleep(Duration::from_secs(3));
    let status = raw_status(
        server.addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    drop(silent);
    assert_eq!(
        status,
        Some(200),
        "80 silent connections, 3 s after --request-timeout 1, still lock every client out"
    );
}

/// `--max-concurrent` permits are taken before the body is read, so a client that sends the
/// headers and one byte of the body holds a slot for the whole `--request-timeout` (30 s by
/// default) without costing the server any work: `--max-concurrent` such uploads and every
/// other client gets 503.
#[test]
fn stalled_uploads_do_not_take_the_operation_slots() {
    let server = Server::start(&["--max-concurrent", "2"]);
    assert_eq!(
        raw_status(server.addr, &post("/fhir/$verify-signature", SMALL)),
        Some(422),
        "control"
    );
    let mut stalled = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        stream
            .write_all(
                b"POST /fhir/$verify-signature HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
            )
            .unwrap();
        stalled.push(stream);
    }
    std::thread::sleep(Duration::from_millis(500)); // let the server read those headers
    let status = raw_status(server.addr, &post("/fhir/$verify-signature", SMALL));
    drop(stalled);
    assert_eq!(
        status,
        Some(422),
        "two uploads stalled after one byte make the server answer 503 to everyone else"
    );
}

/// A request body that sends its first byte and then never ends.
struct Stalled {
    sent: bool,
}

impl hyper::body::Body for Stalled {
    type Data = Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.sent {
            Poll::Pending
        } else {
            self.sent = true;
            Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b"{")))))
        }
    }
}

/// The same over HTTP/2 with the default limits: the server allows 256 streams per connection
/// and 256 operations at once, so ONE connection with 256 stalled uploads takes every slot.
#[test]
fn one_http2_connection_cannot_take_every_operation_slot() {
    let server = Server::start(&[]);
    let addr = server.addr;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let _guard = runtime.block_on(async move {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (sender, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .unwrap();
        let conn = tokio::spawn(conn);
        let mut tasks = Vec::new();
        for _ in 0..256 {
            let mut sender = sender.clone();
            tasks.push(tokio::spawn(async move {
                let request = hyper::Request::builder()
                    .method("POST")
                    .uri(format!("http://{addr}/fhir/$verify-signature"))
                    .header("content-type", "application/fhir+json")
                    .body(Stalled { sent: false })
                    .unwrap();
                let _ = sender.send_request(request).await;
            }));
        }
        (conn, tasks)
    });
    std::thread::sleep(Duration::from_secs(1)); // let the streams open
    let status = raw_status(addr, &post("/fhir/$verify-signature", SMALL));
    drop(server);
    runtime.shutdown_background();
    assert_eq!(
        status,
        Some(422),
        "one HTTP/2 connection with 256 stalled streams makes the server answer 503 to everyone"
    );
}

/// The permit is dropped with the request's future when the client goes away, but the
/// operation goes on in its blocking thread: a client that posts a heavy body and hangs up
/// frees its slot at once, so any number of operations run at once whatever `--max-concurrent`
/// says (memory and CPU unbounded; seen: 4 × a 64 MB `$sign` at once under `--max-concurrent 1`,
/// the server's RSS past 1 GB). Expected: a slot stays taken until its operation has finished.
#[test]
fn a_client_that_hangs_up_does_not_free_its_slot_while_its_operation_runs() {
    let dir = temp_dir("serve-attack-hangup");
    let pki = pki(&dir);
    let input = dir.join("bundle.json");
    std::fs::write(&input, BUNDLE).unwrap();
    let out = fhirsig(&[
        "sign",
        input.to_str().unwrap(),
        "--key",
        pki.join("leaf-ec.key.pem").to_str().unwrap(),
        "--cert",
        pki.join("chain.pem").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let signed = String::from_utf8(out.stdout).unwrap();
    // 15,000 signed Bundles in one collection: 51 MB (under the 64 MB body limit), several
    // seconds of verification in a test build, so it is still running when the second request
    // arrives.
    let mut heavy = String::from(r#"{"resourceType":"Bundle","type":"collection","entry":["#);
    for i in 0..15000 {
        if i > 0 {
            heavy.push(',');
        }
        heavy.push_str(r#"{"resource":"#);
        heavy.push_str(signed.trim());
        heavy.push('}');
    }
    heavy.push_str("]}");
    let root = pki.join("root-ca.cert.pem");
    let server = Server::start(&["--max-concurrent", "1", "--trust", root.to_str().unwrap()]);
    let mut client = TcpStream::connect(server.addr).unwrap();
    client
        .write_all(&post("/fhir/$verify-signature", heavy.as_bytes()))
        .unwrap();
    std::thread::sleep(Duration::from_millis(600)); // the server has the body and is verifying
    drop(client);
    std::thread::sleep(Duration::from_millis(200));
    let status = raw_status(server.addr, &post("/fhir/$verify-signature", SMALL));
    assert_eq!(
        status,
        Some(503),
        "under --max-concurrent 1, a second operation was admitted while the first (whose \
         client hung up) was still being computed"
    );
}
