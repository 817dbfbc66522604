//! Server mode: this browser in a team whose connections a team server holds (issue 15,
//! spec rule 11).
//!
//! - [`server_url`]: the server URL a rep or a policy gives: `https://`, or plain `http://`
//!   on loopback only (tests, the demo, a server on the rep's own machine).
//! - [`Snapshot`]: `GET /api/team` as the extension reads it; [`server_team`] lays it over
//!   the browser's [`LocalTeam`] (the JSON functions read it beside the stored team:
//!   `crate::api::SNAPSHOT_FIELD`) for the local decision (hover preview, the toast's "who
//!   will be Created By", planning): the team sync connection is the one the server holds
//!   (its CRM user, permission and health, no token), the rep's own connection is held only
//!   in this browser ([`LocalTeam::team_server`]), and the push settings and owner mapping
//!   are the team's.
//! - [`via_server`] / [`save_request`]: an outbox entry planned with the team sync
//!   connection goes to `POST /api/saves` (the session as bearer, the entry id as the save
//!   id, so a retry is answered from the server's ledger and never pushed twice); saves with
//!   the rep's own connection still go straight from the browser.
//! - [`read_answer`]: what the server's answer means for the entry ([`ServerStep`]).
//!
//! The server decides again from its own copy of the team (never trusting this decision);
//! the local one only says beforehand what the server will do.

use attribution::{Held, Permission};
use crm::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::journal::records::{ErrorInfo, SaveResult, SaveStatus};
use crate::outbox::{OutboxEntry, PersonSave};
use crate::team::config::{CrmKind, Settings};
use crate::team::{Connection, Health, LocalTeam, Role, TeamMode};

/// How long a save the server keeps (`202`) waits before the browser asks again.
pub const SERVER_RETRY_MS: u64 = 30_000;
/// How long a save waits when the server could not be reached.
pub const UNREACHABLE_RETRY_MS: u64 = 60_000;

/// Checks a team server URL: `https://host[:port]`, or `http://` on 127.0.0.1 / localhost;
/// no path, query or credentials. Answers it without a trailing slash.
pub fn server_url(raw: &str) -> Result<String, ErrorInfo> {
    let url = raw.trim().trim_end_matches('/');
    let refuse = |message: &str| ErrorInfo {
        code: "invalid_server_url".into(),
        message: message.into(),
        hint: "Enter the address your admin gave you, e.g. https://leadline.acme.example.".into(),
    };
    let host = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(host), _) => host,
        (None, Some(host)) => {
            let name = host.split(':').next().unwrap_or_default();
            if name != "127.0.0.1" && name != "localhost" {
                return Err(refuse(
                    "A team server must use https:// (plain http:// only on this computer).",
                ));
            }
            host
        }
        _ => return Err(refuse("A team server address starts with https://.")),
    };
    let ok = !host.is_empty()
        && url.len() <= 200
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b));
    if !ok {
        return Err(refuse(
            "A team server address is only https://host[:port], without a path.",
        ));
    }
    Ok(url.to_owned())
}

/// `GET /api/team`, as far as the extension uses it: `team.crm`, `me` (`id`, `email`,
/// `owner_mapping`), `state` (the spec's team: `users` with `personal` and its `held`,
/// `team_sync`), `push_settings`, and `connections` (`member_id`, `needs_reconnect`, `credential`). Read by
/// its serde derives: fields the extension does not use are ignored, an absent or `null` one
/// reads as absent, and one of another shape is refused (`crate::api` answers `invalid_input`
/// with serde's words).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Snapshot {
    #[serde(default, deserialize_with = "null_as_default")]
    team: ServerTeam,
    /// The signed-in member, when the snapshot has one.
    #[serde(default)]
    pub me: Option<Member>,
    #[serde(default, deserialize_with = "null_as_default")]
    state: ServerState,
    #[serde(default)]
    push_settings: Option<Settings>,
    #[serde(default, deserialize_with = "null_as_default")]
    connections: Vec<ServerConnection>,
}

/// The signed-in member of a [`Snapshot`].
#[derive(Debug, Clone, Deserialize)]
pub struct Member {
    /// Their member id (the spec's app user id on the server).
    pub id: String,
    /// Their login email.
    pub email: String,
    /// Their owner mapping, when the admin set one.
    #[serde(default)]
    pub owner_mapping: Option<String>,
}

/// The snapshot's `team`: its CRM, and for a HubSpot team the client id of the server's
/// HubSpot app (reps connect their own HubSpot account with it; the server exchanges the code).
#[derive(Debug, Clone, Default, Deserialize)]
struct ServerTeam {
    #[serde(default)]
    crm: Option<CrmKind>,
    #[serde(default)]
    hubspot_client_id: Option<String>,
}

/// The snapshot's `state` (the spec's team), as far as the team sync goes.
#[derive(Debug, Clone, Default, Deserialize)]
struct ServerState {
    #[serde(default, deserialize_with = "null_as_default")]
    users: Vec<ServerUser>,
    #[serde(default)]
    team_sync: Option<String>,
    /// The CRM user directory the server read with its team sync connection (empty when it
    /// has none).
    #[serde(default, deserialize_with = "null_as_default")]
    crm_users: Vec<crm::CrmUser>,
}

