//! Salesforce OAuth 2.0: the authorize pages (web server flow with PKCE), the token endpoint
//! (authorization_code, refresh_token, password), revoke, and the identity / userinfo URLs.

use base64::Engine;
use serde_json::json;

use super::{apps, oidc};
use crate::clock;
use crate::grants::{Provider, CODE_TTL_MS};
use crate::http::{Request, Response};
use crate::ids;
use crate::org::State;
use crate::pages::{self, AuthorizeParams};
use crate::seed;
use crate::store::TokenRow;

const DEFAULT_SCOPE: &str = "api refresh_token id";

/// The org's My Domain in production, and its sandbox copy's (`<domain>--<sandbox>.sandbox.`).
pub const PRODUCTION_INSTANCE: &str = "https://acme.my.salesforce.com";
/// The sandbox org's My Domain, handed out by logins at `test.salesforce.com`.
pub const SANDBOX_INSTANCE: &str = "https://acme--uat.sandbox.my.salesforce.com";

/// Does this Salesforce host belong to a sandbox org (`test.salesforce.com` or a sandbox My
/// Domain)?
fn sandbox_host(host: &str) -> bool {
    host == "test.salesforce.com" || host.ends_with(".sandbox.my.salesforce.com")
}

/// The `instance_url` handed out for a request's Host: a login at `test.salesforce.com`
/// lands on the sandbox org's My Domain, as in Salesforce (both are this one emulated org).
pub fn instance_url(request: &Request) -> String {
    let host = request.host_name();
    if sandbox_host(&host) {
        SANDBOX_INSTANCE.into()
    } else if host.ends_with("salesforce.com") {
        PRODUCTION_INSTANCE.into()
    } else {
        format!("https://{}", request.host())
    }
}

pub(super) fn identity_url(request: &Request, user_id: &str) -> String {
    let host = request.host_name();
    let base = if sandbox_host(&host) {
        "https://test.salesforce.com".to_string()
    } else if host.ends_with("salesforce.com") {
        "https://login.salesforce.com".to_string()
    } else {
        format!("https://{}", request.host())
    };
    format!("{base}/id/{}/{user_id}", seed::org_id())
}

fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    Response::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

/// Answers `/services/oauth2/*` (but `userinfo`, which `identity` answers).
pub fn handle(state: &mut State, request: &Request) -> Response {
    match request.path.trim_end_matches('/') {
        "/services/oauth2/authorize" => authorize(state, request),
        "/services/oauth2/token" if request.method == "POST" => token(state, request),
        "/services/oauth2/revoke" => revoke(state, request),
        _ => Response::json(404, &super::errors::not_found_value()),
    }
}

fn authorize(state: &mut State, request: &Request) -> Response {
    let params = AuthorizeParams::from_request(request);
    let Some(app) = apps::app(&params.client_id) else {
        return pages::error_page(
            400,
            "OAuth Error",
            "error=invalid_client_id: client identifier invalid",
        );
    };
    if !app.accepts_redirect(&params.redirect_uri) {
        return pages::error_page(
            400,
            "OAuth Error",
            "error=redirect_uri_mismatch: redirect_uri must match configuration",
        );
    }
    let state_param = params.state.clone().unwrap_or_default();
    let fail = |error: &str, description: &str| {
        let mut out = vec![("error", error), ("error_description", description)];
        if params.state.is_some() {
            out.push(("state", state_param.as_str()));
        }
        pages::redirect_with(&params.redirect_uri, &out)
    };
    if params.response_type != "code" {
        return fail("unsupported_response_type", "response type not supported");
    }
    if app.requires_pkce && params.code_challenge.is_none() {
        return fail("invalid_request", "missing required code challenge");
    }
    if params
        .code_challenge_method
        .as_deref()
        .is_some_and(|m| m != "S256")
    {
        return fail("invalid_request", "invalid code challenge method");
    }
    pages::authorize(state, request, Provider::Salesforce, &params, app.name)
}

/// Checks the client and its secret rules; `Err` is the response to send.
fn check_client(client_id: Option<&str>, secret: Option<&str>) -> Result<String, Response> {
    apps::authenticate(client_id, secret)
        .map(|app| app.client_id.to_string())
        .map_err(|refusal| {
            let (error, description) = refusal.oauth_error();
            oauth_error(400, error, description)
        })
}

