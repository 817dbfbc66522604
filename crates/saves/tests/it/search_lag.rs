//! HubSpot's search lags new contacts (a few seconds): a LinkedIn person this browser created
//! minutes ago is read back by id when the search misses them (`saves::journal::recent`), through the
//! JSON functions the worker calls, in the order it calls them: `journal_record` notes the
//! create, `lookup_list` / `plan_save` take the journal's `recent_creates`, `next_request` /
//! `on_response` run the save. One test per case: a miss with a recent create links, a miss
//! whose contact was deleted since creates, an expired create leaves the search's word.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::{HttpRequest, Permission};
use saves::api;
use saves::journal::recent::RECENT_CREATE_TTL_MS;
use saves::team::{Connection, CrmKind, Health, LocalTeam};
use saves::Role;
use serde_json::{json, Value};

const REP: &str = "41";
const ADA: &str = "https://www.linkedin.com/in/ada-lovelace/";
/// When the first save created Ada (contact 501).
const CREATED_AT: f64 = 1_800_000_000_000.0;
/// Two seconds later: HubSpot's search does not show her yet.
const SOON: f64 = CREATED_AT + 2_000.0;

fn team(crm: CrmKind) -> Value {
    let mut t = LocalTeam::default();
    t.config.crm = crm;
    t.config.me_email = Some("rep@acme.example".into());
    for role in [Role::TeamSync, Role::Personal] {
        t.set_connection(Connection {
            role,
            crm_user_id: REP.into(),
            name: "Rita Rep".into(),
            email: "rep@acme.example".into(),
            permission: Some(Permission::Admin),
            health: Health::Ok,
            last_success: None,
            instance_url: String::new(),
            credential: None,
        });
    }
    serde_json::to_value(t).unwrap()
}

fn tokens() -> Value {
    let t = json!({"access_token": "pat-x", "refresh_token": null, "instance_url": "", "id": ""});
    json!({"team_sync": t, "personal": t})
}

fn ada() -> Value {
    json!({"full_name": "Ada Lovelace", "linkedin_url": ADA})
}

fn answer(status: u16, body: Value) -> Value {
    json!({"status": status, "headers": [], "body": body.to_string()})
}

fn no_hit() -> Value {
    answer(200, json!({"total": 0, "results": []}))
}

fn ada_contact(id: &str) -> Value {
    answer(
        200,
        json!({"results": [{"id": id, "properties": {"linkedin_url": ADA, "hubspot_owner_id": REP}}]}),
    )
}

fn deleted(id: &str) -> Value {
    answer(
        207,
        json!({"results": [], "numErrors": 1, "errors": [{"category": "OBJECT_NOT_FOUND", "context": {"ids": [id]}}]}),
    )
}

/// The journal after the first save created Ada as contact 501 on `crm`.
fn journal_after_first_save(crm: CrmKind) -> Value {
    let created = json!({"status": "created", "object": "Contact", "record_id": "501",
        "record_url": null, "name": "Ada Lovelace", "owner": {"id": REP, "name": null},
        "created_by": {"id": REP, "name": null}, "reasons": [], "warnings": [], "error": null});
    let key = format!("linkedin:{}", ADA.trim_end_matches('/'));
    let out = api::journal_record(
        &Value::Null,
        "s1",
        "linkedin_extension",
        &created,
        "2027-01-15T08:00:00Z",
        &team(crm),
        Some(&key),
        CREATED_AT,
    );
    assert_eq!(out["ok"], true, "{out}");
    out["journal"].clone()
}

fn recent_creates() -> Value {
    journal_after_first_save(CrmKind::Hubspot)["recent_creates"].clone()
}

fn request(v: &Value) -> HttpRequest {
    serde_json::from_value(v["request"].clone()).unwrap()
}

/// A single save of Ada at `now`, run until it is done or about to create: every URL asked,
/// and the last step. `answers` answer the requests before the create, in order.
fn single_save(now: f64, answers: &[Value]) -> (Vec<String>, Value) {
    let t = team(CrmKind::Hubspot);
    let msg = json!({"kind": "save", "source": "linkedin_extension", "push": "single",
        "page_url": null, "activity": null, "prospects": [ada()]});
    let plan = api::plan_save(&t, &msg, "s2", &json!({}), &recent_creates(), now);
    assert_eq!(plan["ok"], true, "{plan}");
    let mut entry = plan["entries"][0].clone();
    let mut urls = Vec::new();
    let mut last = Value::Null;
    for a in answers {
        let next = api::next_request(&t, &entry, &tokens());
        urls.push(request(&next).url);
        let out = api::on_response(&t, &next["entry"], a, now, 0);
        entry = out["entry"].clone();
        last = out["step"].clone();
        if last["kind"] != "continue" {
            return (urls, last);
        }
    }
    let next = api::next_request(&t, &entry, &tokens());
    let req = request(&next);
    urls.push(format!("{} {}", req.method, req.url));
    (urls, last)
}

#[test]
fn a_hubspot_create_of_a_linkedin_person_is_noted_in_the_journal_salesforce_not() {
    let recent = recent_creates();
    assert_eq!(recent[0]["id"], "501", "{recent}");
    assert_eq!(recent[0]["key"], ADA.trim_end_matches('/'));
    assert!(journal_after_first_save(CrmKind::Salesforce)
        .get("recent_creates")
        .is_none());
}

