//! The one token-refresh policy: single flight per connection. However many saves of one
//! connection get a 401 at once, one refresh request goes out; the others wait for it and
//! retry with the new token. A caller passes the access token its refused request carried:
//! when the stored token is already another one, a refresh finished meanwhile and none is
//! made. The requests and their answers are the core's (`saves::api::refresh_request` /
//! `parse_refresh`, and their HubSpot twins), so "keep the old refresh token unless rotated"
//! and "which refusals mean reconnect" stay written once.

use std::sync::Arc;

use crm::HttpRequest;
use saves::{CrmKind, ErrorInfo, LocalTeam, Role, Tokens};
use serde_json::Value;
use tokio::sync::Mutex;

use crate::store::{Store, StoreError};
use crate::transport::Transport;

/// Why a refresh did not give a new token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshFailure {
    /// The CRM refused the grant for good (`invalid_grant`, revoked, no refresh token): the
    /// connection needs a reconnect.
    Reconnect(ErrorInfo),
    /// Could not refresh now (network, CRM busy): try again later.
    Later(ErrorInfo),
    /// The store failed.
    Store(StoreError),
}

/// One lock per role: the single flight.
#[derive(Debug, Default)]
pub(crate) struct Refresher {
    team_sync: Mutex<()>,
    personal: Mutex<()>,
}

/// The single-flight locks of one set of connections, shareable between engines: the
/// extension builds a short-lived [`crate::Engine`] per message (its team may change between
/// two), and every one of them must wait for the same refresh. Clones share the locks.
#[derive(Debug, Clone, Default)]
pub struct RefreshFlights(pub(crate) Arc<Refresher>);

fn error_of(answer: &Value, code: &str) -> ErrorInfo {
    serde_json::from_value(answer.get("error").cloned().unwrap_or(Value::Null)).unwrap_or_else(
        |_| ErrorInfo {
            code: code.into(),
            message: "The CRM refused to renew the session.".into(),
            hint: "Reconnect in Options.".into(),
        },
    )
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl Refresher {
    /// Refreshes `role`'s token unless another caller already replaced `used`.
    pub(crate) async fn refresh<T: Transport, S: Store>(
        &self,
        team: &LocalTeam,
        transport: &T,
        store: &S,
        role: Role,
        used: &str,
        hubspot: &saves::api::HubspotBroker,
    ) -> Result<(), RefreshFailure> {
        let lock = match role {
            Role::TeamSync => &self.team_sync,
            Role::Personal => &self.personal,
        };
        let _flight = lock.lock().await;
        store
            .begin_refresh(role)
            .await
            .map_err(RefreshFailure::Store)?;
        let result = Self::refresh_held(team, transport, store, role, used, hubspot).await;
        store.end_refresh(role).await;
        result
    }

    /// The refresh itself, both locks held.
    async fn refresh_held<T: Transport, S: Store>(
        team: &LocalTeam,
        transport: &T,
        store: &S,
        role: Role,
        used: &str,
        hubspot: &saves::api::HubspotBroker,
    ) -> Result<(), RefreshFailure> {
        let current = store
            .tokens(role)
            .await
            .map_err(RefreshFailure::Store)?
            .ok_or_else(|| {
                RefreshFailure::Reconnect(ErrorInfo {
                    code: "not_connected".into(),
                    message: "This connection is missing.".into(),
                    hint: "Reconnect in Options.".into(),
                })
            })?;
        if current.access_token != used {
            return Ok(()); // refreshed meanwhile by another save of this connection
        }
        let (team_v, old) = (json(team), json(&current));
        let built = match team.config.crm {
            CrmKind::Salesforce => saves::api::refresh_request(&team_v, &old),
            CrmKind::Hubspot => saves::api::hubspot_refresh_request_via(&team_v, &old, hubspot),
        };
        let request: HttpRequest = match built.get("request").cloned() {
            Some(r) if built["ok"] == true => serde_json::from_value(r)
                .map_err(|e| RefreshFailure::Later(internal(&e.to_string())))?,
            _ => return Err(RefreshFailure::Reconnect(error_of(&built, "invalid_grant"))),
        };
        let response = transport
            .send(&request)
            .await
            .unwrap_or_else(|e| e.as_response());
        let resp_v = json(&response);
        let parsed = match team.config.crm {
            CrmKind::Salesforce => saves::api::parse_refresh(&resp_v, &old),
            CrmKind::Hubspot => saves::api::parse_hubspot_refresh(&resp_v, &old),
        };
        if parsed["ok"] != true {
            let info = error_of(&parsed, "refresh_error");
            return Err(if parsed["reconnect"] == false {
                RefreshFailure::Later(info)
            } else {
                RefreshFailure::Reconnect(info)
            });
        }
        let tokens: Tokens = serde_json::from_value(parsed["token"].clone())
            .map_err(|e| RefreshFailure::Later(internal(&e.to_string())))?;
        store
            .set_tokens(role, &tokens)
            .await
            .map_err(RefreshFailure::Store)
    }
}

fn internal(detail: &str) -> ErrorInfo {
    ErrorInfo {
        code: "unexpected_answer".into(),
        message: format!("The token refresh answer could not be read: {detail}"),
        hint: "Try again later; if it persists, reconnect in Options.".into(),
    }
}
