//! The save pipeline driven with plain values: one row per situation, checked against the
//! spec (rules 1, 2, 4) and issue 5 (outbox, refresh, back-off, duplicates, idempotency).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{conn, resp, tokens};

use crm::{HttpResponse, Permission};
use saves::team::{LocalTeam, TeamMode};
use saves::Role;
use saves::{
    next_request, on_refresh_failed, on_response, parse_content_message, parse_save_message,
    plan_save, ContentToWorker, KnownRecords, OutboxEntry, Phase, SaveStatus, Step,
};
use serde_json::{json, Value};

const INTEGRATION: &str = "005000000000001AAA";
const REP: &str = "005000000000002AAA";
const CONTACT_ID: &str = "003000000000001AAA";

/// The team: integration@ connected as team sync, rep@ connected personally.
fn team(personal: bool) -> LocalTeam {
    let mut t = LocalTeam::default();
    t.config.me_email = Some("rep@acme.example".into());
    t.set_connection(conn(
        Role::TeamSync,
        INTEGRATION,
        "integration@acme.example",
        Permission::Admin,
    ));
    if personal {
        t.set_connection(conn(
            Role::Personal,
            REP,
            "rep@acme.example",
            Permission::Standard,
        ));
    } else {
        t.owner_mapping = Some(REP.into());
    }
    t
}

fn save_msg(source: &str, activity: bool) -> saves::SaveRequest {
    let activity = activity.then(|| json!({"kind":"email","subject":"Intro","body":"Hello Ada","date":"2026-11-20","message_id":"m1"}));
    let msg = json!({"kind":"save","source":source,"push":"single","page_url":null,"activity":activity,
        "prospects":[{"full_name":"Ada Lovelace","email":"ada@example.com","linkedin_url":"https://www.linkedin.com/in/ada"}]});
    match parse_content_message(&msg).unwrap() {
        ContentToWorker::Save(s) => s,
        other => panic!("{other:?}"),
    }
}

fn known_absent() -> KnownRecords {
    let mut k = KnownRecords::new();
    k.insert("email:ada@example.com".into(), None);
    k
}

/// Ada known (from a page-load lookup) as the Contact `CONTACT_ID`, owned by `owner`.
fn known_as(owner: &str) -> KnownRecords {
    let mut k = KnownRecords::new();
    k.insert(
        "email:ada@example.com".into(),
        Some(crm::ExistingRecord {
            id: CONTACT_ID.into(),
            object: "Contact".into(),
            owner_id: Some(owner.into()),
            owner_name: None,
            job: None,
        }),
    );
    k
}

fn one_entry(team: &LocalTeam, source: &str, activity: bool, known: &KnownRecords) -> OutboxEntry {
    let plan = plan_save(team, &save_msg(source, activity), "s1", known);
    assert_eq!(plan.entries.len(), 1, "{plan:?}");
    plan.entries[0].clone()
}

fn composite_ok(with_task: bool) -> HttpResponse {
    let mut subs = vec![
        json!({"referenceId":"NewRecord","httpStatusCode":201,"body":{"id":CONTACT_ID,"success":true,"errors":[]}}),
    ];
    if with_task {
        subs.push(json!({"referenceId":"NewActivity","httpStatusCode":201,"body":{"id":"00T000000000001AAA","success":true,"errors":[]}}));
    }
    resp(200, json!({"compositeResponse": subs}))
}

fn composite_error(status: u16, error: Value) -> HttpResponse {
    resp(
        200,
        json!({"compositeResponse":[{"referenceId":"NewRecord","httpStatusCode":status,"body":[error]}]}),
    )
}

fn auth_header(req: &crm::HttpRequest) -> String {
    req.header("Authorization").unwrap_or_default().to_owned()
}

#[test]
fn attribution_table() {
    // (personal connected, source, activity) → (role, created_by, owner, stamped)
    let rows = [
        (
            true,
            "linkedin_extension",
            false,
            Role::TeamSync,
            INTEGRATION,
            REP,
            true,
        ),
        (
            false,
            "linkedin_extension",
            false,
            Role::TeamSync,
            INTEGRATION,
            REP,
            true,
        ),
        (
            true,
            "gmail_extension",
            false,
            Role::Personal,
            REP,
            REP,
            false,
        ),
        (
            true,
            "gmail_extension",
            true,
            Role::Personal,
            REP,
            REP,
            false,
        ),
        (
            false,
            "gmail_extension",
            true,
            Role::TeamSync,
            INTEGRATION,
            REP,
            true,
        ),
    ];
    for (personal, source, activity, role, created_by, owner, stamped) in rows {
        let t = team(personal);
        let e = one_entry(&t, source, activity, &known_absent());
        let row = format!("{personal} {source} {activity}");
        assert_eq!(e.role, role, "{row}");
        assert_eq!(e.created_by.id.as_deref(), Some(created_by), "{row}");
        assert_eq!(e.owner.id.as_deref(), Some(owner), "{row}");
        assert_eq!(e.spec.owner_id.as_deref(), Some(owner), "{row}");
        assert_eq!(e.spec.description.is_some(), stamped, "{row}");
        assert_eq!(e.spec.activity.is_some(), activity, "{row}");
        assert_eq!(
            e.activity_role, None,
            "activities follow the person: same connection ({row})"
        );
        assert!(!e.reasons.is_empty(), "{row}");
        assert_eq!(
            e.phase,
            Phase::Save,
            "a fresh lookup said absent: create at once ({row})"
        );
    }
}

