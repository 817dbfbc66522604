//! The JSON face used by the worker: options/popup messages, the state view, the journal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use saves::api;
use serde_json::{json, Value};

fn team() -> Value {
    json!({
        "config": {"crm": "salesforce", "client_id": "abc", "me_email": "rep@acme.example"},
        "connections": [{"role": "team_sync", "crm_user_id": "005I", "name": "Ivan", "email": "integration@acme.example",
            "permission": "admin", "instance_url": "https://acme.my.salesforce.com"}],
        "crm_users": [
            {"id": "005I", "name": "Ivan", "email": "integration@acme.example", "active": true},
            {"id": "005R", "name": "Rita", "email": "rep@acme.example", "active": true},
            {"id": "005G", "name": "Gus", "email": "gone@acme.example", "active": false}
        ]
    })
}

fn ui(team: &Value, msg: Value) -> Value {
    api::ui_message(team, &msg)
}

#[test]
fn owner_mapping_is_checked_against_the_directory() {
    let t = team();
    let ok = ui(
        &t,
        json!({"kind": "set_owner_mapping", "crm_user_id": "005R"}),
    );
    assert_eq!(ok["ok"], true);
    assert_eq!(ok["team"]["owner_mapping"], "005R");
    let inactive = ui(
        &t,
        json!({"kind": "set_owner_mapping", "crm_user_id": "005G"}),
    );
    assert_eq!(inactive["error"]["code"], "owner_inactive");
    let unknown = ui(&t, json!({"kind": "pick_crm_user", "crm_user_id": "005X"}));
    assert_eq!(unknown["error"]["code"], "unknown_crm_user");
}

#[test]
fn a_new_login_host_signs_out_the_connections_made_through_the_old_one() {
    let t = team();
    let same = ui(
        &t,
        json!({"kind": "set_config", "login_host": "production", "client_id": "xyz"}),
    );
    assert_eq!(same["team"]["connections"][0]["health"], "ok", "{same}");
    assert_eq!(same["reply"].get("note"), None);

    let moved = ui(&t, json!({"kind": "set_config", "login_host": "sandbox"}));
    assert_eq!(
        moved["team"]["connections"][0]["health"],
        "reconnect_needed"
    );
    let note = moved["reply"]["note"].as_str().unwrap();
    assert!(note.contains("https://test.salesforce.com"), "{note}");

    let domain = json!({"kind": "set_config", "login_host": "my_domain", "my_domain": "acme.my.salesforce.com"});
    let again = ui(&moved["team"], domain.clone());
    assert_eq!(
        again["reply"].get("note"),
        None,
        "already signed out: no second note"
    );
    let on_my_domain = ui(
        &again["team"],
        json!({"kind": "set_config", "client_id": "abc"}),
    );
    assert_eq!(
        on_my_domain["reply"].get("note"),
        None,
        "the host did not change"
    );

    let mut hubspot = team();
    hubspot["config"]["crm"] = json!("hubspot");
    let hs = ui(
        &hubspot,
        json!({"kind": "set_config", "login_host": "sandbox"}),
    );
    assert_eq!(
        hs["team"]["connections"][0]["health"], "ok",
        "HubSpot has no login host"
    );

    let policy = api::apply_policy(
        &t,
        &json!({"login_host": "my_domain", "my_domain": "acme.my.salesforce.com"}),
    );
    assert_eq!(
        policy["team"]["connections"][0]["health"], "reconnect_needed",
        "{policy}"
    );
    assert!(policy["note"]
        .as_str()
        .unwrap()
        .contains("https://acme.my.salesforce.com"));
    assert_eq!(
        api::apply_policy(&t, &json!({"login_host": "production"}))["note"],
        Value::Null
    );
}

