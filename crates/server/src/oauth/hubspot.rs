//! HubSpot's token endpoint for reps' personal connections: the code exchange and the
//! refresh need the app's client secret, which only the server holds. The tokens go back to
//! the browser; the server keeps nothing of them.
//!
//! And reps' "Sign in with HubSpot": an authorization-code flow with the `oauth` scope only
//! (identity: no CRM access), whose token the server reads once with HubSpot's introspection
//! (`hub_id`, `user_id`, `user`) and drops.

use crm::hubspot::oauth::{self as hs_oauth, DEFAULT_OAUTH_VERSION};
use crm::hubspot::HsToken;

use super::settings::HubspotApp;
use super::{OAuthError, Outbound};

/// The scope of a rep's sign-in: identity only (HubSpot requires `oauth` on every app).
pub const SIGN_IN_SCOPE: &str = "oauth";

/// Who signed in, as HubSpot's introspection of the sign-in's token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsIdentity {
    /// The HubSpot account (portal) the user signed in to.
    pub hub_id: String,
    /// The HubSpot user id.
    pub user_id: String,
    /// The user's HubSpot login e-mail.
    pub email: String,
}

/// The authorize page of a sign-in (PKCE S256, the server's callback, the `oauth` scope).
pub fn authorize_url(app: &HubspotApp, callback: &str, state: &str, challenge: &str) -> String {
    hs_oauth::authorize_url_at(
        &format!("{}/oauth/authorize", app.app_url),
        &hs_oauth::HsAuthorizeParams {
            client_id: app.client_id.clone(),
            redirect_uri: callback.to_owned(),
            scope: SIGN_IN_SCOPE.to_owned(),
            state: state.to_owned(),
            code_challenge: Some(challenge.to_owned()),
        },
    )
}

/// Reads who a sign-in's access token belongs to (introspection, with the client secret).
pub async fn identity(
    outbound: &Outbound,
    app: &HubspotApp,
    access_token: &str,
) -> Result<HsIdentity, OAuthError> {
    const STEP: &str = "HubSpot's token introspection";
    let request = hs_oauth::introspect_request(
        &app.api_base,
        DEFAULT_OAUTH_VERSION,
        &app.client_id,
        app.client_secret.expose(),
        access_token,
    );
    let response = outbound.send(&request).await?;
    let info = hs_oauth::parse_token_info(&response).map_err(|e| OAuthError::from_crm(STEP, e))?;
    match (info.hub_id, info.user_id, info.user_email) {
        (Some(hub), Some(user_id), Some(email)) if !user_id.is_empty() && !email.is_empty() => {
            Ok(HsIdentity {
                hub_id: hub.to_string(),
                user_id,
                email: email.to_lowercase(),
            })
        }
        _ => Err(OAuthError::Unreadable(STEP)),
    }
}

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

/// Revokes a refresh token at HubSpot with the server's client secret: a sign-in's own grant,
/// which nothing keeps or uses, so it does not stay live among the user's connected apps.
pub async fn revoke(
    outbound: &Outbound,
    app: &HubspotApp,
    refresh_token: &str,
) -> Result<(), OAuthError> {
    const STEP: &str = "HubSpot's token revocation";
    let request = crm::hubspot::revoke::revoke_request(
        &app.api_base,
        DEFAULT_OAUTH_VERSION,
        &app.client_id,
        app.client_secret.expose(),
        refresh_token,
    );
    let response = outbound.send(&request).await?;
    crm::hubspot::revoke::parse_revoke(&response).map_err(|e| OAuthError::from_crm(STEP, e))
}