#[test]
fn linkedin_save_is_one_composite_call_with_the_team_token() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (e, req) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert!(
        e.in_flight,
        "persisted as in flight before the request goes out"
    );
    assert_eq!(req.method, "POST");
    assert!(req.url.ends_with("/composite"), "{}", req.url);
    assert_eq!(auth_header(&req), "Bearer TEAM-TOKEN");
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    let record = &body["compositeRequest"][0]["body"];
    assert_eq!(record["OwnerId"], REP);
    assert_eq!(record["LastName"], "Lovelace");
    let (e, step) = on_response(&t, &e, &composite_ok(false), 0, 0);
    let Step::Done { result } = step else {
        panic!("{step:?}")
    };
    assert_eq!(result.status, SaveStatus::Created);
    assert_eq!(result.record_id.as_deref(), Some(CONTACT_ID));
    assert_eq!(result.created_by.id.as_deref(), Some(INTEGRATION));
    assert_eq!(result.owner.id.as_deref(), Some(REP));
    assert!(result.record_url.unwrap().contains(CONTACT_ID));
    assert!(!e.in_flight);
}

#[test]
fn gmail_log_email_is_a_task_under_the_rep() {
    let t = team(true);
    let e = one_entry(&t, "gmail_extension", true, &known_absent());
    let (e, req) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert_eq!(auth_header(&req), "Bearer REP-TOKEN");
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    let task = &body["compositeRequest"][1]["body"];
    assert_eq!(task["TaskSubtype"], "Email");
    assert_eq!(task["OwnerId"], REP);
    let (_, step) = on_response(&t, &e, &composite_ok(true), 0, 0);
    assert!(
        matches!(step, Step::Done { ref result } if result.status == SaveStatus::Created),
        "{step:?}"
    );
}

#[test]
fn already_known_without_activity_is_linked_with_no_call() {
    let t = team(true);
    let known = known_as(REP);
    let plan = plan_save(&t, &save_msg("linkedin_extension", false), "s1", &known);
    assert!(plan.entries.is_empty());
    assert_eq!(plan.results[0].status, SaveStatus::Linked);
    assert_eq!(plan.results[0].record_id.as_deref(), Some(CONTACT_ID));
}

/// The first answer the toast shows carries the decision's warnings, for a person still to
/// send (queued) as for one already in the CRM (linked at once, the final result): a team
/// sync that is not an admin is said on every save it pushes.
#[test]
fn the_first_answer_carries_the_decisions_warnings() {
    let mut t = team(true);
    t.set_connection(conn(
        Role::TeamSync,
        INTEGRATION,
        "integration@acme.example",
        Permission::Standard,
    ));
    let msg = save_msg("linkedin_extension", false);
    for (known, status) in [
        (known_absent(), SaveStatus::Queued),
        (known_as(REP), SaveStatus::Linked),
    ] {
        let plan = plan_save(&t, &msg, "s1", &known);
        let result = &plan.results[0];
        assert_eq!(result.status, status);
        assert_eq!(result.warnings, vec!["team_sync_not_admin"], "{status:?}");
    }
}

/// The reasons a rep reads ("why?") name CRM users by their email, one user's alone, where
/// the directory's display names may repeat; the owner line shows the name.
#[test]
fn reasons_name_crm_users_by_email_and_the_owner_line_by_name() {
    let user = |id: &str, email: &str, name: &str| crm::CrmUser {
        id: id.into(),
        email: Some(email.into()),
        active: true,
        name: Some(name.into()),
    };
    let mut t = team(false);
    t.crm_users = vec![
        user(INTEGRATION, "integration@acme.example", "Ivan Integration"),
        user(REP, "rep@acme.example", "Rita Rep"),
    ];
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    assert!(
        e.reasons
            .contains(&"Owner: your owner mapping (rep@acme.example)".to_owned()),
        "{:?}",
        e.reasons
    );
    assert!(
        !e.reasons.iter().any(|r| r.contains("Rita")),
        "{:?}",
        e.reasons
    );
    assert_eq!(e.owner.name.as_deref(), Some("Rita Rep"));
}

