//! `fhirsig serve` end to end: the binary started on 127.0.0.1 with a test PKI, every endpoint
//! called by hyper's HTTP client over HTTP/1.1, HTTP/2, TLS and mutual TLS.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::Value;

use common::serve::{pki, Server};
use common::{fhirsig, temp_dir};

fn signing_server(pki: &Path, extra: &[&str]) -> Server {
    let key = pki.join("leaf-ec.key.pem");
    let chain = pki.join("chain.pem");
    let root = pki.join("root-ca.cert.pem");
    let mut args = vec![
        "--key",
        key.to_str().unwrap(),
        "--cert",
        chain.to_str().unwrap(),
        "--trust",
        root.to_str().unwrap(),
    ];
    args.extend(extra);
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    Server::start(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

const BUNDLE: &str = r#"{"resourceType": "Bundle", "id": "b1", "type": "searchset", "entry": [
  {"fullUrl": "https://ehr.example.org/fhir/Observation/1", "resource": {"resourceType": "Observation",
   "id": "1", "status": "final", "code": {"text": "Heart rate"}, "valueQuantity": {"value": 72}}}]}"#;

struct Answer {
    status: StatusCode,
    headers: hyper::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn request(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("content-type", "application/fhir+json");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Full::new(Bytes::copy_from_slice(body)))
        .unwrap()
}

async fn answer(response: hyper::Response<hyper::body::Incoming>) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

/// One request over a new HTTP/1.1 connection.
fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        answer(
            sender
                .send_request(request(method, path, headers, body))
                .await
                .unwrap(),
        )
        .await
    })
}

#[test]
fn sign_verify_and_tamper() {
    let dir = temp_dir("serve-sign");
    let pki = pki(&dir);
    let server = signing_server(&pki, &[]);

    let signed = call(server.addr, "POST", "/fhir/$sign", &[], BUNDLE.as_bytes());
    assert_eq!(signed.status, 200, "{}", signed.text());
    assert!(signed.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/fhir+json"));
    let text = signed.text();
    assert!(
        text.starts_with(BUNDLE.trim_end_matches("]}")),
        "the input's bytes are kept"
    );

    // Byte for byte what `fhirsig sign` makes with the same key at the same second.
    let sig_t = signed.json()["signature"]["when"]
        .as_str()
        .unwrap()
        .to_owned();
    let input = dir.join("bundle.json");
    std::fs::write(&input, BUNDLE).unwrap();
    let cli = fhirsig(&[
        "sign",
        input.to_str().unwrap(),
        "--key",
        pki.join("leaf-ec.key.pem").to_str().unwrap(),
        "--cert",
        pki.join("chain.pem").to_str().unwrap(),
        "--at",
        &sig_t,
    ]);
    assert!(cli.status.success());
    // ECDSA signatures are randomised: compare everything but Signature.data's signature part.
    let strip = |t: &str| {
        let v: Value = serde_json::from_str(t).unwrap();
        let data = v["signature"]["data"].as_str().unwrap().to_owned();
        let jws = String::from_utf8(base64_decode(&data)).unwrap();
        let header = jws.split("..").next().unwrap().to_owned();
        (t.replace(&data, ""), header)
    };
    assert_eq!(strip(&text), strip(&String::from_utf8(cli.stdout).unwrap()));

    let verified = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[],
        text.as_bytes(),
    );
    assert_eq!(verified.status, 200, "{}", verified.text());
    assert_eq!(verified.json()["resourceType"], "OperationOutcome");

    let report = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[("accept", "application/json")],
        text.as_bytes(),
    );
    assert_eq!(report.status, 200);
    assert_eq!(report.json()["file"]["verified"], true);
    assert_eq!(report.json()["signatures"][0]["verified"], true);

    let tampered = text.replace("Heart rate", "Heart rage");
    let failed = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[],
        tampered.as_bytes(),
    );
    assert_eq!(failed.status, 422, "{}", failed.text());
    let report = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[("accept", "application/json")],
        tampered.as_bytes(),
    );
    assert_eq!(report.json()["file"]["verified"], false);

    // A misspelt, repeated or non-boolean parameter is refused, never a looser default.
    for query in [
        "?require_all_signed=true",
        "?require-all-signed=true&require-all-signed=false",
        "?require-all-signed=yes",
        "?profile=bogus",
    ] {
        let refused = call(
            server.addr,
            "POST",
            &format!("/fhir/$verify-signature{query}"),
            &[],
            text.as_bytes(),
        );
        assert_eq!(refused.status, 400, "{query}: {}", refused.text());
        assert_eq!(refused.json()["issue"][0]["severity"], "error");
    }
    let strict = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature?require-all-signed=true&_format=json",
        &[],
        text.as_bytes(),
    );
    assert_eq!(strict.status, 200, "{}", strict.text());
}

