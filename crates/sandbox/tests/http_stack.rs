//! The wire itself, spoken byte by byte over TLS: HTTP/2 and HTTP/1.1 chosen by ALPN, a
//! malformed request answered 400 (not a dropped connection), HTTP/1.0 closing after its
//! answer while HTTP/1.1 keeps the connection for the next request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use common::Harness;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

type Tls = rustls::StreamOwned<rustls::ClientConnection, TcpStream>;

/// A TLS connection to the sandbox offering `alpn`, trusting its certificate.
fn connect(harness: &Harness, alpn: &[&[u8]]) -> Tls {
    let cert = CertificateDer::from_pem_slice(harness.sandbox.cert_pem().as_bytes()).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let name = ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let sock = TcpStream::connect(("127.0.0.1", harness.sandbox.port())).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut tls = rustls::StreamOwned::new(conn, sock);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).unwrap();
    }
    tls
}

/// Reads until the peer closes (or the read times out), lossily as text.
fn read_to_close(tls: &mut Tls) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tls.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one response head and its `Content-Length` body.
fn read_response(tls: &mut Tls) -> String {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n\r\n") {
        assert_eq!(tls.read(&mut byte).unwrap(), 1, "connection ended early");
        out.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&out).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    tls.read_exact(&mut body).unwrap();
    head + &String::from_utf8_lossy(&body)
}

#[test]
fn alpn_chooses_http2_when_offered_and_http1_otherwise() {
    let harness = Harness::start();
    let h2 = connect(&harness, &[b"h2", b"http/1.1"]);
    assert_eq!(h2.conn.alpn_protocol(), Some(&b"h2"[..]));
    let h1 = connect(&harness, &[b"http/1.1"]);
    assert_eq!(h1.conn.alpn_protocol(), Some(&b"http/1.1"[..]));
}

#[test]
fn a_malformed_request_is_answered_400() {
    let harness = Harness::start();
    let mut tls = connect(&harness, &[b"http/1.1"]);
    tls.write_all(b"GET /services/data HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n")
        .unwrap();
    let answer = read_to_close(&mut tls);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
}

#[test]
fn http11_keeps_the_connection_and_http10_closes_it() {
    let harness = Harness::start();
    let mut tls = connect(&harness, &[b"http/1.1"]);
    for _ in 0..2 {
        tls.write_all(b"GET /services/data HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let answer = read_response(&mut tls);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer:?}");
        assert!(answer.contains("/services/data/v66.0"), "{answer:?}");
    }
    let mut old = connect(&harness, &[]);
    old.write_all(b"GET /services/data HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let answer = read_to_close(&mut old);
    assert!(answer.starts_with("HTTP/1.0 200"), "{answer:?}");
    assert!(
        answer.ends_with(']'),
        "the whole body, then the close: {answer:?}"
    );
}