#[test]
fn without_a_fresh_lookup_the_entry_looks_up_first() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &KnownRecords::new());
    assert_eq!(e.phase, Phase::Lookup);
    let (e, req) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert_eq!(req.method, "GET");
    assert!(req.url.contains("/query?q="));
    let found = resp(
        200,
        json!({"totalSize":1,"done":true,"records":[{"Id":CONTACT_ID,"OwnerId":REP,"Owner":{"Name":"Rita"}}]}),
    );
    let (_, step) = on_response(&t, &e, &found, 0, 0);
    assert!(
        matches!(step, Step::Done { ref result } if result.status == SaveStatus::Linked),
        "{step:?}"
    );
    let absent = resp(200, json!({"totalSize":0,"done":true,"records":[]}));
    let (e2, step) = on_response(&t, &e, &absent, 0, 0);
    assert_eq!(step, Step::Continue);
    assert_eq!(e2.phase, Phase::Save);
}

#[test]
fn duplicate_rule_links_instead_of_failing() {
    let t = team(true);
    let e = one_entry(&t, "gmail_extension", true, &known_absent());
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let dup = composite_error(
        400,
        json!({"message":"Use one of these records?","errorCode":"DUPLICATES_DETECTED","fields":[],
        "duplicateResut":{"allowSave":false,"matchResults":[{"matchRecords":[{"record":{"Id":CONTACT_ID}}]}]}}),
    );
    let (e, step) = on_response(&t, &e, &dup, 0, 0);
    assert_eq!(
        step,
        Step::Link {
            existing_id: CONTACT_ID.into()
        }
    );
    // The activity is then logged against the existing record, nothing created.
    let (e, req) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert!(req.url.ends_with("/sobjects/Task"), "{}", req.url);
    let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["WhoId"], CONTACT_ID);
    assert_eq!(body["TaskSubtype"], "Email");
    let task_only = resp(201, json!({"id":"00T1","success":true,"errors":[]}));
    let (_, step) = on_response(&t, &e, &task_only, 0, 0);
    let Step::Done { result } = step else {
        panic!("{step:?}")
    };
    assert_eq!(result.status, SaveStatus::Linked);
    assert!(result
        .warnings
        .contains(&"linked_by_duplicate_rule".to_string()));
}

#[test]
fn expired_session_refreshes_once_then_asks_for_reconnect() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let expired = resp(
        401,
        json!([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]),
    );
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let (e, step) = on_response(&t, &e, &expired, 0, 0);
    assert_eq!(
        step,
        Step::RefreshToken {
            role: Role::TeamSync
        }
    );
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let (e, step) = on_response(&t, &e, &expired, 0, 0);
    let Step::ReconnectNeeded { role, reason } = step else {
        panic!("{step:?}")
    };
    assert_eq!(role, Role::TeamSync);
    assert!(reason.hint.contains("integration@acme.example"));
    assert!(
        e.waiting.is_some(),
        "the save stays in the outbox with a reason"
    );
}

/// A refused team sync refresh (`invalid_grant`, worded "expired access/refresh token" by
/// Salesforce whatever the cause) tells the rep the likely cause, Salesforce's five approvals
/// per user per app (issue 15), besides the fix; a refused personal one only the fix.
#[test]
fn a_refused_team_sync_refresh_names_salesforces_five_sign_ins_limit() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let (waiting, step) = on_refresh_failed(
        &t,
        &e,
        Role::TeamSync,
        "invalid_grant",
        "expired access/refresh token",
    );
    let Step::ReconnectNeeded { role, reason } = step else {
        panic!("{step:?}")
    };
    assert_eq!(role, Role::TeamSync);
    assert_eq!(reason.code, "invalid_grant");
    assert_eq!(reason.message, "expired access/refresh token");
    assert_eq!(
        reason.hint,
        "Reconnect the team sync connection (integration@acme.example) in Options; the save is \
         kept and will finish then. Salesforce keeps at most five sign-ins per user and app: \
         when team sync is connected as integration@acme.example a sixth time (in another \
         browser, say), the oldest of them is disconnected (an admin revoking the app does the \
         same)."
    );
    assert_eq!(waiting.waiting, Some(reason));

    let (_, step) = on_refresh_failed(&t, &e, Role::Personal, "invalid_grant", "expired");
    let Step::ReconnectNeeded { reason, .. } = step else {
        panic!("{step:?}")
    };
    assert_eq!(
        reason.hint,
        "Reconnect your connection (rep@acme.example) in Options; the save is kept and will finish then."
    );
}

