//! Fields the page showed but the extractor could not read (`missing` on a save) travel from
//! the message to each person's outbox entry, result and journal line, through the same JSON
//! functions the worker calls; an outbox stored before `missing` existed still loads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use saves::api;
use serde_json::{json, Value};

const CONTACT_ID: &str = "003000000000001AAA";

fn team() -> Value {
    json!({
        "config": {"crm": "salesforce", "client_id": "abc", "me_email": "rep@acme.example"},
        "connections": [{"role": "team_sync", "crm_user_id": "005I", "name": "Ivan", "email": "integration@acme.example",
            "permission": "admin", "instance_url": "https://acme.my.salesforce.com"}],
        "crm_users": [
            {"id": "005I", "name": "Ivan", "email": "integration@acme.example", "active": true},
            {"id": "005R", "name": "Rita", "email": "rep@acme.example", "active": true}
        ]
    })
}

/// Ada (location not read), a private member (refused; title not read), Grace (all read).
fn message(push: &str) -> Value {
    json!({"kind": "save", "source": "linkedin_extension", "push": push,
        "prospects": [
            {"full_name": "Ada Lovelace", "linkedin_url": "https://www.linkedin.com/in/ada"},
            {"full_name": "LinkedIn Member"},
            {"full_name": "Grace Hopper", "linkedin_url": "https://www.linkedin.com/in/grace"}
        ],
        "missing": [{"index": 0, "fields": ["location"]}, {"index": 1, "fields": ["title"]}]})
}

/// Both people looked up and not found: the plan goes straight to creating them.
fn known() -> Value {
    json!({"linkedin:https://www.linkedin.com/in/ada": null, "linkedin:https://www.linkedin.com/in/grace": null})
}

fn tokens() -> Value {
    json!({"team_sync": {"access_token": "T", "refresh_token": null,
        "instance_url": "https://acme.my.salesforce.com", "id": ""}})
}

fn created() -> Value {
    let body = json!({"compositeResponse": [{"referenceId": "NewRecord", "httpStatusCode": 201,
        "body": {"id": CONTACT_ID, "success": true, "errors": []}}]});
    json!({"status": 200, "headers": [], "body": body.to_string()})
}

/// Runs `entry` to its end against a created answer and returns the finished result.
fn run(entry: &Value) -> Value {
    let next = api::next_request(&team(), entry, &tokens());
    assert_eq!(next["ok"], true, "{next}");
    let done = api::on_response(&team(), &next["entry"], &created(), 0.0, 0);
    assert_eq!(done["step"]["kind"], "done", "{done}");
    done["step"]["result"].clone()
}

fn record(journal: &Value, result: &Value) -> Value {
    let j = api::journal_record(
        journal,
        "s1",
        "linkedin_extension",
        result,
        "2026-12-03T07:00:00Z",
        &team(),
        None,
        0.0,
    );
    assert_eq!(j["ok"], true, "{j}");
    j["journal"].clone()
}

#[test]
fn a_single_persons_missing_fields_reach_the_entry_result_and_journal() {
    let plan = api::plan_save(
        &team(),
        &message("single"),
        "s1",
        &known(),
        &Value::Null,
        0.0,
    );
    assert_eq!(plan["ok"], true, "{plan}");
    let results = plan["results"].as_array().unwrap();
    assert_eq!(results[0]["missing"], json!(["location"]));
    assert_eq!(results[1]["status"], "failed");
    assert_eq!(results[1]["missing"], json!(["title"]));
    assert_eq!(results[2].get("missing"), None, "nothing missing: no field");

    let entries = plan["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0]["missing"], json!(["location"]));
    assert_eq!(entries[1].get("missing"), None);
    // An entry resumed after a restart shows the same.
    assert_eq!(
        api::queued_result(&entries[0])["result"]["missing"],
        json!(["location"])
    );

    let ada = run(&entries[0]);
    assert_eq!(ada["status"], "created");
    assert_eq!(ada["missing"], json!(["location"]));
    let grace = run(&entries[1]);
    let journal = record(&record(&Value::Null, &ada), &grace);
    let journal = record(&journal, &results[1]);
    let lines = journal["recent_saves"].as_array().unwrap();
    let line = |name: &str| {
        lines
            .iter()
            .find(|l| l["name"] == name)
            .unwrap_or_else(|| panic!("{name}: {journal}"))
    };
    assert_eq!(line("Ada Lovelace")["missing"], json!(["location"]));
    assert_eq!(line("LinkedIn Member")["missing"], json!(["title"]));
    assert_eq!(line("Grace Hopper").get("missing"), None);
}

#[test]
fn a_bulk_chunk_keeps_each_members_missing_fields() {
    let plan = api::plan_save(&team(), &message("bulk"), "s1", &known(), &Value::Null, 0.0);
    assert_eq!(plan["ok"], true, "{plan}");
    let chunk = &plan["entries"][0];
    let members = chunk["chunk"]["members"].as_array().unwrap();
    assert_eq!(members.len(), 2, "{chunk}");
    assert_eq!(members[0]["person"]["missing"], json!(["location"]));
    assert_eq!(members[1]["person"].get("missing"), None);
    assert_eq!(
        chunk.get("missing"),
        None,
        "the chunk itself names no one's fields"
    );
}

#[test]
fn an_outbox_entry_stored_before_missing_existed_still_loads() {
    let plan = api::plan_save(
        &team(),
        &message("single"),
        "s1",
        &known(),
        &Value::Null,
        0.0,
    );
    let mut old = plan["entries"][0].clone();
    old.as_object_mut().unwrap().remove("missing");
    let next = api::next_request(&team(), &old, &tokens());
    assert_eq!(next["ok"], true, "{next}");
    assert_eq!(next["entry"].get("missing"), None);
    let result = run(&old);
    assert_eq!(result["status"], "created");
    assert_eq!(result.get("missing"), None);
}

#[test]
fn a_bad_missing_list_refuses_the_save_with_a_reason() {
    let mut msg = message("single");
    msg["missing"] = json!([{"index": 3, "fields": ["location"]}]);
    let plan = api::plan_save(&team(), &msg, "s1", &known(), &Value::Null, 0.0);
    assert_eq!(plan["ok"], false);
    let text = plan["error"]["message"].as_str().unwrap_or_default();
    assert!(text.contains("index 3 is out of range"), "{plan}");
    assert_eq!(plan["error"]["code"], "invalid_message");
}
