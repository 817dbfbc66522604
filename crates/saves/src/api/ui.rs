//! Options-page and popup messages: pure state changes, the state view (never a token),
//! and the journal (recent saves, error log, CSV).

use serde::Deserialize;
use serde_json::{json, Value};

use super::reply::{answer, clock_ms, fail, read, read_entries, read_or_default, to_json};
use crate::decision::{decide, gmail_saving_as};
use crate::inbound::message::{parse_ui_message, Push, UiToWorker};
use crate::journal::records::{ErrorInfo, Journal, RecentSave, SaveResult};
use crate::team::policy::ManagedSettings;
use crate::team::{
    CrmKind, Health, LocalTeam, Role, TeamConfig, TeamConfigPatch, ME, TEAM_SYNC_USER,
};

fn refused(code: &str, message: String, hint: &str) -> Value {
    fail(&ErrorInfo {
        code: code.into(),
        message,
        hint: hint.into(),
    })
}

/// Handles an options/popup message. Pure ones answer `{ok, kind, team, reply}` (the worker
/// stores `team` and sends `reply`); the ones needing I/O (`get_state`, `connect`,
/// `disconnect`, `retry`, `clear_error_log`, `export_error_log_csv`) answer
/// `{ok, kind, team:null, reply:null}` and the worker does them.
pub fn ui_message(team: &Value, msg: &Value) -> Value {
    let given = team;
    answer((|| {
        let mut team: LocalTeam = read("team", team)?;
        let parsed = parse_ui_message(msg).map_err(|e| {
            refused(
                e.code(),
                e.to_string(),
                "Reload the options page and try again.",
            )
        })?;
        let kind = msg.get("kind").cloned().unwrap_or(Value::Null);
        let login_before = team.config.sf_login_host().base_url().ok();
        let mut reply = match parsed {
            UiToWorker::SetConfig(patch) => {
                let before = team.config.clone();
                team.config.apply_checked(&patch).map_err(|words| {
                    refused(
                        "invalid_alias",
                        words,
                        "List your other addresses as name@domain, separated by commas.",
                    )
                })?;
                json!({"ok": true, "saved": team.config.saved_words(&before, &patch)})
            }
            UiToWorker::SetOwnerMapping { .. } | UiToWorker::SetSettings { .. }
                if on_team_server(given) =>
            {
                return Err(refused(
                    "set_on_team_server",
                    "Your team server holds who owns your records and the push settings: your admin sets them there.".into(),
                    "Ask your admin to change them on the team server's admin pages (Members, Push settings).",
                ));
            }
            UiToWorker::SetOwnerMapping { crm_user_id } => {
                check_user(&team, crm_user_id.as_deref())?;
                team.owner_mapping = crm_user_id;
                json!({"ok": true})
            }
            UiToWorker::PickCrmUser { crm_user_id } => {
                check_user(&team, Some(&crm_user_id))?;
                team.picked_crm_user = Some(crm_user_id);
                json!({"ok": true})
            }
            UiToWorker::SetSettings { settings } => {
                team.settings = settings;
                json!({"ok": true})
            }
            UiToWorker::ExportSettings => {
                let text = serde_json::to_string_pretty(&ManagedSettings::export(&team))
                    .unwrap_or_default();
                json!({"ok": true, "json": text})
            }
            UiToWorker::ImportSettings { json } => {
                let file: ManagedSettings = serde_json::from_str(&json).map_err(|e| {
                    refused(
                        "invalid_settings",
                        format!("The settings file could not be read: {e}"),
                        "Export the settings again and import the whole file.",
                    )
                })?;
                // The file replaces the team settings: the texts it leaves out are cleared
                // (the CRM, login host and API version have no empty value: an absent one
                // stays), then the file is written over the team as a policy would be.
                team.config.apply(&TeamConfigPatch {
                    my_domain: Some(String::new()),
                    client_id: Some(String::new()),
                    company_domain: Some(String::new()),
                    ..TeamConfigPatch::default()
                });
                file.apply_to(&mut team);
                json!({"ok": true})
            }
            UiToWorker::SetTeamSync { app_user } => {
                let choice = team.choose_team_sync(&app_user).map_err(|e| fail(&e))?;
                json!({"ok": true, "warnings": choice.warnings,
                    "copy_personal_token": choice.copy_personal_token})
            }
            UiToWorker::Simulate {
                source,
                record,
                push,
            } => {
                // The simulator takes any names the options page sends: the JSON contract
                // reads and checks them, with the team this browser's saves decide in (in
                // server mode the team snapshot laid over it, as for the preview and the plan).
                let deciding = super::team_server::deciding_team(given)?;
                let out = attribution::decide_json(&json!({
                    "crm": deciding.config.crm.as_str(), "source": source, "record": record,
                    "push": push.as_str(), "actor": crate::team::ME,
                    "team": to_json(&deciding.attribution_team()),
                }));
                json!({"ok": true, "decision": out})
            }
            UiToWorker::GetState
            | UiToWorker::Connect { .. }
            | UiToWorker::Disconnect { .. }
            | UiToWorker::Retry { .. }
            | UiToWorker::TeamServer
            | UiToWorker::ClearErrorLog
            | UiToWorker::ExportErrorLogCsv => {
                return Ok(json!({"ok": true, "kind": kind, "team": null, "reply": null}));
            }
        };
        team.enforce_policy();
        if let Some(note) = sign_out_elsewhere(&mut team, login_before) {
            reply["note"] = json!(note);
        }
        Ok(json!({"ok": true, "kind": kind, "team": to_json(&team), "reply": reply}))
    })())
}