/// With a team server, the team's connection is the server's: the rep (or the admin reading
/// the server's log) is sent to the server's admin page, never to Options, which cannot
/// reconnect it; the rep's own connection is still reconnected in Options.
#[test]
fn a_refused_team_sync_with_a_team_server_names_the_servers_admin_page() {
    for mode in [TeamMode::ServerMember, TeamMode::Server] {
        let mut t = team(true);
        t.mode = mode;
        let e = one_entry(&t, "linkedin_extension", false, &known_absent());
        let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
        let (_, step) = on_refresh_failed(&t, &e, Role::TeamSync, "invalid_grant", "expired");
        let Step::ReconnectNeeded { reason, .. } = step else {
            panic!("{step:?}")
        };
        assert!(
            reason.hint.starts_with(
                "Your admin reconnects team sync on the team server's admin page; the save is kept and will finish then."
            ),
            "{mode:?}: {}",
            reason.hint
        );
        assert!(
            !reason.hint.contains("Options"),
            "{mode:?}: {}",
            reason.hint
        );
        let (_, step) = on_refresh_failed(&t, &e, Role::Personal, "invalid_grant", "expired");
        let Step::ReconnectNeeded { reason, .. } = step else {
            panic!("{step:?}")
        };
        assert_eq!(
            reason.hint,
            "Reconnect your connection (rep@acme.example) in Options; the save is kept and will finish then.",
            "{mode:?}"
        );
    }
}

#[test]
fn busy_crm_backs_off_and_a_network_failure_dedupes_before_recreating() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let busy = resp(
        503,
        json!([{"message":"Server busy","errorCode":"SERVER_UNAVAILABLE"}]),
    );
    let (e, step) = on_response(&t, &e, &busy, 10_000, 0);
    let Step::Retry { after_ms, .. } = step else {
        panic!("{step:?}")
    };
    assert!((1_000..=2_000).contains(&after_ms));
    assert_eq!(e.attempts, 1);
    assert_eq!(e.next_at_ms, 10_000 + after_ms);
    assert_eq!(
        e.phase,
        Phase::Save,
        "a 503 answer means nothing was created"
    );

    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let offline = HttpResponse {
        status: 0,
        headers: vec![],
        body: "Failed to fetch".into(),
    };
    let (e, step) = on_response(&t, &e, &offline, 20_000, 0);
    assert!(matches!(step, Step::Retry { .. }), "{step:?}");
    let (_, req) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert_eq!(
        req.method, "GET",
        "unknown outcome: look the person up before creating again"
    );
}

#[test]
fn a_crash_mid_request_resumes_with_a_lookup() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (persisted, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    // The worker died here: the stored entry is in flight; the restarted worker resumes it.
    let stored: OutboxEntry =
        serde_json::from_value(serde_json::to_value(&persisted).unwrap()).unwrap();
    let (e, req) = next_request(&t, &stored, &tokens(stored.role)).unwrap();
    assert_eq!(e.phase, Phase::Lookup);
    assert!(req.url.contains("/query?q="));
    let found = resp(
        200,
        json!({"totalSize":1,"done":true,"records":[{"Id":CONTACT_ID,"OwnerId":REP}]}),
    );
    let (_, step) = on_response(&t, &e, &found, 0, 0);
    assert!(
        matches!(step, Step::Done { ref result } if result.status == SaveStatus::Linked),
        "{step:?}"
    );
}

#[test]
fn refused_owner_falls_back_to_the_pushing_user_with_a_reason() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let inactive = composite_error(
        400,
        json!({"message":"operation performed with inactive user","errorCode":"INACTIVE_OWNER_OR_USER","fields":["OwnerId"]}),
    );
    let (e, step) = on_response(&t, &e, &inactive, 0, 0);
    assert_eq!(step, Step::Continue);
    assert_eq!(e.spec.owner_id.as_deref(), Some(INTEGRATION));
    assert!(e.warnings.contains(&"owner_fallback".to_string()));
    assert!(e.reasons.last().unwrap().contains("INACTIVE_OWNER_OR_USER"));
    // A second refusal does not loop.
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let (_, step) = on_response(&t, &e, &inactive, 0, 0);
    assert!(matches!(step, Step::Failed { .. }), "{step:?}");
}

