//! The Salesforce calls of the server's own OAuth client: the authorize URL (PKCE S256 and
//! `state`), the code exchange as a confidential client (client secret + verifier), OpenID
//! Connect userinfo on the configured login host, and the connected user's permission.

use crm::salesforce::oauth::{self as sf_oauth, AuthorizeParams, LoginHost, SfToken};
use crm::salesforce::permission;
use crm::{HttpRequest, Permission};
use serde_json::Value;

use super::settings::SalesforceApp;
use super::{OAuthError, Outbound};

/// What team sync asks for: the REST API, a refresh token, the identity URL.
pub const CONNECT_SCOPE: &str = "api refresh_token id";
/// What a rep's sign-in asks for: identity only (no API access, no refresh token).
pub const SIGN_IN_SCOPE: &str = "openid";

/// The login host of the server's app.
fn login_host(app: &SalesforceApp) -> LoginHost {
    match app.login_url.as_str() {
        "https://login.salesforce.com" => LoginHost::Production,
        "https://test.salesforce.com" => LoginHost::Sandbox,
        other => LoginHost::MyDomain(other.to_owned()),
    }
}

/// The URL the browser is sent to.
pub fn authorize_url(
    app: &SalesforceApp,
    callback: &str,
    state: &str,
    code_challenge: &str,
    scope: &str,
) -> Result<String, OAuthError> {
    sf_oauth::authorize_url(&AuthorizeParams {
        login_host: login_host(app),
        client_id: app.client_id.clone(),
        redirect_uri: callback.to_owned(),
        code_challenge: code_challenge.to_owned(),
        state: state.to_owned(),
        scope: scope.to_owned(),
    })
    .map_err(|_| OAuthError::NotConfigured("LEADLINE_SF_LOGIN_URL (a Salesforce login host)"))
}

/// Exchanges the code: client id, client secret, the redirect URI and the PKCE verifier.
pub async fn exchange_code(
    outbound: &Outbound,
    app: &SalesforceApp,
    callback: &str,
    code: &str,
    verifier: &str,
) -> Result<SfToken, OAuthError> {
    const STEP: &str = "exchanging the authorization code";
    let mut request =
        sf_oauth::code_exchange_request(&login_host(app), &app.client_id, callback, code, verifier)
            .map_err(|e| OAuthError::from_crm(STEP, e))?;
    let secret = crm::http::form_encode(&[("client_secret", app.client_secret.expose())]);
    request.body = Some(match request.body.take() {
        Some(form) if !form.is_empty() => format!("{form}&{secret}"),
        _ => secret,
    });
    let response = outbound.send(&request).await?;
    sf_oauth::parse_token_response(&response).map_err(|e| OAuthError::from_crm(STEP, e))
}

/// The token's user, from OpenID Connect userinfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfo {
    /// The Salesforce user id (`005…`).
    pub user_id: String,
    /// The org id (`00D…`).
    pub organization_id: String,
    /// The user's email.
    pub email: String,
    /// The user's name.
    pub name: String,
    /// Whether the user is active.
    pub active: bool,
}

/// `GET {login host}/services/oauth2/userinfo`: always the configured login host, never a
/// URL from an answer or a client.
pub async fn userinfo(
    outbound: &Outbound,
    app: &SalesforceApp,
    access_token: &str,
) -> Result<UserInfo, OAuthError> {
    const STEP: &str = "reading the user's identity";
    let request = HttpRequest {
        method: "GET".into(),
        url: format!("{}/services/oauth2/userinfo", app.login_url),
        headers: vec![
            ("Authorization".into(), format!("Bearer {access_token}")),
            ("Accept".into(), "application/json".into()),
        ],
        body: None,
    };
    let response = outbound.send(&request).await?;
    if !response.is_success() {
        return Err(OAuthError::Refused {
            step: STEP,
            code: format!("HTTP_{}", response.status),
            description: "userinfo refused the token".into(),
        });
    }
    let v: Value =
        serde_json::from_str(&response.body).map_err(|_| OAuthError::Unreadable(STEP))?;
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(UserInfo {
        user_id: text("user_id").ok_or(OAuthError::Unreadable(STEP))?,
        organization_id: text("organization_id").ok_or(OAuthError::Unreadable(STEP))?,
        email: text("email").unwrap_or_default(),
        name: text("name").unwrap_or_default(),
        active: v.get("active").and_then(Value::as_bool).unwrap_or(true),
    })
}

/// The connected user's permission (`admin`, `standard`, `read_only`), read with its token
/// from the org's instance.
pub async fn permission_of(
    outbound: &Outbound,
    token: &SfToken,
    user_id: &str,
) -> Result<&'static str, OAuthError> {
    const STEP: &str = "reading the user's permission";
    if !token.instance_url.starts_with("https://") {
        return Err(OAuthError::Unreadable(STEP));
    }
    let request = permission::permission_request(&token.session(), user_id)
        .map_err(|e| OAuthError::from_crm(STEP, e))?;
    let response = outbound.send(&request).await?;
    let facts = permission::parse_permission_response(&response)
        .map_err(|e| OAuthError::from_crm(STEP, e))?;
    Ok(match permission::decide_permission(&facts) {
        Permission::Admin => "admin",
        Permission::ReadOnly => "read_only",
        Permission::Standard => "standard",
    })
}
