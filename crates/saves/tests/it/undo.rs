//! The undo window driven with plain values: a save runs through `next_request` /
//! `on_response` against recorded answers, then `undo_record` → `plan_undo` → `read_undo` →
//! `mark_undone`. One row per situation: what is deleted, with which token, in how many calls.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::resp;

use crm::{ExistingRecord, HttpResponse, Permission};
use saves::journal::records::{Journal, RecentSave};
use saves::team::{Connection, CrmKind, LocalTeam};
use saves::undo::{mark_undone, plan_undo, read_undo, undo_record, UndoRecord, UNDO_WINDOW_MS};
use saves::Role;
use saves::{
    next_request, on_response, parse_content_message, plan_save, ContentToWorker, KnownRecords,
    SaveResult, SaveStatus, Step, Tokens,
};
use serde_json::{json, Value};

const INTEGRATION: &str = "005000000000001AAA";
const REP: &str = "005000000000002AAA";
const CONTACT: &str = "003000000000001AAA";
const EXISTING: &str = "003000000000009AAA";
const TASK: &str = "00T000000000001AAA";
const NOW: u64 = 1_800_000_000_000;

fn conn(role: Role, id: &str, email: &str) -> Connection {
    crate::support::conn(role, id, email, Permission::Standard)
}

fn team(crm: CrmKind) -> LocalTeam {
    let mut t = LocalTeam::default();
    t.config.crm = crm;
    t.config.me_email = Some("rep@acme.example".into());
    t.set_connection(conn(
        Role::TeamSync,
        INTEGRATION,
        "integration@acme.example",
    ));
    t.set_connection(conn(Role::Personal, REP, "rep@acme.example"));
    t
}

fn tokens(role: Role) -> Option<Tokens> {
    Some(crate::support::tokens(role))
}

fn save(source: &str, activity: bool) -> saves::SaveRequest {
    let activity = activity.then(|| json!({"kind":"email","subject":"Pilot","body":"Hello","date":"2026-11-21","message_id":"m4"}));
    let msg = json!({"kind":"save","source":source,"push":"single","page_url":null,"activity":activity,
        "prospects":[{"full_name":"Marta Kovacs","email":"marta@globex.example"}]});
    match parse_content_message(&msg).unwrap() {
        ContentToWorker::Save(s) => s,
        other => panic!("{other:?}"),
    }
}

fn known(existing: bool) -> KnownRecords {
    let mut k = KnownRecords::new();
    let record = existing.then(|| ExistingRecord {
        id: EXISTING.into(),
        object: "Contact".into(),
        owner_id: Some(REP.into()),
        owner_name: None,
        job: None,
    });
    k.insert("email:marta@globex.example".into(), record);
    k
}

/// Runs a one-person save against `answers` (one per request) and returns the plan's entries
/// and the final results, as the worker has them when the save finishes.
fn run(
    team: &LocalTeam,
    source: &str,
    activity: bool,
    existing: bool,
    answers: &[HttpResponse],
) -> (Vec<saves::OutboxEntry>, Vec<SaveResult>) {
    let plan = plan_save(team, &save(source, activity), "s1", &known(existing));
    if plan.entries.is_empty() {
        return (plan.entries, plan.results);
    }
    let mut entry = plan.entries[0].clone();
    for answer in answers {
        let role = saves::current_role(&entry);
        let (e, _req) = next_request(team, &entry, &tokens(role).unwrap()).unwrap();
        let (e, step) = on_response(team, &e, answer, NOW, 0);
        entry = e;
        if let Step::Done { result } = step {
            return (plan.entries, vec![result]);
        }
    }
    panic!("the save did not finish: {entry:?}");
}

fn composite(task: bool) -> HttpResponse {
    let mut subs = vec![
        json!({"referenceId":"NewRecord","httpStatusCode":201,"body":{"id":CONTACT,"success":true,"errors":[]}}),
    ];
    if task {
        subs.push(json!({"referenceId":"NewActivity","httpStatusCode":201,"body":{"id":TASK,"success":true,"errors":[]}}));
    }
    resp(200, json!({ "compositeResponse": subs }))
}

fn auth(req: &crm::HttpRequest) -> &str {
    req.header("Authorization").unwrap_or_default()
}

/// (source, email logged, already in the CRM, answers) → (ids deleted, bearer), if anything.
type Row = (
    &'static str,
    bool,
    bool,
    Vec<HttpResponse>,
    Option<(&'static str, &'static str)>,
);