/// Writes `request` as is and reads the whole answer (the server closes after an error).
fn raw_answer(addr: SocketAddr, request: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                answer.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&answer);
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().to_owned())
                        })
                        .and_then(|v| v.parse::<usize>().ok());
                    if length.is_some_and(|n| body.len() >= n) {
                        break;
                    }
                }
            }
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

fn base64_decode(text: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for &c in text.as_bytes() {
        let Some(v) = alphabet.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | u32::try_from(v).unwrap();
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).unwrap());
        }
    }
    out
}

#[test]
fn bad_requests_get_operation_outcomes() {
    let dir = temp_dir("serve-bad");
    let pki = pki(&dir);
    let server = signing_server(&pki, &["--max-body", "1M"]);
    let malformed = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[],
        br#"{"a": 1, "a": 2}"#,
    );
    assert_eq!(malformed.status, 400);
    let outcome = malformed.json();
    assert_eq!(outcome["resourceType"], "OperationOutcome");
    assert_eq!(
        outcome["issue"][0]["extension"][0]["valueString"], "/a",
        "{outcome}"
    );
    assert!(outcome["issue"][0]["diagnostics"]
        .as_str()
        .unwrap()
        .contains("duplicate"));
    for path in [
        "/fhir/$sign",
        "/fhir/$provenance?author=Organization/o&transmitter=Organization/o",
    ] {
        let answer = call(
            server.addr,
            "POST",
            path,
            &[],
            br#"{"resourceType": "Bundle", "type": 1, "type": 2}"#,
        );
        assert_eq!(answer.status, 400, "{path}: {}", answer.text());
        assert_eq!(
            answer.json()["issue"][0]["extension"][0]["valueString"],
            "/type",
            "{path}"
        );
    }

    // A declared length over the limit is answered 413 before the body is read. The body is
    // not sent: the server may close the connection at once, and a client still writing
    // would see a broken pipe instead of the answer.
    let too_large = raw_answer(
        server.addr,
        &format!(
            "POST /fhir/$verify-signature HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            2 << 20
        ),
    );
    assert!(too_large.starts_with("HTTP/1.1 413"), "{too_large}");
    assert!(
        too_large.contains("\"resourceType\":\"OperationOutcome\""),
        "{too_large}"
    );

    assert_eq!(
        call(server.addr, "GET", "/fhir/Patient", &[], b"").status,
        404
    );
    assert_eq!(
        call(server.addr, "GET", "/fhir/$sign", &[], b"").status,
        405
    );
    let not_utf8 = call(server.addr, "POST", "/fhir/$sign", &[], b"\xff\xfe");
    assert_eq!(not_utf8.status, 400);
}

