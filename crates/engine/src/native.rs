//! A real HTTPS client for the engine (feature `native`): hyper 1 over tokio-rustls (rustls
//! 0.23 with ring), one connection per request, trusting only the certificates it is given
//! (the sandbox's own, in the tests). Like Chromium's `--host-resolver-rules` in the e2e tests,
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

use crate::transport::{Transport, TransportError};

/// How long one request may take, connection included (the worker's `fetch` waits as long).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTPS [`Transport`] on hyper and rustls.
#[derive(Clone)]
pub struct HttpsTransport {
    tls: tokio_rustls::TlsConnector,
    pinned: Arc<HashMap<String, SocketAddr>>,
    timeout: Duration,
}

impl std::fmt::Debug for HttpsTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpsTransport")
            .field("pinned", &self.pinned)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Builds an [`HttpsTransport`].
#[derive(Debug, Default)]
pub struct HttpsTransportBuilder {
    roots: Vec<CertificateDer<'static>>,
    pinned: HashMap<String, SocketAddr>,
    timeout: Option<Duration>,
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
        let tcp = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| fail("connecting to", &e))?;
        let name = ServerName::try_from(t.host.to_owned()).map_err(|e| fail("the name", &e))?;
        let tls = self
            .tls
            .connect(name, tcp)
            .await
            .map_err(|e| fail("TLS with", &e))?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tls))
            .await
            .map_err(|e| fail("HTTP with", &e))?;
        tokio::spawn(async move {
            // Ends with the exchange (one request per connection); its error, if any, is the
            // request's too.
            let _ = connection.await;
        });
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
        let built = builder
            .body(body)
            .map_err(|e| fail("building the request to", &e))?;
        let response = sender
            .send_request(built)
            .await
            .map_err(|e| fail("no answer from", &e))?;
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
        Ok(HttpResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
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
}
