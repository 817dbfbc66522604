//! The save flow in JSON: preview, page-load lookups, `plan_save`, `next_request`,
//! `on_response`.

use crm::{HttpResponse, RecordKindExt};
use serde_json::{json, Value};

use super::reply::{answer, clock_ms, fail, invalid, read, read_entry, read_or_default, to_json};
use crate::decision::decide_person;
use crate::inbound::message::{parse_preview_message, parse_save_message, ContentToWorker};
use crate::journal::recent::RecentCreates;
use crate::journal::records::ErrorInfo;
use crate::plan::{lookup_key, KnownRecords};
use crate::single::wire;
use crate::step::{self, current_role, Tokens};
use crate::team::{LocalTeam, Role};

/// Stored tokens by role: `{team_sync: Tokens|null, personal: Tokens|null}`.
#[derive(serde::Deserialize, Default)]
struct TokensByRole {
    #[serde(default)]
    team_sync: Option<Tokens>,
    #[serde(default)]
    personal: Option<Tokens>,
}

impl TokensByRole {
    fn get(&self, role: Role) -> Option<&Tokens> {
        match role {
            Role::TeamSync => self.team_sync.as_ref(),
            Role::Personal => self.personal.as_ref(),
        }
    }
}

fn parse_message(msg: &Value) -> Result<ContentToWorker, Value> {
    parse_save_message(msg).map_err(refused)
}

/// `{ok:false, error}` for a message refused by [`parse_message`] or its `missing` list.
fn refused(e: crate::inbound::message::MessageError) -> Value {
    fail(&ErrorInfo {
        code: e.code().into(),
        message: e.to_string(),
        hint: "Reload the page and try again; if it persists, the page layout may have changed."
            .into(),
    })
}

/// `preview` → `{ok, decision}`: the attribution decision with Created By / Owner names
/// (in server mode, from the team server's team: [`super::team_server::deciding_team`]).
/// [`preview_text`]'s answer, read back (native callers and tests).
pub fn preview(team: &Value, msg: &Value) -> Value {
    serde_json::from_str(&preview_text(team, msg)).unwrap_or(Value::Null)
}

/// [`preview`]'s answer as the JSON text the Wasm export returns. A decision is written by its
/// own derive (the same text `json!` wrote, keys in its sorted order), not built as a `Value`
/// and serialized from it: a wake's first preview then compiles no `Value` map building or
/// `Value` serializer (1.7 KB of the 58 KB of functions it compiled, BENCHMARKS.md §3, fifth
/// pass). Refusals are still `Value`s.
pub fn preview_text(team: &Value, msg: &Value) -> String {
    let decided = (|| {
        let team = super::team_server::deciding_team(team)?;
        let Some((source, push)) = parse_preview_message(msg).map_err(refused)? else {
            return Err(invalid("message", "not a preview"));
        };
        let d = decide_person(&team, source, push).map_err(|e| fail(&e))?;
        let created_by = team.creator_name(team.role_for(&d.credential), &d.created_by);
        let owner = team.user_name(&d.owner);
        let answer = PreviewAnswer {
            decision: PreviewDecision {
                created_by: Named {
                    id: &d.created_by,
                    name: created_by,
                },
                credential: CredentialView {
                    crm_user_id: &d.credential.crm_user_id,
                    kind: d.credential.kind,
                    user: &d.credential.user,
                },
                needs: &d.needs,
                owner: Named {
                    id: &d.owner,
                    name: owner,
                },
                reasons: &d.reasons,
                warnings: &d.warnings,
            },
            ok: true,
        };
        serde_json::to_string(&answer).map_err(|e| invalid("decision", e))
    })();
    decided.unwrap_or_else(|e| e.to_string())
}

/// `preview`'s answer, `{decision, ok}`: each struct's fields in the order of `json!`'s sorted
/// keys, so the text is the one `json!` wrote (a test holds the two equal).
#[derive(serde::Serialize)]
struct PreviewAnswer<'a> {
    decision: PreviewDecision<'a>,
    ok: bool,
}

/// The decision a preview shows (keys sorted, as `json!` wrote them).
#[derive(serde::Serialize)]
struct PreviewDecision<'a> {
    created_by: Named<'a>,
    credential: CredentialView<'a>,
    needs: &'a [attribution::Need],
    owner: Named<'a>,
    reasons: &'a [String],
    warnings: &'a [attribution::Warning],
}

/// A CRM user by id, with the name the team knows (`null` when none).
#[derive(serde::Serialize)]
struct Named<'a> {
    id: &'a str,
    name: Option<String>,
}

/// The pushing connection: `{crm_user_id, kind, user}`.
#[derive(serde::Serialize)]
struct CredentialView<'a> {
    crm_user_id: &'a str,
    kind: attribution::CredentialKind,
    user: &'a str,
}