#[test]
fn a_linked_person_shows_the_records_own_owner_and_no_created_by() {
    // Someone else's Contact: the toast must not claim the rep owns it or that team sync
    // created it (the page's badge already showed its real owner).
    const OTHER: &str = "005000000000009AAA";
    let t = team(true);
    // Known from the page-load lookup, nothing to log: linked with no call.
    let known = known_as(OTHER);
    let plan = plan_save(&t, &save_msg("linkedin_extension", false), "s1", &known);
    let r = &plan.results[0];
    assert_eq!(r.status, SaveStatus::Linked);
    assert_eq!(r.owner.id.as_deref(), Some(OTHER));
    assert_eq!(r.created_by.id, None);
    // Found by the save's own lookup.
    let e = one_entry(&t, "linkedin_extension", false, &KnownRecords::new());
    let (sent, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert_eq!(sent.phase, Phase::Lookup);
    let found = resp(
        200,
        json!({"totalSize": 1, "done": true,
        "records": [{"Id": CONTACT_ID, "OwnerId": OTHER, "Owner": {"Name": "Olga Other"}}]}),
    );
    let (_, step) = on_response(&t, &sent, &found, 0, 0);
    let Step::Done { result } = step else {
        panic!("{step:?}")
    };
    assert_eq!(result.status, SaveStatus::Linked);
    assert_eq!(result.owner.id.as_deref(), Some(OTHER));
    assert_eq!(result.created_by.id, None);
}

#[test]
fn a_refused_mapped_owner_falls_to_the_reps_own_user_then_to_the_pushing_user() {
    // Rules 4 and 6: the mapping's user is refused (inactive in the CRM, unknown to the
    // directory) → the rep's personal CRM user, not straight to the integration user; if that
    // is refused too → the pushing user; then it fails instead of looping.
    const MAPPED: &str = "005000000000003AAA";
    let mut t = team(true);
    t.owner_mapping = Some(MAPPED.into());
    // The directory lists the mapped user as active (it was when it was last read), after
    // another user: the refusal marks exactly that user inactive.
    let user = |id: &str| crm::CrmUser {
        id: id.into(),
        email: None,
        active: true,
        name: None,
    };
    t.crm_users = vec![user(INTEGRATION), user(MAPPED)];
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    assert_eq!(e.spec.owner_id.as_deref(), Some(MAPPED));
    let inactive = composite_error(
        400,
        json!({"message":"operation performed with inactive user","errorCode":"INACTIVE_OWNER_OR_USER","fields":["OwnerId"]}),
    );
    let mut e = e;
    for expected in [REP, INTEGRATION] {
        let (sent, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
        let (next, step) = on_response(&t, &sent, &inactive, 0, 0);
        assert_eq!(step, Step::Continue);
        assert_eq!(next.spec.owner_id.as_deref(), Some(expected));
        assert_eq!(next.owner.id.as_deref(), Some(expected));
        e = next;
    }
    assert!(
        e.reasons
            .iter()
            .any(|r| r.contains("next owner by the rules")),
        "{:?}",
        e.reasons
    );
    let (sent, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let (_, step) = on_response(&t, &sent, &inactive, 0, 0);
    assert!(matches!(step, Step::Failed { .. }), "{step:?}");
}

#[test]
fn a_reference_error_on_another_field_is_not_an_owner_refusal() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (sent, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let bad_account = composite_error(
        400,
        json!({"message":"invalid cross reference id","errorCode":"INVALID_CROSS_REFERENCE_KEY","fields":["AccountId"]}),
    );
    let (e, step) = on_response(&t, &sent, &bad_account, 0, 0);
    let Step::Failed { result } = step else {
        panic!("{step:?}")
    };
    assert_eq!(e.spec.owner_id.as_deref(), Some(REP), "the owner is kept");
    // The CRM's own hint for the code, not the one about access rights.
    let hint = result.error.unwrap().hint;
    assert!(
        hint.starts_with("The chosen owner or related record does not exist"),
        "{hint}"
    );
}

#[test]
fn insufficient_access_names_the_connection_and_object() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let denied = composite_error(
        400,
        json!({"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","fields":[]}),
    );
    let (_, step) = on_response(&t, &e, &denied, 0, 0);
    let Step::Failed { result } = step else {
        panic!("{step:?}")
    };
    let err = result.error.unwrap();
    assert_eq!(err.code, "INSUFFICIENT_ACCESS_OR_READONLY");
    assert_eq!(err.message, "insufficient access rights on object id");
    assert_eq!(
        err.hint,
        "The team sync connection (integration@acme.example) may not create Contact records: \
         ask your admin for access, or for another team sync user."
    );
}

#[test]
fn no_connection_fails_with_a_hint() {
    let t = LocalTeam::default();
    let plan = plan_save(
        &t,
        &save_msg("linkedin_extension", false),
        "s1",
        &known_absent(),
    );
    assert!(plan.entries.is_empty());
    let err = plan.results[0].error.clone().unwrap();
    assert_eq!(err.code, "no_credentials");
    assert!(err.hint.contains("Options"));
}

/// Account matching (Salesforce Contacts, setting on): one row per situation.
mod account_matching {
    use super::*;
    use saves::undo::undo_record;

    const ACCOUNT: &str = "001000000000001AAA";

    fn with_company(match_account: bool, record_kind: crm::RecordKind) -> (LocalTeam, OutboxEntry) {
        let mut t = team(true);
        t.settings.match_account = match_account;
        t.settings.record_kind = record_kind;
        let msg = json!({"kind":"save","source":"linkedin_extension","push":"single","page_url":null,"activity":null,
            "prospects":[{"full_name":"Ada Lovelace","email":"ada@example.com","company":"Analytical Engines"}]});
        let ContentToWorker::Save(save) = parse_content_message(&msg).unwrap() else {
            panic!()
        };
        let plan = plan_save(&t, &save, "s1", &known_absent());
        (t, plan.entries[0].clone())
    }

    fn query_answer(ids: &[&str]) -> HttpResponse {
        let records: Vec<Value> = ids
            .iter()
            .map(|id| json!({"Id": id, "Name": "Analytical Engines"}))
            .collect();
        resp(
            200,
            json!({"totalSize": records.len(), "done": true, "records": records}),
        )
    }

    /// The Composite body's subrequests.
    fn subrequests(req: &crm::HttpRequest) -> Vec<Value> {
        let body: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        body["compositeRequest"].as_array().unwrap().clone()
    }

    /// Runs the Account lookup with `answer`; the entry and request of the save after it.
    fn after_lookup(
        t: &LocalTeam,
        e: &OutboxEntry,
        answer: &HttpResponse,
    ) -> (OutboxEntry, crm::HttpRequest) {
        let (sent, req) = next_request(t, e, &tokens(Role::TeamSync)).unwrap();
        assert_eq!(sent.phase, Phase::Account);
        assert!(
            crm::http::percent_decode(&req.url)
                .contains("FROM Account WHERE Name = 'Analytical Engines'"),
            "{}",
            req.url
        );
        let (e, step) = on_response(t, &sent, answer, 0, 0);
        assert!(matches!(step, Step::Continue), "{step:?}");
        next_request(t, &e, &tokens(Role::TeamSync)).unwrap()
    }

    #[test]
    fn off_or_lead_means_no_account_query() {
        for (on, kind) in [
            (false, crm::RecordKind::Contact),
            (true, crm::RecordKind::Lead),
        ] {
            let (t, e) = with_company(on, kind);
            let (sent, req) = next_request(&t, &e, &tokens(Role::TeamSync)).unwrap();
            assert_eq!(sent.phase, Phase::Save, "{on} {kind:?}");
            assert!(req.url.ends_with("/composite"));
            let subs = subrequests(&req);
            assert_eq!(subs.len(), 1);
            assert!(subs[0]["body"].get("AccountId").is_none());
        }
    }

    #[test]
    fn no_account_of_that_name_creates_it_in_the_save_call_and_undo_deletes_it_last() {
        let (t, e) = with_company(true, crm::RecordKind::Contact);
        let (sent, save) = after_lookup(&t, &e, &query_answer(&[]));
        let subs = subrequests(&save);
        assert_eq!(subs[0]["referenceId"], "NewAccount");
        assert_eq!(subs[0]["body"]["Name"], "Analytical Engines");
        assert_eq!(subs[0]["body"]["OwnerId"], REP, "owned like the Contact");
        assert_eq!(subs[1]["body"]["AccountId"], "@{NewAccount.id}");
        assert!(subs[1]["body"]["Description"]
            .as_str()
            .is_none_or(|d| !d.contains("Company:")));
        let answer = resp(
            200,
            json!({"compositeResponse": [
            {"referenceId": "NewAccount", "httpStatusCode": 201, "body": {"id": ACCOUNT, "success": true, "errors": []}},
            {"referenceId": "NewRecord", "httpStatusCode": 201, "body": {"id": CONTACT_ID, "success": true, "errors": []}}]}),
        );
        let (e, step) = on_response(&t, &sent, &answer, 0, 0);
        let Step::Done { result } = step else {
            panic!("{step:?}")
        };
        assert_eq!(result.status, SaveStatus::Created);
        assert_eq!(result.account_id.as_deref(), Some(ACCOUNT));
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("Created the Account \"Analytical Engines\"")),
            "{:?}",
            result.reasons
        );
        let undo = undo_record(&t, &[e], &[result], "s1", 0).unwrap();
        let order: Vec<&str> = undo.items.iter().map(|i| i.object.as_str()).collect();
        assert_eq!(
            order,
            ["Contact", "Account"],
            "the Contact before its Account"
        );
    }

    #[test]
    fn exactly_one_account_is_linked_by_id() {
        let (t, e) = with_company(true, crm::RecordKind::Contact);
        let (_, save) = after_lookup(&t, &e, &query_answer(&[ACCOUNT]));
        let subs = subrequests(&save);
        assert_eq!(subs.len(), 1, "no Account created");
        assert_eq!(subs[0]["body"]["AccountId"], ACCOUNT);
    }

    #[test]
    fn several_accounts_of_that_name_leave_the_contact_unlinked_and_say_why() {
        let (t, e) = with_company(true, crm::RecordKind::Contact);
        let (sent, save) = after_lookup(&t, &e, &query_answer(&[ACCOUNT, "001000000000002AAA"]));
        let subs = subrequests(&save);
        assert_eq!(subs.len(), 1);
        assert!(subs[0]["body"].get("AccountId").is_none());
        assert!(subs[0]["body"]["Description"]
            .as_str()
            .unwrap()
            .contains("Company: Analytical Engines"));
        let (_, step) = on_response(&t, &sent, &composite_ok(false), 0, 0);
        let Step::Done { result } = step else {
            panic!("{step:?}")
        };
        assert!(result.warnings.contains(&"account_ambiguous".to_string()));
        assert!(result.reasons.iter().any(|r| r.contains("does not guess")));
    }

    #[test]
    fn an_account_duplicate_rule_links_the_existing_account_and_saves_again() {
        let (t, e) = with_company(true, crm::RecordKind::Contact);
        let (sent, _) = after_lookup(&t, &e, &query_answer(&[]));
        let refused = resp(
            200,
            json!({"compositeResponse": [
            {"referenceId": "NewAccount", "httpStatusCode": 400, "body": [{"errorCode": "DUPLICATES_DETECTED",
                "message": "Use one of these records?", "duplicateResult": {"matchResults": [{"matchRecords": [{"record": {"Id": ACCOUNT}}]}]}}]},
            {"referenceId": "NewRecord", "httpStatusCode": 400, "body": [{"errorCode": "PROCESSING_HALTED", "message": "halted"}]}]}),
        );
        let (e, step) = on_response(&t, &sent, &refused, 0, 0);
        assert!(
            matches!(step, Step::Continue),
            "not linked to the Account as if it were the person: {step:?}"
        );
        assert_eq!(e.record_id, None);
        let (_, again) = next_request(&t, &e, &tokens(Role::TeamSync)).unwrap();
        let subs = subrequests(&again);
        assert_eq!(subs.len(), 1);
        assert_eq!(subs[0]["body"]["AccountId"], ACCOUNT);
    }
}

