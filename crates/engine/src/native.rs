//! A real HTTPS client for the engine (feature `native`): hyper 1 over tokio-rustls (rustls
//! 0.23 with ring), HTTP/1.1 with keep-alive (idle connections are reused, see
//! [`crate::native_pool`]; a request is never sent twice), trusting only the certificates it
//! is given (the sandbox's own, in the tests). Like Chromium's `--host-resolver-rules` in the e2e tests,
//! host names can be pinned to an address, so the core's real URLs (`login.salesforce.com`,
//! `acme.my.salesforce.com`) reach the sandbox unchanged.
//!
//! No redirects are followed, no cookies kept, nothing cached, and nothing is logged (the
//! requests carry bearer tokens): the core decides everything else.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crm::{HttpRequest, HttpResponse};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};

use crate::native_pool::{Key, Pool, Sender};
use crate::transport::{Transport, TransportError};

pub use crate::native_pool::{DEFAULT_IDLE_LIMIT, DEFAULT_IDLE_PER_HOST};

/// How long one request may take, connection included (the worker's `fetch` waits as long).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a connection may take to be ready for its next request before it is dropped.
const READY_WITHIN: Duration = Duration::from_secs(1);

/// An HTTPS [`Transport`] on hyper and rustls. Clones share their idle connections.
#[derive(Clone)]
pub struct HttpsTransport {
    tls: tokio_rustls::TlsConnector,
    pinned: Arc<HashMap<String, SocketAddr>>,
    timeout: Duration,
    pool: Arc<Pool>,
}

impl std::fmt::Debug for HttpsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsTransport")
            .field("pinned", &self.pinned)
            .field("timeout", &self.timeout)
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

/// Builds an [`HttpsTransport`].
#[derive(Debug, Default)]
pub struct HttpsTransportBuilder {
    roots: Vec<CertificateDer<'static>>,
    pinned: HashMap<String, SocketAddr>,
    timeout: Option<Duration>,
    idle: Option<(Duration, usize)>,
}

impl HttpsTransportBuilder {
    /// Trusts every certificate of a PEM text (e.g. the sandbox's `cert.pem`).
    pub fn trust_pem(mut self, pem: &[u8]) -> Result<Self, TransportError> {
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| TransportError::new(format!("reading a certificate: {e}")))?;
            self.roots.push(cert);
        }
        Ok(self)
    }

    /// Sends requests for `host` to `addr` (its port replaces the URL's).
    pub fn pin(mut self, host: &str, addr: SocketAddr) -> Self {
        self.pinned.insert(host.to_ascii_lowercase(), addr);
        self
    }

    /// The time limit of one request (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long an idle connection is kept for reuse and how many per host (default
    /// [`DEFAULT_IDLE_LIMIT`], [`DEFAULT_IDLE_PER_HOST`]; `0` per host: a connection per
    /// request).
    pub fn keep_idle(mut self, limit: Duration, per_host: usize) -> Self {
        self.idle = Some((limit, per_host));
        self
    }

    /// The transport; fails when no certificate is trusted.
    pub fn build(self) -> Result<HttpsTransport, TransportError> {
        if self.roots.is_empty() {
            return Err(TransportError::new("no trusted certificate was given"));
        }
        let mut roots = rustls::RootCertStore::empty();
        for cert in self.roots {
            roots
                .add(cert)
                .map_err(|e| TransportError::new(format!("a trusted certificate: {e}")))?;
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TransportError::new(format!("TLS settings: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(HttpsTransport {
            tls: tokio_rustls::TlsConnector::from(Arc::new(config)),
            pinned: Arc::new(self.pinned),
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            pool: Arc::new(match self.idle {
                Some((limit, per_host)) => Pool::new(limit, per_host),
                None => Pool::new(DEFAULT_IDLE_LIMIT, DEFAULT_IDLE_PER_HOST),
            }),
        })
    }
}

/// The parts of an `https://host[:port]/path?query` URL.
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    host: &'a str,
    port: u16,
    path: &'a str,
}

fn target(url: &str) -> Result<Target<'_>, TransportError> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| TransportError::new("only https:// URLs are sent"))?;
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => (&rest[..i], &rest[i..]),
        Some(_) => return Err(TransportError::new("a URL without a path")),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (
            h,
            p.parse()
                .map_err(|_| TransportError::new(format!("a bad port in the URL for {h}")))?,
        ),
        None => (authority, 443),
    };
    if host.is_empty() || host.contains(['@', '[']) {
        return Err(TransportError::new("an unsupported URL host"));
    }
    Ok(Target { host, port, path })
}

impl HttpsTransport {
    /// A builder.
    pub fn builder() -> HttpsTransportBuilder {
        HttpsTransportBuilder::default()
    }

    /// How many connections this transport (and its clones) opened so far: with keep-alive,
    /// far fewer than the requests it sent.
    pub fn connections_opened(&self) -> u64 {
        self.pool.opened()
    }