fn token(state: &mut State, request: &Request) -> Response {
    let get = |name: &str| request.form_value(name);
    let Some(grant_type) = get("grant_type") else {
        return oauth_error(400, "invalid_request", "grant type is missing");
    };
    let client = check_client(get("client_id").as_deref(), get("client_secret").as_deref());
    let now = clock::now_ms();
    match grant_type.as_str() {
        "authorization_code" => {
            let client_id = match client {
                Ok(c) => c,
                Err(r) => return r,
            };
            let Some(code) = get("code").and_then(|c| state.codes.remove(&c)) else {
                return oauth_error(400, "invalid_grant", "invalid authorization code");
            };
            if code.provider != Provider::Salesforce || code.client_id != client_id {
                return oauth_error(400, "invalid_grant", "invalid authorization code");
            }
            if now - code.created_ms > CODE_TTL_MS {
                return oauth_error(400, "invalid_grant", "expired authorization code");
            }
            if get("redirect_uri").as_deref() != Some(code.redirect_uri.as_str()) {
                return oauth_error(
                    400,
                    "redirect_uri_mismatch",
                    "redirect_uri must match configuration",
                );
            }
            if let Some(challenge) = &code.code_challenge {
                let Some(verifier) = get("code_verifier") else {
                    return oauth_error(400, "invalid_grant", "invalid code verifier");
                };
                if pages::s256(&verifier) != *challenge {
                    return oauth_error(400, "invalid_request", "invalid code verifier");
                }
            }
            let scope = if code.scope.is_empty() {
                DEFAULT_SCOPE.to_string()
            } else {
                code.scope.clone()
            };
            let with_refresh = scope
                .split(' ')
                .any(|s| s == "refresh_token" || s == "offline_access");
            issue(
                state,
                request,
                &code.user_id,
                &client_id,
                &scope,
                with_refresh,
                None,
            )
        }
        "refresh_token" => {
            let client_id = match client {
                Ok(c) => c,
                Err(r) => return r,
            };
            let Some(refresh) = get("refresh_token") else {
                return oauth_error(400, "invalid_grant", "expired access/refresh token");
            };
            let row = match state.store.token(&refresh) {
                Ok(row) => row,
                Err(e) => return oauth_error(500, "server_error", &e.to_string()),
            };
            let Some(row) =
                row.filter(|r| r.kind == "sf_refresh" && !r.revoked && r.client_id == client_id)
            else {
                return oauth_error(400, "invalid_grant", "expired access/refresh token");
            };
            if seed::user_by_id(&row.user_id).is_none_or(|(_, u)| !u.active) {
                return oauth_error(400, "inactive_user", "user is inactive");
            }
            issue(
                state,
                request,
                &row.user_id,
                &client_id,
                &row.scope,
                false,
                Some(&refresh),
            )
        }
        "password" => {
            let client_id = match client {
                Ok(c) => c,
                Err(r) => return r,
            };
            let username = get("username").unwrap_or_default();
            let password = get("password").unwrap_or_default();
            match seed::user_by_email(&username) {
                Some((id, user)) if user.active && password == seed::PASSWORD => {
                    issue(state, request, &id, &client_id, "api id", false, None)
                }
                Some((_, user)) if !user.active => {
                    oauth_error(400, "invalid_grant", "authentication failure")
                }
                _ => oauth_error(400, "invalid_grant", "authentication failure"),
            }
        }
        _ => oauth_error(400, "unsupported_grant_type", "grant type not supported"),
    }
}