/// A member in the snapshot's `state.users`.
#[derive(Debug, Clone, Deserialize)]
struct ServerUser {
    id: String,
    #[serde(default)]
    personal: Option<ServerPersonal>,
}

/// A member's connection as the server lists it (no token).
#[derive(Debug, Clone, Deserialize)]
struct ServerPersonal {
    crm_user_id: String,
    email: String,
    #[serde(
        default,
        deserialize_with = "crate::team::permission_or_unknown::deserialize"
    )]
    permission: Option<Permission>,
    /// Absent or `null` means `team` (rule 11).
    #[serde(default)]
    held: Option<Held>,
}

/// A team-held connection's health in the snapshot's `connections`.
#[derive(Debug, Clone, Deserialize)]
struct ServerConnection {
    member_id: String,
    #[serde(default)]
    needs_reconnect: bool,
    /// A pasted HubSpot token's kind (`private_app_token`, `service_key`), when one.
    #[serde(default)]
    credential: Option<String>,
}

/// `null` read as the type's default (serde's `default` covers only an absent field).
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

impl Snapshot {
    /// The team sync: its member id and its team-held connection (rule 11: a connection held
    /// only in a browser is never the team sync).
    fn team_sync(&self) -> Option<(&str, &ServerPersonal)> {
        let id = self.state.team_sync.as_deref()?;
        let personal = self
            .state
            .users
            .iter()
            .find(|u| u.id == id)?
            .personal
            .as_ref()?;
        (personal.held.unwrap_or_default() == Held::Team).then_some((id, personal))
    }
}

/// The team this browser decides with in server mode: `local` with the server's team sync
/// (see the module docs). A server without a team sync leaves none (rule 3 then falls back
/// to the rep's own connection, as the server does).
pub fn server_team(local: &LocalTeam, snapshot: &Snapshot) -> LocalTeam {
    let mut team = local.clone();
    team.mode = TeamMode::ServerMember;
    team.team_sync_is_mine = false;
    team.remove_connection(Role::TeamSync);
    if let Some(crm) = snapshot.team.crm {
        team.config.crm = crm;
    }
    if team.config.crm == CrmKind::Hubspot {
        if let Some(client_id) = snapshot.team.hubspot_client_id.clone() {
            team.config.client_id = Some(client_id);
        }
    }
    if let Some(settings) = snapshot.push_settings {
        team.settings = settings;
    }
    // Who owns the rep's records is the admin's, on the server (which decides the saves it
    // pushes with it): a mapping left in this browser from solo mode would make the preview
    // name another owner than the record gets.
    team.owner_mapping = snapshot.me.as_ref().and_then(|me| me.owner_mapping.clone());
    if team.config.me_email.is_none() {
        team.config.me_email = snapshot.me.as_ref().map(|me| me.email.to_lowercase());
    }
    // The server decides with the directory it read (rules 5 and 6); the preview does too,
    // so both skip the same inactive owners. A server without one leaves this browser's.
    if !snapshot.state.crm_users.is_empty() {
        team.crm_users = snapshot.state.crm_users.clone();
    }
    if let Some((member, p)) = snapshot.team_sync() {
        let held = snapshot.connections.iter().find(|c| c.member_id == member);
        let reconnect = held.is_some_and(|c| c.needs_reconnect);
        // A pasted HubSpot token's kind, so Created By names it (a service key, a private app);
        // a kind this version does not know reads as none.
        let credential = held
            .and_then(|c| c.credential.as_deref())
            .and_then(|k| crm::Credential::deserialize(Value::from(k)).ok());
        let instance_url = local
            .connection(Role::Personal)
            .map(|c| c.instance_url.clone())
            .unwrap_or_default();
        team.set_connection(Connection {
            role: Role::TeamSync,
            name: local
                .user_name(&p.crm_user_id)
                .unwrap_or_else(|| p.email.clone()),
            crm_user_id: p.crm_user_id.clone(),
            email: p.email.clone(),
            permission: p.permission,
            health: if reconnect {
                Health::ReconnectNeeded
            } else {
                Health::Ok
            },
            last_success: None,
            instance_url,
            credential,
        });
    }
    team
}

/// True when the team server pushes this entry: server mode, and the entry (and its
/// activity, if any) goes with the team sync connection, which only the server holds.
pub fn via_server(team: &LocalTeam, entry: &OutboxEntry) -> bool {
    team.mode == TeamMode::ServerMember
        && entry.role == Role::TeamSync
        && entry.activity_role.is_none_or(|r| r == Role::TeamSync)
}

/// A prospect as a save message carries it (the server reads it with the same parser; an
/// absent field is `null`, which it reads as absent).
fn raw_prospect(entry: &PersonSave) -> Value {
    let p = &entry.prospect;
    let mut raw = serde_json::to_value(&p.person).unwrap_or_else(|_| json!({}));
    if let Some(map) = raw.as_object_mut() {
        map.insert("full_name".into(), json!(p.name));
    }
    raw
}