#[test]
fn tokens_guard_every_endpoint_but_healthz() {
    let dir = temp_dir("serve-tokens");
    let pki = pki(&dir);
    let tokens = dir.join("tokens");
    // The second token is given by its SHA-256 only.
    let digest: String = ring::digest::digest(&ring::digest::SHA256, b"beta-token")
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    std::fs::write(&tokens, format!("alpha-token\nsha256:{digest}\n")).unwrap();
    let audit = dir.join("audit.jsonl");
    let server = signing_server(
        &pki,
        &[
            "--token-file",
            tokens.to_str().unwrap(),
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    );
    let denied = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[],
        BUNDLE.as_bytes(),
    );
    assert_eq!(denied.status, 401);
    assert_eq!(denied.headers["www-authenticate"], "Bearer");
    assert_eq!(denied.json()["resourceType"], "OperationOutcome");
    let wrong = call(
        server.addr,
        "POST",
        "/fhir/$sign",
        &[("authorization", "Bearer alpha-tokem")],
        BUNDLE.as_bytes(),
    );
    assert_eq!(wrong.status, 401);
    assert_eq!(call(server.addr, "GET", "/metrics", &[], b"").status, 401);
    assert_eq!(call(server.addr, "GET", "/healthz", &[], b"").status, 200);
    let signed = call(
        server.addr,
        "POST",
        "/fhir/$sign",
        &[("authorization", "Bearer alpha-token")],
        BUNDLE.as_bytes(),
    );
    assert_eq!(signed.status, 200);
    let by_digest = call(
        server.addr,
        "POST",
        "/fhir/$verify-signature",
        &[("authorization", "Bearer beta-token")],
        &signed.body,
    );
    assert_eq!(by_digest.status, 200, "{}", by_digest.text());
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(
        !log.contains("alpha-token"),
        "the token is never logged: {log}"
    );
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let last = &lines[lines.len() - 2];
    assert_eq!(last["operation"], "sign");
    assert_eq!(last["outcome"], "signed");
    assert!(last["caller"].as_str().unwrap().starts_with("token:"));
    assert_eq!(last["bodySha256"].as_str().unwrap().len(), 64);
    assert!(
        lines.iter().any(|l| l["status"] == 401),
        "refusals are audited too"
    );
    let metrics = call(
        server.addr,
        "GET",
        "/metrics",
        &[("authorization", "Bearer alpha-token")],
        b"",
    );
    assert_eq!(metrics.status, 200);
    let text = metrics.text();
    assert!(
        text.contains(r#"fhirsig_requests_total{operation="sign",status="200"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("fhirsig_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("fhirsig_in_flight_requests"), "{text}");
}

#[test]
fn metadata_provenance_and_signing_disabled() {
    let dir = temp_dir("serve-metadata");
    let pki = pki(&dir);
    let root = pki.join("root-ca.cert.pem");
    let server = Server::start(&["--trust", root.to_str().unwrap()]);
    let metadata = call(server.addr, "GET", "/fhir/metadata", &[], b"");
    assert_eq!(metadata.status, 200);
    let statement = metadata.json();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    let operations: Vec<&str> = statement["rest"][0]["operation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        ["verify-signature", "provenance"],
        "no $sign without a key"
    );
    let refused = call(server.addr, "POST", "/fhir/$sign", &[], BUNDLE.as_bytes());
    assert_eq!(refused.status, 403);

    let with_provenance = call(
        server.addr,
        "POST",
        "/fhir/$provenance?profile=hrex&author=Organization/ehr1&transmitter=Organization/ehr1",
        &[],
        BUNDLE.as_bytes(),
    );
    assert_eq!(with_provenance.status, 200, "{}", with_provenance.text());
    let bundle = with_provenance.json();
    let entries = bundle["entry"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1]["resource"]["resourceType"], "Provenance");

    // A signed Bundle is refused: the added entries would break its signature unseen.
    let mut signed: serde_json::Value = serde_json::from_str(BUNDLE).unwrap();
    signed["signature"] = serde_json::json!({"sigFormat": "application/jose", "data": "e30="});
    let refused = call(
        server.addr,
        "POST",
        "/fhir/$provenance?profile=hrex&author=Organization/ehr1&transmitter=Organization/ehr1",
        &[],
        signed.to_string().as_bytes(),
    );
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.text().contains("Bundle.signature"),
        "{}",
        refused.text()
    );

    let signing = signing_server(&pki, &[]);
    let metadata = call(signing.addr, "GET", "/fhir/metadata", &[], b"").json();
    assert_eq!(metadata["rest"][0]["operation"][0]["name"], "sign");
}

#[test]
fn http2_is_served_with_prior_knowledge() {
    let dir = temp_dir("serve-h2");
    let pki = pki(&dir);
    let server = signing_server(&pki, &[]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        let stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        let (mut sender, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        let mut request = request(
            "POST",
            &format!("http://{}/fhir/$sign", server.addr),
            &[],
            BUNDLE.as_bytes(),
        );
        request.headers_mut().remove("host");
        let response = sender.send_request(request).await.unwrap();
        (response.version(), response.status())
    });
    assert_eq!(status, (hyper::Version::HTTP_2, StatusCode::OK));
}

