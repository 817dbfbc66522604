//! Connecting a CRM account: OAuth with PKCE S256 and a random `state` (checked on return),
//! then identity → permission → user directory, then the connection is stored.

use crm::error::Crm;
use crm::salesforce::{identity, oauth, permission, users, SfIdentity};
use crm::{Credential, CrmError, CrmUser, HttpResponse, Permission};
use serde_json::{json, Value};

use super::reply::{answer, fail, invalid, read, to_json};
use crate::message::Role;
use crate::records::ErrorInfo;
use crate::step::{session, Tokens};
use crate::team::{permission_or_unknown, Connection, Health, LocalTeam};

/// The authorize URL (HubSpot's page, `state` and an S256 challenge of `verifier`).
fn hubspot_authorize_url(
    client_id: &str,
    redirect_uri: &str,
    verifier: &str,
    state: &str,
) -> String {
    crm::hubspot::oauth::authorize_url(&crm::hubspot::oauth::HsAuthorizeParams {
        client_id: client_id.to_owned(),
        redirect_uri: redirect_uri.to_owned(),
        scope: String::new(),
        state: state.to_owned(),
        code_challenge: Some(crm::pkce::challenge_s256(verifier)),
    })
}

pub(crate) fn crm_fail(err: &CrmError, fallback_code: &str) -> Value {
    let (code, message) = match err {
        CrmError::Api(api) => (api.code.clone(), api.message.clone()),
        other => (fallback_code.to_owned(), other.to_string()),
    };
    fail(&ErrorInfo {
        code,
        message,
        hint: err
            .hint()
            .unwrap_or("Check the login host and consumer key in Options, then connect again.")
            .to_owned(),
    })
}

/// `{ok:false, error}` for a refusal of something the user gave (a token, a key, a secret, a
/// connection): the headline and fix come from `crm`'s one table ([`crm::error::refusal`]);
/// the CRM's own text goes to `error.details`, never into the headline.
pub(crate) fn credential_fail(
    crm: crm::error::Crm,
    credential: crm::Credential,
    err: &CrmError,
    fallback_code: &str,
) -> Value {
    let said = crm::refusal(crm, credential, err);
    let (code, details) = match err {
        CrmError::Api(api) => (api.code.clone(), api.message.clone()),
        CrmError::Parse { raw_body, .. } => (fallback_code.to_owned(), raw_body.clone()),
        other => (fallback_code.to_owned(), other.to_string()),
    };
    let blamed = credential.blamed_by(&code);
    let mut v = fail(&ErrorInfo {
        code,
        message: said.headline,
        hint: said.fix,
    });
    v["error"]["details"] = json!(details.chars().take(500).collect::<String>());
    v["error"]["credential"] = json!(blamed);
    v
}

/// `{ok:false, error}` for a sign-in that ended without access: the window was closed
/// (`page_loaded`) or the CRM's page refused to open, which is where a wrong client id or
/// consumer key shows ([`crm::error::sign_in_failed`]).
pub fn sign_in_failed(team: &Value, page_loaded: bool) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let said = crm::error::sign_in_failed(team.config.crm, page_loaded);
        let code = if page_loaded {
            "oauth_cancelled"
        } else {
            "sign_in_refused"
        };
        Ok(fail(&ErrorInfo {
            code: code.into(),
            message: said.headline,
            hint: said.fix,
        }))
    })())
}

pub(crate) fn request_answer(r: Result<crm::HttpRequest, CrmError>) -> Value {
    match r {
        Ok(request) => json!({"ok": true, "request": request}),
        Err(e) => crm_fail(&e, "invalid_config"),
    }
}

