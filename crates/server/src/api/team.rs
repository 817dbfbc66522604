//! The team as the server knows it: the spec's team state built from the database (the copy
//! the server decides saves with), and `GET /api/team`, the snapshot the extension syncs for
//! its local preview. Neither ever contains a secret.

use axum::extract::State;
use serde_json::{json, Value};

use crate::app::AppState;
use crate::error::{ApiError, Json};
use crate::store::{Connection, Member, Team};

use super::SignedIn;

/// Everything read from the database that the team's decisions depend on.
#[derive(Debug, Clone)]
pub struct TeamCopy {
    /// The team row.
    pub team: Team,
    /// Current members, in join order.
    pub members: Vec<Member>,
    /// Team-held connections.
    pub connections: Vec<Connection>,
    /// Members who signed in with their own CRM identity (their API connection is held in
    /// their own browser; the server never has it).
    pub crm_signed_in: Vec<String>,
    /// `team.crm_users`, read once ([`Self::crm_users`]).
    directory: Vec<crm::CrmUser>,
}

impl TeamCopy {
    /// The copy of a team read from the database; its CRM user directory is parsed here, once.
    pub fn new(
        team: Team,
        members: Vec<Member>,
        connections: Vec<Connection>,
        crm_signed_in: Vec<String>,
    ) -> Self {
        let directory = serde_json::from_str(&team.crm_users).unwrap_or_default();
        Self {
            team,
            members,
            connections,
            crm_signed_in,
            directory,
        }
    }

    /// Reads the team of `team_id`.
    pub async fn load(state: &AppState, team_id: &str) -> Result<Self, ApiError> {
        let (team, members, connections, crm_signed_in) =
            state.store.team_snapshot(team_id).await?.ok_or_else(|| {
                ApiError::internal(format_args!("team {team_id} of a session is gone"))
            })?;
        Ok(Self::new(team, members, connections, crm_signed_in))
    }

    /// The team-held connection of a member.
    pub fn connection_of(&self, member_id: &str) -> Option<&Connection> {
        self.connections.iter().find(|c| c.member_id == member_id)
    }