#[test]
fn io_kinds_are_left_to_the_worker() {
    for kind in ["get_state", "clear_error_log", "export_error_log_csv"] {
        let out = ui(&team(), json!({"kind": kind}));
        assert_eq!(out["ok"], true, "{kind}");
        assert_eq!(out["team"], Value::Null, "{kind}");
        assert_eq!(out["reply"], Value::Null, "{kind}");
    }
    assert_eq!(
        ui(&team(), json!({"kind": "connect", "role": "personal"}))["reply"],
        Value::Null
    );
    assert_eq!(
        ui(&team(), json!({"kind": "connect"}))["error"]["code"],
        "invalid_message"
    );
}

#[test]
fn settings_export_import_round_trip_without_personal_data() {
    let t = team();
    let exported = ui(&t, json!({"kind": "export_settings"}));
    let text = exported["reply"]["json"].as_str().unwrap().to_owned();
    assert!(text.contains("\"client_id\": \"abc\""), "{text}");
    assert!(
        !text.contains("rep@acme.example"),
        "no personal email in team settings: {text}"
    );
    let mut other = json!({});
    other = ui(&other, json!({"kind": "import_settings", "json": text}))["team"].clone();
    assert_eq!(other["config"]["client_id"], "abc");
    let bad = ui(&t, json!({"kind": "import_settings", "json": "{not json"}));
    assert_eq!(bad["error"]["code"], "invalid_settings");
}

/// An imported settings file replaces the team settings: a My Domain, consumer key or
/// company domain the file leaves out is cleared, not kept from before; what it names is set.
#[test]
fn an_imported_settings_file_clears_the_texts_it_leaves_out() {
    let mut t = team();
    t["config"]["my_domain"] = json!("acme.my.salesforce.com");
    t["config"]["company_domain"] = json!("acme.example");
    let file = json!({"crm": "salesforce", "login_host": "production", "api_version": "59.0"});
    let imported = ui(
        &t,
        json!({"kind": "import_settings", "json": file.to_string()}),
    );
    let config = &imported["team"]["config"];
    for cleared in ["my_domain", "client_id", "company_domain"] {
        assert_eq!(config[cleared], Value::Null, "{cleared}: {config}");
    }
    assert_eq!(config["login_host"], "production", "{config}");
    assert_eq!(config["api_version"], "59.0", "{config}");
    assert_eq!(config["me_email"], "rep@acme.example", "not a team setting");
}

/// A Salesforce refresh: the new access token, with the refresh token and identity of the
/// old one kept (Salesforce does not rotate them); a refused refresh asks the rep to
/// reconnect, a busy login server does not.
#[test]
fn a_salesforce_refresh_keeps_the_refresh_token_and_a_refused_one_asks_to_reconnect() {
    let old = json!({"access_token": "old", "refresh_token": "5Aep-r",
        "instance_url": "https://acme.my.salesforce.com", "id": "https://login.salesforce.com/id/00D/005R"});
    let answer = |status: u16, body: Value| json!({"status": status, "headers": [], "body": body.to_string()});
    let fresh = api::parse_refresh(
        &answer(
            200,
            json!({"access_token": "new", "instance_url": "https://acme.my.salesforce.com", "id": "", "token_type": "Bearer"}),
        ),
        &old,
    );
    assert_eq!(fresh["ok"], true, "{fresh}");
    assert_eq!(fresh["token"]["access_token"], "new");
    assert_eq!(fresh["token"]["refresh_token"], "5Aep-r");
    assert_eq!(fresh["token"]["id"], old["id"]);
    let refused = api::parse_refresh(
        &answer(
            400,
            json!({"error": "invalid_grant", "error_description": "expired access/refresh token"}),
        ),
        &old,
    );
    assert_eq!(refused["ok"], false, "{refused}");
    assert_eq!(refused["reconnect"], true, "{refused}");
    let busy = api::parse_refresh(&answer(503, json!("Service Unavailable")), &old);
    assert_eq!(busy["ok"], false, "{busy}");
    assert_eq!(busy["reconnect"], false, "{busy}");
}