/// A person the worker refuses before any request (no name to save) fails in their place in
/// the message with the reason, and a hint that fits where the save started: the page, the
/// popup's "Add a person", the import page or "Update in CRM". The others are still queued.
#[test]
fn a_refused_person_is_told_what_to_do_where_the_save_started() {
    let t = team(true);
    for (source, hint) in [
        (
            "linkedin_extension",
            "Open the person's profile and save from there",
        ),
        (
            "gmail_extension",
            "Open the person's profile and save from there",
        ),
        ("manual", "Fill in the last name and add the person again."),
        ("csv_import", "Fix the row in the file and import it again."),
    ] {
        let msg = json!({"kind":"save","source":source,"push":"single",
            "prospects":[{"full_name":"LinkedIn Member"},
                {"full_name":"Ada Lovelace","email":"ada@example.com"}]});
        let ContentToWorker::Save(save) = parse_save_message(&msg).unwrap() else {
            panic!("not a save")
        };
        let plan = plan_save(&t, &save, "s1", &known_absent());
        assert_eq!(plan.entries.len(), 1, "{source}: Ada is saved");
        let refused = &plan.results[0];
        assert_eq!(refused.status, SaveStatus::Failed, "{source}");
        let err = refused.error.as_ref().unwrap();
        assert_eq!(err.code, "invalid_prospect");
        assert!(err.message.contains("private"), "{source}: {}", err.message);
        assert!(err.hint.starts_with(hint), "{source}: {}", err.hint);
        assert_eq!(plan.results[1].status, SaveStatus::Queued, "{source}");
        assert_eq!(plan.results[1].name, "Ada Lovelace");
    }
    // "Update in CRM" names one person: a profile without a name is refused with its hint.
    let msg = json!({"kind":"save","source":"job_change","push":"single",
        "prospects":[{"full_name":"LinkedIn Member"}]});
    let ContentToWorker::Save(save) = parse_save_message(&msg).unwrap() else {
        panic!("not a save")
    };
    let plan = plan_save(&t, &save, "s1", &KnownRecords::new());
    assert!(plan.entries.is_empty());
    assert_eq!(
        plan.results[0].error.as_ref().unwrap().hint,
        "Reload the profile and click Update in CRM again."
    );
}

