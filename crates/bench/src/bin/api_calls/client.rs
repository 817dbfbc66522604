//! A blocking HTTPS client for the sandbox org (trusting its self-signed certificate) that
//! executes the `crm` crate's request values and reads the sandbox's call counters.

use std::time::Duration;

use crm::{HttpRequest, HttpResponse};
use serde_json::Value;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// Why a benchmark run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The certificate file could not be read or parsed.
    #[error("certificate: {0}")]
    Certificate(String),
    /// A request could not be sent or its answer read.
    #[error("http: {0}")]
    Http(#[from] ureq::Error),
    /// Building a request failed.
    #[error("request: {0}")]
    Request(#[from] ureq::http::Error),
    /// The protocol crate refused or could not parse something.
    #[error("crm: {0}")]
    Crm(#[from] crm::CrmError),
    /// The sandbox answered something unexpected.
    #[error("sandbox: {0}")]
    Sandbox(String),
    /// Reading arguments or writing the output failed.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

/// The sandbox at `base` plus an agent that trusts its certificate.
pub struct SandboxClient {
    base: String,
    agent: ureq::Agent,
}

impl SandboxClient {
    /// A client for `base` (`https://127.0.0.1:PORT`) trusting the PEM certificate `cert_pem`.
    pub fn new(base: &str, cert_pem: &str) -> Result<Self, BenchError> {
        let cert = Certificate::from_pem(cert_pem.as_bytes())
            .map_err(|e| BenchError::Certificate(e.to_string()))?;
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&[cert]))
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            agent,
        })
    }

    /// The sandbox's base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Executes a request value built by the `crm` crate.
    pub fn execute(&self, request: &HttpRequest) -> Result<HttpResponse, BenchError> {
        let url = if request.url.starts_with("https://") {
            request.url.clone()
        } else {
            format!("{}{}", self.base, request.url)
        };
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(&url);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let body = request.body.clone().unwrap_or_default().into_bytes();
        let mut response = self.agent.run(builder.body(body)?)?;
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: String,
    ) -> Result<Value, BenchError> {
        let request = HttpRequest {
            method: method.into(),
            url: format!("{}{path}", self.base),
            headers: vec![("content-type".into(), content_type.into())],
            body: Some(body),
        };
        let reply = self.execute(&request)?;
        if reply.status >= 300 {
            return Err(BenchError::Sandbox(format!(
                "{method} {path}: {} {}",
                reply.status, reply.body
            )));
        }
        Ok(serde_json::from_str(&reply.body).unwrap_or(Value::Null))
    }

    /// Zeroes the sandbox's per-endpoint API call counters.
    pub fn reset_counts(&self) -> Result<(), BenchError> {
        self.send(
            "POST",
            "/__sandbox/reset-counts",
            "application/json",
            "{}".into(),
        )
        .map(|_| ())
    }

    /// The sandbox's API call counters (`total` and one entry per endpoint).
    pub fn counts(&self) -> Result<Value, BenchError> {
        self.send("GET", "/__sandbox/counts", "application/json", "{}".into())
    }

    /// A Salesforce access token for a seeded user (password grant of the scripts client).
    pub fn sf_login(&self, username: &str) -> Result<String, BenchError> {
        let body = format!(
            "grant_type=password&client_id=leadline-sandbox-scripts\
             &client_secret=leadline-sandbox-secret&username={}&password=sandbox",
            username.replace('@', "%40")
        );
        let reply = self.send(
            "POST",
            "/services/oauth2/token",
            "application/x-www-form-urlencoded",
            body,
        )?;
        reply["access_token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| BenchError::Sandbox(format!("no access_token in {reply}")))
    }
}