/// Starts OAuth: `random` must hold at least 48 bytes from `crypto.getRandomValues` (32 for
/// the PKCE verifier, 16 for `state`). Answers `{ok, url, state, verifier}`; the worker keeps
/// `state` and `verifier` in memory for the duration of `launchWebAuthFlow`.
pub fn oauth_start(team: &Value, redirect_uri: &str, random: &[u8]) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let (Some(v), Some(s)) = (random.get(0..32), random.get(32..48)) else {
            return Err(super::reply::invalid(
                "random",
                "48 random bytes are needed",
            ));
        };
        let (mut vb, mut sb) = ([0u8; 32], [0u8; 16]);
        vb.copy_from_slice(v);
        sb.copy_from_slice(s);
        let Some(client_id) = team.config.client_id.clone() else {
            return Err(fail(&ErrorInfo {
                code: "missing_client_id".into(),
                message: "No consumer key (client id) is set.".into(),
                hint: "Paste your CRM app's consumer key / client id in Options first.".into(),
            }));
        };
        let verifier = crm::pkce::verifier_from_random(&vb);
        let state = crm::pkce::state_from_random(&sb);
        if team.config.crm == crate::team::CrmKind::Hubspot {
            let url = hubspot_authorize_url(&client_id, redirect_uri, &verifier, &state);
            return Ok(json!({"ok": true, "url": url, "state": state, "verifier": verifier}));
        }
        let url = oauth::authorize_url(&oauth::AuthorizeParams {
            login_host: team.config.sf_login_host(),
            client_id,
            redirect_uri: redirect_uri.to_owned(),
            code_challenge: crm::pkce::challenge_s256(&verifier),
            state: state.clone(),
            scope: String::new(),
        })
        .map_err(|e| crm_fail(&e, "invalid_config"))?;
        Ok(json!({"ok": true, "url": url, "state": state, "verifier": verifier}))
    })())
}

/// Checks the URL `launchWebAuthFlow` returned (`state` must match; `error` means the user
/// said no) and builds the code exchange request.
pub fn oauth_exchange(
    team: &Value,
    redirect_uri: &str,
    returned_url: &str,
    expected_state: &str,
    verifier: &str,
) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let code = returned_code(redirect_uri, returned_url, expected_state)?;
        let client_id = team.config.client_id.clone().unwrap_or_default();
        Ok(request_answer(oauth::code_exchange_request(
            &team.config.sf_login_host(),
            &client_id,
            redirect_uri,
            &code,
            verifier,
        )))
    })())
}

/// The authorization code from the URL `launchWebAuthFlow` returned, after checking that it
/// came back to `redirect_uri` with the expected `state` and no `error`.
pub(crate) fn returned_code(
    redirect_uri: &str,
    returned_url: &str,
    expected_state: &str,
) -> Result<String, Value> {
    let params = returned_url
        .split_once('?')
        .map(|(_, q)| crm::http::parse_query(q.split('#').next().unwrap_or_default()))
        .unwrap_or_default();
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    if !returned_url.starts_with(redirect_uri) {
        return Err(oauth_refused(
            "redirect_mismatch",
            "The sign-in came back to an unexpected address.",
        ));
    }
    if get("state").as_deref() != Some(expected_state) || expected_state.is_empty() {
        return Err(oauth_refused(
            "state_mismatch",
            "The sign-in answer did not match the request (state check failed).",
        ));
    }
    if let Some(error) = get("error") {
        let message = get("error_description").unwrap_or_else(|| error.clone());
        return Err(oauth_refused(&error, &message));
    }
    get("code").ok_or_else(|| {
        oauth_refused(
            "missing_code",
            "The sign-in answer carried no authorization code.",
        )
    })
}

fn oauth_refused(code: &str, message: &str) -> Value {
    fail(&ErrorInfo {
        code: code.into(),
        message: message.into(),
        hint: "Click Connect again and approve access on the CRM's sign-in page.".into(),
    })
}

/// Reads a token response into the stored token shape `{access_token, refresh_token,
/// instance_url, id}`.
pub fn parse_token(response: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let t = oauth::parse_token_response(&resp).map_err(|e| {
            credential_fail(
                Crm::Salesforce,
                Credential::OauthConnection,
                &e,
                "token_error",
            )
        })?;
        let tokens = Tokens {
            access_token: t.access_token,
            refresh_token: t.refresh_token,
            instance_url: t.instance_url,
            id: t.id,
        };
        Ok(json!({"ok": true, "token": tokens}))
    })())
}