fn issue(
    state: &mut State,
    request: &Request,
    user_id: &str,
    client_id: &str,
    scope: &str,
    with_refresh: bool,
    parent: Option<&str>,
) -> Response {
    let now = clock::now_ms();
    let org15 = &seed::org_id()[..15];
    let access = format!("{org15}!AR{}", ids::random_token(48));
    let row = TokenRow {
        kind: "sf_access".into(),
        user_id: user_id.into(),
        client_id: client_id.into(),
        scope: scope.into(),
        issued_ms: now,
        expires_ms: Some(now + state.token_ttl_ms),
        revoked: false,
    };
    let mut refresh = None;
    let result = (|| {
        if with_refresh {
            make_room_for_an_approval(state, user_id, client_id)?;
            let token = format!("5Aep861{}", ids::random_token(48));
            let refresh_row = TokenRow {
                kind: "sf_refresh".into(),
                expires_ms: None,
                ..row.clone()
            };
            state.store.insert_token(&token, &refresh_row, None)?;
            refresh = Some(token);
        }
        state
            .store
            .insert_token(&access, &row, refresh.as_deref().or(parent))
    })();
    if let Err(e) = result {
        return oauth_error(500, "server_error", &e.to_string());
    }
    let id = identity_url(request, user_id);
    let issued_at = now.to_string();
    let key = apps::app(client_id)
        .and_then(|app| app.secret)
        .unwrap_or("leadline-sandbox-no-secret");
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key.as_bytes()),
        format!("{id}{issued_at}").as_bytes(),
    );
    let mut body = json!({
        "access_token": access,
        "signature": base64::engine::general_purpose::STANDARD.encode(mac.as_ref()),
        "scope": scope,
        "instance_url": instance_url(request),
        "id": id,
        "token_type": "Bearer",
        "issued_at": issued_at,
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    if oidc::wants_id_token(scope) {
        let issuer = id.split("/id/").next().unwrap_or_default().to_string();
        let claims = oidc::IdClaims {
            issuer: &issuer,
            identity_url: &id,
            client_id,
            access_token: &access,
            issued_ms: now,
        };
        match oidc::id_token(&state.store, &claims) {
            Ok(Some(token)) => body["id_token"] = json!(token),
            Ok(None) => return oauth_error(500, "server_error", "no ID token signing key"),
            Err(e) => return oauth_error(500, "server_error", &e.to_string()),
        }
    }
    Response::json(200, &body)
}

/// Keeps at most [`seed::MAX_APPROVALS_PER_USER_PER_APP`] approvals (live refresh tokens)
/// per user and app once the new one is issued: the oldest are revoked with their access
/// tokens, and their next refresh answers `invalid_grant` (Salesforce Help 000205876).
fn make_room_for_an_approval(
    state: &State,
    user_id: &str,
    client_id: &str,
) -> crate::store::StoreResult<()> {
    let live = state.store.live_refresh_tokens(user_id, client_id)?;
    let excess = (live.len() + 1).saturating_sub(seed::MAX_APPROVALS_PER_USER_PER_APP);
    for oldest in live.iter().take(excess) {
        state.store.revoke_token(oldest)?;
    }
    Ok(())
}

fn revoke(state: &mut State, request: &Request) -> Response {
    let token = if request.method == "POST" {
        request.form_value("token")
    } else {
        request.query_param("token")
    };
    let Some(token) = token else {
        return oauth_error(400, "unsupported_token_type", "missing token");
    };
    let known = state
        .store
        .token(&token)
        .ok()
        .flatten()
        .filter(|r| r.kind.starts_with("sf_"));
    match known {
        Some(_) => match state.store.revoke_token(&token) {
            Ok(_) => Response::empty(200),
            Err(e) => oauth_error(500, "server_error", &e.to_string()),
        },
        None => oauth_error(400, "invalid_token", "invalid token"),
    }
}

#[cfg(test)]
mod host_tests {
    use super::*;

    fn with_host(host: &str) -> Request {
        Request {
            method: "GET".into(),
            path: "/".into(),
            headers: vec![("host".into(), host.into())],
            ..Request::default()
        }
    }

    #[test]
    fn instance_and_identity_urls_follow_the_host() {
        let sf = with_host("login.salesforce.com");
        assert_eq!(instance_url(&sf), "https://acme.my.salesforce.com");
        assert!(identity_url(&sf, "005x").starts_with("https://login.salesforce.com/id/"));
        let test = with_host("test.salesforce.com");
        assert!(identity_url(&test, "005x").starts_with("https://test.salesforce.com/id/"));
        assert_eq!(instance_url(&test), SANDBOX_INSTANCE);
        let uat = with_host("acme--uat.sandbox.my.salesforce.com");
        assert_eq!(instance_url(&uat), SANDBOX_INSTANCE);
        assert!(identity_url(&uat, "005x").starts_with("https://test.salesforce.com/id/"));
        let my_domain = with_host("acme.my.salesforce.com");
        assert_eq!(instance_url(&my_domain), PRODUCTION_INSTANCE);
        assert!(identity_url(&my_domain, "005x").starts_with("https://login.salesforce.com/id/"));
        let local = with_host("127.0.0.1:8443");
        assert_eq!(instance_url(&local), "https://127.0.0.1:8443");
        assert!(identity_url(&local, "005x").starts_with("https://127.0.0.1:8443/id/"));
    }
}