#[test]
fn refuses_a_network_address_without_tokens() {
    let out = Command::new(env!("CARGO_BIN_EXE_fhirsig"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--token-file"));
}

/// TLS material made with rcgen: a CA, a server certificate for 127.0.0.1, a client certificate.
struct TlsFiles {
    ca: rustls_pki_types::CertificateDer<'static>,
    client_chain: Vec<rustls_pki_types::CertificateDer<'static>>,
    client_key: rustls_pki_types::PrivateKeyDer<'static>,
}

fn tls_files(dir: &Path) -> TlsFiles {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "serve test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let server_params = CertificateParams::new(vec!["127.0.0.1".to_owned()]).unwrap();
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();
    let client_key = KeyPair::generate().unwrap();
    let mut client_params = CertificateParams::new(vec!["payer.example".to_owned()]).unwrap();
    client_params
        .distinguished_name
        .push(DnType::CommonName, "payer gateway");
    let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("server.pem"), server_cert.pem()).unwrap();
    std::fs::write(dir.join("server.key"), server_key.serialize_pem()).unwrap();
    TlsFiles {
        ca: ca_cert.der().clone(),
        client_chain: vec![client_cert.der().clone()],
        client_key: rustls_pki_types::PrivateKeyDer::try_from(client_key.serialize_der()).unwrap(),
    }
}

fn tls_call(
    addr: SocketAddr,
    config: rustls::ClientConfig,
    path: &str,
    body: &[u8],
) -> Result<Answer, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let name = rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap();
        let tls = connector
            .connect(name, stream)
            .await
            .map_err(|e| e.to_string())?;
        let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
        let request = request("POST", &format!("https://{addr}{path}"), &[], body);
        let response = if h2 {
            let (mut sender, conn) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls))
                    .await
                    .map_err(|e| e.to_string())?;
            tokio::spawn(conn);
            sender
                .send_request(request)
                .await
                .map_err(|e| e.to_string())?
        } else {
            let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
                .await
                .map_err(|e| e.to_string())?;
            tokio::spawn(conn);
            sender
                .send_request(request)
                .await
                .map_err(|e| e.to_string())?
        };
        assert_eq!(
            response.version(),
            if h2 {
                hyper::Version::HTTP_2
            } else {
                hyper::Version::HTTP_11
            }
        );
        Ok(answer(response).await)
    })
}

fn client_config(files: &TlsFiles, with_client_cert: bool) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(files.ca.clone()).unwrap();
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut config = if with_client_cert {
        builder
            .with_client_auth_cert(files.client_chain.clone(), files.client_key.clone_key())
            .unwrap()
    } else {
        builder.with_no_client_auth()
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

#[test]
fn tls_and_mutual_tls() {
    let dir = temp_dir("serve-tls");
    let pki = pki(&dir);
    let files = tls_files(&dir);
    let (cert, key, ca) = (
        dir.join("server.pem"),
        dir.join("server.key"),
        dir.join("ca.pem"),
    );
    let server = signing_server(
        &pki,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    let signed = tls_call(
        server.addr,
        client_config(&files, false),
        "/fhir/$sign",
        BUNDLE.as_bytes(),
    )
    .unwrap();
    assert_eq!(signed.status, 200);
    let verified = tls_call(
        server.addr,
        client_config(&files, false),
        "/fhir/$verify-signature",
        &signed.body,
    )
    .unwrap();
    assert_eq!(verified.status, 200, "{}", verified.text());
    // Plain HTTP to a TLS port gets no answer.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let plain = runtime.block_on(async {
        let stream = tokio::net::TcpStream::connect(server.addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        sender
            .send_request(request("GET", "/healthz", &[], b""))
            .await
            .is_ok()
    });
    assert!(!plain);
    drop(server);

    let audit = dir.join("mtls-audit.jsonl");
    let mutual = signing_server(
        &pki,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
            "--client-ca",
            ca.to_str().unwrap(),
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    );
    let refused = tls_call(
        mutual.addr,
        client_config(&files, false),
        "/fhir/$sign",
        BUNDLE.as_bytes(),
    );
    assert!(
        refused.is_err() || refused.as_ref().is_ok_and(|a| a.status != 200),
        "no client certificate: {:?}",
        refused.map(|a| a.status)
    );
    let signed = tls_call(
        mutual.addr,
        client_config(&files, true),
        "/fhir/$sign",
        BUNDLE.as_bytes(),
    )
    .unwrap();
    assert_eq!(signed.status, 200);
    let log = std::fs::read_to_string(&audit).unwrap();
    assert!(
        log.contains("payer gateway"),
        "the client certificate's subject is audited: {log}"
    );
}