/// `GET` the token's identity URL.
pub fn identity_request(team: &Value, token: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        Ok(json!({"ok": true, "request": identity::identity_request(&session(&team, &t), &t.id)}))
    })())
}

/// Reads the identity document: `{ok, identity:{user_id, org_id, username, email, display_name}}`.
pub fn parse_identity(response: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let id = identity::parse_identity(&resp).map_err(|e| crm_fail(&e, "identity_error"))?;
        Ok(json!({"ok": true, "identity": id}))
    })())
}

/// The permission check request for the connected user.
pub fn permission_request(team: &Value, token: &Value, user_id: &str) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        Ok(request_answer(permission::permission_request(
            &session(&team, &t),
            user_id,
        )))
    })())
}

/// `{ok, permission:"admin"|"standard"|"read_only"}`.
pub fn parse_permission(response: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let facts = permission::parse_permission_response(&resp)
            .map_err(|e| crm_fail(&e, "permission_error"))?;
        Ok(json!({"ok": true, "permission": permission::decide_permission(&facts)}))
    })())
}

/// The user directory request (first page; `next` pages via `next_records_url`).
pub fn users_request(team: &Value, token: &Value, next_records_url: Option<&str>) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        let s = session(&team, &t);
        let request = match next_records_url {
            Some(next) => s.next_records_request(next),
            None => users::users_request(&s),
        };
        Ok(json!({"ok": true, "request": request}))
    })())
}

/// `{ok, users:[{id, name, email, active}], next_records_url}`.
pub fn parse_users(response: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let page = users::parse_users(&resp).map_err(|e| crm_fail(&e, "users_error"))?;
        Ok(json!({"ok": true, "users": page.users, "next_records_url": page.next_records_url}))
    })())
}

/// Stores a finished connection in the team state: `{ok, team, connection, note}`, or the
/// core's refusal (rule 7, [`LocalTeam::admit`]); `note` explains a CRM account shared by both
/// roles of one person. The connection carries no token. Connecting personal teaches "me" its
/// email when none was set.
pub fn connected(
    team: &Value,
    role: &Value,
    token: &Value,
    identity: &Value,
    permission: &Value,
    users: &Value,
    now: &str,
) -> Value {
    answer((|| {
        let mut team: LocalTeam = read("team", team)?;
        let role: Role = read("role", role)?;
        let t: Tokens = read("token", token)?;
        let id: SfIdentity = read("identity", identity)?;
        let permission =
            permission_or_unknown::deserialize(permission).map_err(|e| invalid("permission", e))?;
        let users: Vec<CrmUser> = read("users", users)?;
        let email = id
            .email
            .clone()
            .unwrap_or_else(|| id.username.clone())
            .to_lowercase();
        let conn = Connection {
            role,
            crm_user_id: id.user_id.clone(),
            name: id
                .display_name
                .clone()
                .unwrap_or_else(|| id.username.clone()),
            email,
            permission,
            health: Health::Ok,
            last_success: Some(now.to_owned()),
            instance_url: t.instance_url,
        };
        let note = team.store_connection(conn.clone()).map_err(|e| fail(&e))?;
        if !users.is_empty() {
            team.crm_users = users;
        }
        Ok(json!({"ok": true, "team": to_json(&team), "connection": to_json(&conn), "note": note}))
    })())
}

/// The refresh request for a stored token.
pub fn refresh_request(team: &Value, token: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        let Some(refresh) = t.refresh_token.as_deref() else {
            return Err(fail(&ErrorInfo {
                code: "invalid_grant".into(),
                message: "This connection has no refresh token.".into(),
                hint: "Reconnect in Options.".into(),
            }));
        };
        let client_id = team.config.client_id.clone().unwrap_or_default();
        Ok(request_answer(oauth::refresh_request(
            &team.config.sf_login_host(),
            &client_id,
            refresh,
        )))
    })())
}

