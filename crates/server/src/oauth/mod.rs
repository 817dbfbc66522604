//! The server as an OAuth client of the CRMs: its own apps ([`settings`]), the outbound
//! HTTPS calls of the Salesforce web-server flow and OpenID Connect sign-in ([`salesforce`]),
//! HubSpot's code exchange and reps' HubSpot sign-in ([`hubspot`]), and the small HTML pages
//! its callbacks show.
//!
//! Requests are built by the `crm` crate as values and sent by the save engine's HTTPS
//! transport (no redirects followed, nothing logged). The server only ever calls the login
//! host and API host of its own configuration, plus the `instance_url` Salesforce's token
//! answer names, never a host a client names.
//!
//! **Invariant:** no error message built here carries a token, a code, a verifier or a client
//! secret: CRM refusals keep only their OAuth `error` code and description.

pub mod hubspot;
pub mod salesforce;
pub mod settings;

use std::sync::Arc;

use engine::native::HttpsTransport;
use engine::Transport;

pub use settings::{ClientSecret, OAuthSettings};

/// The path of the server's Salesforce OAuth callback (admin connect and rep sign-in alike).
pub const CALLBACK_PATH: &str = "/api/oauth/salesforce/callback";
/// The path of the server's HubSpot OAuth callback (reps' "Sign in with HubSpot").
pub const HUBSPOT_CALLBACK_PATH: &str = "/api/oauth/hubspot/callback";

/// Why an outbound OAuth step failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// The server lacks a setting the step needs.
    #[error("the server is not configured for this: set {0}")]
    NotConfigured(&'static str),
    /// No answer from the CRM.
    #[error("could not reach {host}: {message}")]
    Transport {
        /// The host called.
        host: String,
        /// What failed (never a header or a body).
        message: String,
    },
    /// The CRM refused (its OAuth `error` and description, or its REST error code).
    #[error("{step}: the CRM answered {code}: {description}")]
    Refused {
        /// What the server was doing.
        step: &'static str,
        /// The CRM's error code (`invalid_grant`, `invalid_client`, …).
        code: String,
        /// The CRM's description.
        description: String,
    },
    /// The CRM answered something the server cannot read.
    #[error("{0}: the CRM's answer could not be read")]
    Unreadable(&'static str),
}

impl OAuthError {
    /// Reads a `crm` error for a step, keeping only what is safe to show.
    pub(crate) fn from_crm(step: &'static str, error: crm::CrmError) -> Self {
        match error {
            crm::CrmError::Api(api) => Self::Refused {
                step,
                code: api.code,
                description: api.message,
            },
            crm::CrmError::Transport { message } => Self::Transport {
                host: step.to_owned(),
                message,
            },
            crm::CrmError::Parse { .. } | crm::CrmError::Invalid(_) => Self::Unreadable(step),
        }
    }
}

/// Sends the server's outbound OAuth requests.
#[derive(Debug, Clone)]
pub struct Outbound {
    transport: Arc<HttpsTransport>,
}

impl Outbound {
    /// A client trusting the configured CA file (or the system's bundle).
    pub fn new(settings: &OAuthSettings) -> Result<Self, OAuthError> {
        let path = settings
            .ca_file
            .clone()
            .unwrap_or_else(|| settings::SYSTEM_CA_FILE.into());
        let pem = std::fs::read(&path).map_err(|_| {
            OAuthError::NotConfigured(
                "LEADLINE_CA_FILE (a readable PEM file of trusted certificates)",
            )
        })?;
        let transport = HttpsTransport::builder()
            .trust_pem(&pem)
            .and_then(|b| b.build())
            .map_err(|_| {
                OAuthError::NotConfigured("LEADLINE_CA_FILE (no usable certificate in it)")
            })?;
        Ok(Self {
            transport: Arc::new(transport),
        })
    }

    /// Sends one request; any HTTP status is an answer.
    pub async fn send(&self, request: &crm::HttpRequest) -> Result<crm::HttpResponse, OAuthError> {
        self.transport
            .send(request)
            .await
            .map_err(|e| OAuthError::Transport {
                host: host_of(&request.url).to_owned(),
                message: e.message,
            })
    }
}

fn host_of(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?']).next())
        .unwrap_or(url)
}

/// A small HTML page (the callback's answer in the admin's or rep's browser).
pub fn page(
    status: axum::http::StatusCode,
    title: &str,
    body_html: &str,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:36rem;margin:3rem auto;line-height:1.4}}</style>\
         </head><body><h1>{title}</h1>{body_html}</body></html>",
        title = escape(title)
    );
    (
        status,
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

/// Escapes text for HTML (the admin pages' escaping).
pub use crate::pages::html::escape;
