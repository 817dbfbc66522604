//! HubSpot OAuth: the authorize pages, the token endpoint (v1, v3 and date-versioned paths;
//! client_secret required), token metadata, introspection and revocation.

use serde_json::{json, Value};

use super::errors::error;
use crate::clock;
use crate::grants::{Provider, CODE_TTL_MS};
use crate::http::{Request, Response};
use crate::ids;
use crate::org::State;
use crate::pages::{self, AuthorizeParams};
use crate::salesforce::https_url;
use crate::salesforce::redirect_allowed as salesforce_redirect_allowed;
use crate::seed;
use crate::store::TokenRow;

/// HubSpot access tokens live 30 minutes (or less with a shorter --token-ttl).
const HS_TTL_MS: i64 = 30 * 60 * 1000;
const DEFAULT_SCOPES: &str = "oauth crm.objects.contacts.read crm.objects.contacts.write crm.objects.companies.read crm.objects.companies.write crm.objects.owners.read";

fn token_error(status: &str, error: &str, message: &str) -> Response {
    Response::json(
        400,
        &json!({
            "status": status,
            "message": message,
            "correlationId": ids::correlation_id(),
            "error": error,
            "error_description": message,
        }),
    )
}

/// Answers `/oauth/...`.
pub fn handle(state: &mut State, request: &Request) -> Response {
    let segments = request.segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (request.method.as_str(), segs.as_slice()) {
        (_, ["oauth", "authorize"]) | (_, ["oauth", _, "authorize"]) => authorize(state, request),
        ("POST", ["oauth", _, "token"]) => token(state, request),
        ("POST", ["oauth", _, "token", "introspect"]) => introspect(state, request),
        ("POST", ["oauth", _, "token", "revoke"]) => revoke_form(state, request),
        ("GET", ["oauth", "v1", "access-tokens", token]) => access_token_info(state, token),
        ("GET", ["oauth", "v1", "refresh-tokens", token]) => refresh_token_info(state, token),
        ("DELETE", ["oauth", "v1", "refresh-tokens", token]) => {
            match state
                .store
                .token(token)
                .ok()
                .flatten()
                .filter(|r| r.kind == "hs_refresh")
            {
                Some(_) => {
                    let _ = state.store.revoke_token(token);
                    Response::empty(204)
                }
                None => error(404, "OBJECT_NOT_FOUND", "Refresh token not found"),
            }
        }
        _ => error(404, "OBJECT_NOT_FOUND", "Resource not found"),
    }
}

fn authorize(state: &mut State, request: &Request) -> Response {
    let params = AuthorizeParams::from_request(request);
    if params.client_id != seed::HS_CLIENT_ID {
        return pages::error_page(
            400,
            "Authorization failed",
            "The app's client_id is invalid (BAD_CLIENT_ID).",
        );
    }
    // The app's redirect URLs: the extension's (and loopback), and a team server's own
    // `https://` callback (its reps' "Sign in with HubSpot"), as an admin registers them.
    if !salesforce_redirect_allowed(&params.redirect_uri) && !https_url(&params.redirect_uri) {
        return pages::error_page(
            400,
            "Authorization failed",
            "redirect_uri does not match the app's redirect URLs (BAD_REDIRECT_URI).",
        );
    }
    pages::authorize(state, request, Provider::Hubspot, &params, "Leadline")
}

fn ttl(state: &State) -> i64 {
    state.token_ttl_ms.min(HS_TTL_MS)
}

fn token(state: &mut State, request: &Request) -> Response {
    let get = |name: &str| request.form_value(name);
    if get("client_id").as_deref() != Some(seed::HS_CLIENT_ID) {
        return token_error(
            "BAD_CLIENT_ID",
            "invalid_client",
            "missing or unknown client id",
        );
    }
    if get("client_secret").as_deref() != Some(seed::HS_CLIENT_SECRET) {
        return token_error(
            "BAD_CLIENT_SECRET",
            "invalid_client",
            "missing or invalid client secret",
        );
    }
    let now = clock::now_ms();
    match get("grant_type").as_deref() {
        Some("authorization_code") => {
            let Some(code) = get("code").and_then(|c| state.codes.remove(&c)) else {
                return token_error(
                    "BAD_AUTH_CODE",
                    "invalid_grant",
                    "missing or unknown auth code",
                );
            };
            if code.provider != Provider::Hubspot || now - code.created_ms > CODE_TTL_MS {
                return token_error(
                    "BAD_AUTH_CODE",
                    "invalid_grant",
                    "missing or unknown auth code",
                );
            }
            if get("redirect_uri").as_deref() != Some(code.redirect_uri.as_str()) {
                return token_error(
                    "BAD_REDIRECT_URI",
                    "invalid_grant",
                    "redirect_uri does not match the one used for authorization",
                );
            }
            if let Some(challenge) = &code.code_challenge {
                if get("code_verifier").is_none_or(|v| pages::s256(&v) != *challenge) {
                    return token_error(
                        "BAD_AUTH_CODE",
                        "invalid_grant",
                        "code_verifier does not match code_challenge",
                    );
                }
            }
            let scope = if code.scope.is_empty() {
                DEFAULT_SCOPES.to_string()
            } else {
                code.scope.clone()
            };
            let refresh = format!("na1-{}", ids::random_token(24));
            let row = TokenRow {
                kind: "hs_refresh".into(),
                user_id: code.user_id.clone(),
                client_id: code.client_id.clone(),
                scope: scope.clone(),
                issued_ms: now,
                expires_ms: None,
                revoked: false,
            };
            if let Err(e) = state.store.insert_token(&refresh, &row, None) {
                return error(500, "INTERNAL_ERROR", &e.to_string());
            }
            issue(state, &code.user_id, &scope, &refresh)
        }
        Some("refresh_token") => {
            let Some(refresh) = get("refresh_token") else {
                return token_error(
                    "BAD_REFRESH_TOKEN",
                    "invalid_grant",
                    "refresh token is invalid, expired or revoked",
                );
            };
            let row = state
                .store
                .token(&refresh)
                .ok()
                .flatten()
                .filter(|r| r.kind == "hs_refresh" && !r.revoked);
            let Some(row) = row else {
                return token_error(
                    "BAD_REFRESH_TOKEN",
                    "invalid_grant",
                    "refresh token is invalid, expired or revoked",
                );
            };
            issue(state, &row.user_id, &row.scope, &refresh)
        }
        _ => token_error(
            "BAD_GRANT_TYPE",
            "unsupported_grant_type",
            "grant_type must be authorization_code or refresh_token",
        ),
    }
}