/// Reads a refresh answer into the new stored token (keeping the old refresh token unless
/// rotated). A refused refresh answers `{ok:false, error, reconnect:true}`.
pub fn parse_refresh(response: &Value, old_token: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let old: Tokens = read("token", old_token)?;
        match oauth::parse_token_response(&resp) {
            Ok(t) => Ok(json!({"ok": true, "token": Tokens {
                access_token: t.access_token,
                refresh_token: t.refresh_token.or(old.refresh_token),
                instance_url: t.instance_url,
                id: if t.id.is_empty() { old.id } else { t.id },
            }})),
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

/// The revoke request for a token being disconnected.
pub fn revoke_request(team: &Value, token: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        let which = t.refresh_token.as_deref().unwrap_or(&t.access_token);
        Ok(request_answer(oauth::revoke_request(
            &team.config.sf_login_host(),
            which,
        )))
    })())
}

/// HubSpot team sync with a private-app token (stored like an OAuth token): a page of the
/// owners directory, `{ok, request}`.
pub fn hubspot_owners_request(token: &Value, after: Option<&str>) -> Value {
    answer((|| {
        let t: Tokens = read("token", token)?;
        Ok(json!({"ok": true, "request": crate::wire::owners_request(&t, after)}))
    })())
}

/// `{ok, users, after}` from a page of HubSpot owners. `credential` names what was used
/// (`private_app_token`, `service_key`, `oauth_connection`; null: the connection), so that a
/// refusal names it ([`credential_fail`]).
pub fn parse_hubspot_owners(response: &Value, credential: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let credential: Credential = if credential.is_null() {
            Credential::OauthConnection
        } else {
            read("credential", credential)?
        };
        let page = crm::hubspot::owners::parse_owners(&resp)
            .map_err(|e| credential_fail(Crm::Hubspot, credential, &e, "owners_error"))?;
        Ok(json!({"ok": true, "users": page.users, "after": page.after}))
    })())
}

/// Why the options page asks for the HubSpot user a private app saves for.
pub const PRIVATE_APP_USER_REASON: &str = "HubSpot records no user as creator of what a private app saves, so Leadline needs the HubSpot user who stands for team sync: it owns what team sync saves when no other owner is set. Usually your integration user.";

/// Stores HubSpot's private-app connection as team sync, acting for the active owner whose
/// email is `email`: `{ok, team, connection}`. A private app has no user of its own, so the
/// admin names the HubSpot user it stands for (normally the integration user).
pub fn connected_private_app(team: &Value, users: &Value, email: &str, now: &str) -> Value {
    answer((|| {
        let mut team: LocalTeam = read("team", team)?;
        let users: Vec<CrmUser> = read("users", users)?;
        let wanted = email.trim().to_lowercase();
        if wanted.is_empty() {
            return Err(fail(&ErrorInfo {
                code: "missing_private_app_user".into(),
                message: "Name the HubSpot user the private app saves for.".into(),
                hint: PRIVATE_APP_USER_REASON.into(),
            }));
        }
        let Some(owner) = users.iter().find(|u| {
            u.active
                && u.email.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
        }) else {
            return Err(fail(&ErrorInfo {
                code: "unknown_owner".into(),
                message: format!("No active HubSpot owner has the email {wanted:?}."),
                hint: "Enter the email of the HubSpot user the private app saves for (e.g. your integration user).".into(),
            }));
        };
        let conn = Connection {
            role: Role::TeamSync,
            crm_user_id: owner.id.clone(),
            name: owner.name.clone().unwrap_or_default(),
            email: wanted,
            permission: Some(Permission::Admin),
            health: Health::Ok,
            last_success: Some(now.to_owned()),
            instance_url: crm::hubspot::DEFAULT_API_BASE.to_owned(),
        };
        let note = team.store_connection(conn.clone()).map_err(|e| fail(&e))?;
        team.crm_users = users;
        Ok(json!({"ok": true, "team": to_json(&team), "connection": to_json(&conn), "note": note}))
    })())
}
