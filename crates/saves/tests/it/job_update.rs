//! "Update in CRM" on a job change, driven with plain values: the requests each CRM gets
//! (team sync, no owner, the old values kept once), the Account never guessed, and a retry
//! or a second click that sends nothing twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{resp, tokens};

use crm::{HttpRequest, HttpResponse, Job, Permission};
use saves::team::{Connection, CrmKind, LocalTeam, TeamMode};
use saves::Role;
use saves::{
    next_request, on_response, parse_content_message, plan_save, ContentToWorker, KnownRecords,
    OutboxEntry, SaveResult, SaveStatus, Step,
};
use serde_json::{json, Value};

const INTEGRATION: &str = "005000000000001AAA";
const REP: &str = "005000000000002AAA";
const OWNER: &str = "005000000000003AAA";
const CONTACT_ID: &str = "003000000000001AAA";
const GLOBEX: &str = "001000000000009AAA";
const TASK_ID: &str = "00T000000000001AAA";

fn conn(role: Role, id: &str, email: &str) -> Connection {
    crate::support::conn(role, id, email, Permission::Admin)
}

/// Team sync and the rep's own connection, Salesforce or HubSpot.
fn team(crm: CrmKind, match_account: bool) -> LocalTeam {
    let mut t = LocalTeam::default();
    t.config.crm = crm;
    t.config.me_email = Some("rep@acme.example".into());
    t.settings.match_account = match_account;
    t.set_connection(conn(
        Role::TeamSync,
        INTEGRATION,
        "integration@acme.example",
    ));
    t.set_connection(conn(Role::Personal, REP, "rep@acme.example"));
    t
}

const URL: &str = "https://www.linkedin.com/in/ada";

fn click() -> saves::SaveRequest {
    let msg = json!({"kind":"save","source":"job_change","push":"single",
        "prospects":[{"full_name":"Ada Lovelace","linkedin_url":URL,"title":"VP Sales","company":"Globex"}]});
    match parse_content_message(&msg).unwrap() {
        ContentToWorker::Save(s) => s,
        other => panic!("{other:?}"),
    }
}

/// A save of Ada from `source` (no lookup known).
fn save_of(source: &str) -> saves::SaveRequest {
    let msg = json!({"kind":"save","source":source,"push":"single",
        "prospects":[{"full_name":"Ada Lovelace","linkedin_url":URL}]});
    match parse_content_message(&msg).unwrap() {
        ContentToWorker::Save(s) => s,
        other => panic!("{other:?}"),
    }
}

/// Ada as the page's lookup found her: Head of Sales at Initech, owned by `OWNER`.
fn known(id: &str) -> KnownRecords {
    let mut k = KnownRecords::new();
    k.insert(
        format!("linkedin:{URL}"),
        Some(crm::ExistingRecord {
            id: id.into(),
            object: "Contact".into(),
            owner_id: Some(OWNER.into()),
            owner_name: None,
            job: Job::from_parts(Some("Head of Sales"), Some("Initech")),
        }),
    );
    k
}

fn entry(team: &LocalTeam, id: &str) -> OutboxEntry {
    let plan = plan_save(team, &click(), "save-1", &known(id));
    assert_eq!(plan.entries.len(), 1, "{plan:?}");
    let mut e = plan.entries[0].clone();
    e.job_update.as_mut().unwrap().date = "2026-12-03".into();
    e
}

fn query(records: Value) -> HttpResponse {
    resp(
        200,
        json!({"totalSize": 0, "done": true, "records": records}),
    )
}

fn soql(req: &HttpRequest) -> String {
    crm::http::parse_query(req.url.split_once('?').unwrap().1)
        .into_iter()
        .find(|(k, _)| k == "q")
        .unwrap()
        .1
}

