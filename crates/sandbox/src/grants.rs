//! OAuth grants in flight, shared by both CRMs' authorize flows: issued authorization codes
//! and the logged-in sessions between the login and consent pages.

/// Authorization codes live this long.
pub const CODE_TTL_MS: i64 = 10 * 60 * 1000;

/// Which CRM an authorize flow belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    /// Salesforce `/services/oauth2/authorize`.
    Salesforce,
    /// HubSpot `/oauth/authorize`.
    Hubspot,
}

impl Provider {
    /// The CRM's name on its pages.
    pub fn brand(self) -> &'static str {
        match self {
            Provider::Salesforce => "Salesforce",
            Provider::Hubspot => "HubSpot",
        }
    }
}

/// An issued, unused authorization code.
#[derive(Debug, Clone)]
pub struct AuthCode {
    /// Issuer.
    pub provider: Provider,
    /// The app.
    pub client_id: String,
    /// Must be repeated exactly at the token endpoint.
    pub redirect_uri: String,
    /// The user who consented (Salesforce id).
    pub user_id: String,
    /// PKCE challenge, if one was sent.
    pub code_challenge: Option<String>,
    /// Requested scopes.
    pub scope: String,
    /// Issue time.
    pub created_ms: i64,
}

/// A logged-in user between the login and consent pages.
#[derive(Debug, Clone)]
pub struct LoginSession {
    /// The Salesforce user id.
    pub user_id: String,
    /// Start time.
    pub created_ms: i64,
}
