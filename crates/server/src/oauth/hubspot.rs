//! HubSpot's token endpoint for reps' personal connections: the code exchange and the
//! refresh need the app's client secret, which only the server holds. The tokens go back to
//! the browser; the server keeps nothing of them.

use crm::hubspot::oauth::{self as hs_oauth, DEFAULT_OAUTH_VERSION};
use crm::hubspot::HsToken;

use super::settings::HubspotApp;
use super::{OAuthError, Outbound};

/// What the browser asks the server to do at HubSpot's token endpoint.
#[derive(Debug, Clone)]
pub enum Grant<'a> {
    /// Exchange a code (with the redirect URI it was issued for, and the PKCE verifier).
    Code {
        /// The authorization code.
        code: &'a str,
        /// The extension's redirect URI.
        redirect_uri: &'a str,
        /// The PKCE verifier, when the authorize request had a challenge.
        code_verifier: Option<&'a str>,
    },
    /// Refresh.
    Refresh {
        /// The refresh token.
        refresh_token: &'a str,
    },
}

/// Performs the grant with the server's client secret.
pub async fn token(
    outbound: &Outbound,
    app: &HubspotApp,
    grant: Grant<'_>,
) -> Result<HsToken, OAuthError> {
    const STEP: &str = "HubSpot's token endpoint";
    let secret = app.client_secret.expose();
    let request = match grant {
        Grant::Code {
            code,
            redirect_uri,
            code_verifier,
        } => hs_oauth::code_exchange_request(
            &app.api_base,
            DEFAULT_OAUTH_VERSION,
            &app.client_id,
            secret,
            redirect_uri,
            code,
            code_verifier,
        ),
        Grant::Refresh { refresh_token } => hs_oauth::refresh_request(
            &app.api_base,
            DEFAULT_OAUTH_VERSION,
            &app.client_id,
            secret,
            refresh_token,
        ),
    };
    let response = outbound.send(&request).await?;
    hs_oauth::parse_token_response(&response).map_err(|e| OAuthError::from_crm(STEP, e))
}
