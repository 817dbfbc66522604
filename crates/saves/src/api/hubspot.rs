//! HubSpot personal OAuth: authorize with `state` and PKCE S256, exchange the code and refresh
//! with the app's client secret (HubSpot documents no secret-less exchange), then map the
//! token's `user_id` to a HubSpot owner. The secret is an argument here: the worker reads it
//! from its own storage and nothing this module returns contains it (see [`crate::team`]).

use crm::hubspot::{oauth, owners, HsSession, DEFAULT_API_BASE};
use crm::{CrmUser, HttpResponse, Permission};
use serde_json::{json, Value};

use super::connect::{credential_fail, crm_fail, returned_code};
use super::reply::{answer, fail, read, to_json};
use crate::message::Role;
use crate::records::ErrorInfo;
use crate::step::Tokens;
use crate::team::{Connection, Health, LocalTeam};
use crm::error::Crm;
use crm::Credential;

fn missing_secret() -> Value {
    fail(&ErrorInfo {
        code: "missing_client_secret".into(),
        message: "The HubSpot app's client secret is not set, so personal HubSpot connections cannot be made.".into(),
        hint: "An admin enters the HubSpot app's client id and client secret in Options (step 1).".into(),
    })
}

fn secret(client_secret: &str) -> Result<&str, Value> {
    let s = client_secret.trim();
    if s.is_empty() {
        Err(missing_secret())
    } else {
        Ok(s)
    }
}

/// Checks the returned URL like [`super::oauth_exchange`] and builds HubSpot's code exchange
/// (with the client secret and the PKCE verifier): `{ok, request}`.
pub fn hubspot_oauth_exchange(
    team: &Value,
    redirect_uri: &str,
    returned_url: &str,
    expected_state: &str,
    verifier: &str,
    client_secret: &str,
) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let code = returned_code(redirect_uri, returned_url, expected_state)?;
        let client_id = team.config.client_id.clone().unwrap_or_default();
        let request = oauth::code_exchange_request(
            DEFAULT_API_BASE,
            oauth::DEFAULT_OAUTH_VERSION,
            &client_id,
            secret(client_secret)?,
            redirect_uri,
            &code,
            Some(verifier),
        );
        Ok(json!({"ok": true, "request": request}))
    })())
}

fn stored(t: oauth::HsToken, old: Option<Tokens>) -> Tokens {
    let user_id = t.user_id.map(|u| u.to_string());
    Tokens {
        access_token: t.access_token,
        refresh_token: t
            .refresh_token
            .or_else(|| old.as_ref().and_then(|o| o.refresh_token.clone())),
        instance_url: DEFAULT_API_BASE.to_owned(),
        id: user_id.or_else(|| old.map(|o| o.id)).unwrap_or_default(),
    }
}

/// Reads HubSpot's token answer into the stored token shape (`id` = the HubSpot user id):
/// `{ok, token, user_id}`.
pub fn parse_hubspot_token(response: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let t = oauth::parse_token_response(&resp).map_err(|e| {
            credential_fail(Crm::Hubspot, Credential::OauthConnection, &e, "token_error")
        })?;
        let token = stored(t, None);
        if token.id.is_empty() {
            return Err(fail(&ErrorInfo {
                code: "token_error".into(),
                message: "HubSpot's token answer names no user (user_id).".into(),
                hint: "Connect again; if it persists, check the HubSpot app's scopes.".into(),
            }));
        }
        Ok(json!({"ok": true, "user_id": token.id.clone(), "token": token}))
    })())
}

fn session(t: &Tokens) -> HsSession {
    let mut s = HsSession::new(t.access_token.clone());
    if !t.instance_url.is_empty() {
        s.api_base = t.instance_url.clone();
    }
    s
}

/// `GET /crm/v3/owners/{userId}?idProperty=userId` for the token's user: `{ok, request}`.
pub fn hubspot_owner_request(token: &Value, user_id: &str) -> Value {
    answer((|| {
        let t: Tokens = read("token", token)?;
        Ok(json!({"ok": true, "request": owners::owner_by_user_id_request(&session(&t), user_id)}))
    })())
}

