//! Connecting a CRM account after its sign-in page came back, as a sans-IO state machine like
//! `crm`'s `BulkSave`: [`ConnectFlow::next_request`] / [`ConnectFlow::on_response`] until it
//! is [`ConnectFlow::finished`]. Whoever holds the HTTP client drives it (the save engine in
//! the extension, tests natively); the worker only opens the sign-in window and stores the
//! result ([`connect_finish`]).
//!
//! - Salesforce: code exchange (PKCE) → identity → permission (a failure is "unknown", never
//!   guessed) → user directory pages (a failing page keeps the users read so far).
//! - HubSpot OAuth: code exchange (with the app's client secret and PKCE, by this browser or,
//!   in server mode, by the team server: [`super::hubspot::HubspotBroker`]) → the token's owner →
//!   owner directory pages (a failure keeps none: the owner list is a convenience).
//! - HubSpot private app (or service key) for team sync: owner directory pages; a refusal names
//!   the token kind ([`credential_fail`]).
//!
//! Every refusal is the `{ok:false, error}` value the options page shows, the CRM's own text in
//! `error.details` where the one error table says so.

use crm::error::Crm;
use crm::hubspot::{oauth as hs_oauth, owners, DEFAULT_API_BASE};
use crm::salesforce::{identity, oauth, permission, users, SfIdentity};
use crm::{Credential, CrmUser, HttpRequest, HttpResponse, Permission};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{credential_fail, crm_fail, returned_code};
use crate::api::reply::{answer, fail, read, to_json};
use crate::journal::records::ErrorInfo;
use crate::step::{session, Tokens};
use crate::team::{permission_or_unknown, Connection, Health, LocalTeam, Role};

/// Directory pages read at most (a 20-page directory is 4,000 Salesforce users).
pub const MAX_PAGES: usize = 20;

/// How a connect starts, after the sign-in window (if any) came back.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConnectStart {
    /// An OAuth sign-in for `role` returned to `redirect_uri` as `returned_url`; `state` and
    /// `verifier` are the ones `oauth_start` made for it.
    Oauth {
        /// Which connection.
        role: Role,
        /// The redirect URL registered with the app.
        redirect_uri: String,
        /// The URL the sign-in window came back with.
        returned_url: String,
        /// The `state` sent with the sign-in.
        state: String,
        /// The PKCE verifier of the sign-in.
        verifier: String,
    },
    /// HubSpot team sync with the admin's private-app token (or service key), acting for the
    /// HubSpot user whose email is `email`.
    PrivateApp {
        /// The token, as pasted.
        token: String,
        /// The HubSpot user the private app saves for.
        email: String,
        /// What the admin said they pasted: `private_app_token` (the default) or `service_key`.
        #[serde(default = "private_app_token")]
        stated: Credential,
    },
}

fn private_app_token() -> Credential {
    Credential::PrivateAppToken
}

/// What a finished flow read, for [`connect_finish`] to store in the team current at that
/// moment. It carries the new token: it never leaves the worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finished {
    /// A Salesforce connection.
    Salesforce {
        /// Which connection.
        role: Role,
        /// The new token.
        token: Tokens,
        /// Who the token is.
        identity: SfIdentity,
        /// Their permission (`"unknown"` when reading it failed).
        #[serde(with = "permission_or_unknown")]
        permission: Option<Permission>,
        /// The user directory (empty when no page could be read).
        users: Vec<CrmUser>,
    },
    /// A HubSpot OAuth connection.
    Hubspot {
        /// Which connection.
        role: Role,
        /// The new token (`id` = the HubSpot user id).
        token: Tokens,
        /// The HubSpot owner the token's user is.
        owner: CrmUser,
        /// The owner directory (empty when it could not be read).
        users: Vec<CrmUser>,
    },
    /// HubSpot team sync with a private-app token.
    PrivateApp {
        /// The token, stored like an OAuth token without refresh.
        token: Tokens,
        /// The HubSpot user it stands for.
        email: String,
        /// The owner directory.
        users: Vec<CrmUser>,
    },
}

impl Finished {
    /// The connection this result is for.
    pub fn role(&self) -> Role {
        match self {
            Self::Salesforce { role, .. } | Self::Hubspot { role, .. } => *role,
            Self::PrivateApp { .. } => Role::TeamSync,
        }
    }

    /// The token to store.
    pub fn token(&self) -> &Tokens {
        match self {
            Self::Salesforce { token, .. }
            | Self::Hubspot { token, .. }
            | Self::PrivateApp { token, .. } => token,
        }
    }
}

#[derive(Debug, Clone)]
enum Phase {
    SfExchange(HttpRequest),
    HsExchange(HttpRequest),
    Identity,
    Permission,
    Users(Option<String>),
    Owner,
    Owners(Option<String>),
    Done,
}