#[test]
fn search_miss_and_a_recent_create_links_the_contact_made_then() {
    let (urls, step) = single_save(SOON, &[no_hit(), ada_contact("501")]);
    assert!(urls[0].ends_with("/contacts/search"), "{urls:?}");
    assert!(
        urls[1].ends_with("/contacts/batch/read"),
        "read back by id: {urls:?}"
    );
    assert_eq!(step["kind"], "done", "{step}");
    assert_eq!(step["result"]["status"], "linked");
    assert_eq!(step["result"]["record_id"], "501");
    assert_eq!(urls.len(), 2, "nothing created: {urls:?}");
}

#[test]
fn search_miss_and_a_recent_create_deleted_since_creates_the_person() {
    let (urls, step) = single_save(SOON, &[no_hit(), deleted("501")]);
    assert_eq!(step["kind"], "continue");
    assert!(urls[1].ends_with("/contacts/batch/read"), "{urls:?}");
    assert!(
        urls[2].starts_with("POST ") && urls[2].ends_with("/crm/v3/objects/contacts"),
        "created: {urls:?}"
    );
}

#[test]
fn an_expired_recent_create_leaves_the_search_result_standing() {
    let later = CREATED_AT + RECENT_CREATE_TTL_MS as f64 + 1.0;
    let (urls, _) = single_save(later, &[no_hit()]);
    assert!(urls[0].ends_with("/contacts/search"), "{urls:?}");
    assert!(
        urls[1].ends_with("/crm/v3/objects/contacts"),
        "no read-back: {urls:?}"
    );
}

/// A page's badges at `now`: the answers given, in order, and the final result for Ada.
fn badge(now: f64, answers: &[Value]) -> (Vec<String>, Value) {
    let t = team(CrmKind::Hubspot);
    let msg = json!({"kind": "lookup", "source": "linkedin_extension", "prospects": [ada()]});
    let mut given: Vec<Value> = Vec::new();
    let mut urls = Vec::new();
    loop {
        let out = api::lookup_list(
            &t,
            &msg,
            &tokens(),
            &json!({}),
            &json!(given),
            &recent_creates(),
            now,
        );
        assert_eq!(out["ok"], true, "{out}");
        if out["done"] == true {
            return (urls, out["results"][0].clone());
        }
        urls.push(request(&out).url);
        given.push(answers[given.len()].clone());
    }
}

#[test]
fn a_page_reloaded_right_after_a_save_says_in_hubspot() {
    let (urls, result) = badge(SOON, &[no_hit(), ada_contact("501")]);
    assert_eq!(urls.len(), 2, "one search, one read by id: {urls:?}");
    assert!(urls[1].ends_with("/contacts/batch/read"));
    assert_eq!(result["found"], true, "{result}");
    assert_eq!(result["record_id"], "501");

    let (_, gone) = badge(SOON, &[no_hit(), deleted("501")]);
    assert_eq!(gone["found"], false, "a deleted contact is not claimed");
    let (urls, old) = badge(CREATED_AT + RECENT_CREATE_TTL_MS as f64, &[no_hit()]);
    assert_eq!(
        (urls.len(), &old["found"]),
        (1, &json!(false)),
        "expired: the search stands"
    );
}

#[test]
fn save_all_again_links_the_people_the_first_save_all_made() {
    let t = team(CrmKind::Hubspot);
    let msg = json!({"kind": "save", "source": "linkedin_extension", "push": "bulk",
        "page_url": null, "activity": null,
        "prospects": [ada(), {"full_name": "Cy Young", "linkedin_url": "https://www.linkedin.com/in/cy/"}]});
    let plan = api::plan_save(&t, &msg, "s3", &json!({}), &recent_creates(), SOON);
    let mut entry = plan["entries"][0].clone();
    assert!(entry["chunk"].is_object(), "{plan}");
    let mut urls = Vec::new();
    let created = answer(
        201,
        json!({"status": "COMPLETE", "results": [
        {"id": "601", "properties": {"linkedin_url": "https://www.linkedin.com/in/cy/"}}]}),
    );
    for a in [no_hit(), ada_contact("501"), created] {
        let next = api::next_request(&t, &entry, &tokens());
        let req = request(&next);
        if req.url.ends_with("/batch/create") {
            let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
            assert_eq!(
                body["inputs"].as_array().unwrap().len(),
                1,
                "only Cy is new: {body}"
            );
        }
        urls.push(req.url);
        let out = api::on_response(&t, &next["entry"], &a, SOON, 0);
        entry = out["entry"].clone();
        if out["step"]["kind"] == "settled" {
            let results = out["step"]["results"].as_array().unwrap().clone();
            assert_eq!(results[0]["result"]["status"], "linked", "{results:?}");
            assert_eq!(results[0]["result"]["record_id"], "501");
            assert_eq!(results[1]["result"]["status"], "created");
            break;
        }
    }
    assert!(urls[1].ends_with("/contacts/batch/read"), "{urls:?}");
    assert!(urls[2].ends_with("/contacts/batch/create"), "{urls:?}");
}

#[test]
fn salesforce_never_reads_back() {
    let t = team(CrmKind::Salesforce);
    let msg = json!({"kind": "save", "source": "linkedin_extension", "push": "single",
        "page_url": null, "activity": null, "prospects": [ada()]});
    let plan = api::plan_save(&t, &msg, "s4", &json!({}), &recent_creates(), SOON);
    assert_eq!(plan["ok"], true, "{plan}");
    assert!(plan["entries"][0].get("recent_id").is_none(), "{plan}");
}