/// Applies the policy read from `chrome.storage.managed` (`{}` or null: none) over the team:
/// `{ok, team, locked}`. A policy that does not have the settings file's shape is refused
/// (`invalid_policy`) and the team is left as it was.
pub fn apply_policy(team: &Value, managed: &Value) -> Value {
    answer((|| {
        let mut team: LocalTeam = read("team", team)?;
        let policy: Option<ManagedSettings> = if managed.is_null() {
            None
        } else {
            Some(ManagedSettings::deserialize(managed).map_err(|e| {
                refused(
                    "invalid_policy",
                    format!("The Leadline policy could not be read: {e}"),
                    "Ask your admin to check the policy against managed_schema.json.",
                )
            })?)
        };
        let login_before = team.config.sf_login_host().base_url().ok();
        team.set_policy(policy);
        let note = sign_out_elsewhere(&mut team, login_before);
        let locked = team
            .policy
            .as_ref()
            .map(ManagedSettings::locked)
            .unwrap_or_default();
        Ok(json!({"ok": true, "team": to_json(&team), "locked": locked, "note": note}))
    })())
}

/// A Salesforce login host is an org: when the team's host changes (`set_config`, an
/// import, a policy), the connections made through the old one would keep pushing into that
/// org, so they are marked for reconnecting (saves wait, nothing is lost). The options page
/// shows the returned note.
fn sign_out_elsewhere(team: &mut LocalTeam, before: Option<String>) -> Option<String> {
    let now = team.config.sf_login_host().base_url().ok();
    if team.config.crm != CrmKind::Salesforce || now == before {
        return None;
    }
    let mut marked = 0;
    for c in team
        .connections
        .iter_mut()
        .filter(|c| c.health == Health::Ok)
    {
        c.health = Health::ReconnectNeeded;
        marked += 1;
    }
    (marked > 0).then(|| {
        format!(
            "The login host changed: reconnect {} through {} (saves wait until then).",
            if marked == 1 {
                "the connection"
            } else {
                "both connections"
            },
            now.as_deref().unwrap_or("the new host"),
        )
    })
}

fn check_user(team: &LocalTeam, id: Option<&str>) -> Result<(), Value> {
    let Some(id) = id else { return Ok(()) };
    match team.crm_users.iter().find(|u| u.id == id) {
        Some(u) if u.active => Ok(()),
        Some(u) => Err(refused(
            "owner_inactive",
            format!(
                "{} is inactive in the CRM.",
                u.name.as_deref().unwrap_or(id)
            ),
            "Pick an active CRM user.",
        )),
        None if team.crm_users.is_empty() => Ok(()),
        None => Err(refused(
            "unknown_crm_user",
            format!("{id} is not in the CRM user list."),
            "Pick a user from the list.",
        )),
    }
}