    /// The CRM user of a member's browser-held connection, as far as the server knows: a
    /// member without a team-held connection who signed in with their own CRM identity, whose
    /// CRM user the team does not already hold (rule 7).
    pub fn own_browser_user<'a>(&self, member: &'a Member) -> Option<&'a str> {
        let crm_user_id = member.crm_user_id.as_deref()?;
        let listed = self.connection_of(&member.id).is_none()
            && self.crm_signed_in.contains(&member.id)
            && !self
                .connections
                .iter()
                .any(|c| c.crm_user_id == crm_user_id);
        listed.then_some(crm_user_id)
    }

    /// The team's CRM user directory as last read (empty when never read, or unreadable).
    pub fn crm_users(&self) -> &[crm::CrmUser] {
        &self.directory
    }

    /// Checks a CRM user id an admin typed for `field` (its words: "The owner mapping")
    /// against the team's directory: one it does not list, or lists as inactive (spec rule
    /// 6: never assigned), is refused with what is wrong. With no directory known, any id is
    /// accepted (the server cannot tell).
    pub fn check_directory_user(&self, field: &str, id: &str) -> Result<(), ApiError> {
        let users = self.crm_users();
        if users.is_empty() {
            return Ok(());
        }
        let (crm, whom) = match self.team.crm {
            saves::CrmKind::Salesforce => ("Salesforce", "users"),
            saves::CrmKind::Hubspot => ("HubSpot", "owners"),
        };
        match users.iter().find(|u| u.id == id) {
            None => Err(ApiError::bad_request(
                "unknown_crm_user",
                format!(
                    "{field} {id} is not in the team's {crm} directory ({n} {whom}): check the id, or click “Refresh CRM users” if the user was added in {crm} since.",
                    n = users.len()
                ),
            )),
            Some(u) if !u.active => Err(ApiError::bad_request(
                "inactive_crm_user",
                format!(
                    "{field} {label} is inactive in {crm}: an inactive user is never assigned as owner. Choose an active user.",
                    label = crm_user_label(u)
                ),
            )),
            Some(_) => Ok(()),
        }
    }

    /// The spec's team state (`attribution`'s input `team`) as JSON.
    ///
    /// Spec rule 11: a team-held connection is listed `"held": "team"`. A member without one
    /// who signed in with their own CRM identity has their API connection in their own
    /// browser: it is listed `"held": "own_browser"` with their CRM user id (the server knows
    /// who they are, never their token), so a save that must go with it (rules 1, 2 and 4,
    /// e.g. Gmail) is decided as such and refused here with `not_held_by_team`. Its permission
    /// is not known to the server; it is listed `standard` (how the rules read an unknown
    /// one), which only its own saves can use. A CRM user already held by the team is not
    /// listed twice (rule 7).
    pub fn state_json(&self) -> Value {
        let users: Vec<Value> = self
            .members
            .iter()
            .map(|m| {
                let personal = match self.connection_of(&m.id) {
                    Some(c) => Some(json!({
                        "crm_user_id": c.crm_user_id,
                        "email": c.crm_email,
                        "permission": c.permission,
                        "held": "team",
                    })),
                    None => self.own_browser_user(m).map(|crm_user_id| {
                        json!({
                            "crm_user_id": crm_user_id,
                            "email": m.email,
                            "permission": "standard",
                            "held": "own_browser",
                        })
                    }),
                };
                json!({
                    "id": m.id,
                    "email": m.email,
                    "personal": personal,
                    "owner_mapping": m.owner_mapping,
                })
            })
            .collect();
        json!({
            "users": users,
            "team_sync": self.team.team_sync_member,
            // The CRM user directory the server read with the team sync connection
            // (`crate::push::directory`): rules 5 and 6 decide with it. Never read: unknown
            // (`[]`), which the rules allow.
            "crm_users": self.crm_users(),
        })
    }

    /// `attribution::decide` on this copy of the team: what the server decides for a save by
    /// `actor` from `source` (the same call for a real save and the admin's simulator).
    pub fn decide(
        &self,
        source: &str,
        record: &str,
        push: &str,
        actor: &str,
    ) -> Result<attribution::Decision, attribution::AttributionError> {
        let input = attribution::parse_decision_input(&json!({
            "crm": self.team.crm.as_str(),
            "source": source,
            "record": record,
            "push": push,
            "actor": actor,
            "team": self.state_json(),
        }))?;
        attribution::decide(&input)
    }

    /// The record kind the push settings save new people as (`contact` or `lead`).
    pub fn record_kind(&self) -> String {
        serde_json::to_value(self.push_settings().record_kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "contact".to_owned())
    }

    /// The team state, parsed by the attribution core (so its checks apply).
    pub fn state(&self) -> Result<attribution::TeamState, attribution::AttributionError> {
        attribution::parse_team(&self.state_json(), "team")
    }

    /// The push settings, or the defaults when the stored text does not parse.
    pub fn push_settings(&self) -> saves::Settings {
        serde_json::from_str(&self.team.push_settings).unwrap_or_default()
    }
}

/// A directory entry in words: "Name <email> (id)" with what it has.
pub fn crm_user_label(u: &crm::CrmUser) -> String {
    let name = u.name.as_deref().filter(|n| !n.is_empty());
    let email = u.email.as_deref().filter(|e| !e.is_empty());
    match (name, email) {
        (Some(n), Some(e)) => format!("{n} <{e}> ({})", u.id),
        (Some(n), None) => format!("{n} ({})", u.id),
        (None, Some(e)) => format!("<{e}> ({})", u.id),
        (None, None) => u.id.clone(),
    }
}

/// `GET /api/team`: the team snapshot for the extension (never a secret).
pub async fn snapshot(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<Json<Value>, ApiError> {
    let copy = TeamCopy::load(&state, &signed_in.member.team_id).await?;
    let connections: Vec<Value> = copy
        .connections
        .iter()
        .map(|c| {
            json!({
                "member_id": c.member_id,
                "crm_user_id": c.crm_user_id,
                "permission": c.permission,
                "held": "team",
                "needs_reconnect": c.needs_reconnect,
                "credential": c.credential,
            })
        })
        .collect();
    // A HubSpot team's reps connect their own HubSpot account with the server's HubSpot app
    // (the server performs the code exchange and refreshes with its secret): its client id is
    // public, the secret never leaves the server.
    let hubspot_client_id = state
        .config
        .oauth
        .hubspot
        .as_ref()
        .filter(|_| copy.team.crm == saves::CrmKind::Hubspot)
        .map(|app| app.client_id.clone());
    Ok(Json(json!({
        "team": { "id": copy.team.id, "name": copy.team.name, "crm": copy.team.crm,
            "hubspot_client_id": hubspot_client_id },
        "me": signed_in.member,
        "state": copy.state_json(),
        "push_settings": copy.push_settings(),
        "connections": connections,
    })))
}