/// `POST <url>/api/saves` for an entry the server pushes ([`via_server`]): the entry's
/// people as a save (a bulk chunk as a bulk save) with the email it logs, if any, the entry
/// id as the save id.
pub fn save_request(entry: &OutboxEntry, url: &str, session: &str) -> HttpRequest {
    let (push, prospects): (&str, Vec<Value>) = match entry.chunk() {
        Some(chunk) => (
            "bulk",
            chunk
                .members
                .iter()
                .map(|m| raw_prospect(&m.person))
                .collect(),
        ),
        None => ("single", vec![raw_prospect(entry)]),
    };
    let mut body = json!({
        "save_id": entry.id,
        "source": entry.source,
        "push": push,
        "prospects": prospects,
    });
    // The email to log ("Log this email"), as the page sent it: the server decides and logs it
    // with the same core (rule 2), under its own push settings.
    let activity = match entry.chunk() {
        Some(chunk) => chunk
            .members
            .first()
            .and_then(|m| m.person.spec.activity.as_ref()),
        None => entry.spec.activity.as_ref(),
    };
    if let Some(log) = activity {
        body["activity"] = json!({"kind": "email", "subject": log.subject, "body": log.body,
            "date": log.date});
    }
    HttpRequest {
        method: "POST".into(),
        url: format!("{url}/api/saves"),
        headers: vec![
            ("Authorization".into(), format!("Bearer {session}")),
            ("Content-Type".into(), "application/json".into()),
        ],
        body: Some(body.to_string()),
    }
}

/// What the server's answer to a save means.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ServerStep {
    /// Pushed (a single entry): its result (a `SaveResult` as the server wrote it, checked
    /// again when journalled), journalled like a local save's.
    Done {
        /// The rep-facing result.
        result: Value,
    },
    /// Pushed (a bulk chunk): one result per person (`{index, lookup_key, result}`).
    Settled {
        /// The people's results.
        results: Vec<Value>,
    },
    /// Kept: the entry stays in the outbox and asks again at `next_at_ms`.
    Wait {
        /// Why, for the popup.
        reason: ErrorInfo,
        /// When to ask again (ms since epoch).
        next_at_ms: u64,
        /// `network` when the server could not be reached, else `retry`.
        waiting_for: String,
    },
    /// The session is gone (expired, revoked, signed out): the rep signs in again; the entry
    /// stays.
    SignIn {
        /// What the rep reads.
        reason: ErrorInfo,
    },
    /// The server refused the save for good (a bad body, a rule): the entry fails with it.
    Failed {
        /// The rep-facing result.
        result: Box<SaveResult>,
    },
}

/// The server's `{"error": {code, message}}`, or a generic one.
fn server_error(response: &HttpResponse) -> ErrorInfo {
    let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    let text = |k: &str| body["error"][k].as_str().map(str::to_owned);
    ErrorInfo {
        code: text("code").unwrap_or_else(|| format!("http_{}", response.status)),
        message: text("message")
            .unwrap_or_else(|| format!("The team server answered {}.", response.status)),
        hint: String::new(),
    }
}

/// A server result (a `SaveResult`'s JSON) with the names this browser knows filled in where
/// the server had none (its copy of the team has no CRM user directory). Kept as JSON: the
/// journal reads it with its own checks.
fn named(team: &LocalTeam, mut result: Value) -> Value {
    for party in ["owner", "created_by"] {
        let party = &mut result[party];
        let unnamed = party["name"].as_str().is_none_or(str::is_empty);
        let name = party["id"].as_str().and_then(|id| team.user_name(id));
        if let (true, Some(name), Some(party)) = (unnamed, name, party.as_object_mut()) {
            party.insert("name".into(), Value::String(name));
        }
    }
    result
}

/// What a rep reads when the CRM refused the team server's own team sync connection (the
/// server's ledger status `reconnect_needed`, with its reason): only an admin can reconnect
/// it, on the server, and the server pushes the save by itself afterwards.
fn team_sync_refused(team: &LocalTeam, reason: Option<&ErrorInfo>) -> ErrorInfo {
    let crm = team.config.crm.name();
    let said = match reason.map(|r| r.code.trim()) {
        Some(code) if !code.is_empty() && code.len() <= 64 => format!(" ({code})"),
        _ => String::new(),
    };
    ErrorInfo {
        code: "team_sync_refused".into(),
        message: format!("Team sync on your team server was refused by {crm}{said}."),
        hint: "Nothing to do here: your admin reconnects it on the team server's admin page. \
               The save is kept and will finish then."
            .into(),
    }
}