/// Rule 2 with rule 1: a LinkedIn save of a person already in the CRM, with an e-mail to log,
/// logs it under the rep's own connection though LinkedIn saves go under team sync. The worker
/// is told to send it with the rep's token, and an expired session asks to refresh that one.
#[test]
fn an_activity_on_a_linkedin_save_goes_with_the_reps_own_token() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", true, &known_as(REP));
    assert_eq!(e.phase, Phase::Activity, "the person is known: log at once");
    assert_eq!(e.role, Role::TeamSync, "rule 1: the person under team sync");
    let team_json = serde_json::to_value(&t).unwrap();
    let tokens = json!({"team_sync": tokens(Role::TeamSync), "personal": tokens(Role::Personal)});
    let next = saves::api::next_request(&team_json, &serde_json::to_value(&e).unwrap(), &tokens);
    assert_eq!(next["ok"], true, "{next}");
    assert_eq!(next["role"], "personal", "{next}");
    let req: crm::HttpRequest = serde_json::from_value(next["request"].clone()).unwrap();
    assert_eq!(auth_header(&req), "Bearer REP-TOKEN");
    let expired = resp(
        401,
        json!([{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]),
    );
    let sent: OutboxEntry = serde_json::from_value(next["entry"].clone()).unwrap();
    let (_, step) = on_response(&t, &sent, &expired, 0, 0);
    assert_eq!(
        step,
        Step::RefreshToken {
            role: Role::Personal
        }
    );
}

