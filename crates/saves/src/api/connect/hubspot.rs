//! HubSpot personal OAuth tokens: refresh and revoke with the app's client secret (HubSpot
//! documents no secret-less exchange); the code exchange and the token's owner are
//! [`super::flow`]'s. The secret is an argument here: the worker reads it
//! from its own storage and nothing this module returns contains it (see [`crate::team`]).

use crm::hubspot::{oauth, DEFAULT_API_BASE};
use crm::HttpResponse;
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