/// An entry whose connection has no stored token is kept, and the answer names the
/// connection to reconnect.
#[test]
fn a_missing_token_names_the_connection_to_reconnect() {
    let t = team();
    let plan = api::plan_save(
        &t,
        &json!({"kind": "save", "source": "linkedin_extension", "push": "single",
            "prospects": [{"full_name": "Ada Lovelace", "email": "ada@example.com"}]}),
        "s1",
        &json!({"email:ada@example.com": null}),
        &Value::Null,
        0.0,
    );
    let entry = &plan["entries"][0];
    assert!(entry.is_object(), "{plan}");
    let next = api::next_request(&t, entry, &json!({}));
    assert_eq!(next["error"]["code"], "not_connected", "{next}");
    assert_eq!(
        next["error"]["message"],
        "The team sync connection is missing."
    );
}

/// A stored connection whose permission is not a level's name is refused as a bug, and the
/// words the rep reports say what was found and what was expected (as serde's own readers of
/// a named value word it).
#[test]
fn a_stored_permission_that_is_not_a_name_says_what_was_expected() {
    let mut t = team();
    t["connections"][0]["permission"] = json!(5);
    let out = ui(
        &t,
        json!({"kind": "set_owner_mapping", "crm_user_id": "005R"}),
    );
    assert_eq!(out["error"]["code"], "invalid_input", "{out}");
    assert_eq!(
        out["error"]["message"],
        "team: invalid type: integer `5`, expected variant identifier"
    );
}

#[test]
fn simulate_answers_the_decision_for_any_source() {
    let out = ui(
        &team(),
        json!({"kind": "simulate", "source": "manual", "record": "contact", "push": "single"}),
    );
    assert_eq!(out["reply"]["decision"]["ok"], true);
    assert_eq!(out["reply"]["decision"]["credential"]["kind"], "team_sync");
    let bad = ui(
        &team(),
        json!({"kind": "simulate", "source": "fax", "record": "contact"}),
    );
    assert_eq!(bad["reply"]["decision"]["error"]["code"], "invalid_input");
}

/// A HubSpot page-load lookup is answered by a search (a LinkedIn URL) or by a read (an
/// e-mail): each is read as what it is.
#[test]
fn a_hubspot_lookup_reads_a_search_and_a_read_by_email() {
    let mut hubspot = team();
    hubspot["config"]["crm"] = json!("hubspot");
    let lookup = |body: Value| {
        api::parse_lookup(
            &hubspot,
            &json!({"status": 200, "headers": [], "body": body.to_string()}),
        )
    };
    let searched = lookup(json!({"total": 1, "results": [{"id": "71",
        "properties": {"linkedin_url": "https://www.linkedin.com/in/ada/"}}]}));
    assert_eq!(searched["result"]["record_id"], "71", "{searched}");
    let read = lookup(json!({"id": "72", "properties": {"email": "ada@example.com"}}));
    assert_eq!(read["result"]["record_id"], "72", "{read}");
}