/// The `get_state` answer. `extras` = `{redirect_url, hubspot_private_token_set,
/// hubspot_client_secret_set, hubspot_via_team_server, gmail_mailbox}` (`hubspot_via_team_server`:
/// server mode, where the team server performs HubSpot's code exchange and refreshes).
pub fn state_view(team: &Value, journal: &Value, outbox: &Value, extras: &Value) -> Value {
    let given = team;
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        // In server mode the owner mapping and push settings shown are the ones saves are
        // decided with: the server's (a snapshot that cannot be read shows the local ones).
        let server = on_team_server(given)
            .then(|| super::team_server::deciding_team(given).ok())
            .flatten();
        let (owner_mapping, settings) = match &server {
            Some(s) => (&s.owner_mapping, &s.settings),
            None => (&team.owner_mapping, &team.settings),
        };
        let journal: Journal = read_or_default("journal", journal)?;
        let outbox = if outbox.is_null() {
            Vec::new()
        } else {
            read_entries("outbox", outbox)?
        };
        let TeamConfig {
            crm,
            login_host,
            my_domain,
            client_id,
            api_version,
            me_email,
            company_domain,
            mailbox_aliases,
        } = team.config.clone();
        let config = json!({
            "crm": crm, "login_host": login_host, "my_domain": my_domain, "client_id": client_id,
            "redirect_url": extras.get("redirect_url"), "api_version": api_version,
            "me_email": me_email, "company_domain": company_domain,
            "mailbox_aliases": mailbox_aliases,
            "hubspot_private_token_set": flag(extras, "hubspot_private_token_set"),
            "hubspot_client_secret_set": flag(extras, "hubspot_client_secret_set"),
            "hubspot_via_team_server": flag(extras, "hubspot_via_team_server"),
        });
        let team_sync_is_me = team.team_sync_app_user() == Some(ME);
        let connections: Vec<Value> = team
            .connections
            .iter()
            .map(|c| {
                let app_user = if c.role == Role::Personal || team_sync_is_me {
                    ME
                } else {
                    TEAM_SYNC_USER
                };
                // The org's host (no path, no token): production or sandbox at a glance.
                let org = (team.config.crm == CrmKind::Salesforce)
                    .then(|| {
                        c.instance_url
                            .trim_start_matches("https://")
                            .split('/')
                            .next()
                    })
                    .flatten();
                json!({"role": c.role, "app_user": app_user, "name": c.name, "email": c.email,
                    "crm_user_id": c.crm_user_id, "permission": c.permission_name(), "health": c.health,
                    "last_success": c.last_success, "org": org.filter(|h| !h.is_empty())})
            })
            .collect();
        let outbox_view: Vec<Value> = outbox
            .iter()
            .map(|e| {
                json!({"id": e.id, "name": e.prospect.name, "source": e.source, "phase": e.phase,
                "attempts": e.attempts, "next_at_ms": e.next_at_ms, "waiting": e.waiting,
                "status": if e.waiting.is_some() { "retrying" } else { "pending" }})
            })
            .collect();
        Ok(json!({
            "ok": true, "config": config,
            "me": {"id": ME, "email": team.me_email()},
            "connections": connections,
            "team_sync": team.team_sync_app_user(),
            "team_sync_choices": team_sync_choices(&team),
            "policy": {"active": team.policy.is_some(),
                "locked": team.policy.as_ref().map(ManagedSettings::locked).unwrap_or_default()},
            "owner_mapping": owner_mapping, "picked_crm_user": team.picked_crm_user,
            "crm_users": team.crm_users, "settings": settings,
            "settings_on_team_server": server.is_some(),
            "needs": needs(&team, flag(extras, "hubspot_client_secret_set")
                || flag(extras, "hubspot_via_team_server")),
            "recent_saves": journal.recent_saves, "outbox": outbox_view, "error_log": journal.error_log,
            "gmail_mailbox": gmail_mailbox(&team, extras),
        }))
    })())
}

/// Is `team` (as the worker hands it over) a rep's browser on a team server, with the server's
/// snapshot beside it? Its owner mapping and push settings are then the server's.
fn on_team_server(team: &Value) -> bool {
    team.get(super::team_server::SNAPSHOT_FIELD)
        .is_some_and(|s| !s.is_null())
}

/// The last Gmail mailbox a panel looked people up from (`extras.gmail_mailbox.email`) and
/// who a Gmail save is Created By: `{email, saving_as: {name, email, is_mailbox}}`
/// (`saving_as` null when team sync would push it), or null before Gmail was opened.
fn gmail_mailbox(team: &LocalTeam, extras: &Value) -> Value {
    let Some(email) = extras
        .pointer("/gmail_mailbox/email")
        .and_then(Value::as_str)
    else {
        return Value::Null;
    };
    json!({"email": email, "saving_as": gmail_saving_as(team, Some(email))})
}

fn flag(extras: &Value, name: &str) -> bool {
    extras.get(name).and_then(Value::as_bool).unwrap_or(false)
}

