//! HubSpot personal OAuth tokens: refresh and revoke with the app's client secret (HubSpot
//! documents no secret-less exchange); the code exchange and the token's owner are
//! [`super::flow`]'s. Who holds the secret is a [`HubspotBroker`]: in solo mode this browser
//! (the worker reads it from its own storage and nothing this module returns contains it, see
//! [`crate::team`]); in server mode the team server, which performs the exchange and each
//! refresh (`POST <server>/api/hubspot/token`, the session as bearer) and keeps nothing of the
//! tokens, so the browser holds no client secret at all. The server's answer is HubSpot's
//! token answer, or its `{"error": {code, message[, crm_error]}}`: HubSpot's own refusal
//! (`crm_error`) reads in the same words as in solo mode.

use crm::hubspot::{oauth, DEFAULT_API_BASE};
use crm::{HttpRequest, HttpResponse};
use serde_json::{json, Value};

use super::{credential_fail, crm_fail};
use crate::api::reply::{answer, fail, read};
use crate::journal::records::ErrorInfo;
use crate::step::Tokens;
use crate::team::LocalTeam;
use crm::error::Crm;
use crm::Credential;

fn missing_secret() -> Value {
    fail(&ErrorInfo {
        code: "missing_client_secret".into(),
        message: "The HubSpot app's client secret is not set, so personal HubSpot connections cannot be made.".into(),
        hint: "An admin enters the HubSpot app's client id and client secret in Options (step 1).".into(),
    })
}

/// Who performs a rep's HubSpot code exchange and refreshes (both need the app's client
/// secret).
#[derive(Clone, PartialEq, Eq)]
pub enum HubspotBroker {
    /// Solo mode: this browser, with the app's client secret (empty when none is set).
    ClientSecret(String),
    /// Server mode: the team server at `url` (checked by [`crate::team_server::server_url`]),
    /// with the rep's server `session`; the browser holds no client secret.
    TeamServer {
        /// The server's base URL.
        url: String,
        /// The rep's server session token.
        session: String,
    },
}

impl std::fmt::Debug for HubspotBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ClientSecret(_) => f.write_str("ClientSecret(…)"),
            Self::TeamServer { url, .. } => write!(f, "TeamServer({url})"),
        }
    }
}

impl Default for HubspotBroker {
    fn default() -> Self {
        Self::ClientSecret(String::new())
    }
}

impl HubspotBroker {
    /// The worker's argument: a string is the client secret (solo mode);
    /// `{"team_server": url, "session": token}` the team server (server mode).
    pub fn from_value(value: &Value) -> Self {
        match (
            value.get("team_server").and_then(Value::as_str),
            value.get("session").and_then(Value::as_str),
        ) {
            (Some(url), Some(session)) => Self::TeamServer {
                url: url.trim_end_matches('/').to_owned(),
                session: session.to_owned(),
            },
            _ => Self::ClientSecret(value.as_str().unwrap_or_default().to_owned()),
        }
    }

    /// The code exchange of a sign-in that came back to `redirect_uri`.
    pub(super) fn exchange_request(
        &self,
        client_id: &str,
        redirect_uri: &str,
        code: &str,
        verifier: &str,
    ) -> Result<HttpRequest, Value> {
        Ok(match self {
            Self::ClientSecret(client_secret) => oauth::code_exchange_request(
                DEFAULT_API_BASE,
                oauth::DEFAULT_OAUTH_VERSION,
                client_id,
                secret(client_secret)?,
                redirect_uri,
                code,
                Some(verifier),
            ),
            Self::TeamServer { url, session } => server_token_request(
                url,
                session,
                &json!({"grant_type": "authorization_code", "code": code,
                    "redirect_uri": redirect_uri, "code_verifier": verifier}),
            ),
        })
    }

    fn refresh_request(&self, client_id: &str, refresh: &str) -> Result<HttpRequest, Value> {
        Ok(match self {
            Self::ClientSecret(client_secret) => oauth::refresh_request(
                DEFAULT_API_BASE,
                oauth::DEFAULT_OAUTH_VERSION,
                client_id,
                secret(client_secret)?,
                refresh,
            ),
            Self::TeamServer { url, session } => server_token_request(
                url,
                session,
                &json!({"grant_type": "refresh_token", "refresh_token": refresh}),
            ),
        })
    }
}

/// `POST <server>/api/hubspot/token` with the session as bearer.
fn server_token_request(url: &str, session: &str, body: &Value) -> HttpRequest {
    HttpRequest {
        method: "POST".into(),
        url: format!("{url}/api/hubspot/token"),
        headers: vec![
            ("Authorization".into(), format!("Bearer {session}")),
            ("Content-Type".into(), "application/json".into()),
            ("Accept".into(), "application/json".into()),
        ],
        body: Some(body.to_string()),
    }
}

/// A token answer that is the team server's refusal (its `error` is an object, HubSpot's a
/// string): HubSpot's own refusal relayed (`crm_error`: the same words as in solo mode), or
/// the server's own, with whether a reconnect helps.
pub(super) enum Relayed {
    /// HubSpot refused (relayed by the server): its refusal in HubSpot's own answer shape, for
    /// HubSpot's parser, so it reads exactly as in solo mode.
    Hubspot(HttpResponse),
    /// The team server refused (session ended, not configured, HubSpot unreachable).
    Server(ErrorInfo),
}