/// `lookup` → `{ok, role, items:[{index, key, request|null}]}`: one dedupe query per
/// prospect that has a key, with the connection that would push for this page.
pub fn lookup_requests(team: &Value, msg: &Value, tokens: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let tokens: TokensByRole = read("tokens", tokens)?;
        let ContentToWorker::Lookup {
            source, prospects, ..
        } = parse_message(msg)?
        else {
            return Err(invalid("message", "not a lookup"));
        };
        let role = decide_person(&team, source, crate::inbound::message::Push::Bulk)
            .ok()
            .and_then(|d| team.role_for(&d.credential))
            .or_else(|| team.connections.first().map(|c| c.role));
        let Some((role, t)) = role.and_then(|r| tokens.get(r).map(|t| (r, t))) else {
            return Ok(json!({"ok": true, "role": null, "items": []}));
        };
        let items: Vec<Value> = prospects
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let request = wire::lookup_for(&team, t, &p.person);
                json!({"index": index, "key": lookup_key(&p.person), "request": request})
            })
            .collect();
        Ok(json!({"ok": true, "role": role, "items": items}))
    })())
}

/// Reads one lookup answer: `{ok, existing: ExistingRecord|null, result:{found, object,
/// record_id, record_url, owner_name}}` (`existing` goes in the worker's cache).
pub fn parse_lookup(team: &Value, response: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let resp: HttpResponse = read("response", response)?;
        let kind = team.settings.record_kind;
        let found = wire::read_lookup(&team, &resp).map_err(|e| invalid("lookup answer", e))?;
        let url = |id: &str| team.record_url(kind, id);
        let result = match &found {
            Some(r) => json!({"found": true, "object": r.object, "record_id": r.id,
                "record_url": url(&r.id), "owner_name": r.owner_name}),
            None => json!({"found": false, "object": kind.sobject(), "record_id": null,
                "record_url": null, "owner_name": null}),
        };
        Ok(json!({"ok": true, "existing": found, "result": result}))
    })())
}

/// `save` → `{ok, save_id, entries:[OutboxEntry], results:[SaveResult]}` (in server mode
/// planned with the team server's team: [`super::team_server::deciding_team`]). `known` is the
/// worker's lookup cache (`{key: ExistingRecord|null}`); `recent` the journal's
/// `recent_creates` (null: none) and `now_ms` the clock, for HubSpot's search lag
/// ([`crate::journal::recent`]).
pub fn plan_save(
    team: &Value,
    msg: &Value,
    save_id: &str,
    known: &Value,
    recent: &Value,
    now_ms: f64,
) -> Value {
    answer((|| {
        let team = super::team_server::deciding_team(team)?;
        let known: KnownRecords = read_or_default("known", known)?;
        let recent: RecentCreates = read_or_default("recent", recent)?;
        let ContentToWorker::Save(save) = parse_message(msg)? else {
            return Err(invalid("message", "not a save"));
        };
        let save = save.with_missing(msg).map_err(refused)?;
        let mut plan = crate::plan::plan_save(&team, &save, save_id, &known);
        crate::plan::mark_recent(&team, &mut plan.entries, &recent, clock_ms(now_ms));
        crate::single::job_update::date_entries(&mut plan.entries, clock_ms(now_ms));
        Ok(
            json!({"ok": true, "save_id": plan.save_id, "entries": plan.entries, "results": plan.results}),
        )
    })())
}

/// `{ok, entry, request, role}`: persist `entry` (now in flight), then send `request`.
pub fn next_request(team: &Value, entry: &Value, tokens: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let entry = read_entry("entry", entry)?;
        let tokens: TokensByRole = read("tokens", tokens)?;
        let role = current_role(&entry);
        let Some(t) = tokens.get(role) else {
            return Err(fail(&ErrorInfo {
                code: "not_connected".into(),
                message: format!("The {} connection is missing.", role_word(role)),
                hint: "Reconnect in Options; the save is kept and will finish then.".into(),
            }));
        };
        let (entry, request) = step::next_request(&team, &entry, t).map_err(|e| fail(&e))?;
        Ok(json!({"ok": true, "entry": entry, "request": request, "role": role}))
    })())
}

fn role_word(role: Role) -> &'static str {
    match role {
        Role::TeamSync => "team sync",
        Role::Personal => "personal",
    }
}

/// `{ok, entry, step}` after an answer (status 0 = network failure, body = its message).
pub fn on_response(
    team: &Value,
    entry: &Value,
    response: &Value,
    now_ms: f64,
    random: u32,
) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let entry = read_entry("entry", entry)?;
        let resp: HttpResponse = read("response", response)?;
        let (entry, step) = step::on_response(&team, &entry, &resp, clock_ms(now_ms), random);
        Ok(json!({"ok": true, "entry": entry, "step": to_json(&step)}))
    })())
}

