//! HubSpot OAuth: authorize URL, code exchange and refresh (both need `client_secret`), and
//! token metadata (`hub_id`, `user_id`). Access tokens last 30 minutes (`expires_in` 1800):
//! HubSpot asks clients to refresh ahead of expiry rather than on a 401.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{id_string, json_body};
use crate::error::CrmError;
use crate::http::{form_encode, join_url, percent_encode, HttpRequest, HttpResponse};

/// Authorize page.
pub const AUTHORIZE_URL: &str = "https://app.hubspot.com/oauth/authorize";
/// Default OAuth path version (`/oauth/2026-03/token`); `"v1"` selects the legacy endpoints.
pub const DEFAULT_OAUTH_VERSION: &str = "2026-03";
/// Scopes the product needs.
pub const DEFAULT_SCOPE: &str =
    "oauth crm.objects.contacts.read crm.objects.contacts.write crm.objects.owners.read";

/// Inputs of the authorize URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsAuthorizeParams {
    /// The app's client id.
    pub client_id: String,
    /// `chrome.identity.getRedirectURL()`.
    pub redirect_uri: String,
    /// Space-separated scopes; [`DEFAULT_SCOPE`] when empty.
    pub scope: String,
    /// CSRF state.
    pub state: String,
    /// PKCE S256 challenge, if used.
    #[serde(default)]
    pub code_challenge: Option<String>,
}

/// `https://app.hubspot.com/oauth/authorize?client_id&redirect_uri&scope&state[&code_challenge…]`.
pub fn authorize_url(p: &HsAuthorizeParams) -> String {
    authorize_url_at(AUTHORIZE_URL, p)
}

/// Same on another authorize page (the local sandbox).
pub fn authorize_url_at(base: &str, p: &HsAuthorizeParams) -> String {
    let scope = if p.scope.trim().is_empty() {
        DEFAULT_SCOPE
    } else {
        p.scope.as_str()
    };
    let mut pairs = vec![
        ("client_id", p.client_id.as_str()),
        ("redirect_uri", p.redirect_uri.as_str()),
        ("scope", scope),
        ("state", p.state.as_str()),
    ];
    if let Some(challenge) = &p.code_challenge {
        pairs.push(("code_challenge", challenge));
        pairs.push(("code_challenge_method", "S256"));
    }
    format!("{base}?{}", form_encode(&pairs))
}

fn token_url(api_base: &str, oauth_version: &str) -> String {
    join_url(api_base, &format!("oauth/{oauth_version}/token"))
}

/// `POST /oauth/{version}/token` `grant_type=authorization_code` (client secret required).
pub fn code_exchange_request(
    api_base: &str,
    oauth_version: &str,
    client_id: &str,
    client_secret: &str,
    redirect_uri: &str,
    code: &str,
    code_verifier: Option<&str>,
) -> HttpRequest {
    let mut pairs = vec![
        ("grant_type", "authorization_code"),
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("redirect_uri", redirect_uri),
        ("code", code),
    ];
    if let Some(v) = code_verifier {
        pairs.push(("code_verifier", v));
    }
    HttpRequest::form(token_url(api_base, oauth_version), &pairs)
}

/// `POST /oauth/{version}/token` `grant_type=refresh_token`.
pub fn refresh_request(
    api_base: &str,
    oauth_version: &str,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> HttpRequest {
    HttpRequest::form(
        token_url(api_base, oauth_version),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("refresh_token", refresh_token),
        ],
    )
}

/// A token response (wire format is snake_case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsToken {
    /// Bearer token.
    pub access_token: String,
    /// Refresh token.
    pub refresh_token: Option<String>,
    /// Seconds until the access token expires (1800).
    pub expires_in: Option<u64>,
    /// Portal id.
    pub hub_id: Option<u64>,
    /// The authorizing user's id (map to an owner with `idProperty=userId`).
    pub user_id: Option<u64>,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

