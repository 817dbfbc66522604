//! Salesforce OAuth 2.0 web-server flow with PKCE (S256) for a public client (no secret).
//!
//! Authorize: `GET {login}/services/oauth2/authorize?response_type=code&client_id&redirect_uri
//! &code_challenge&code_challenge_method=S256&state&scope`. Token: `POST
//! {login}/services/oauth2/token` (form) with `grant_type=authorization_code` + `code_verifier`,
//! or `grant_type=refresh_token`. Revoke: `POST {login}/services/oauth2/revoke` `token=...`.
//! Sources: see the module docs of [`crate::salesforce`].
//!
//! The token response carries no `expires_in`: the access token lives as long as the org's
//! session timeout and expiry is detected as 401 `INVALID_SESSION_ID` ([`crate::Retry::RefreshToken`]).
//! A refresh usually returns no new refresh token (unless rotation is on): keep the old one.

use serde::{Deserialize, Serialize};

use super::{json_body, SfSession};
use crate::error::{CrmError, ValidationError};
use crate::http::{form_encode, HttpRequest, HttpResponse};

/// Default scopes: `api` (REST API), `refresh_token` (offline refresh) and `id` (the identity
/// URL; `api` alone does not grant it). Source: "OAuth Tokens and Scopes",
/// <https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_scopes.htm> and
/// `scopes_supported` of `https://login.salesforce.com/.well-known/openid-configuration`.
pub const DEFAULT_SCOPE: &str = "api refresh_token id";

/// Where the user logs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "url", rename_all = "snake_case")]
pub enum LoginHost {
    /// `https://login.salesforce.com`.
    Production,
    /// `https://test.salesforce.com`.
    Sandbox,
    /// The org's My Domain, e.g. `https://acme.my.salesforce.com` or
    /// `acme--uat.sandbox.my.salesforce.com`. Must be an https host ending in
    /// `.my.salesforce.com`; loopback hosts (`127.0.0.1`, `localhost`, with a port) are
    /// accepted too, for the local sandbox org.
    MyDomain(String),
}

impl LoginHost {
    /// The validated `https://host[:port]` base of the OAuth endpoints.
    pub fn base_url(&self) -> Result<String, ValidationError> {
        match self {
            LoginHost::Production => Ok("https://login.salesforce.com".into()),
            LoginHost::Sandbox => Ok("https://test.salesforce.com".into()),
            LoginHost::MyDomain(raw) => my_domain_base(raw),
        }
    }
}

fn my_domain_base(raw: &str) -> Result<String, ValidationError> {
    let bad = |reason: &str| ValidationError::Malformed {
        field: "my_domain".into(),
        reason: reason.into(),
    };
    let trimmed = raw.trim().trim_end_matches('/');
    let host_port = match trimmed.split_once("://") {
        Some(("https", rest)) => rest,
        Some(_) => return Err(bad("must use https")),
        None => trimmed,
    }
    .to_ascii_lowercase();
    let (host, port) = match host_port.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => (h, Some(p)),
        Some(_) => return Err(bad("unexpected ':' in host")),
        None => (host_port.as_str(), None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !host.starts_with(['.', '-'])
        && !host.contains("..");
    if !host_ok {
        return Err(bad("not a host name"));
    }
    let loopback = host == "127.0.0.1" || host == "localhost";
    if !loopback && (!host.ends_with(".my.salesforce.com") || port.is_some()) {
        return Err(bad("must be https://<name>.my.salesforce.com"));
    }
    Ok(match port {
        Some(p) => format!("https://{host}:{p}"),
        None => format!("https://{host}"),
    })
}

/// Inputs of the authorize URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizeParams {
    /// Login host.
    pub login_host: LoginHost,
    /// Consumer key of the External Client App.
    pub client_id: String,
    /// `chrome.identity.getRedirectURL()`, registered as the app's callback.
    pub redirect_uri: String,
    /// [`crate::pkce::challenge_s256`] of the verifier kept by the caller.
    pub code_challenge: String,
    /// [`crate::pkce::state_from_random`], checked on the redirect.
    pub state: String,
    /// Space-separated scopes; [`DEFAULT_SCOPE`] when empty.
    pub scope: String,
}

/// The URL to open with `chrome.identity.launchWebAuthFlow`.
pub fn authorize_url(p: &AuthorizeParams) -> Result<String, CrmError> {
    let base = p.login_host.base_url()?;
    let scope = if p.scope.trim().is_empty() {
        DEFAULT_SCOPE
    } else {
        p.scope.as_str()
    };
    Ok(format!(
        "{base}/services/oauth2/authorize?{}",
        form_encode(&[
            ("response_type", "code"),
            ("client_id", &p.client_id),
            ("redirect_uri", &p.redirect_uri),
            ("code_challenge", &p.code_challenge),
            ("code_challenge_method", "S256"),
            ("state", &p.state),
            ("scope", scope),
        ])
    ))
}