fn body(req: &HttpRequest) -> Value {
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

/// Sends the entry's next request to `answer` and returns the request and what came of it.
fn step(
    team: &LocalTeam,
    e: &OutboxEntry,
    answer: HttpResponse,
) -> (HttpRequest, OutboxEntry, Step) {
    let (sent, req) = next_request(team, e, &tokens(e.role)).unwrap();
    let (after, step) = on_response(team, &sent, &answer, 1_000, 7);
    (req, after, step)
}

fn done(step: Step) -> SaveResult {
    match step {
        Step::Done { result } => result,
        other => panic!("not done: {other:?}"),
    }
}

fn composite_ok() -> HttpResponse {
    resp(
        200,
        json!({"compositeResponse": [
            {"referenceId": "JobUpdate", "httpStatusCode": 204, "body": null},
            {"referenceId": "JobNote", "httpStatusCode": 201, "body": {"id": TASK_ID, "success": true, "errors": []}}]}),
    )
}

#[test]
fn salesforce_moves_the_contact_to_the_matched_account_and_keeps_the_old_job_in_a_task() {
    let t = team(CrmKind::Salesforce, true);
    let e = entry(&t, CONTACT_ID);
    assert_eq!(
        e.role,
        Role::TeamSync,
        "rule 1: job_change goes under team sync"
    );
    assert_eq!(e.spec.owner_id, None);
    assert_eq!(
        e.owner.id.as_deref(),
        Some(OWNER),
        "the record's own owner is shown"
    );

    let (req, e, s) = step(&t, &e, query(json!([])));
    assert_eq!(req.header("Authorization"), Some("Bearer TEAM-TOKEN"));
    assert_eq!(
        soql(&req),
        format!("SELECT Id FROM Task WHERE WhoId = '{CONTACT_ID}' AND Subject = 'Job change: was Head of Sales at Initech' LIMIT 1")
    );
    assert_eq!(s, Step::Continue);

    let (req, e, s) = step(&t, &e, query(json!([{"Id": GLOBEX, "Name": "Globex"}])));
    assert!(
        soql(&req).contains("FROM Account WHERE Name = 'Globex'"),
        "{}",
        soql(&req)
    );
    assert_eq!(s, Step::Continue);

    let (req, _, s) = step(&t, &e, composite_ok());
    let b = body(&req);
    let subs = b["compositeRequest"].as_array().unwrap();
    assert_eq!(subs[0]["method"], "PATCH");
    assert_eq!(
        subs[0]["body"],
        json!({"Title": "VP Sales", "AccountId": GLOBEX})
    );
    let task = &subs[1]["body"];
    assert_eq!(task["Subject"], "Job change: was Head of Sales at Initech");
    assert_eq!(task["ActivityDate"], "2026-12-03");
    let description = task["Description"].as_str().unwrap();
    assert!(
        description.contains("Was: Head of Sales at Initech"),
        "{description}"
    );
    assert!(
        description.contains("Now: VP Sales at Globex"),
        "{description}"
    );
    assert!(description.contains("save save-1"), "{description}");
    assert!(
        !b.to_string().contains("OwnerId"),
        "an update never reassigns"
    );

    let r = done(s);
    assert_eq!(r.status, SaveStatus::Updated);
    assert_eq!(r.activity_id.as_deref(), Some(TASK_ID));
    let news = r.job_update.unwrap();
    assert_eq!(news.now.words(), "VP Sales at Globex");
    assert_eq!(news.was.words(), "Head of Sales at Initech");
    assert_eq!(news.account_note, None);
    assert_eq!(r.owner.id.as_deref(), Some(OWNER));
    assert_eq!(r.created_by.id.as_deref(), Some(INTEGRATION));
    assert!(r.reasons[0].contains("team sync"), "{:?}", r.reasons);
    assert!(
        r.reasons.iter().all(|x| !x.starts_with("Owner:")),
        "no new-record owner reason: {:?}",
        r.reasons
    );
    assert!(r.reasons.iter().any(|x| x.contains("never reassigns")));
}

/// A Contact the CRM holds with no company: the page's company is a move, so its Account is
/// looked up (with Account matching on), as for a change of company.
#[test]
fn a_record_without_a_company_looks_up_the_pages_account() {
    let t = team(CrmKind::Salesforce, true);
    let mut known = known(CONTACT_ID);
    for record in known.values_mut().flatten() {
        record.job = Job::from_parts(Some("Head of Sales"), None);
    }
    let plan = plan_save(&t, &click(), "save-1", &known);
    let mut e = plan.entries[0].clone();
    e.job_update.as_mut().unwrap().date = "2026-12-03".into();
    let (_, e, _) = step(&t, &e, query(json!([])));
    let (req, _, _) = step(&t, &e, query(json!([{"Id": GLOBEX, "Name": "Globex"}])));
    assert!(
        soql(&req).contains("FROM Account WHERE Name = 'Globex'"),
        "{}",
        soql(&req)
    );
}

#[test]
fn an_unmatched_or_ambiguous_account_is_kept_and_the_result_says_so() {
    let t = team(CrmKind::Salesforce, true);
    for (records, words) in [
        (json!([]), "No Account is named Globex"),
        (
            json!([{"Id": GLOBEX, "Name": "Globex"}, {"Id": "001000000000008AAA", "Name": "Globex"}]),
            "Several Accounts are named Globex",
        ),
    ] {
        let e = entry(&t, CONTACT_ID);
        let (_, e, _) = step(&t, &e, query(json!([])));
        let (_, e, _) = step(&t, &e, query(records));
        let (req, _, s) = step(&t, &e, composite_ok());
        let subs = body(&req)["compositeRequest"].clone();
        assert_eq!(
            subs[0]["body"],
            json!({"Title": "VP Sales"}),
            "AccountId kept"
        );
        let r = done(s);
        let news = r.job_update.unwrap();
        assert_eq!(
            news.now.words(),
            "VP Sales at Initech",
            "what the CRM holds"
        );
        let note = news.account_note.unwrap();
        assert!(note.starts_with(words), "{note}");
        assert!(note.contains("stays with its Account Initech"), "{note}");
        assert!(r.reasons.contains(&note));
        assert!(subs[1]["body"]["Description"]
            .as_str()
            .unwrap()
            .contains(words));
    }
    // Account matching off: no Account lookup at all, and the result says why.
    let off = team(CrmKind::Salesforce, false);
    let e = entry(&off, CONTACT_ID);
    let (_, e, _) = step(&off, &e, query(json!([])));
    let (req, _, s) = step(&off, &e, composite_ok());
    assert!(req.url.ends_with("/composite"), "{}", req.url);
    let note = done(s).job_update.unwrap().account_note.unwrap();
    assert!(note.starts_with("Account matching is off"), "{note}");
}

/// An update the CRM refuses after the Account lookup found none still says, once, why the
/// Account was kept: the failed result's reasons (the popup's "why?") carry the note.
#[test]
fn a_refused_update_keeps_saying_why_the_account_stays() {
    let t = team(CrmKind::Salesforce, true);
    let e = entry(&t, CONTACT_ID);
    let (_, e, _) = step(&t, &e, query(json!([])));
    let (_, e, _) = step(&t, &e, query(json!([])));
    let refused = resp(
        200,
        json!({"compositeResponse": [
            {"referenceId": "JobUpdate", "httpStatusCode": 400, "body": [
                {"errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "Titles are locked", "fields": []}]},
            {"referenceId": "JobNote", "httpStatusCode": 400, "body": [
                {"errorCode": "PROCESSING_HALTED", "message": "The transaction was rolled back", "fields": []}]}]}),
    );
    let (_, _, s) = step(&t, &e, refused);
    let Step::Failed { result } = s else {
        panic!("not failed: {s:?}")
    };
    let noted: Vec<&String> = result
        .reasons
        .iter()
        .filter(|r| r.starts_with("No Account is named Globex"))
        .collect();
    assert_eq!(noted.len(), 1, "{:?}", result.reasons);
}

/// An update carries the decision's warnings about who pushes it (here: team sync is not a
/// Salesforce admin), but none about who would own a new record: it keeps the record's owner.
#[test]
fn an_update_keeps_the_decisions_warnings_but_not_the_owners() {
    let mut t = team(CrmKind::Salesforce, false);
    let mut sync = conn(Role::TeamSync, INTEGRATION, "integration@acme.example");
    sync.permission = Some(Permission::Standard);
    t.set_connection(sync);
    t.owner_mapping = Some(OWNER.into());
    t.crm_users = vec![crm::CrmUser {
        id: OWNER.into(),
        email: Some("gone@acme.example".into()),
        active: false,
        name: None,
    }];
    let new_record = plan_save(
        &t,
        &save_of("linkedin_extension"),
        "save-0",
        &KnownRecords::new(),
    );
    let said = &new_record.entries[0].warnings;
    assert!(said.iter().any(|w| w == "owner_inactive"), "{said:?}");
    let update = entry(&t, CONTACT_ID);
    assert_eq!(update.warnings, ["team_sync_not_admin"]);
}

#[test]
fn a_recorded_change_is_not_written_twice() {
    let t = team(CrmKind::Salesforce, true);
    // A second click: the Task is already on the record.
    let e = entry(&t, CONTACT_ID);
    let (_, _, s) = step(&t, &e, query(json!([{"Id": TASK_ID}])));
    assert_eq!(done(s).activity_id.as_deref(), Some(TASK_ID));

    // A retry after a lost answer: the write was in flight, so it looks first.
    let e = entry(&t, CONTACT_ID);
    let (_, e, _) = step(&t, &e, query(json!([])));
    let (_, e, _) = step(&t, &e, query(json!([{"Id": GLOBEX, "Name": "Globex"}])));
    let (sent, req) = next_request(&t, &e, &tokens(Role::TeamSync)).unwrap();
    assert!(req.url.ends_with("/composite"));
    let (lost, s) = on_response(&t, &sent, &resp(0, json!("connection reset")), 1_000, 7);
    assert!(matches!(s, Step::Retry { .. }), "{s:?}");
    let (req, _, s) = step(&t, &lost, query(json!([{"Id": TASK_ID}])));
    assert!(
        soql(&req).starts_with("SELECT Id FROM Task"),
        "{}",
        soql(&req)
    );
    assert_eq!(done(s).status, SaveStatus::Updated);
}

#[test]
fn a_click_without_a_read_record_or_a_change_is_refused_before_any_request() {
    let t = team(CrmKind::Salesforce, true);
    let plan = plan_save(&t, &click(), "s", &KnownRecords::new());
    assert!(plan.entries.is_empty());
    assert_eq!(plan.results[0].status, SaveStatus::Failed);
    assert_eq!(
        plan.results[0].error.as_ref().unwrap().code,
        "job_change_unchecked"
    );
    let mut current = known(CONTACT_ID);
    if let Some(Some(r)) = current.values_mut().next() {
        r.job = Job::from_parts(Some("VP, Sales"), Some("Globex Inc."));
    }
    let plan = plan_save(&t, &click(), "s", &current);
    assert!(plan.entries.is_empty());
    assert_eq!(
        plan.results[0].error.as_ref().unwrap().code,
        "job_already_current"
    );
    // A job change names one person; a page may not send it for several.
    let two = json!({"kind":"save","source":"job_change","push":"single",
        "prospects":[{"full_name":"Ada Lovelace"},{"full_name":"Alan Turing"}]});
    assert!(parse_content_message(&two).is_err());
}

#[test]
fn hubspot_patches_the_contact_then_notes_the_old_job() {
    let t = team(CrmKind::Hubspot, true);
    let e = entry(&t, "501");
    let contact = |title: &str, company: &str| {
        resp(
            200,
            json!({"id": "501", "properties": {"jobtitle": title, "company": company}}),
        )
    };
    let (req, e, _) = step(&t, &e, contact("Head of Sales", "Initech"));
    assert_eq!(req.method, "GET");
    assert!(
        req.url
            .ends_with("/contacts/501?properties=jobtitle,company"),
        "{}",
        req.url
    );
    let (req, e, _) = step(&t, &e, contact("VP Sales", "Globex"));
    assert_eq!(req.method, "PATCH");
    assert_eq!(
        body(&req),
        json!({"properties": {"jobtitle": "VP Sales", "company": "Globex"}})
    );
    let (req, _, s) = step(&t, &e, resp(201, json!({"id": "9001"})));
    assert!(req.url.ends_with("/notes"), "{}", req.url);
    let note = body(&req);
    let text = note["properties"]["hs_note_body"].as_str().unwrap();
    assert!(
        text.starts_with("Job change: was Head of Sales at Initech"),
        "{text}"
    );
    assert_eq!(note["associations"][0]["to"]["id"], "501");
    assert!(!note.to_string().contains("hubspot_owner_id"));
    let r = done(s);
    assert_eq!(r.status, SaveStatus::Updated);
    assert_eq!(r.activity_id.as_deref(), Some("9001"));
    assert_eq!(r.job_update.unwrap().now.words(), "VP Sales at Globex");

    // The contact already says the new job: a second click sends nothing more.
    let e = entry(&t, "501");
    let (_, _, s) = step(&t, &e, contact("VP Sales", "Globex, Inc."));
    assert_eq!(done(s).activity_id, None);

    // The PATCH's answer was lost: the read sees it landed, and only the note follows.
    let e = entry(&t, "501");
    let (_, e, _) = step(&t, &e, contact("Head of Sales", "Initech"));
    let (sent, _) = next_request(&t, &e, &tokens(Role::TeamSync)).unwrap();
    let (lost, _) = on_response(&t, &sent, &resp(0, json!("reset")), 1_000, 7);
    let (req, e, _) = step(&t, &lost, contact("VP Sales", "Globex"));
    assert_eq!(req.method, "GET");
    let (req, _, _) = next_request(&t, &e, &tokens(Role::TeamSync))
        .map(|(e, r)| (r, e, ()))
        .unwrap();
    assert!(req.url.ends_with("/notes"), "{}", req.url);
}

/// HubSpot: a contact that already shows half of the new job (the new title at the old
/// company, or the old title at the new company) is still patched with the whole job; only
/// the whole job, spelling aside, counts as recorded.
#[test]
fn hubspot_a_contact_with_half_the_new_job_is_still_updated() {
    let t = team(CrmKind::Hubspot, true);
    for (title, company) in [("VP Sales", "Initech"), ("Head of Sales", "Globex")] {
        let e = entry(&t, "501");
        let read = resp(
            200,
            json!({"id": "501", "properties": {"jobtitle": title, "company": company}}),
        );
        let (_, e, s) = step(&t, &e, read);
        assert_eq!(s, Step::Continue, "{title} at {company}");
        let (_, req) = next_request(&t, &e, &tokens(Role::TeamSync)).unwrap();
        assert_eq!(req.method, "PATCH", "{title} at {company}");
        assert_eq!(
            body(&req),
            json!({"properties": {"jobtitle": "VP Sales", "company": "Globex"}})
        );
    }
}

#[test]
fn hubspot_a_lost_note_answer_is_found_by_the_save_id_not_noted_twice() {
    let t = team(CrmKind::Hubspot, true);
    let e = entry(&t, "501");
    let contact = resp(
        200,
        json!({"id": "501", "properties": {"jobtitle": "Head of Sales", "company": "Initech"}}),
    );
    let (_, e, _) = step(&t, &e, contact);
    let patched = resp(
        200,
        json!({"id": "501", "properties": {"jobtitle": "VP Sales", "company": "Globex"}}),
    );
    let (_, e, _) = step(&t, &e, patched.clone());
    // The note is sent and its answer lost.
    let (sent, req) = next_request(&t, &e, &tokens(Role::TeamSync)).unwrap();
    assert!(req.url.ends_with("/notes"));
    let (lost, s) = on_response(&t, &sent, &resp(0, json!("reset")), 1_000, 7);
    assert!(matches!(s, Step::Retry { .. }), "{s:?}");
    // The retry reads the contact with its notes, then the notes' bodies.
    let with_notes = resp(
        200,
        json!({"id": "501", "properties": {"jobtitle": "VP Sales", "company": "Globex"},
            "associations": {"notes": {"results": [{"id": "9001", "type": "contact_to_note"}]}}}),
    );
    let (req, e, s) = step(&t, &lost, with_notes);
    assert!(req.url.ends_with("&associations=notes"), "{}", req.url);
    assert_eq!(s, Step::Continue);
    let body = format!(
        "Job change: was Head of Sales at Initech\nWas: Head of Sales at Initech\nUpdated from LinkedIn {}.",
        saves::job_change::JobUpdate::marker("save-1")
    );
    let found = resp(
        200,
        json!({"status": "COMPLETE", "results": [{"id": "9001", "properties": {"hs_note_body": body}}]}),
    );
    let (req, _, s) = step(&t, &e, found);
    assert!(req.url.ends_with("/notes/batch/read"), "{}", req.url);
    assert_eq!(done(s).activity_id.as_deref(), Some("9001"));

    // Another save's note on the contact is not this one: the note is sent.
    let other = resp(
        200,
        json!({"status": "COMPLETE", "results": [{"id": "9001", "properties": {"hs_note_body": "Job change: was X\nUpdated from LinkedIn with Leadline (save save-0)."}}]}),
    );
    let (_, e, s) = step(&t, &e, other);
    assert_eq!(s, Step::Continue);
    let (req, _, _) = next_request(&t, &e, &tokens(Role::TeamSync))
        .map(|(e, r)| (r, e, ()))
        .unwrap();
    assert!(req.url.ends_with("/notes"), "{}", req.url);
}

#[test]
fn a_company_only_change_that_keeps_the_account_writes_nothing_and_says_why() {
    let t = team(CrmKind::Salesforce, false);
    let msg = json!({"kind":"save","source":"job_change","push":"single",
        "prospects":[{"full_name":"Ada Lovelace","linkedin_url":URL,"company":"Globex"}]});
    let ContentToWorker::Save(click) = parse_content_message(&msg).unwrap() else {
        panic!("not a save")
    };
    // Matching off: refused before any request.
    let plan = plan_save(&t, &click, "save-1", &known(CONTACT_ID));
    assert!(plan.entries.is_empty());
    let err = plan.results[0].error.clone().unwrap();
    assert_eq!(err.code, "job_update_nothing");
    assert!(
        err.message.contains("Account matching is off"),
        "{}",
        err.message
    );
    // Matching on, no Account of that name: refused once the lookup said so, nothing written.
    let on = team(CrmKind::Salesforce, true);
    let plan = plan_save(&on, &click, "save-1", &known(CONTACT_ID));
    let e = plan.entries[0].clone();
    let (_, e, _) = step(&on, &e, query(json!([])));
    let (req, _, s) = step(&on, &e, query(json!([])));
    assert!(soql(&req).contains("FROM Account"), "{}", soql(&req));
    let Step::Failed { result } = s else {
        panic!("not failed: {s:?}")
    };
    let err = result.error.unwrap();
    assert_eq!(err.code, "job_update_nothing");
    assert!(
        err.message
            .starts_with("The page shows no title, and no Account is named Globex"),
        "{}",
        err.message
    );
}

/// Where the words send the rep for Account matching follows who holds the team's settings:
/// Options alone, the team server's push settings with one (the rep cannot change them).
#[test]
fn the_account_matching_hint_names_where_the_setting_lives() {
    let msg = json!({"kind":"save","source":"job_change","push":"single",
        "prospects":[{"full_name":"Ada Lovelace","linkedin_url":URL,"company":"Globex"}]});
    let ContentToWorker::Save(click) = parse_content_message(&msg).unwrap() else {
        panic!("not a save")
    };
    for (mode, place) in [
        (TeamMode::Solo, "in Options"),
        (TeamMode::ServerMember, "in the team server's push settings"),
        (TeamMode::Server, "in the team server's push settings"),
    ] {
        let mut t = team(CrmKind::Salesforce, false);
        t.mode = mode;
        // Nothing to write (no title, the Contact keeps its Account): refused, with the hint.
        let plan = plan_save(&t, &click, "save-1", &known(CONTACT_ID));
        let err = plan.results[0].error.clone().unwrap();
        assert_eq!(err.code, "job_update_nothing");
        assert!(err.hint.contains(place), "{mode:?}: {}", err.hint);
        assert_eq!(
            err.hint.contains("Options"),
            mode == TeamMode::Solo,
            "{mode:?}: {}",
            err.hint
        );
        // A title and a new company, matching off: written, and the note says why the
        // Account stays.
        let e = entry(&t, CONTACT_ID);
        let (_, e, _) = step(&t, &e, query(json!([])));
        let (_, _, s) = step(&t, &e, composite_ok());
        let note = done(s).job_update.unwrap().account_note.unwrap();
        assert!(note.starts_with("Account matching is off"), "{note}");
        assert!(note.contains(place), "{mode:?}: {note}");
        assert_eq!(
            note.contains("Options"),
            mode == TeamMode::Solo,
            "{mode:?}: {note}"
        );
    }
}

/// A new title at the same company, spelled otherwise on the page ("Initech, Inc." for the
/// record's Initech), does not move a Salesforce Contact: no Account lookup, no AccountId in
/// the update, and no note about Account matching, whether matching is on or off.
#[test]
fn a_new_title_at_the_same_company_spelled_otherwise_keeps_the_account_without_a_note() {
    let msg = json!({"kind":"save","source":"job_change","push":"single",
        "prospects":[{"full_name":"Ada Lovelace","linkedin_url":URL,"title":"VP Sales","company":"Initech, Inc."}]});
    let ContentToWorker::Save(click) = parse_content_message(&msg).unwrap() else {
        panic!("not a save")
    };
    for match_account in [true, false] {
        let t = team(CrmKind::Salesforce, match_account);
        let plan = plan_save(&t, &click, "save-1", &known(CONTACT_ID));
        assert_eq!(plan.entries.len(), 1, "{plan:?}");
        let mut e = plan.entries[0].clone();
        e.job_update.as_mut().unwrap().date = "2026-12-03".into();
        let (_, e, _) = step(&t, &e, query(json!([])));
        let (req, _, s) = step(&t, &e, composite_ok());
        assert!(
            req.url.ends_with("/composite"),
            "matching {match_account}: no Account lookup, but {}",
            req.url
        );
        assert_eq!(
            body(&req)["compositeRequest"][0]["body"],
            json!({"Title": "VP Sales"}),
            "matching {match_account}"
        );
        let r = done(s);
        assert_eq!(r.status, SaveStatus::Updated);
        let news = r.job_update.unwrap();
        assert_eq!(news.account_note, None, "matching {match_account}");
        assert!(
            r.reasons.iter().all(|x| !x.contains("Account matching")),
            "{:?}",
            r.reasons
        );
    }
}