/// One connect, from the returned sign-in (or pasted token) to [`Finished`].
#[derive(Debug, Clone)]
pub struct ConnectFlow {
    team: LocalTeam,
    role: Role,
    phase: Phase,
    token: Option<Tokens>,
    identity: Option<SfIdentity>,
    permission: Option<Permission>,
    owner: Option<CrmUser>,
    users: Vec<CrmUser>,
    pages: usize,
    /// Set for a private-app connect: the HubSpot user it stands for, and the token's kind.
    private_app: Option<(String, Credential)>,
}

impl ConnectFlow {
    /// Checks the start (the returned URL's `state`, the HubSpot client secret) and builds the
    /// first request. `client_secret` is read only for a HubSpot OAuth connect.
    pub fn start(team: LocalTeam, start: ConnectStart, client_secret: &str) -> Result<Self, Value> {
        Self::start_via(
            team,
            start,
            &super::hubspot::HubspotBroker::ClientSecret(client_secret.to_owned()),
        )
    }

    /// [`ConnectFlow::start`] with a HubSpot OAuth code exchanged by `broker`: this browser
    /// with the client secret, or the team server (server mode: no secret in the browser).
    pub fn start_via(
        team: LocalTeam,
        start: ConnectStart,
        broker: &super::hubspot::HubspotBroker,
    ) -> Result<Self, Value> {
        let hubspot = team.config.crm == crate::team::CrmKind::Hubspot;
        let client_id = team.config.client_id.clone().unwrap_or_default();
        let (role, phase, token, private_app) = match start {
            ConnectStart::Oauth {
                role,
                redirect_uri,
                returned_url,
                state,
                verifier,
            } => {
                let code = returned_code(&redirect_uri, &returned_url, &state)?;
                let phase = if hubspot {
                    Phase::HsExchange(broker.exchange_request(
                        &client_id,
                        &redirect_uri,
                        &code,
                        &verifier,
                    )?)
                } else {
                    Phase::SfExchange(
                        oauth::code_exchange_request(
                            &team.config.sf_login_host(),
                            &client_id,
                            &redirect_uri,
                            &code,
                            &verifier,
                        )
                        .map_err(|e| crm_fail(&e, "invalid_config"))?,
                    )
                };
                (role, phase, None, None)
            }
            ConnectStart::PrivateApp {
                token,
                email,
                stated,
            } => {
                // A token that is not what the admin said is refused before HubSpot is asked.
                let credential = Credential::of_hubspot_token(&token, stated).map_err(|said| {
                    fail(&ErrorInfo {
                        code: "not_a_private_app_token".into(),
                        message: said.headline,
                        hint: said.fix,
                    })
                })?;
                let token = Tokens {
                    access_token: token,
                    refresh_token: None,
                    instance_url: DEFAULT_API_BASE.to_owned(),
                    id: String::new(),
                    credential: Some(credential),
                };
                (
                    Role::TeamSync,
                    Phase::Owners(None),
                    Some(token),
                    Some((email, credential)),
                )
            }
        };
        Ok(Self {
            team,
            role,
            phase,
            token,
            identity: None,
            permission: None,
            owner: None,
            users: Vec::new(),
            pages: 0,
            private_app,
        })
    }

    /// The most requests a flow sends: an exchange, the identity or owner, the permission and
    /// [`MAX_PAGES`] directory pages.
    pub const MAX_STEPS: usize = 3 + MAX_PAGES;

    /// The next request to send, or `None` when the flow is finished.
    pub fn next_request(&self) -> Result<Option<HttpRequest>, Value> {
        let token = || self.token.as_ref().ok_or_else(no_token);
        Ok(Some(match &self.phase {
            Phase::SfExchange(request) | Phase::HsExchange(request) => request.clone(),
            Phase::Identity => {
                let t = token()?;
                identity::identity_request(&session(&self.team, t), &t.id)
            }
            Phase::Permission => {
                let t = token()?;
                let user = self.identity.as_ref().map_or("", |i| i.user_id.as_str());
                permission::permission_request(&session(&self.team, t), user)
                    .map_err(|e| crm_fail(&e, "invalid_config"))?
            }
            Phase::Users(next) => {
                let s = session(&self.team, token()?);
                match next {
                    Some(next) => s.next_records_request(next),
                    None => users::users_request(&s),
                }
            }
            Phase::Owner => {
                let t = token()?;
                owners::owner_by_user_id_request(&crate::team::session::hs_session(t), &t.id)
            }
            Phase::Owners(after) => crate::single::wire::owners_request(token()?, after.as_deref()),
            Phase::Done => return Ok(None),
        }))
    }