fn issue(state: &mut State, user_id: &str, scope: &str, refresh: &str) -> Response {
    let now = clock::now_ms();
    let access = format!("CN{}", ids::random_token(96));
    let row = TokenRow {
        kind: "hs_access".into(),
        user_id: user_id.into(),
        client_id: seed::HS_CLIENT_ID.into(),
        scope: scope.into(),
        issued_ms: now,
        expires_ms: Some(now + ttl(state)),
        revoked: false,
    };
    if let Err(e) = state.store.insert_token(&access, &row, Some(refresh)) {
        return error(500, "INTERNAL_ERROR", &e.to_string());
    }
    let user = seed::user_by_id(user_id).map(|(_, u)| u);
    Response::json(
        200,
        &json!({
            "token_type": "bearer",
            "refresh_token": refresh,
            "access_token": access,
            "expires_in": ttl(state) / 1000,
            "hub_id": seed::HUB_ID,
            "user_id": user.map(|u| u.hs_user_id),
            "scopes": scope.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            "token_use": "access_token",
        }),
    )
}

fn token_info(state: &State, token: &str, kind: &str) -> Option<(TokenRow, seed::SeedUser)> {
    let row = state.store.token(token).ok().flatten()?;
    let live =
        row.kind == kind && !row.revoked && row.expires_ms.is_none_or(|e| e > clock::now_ms());
    if !live {
        return None;
    }
    let (_, user) = seed::user_by_id(&row.user_id)?;
    Some((row, user))
}

fn access_token_info(state: &State, token: &str) -> Response {
    let Some((row, user)) = token_info(state, token, "hs_access") else {
        return error(404, "OBJECT_NOT_FOUND", "Token not found or expired");
    };
    let remaining = row
        .expires_ms
        .map(|e| (e - clock::now_ms()) / 1000)
        .unwrap_or(0);
    Response::json(
        200,
        &json!({
            "token": token,
            "user": user.email,
            "hub_domain": seed::HUB_DOMAIN,
            "scopes": row.scope.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            "hub_id": seed::HUB_ID,
            "app_id": seed::HS_APP_ID,
            "expires_in": remaining,
            "user_id": user.hs_user_id,
            "token_type": "access",
            "is_private_distribution": false,
        }),
    )
}

fn refresh_token_info(state: &State, token: &str) -> Response {
    let Some((row, user)) = token_info(state, token, "hs_refresh") else {
        return error(404, "OBJECT_NOT_FOUND", "Refresh token not found");
    };
    Response::json(
        200,
        &json!({
            "token": token,
            "user": user.email,
            "hub_domain": seed::HUB_DOMAIN,
            "scopes": row.scope.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            "hub_id": seed::HUB_ID,
            "client_id": row.client_id,
            "user_id": user.hs_user_id,
            "token_type": "refresh",
        }),
    )
}

fn client_ok(request: &Request) -> bool {
    request.form_value("client_id").as_deref() == Some(seed::HS_CLIENT_ID)
        && request.form_value("client_secret").as_deref() == Some(seed::HS_CLIENT_SECRET)
}

fn introspect(state: &State, request: &Request) -> Response {
    if !client_ok(request) {
        return token_error(
            "BAD_CLIENT_ID",
            "invalid_client",
            "client credentials are required",
        );
    }
    let token = request.form_value("token").unwrap_or_default();
    let info = token_info(state, &token, "hs_access")
        .map(|i| ("access_token", i))
        .or_else(|| token_info(state, &token, "hs_refresh").map(|i| ("refresh_token", i)));
    let Some((token_use, (row, user))) = info else {
        return Response::json(200, &json!({"active": false}));
    };
    let expires_in: Value = row
        .expires_ms
        .map(|e| json!((e - clock::now_ms()) / 1000))
        .unwrap_or(Value::Null);
    Response::json(
        200,
        &json!({
            "active": true,
            "token_use": token_use,
            "token": token,
            "hub_id": seed::HUB_ID,
            "user_id": user.hs_user_id,
            "user": user.email,
            "hub_domain": seed::HUB_DOMAIN,
            "client_id": row.client_id,
            "app_id": seed::HS_APP_ID,
            "scopes": row.scope.split(' ').filter(|s| !s.is_empty()).collect::<Vec<_>>(),
            "expires_in": expires_in,
            "is_private_distribution": false,
            "token_type": "bearer",
        }),
    )
}

fn revoke_form(state: &State, request: &Request) -> Response {
    if !client_ok(request) {
        return token_error(
            "BAD_CLIENT_ID",
            "invalid_client",
            "client credentials are required",
        );
    }
    let token = request.form_value("token").unwrap_or_default();
    let _ = state.store.revoke_token(&token);
    Response::empty(200)
}