#[test]
fn what_each_save_undoes_and_with_which_token() {
    let sf = team(CrmKind::Salesforce);
    let task_only = resp(201, json!({"id":TASK,"success":true,"errors":[]}));
    // (source, email logged, already in CRM, answers) → (DELETE urls' ids, bearer)
    let rows: Vec<Row> = vec![
        // Log this email, new person: the Contact and its Task, Task first, one call, rep's token.
        (
            "gmail_extension",
            true,
            false,
            vec![composite(true)],
            Some(("00T000000000001AAA,003000000000001AAA", "Bearer REP-TOKEN")),
        ),
        // Log this email on a person already in the CRM: only the Task.
        (
            "gmail_extension",
            true,
            true,
            vec![task_only],
            Some(("00T000000000001AAA", "Bearer REP-TOKEN")),
        ),
        // A LinkedIn save is created with team sync: deleted with team sync.
        (
            "linkedin_extension",
            false,
            false,
            vec![composite(false)],
            Some(("003000000000001AAA", "Bearer TEAM-TOKEN")),
        ),
        // Already in the CRM and nothing logged: linked, nothing to undo.
        ("linkedin_extension", false, true, vec![], None),
    ];
    for (source, activity, existing, answers, expected) in rows {
        let (entries, results) = run(&sf, source, activity, existing, &answers);
        let record = undo_record(&sf, &entries, &results, "s1", NOW);
        let Some((ids, bearer)) = expected else {
            assert_eq!(record, None, "{source} {activity} {existing}");
            continue;
        };
        let record = record.expect("something to undo");
        let calls = plan_undo(&sf, Some(&record), tokens, NOW + 5_000).unwrap();
        assert_eq!(calls.len(), 1, "one DELETE per connection");
        let req = &calls[0].request;
        assert_eq!(req.method, "DELETE");
        assert_eq!(
            req.url,
            format!("https://acme.my.salesforce.com/services/data/v66.0/composite/sobjects?ids={ids}&allOrNone=false")
        );
        assert_eq!(auth(req), bearer);
        assert!(
            record.items.iter().all(|i| i.id != EXISTING),
            "a linked record is never deleted"
        );
    }
}

fn gmail_record() -> UndoRecord {
    let sf = team(CrmKind::Salesforce);
    let (entries, results) = run(&sf, "gmail_extension", true, false, &[composite(true)]);
    undo_record(&sf, &entries, &results, "s1", NOW).unwrap()
}

#[test]
fn the_window_and_unknown_saves_are_refused() {
    let sf = team(CrmKind::Salesforce);
    let record = gmail_record();
    let late = plan_undo(&sf, Some(&record), tokens, NOW + UNDO_WINDOW_MS + 2_001).unwrap_err();
    assert_eq!(late.code, "undo_expired");
    assert!(late.message.contains("closed"));
    assert!(plan_undo(&sf, Some(&record), tokens, NOW + UNDO_WINDOW_MS).is_ok());
    assert_eq!(
        plan_undo(&sf, None, tokens, NOW).unwrap_err().code,
        "undo_unknown"
    );
    let missing = plan_undo(&sf, Some(&record), |_| None, NOW).unwrap_err();
    assert_eq!(missing.code, "not_connected");
}

#[test]
fn partial_failures_are_reported_and_only_fully_undone_lines_are_marked() {
    let sf = team(CrmKind::Salesforce);
    let record = gmail_record();
    let calls = plan_undo(&sf, Some(&record), tokens, NOW).unwrap();
    let mut journal = Journal::default();
    let (_, results) = run(&sf, "gmail_extension", true, false, &[composite(true)]);
    journal.record(RecentSave {
        at: String::new(),
        save_id: "s1".into(),
        source: "gmail_extension".into(),
        result: results[0].clone(),
    });

    let refused = resp(
        200,
        json!([
            {"id":TASK,"success":true,"errors":[]},
            {"success":false,"errors":[{"statusCode":"INSUFFICIENT_ACCESS_OR_READONLY","message":"insufficient access rights on object id","fields":[]}]}
        ]),
    );
    let outcome = read_undo(&record, &calls, &[refused]);
    assert_eq!(outcome.deleted.len(), 1);
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].0.id, CONTACT);
    assert_eq!(outcome.failed[0].1.code, "INSUFFICIENT_ACCESS_OR_READONLY");
    let mut j = journal.clone();
    mark_undone(&mut j, "s1", &outcome);
    assert_eq!(
        j.recent_saves[0].result.status,
        SaveStatus::Created,
        "not undone: the Contact is still there"
    );

    let ok = resp(
        200,
        json!([
            {"id":TASK,"success":true,"errors":[]},
            {"id":CONTACT,"success":true,"errors":[]}
        ]),
    );
    let outcome = read_undo(&record, &calls, &[ok]);
    assert_eq!(outcome.deleted.len(), 2);
    assert!(outcome.failed.is_empty());
    mark_undone(&mut journal, "s1", &outcome);
    assert_eq!(journal.recent_saves[0].result.status, SaveStatus::Undone);
    assert_eq!(
        serde_json::to_value(&journal.recent_saves[0]).unwrap()["status"],
        "undone"
    );

    let offline = resp(0, json!("Failed to fetch"));
    let outcome = read_undo(
        &record,
        &calls,
        &[HttpResponse {
            body: "Failed to fetch".into(),
            ..offline
        }],
    );
    assert_eq!(outcome.failed.len(), 2);
    assert_eq!(outcome.failed[0].1.code, "network_error");
}

