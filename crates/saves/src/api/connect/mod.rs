//! Connecting a CRM account: OAuth with PKCE S256 and a random `state` (checked on return),
//! refresh and revoke; what follows a sign-in (identity, permission, directory, stored
//! connection) is [`flow`], a sans-IO state machine; HubSpot's personal tokens, refreshed
//! and revoked with the app's client secret, are [`hubspot`].

use crm::salesforce::oauth;
use crm::{CrmError, HttpResponse};
use serde_json::{json, Value};

use crate::api::reply::{answer, fail, read};
use crate::journal::records::ErrorInfo;
use crate::step::Tokens;
use crate::team::LocalTeam;

pub(super) mod flow;
pub(super) mod hubspot;

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
        // In server mode, a HubSpot sign-in is for the team server's HubSpot app (its client
        // id comes with the snapshot): the server exchanges the code with that app's secret.
        let team = crate::api::team_server::deciding_team(team)?;
        let (Some(v), Some(s)) = (random.get(0..32), random.get(32..48)) else {
            return Err(crate::api::reply::invalid(
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
                credential: None,
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