/// The app users this browser knows, for the team sync choice: `[{app_user, email, name,
/// connected, team_sync}]` — "me" always, the team sync holder when it is someone else.
fn team_sync_choices(team: &LocalTeam) -> Vec<Value> {
    let sync = team.team_sync_app_user();
    let mine = team.connection(Role::Personal);
    let mut out = vec![json!({
        "app_user": ME, "email": team.me_email(), "name": mine.map(|c| c.name.clone()),
        "connected": mine.is_some(), "team_sync": sync == Some(ME),
    })];
    if let (Some(held), Some(true)) = (
        team.connection(Role::TeamSync),
        sync.map(|s| s == TEAM_SYNC_USER),
    ) {
        out.push(
            json!({"app_user": TEAM_SYNC_USER, "email": held.email, "name": held.name,
            "connected": true, "team_sync": true}),
        );
    }
    out
}

/// What the team still has to do, in stable codes the UI words (`hubspot_client_secret`: a
/// HubSpot team without the app secret cannot connect personal accounts; in server mode the
/// team server holds it, `hubspot_exchange`).
fn needs(team: &LocalTeam, hubspot_exchange: bool) -> Vec<String> {
    let mut out = Vec::new();
    if team.config.crm == CrmKind::Hubspot
        && !hubspot_exchange
        && team.connection(Role::Personal).is_none()
    {
        out.push("hubspot_client_secret".to_owned());
    }
    if team.config.client_id.is_none() && team.config.crm == CrmKind::Salesforce {
        out.push("client_id".to_owned());
    }
    for (role, word) in [(Role::TeamSync, "team_sync"), (Role::Personal, "personal")] {
        match team.connection(role) {
            None => out.push(format!("connect_{word}")),
            Some(c) if c.health == Health::ReconnectNeeded => out.push(format!("reconnect_{word}")),
            Some(_) => {}
        }
    }
    let gmail = decide(
        team,
        attribution::Source::GmailExtension,
        attribution::RecordKind::Contact,
        Push::Single,
    );
    if let Ok(d) = gmail {
        out.extend(d.needs.iter().map(|n| n.as_str().to_owned()));
    }
    out
}

/// Adds a finished save to the journal: `{ok, journal}`. On HubSpot (`team`), a contact it
/// created for the person with `lookup_key` (null: none) is noted at `now_ms` for the lookups
/// of the next minutes ([`crate::journal::recent`]).
#[allow(clippy::too_many_arguments)]
pub fn journal_record(
    journal: &Value,
    save_id: &str,
    source: &str,
    result: &Value,
    at: &str,
    team: &Value,
    lookup_key: Option<&str>,
    now_ms: f64,
) -> Value {
    answer((|| {
        let mut journal: Journal = read_or_default("journal", journal)?;
        let result: SaveResult = read("result", result)?;
        // Only the team's CRM is read: a journal line is never lost to a team it cannot read.
        let crm = team
            .pointer("/config/crm")
            .and_then(|c| CrmKind::deserialize(c).ok());
        if let (Some(CrmKind::Hubspot), Some(key)) = (crm, lookup_key) {
            journal.note_created(key, &result, clock_ms(now_ms));
        }
        journal.record(RecentSave {
            at: at.into(),
            save_id: save_id.into(),
            source: source.into(),
            result,
        });
        Ok(json!({"ok": true, "journal": journal}))
    })())
}

/// `{ok, csv}`: the error log as formula-safe CSV.
pub fn error_log_csv(journal: &Value) -> Value {
    answer((|| {
        let journal: Journal = read_or_default("journal", journal)?;
        Ok(json!({"ok": true, "csv": journal.error_log_csv()}))
    })())
}

/// Adds an error that belongs to no finished save (a connection that needs a reconnect):
/// `{ok, journal}`. `error` = `{code, message, hint, details?}` (`details`: the CRM's own text).
pub fn journal_log_error(
    journal: &Value,
    error: &Value,
    name: &str,
    source: &str,
    at: &str,
) -> Value {
    answer((|| {
        let mut journal: Journal = read_or_default("journal", journal)?;
        let details = error["details"].as_str().unwrap_or_default();
        let details: String = details.chars().take(500).collect();
        let error: ErrorInfo = read("error", error)?;
        journal.log_error(crate::journal::records::ErrorLogEntry {
            at: at.into(),
            code: error.code,
            message: error.message,
            hint: error.hint,
            details,
            name: name.into(),
            source: source.into(),
        });
        Ok(json!({"ok": true, "journal": journal}))
    })())
}