    /// Reads the answer to the request [`Self::next_request`] gave; a refusal ends the flow.
    pub fn on_response(&mut self, response: &HttpResponse) -> Result<(), Value> {
        self.phase = match std::mem::replace(&mut self.phase, Phase::Done) {
            Phase::SfExchange(_) => {
                let t = oauth::parse_token_response(response).map_err(|e| {
                    credential_fail(
                        Crm::Salesforce,
                        Credential::OauthConnection,
                        &e,
                        "token_error",
                    )
                })?;
                self.token = Some(Tokens {
                    access_token: t.access_token,
                    refresh_token: t.refresh_token,
                    instance_url: t.instance_url,
                    id: t.id,
                    credential: None,
                });
                Phase::Identity
            }
            Phase::HsExchange(_) => {
                let parsed = match super::hubspot::relayed_refusal(response) {
                    Some(super::hubspot::Relayed::Server(info)) => return Err(fail(&info)),
                    Some(super::hubspot::Relayed::Hubspot(refusal)) => {
                        hs_oauth::parse_token_response(&refusal)
                    }
                    None => hs_oauth::parse_token_response(response),
                };
                let t = parsed.map_err(|e| {
                    credential_fail(Crm::Hubspot, Credential::OauthConnection, &e, "token_error")
                })?;
                let token = super::hubspot::stored(t, None);
                if token.id.is_empty() {
                    return Err(fail(&ErrorInfo {
                        code: "token_error".into(),
                        message: "HubSpot's token answer names no user (user_id).".into(),
                        hint: "Connect again; if it persists, check the HubSpot app's scopes."
                            .into(),
                    }));
                }
                self.token = Some(token);
                Phase::Owner
            }
            Phase::Identity => {
                let id = identity::parse_identity(response)
                    .map_err(|e| crm_fail(&e, "identity_error"))?;
                self.identity = Some(id);
                Phase::Permission
            }
            Phase::Permission => {
                // A permission that could not be read stays unknown (never guessed): the UI
                // says it was not checked, and the core decides with it as standard.
                self.permission = permission::parse_permission_response(response)
                    .ok()
                    .map(|facts| permission::decide_permission(&facts));
                Phase::Users(None)
            }
            Phase::Users(_) => match users::parse_users(response) {
                Ok(page) => {
                    self.users.extend(page.users);
                    self.pages += 1;
                    match page.next_records_url {
                        Some(next) if self.pages < MAX_PAGES => Phase::Users(Some(next)),
                        _ => Phase::Done,
                    }
                }
                Err(_) => Phase::Done, // the users read so far
            },
            Phase::Owner => {
                let owner =
                    owners::parse_owner(response).map_err(|e| crm_fail(&e, "owner_error"))?;
                self.owner = Some(owner);
                Phase::Owners(None)
            }
            Phase::Owners(_) => match owners::parse_owners(response) {
                Ok(page) => {
                    self.users.extend(page.users);
                    self.pages += 1;
                    match page.after {
                        Some(after) if self.pages < MAX_PAGES => Phase::Owners(Some(after)),
                        _ => Phase::Done,
                    }
                }
                Err(e) => match &self.private_app {
                    // The private-app token is what the owners call tests: a refusal is the
                    // token's, in the table's words.
                    Some((_, credential)) => {
                        return Err(credential_fail(
                            Crm::Hubspot,
                            *credential,
                            &e,
                            "owners_error",
                        ))
                    }
                    None => {
                        self.users.clear(); // the owner list is a convenience
                        Phase::Done
                    }
                },
            },
            Phase::Done => Phase::Done,
        };
        Ok(())
    }

    /// What the flow read, once [`Self::next_request`] answers `None`.
    pub fn finished(self) -> Result<Finished, Value> {
        if !matches!(self.phase, Phase::Done) {
            return Err(fail(&ErrorInfo {
                code: "connect_unfinished".into(),
                message: "The connection was not finished.".into(),
                hint: "Click Connect again.".into(),
            }));
        }
        let token = self.token.ok_or_else(no_token)?;
        Ok(match (self.private_app, self.identity, self.owner) {
            (Some((email, _)), _, _) => Finished::PrivateApp {
                token,
                email,
                users: self.users,
            },
            (None, Some(identity), _) => Finished::Salesforce {
                role: self.role,
                token,
                identity,
                permission: self.permission,
                users: self.users,
            },
            (None, None, Some(owner)) => Finished::Hubspot {
                role: self.role,
                token,
                owner,
                users: self.users,
            },
            (None, None, None) => return Err(no_token()),
        })
    }
}

fn no_token() -> Value {
    fail(&ErrorInfo {
        code: "connect_unfinished".into(),
        message: "The sign-in gave no token.".into(),
        hint: "Click Connect again.".into(),
    })
}

/// Why the options page asks for the HubSpot user a private app saves for.
pub const PRIVATE_APP_USER_REASON: &str = "HubSpot records no user as creator of what a private app saves, so Leadline needs the HubSpot user who stands for team sync: it owns what team sync saves when no other owner is set. Usually your integration user.";