/// `POST /services/oauth2/token` exchanging the code (no client secret: public client).
pub fn code_exchange_request(
    login_host: &LoginHost,
    client_id: &str,
    redirect_uri: &str,
    code: &str,
    code_verifier: &str,
) -> Result<HttpRequest, CrmError> {
    Ok(HttpRequest::form(
        format!("{}/services/oauth2/token", login_host.base_url()?),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", client_id),
            ("redirect_uri", redirect_uri),
            ("code_verifier", code_verifier),
        ],
    ))
}

/// `POST /services/oauth2/token` with `grant_type=refresh_token` (no client secret).
pub fn refresh_request(
    login_host: &LoginHost,
    client_id: &str,
    refresh_token: &str,
) -> Result<HttpRequest, CrmError> {
    Ok(HttpRequest::form(
        format!("{}/services/oauth2/token", login_host.base_url()?),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", client_id),
        ],
    ))
}

/// `POST /services/oauth2/revoke` `token=<access or refresh token>`; revoking the refresh
/// token also revokes its access tokens. Parse with [`parse_revoke_response`].
pub fn revoke_request(login_host: &LoginHost, token: &str) -> Result<HttpRequest, CrmError> {
    Ok(HttpRequest::form(
        format!("{}/services/oauth2/revoke", login_host.base_url()?),
        &[("token", token)],
    ))
}

/// 200 → revoked; otherwise the OAuth error (`invalid_token`, `unsupported_token_type`).
pub fn parse_revoke_response(resp: &HttpResponse) -> Result<(), CrmError> {
    if resp.is_success() {
        Ok(())
    } else {
        json_body(resp).map(|_| ())
    }
}

/// A token response (code exchange or refresh).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SfToken {
    /// Bearer token for the REST API.
    pub access_token: String,
    /// Present on code exchange with the `refresh_token` scope, and on refresh with rotation.
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// The org's API host.
    pub instance_url: String,
    /// Identity URL `https://login.salesforce.com/id/<orgId>/<userId>`.
    pub id: String,
    /// Milliseconds since the epoch, as a string (Salesforce sends it that way).
    #[serde(default)]
    pub issued_at: Option<String>,
    /// Base64 HMAC of `id + issued_at` keyed with the consumer secret (unverifiable here).
    #[serde(default)]
    pub signature: Option<String>,
    /// Granted scopes, space-separated.
    #[serde(default)]
    pub scope: Option<String>,
    /// `Bearer`.
    #[serde(default)]
    pub token_type: Option<String>,
}

impl SfToken {
    /// `issued_at` as a number.
    pub fn issued_at_ms(&self) -> Option<u64> {
        self.issued_at.as_deref().and_then(|s| s.parse().ok())
    }

    /// A REST session for this token (default API version and LinkedIn field).
    pub fn session(&self) -> SfSession {
        SfSession::new(&self.instance_url, &self.access_token)
    }

    /// The user id (last segment of the identity URL).
    pub fn user_id(&self) -> Option<&str> {
        self.id.rsplit('/').next().filter(|s| !s.is_empty())
    }
}

/// Parses a token response; an OAuth error body (`invalid_grant`: revoked or expired refresh
/// token, bad code) becomes [`CrmError::Api`] with `Retry::Never` and a reconnect hint.
pub fn parse_token_response(resp: &HttpResponse) -> Result<SfToken, CrmError> {
    let v = json_body(resp)?;
    serde_json::from_value(v).map_err(|e| CrmError::parse(e.to_string(), &resp.body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn login_hosts() {
        let ok = [
            ("acme.my.salesforce.com", "https://acme.my.salesforce.com"),
            (
                "https://Acme.my.salesforce.com/",
                "https://acme.my.salesforce.com",
            ),
            (
                "acme--uat.sandbox.my.salesforce.com",
                "https://acme--uat.sandbox.my.salesforce.com",
            ),
            ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
            ("localhost:3000", "https://localhost:3000"),
        ];
        for (raw, want) in ok {
            assert_eq!(LoginHost::MyDomain(raw.into()).base_url().unwrap(), want);
        }
        for bad in [
            "http://acme.my.salesforce.com",
            "evil.com",
            "acme.my.salesforce.com.evil.com",
            "https://acme.my.salesforce.com/path",
            "https://user@acme.my.salesforce.com",
            "acme.my.salesforce.com:444",
            "",
            // A loopback host takes a port, but only a number (never a URL with an empty
            // or a made-up port in it).
            "https://localhost:",
            "https://127.0.0.1:84x3",
            "https://127.0.0.1:[::1]",
        ] {
            assert!(LoginHost::MyDomain(bad.into()).base_url().is_err(), "{bad}");
        }
    }
}