#[test]
fn hubspot_archives_the_engagement_then_the_contact() {
    let hs = team(CrmKind::Hubspot);
    let answers = [
        resp(
            404,
            json!({"status":"error","message":"Object not found","category":"OBJECT_NOT_FOUND"}),
        ),
        resp(201, json!({"id":"7001","properties":{}})),
        resp(201, json!({"id":"9001","properties":{}})),
    ];
    let plan = plan_save(
        &hs,
        &save("gmail_extension", true),
        "s1",
        &KnownRecords::new(),
    );
    let mut entry = plan.entries[0].clone();
    let mut result = None;
    for answer in &answers {
        let role = saves::current_role(&entry);
        let (e, _) = next_request(&hs, &entry, &tokens(role).unwrap()).unwrap();
        let (e, step) = on_response(&hs, &e, answer, NOW, 0);
        entry = e;
        if let Step::Done { result: r } = step {
            result = Some(r);
            break;
        }
    }
    let result = result.expect("saved");
    assert_eq!(result.activity_id.as_deref(), Some("9001"));
    let record = undo_record(&hs, &plan.entries, &[result], "s1", NOW).unwrap();
    let calls = plan_undo(&hs, Some(&record), tokens, NOW).unwrap();
    let urls: Vec<&str> = calls.iter().map(|c| c.request.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://acme.my.salesforce.com/crm/v3/objects/emails/batch/archive",
            "https://acme.my.salesforce.com/crm/v3/objects/contacts/batch/archive"
        ]
    );
    assert!(calls.iter().all(|c| auth(&c.request) == "Bearer REP-TOKEN"));
    // Each call archives its own object's record: the email, then the contact.
    let archived: Vec<Value> = calls
        .iter()
        .map(|c| serde_json::from_str(c.request.body.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(
        archived,
        [
            json!({"inputs": [{"id": "9001"}]}),
            json!({"inputs": [{"id": "7001"}]})
        ]
    );
    let outcome = read_undo(
        &record,
        &calls,
        &[resp(204, json!(null)), resp(204, json!(null))],
    );
    assert_eq!(outcome.deleted.len(), 2);
}

#[test]
fn the_json_face_round_trips_and_checks_the_message() {
    let sf = team(CrmKind::Salesforce);
    let (entries, results) = run(&sf, "gmail_extension", true, false, &[composite(true)]);
    let team_json = serde_json::to_value(&sf).unwrap();
    let rec = saves::api::undo_record(
        &team_json,
        &serde_json::to_value(&entries).unwrap(),
        &serde_json::to_value(&results).unwrap(),
        "5f0c-11",
        NOW as f64,
    );
    assert_eq!(rec["ok"], true);
    assert_eq!(rec["seconds"], 10);
    let record = rec["undo"].clone();
    let tokens = json!({"personal": tokens(Role::Personal), "team_sync": tokens(Role::TeamSync)});
    let msg = json!({"kind":"undo","source":"gmail_extension","save_id":"5f0c-11"});
    let plan = saves::api::undo_plan(&team_json, &msg, &record, &tokens, (NOW + 3_000) as f64);
    assert_eq!(plan["ok"], true, "{plan}");
    assert_eq!(plan["calls"].as_array().unwrap().len(), 1);
    assert!(!plan.to_string().contains("TEAM-TOKEN"));

    // Another save's id, a malformed id, and no record at all are refused.
    let other = json!({"kind":"undo","source":"gmail_extension","save_id":"other"});
    let refused = saves::api::undo_plan(&team_json, &other, &record, &tokens, NOW as f64);
    assert_eq!(refused["error"]["code"], "undo_unknown");
    let bad = json!({"kind":"undo","source":"gmail_extension","save_id":"a,b&c"});
    let refused = saves::api::undo_plan(&team_json, &bad, &record, &tokens, NOW as f64);
    assert_eq!(refused["error"]["code"], "invalid_input");

    let answer = resp(
        200,
        json!([{"id":TASK,"success":true,"errors":[]},{"id":CONTACT,"success":true,"errors":[]}]),
    );
    let outcome = saves::api::undo_outcome(&record, &plan["calls"], &json!([answer]));
    assert_eq!(outcome["deleted"].as_array().unwrap().len(), 2);
    assert_eq!(outcome["forget"], json!(["email:marta@globex.example"]));
    let mut journal = Journal::default();
    journal.record(RecentSave {
        at: String::new(),
        save_id: "5f0c-11".into(),
        source: "gmail_extension".into(),
        result: results[0].clone(),
    });
    let marked = saves::api::journal_mark_undone(
        &serde_json::to_value(&journal).unwrap(),
        "5f0c-11",
        &outcome,
    );
    assert_eq!(marked["journal"]["recent_saves"][0]["status"], "undone");
}

#[test]
fn hubspot_disconnect_revokes_the_refresh_token_only() {
    let mut hs = team(CrmKind::Hubspot);
    hs.config.client_id = Some("leadline-hubspot-client".into());
    let team_json = serde_json::to_value(&hs).unwrap();
    let oauth = json!({"access_token":"a","refresh_token":"na1-rt","instance_url":"","id":""});
    let r = saves::api::hubspot_revoke_request(&team_json, &oauth, "shh");
    assert_eq!(
        r["request"]["url"],
        "https://api.hubapi.com/oauth/2026-03/token/revoke"
    );
    assert!(r["request"]["body"]
        .as_str()
        .unwrap()
        .contains("token=na1-rt"));
    let private_app = json!({"access_token":"pat-x","instance_url":"","id":""});
    let r = saves::api::hubspot_revoke_request(&team_json, &private_app, "shh");
    assert_eq!(r, json!({"ok": true, "request": null}));
    let r = saves::api::hubspot_revoke_request(&team_json, &oauth, "");
    assert_eq!(r["error"]["code"], "missing_client_secret");
}

/// Disconnecting Salesforce revokes the refresh token (which ends the session with it) at the
/// team's own login host; a connection without one revokes its access token.
#[test]
fn salesforce_disconnect_revokes_the_refresh_token_at_the_teams_login_host() {
    let mut sf = team(CrmKind::Salesforce);
    sf.config.login_host = saves::team::LoginHostChoice::MyDomain;
    sf.config.my_domain = Some("acme.my.salesforce.com".into());
    let team_json = serde_json::to_value(&sf).unwrap();
    let both = json!({"access_token":"00Dacc","refresh_token":"5Aep-rt","instance_url":"https://acme.my.salesforce.com","id":""});
    let r = saves::api::revoke_request(&team_json, &both);
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["request"]["method"], "POST");
    assert_eq!(
        r["request"]["url"],
        "https://acme.my.salesforce.com/services/oauth2/revoke"
    );
    assert_eq!(r["request"]["body"], "token=5Aep-rt");
    let access_only =
        json!({"access_token":"00Dacc","instance_url":"https://acme.my.salesforce.com","id":""});
    let r = saves::api::revoke_request(&team_json, &access_only);
    assert_eq!(r["request"]["body"], "token=00Dacc");
}