    async fn exchange(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let t = target(&request.url)?;
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            TransportError::new(format!("{what} {}: {e}", t.host))
        };
        let addr = match self.pinned.get(&t.host.to_ascii_lowercase()) {
            Some(addr) => *addr,
            None => tokio::net::lookup_host((t.host, t.port))
                .await
                .map_err(|e| fail("looking up", &e))?
                .next()
                .ok_or_else(|| TransportError::new(format!("no address for {}", t.host)))?,
        };
        let key = Key {
            host: t.host.to_ascii_lowercase(),
            port: t.port,
            addr,
        };
        let host_header = if t.port == 443 {
            t.host.to_owned()
        } else {
            format!("{}:{}", t.host, t.port)
        };
        let mut builder = hyper::Request::builder()
            .method(request.method.as_str())
            .uri(t.path)
            .header(hyper::header::HOST, host_header);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = Full::new(Bytes::from(request.body.clone().unwrap_or_default()));
        let mut built = builder
            .body(body)
            .map_err(|e| fail("building the request to", &e))?;
        // An idle connection first; a request hyper could not start on it (closed meanwhile)
        // comes back untouched and goes on a new connection. Never sent twice.
        let (mut sender, response) = loop {
            let (mut sender, reused) = match self.pool.take(&key) {
                Some(sender) => (sender, true),
                None => (self.connect(&t, addr).await?, false),
            };
            if reused
                && !matches!(
                    tokio::time::timeout(READY_WITHIN, sender.ready()).await,
                    Ok(Ok(()))
                )
            {
                continue; // closed while idle: nothing was sent on it
            }
            match sender.try_send_request(built).await {
                Ok(response) => break (sender, response),
                Err(mut e) => match e.take_message() {
                    Some(unsent) if reused => built = unsent,
                    _ => return Err(fail("no answer from", &e.into_error())),
                },
            }
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| fail("reading the answer from", &e))?
            .to_bytes();
        // Read whole: the connection goes back to the pool once hyper has seen the end of
        // this exchange (`ready`; an error when the peer closes it), without holding up
        // the answer.
        let pool = Arc::clone(&self.pool);
        tokio::spawn(async move {
            if let Ok(Ok(())) = tokio::time::timeout(READY_WITHIN, sender.ready()).await {
                pool.put(key, sender);
            }
        });
        Ok(HttpResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// Opens a TCP + TLS + HTTP/1.1 connection to `addr` for `t`'s host.
    async fn connect(&self, t: &Target<'_>, addr: SocketAddr) -> Result<Sender, TransportError> {
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            TransportError::new(format!("{what} {}: {e}", t.host))
        };
        let tcp = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| fail("connecting to", &e))?;
        // Requests are small and answered at once: send them without Nagle's delay.
        let _ = tcp.set_nodelay(true);
        let name = ServerName::try_from(t.host.to_owned()).map_err(|e| fail("the name", &e))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| fail("TLS with", &e))?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| fail("HTTP with", &e))?;
        self.pool.count_opened();
        tokio::spawn(async move {
            // Runs while the connection is in use or idle in the pool; ends when the peer
            // closes it or every sender is dropped. An error here is the request's too.
            let _ = connection.await;
        });
        Ok(sender)
    }
}

impl Transport for HttpsTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        match tokio::time::timeout(self.timeout, self.exchange(request)).await {
            Ok(answer) => answer,
            Err(_) => Err(TransportError::new("the CRM did not answer in time")),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_host_port_and_path() {
        let t = target("https://acme.my.salesforce.com/services/data/v66.0/query?q=x").unwrap();
        assert_eq!(
            t,
            Target {
                host: "acme.my.salesforce.com",
                port: 443,
                path: "/services/data/v66.0/query?q=x"
            }
        );
        let t = target("https://127.0.0.1:8443").unwrap();
        assert_eq!((t.host, t.port, t.path), ("127.0.0.1", 8443, "/"));
        assert!(target("http://example.com/").is_err());
        assert!(target("https://user@example.com/").is_err());
        assert!(target("https://example.com:x/").is_err());
        assert!(target("https://example.com?q").is_err());
    }

    /// The traits ask no `Send` (the browser's futures are not); the native engine's runs,
    /// lookups, undos and connects must be, for the team server spawns them on tokio's
    /// threads. Fails to compile when a native transport, store or clock future is not.
    #[test]
    fn the_native_engines_futures_are_send() {
        type Native =
            crate::Engine<HttpsTransport, crate::file_store::FileStore, crate::clock::TokioClock>;
        type Memory = crate::Engine<HttpsTransport, crate::MemoryStore, crate::clock::TokioClock>;
        fn send<F: std::future::Future + Send>(_: &F) {}
        fn check(engine: &Native, memory: &Memory, v: &serde_json::Value) {
            send(&engine.run("id"));
            send(&engine.resume());
            send(&engine.lookup(v, v, v, 0.0));
            send(&engine.undo(v, v, 0.0));
            send(&engine.connect(v.clone()));
            send(&memory.run("id"));
        }
        let _ = check;
    }
}
