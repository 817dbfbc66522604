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

use attribution::Permission;
use crm::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::journal::records::{ErrorInfo, SaveResult, SaveStatus};
use crate::outbox::OutboxEntry;
use crate::team::config::{CrmKind, Settings};
use crate::team::{Connection, Health, LocalTeam, Role};

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
/// `team_sync`), `push_settings`, and `connections` (`member_id`, `needs_reconnect`). Read
/// field by field from the JSON (no derive: the save module stays small); a field missing or
/// of another type reads as absent.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a>(pub &'a Value);

impl Snapshot<'_> {
    fn text(&self, path: &[&str]) -> Option<&str> {
        path.iter().try_fold(self.0, |v, k| v.get(k))?.as_str()
    }

    /// The signed-in member's id and login email, when the snapshot has them.
    pub fn me(&self) -> Option<(&str, &str)> {
        Some((self.text(&["me", "id"])?, self.text(&["me", "email"])?))
    }

    /// The team sync: its member id and its team-held connection (rule 11: a connection held
    /// only in a browser is never the team sync).
    fn team_sync(&self) -> Option<(&str, &Value)> {
        let id = self.text(&["state", "team_sync"])?;
        let user = self.0["state"]["users"]
            .as_array()?
            .iter()
            .find(|u| u["id"] == id)?;
        let personal = &user["personal"];
        let held = personal["held"].as_str().unwrap_or("team");
        (personal.is_object() && held == "team").then_some((id, personal))
    }
}

/// The team this browser decides with in server mode: `local` with the server's team sync
/// (see the module docs). A server without a team sync leaves none (rule 3 then falls back
/// to the rep's own connection, as the server does).
pub fn server_team(local: &LocalTeam, snapshot: Snapshot<'_>) -> LocalTeam {
    let mut team = local.clone();
    team.team_server = true;
    team.team_sync_is_mine = false;
    team.remove_connection(Role::TeamSync);
    if let Some(crm) = snapshot.text(&["team", "crm"]).and_then(CrmKind::parse) {
        team.config.crm = crm;
    }
    if let Ok(settings) = Settings::deserialize(&snapshot.0["push_settings"]) {
        team.settings = settings;
    }
    if team.owner_mapping.is_none() {
        team.owner_mapping = snapshot.text(&["me", "owner_mapping"]).map(str::to_owned);
    }
    if team.config.me_email.is_none() {
        team.config.me_email = snapshot.me().map(|(_, email)| email.to_lowercase());
    }
    let text = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    if let Some((member, p)) = snapshot.team_sync() {
        let reconnect = snapshot.0["connections"].as_array().is_some_and(|list| {
            list.iter()
                .any(|c| c["member_id"] == member && c["needs_reconnect"] == true)
        });
        let instance_url = local
            .connection(Role::Personal)
            .map(|c| c.instance_url.clone())
            .unwrap_or_default();
        let crm_user_id = text(p, "crm_user_id");
        team.set_connection(Connection {
            role: Role::TeamSync,
            name: local
                .user_name(&crm_user_id)
                .unwrap_or_else(|| text(p, "email")),
            crm_user_id,
            email: text(p, "email"),
            permission: p["permission"].as_str().and_then(Permission::parse),
            health: if reconnect {
                Health::ReconnectNeeded
            } else {
                Health::Ok
            },
            last_success: None,
            instance_url,
        });
    }
    team
}

/// True when the team server pushes this entry: server mode, and the entry (and its
/// activity, if any) goes with the team sync connection, which only the server holds.
pub fn via_server(team: &LocalTeam, entry: &OutboxEntry) -> bool {
    team.team_server
        && entry.role == Role::TeamSync
        && entry.activity_role.is_none_or(|r| r == Role::TeamSync)
}

/// A prospect as a save message carries it (the server reads it with the same parser; an
/// absent field is `null`, which it reads as absent).
fn raw_prospect(entry: &OutboxEntry) -> Value {
    let p = &entry.prospect;
    let mut raw = serde_json::to_value(&p.person).unwrap_or_else(|_| json!({}));
    if let Some(map) = raw.as_object_mut() {
        map.insert("full_name".into(), json!(p.name));
    }
    raw
}

/// `POST <url>/api/saves` for an entry the server pushes ([`via_server`]): the entry's
/// people as a save (a bulk chunk as a bulk save), the entry id as the save id.
pub fn save_request(entry: &OutboxEntry, url: &str, session: &str) -> HttpRequest {
    let (push, prospects): (&str, Vec<Value>) = match &entry.chunk {
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
    let body = json!({
        "save_id": entry.id,
        "source": entry.source,
        "push": push,
        "prospects": prospects,
    });
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
        return match &entry.chunk {
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
        let mut reason = body
            .get("waiting")
            .and_then(|w| ErrorInfo::deserialize(w).ok())
            .unwrap_or_else(|| server_error(response));
        if status == 202 && reason.code.starts_with("http_") {
            reason.code = "team_server_waiting".into();
            reason.message = "The team server accepted the save and is still pushing it.".into();
        }
        if reason.hint.is_empty() {
            reason.hint = "Nothing to do: Leadline asks the team server again shortly.".into();
        }
        return wait(reason, SERVER_RETRY_MS, "retry");
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
    fn snapshot(team_sync: Option<&str>, needs_reconnect: bool) -> Value {
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

    /// One row per situation: which connection the local decision picks, and who pushes.
    #[test]
    fn server_mode_routes_team_sync_saves_to_the_server_and_own_saves_from_the_browser() {
        let solo = rep_browser();
        let server = server_team(&solo, Snapshot(&snapshot(Some("m_admin"), false)));
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
        let server = server_team(&rep_browser(), Snapshot(&snapshot(None, false)));
        assert!(server.connection(Role::TeamSync).is_none());
        let entry = plan(&server, "linkedin_extension", None);
        assert_eq!(entry.role, Role::Personal);
        assert!(!via_server(&server, &entry));
        // A team sync needing a reconnect on the server is marked so here.
        let waiting = server_team(&rep_browser(), Snapshot(&snapshot(Some("m_admin"), true)));
        assert_eq!(
            waiting.connection(Role::TeamSync).unwrap().health,
            Health::ReconnectNeeded
        );
    }

    #[test]
    fn the_save_request_carries_the_entry_id_and_the_session() {
        let server = server_team(&rep_browser(), Snapshot(&snapshot(Some("m_admin"), false)));
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

    /// One row per answer of `POST /api/saves`.
    #[test]
    fn server_answers_settle_wait_or_ask_for_a_sign_in() {
        let server = server_team(&rep_browser(), Snapshot(&snapshot(Some("m_admin"), false)));
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
    }

    /// A bulk save's chunk goes to the server as one bulk save; its answer settles each person
    /// at their own position.
    #[test]
    fn a_bulk_chunk_goes_as_one_save_and_settles_each_person() {
        let server = server_team(&rep_browser(), Snapshot(&snapshot(Some("m_admin"), false)));
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
            .find(|e| e.chunk.is_some())
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