#[test]
fn a_bulk_save_is_undone_in_one_call_per_200_people() {
    let sf = team(CrmKind::Salesforce);
    let people: Vec<Value> = (0..250)
        .map(|i| json!({"full_name": format!("Person {i}"), "linkedin_url": format!("https://www.linkedin.com/in/p{i}")}))
        .collect();
    let msg = json!({"kind":"save","source":"linkedin_extension","push":"bulk","page_url":null,"activity":null,"prospects":people});
    let ContentToWorker::Save(save) = parse_content_message(&msg).unwrap() else {
        panic!("not a save")
    };
    let plan = plan_save(&sf, &save, "bulk1", &KnownRecords::new());
    assert_eq!(plan.entries.len(), 2, "two chunks");
    // What the chunks settled to: everyone created except person 7 (linked) and 8 (failed).
    let results: Vec<SaveResult> = plan
        .results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.status = match i {
                7 => SaveStatus::Linked,
                8 => SaveStatus::Failed,
                _ => SaveStatus::Created,
            };
            r.record_id = (i != 8).then(|| format!("003{i:015}"));
            r
        })
        .collect();
    let record = undo_record(&sf, &plan.entries, &results, "bulk1", NOW).unwrap();
    assert_eq!(
        record.items.len(),
        248,
        "the linked and the failed person are not undone"
    );
    assert!(record
        .items
        .iter()
        .all(|i| i.is_person && i.role == Role::TeamSync));
    // Each item is its own person's (what the badges of the page are refreshed by).
    for item in &record.items {
        let i: usize = item.id[3..].parse().unwrap();
        assert_eq!(
            item.lookup_key.as_deref(),
            Some(format!("linkedin:https://www.linkedin.com/in/p{i}").as_str()),
            "{item:?}"
        );
    }
    let calls = plan_undo(&sf, Some(&record), tokens, NOW).unwrap();
    assert_eq!(
        calls.iter().map(|c| c.ids.len()).collect::<Vec<_>>(),
        [200, 48]
    );
    assert!(calls
        .iter()
        .all(|c| auth(&c.request) == "Bearer TEAM-TOKEN"));
    assert!(!calls[0].request.url.contains("003000000000000007"));
}