/// Reads a token answer as the team server's refusal, if it is one.
pub(super) fn relayed_refusal(response: &HttpResponse) -> Option<Relayed> {
    if (200..300).contains(&response.status) {
        return None;
    }
    let body: Value = serde_json::from_str(&response.body).ok()?;
    let error = body.get("error").filter(|e| e.is_object())?;
    let text = |k: &str| error.get(k).and_then(Value::as_str).unwrap_or_default();
    if let Some(code) = error.get("crm_error").and_then(Value::as_str) {
        let description = text("crm_description");
        return Some(Relayed::Hubspot(HttpResponse {
            status: 400,
            headers: vec![],
            body: json!({"error": code, "error_description": description, "message": description})
                .to_string(),
        }));
    }
    let info = match response.status {
        401 => ErrorInfo {
            code: "team_server_session_ended".into(),
            message: "Your team server session ended, so the team server could not connect or renew your HubSpot account.".into(),
            hint: "Sign in to your team server again in Options → Team server; your saves wait until then.".into(),
        },
        _ => ErrorInfo {
            code: match text("code") {
                "" => "team_server_error".into(),
                code => code.to_owned(),
            },
            message: format!(
                "Your team server could not connect or renew your HubSpot account: {}",
                text("message")
            ),
            hint: "Try again later; if it persists, ask your admin to check the team server's HubSpot app.".into(),
        },
    };
    Some(Relayed::Server(info))
}

pub(super) fn secret(client_secret: &str) -> Result<&str, Value> {
    let s = client_secret.trim();
    if s.is_empty() {
        Err(missing_secret())
    } else {
        Ok(s)
    }
}

pub(super) fn stored(t: oauth::HsToken, old: Option<Tokens>) -> Tokens {
    let user_id = t.user_id.map(|u| u.to_string());
    Tokens {
        access_token: t.access_token,
        refresh_token: t
            .refresh_token
            .or_else(|| old.as_ref().and_then(|o| o.refresh_token.clone())),
        instance_url: DEFAULT_API_BASE.to_owned(),
        id: user_id.or_else(|| old.map(|o| o.id)).unwrap_or_default(),
        credential: None,
    }
}

/// The refresh request for a stored HubSpot OAuth token (needs the client secret).
pub fn hubspot_refresh_request(team: &Value, token: &Value, client_secret: &str) -> Value {
    hubspot_refresh_request_via(
        team,
        token,
        &HubspotBroker::ClientSecret(client_secret.to_owned()),
    )
}

/// [`hubspot_refresh_request`] by whoever holds the secret: this browser, or the team server.
pub fn hubspot_refresh_request_via(team: &Value, token: &Value, broker: &HubspotBroker) -> Value {
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
            let credential = Credential::of_stored_hubspot_token(&t.access_token, t.credential);
            return Err(credential_fail(
                Crm::Hubspot,
                credential,
                &refused,
                "invalid_grant",
            ));
        };
        let client_id = team.config.client_id.clone().unwrap_or_default();
        let request = broker.refresh_request(&client_id, refresh)?;
        Ok(json!({"ok": true, "request": request}))
    })())
}

/// Reads HubSpot's refresh answer into the new stored token; a refused refresh answers
/// `{ok:false, error, reconnect}` (`reconnect` false only for a transient failure).
pub fn parse_hubspot_refresh(response: &Value, old_token: &Value) -> Value {
    answer((|| {
        let resp: HttpResponse = read("response", response)?;
        let old: Tokens = read("token", old_token)?;
        let parsed = match relayed_refusal(&resp) {
            Some(Relayed::Server(info)) => {
                // The server, not HubSpot: the connection itself is fine; try again later.
                let mut v = fail(&info);
                v["reconnect"] = json!(false);
                return Err(v);
            }
            Some(Relayed::Hubspot(refusal)) => oauth::parse_token_response(&refusal),
            None => oauth::parse_token_response(&resp),
        };
        match parsed {
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
    hubspot_revoke_request_via(
        team,
        token,
        &HubspotBroker::ClientSecret(client_secret.to_owned()),
    )
}

/// [`hubspot_revoke_request`] by whoever holds the secret. In server mode the browser has no
/// secret: HubSpot's legacy revoke (`DELETE /oauth/v1/refresh-tokens/{token}`, which needs
/// none; documented until 2027-02-16) revokes the refresh token.
pub fn hubspot_revoke_request_via(team: &Value, token: &Value, broker: &HubspotBroker) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let t: Tokens = read("token", token)?;
        let Some(refresh) = t.refresh_token.as_deref() else {
            return Ok(json!({"ok": true, "request": null}));
        };
        let client_id = team.config.client_id.clone().unwrap_or_default();
        let request = match broker {
            HubspotBroker::ClientSecret(client_secret) => crm::hubspot::revoke::revoke_request(
                DEFAULT_API_BASE,
                oauth::DEFAULT_OAUTH_VERSION,
                &client_id,
                secret(client_secret)?,
                refresh,
            ),
            HubspotBroker::TeamServer { .. } => {
                crm::hubspot::revoke::revoke_request(DEFAULT_API_BASE, "v1", "", "", refresh)
            }
        };
        Ok(json!({"ok": true, "request": request}))
    })())
}