/// `{ok, owner:{id, name, email, active}}`.
pub fn parse_hubspot_owner(response: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let owner = owners::parse_owner(&resp).map_err(|e| crm_fail(&e, "owner_error"))?;
        Ok(json!({"ok": true, "owner": owner}))
    })())
}

/// Stores a HubSpot OAuth connection for `role` acting as `owner` (rule 7 checked by the core):
/// `{ok, team, connection, note}`. HubSpot exposes no permission level to a user token, so the
/// connection is `standard`.
pub fn connected_hubspot(
    team: &Value,
    role: &Value,
    owner: &Value,
    users: &Value,
    now: &str,
) -> Value {
    answer((|| {
        let mut team: LocalTeam = read("team", team)?;
        let role: Role = read("role", role)?;
        let owner: CrmUser = read("owner", owner)?;
        let users: Vec<CrmUser> = read("users", users)?;
        let email = owner.email.clone().unwrap_or_default().to_lowercase();
        let conn = Connection {
            role,
            crm_user_id: owner.id.clone(),
            name: owner
                .name
                .clone()
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| email.clone()),
            email,
            permission: Some(Permission::Standard),
            health: Health::Ok,
            last_success: Some(now.to_owned()),
            instance_url: DEFAULT_API_BASE.to_owned(),
        };
        let note = team.store_connection(conn.clone()).map_err(|e| fail(&e))?;
        if !users.is_empty() {
            team.crm_users = users;
        }
        Ok(json!({"ok": true, "team": to_json(&team), "connection": to_json(&conn), "note": note}))
    })())
}

/// The refresh request for a stored HubSpot OAuth token (needs the client secret).
pub fn hubspot_refresh_request(team: &Value, token: &Value, client_secret: &str) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        let Some(refresh) = t.refresh_token.as_deref() else {
            // A private-app token or service key has nothing to refresh: HubSpot refused the
            // token itself (401), in the table's words.
            let refused = crm::CrmError::from(crm::ApiError {
                status: 401,
                code: "INVALID_AUTHENTICATION".into(),
                message: String::new(),
                fields: vec![],
                duplicate_ids: vec![],
                hint: None,
            });
            let credential = Credential::of_hubspot_token(&t.access_token);
            return Err(credential_fail(
                Crm::Hubspot,
                credential,
                &refused,
                "invalid_grant",
            ));
        };
        let client_id = team.config.client_id.clone().unwrap_or_default();
        let request = oauth::refresh_request(
            DEFAULT_API_BASE,
            oauth::DEFAULT_OAUTH_VERSION,
            &client_id,
            secret(client_secret)?,
            refresh,
        );
        Ok(json!({"ok": true, "request": request}))
    })())
}

/// Reads HubSpot's refresh answer into the new stored token; a refused refresh answers
/// `{ok:false, error, reconnect}` (`reconnect` false only for a transient failure).
pub fn parse_hubspot_refresh(response: &Value, old_token: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let old: Tokens = read("token", old_token)?;
        match oauth::parse_token_response(&resp) {
            Ok(t) => Ok(json!({"ok": true, "token": stored(t, Some(old))})),
            Err(e) => {
                let mut v = crm_fail(&e, "refresh_error");
                let reconnect = !matches!(e.retry(), crm::Retry::Backoff);
                if let Some(o) = v.as_object_mut() {
                    o.insert("reconnect".into(), json!(reconnect));
                }
                Err(v)
            }
        }
    })())
}

/// `{ok, request}` revoking a HubSpot OAuth connection's refresh token on disconnect
/// (`request: null` for a private-app token or service key, which cannot be revoked by API; the
/// client secret is needed by the latest revoke endpoint).
pub fn hubspot_revoke_request(team: &Value, token: &Value, client_secret: &str) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        let Some(refresh) = t.refresh_token.as_deref() else {
            return Ok(json!({"ok": true, "request": null}));
        };
        let client_id = team.config.client_id.clone().unwrap_or_default();
        let request = crm::hubspot::revoke::revoke_request(
            DEFAULT_API_BASE,
            oauth::DEFAULT_OAUTH_VERSION,
            &client_id,
            secret(client_secret)?,
            refresh,
        );
        Ok(json!({"ok": true, "request": request}))
    })())
}