#[test]
fn state_view_lists_needs_and_outbox_without_tokens() {
    let view = api::state_view(
        &team(),
        &Value::Null,
        &json!([]),
        &json!({"redirect_url": "https://x.chromiumapp.org/oauth2"}),
    );
    assert_eq!(view["ok"], true);
    assert_eq!(view["team_sync"], "team_sync_user");
    assert_eq!(view["me"]["email"], "rep@acme.example");
    let needs: Vec<&str> = view["needs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(needs, vec!["connect_personal"]);
    assert_eq!(
        view["config"]["redirect_url"],
        "https://x.chromiumapp.org/oauth2"
    );
    assert!(view["connections"][0].get("instance_url").is_none());
    assert_eq!(
        view["connections"][0]["org"], "acme.my.salesforce.com",
        "the host only"
    );
    // A Salesforce team without the app's client id must set it; a HubSpot team has none.
    let needs_of = |t: &Value| -> Vec<String> {
        api::state_view(t, &Value::Null, &json!([]), &json!({}))["needs"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect()
    };
    // A connection whose refresh token was refused is to be reconnected.
    let mut broken = team();
    broken["connections"][0]["health"] = json!("reconnect_needed");
    assert!(needs_of(&broken).contains(&"reconnect_team_sync".to_owned()));
    let mut no_app = team();
    no_app["config"]["client_id"] = Value::Null;
    assert!(needs_of(&no_app).contains(&"client_id".to_owned()));
    no_app["config"]["crm"] = json!("hubspot");
    assert!(!needs_of(&no_app).contains(&"client_id".to_owned()));
    let mut hubspot = team();
    hubspot["config"]["crm"] = json!("hubspot");
    let view = api::state_view(&hubspot, &Value::Null, &json!([]), &json!({}));
    assert_eq!(
        view["connections"][0]["org"],
        Value::Null,
        "api.hubapi.com says nothing"
    );
}

/// Each connection names the app user who holds it: the rep's own connection is `me`; team
/// sync is `team_sync_user`, or `me` when the rep connected team sync as their own CRM user.
#[test]
fn state_view_names_the_app_user_holding_each_connection() {
    let app_users = |t: &Value| {
        let view = api::state_view(t, &Value::Null, &json!([]), &json!({}));
        let by_role: Vec<(String, String)> = view["connections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["role"].to_string(), c["app_user"].to_string()))
            .collect();
        (view["team_sync"].clone(), by_role)
    };
    let personal = |id: &str| {
        json!({"role": "personal", "crm_user_id": id, "name": "Rita", "email": "rep@acme.example",
            "permission": "standard", "instance_url": "https://acme.my.salesforce.com"})
    };
    let mut apart = team();
    apart["connections"]
        .as_array_mut()
        .unwrap()
        .push(personal("005R"));
    let (team_sync, by_role) = app_users(&apart);
    assert_eq!(team_sync, "team_sync_user");
    assert!(
        by_role.contains(&(r#""team_sync""#.into(), r#""team_sync_user""#.into())),
        "{by_role:?}"
    );
    assert!(
        by_role.contains(&(r#""personal""#.into(), r#""me""#.into())),
        "{by_role:?}"
    );

    // The rep connected team sync as themselves: both connections are the same CRM user.
    let mut same = team();
    same["connections"][0]["crm_user_id"] = json!("005R");
    same["connections"][0]["email"] = json!("rep@acme.example");
    same["connections"]
        .as_array_mut()
        .unwrap()
        .push(personal("005R"));
    let (team_sync, by_role) = app_users(&same);
    assert_eq!(team_sync, "me");
    assert!(
        by_role.iter().all(|(_, app_user)| app_user == r#""me""#),
        "{by_role:?}"
    );
}

#[test]
fn journal_records_and_exports() {
    let result = json!({"status": "failed", "object": "Contact", "record_id": null, "record_url": null,
        "name": "@evil", "owner": {"id": null, "name": null}, "created_by": {"id": null, "name": null},
        "reasons": [], "warnings": [], "error": {"code": "INSUFFICIENT_ACCESS", "message": "no", "hint": "ask"}});
    let j = api::journal_record(
        &Value::Null,
        "s1",
        "linkedin_extension",
        &result,
        "2026-11-23T09:00:00Z",
        &Value::Null,
        None,
        0.0,
    );
    let j = api::journal_log_error(
        &j["journal"],
        &json!({"code": "invalid_grant", "message": "expired", "hint": "Reconnect"}),
        "Ada",
        "linkedin_extension",
        "2026-11-23T09:01:00Z",
    );
    assert_eq!(j["journal"]["error_log"].as_array().unwrap().len(), 2);
    let csv = api::error_log_csv(&j["journal"]);
    let text = csv["csv"].as_str().unwrap();
    assert!(text.contains("\"'@evil\""), "{text}");
    assert!(text.starts_with("\"at\",\"source\",\"name\",\"code\",\"message\",\"hint\"\r\n"));
}

/// An entry resumed after a restart shows the same waiting result its save's plan gave it
/// (`queued_result` replaces the worker's hand-written copy of the template).
#[test]
fn queued_result_of_an_entry_is_the_plans_template() {
    let msg = json!({"kind": "save", "source": "linkedin_extension", "push": "single",
        "prospects": [{"full_name": "Siobhán Ní Bhriain", "linkedin_url": "https://www.linkedin.com/in/siobhan"}]});
    let plan = api::plan_save(&team(), &msg, "s1", &Value::Null, &Value::Null, 0.0);
    assert_eq!(plan["ok"], true, "{plan}");
    let entry = &plan["entries"][0];
    let queued = api::queued_result(entry);
    assert_eq!(queued["ok"], true, "{queued}");
    assert_eq!(queued["result"]["status"], "queued");
    assert_eq!(queued["result"]["name"], "Siobhán Ní Bhriain");
    assert_eq!(queued["result"], plan["results"][0]);
    assert_eq!(api::queued_result(&json!({"id": "x"}))["ok"], false);
}

/// The message kinds the core handles, by direction, and the undo window it enforces.
#[test]
fn contract_names_the_kinds_and_the_undo_window() {
    let c = api::contract();
    assert_eq!(
        c["kinds"]["content_to_worker"],
        json!(["lookup", "preview", "save", "undo"])
    );
    assert_eq!(c["kinds"]["worker_to_content"], json!(["save_progress"]));
    assert_eq!(c["kinds"]["ui_to_worker"][0], "get_state");
    assert_eq!(c["undo_window_seconds"], 10);
}

/// Issue 17: the rep's other addresses are set on the options page (checked whole) and the
/// state view says whether the last Gmail mailbox is the CRM user Gmail saves are Created By.
#[test]
fn other_addresses_decide_the_mailbox_line_of_the_options_page() {
    let mut t = team();
    t["connections"].as_array_mut().unwrap().push(json!({"role": "personal",
        "crm_user_id": "005R", "name": "Rita", "email": "rep@acme.example", "permission": "standard"}));
    let seen =
        json!({"gmail_mailbox": {"email": "rita@home.example", "at": "2026-12-03T10:00:00Z"}});
    let view = api::state_view(&t, &Value::Null, &json!([]), &seen);
    assert_eq!(view["gmail_mailbox"]["email"], "rita@home.example");
    assert_eq!(view["gmail_mailbox"]["saving_as"]["name"], "Rita");
    assert_eq!(view["gmail_mailbox"]["saving_as"]["is_mailbox"], false);
    let none = api::state_view(&t, &Value::Null, &json!([]), &json!({}));
    assert_eq!(none["gmail_mailbox"], Value::Null, "no Gmail seen yet");

    let bad = ui(
        &t,
        json!({"kind": "set_config", "mailbox_aliases": "rita@home.example, rita at work"}),
    );
    assert_eq!(bad["error"]["code"], "invalid_alias", "{bad}");
    assert_eq!(bad["error"]["message"], "“rita” is not an email address.");
    let set = ui(
        &t,
        json!({"kind": "set_config", "mailbox_aliases": "Rita@Home.example"}),
    );
    assert_eq!(set["reply"]["saved"], json!(["other addresses"]), "{set}");
    assert_eq!(
        set["team"]["config"]["mailbox_aliases"],
        json!(["rita@home.example"])
    );
    let view = api::state_view(&set["team"], &Value::Null, &json!([]), &seen);
    assert_eq!(view["gmail_mailbox"]["saving_as"]["is_mailbox"], true);
    assert_eq!(
        view["config"]["mailbox_aliases"],
        json!(["rita@home.example"])
    );
}