/// Reads the server's answer to [`save_request`] for `entry` at `now_ms`.
pub fn read_answer(
    team: &LocalTeam,
    entry: &OutboxEntry,
    response: &HttpResponse,
    now_ms: u64,
) -> ServerStep {
    let failed = |error: ErrorInfo| {
        Box::new(SaveResult {
            status: SaveStatus::Failed,
            error: Some(error),
            ..entry.waiting_result()
        })
    };
    let wait = |reason: ErrorInfo, after: u64, waiting_for: &str| ServerStep::Wait {
        reason,
        next_at_ms: now_ms.saturating_add(after),
        waiting_for: waiting_for.into(),
    };
    let status = response.status;
    if status == 0 {
        return wait(
            ErrorInfo {
                code: "network_error".into(),
                message: "The team server could not be reached.".into(),
                hint: "Leadline sends the save again when it can reach your team server.".into(),
            },
            UNREACHABLE_RETRY_MS,
            "network",
        );
    }
    if status == 401 {
        let mut reason = server_error(response);
        reason.code = "team_server_sign_in".into();
        reason.message = "Your team server session ended (expired, revoked or signed out).".into();
        reason.hint =
            "Sign in to your team server again in Leadline settings; your saves wait until then."
                .into();
        return ServerStep::SignIn { reason };
    }
    let body: Value = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    if status == 200 {
        let results: Vec<Value> = body["results"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .filter(|r| r.is_object())
                    .map(|r| named(team, r.clone()))
                    .collect()
            })
            .unwrap_or_default();
        return match entry.chunk() {
            None => match results.into_iter().next() {
                Some(result) => ServerStep::Done { result },
                None => ServerStep::Failed {
                    result: failed(ErrorInfo {
                        code: "invalid_answer".into(),
                        message: "The team server's answer had no result for this person.".into(),
                        hint: "Retry the save from the popup.".into(),
                    }),
                },
            },
            Some(chunk) if results.len() == chunk.members.len() => ServerStep::Settled {
                results: chunk
                    .members
                    .iter()
                    .zip(results)
                    .map(|(m, result)| {
                        json!({"index": m.person.index, "lookup_key": m.person.lookup_key,
                            "result": result})
                    })
                    .collect(),
            },
            Some(_) => wait(
                ErrorInfo {
                    code: "invalid_answer".into(),
                    message: "The team server's answer did not list every person.".into(),
                    hint: "Leadline asks again shortly.".into(),
                },
                SERVER_RETRY_MS,
                "retry",
            ),
        };
    }
    if status == 202 || status == 429 || status >= 500 {
        let given = body
            .get("waiting")
            .and_then(|w| ErrorInfo::deserialize(w).ok());
        let kept = body["status"].as_str().filter(|_| status == 202);
        if kept == Some("reconnect_needed") {
            let refused = team_sync_refused(team, given.as_ref());
            return wait(refused, SERVER_RETRY_MS, "admin");
        }
        let mut reason = given.unwrap_or_else(|| server_error(response));
        if status == 202 && reason.code.starts_with("http_") {
            reason.code = "team_server_waiting".into();
            reason.message = "The team server accepted the save and is still pushing it.".into();
        }
        // The server's reason is written for whoever fixes it there (its hints name the
        // server's settings or "Options", which a rep cannot use): the rep reads what happens
        // next and who acts.
        return match kept {
            Some("blocked") => {
                reason.hint = "Ask your admin to look at the team server's error log; the save is kept on the server.".into();
                wait(reason, SERVER_RETRY_MS, "admin")
            }
            _ => {
                reason.hint = "Nothing to do: your team server retries it by itself, and Leadline asks it again shortly.".into();
                wait(reason, SERVER_RETRY_MS, "retry")
            }
        };
    }
    let mut error = server_error(response);
    error.hint = "Ask your admin to look at the team server's error log.".into();
    ServerStep::Failed {
        result: failed(error),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::inbound::message::{parse_content_message, ContentToWorker};
    use crate::outbox::KnownRecords;

    /// A rep's browser: their own connection (Rita, standard) and the directory.
    fn rep_browser() -> LocalTeam {
        let mut t = LocalTeam::default();
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(Connection {
            role: Role::Personal,
            crm_user_id: "005R".into(),
            name: "Rita Rep".into(),
            email: "rep@acme.example".into(),
            permission: Some(Permission::Standard),
            health: Health::Ok,
            last_success: None,
            instance_url: "https://acme.my.salesforce.com".into(),
            credential: None,
        });
        t.crm_users = vec![crm::CrmUser {
            id: "005I".into(),
            email: Some("integration@acme.example".into()),
            active: true,
            name: Some("Ivan Integration".into()),
        }];
        t
    }

    /// `GET /api/team` for the rep: the integration user's connection held by the team as
    /// team sync, the rep's own held in their browser.
    fn wire(team_sync: Option<&str>, needs_reconnect: bool) -> Value {
        json!({
            "team": {"id": "t_1", "name": "Acme", "crm": "salesforce"},
            "me": {"id": "m_rep", "email": "Rep@acme.example", "role": "rep", "owner_mapping": null},
            "state": {
                "users": [
                    {"id": "m_admin", "email": "integration@acme.example", "owner_mapping": null,
                     "personal": {"crm_user_id": "005I", "email": "integration@acme.example",
                                  "permission": "admin", "held": "team"}},
                    {"id": "m_rep", "email": "rep@acme.example", "owner_mapping": null,
                     "personal": {"crm_user_id": "005R", "email": "rep@acme.example",
                                  "permission": "standard", "held": "own_browser"}},
                ],
                "team_sync": team_sync,
                "crm_users": [],
            },
            "push_settings": {"record_kind": "lead", "match_account": false, "log_emails": true},
            "connections": [{"member_id": "m_admin", "crm_user_id": "005I", "permission": "admin",
                             "held": "team", "needs_reconnect": needs_reconnect}],
        })
    }

    /// [`wire`] as the extension reads it.
    fn snapshot(team_sync: Option<&str>, needs_reconnect: bool) -> Snapshot {
        serde_json::from_value(wire(team_sync, needs_reconnect)).unwrap()
    }

    fn plan(team: &LocalTeam, source: &str, email: Option<&str>) -> OutboxEntry {
        let mut person = json!({"full_name": "Ada Lovelace",
            "linkedin_url": "https://www.linkedin.com/in/ada-lovelace/"});
        if let Some(email) = email {
            person["email"] = json!(email);
        }
        let message =
            json!({"kind": "save", "source": source, "push": "single", "prospects": [person]});
        let Ok(ContentToWorker::Save(save)) = parse_content_message(&message) else {
            panic!("a save message");
        };
        let planned = crate::plan::plan_save(team, &save, "s-0001", &KnownRecords::new());
        planned.entries.into_iter().next().expect("one entry")
    }

    /// The server's CRM user directory replaces the browser's (the server decides with it);
    /// a server without one leaves the browser's.
    #[test]
    fn the_servers_directory_is_the_one_the_preview_decides_with() {
        let solo = rep_browser();
        let mut wired = wire(Some("m_admin"), false);
        let kept = server_team(&solo, &serde_json::from_value(wired.clone()).unwrap());
        assert_eq!(kept.crm_users, solo.crm_users);
        wired["state"]["crm_users"] = json!([
            {"id": "005I", "email": "integration@acme.example", "active": true,
             "name": "Ivan Integration"},
            {"id": "005G", "email": "gone@acme.example", "active": false, "name": "Gus Gone"},
        ]);
        let mut wired_me = wired.clone();
        wired_me["me"]["owner_mapping"] = json!("005G");
        let server = server_team(&solo, &serde_json::from_value(wired_me).unwrap());
        assert_eq!(server.crm_users.len(), 2);
        assert!(!server.crm_users[1].active);
        // The inactive mapped owner is skipped in the preview, as on the server (rule 6).
        let entry = plan(&server, "linkedin_extension", Some("ada@initech.example"));
        assert_ne!(entry.owner.id.as_deref(), Some("005G"));
        assert!(
            entry.warnings.iter().any(|w| w == "owner_inactive"),
            "{:?}",
            entry.warnings
        );
    }

    /// On the server, the plan says what the server decided (its owner, reasons and warnings,
    /// whichever team-held connection it chose), not what the planning team would decide, and
    /// its one connection pushes it in the team sync role; a logged e-mail keeps its own
    /// decision's owner.
    #[test]
    fn a_plan_as_decided_carries_the_servers_decision() {
        let mut browser = rep_browser();
        browser.remove_connection(Role::Personal);
        let team = server_team(&browser, &snapshot(Some("m_admin"), false));
        let message = json!({"kind": "save", "source": "gmail_extension", "push": "single",
            "prospects": [{"full_name": "Ada Lovelace", "email": "ada@initech.example"}],
            "activity": {"kind": "email", "subject": "Pilot", "body": "Hi", "date": "2026-12-01"}});
        let Ok(ContentToWorker::Save(save)) = parse_content_message(&message) else {
            panic!("a save message");
        };
        let own = crate::decision::decide_person(&team, save.source, save.push).unwrap();
        let mut decided = own.clone();
        decided.credential.kind = attribution::CredentialKind::Personal;
        decided.credential.user = "m_rep".into();
        decided.owner = "005Z".into();
        decided.reasons = vec!["Owner: your own Salesforce user (zoe@acme.example)".into()];
        decided.warnings = vec![attribution::Warning::OwnerInactive];
        let mut activity = decided.clone();
        activity.owner = "005Y".into();
        let plan = crate::plan::plan_save_as_decided(
            &team,
            &save,
            "s-0004",
            &KnownRecords::new(),
            &decided,
            Some(&activity),
        );
        let entry = plan.entries.first().expect("one entry");
        assert_eq!(entry.role, Role::TeamSync);
        assert_eq!(entry.owner.id.as_deref(), Some("005Z"));
        assert_eq!(entry.spec.owner_id.as_deref(), Some("005Z"));
        assert_eq!(entry.reasons, decided.reasons);
        assert_eq!(entry.warnings, ["owner_inactive"]);
        assert_eq!(entry.activity_owner.as_deref(), Some("005Y"));
        assert_eq!(plan.results[0].reasons, decided.reasons);
        assert_ne!(
            own.owner, "005Z",
            "the planning team alone decides otherwise"
        );
        // A team that does not log e-mails does not log this one either.
        let mut quiet = team.clone();
        quiet.settings.log_emails = false;
        let plan = crate::plan::plan_save_as_decided(
            &quiet,
            &save,
            "s-0005",
            &KnownRecords::new(),
            &decided,
            Some(&activity),
        );
        let entry = plan.entries.first().expect("one entry");
        assert!(entry.spec.activity.is_none());
        assert_eq!(entry.activity_owner, None);
    }

    /// One row per situation: which connection the local decision picks, and who pushes.
    #[test]
    fn server_mode_routes_team_sync_saves_to_the_server_and_own_saves_from_the_browser() {
        let solo = rep_browser();
        let server = server_team(&solo, &snapshot(Some("m_admin"), false));
        // (team, source, role of the entry, pushed by the team server)
        let rows = [
            (&server, "linkedin_extension", Role::TeamSync, true),
            (&server, "gmail_extension", Role::Personal, false),
            (&solo, "linkedin_extension", Role::Personal, false),
        ];
        for (team, source, role, by_server) in rows {
            let entry = plan(team, source, Some("ada@initech.example"));
            assert_eq!(entry.role, role, "{source}");
            assert_eq!(via_server(team, &entry), by_server, "{source}");
        }
        // The server's team sync, its settings and the rep's own connection held here only.
        let sync = server.connection(Role::TeamSync).unwrap();
        assert_eq!(
            (sync.crm_user_id.as_str(), sync.name.as_str()),
            ("005I", "Ivan Integration")
        );
        assert_eq!(server.settings.record_kind, crm::RecordKind::Lead);
        let spec_team = server.attribution_team();
        let held = |i: usize| spec_team.users[i].personal.as_ref().unwrap().held;
        assert_eq!(held(0), attribution::Held::OwnBrowser, "the rep's own");
        assert_eq!(held(1), attribution::Held::Team, "the team sync");
        // LinkedIn: Created By the integration user, owned by the rep (rule 4).
        let linkedin = plan(&server, "linkedin_extension", None);
        assert_eq!(linkedin.created_by.id.as_deref(), Some("005I"));
        assert_eq!(linkedin.owner.id.as_deref(), Some("005R"));
    }

    #[test]
    fn a_server_without_team_sync_leaves_the_rep_their_own_connection() {
        let server = server_team(&rep_browser(), &snapshot(None, false));
        assert!(server.connection(Role::TeamSync).is_none());
        let entry = plan(&server, "linkedin_extension", None);
        assert_eq!(entry.role, Role::Personal);
        assert!(!via_server(&server, &entry));
        // A team sync needing a reconnect on the server is marked so here.
        let waiting = server_team(&rep_browser(), &snapshot(Some("m_admin"), true));
        assert_eq!(
            waiting.connection(Role::TeamSync).unwrap().health,
            Health::ReconnectNeeded
        );
    }

    #[test]
    fn the_save_request_carries_the_entry_id_and_the_session() {
        let server = server_team(&rep_browser(), &snapshot(Some("m_admin"), false));
        let entry = plan(&server, "linkedin_extension", None);
        let request = save_request(&entry, "http://127.0.0.1:9", "lls_session");
        assert_eq!(request.url, "http://127.0.0.1:9/api/saves");
        assert!(request
            .headers
            .contains(&("Authorization".into(), "Bearer lls_session".into())));
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["save_id"], entry.id.as_str());
        assert_eq!(body["source"], "linkedin_extension");
        assert_eq!(body["prospects"][0]["full_name"], "Ada Lovelace");
        assert!(body.get("actor").is_none(), "the actor is the session's");
        // The server reads it with the extension's own parser.
        let mut message = body.clone();
        message["kind"] = json!("save");
        assert!(parse_content_message(&message).is_ok(), "{body}");
    }

    /// A rep without a connection of their own: their Gmail save and the email it logs go
    /// with team sync (rules 1 to 3), so through the team server, the email with it.
    #[test]
    fn a_logged_email_goes_to_the_server_with_its_save() {
        let mut browser = rep_browser();
        browser.remove_connection(Role::Personal);
        let mut snap = wire(Some("m_admin"), false);
        snap["state"]["users"][1]["personal"] = Value::Null;
        let server = server_team(&browser, &serde_json::from_value(snap).unwrap());
        let email = json!({"kind": "email", "subject": "Pilot", "body": "Hello Ada",
            "date": "2026-12-01"});
        let message = json!({"kind": "save", "source": "gmail_extension", "push": "single",
            "prospects": [{"full_name": "Ada Lovelace", "email": "ada@initech.example"}],
            "activity": email});
        let Ok(ContentToWorker::Save(save)) = parse_content_message(&message) else {
            panic!("a save message");
        };
        let planned = crate::plan::plan_save(&server, &save, "s-0003", &KnownRecords::new());
        let entry = planned.entries.first().expect("one entry");
        assert_eq!((entry.role, entry.activity_role), (Role::TeamSync, None));
        assert!(entry.spec.activity.is_some(), "the email is logged");
        assert!(via_server(&server, entry));
        let request = save_request(entry, "https://leadline.acme.example", "lls_x");
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["activity"], email);
        // The server reads the same email with the extension's parser.
        let mut sent = body.clone();
        sent["kind"] = json!("save");
        let Ok(ContentToWorker::Save(read)) = parse_content_message(&sent) else {
            panic!("the server reads it: {body}");
        };
        assert_eq!(read.activity.map(|a| a.subject).as_deref(), Some("Pilot"));
        // A LinkedIn save carries no email.
        let linkedin = plan(&server, "linkedin_extension", None);
        let request = save_request(&linkedin, "https://leadline.acme.example", "lls_x");
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert!(body.get("activity").is_none(), "{body}");
    }

    /// One row per answer of `POST /api/saves`.
    #[test]
    fn server_answers_settle_wait_or_ask_for_a_sign_in() {
        let server = server_team(&rep_browser(), &snapshot(Some("m_admin"), false));
        let entry = plan(&server, "linkedin_extension", None);
        let answer = |status: u16, body: Value| {
            read_answer(
                &server,
                &entry,
                &HttpResponse {
                    status,
                    headers: vec![],
                    body: body.to_string(),
                },
                1_000,
            )
        };
        let pushed = json!({"status": "pushed", "results": [{
            "status": "created", "object": "Contact", "record_id": "003X", "record_url": null,
            "name": "Ada Lovelace", "owner": {"id": "005R", "name": null},
            "created_by": {"id": "005I", "name": "integration@acme.example"},
            "reasons": ["LinkedIn saves are pushed with the team sync connection"],
            "warnings": [], "error": null}]});
        let ServerStep::Done { result } = answer(200, pushed) else {
            panic!("200 settles the entry");
        };
        let result = SaveResult::deserialize(&result).unwrap();
        assert_eq!(result.status, SaveStatus::Created);
        assert_eq!(result.owner.name.as_deref(), Some("Rita Rep"), "named here");
        assert_eq!(
            result.created_by.name.as_deref(),
            Some("integration@acme.example")
        );
        let waiting = json!({"status": "waiting",
            "waiting": {"code": "REQUEST_LIMIT_EXCEEDED", "message": "busy", "hint": "later"}});
        let rows: [(u16, Value, &str); 5] = [
            (202, waiting, "wait"),
            (503, json!({}), "wait"),
            (0, json!("net::ERR_CONNECTION_REFUSED"), "wait"),
            (
                401,
                json!({"error": {"code": "invalid_session", "message": "no"}}),
                "sign_in",
            ),
            (
                409,
                json!({"error": {"code": "not_held_by_team", "message": "own"}}),
                "failed",
            ),
        ];
        for (status, body, kind) in rows {
            let step = answer(status, body);
            assert_eq!(
                serde_json::to_value(&step).unwrap()["kind"],
                kind,
                "{status}"
            );
            match step {
                ServerStep::Wait {
                    next_at_ms,
                    waiting_for,
                    ..
                } => {
                    assert!(next_at_ms > 1_000);
                    assert_eq!(waiting_for == "network", status == 0);
                }
                ServerStep::SignIn { reason } => {
                    assert!(reason.hint.contains("Sign in to your team server again"))
                }
                ServerStep::Failed { result } => {
                    // Shown as failed in the popup, not as still waiting.
                    assert_eq!(result.status, SaveStatus::Failed);
                    assert_eq!(result.error.unwrap().code, "not_held_by_team")
                }
                ServerStep::Done { .. } | ServerStep::Settled { .. } => panic!("{status}"),
            }
        }
        // A 202 that says no more: the server has the save and is pushing it; a bare 503
        // keeps its HTTP code.
        let reason_of = |status: u16| match answer(status, json!({})) {
            ServerStep::Wait { reason, .. } => (reason.code, reason.message),
            other => panic!("{status}: {other:?}"),
        };
        assert_eq!(
            reason_of(202),
            (
                "team_server_waiting".to_owned(),
                "The team server accepted the save and is still pushing it.".to_owned()
            )
        );
        assert_ne!(reason_of(503).0, "team_server_waiting");
    }

    /// The server keeps a save because the CRM refused the team's own connection there (its
    /// ledger status `reconnect_needed`): the rep reads who fixes it and where, never the
    /// server's "Reconnect … in Options", which a rep cannot do.
    #[test]
    fn a_team_sync_refused_on_the_server_tells_the_rep_their_admin_reconnects_it_there() {
        let entry_for = |crm: &str| {
            let mut snap = wire(Some("m_admin"), true);
            snap["team"]["crm"] = json!(crm);
            let team = server_team(&rep_browser(), &serde_json::from_value(snap).unwrap());
            let entry = plan(&team, "linkedin_extension", None);
            (team, entry)
        };
        let answer = |crm: &str, status: &str, code: &str| {
            let (team, entry) = entry_for(crm);
            let body = json!({"status": status, "pushed": false, "waiting": {
                "code": code, "message": "expired access/refresh token",
                "hint": "Reconnect in Options; the save is kept and will finish then."}});
            let response = HttpResponse {
                status: 202,
                headers: vec![],
                body: body.to_string(),
            };
            match read_answer(&team, &entry, &response, 1_000) {
                ServerStep::Wait {
                    reason,
                    waiting_for,
                    next_at_ms,
                } => {
                    assert_eq!(next_at_ms, 1_000 + SERVER_RETRY_MS, "asked again later");
                    (reason, waiting_for)
                }
                other => panic!("a kept save waits: {other:?}"),
            }
        };
        let kept = "Nothing to do here: your admin reconnects it on the team server's admin page. \
                    The save is kept and will finish then.";
        // (crm, the server's reason code, what the rep reads)
        let rows = [
            (
                "salesforce",
                "invalid_grant",
                "Team sync on your team server was refused by Salesforce (invalid_grant).",
            ),
            (
                "hubspot",
                "INVALID_AUTHENTICATION",
                "Team sync on your team server was refused by HubSpot (INVALID_AUTHENTICATION).",
            ),
            (
                "salesforce",
                "",
                "Team sync on your team server was refused by Salesforce.",
            ),
        ];
        for (crm, code, message) in rows {
            let (reason, waiting_for) = answer(crm, "reconnect_needed", code);
            assert_eq!(reason.code, "team_sync_refused", "{crm} {code}");
            assert_eq!(reason.message, message);
            assert_eq!(reason.hint, kept);
            assert_eq!(waiting_for, "admin");
            assert!(!format!("{reason:?}").contains("Options"), "{reason:?}");
        }
        // A CRM busy for the server: it retries by itself; the CRM's words stay, the fix is
        // not the rep's.
        let (busy, waiting_for) = answer("salesforce", "waiting", "REQUEST_LIMIT_EXCEEDED");
        assert_eq!(busy.code, "REQUEST_LIMIT_EXCEEDED");
        assert_eq!(busy.message, "expired access/refresh token");
        assert_eq!(
            busy.hint,
            "Nothing to do: your team server retries it by itself, and Leadline asks it again shortly."
        );
        assert_eq!(waiting_for, "retry");
        let (blocked, waiting_for) = answer("salesforce", "blocked", "invalid_request");
        assert_eq!(
            blocked.hint,
            "Ask your admin to look at the team server's error log; the save is kept on the server."
        );
        assert_eq!(waiting_for, "admin");
    }

    /// A bulk save's chunk goes to the server as one bulk save; its answer settles each person
    /// at their own position.
    #[test]
    fn a_bulk_chunk_goes_as_one_save_and_settles_each_person() {
        let server = server_team(&rep_browser(), &snapshot(Some("m_admin"), false));
        let people: Vec<Value> = ["ada", "ben"]
            .iter()
            .map(|slug| {
                json!({"full_name": format!("{slug} Person"),
                "linkedin_url": format!("https://www.linkedin.com/in/{slug}/")})
            })
            .collect();
        let message = json!({"kind": "save", "source": "linkedin_extension", "push": "bulk",
            "prospects": people});
        let Ok(ContentToWorker::Save(save)) = parse_content_message(&message) else {
            panic!("a save message");
        };
        let planned = crate::plan::plan_save(&server, &save, "s-0002", &KnownRecords::new());
        let chunk = planned
            .entries
            .iter()
            .find(|e| e.chunk().is_some())
            .expect("a chunk entry");
        assert!(via_server(&server, chunk));
        let request = save_request(chunk, "https://leadline.acme.example", "lls_x");
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(body["push"], "bulk");
        assert_eq!(body["prospects"].as_array().unwrap().len(), 2);
        let result = |name: &str| {
            json!({"status": "created", "object": "Contact", "name": name,
            "record_id": "003X", "record_url": null, "owner": {"id": "005R", "name": null},
            "created_by": {"id": "005I", "name": null}, "reasons": [], "warnings": [],
            "error": null})
        };
        let answer = HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({"results": [result("ada Person"), result("ben Person")]}).to_string(),
        };
        let ServerStep::Settled { results } = read_answer(&server, chunk, &answer, 0) else {
            panic!("a chunk settles");
        };
        let indexes: Vec<&Value> = results.iter().map(|r| &r["index"]).collect();
        assert_eq!(indexes, [&json!(0), &json!(1)]);
        assert_eq!(
            results[1]["result"]["created_by"]["name"],
            "Ivan Integration"
        );
        // An answer missing a person keeps the chunk waiting rather than losing anyone.
        let short = HttpResponse {
            body: json!({"results": [result("ada Person")]}).to_string(),
            ..answer
        };
        assert!(matches!(
            read_answer(&server, chunk, &short, 0),
            ServerStep::Wait { .. }
        ));
    }

    #[test]
    fn server_urls_are_https_or_loopback_http() {
        let ok = |u: &str| server_url(u).unwrap();
        assert_eq!(
            ok(" https://leadline.acme.example/ "),
            "https://leadline.acme.example"
        );
        assert_eq!(ok("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        assert_eq!(ok("http://localhost:9"), "http://localhost:9");
        for bad in [
            "http://leadline.acme.example",
            "http://127.0.0.1.evil.example",
            "ftp://x",
            "https://",
            "https://a.example/path",
            "https://user@a.example",
            "leadline.acme.example",
        ] {
            assert_eq!(
                server_url(bad).unwrap_err().code,
                "invalid_server_url",
                "{bad}"
            );
        }
    }
}
