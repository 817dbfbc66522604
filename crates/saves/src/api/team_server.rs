//! Server mode's JSON faces ([`crate::team_server`]): the URL check, the team the worker
//! decides with, the request that hands an entry to the team server and what its answer
//! means.
//!
//! **The deciding team.** In server mode the worker passes its stored team with the last
//! team snapshot (`GET /api/team`) under [`SNAPSHOT_FIELD`]; [`deciding_team`] lays the
//! snapshot over it ([`team_server::server_team`]) for `preview`, `plan_save` and the
//! functions here. The merged team is never sent back (the save module stays small: it has
//! no `LocalTeam` serializer) nor stored.

use serde_json::{json, Value};

use super::reply::{answer, clock_ms, fail, read, read_entry, to_json};
use crate::team::LocalTeam;
use crate::team_server::{self, Snapshot};

/// `{ok, url}` for a usable team server URL, else `{ok:false, error}` (`invalid_server_url`).
pub fn team_server_url(raw: &Value) -> Value {
    match team_server::server_url(raw.as_str().unwrap_or_default()) {
        Ok(url) => json!({"ok": true, "url": url}),
        Err(e) => fail(&e),
    }
}

/// The field of a team value that carries the team snapshot in server mode.
pub const SNAPSHOT_FIELD: &str = "team_server_snapshot";

/// The team a decision is made with: the stored team, with the snapshot under
/// [`SNAPSHOT_FIELD`] laid over it when there is one (a snapshot without a signed-in member,
/// or with a field of the wrong shape, is refused as `invalid_input` with serde's words:
/// `team_server_snapshot: unknown variant `elsewhere`, expected ...`). The field's path is not
/// named: `serde_path_to_error` would add 9 KB gzip to the module every wake loads, for a
/// message only a broken server causes.
pub(crate) fn deciding_team(team: &Value) -> Result<LocalTeam, Value> {
    let local: LocalTeam = read("team", team)?;
    match team.get(SNAPSHOT_FIELD).filter(|s| !s.is_null()) {
        None => Ok(local),
        Some(snapshot) => {
            let snapshot: Snapshot = read(SNAPSHOT_FIELD, snapshot)?;
            if snapshot.me.is_none() {
                return Err(super::reply::invalid(
                    "team_server_snapshot",
                    "no signed-in member (`me`)",
                ));
            }
            Ok(team_server::server_team(&local, &snapshot))
        }
    }
}

/// `{ok, via_server:false}` for an entry this browser pushes itself, else `{ok,
/// via_server:true, request}`: the `POST /api/saves` for it, with the session as bearer.
pub fn server_save(team: &Value, entry: &Value, url: &Value, session: &Value) -> Value {
    answer((|| {
        let team = deciding_team(team)?;
        let entry = read_entry("entry", entry)?;
        if !team_server::via_server(&team, &entry) {
            return Ok(json!({"ok": true, "via_server": false}));
        }
        let url =
            team_server::server_url(url.as_str().unwrap_or_default()).map_err(|e| fail(&e))?;
        let session: &str = read("session", session)?;
        let request = team_server::save_request(&entry, &url, session);
        Ok(json!({"ok": true, "via_server": true, "request": to_json(&request)}))
    })())
}