/// Stores what a flow read in `team` (the team current when the worker stores it):
/// `{ok, team, connection, note}` (plus `permission_checked` for Salesforce), or the core's
/// refusal (rule 7, [`LocalTeam::admit`]; a private-app user who is no active owner). The
/// connection carries no token; the worker stores [`Finished::token`] only after this
/// accepted it. Connecting personal teaches "me" its email when none was set.
pub fn connect_finish(team: &Value, finished: &Value, now: &str) -> Value {
    answer((|| {
        let mut team: LocalTeam = read("team", team)?;
        let finished: Finished = read("finished", finished)?;
        let (conn, users, checked) = match finished {
            Finished::Salesforce {
                role,
                token,
                identity,
                permission,
                users,
            } => {
                let email = identity
                    .email
                    .clone()
                    .unwrap_or_else(|| identity.username.clone())
                    .to_lowercase();
                let conn = Connection {
                    role,
                    crm_user_id: identity.user_id.clone(),
                    name: identity.display_name.clone().unwrap_or(identity.username),
                    email,
                    permission,
                    health: Health::Ok,
                    last_success: Some(now.to_owned()),
                    instance_url: token.instance_url,
                    credential: None,
                };
                (conn, users, Some(permission.is_some()))
            }
            Finished::Hubspot {
                role, owner, users, ..
            } => {
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
                    // HubSpot exposes no permission level to a user token.
                    permission: Some(Permission::Standard),
                    health: Health::Ok,
                    last_success: Some(now.to_owned()),
                    instance_url: DEFAULT_API_BASE.to_owned(),
                    credential: None,
                };
                (conn, users, None)
            }
            Finished::PrivateApp {
                email,
                users,
                token,
            } => {
                let mut conn = private_app_connection(&users, &email, now)?;
                conn.credential = token.credential;
                (conn, users, None)
            }
        };
        let note = team.store_connection(conn.clone()).map_err(|e| fail(&e))?;
        if !users.is_empty() {
            team.crm_users = users;
        }
        let mut out = json!({"ok": true, "team": to_json(&team), "connection": to_json(&conn),
            "note": note});
        if let Some(checked) = checked {
            out["permission_checked"] = json!(checked);
        }
        Ok(out)
    })())
}

/// HubSpot's private-app connection as team sync, acting for the active owner whose email is
/// `email`: a private app has no user of its own, so the admin names the HubSpot user it
/// stands for (normally the integration user).
fn private_app_connection(users: &[CrmUser], email: &str, now: &str) -> Result<Connection, Value> {
    let wanted = email.trim().to_lowercase();
    if wanted.is_empty() {
        return Err(fail(&ErrorInfo {
            code: "missing_private_app_user".into(),
            message: "Name the HubSpot user the private app saves for.".into(),
            hint: PRIVATE_APP_USER_REASON.into(),
        }));
    }
    let Some(owner) = users.iter().find(|u| {
        u.active && u.email.as_deref().map(str::to_lowercase).as_deref() == Some(wanted.as_str())
    }) else {
        return Err(fail(&ErrorInfo {
            code: "unknown_owner".into(),
            message: format!("No active HubSpot owner has the email {wanted:?}."),
            hint: "Enter the email of the HubSpot user the private app saves for (e.g. your integration user).".into(),
        }));
    };
    Ok(Connection {
        role: Role::TeamSync,
        crm_user_id: owner.id.clone(),
        name: owner.name.clone().unwrap_or_default(),
        email: wanted,
        permission: Some(Permission::Admin),
        health: Health::Ok,
        last_success: Some(now.to_owned()),
        instance_url: DEFAULT_API_BASE.to_owned(),
        credential: None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn user(id: &str, email: &str, active: bool) -> CrmUser {
        CrmUser {
            id: id.into(),
            email: Some(email.into()),
            active,
            name: Some(format!("User {id}")),
        }
    }

    /// The private app stands for the active owner with the e-mail the admin typed (any case):
    /// never another active owner, and never an inactive one with that e-mail.
    #[test]
    fn a_private_app_stands_for_the_active_owner_with_the_typed_email() {
        let users = [
            user("41", "rep@acme.example", true),
            user("42", "gone@acme.example", false),
            user("43", "integration@acme.example", true),
        ];
        let conn = private_app_connection(&users, " Integration@Acme.example ", "now").unwrap();
        assert_eq!(
            (conn.crm_user_id.as_str(), conn.email.as_str()),
            ("43", "integration@acme.example")
        );
        let refused = private_app_connection(&users, "gone@acme.example", "now").unwrap_err();
        assert_eq!(refused["error"]["code"], "unknown_owner", "{refused}");
    }
}
