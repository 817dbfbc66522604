//! What the engine needs from the network: send one [`crm::HttpRequest`] exactly as the core
//! built it, get the [`crm::HttpResponse`] back, or a [`TransportError`] when no answer came.
//!
//! Implementations: [`crate::native::HttpsTransport`] (feature `native`: hyper + rustls, for
//! the team server and the tests); in the extension, `core-wasm`'s `FetchTransport` (`fetch`
//! through `web-sys`).
//! A transport has no logic of its own: no retries, no redirects, no cookies, no cache (the
//! core decides every retry), and it never logs a request (they carry bearer tokens).

use std::future::Future;

use crm::{HttpRequest, HttpResponse};

/// No answer came back: the request may or may not have reached the CRM.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    /// What went wrong, for the error log (never a header or a body: no token).
    pub message: String,
}

impl TransportError {
    /// A transport error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The response value the core reads for "no answer": status 0, the message as body
    /// (`saves::on_response` then treats the outcome as unknown).
    pub fn as_response(&self) -> HttpResponse {
        HttpResponse {
            status: 0,
            headers: vec![],
            body: self.message.clone(),
        }
    }
}

/// Sends one request and hands back its answer.
pub trait Transport {
    /// Sends `request`; any HTTP status is an `Ok` answer, only "no answer" is an error.
    fn send(
        &self,
        request: &HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>>;
}