/// Parses a token response; `invalid_grant` / `BAD_REFRESH_TOKEN` become a reconnect error.
pub fn parse_token_response(resp: &HttpResponse) -> Result<HsToken, CrmError> {
    let v = json_body(resp)?;
    let access_token = v
        .get("access_token")
        .and_then(Value::as_str)
        .ok_or_else(|| CrmError::parse("token response has no access_token", &resp.body))?;
    Ok(HsToken {
        access_token: access_token.to_string(),
        refresh_token: v
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(str::to_string),
        expires_in: v.get("expires_in").and_then(Value::as_u64),
        hub_id: v.get("hub_id").and_then(Value::as_u64),
        user_id: v.get("user_id").and_then(Value::as_u64),
        scopes: scopes(&v),
    })
}

fn scopes(v: &Value) -> Vec<String> {
    v.get("scopes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Who a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsTokenInfo {
    /// Portal id.
    pub hub_id: Option<u64>,
    /// User id.
    pub user_id: Option<String>,
    /// The user's e-mail (`user`).
    pub user_email: Option<String>,
    /// Granted scopes.
    pub scopes: Vec<String>,
}

/// Legacy metadata call `GET /oauth/v1/access-tokens/{token}` (no secret needed).
pub fn token_metadata_request(api_base: &str, access_token: &str) -> HttpRequest {
    let mut req = HttpRequest::get(
        join_url(
            api_base,
            &format!("oauth/v1/access-tokens/{}", percent_encode(access_token)),
        ),
        "",
    );
    req.headers.retain(|(n, _)| n != "Authorization");
    req
}

/// `POST /oauth/{version}/token/introspect` (needs the client secret).
pub fn introspect_request(
    api_base: &str,
    oauth_version: &str,
    client_id: &str,
    client_secret: &str,
    access_token: &str,
) -> HttpRequest {
    HttpRequest::form(
        join_url(api_base, &format!("oauth/{oauth_version}/token/introspect")),
        &[
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("token", access_token),
            ("token_type_hint", "access_token"),
        ],
    )
}

/// Reads either metadata answer.
pub fn parse_token_info(resp: &HttpResponse) -> Result<HsTokenInfo, CrmError> {
    let v = json_body(resp)?;
    Ok(HsTokenInfo {
        hub_id: v.get("hub_id").and_then(Value::as_u64),
        user_id: id_string(v.get("user_id")),
        user_email: v.get("user").and_then(Value::as_str).map(str::to_string),
        scopes: scopes(&v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sign-in page is HubSpot's own, with the app's client id, scopes, state and PKCE
    /// challenge (the default scopes when none are set).
    #[test]
    fn the_authorize_url_is_hubspots_with_the_apps_parameters() {
        let url = authorize_url(&HsAuthorizeParams {
            client_id: "cid".into(),
            redirect_uri: "https://x.chromiumapp.org/hs".into(),
            scope: String::new(),
            state: "st".into(),
            code_challenge: Some("ch".into()),
        });
        assert!(url.starts_with("https://app.hubspot.com/oauth/authorize?client_id=cid&redirect_uri=https%3A%2F%2Fx.chromiumapp.org%2Fhs&scope="), "{url}");
        assert!(
            url.ends_with("&state=st&code_challenge=ch&code_challenge_method=S256"),
            "{url}"
        );
        let scope = form_encode(&[("scope", DEFAULT_SCOPE)]);
        assert!(url.contains(&scope), "{url}");
    }

    /// The legacy metadata call names the token in its path and sends no `Authorization`
    /// header (an empty bearer would be refused), only what it accepts.
    #[test]
    fn token_metadata_is_asked_without_an_authorization_header() {
        let req = token_metadata_request("https://api.hubapi.com", "CJT/x+y");
        assert_eq!(req.method, "GET");
        assert_eq!(
            req.url,
            "https://api.hubapi.com/oauth/v1/access-tokens/CJT%2Fx%2By"
        );
        assert_eq!(req.header("Authorization"), None);
        assert_eq!(req.header("Accept"), Some("application/json"));
    }
}