/// `{ok, step}`: what the server's `response` to [`server_save`]'s request means for `entry`
/// (`done`, `settled`, `wait`, `sign_in`, `failed`; see [`team_server::ServerStep`]).
pub fn server_answer(team: &Value, entry: &Value, response: &Value, now_ms: f64) -> Value {
    answer((|| {
        let team = deciding_team(team)?;
        let entry = read_entry("entry", entry)?;
        let response: crm::HttpResponse = read("response", response)?;
        let step = team_server::read_answer(&team, &entry, &response, clock_ms(now_ms));
        Ok(json!({"ok": true, "step": to_json(&step)}))
    })())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A rep's browser as the worker stores it: their own connection (Rita, standard), solo.
    fn rep_stored() -> Value {
        json!({
            "config": {"crm": "salesforce", "me_email": "rep@acme.example"},
            "connections": [{"role": "personal", "crm_user_id": "005R", "name": "Rita Rep",
                "email": "rep@acme.example", "permission": "standard"}],
        })
    }

    /// `GET /api/team` for that rep: the integration user's connection held by the team as
    /// team sync, the rep's own held in their browser.
    fn rep_snapshot() -> Value {
        json!({
            "team": {"name": "Acme", "crm": "salesforce"},
            "me": {"id": "m_rep", "email": "rep@acme.example"},
            "state": {"team_sync": "m_admin", "users": [
                {"id": "m_admin", "personal": {"crm_user_id": "005I",
                    "email": "integration@acme.example", "permission": "admin", "held": "team"}},
                {"id": "m_rep", "personal": {"crm_user_id": "005R",
                    "email": "rep@acme.example", "permission": "standard", "held": "own_browser"}},
            ]},
        })
    }

    /// The same preview and simulator, solo and in server mode: the snapshot beside the stored
    /// team makes the team server's connection (the integration user) the LinkedIn saves'
    /// Created By.
    #[test]
    fn preview_decides_with_the_snapshot_beside_the_stored_team() {
        let stored = rep_stored();
        let snapshot = rep_snapshot();
        let message = json!({"kind": "preview", "source": "linkedin_extension", "push": "single"});
        let created_by = |team: &Value| {
            let answer = crate::api::preview(team, &message);
            answer["decision"]["created_by"]["id"].clone()
        };
        assert_eq!(
            created_by(&stored),
            "005R",
            "solo: the rep's own connection"
        );
        let mut server_mode = stored.clone();
        server_mode[SNAPSHOT_FIELD] = snapshot;
        assert_eq!(created_by(&server_mode), "005I", "server mode: the team's");
        // The options page's simulator decides with the same team as the preview and the
        // save: in server mode, the snapshot's team sync.
        let simulated = |team: &Value| {
            let message = json!({"kind": "simulate", "source": "linkedin_extension",
                "record": "contact", "push": "single"});
            let answer = crate::api::ui_message(team, &message);
            assert_eq!(answer["ok"], true, "{answer}");
            let decision = &answer["reply"]["decision"];
            (
                decision["credential"]["kind"].clone(),
                decision["created_by"].clone(),
            )
        };
        assert_eq!(
            simulated(&stored),
            (json!("highest_permission"), json!("005R")),
            "solo: no team sync, the rep's own connection (rule 3)"
        );
        assert_eq!(
            simulated(&server_mode),
            (json!("team_sync"), json!("005I")),
            "server mode: the team server's team sync"
        );
        // What the simulator stores back is the stored team, never the snapshot.
        let simulate = json!({"kind": "simulate", "source": "manual"});
        let answer = crate::api::ui_message(&server_mode, &simulate);
        assert_eq!(answer["ok"], true, "{answer}");
        assert!(answer["team"].get(SNAPSHOT_FIELD).is_none(), "{answer}");
        // A snapshot without a signed-in member is refused, not half-read.
        server_mode[SNAPSHOT_FIELD] = json!({"state": {}});
        let refused = crate::api::preview(&server_mode, &message);
        assert_eq!(refused["error"]["code"], "invalid_input");
    }

    /// In server mode the owner mapping and push settings are the server's: the preview names
    /// the owner the server will give the record (a mapping left from solo mode does not
    /// count), the options page shows the server's values, and changing them here is refused
    /// with where they are set; solo, the same messages change the stored team.
    #[test]
    fn owner_mapping_and_push_settings_are_the_servers_in_server_mode() {
        let stored = json!({
            "config": {"crm": "salesforce", "me_email": "rep@acme.example"},
            "connections": [{"role": "personal", "crm_user_id": "005R", "name": "Rita Rep",
                "email": "rep@acme.example", "permission": "standard"}],
            "owner_mapping": "005O",
            "settings": {"record_kind": "contact", "match_account": true, "log_emails": false},
            "crm_users": [
                {"id": "005O", "name": "Old Mapping", "email": "old@acme.example", "active": true},
                {"id": "005M", "name": "Mapped", "email": "mapped@acme.example", "active": true},
                {"id": "005I", "name": "Integration", "email": "integration@acme.example", "active": true},
            ],
        });
        let snapshot = json!({
            "team": {"name": "Acme", "crm": "salesforce"},
            "me": {"id": "m_rep", "email": "rep@acme.example", "owner_mapping": "005M"},
            "state": {"team_sync": "m_admin", "users": [
                {"id": "m_admin", "personal": {"crm_user_id": "005I",
                    "email": "integration@acme.example", "permission": "admin", "held": "team"}},
                {"id": "m_rep"},
            ]},
            "push_settings": {"record_kind": "lead", "match_account": false, "log_emails": true},
        });
        let mut server_mode = stored.clone();
        server_mode[SNAPSHOT_FIELD] = snapshot.clone();
        let message = json!({"kind": "preview", "source": "linkedin_extension", "push": "single"});
        let owner =
            |team: &Value| crate::api::preview(team, &message)["decision"]["owner"]["id"].clone();
        assert_eq!(owner(&stored), "005O", "solo: the mapping set in Options");
        assert_eq!(
            owner(&server_mode),
            "005M",
            "server mode: the admin's mapping"
        );
        // The server has no mapping for the rep: none, not the one left in this browser.
        let mut unmapped = server_mode.clone();
        unmapped[SNAPSHOT_FIELD]["me"]["owner_mapping"] = Value::Null;
        assert_eq!(
            owner(&unmapped),
            "005R",
            "the rep's own CRM user, not the old mapping"
        );

        let view =
            |team: &Value| crate::api::state_view(team, &Value::Null, &Value::Null, &json!({}));
        let solo = view(&stored);
        assert_eq!(solo["ok"], true, "{solo}");
        assert_eq!(
            (&solo["owner_mapping"], &solo["settings"]["record_kind"]),
            (&json!("005O"), &json!("contact"))
        );
        assert_eq!(solo["settings_on_team_server"], false);
        let served = view(&server_mode);
        assert_eq!(
            (&served["owner_mapping"], &served["settings"]["record_kind"]),
            (&json!("005M"), &json!("lead"))
        );
        assert_eq!(served["settings_on_team_server"], true);

        for change in [
            json!({"kind": "set_owner_mapping", "crm_user_id": "005O"}),
            json!({"kind": "set_settings", "settings": {"record_kind": "contact", "match_account": true, "log_emails": false}}),
        ] {
            let refused = crate::api::ui_message(&server_mode, &change);
            assert_eq!(refused["ok"], false, "{refused}");
            assert_eq!(refused["error"]["code"], "set_on_team_server", "{refused}");
            assert!(
                refused["error"]["hint"]
                    .as_str()
                    .unwrap()
                    .contains("team server's admin pages"),
                "{refused}"
            );
            let done = crate::api::ui_message(&stored, &change);
            assert_eq!(done["ok"], true, "solo: {done}");
        }
    }

    /// The worker asks, per planned entry, who pushes it: in server mode a LinkedIn save (team
    /// sync, which only the server holds) is a `POST /api/saves` with the session as bearer;
    /// a Gmail save with the rep's own connection is pushed from this browser.
    #[test]
    fn server_save_sends_team_sync_saves_to_the_server_and_keeps_own_saves_here() {
        let mut team = rep_stored();
        team[SNAPSHOT_FIELD] = rep_snapshot();
        let entry = |source: &str| {
            let message = json!({"kind": "save", "source": source, "push": "single",
                "prospects": [{"full_name": "Ada Lovelace", "email": "ada@initech.example"}]});
            let plan = crate::api::plan_save(&team, &message, "s-1", &json!({}), &Value::Null, 0.0);
            assert_eq!(plan["ok"], true, "{plan}");
            plan["entries"][0].clone()
        };
        let url = json!("https://leadline.acme.example");
        let session = json!("lls_session");
        let linkedin = server_save(&team, &entry("linkedin_extension"), &url, &session);
        assert_eq!(linkedin["via_server"], true, "{linkedin}");
        assert_eq!(
            linkedin["request"]["url"],
            "https://leadline.acme.example/api/saves"
        );
        assert_eq!(linkedin["request"]["method"], "POST");
        assert!(
            linkedin["request"]["headers"]
                .as_array()
                .unwrap()
                .contains(&json!(["Authorization", "Bearer lls_session"])),
            "{linkedin}"
        );
        let gmail = server_save(&team, &entry("gmail_extension"), &url, &session);
        assert_eq!(gmail, json!({"ok": true, "via_server": false}));
    }

    /// A snapshot of the wrong shape is refused, never half-read: the error names the field
    /// by its path, so a server answering another shape is found at once.
    #[test]
    fn a_malformed_snapshot_is_refused_with_serdes_words() {
        let stored = json!({"config": {"crm": "salesforce", "me_email": "rep@acme.example"}});
        let good = json!({
            "team": {"name": "Acme", "crm": "salesforce"},
            "me": {"id": "m_rep", "email": "rep@acme.example", "owner_mapping": null},
            "state": {"team_sync": "m_admin", "crm_users": [], "users": [
                {"id": "m_admin", "email": "integration@acme.example", "owner_mapping": null,
                 "personal": {"crm_user_id": "005I", "email": "integration@acme.example",
                    "permission": "admin", "held": "team"}},
            ]},
            "push_settings": {"record_kind": "lead", "match_account": false, "log_emails": true},
            "connections": [{"member_id": "m_admin", "needs_reconnect": false}],
        });
        let message = json!({"kind": "preview", "source": "linkedin_extension", "push": "single"});
        let preview = |snapshot: &Value| {
            let mut team = stored.clone();
            team[SNAPSHOT_FIELD] = snapshot.clone();
            crate::api::preview(&team, &message)
        };
        assert_eq!(preview(&good)["decision"]["created_by"]["id"], "005I");
        let cases: [(&str, Value, &str); 6] = [
            (
                "/state/users/0/personal/held",
                json!("elsewhere"),
                "team_server_snapshot: unknown variant `elsewhere`",
            ),
            (
                "/state/users/0/personal/permission",
                json!(2),
                "team_server_snapshot: invalid type: integer `2`",
            ),
            (
                "/connections/0/needs_reconnect",
                json!("yes"),
                "team_server_snapshot: invalid type: string \"yes\"",
            ),
            (
                "/push_settings/match_account",
                json!("no"),
                "team_server_snapshot: invalid type: string \"no\"",
            ),
            (
                "/team/crm",
                json!("pipedrive"),
                "team_server_snapshot: unknown variant `pipedrive`",
            ),
            (
                "/state/team_sync",
                json!(["m_admin"]),
                "team_server_snapshot: invalid type: sequence",
            ),
        ];
        for (pointer, value, expected) in cases {
            let mut bad = good.clone();
            *bad.pointer_mut(pointer).unwrap() = value;
            let answer = preview(&bad);
            assert_eq!(
                answer["error"]["code"], "invalid_input",
                "{pointer}: {answer}"
            );
            let text = answer["error"]["message"].as_str().unwrap();
            assert!(text.starts_with(expected), "{pointer}: {text}");
        }
        // An absent field is named.
        let mut bad = good.clone();
        bad["me"].as_object_mut().unwrap().remove("email");
        assert_eq!(
            preview(&bad)["error"]["message"],
            "team_server_snapshot: missing field `email`"
        );
    }
}