/// A new person saved under team sync, whose e-mail the rep's own connection logs: the create
/// carries no Task (it would be logged under team sync); the Task is its own call, with the
/// rep's token.
#[test]
fn a_new_persons_create_leaves_the_reps_activity_to_its_own_call() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", true, &known_absent());
    assert_eq!(
        (e.role, e.activity_role),
        (Role::TeamSync, Some(Role::Personal))
    );
    let (_, create) = next_request(&t, &e, &tokens(e.role)).unwrap();
    assert_eq!(auth_header(&create), "Bearer TEAM-TOKEN");
    let body = create.body.clone().unwrap_or_default();
    assert!(!body.contains("Task"), "{body}");
}

/// The worker reports a refresh that failed for good through the JSON API: the save waits for
/// a reconnect of that connection, with the CRM's code and words, or, when the worker has
/// none to pass on, with `invalid_grant` and a sentence of the core's own.
#[test]
fn a_failed_refresh_reported_by_the_worker_waits_for_a_reconnect() {
    let t = team(true);
    let e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let (e, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
    let team_json = serde_json::to_value(&t).unwrap();
    let entry_json = serde_json::to_value(&e).unwrap();
    for (error, code, message) in [
        (
            json!({"code": "invalid_grant", "message": "expired access/refresh token"}),
            "invalid_grant",
            "expired access/refresh token",
        ),
        (
            json!({}),
            "invalid_grant",
            "The CRM refused to renew the session.",
        ),
    ] {
        let out =
            saves::api::on_refresh_failed(&team_json, &entry_json, &json!("team_sync"), &error);
        assert_eq!(out["ok"], true, "{out}");
        let step: Step = serde_json::from_value(out["step"].clone()).unwrap();
        let Step::ReconnectNeeded { role, reason } = step else {
            panic!("{step:?}")
        };
        assert_eq!(role, Role::TeamSync);
        assert_eq!(
            (reason.code.as_str(), reason.message.as_str()),
            (code, message)
        );
        let waiting: OutboxEntry = serde_json::from_value(out["entry"].clone()).unwrap();
        assert_eq!(waiting.waiting, Some(reason));
    }
}

/// A CRM that stays busy is not retried forever: after `MAX_ATTEMPTS` answers of 503 the save
/// fails with the CRM's code, and the rep sees it in the toast and the error log.
#[test]
fn a_crm_that_stays_busy_fails_the_save_after_the_last_attempt() {
    let t = team(true);
    let mut e = one_entry(&t, "linkedin_extension", false, &known_absent());
    let busy = resp(
        503,
        json!([{"message":"Server busy","errorCode":"SERVER_UNAVAILABLE"}]),
    );
    for attempt in 1..=saves::outbox::backoff::MAX_ATTEMPTS {
        let (sent, _) = next_request(&t, &e, &tokens(e.role)).unwrap();
        let (next, step) = on_response(&t, &sent, &busy, 0, 0);
        if attempt < saves::outbox::backoff::MAX_ATTEMPTS {
            assert!(matches!(step, Step::Retry { .. }), "{attempt}: {step:?}");
            e = next;
            continue;
        }
        let Step::Failed { result } = step else {
            panic!("attempt {attempt}: {step:?}")
        };
        assert_eq!(result.status, SaveStatus::Failed);
        assert_eq!(result.error.unwrap().code, "SERVER_UNAVAILABLE");
    }
}