/// `{ok, entry, step}` when refreshing `role`'s token failed for good.
pub fn on_refresh_failed(team: &Value, entry: &Value, role: &Value, error: &Value) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let entry = read_entry("entry", entry)?;
        let role: Role = read("role", role)?;
        let code = error
            .get("code")
            .and_then(Value::as_str)
            .unwrap_or("invalid_grant");
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("The CRM refused to renew the session.");
        let (entry, step) = step::on_refresh_failed(&team, &entry, role, code, message);
        Ok(json!({"ok": true, "entry": entry, "step": to_json(&step)}))
    })())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// The answer as it was built before [`preview_text`] wrote it by its derive: a `json!`
    /// value, serialized.
    fn preview_as_value(team: &Value, msg: &Value) -> String {
        answer((|| {
            let team = super::super::team_server::deciding_team(team)?;
            let Some((source, push)) =
                crate::inbound::message::parse_preview_message(msg).map_err(refused)?
            else {
                return Err(invalid("message", "not a preview"));
            };
            let d = decide_person(&team, source, push).map_err(|e| fail(&e))?;
            let name = |id: &str| team.user_name(id);
            Ok(json!({"ok": true, "decision": {
                "credential": {"kind": d.credential.kind, "user": d.credential.user,
                    "crm_user_id": d.credential.crm_user_id},
                "created_by": {"id": d.created_by,
                    "name": team.creator_name(team.role_for(&d.credential), &d.created_by)},
                "owner": {"id": d.owner, "name": name(&d.owner)},
                "needs": d.needs, "warnings": d.warnings, "reasons": d.reasons,
            }}))
        })())
        .to_string()
    }

    /// One row per kind of answer: both connections, a team sync that is not an admin
    /// (a warning), a rep whose CRM email is not their login (a need), a HubSpot private app
    /// (Created By in words), an owner outside the directory (no name), a bulk push, and
    /// refusals (no connection; a message that is not a preview).
    #[test]
    fn the_preview_answer_is_the_text_json_wrote() {
        let connection = |role: &str, id: &str, email: &str, permission: &str| {
            json!({"role": role, "crm_user_id": id, "name": format!("User {id}"),
                "email": email, "permission": permission,
                "instance_url": "https://acme.my.salesforce.com"})
        };
        let both = json!({
            "config": {"crm": "salesforce", "me_email": "rep@acme.example"},
            "connections": [connection("team_sync", "005I", "integration@acme.example", "admin"),
                connection("personal", "005R", "rep@acme.example", "standard")],
            "crm_users": [{"id": "005R", "name": "Rita \"Rep\" Ω", "email": "rep@acme.example", "active": true},
                {"id": "005I", "name": "Integration", "email": "integration@acme.example", "active": true}],
        });
        let not_admin = json!({
            "config": {"crm": "salesforce", "me_email": "rep@acme.example"},
            "connections": [connection("team_sync", "005I", "integration@acme.example", "standard")],
        });
        let other_email = json!({
            "config": {"crm": "salesforce", "me_email": "rita@home.example"},
            "connections": [connection("personal", "005R", "rep@acme.example", "standard")],
        });
        let private_app = json!({
            "config": {"crm": "hubspot", "me_email": "rep@acme.example"},
            "connections": [connection("team_sync", "41", "integration@acme.example", "admin")],
            "owner_mapping": "77",
        });
        let nobody = json!({"config": {"crm": "salesforce", "me_email": "rep@acme.example"}});
        let page = json!({"kind": "preview", "source": "linkedin_extension", "push": "single"});
        let gmail_bulk = json!({"kind": "preview", "source": "gmail_extension", "push": "bulk"});
        let save = json!({"kind": "save", "source": "linkedin_extension", "prospects": []});
        let mut decided = 0;
        for team in [
            &both,
            &not_admin,
            &other_email,
            &private_app,
            &nobody,
            &json!(7),
        ] {
            for msg in [&page, &gmail_bulk, &save] {
                let text = preview_text(team, msg);
                assert_eq!(text, preview_as_value(team, msg), "{team} {msg}");
                if preview(team, msg)["ok"] == true {
                    decided += 1;
                }
            }
        }
        assert_eq!(
            decided, 8,
            "every team with a connection decides both previews"
        );
        let warned = preview(&not_admin, &page);
        assert_eq!(
            warned["decision"]["warnings"],
            json!(["team_sync_not_admin"])
        );
        let asked = preview(&other_email, &page);
        assert_eq!(
            asked["decision"]["needs"],
            json!(["crm_user_pick"]),
            "{asked}"
        );
        let hubspot = preview(&private_app, &page);
        assert_eq!(
            hubspot["decision"]["created_by"]["name"],
            crate::team::PRIVATE_APP_CREATOR
        );
        assert_eq!(
            hubspot["decision"]["owner"],
            json!({"id": "77", "name": null})
        );
    }
}
