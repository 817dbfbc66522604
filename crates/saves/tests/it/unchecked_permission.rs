//! A permission that could not be read at connect time (the core holds `None`) keeps its wire
//! and stored name `"unknown"`: what the worker passes to `connected`, what older versions
//! stored, and what the popup and options pages read (`conn.permission === 'unknown'`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use saves::api;
use saves::team::{Connection, LocalTeam};
use serde_json::{json, Value};

/// A team as an older version stored it: team sync's permission was not checked.
fn stored_team() -> Value {
    json!({
        "config": {"crm": "salesforce", "client_id": "abc", "me_email": "rep@acme.example"},
        "settings": {"record_kind": "contact", "match_account": false, "log_emails": true},
        "connections": [
            {"role": "team_sync", "crm_user_id": "005I", "name": "Ivan",
             "email": "integration@acme.example", "permission": "unknown",
             "health": "ok", "last_success": "2026-11-30T09:00:00Z",
             "instance_url": "https://acme.my.salesforce.com"},
            {"role": "personal", "crm_user_id": "005R", "name": "Rita",
             "email": "rep@acme.example", "permission": "read_only",
             "health": "ok", "last_success": null,
             "instance_url": "https://acme.my.salesforce.com"}
        ],
        "crm_users": [{"id": "005I", "email": "integration@acme.example", "name": "Ivan", "active": true}]
    })
}

#[test]
fn a_stored_unknown_permission_loads_and_is_written_back_unchanged() {
    let stored = stored_team();
    let team: LocalTeam = serde_json::from_value(stored.clone()).unwrap();
    let [team_sync, personal] = [&team.connections[0], &team.connections[1]];
    assert_eq!(team_sync.permission, None);
    assert_eq!(team_sync.permission_name(), "unknown");
    assert_eq!(
        team_sync.attribution_permission(),
        attribution::Permission::Standard
    );
    assert_eq!(personal.permission, Some(attribution::Permission::ReadOnly));
    let written = serde_json::to_value(&team).unwrap();
    assert_eq!(written["connections"], stored["connections"]);
    assert_eq!(written["crm_users"], stored["crm_users"]);
}

#[test]
fn the_state_view_and_a_ui_answer_show_unknown() {
    let team = stored_team();
    let view = api::state_view(&team, &Value::Null, &json!([]), &json!({}));
    assert_eq!(view["ok"], true, "{view}");
    assert_eq!(view["connections"][0]["permission"], "unknown");
    assert_eq!(view["connections"][1]["permission"], "read_only");
    let answer = api::ui_message(
        &team,
        &json!({"kind": "set_owner_mapping", "crm_user_id": "005I"}),
    );
    assert_eq!(answer["ok"], true, "{answer}");
    assert_eq!(answer["team"]["connections"][0]["permission"], "unknown");
}

#[test]
fn a_finished_connect_takes_unknown_and_refuses_other_names() {
    let token = json!({"access_token": "t", "instance_url": "https://acme.my.salesforce.com",
        "id": "https://login.salesforce.com/id/00D/005I"});
    let identity = json!({"user_id": "005I", "org_id": "00D", "username": "integration@acme.example",
        "email": "integration@acme.example", "display_name": "Ivan"});
    let connect = |permission: Value| {
        api::connect_finish(
            &json!({"config": {"crm": "salesforce", "me_email": "rep@acme.example"}}),
            &json!({"kind": "salesforce", "role": "team_sync", "token": token,
                "identity": identity, "permission": permission, "users": []}),
            "2026-12-01T10:00:00Z",
        )
    };
    let unchecked = connect(json!("unknown"));
    assert_eq!(unchecked["ok"], true, "{unchecked}");
    assert_eq!(unchecked["connection"]["permission"], "unknown");
    assert_eq!(unchecked["team"]["connections"][0]["permission"], "unknown");
    let back: Connection = serde_json::from_value(unchecked["connection"].clone()).unwrap();
    assert_eq!(back.permission, None);

    let admin = connect(json!("admin"));
    assert_eq!(admin["connection"]["permission"], "admin");

    let wrong = connect(json!("superuser"));
    assert_eq!(wrong["ok"], false);
    assert_eq!(wrong["error"]["code"], "invalid_input");
    assert_eq!(
        wrong["error"]["message"],
        "finished: unknown variant `superuser`, expected one of `admin`, `standard`, \
         `read_only`, `unknown`"
    );
    assert_eq!(connect(Value::Null)["error"]["code"], "invalid_input");
}
