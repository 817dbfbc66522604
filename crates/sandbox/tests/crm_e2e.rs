//! End to end with the protocol crate `crm`: its requests executed against the sandbox, its
//! parsers reading the sandbox's answers. A single save is exactly one HTTP request, and every
//! error code the product maps is produced here and parsed by the crate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{query_param, Harness};
use crm::salesforce::{self, oauth, LoginHost, SfSession};
use crm::{
    ActivityKind, ActivityLog, CrmError, Prospect, RecordKind, RecordKindExt, Retry, SaveSpec,
};
use serde_json::json;

fn session(h: &Harness, user: &str) -> SfSession {
    SfSession::new(h.url(), h.sf_login(user))
}

fn spec(record: RecordKind, last: &str, email: &str, owner: Option<String>) -> SaveSpec {
    SaveSpec {
        record,
        prospect: Prospect {
            first_name: Some("Ada".into()),
            last_name: last.into(),
            email: Some(email.into()),
            title: Some("CTO".into()),
            company: Some("Analytical Engines".into()),
            linkedin_url: Some("https://www.linkedin.com/in/ada-lovelace/".into()),
            ..Prospect::default()
        },
        owner_id: owner,
        existing_id: None,
        activity: Some(ActivityLog {
            kind: ActivityKind::Email,
            subject: "Intro".into(),
            body: "Hello Ada".into(),
            date: "2026-03-01".into(),
        }),
        description: None,
        account_id: None,
        new_account: None,
    }
}

fn save(h: &Harness, session: &SfSession, spec: &SaveSpec) -> Result<crm::SaveOutcome, CrmError> {
    let request = salesforce::save::save_request(session, spec)?.expect("something to send");
    salesforce::save::parse_save_response(spec, &h.execute(&request))
}

fn api_code(result: Result<crm::SaveOutcome, CrmError>) -> (String, CrmError) {
    match result {
        Err(CrmError::Api(e)) => (e.code.clone(), CrmError::Api(e)),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn a_single_save_is_exactly_one_request_and_keeps_the_chosen_owner() {
    let h = Harness::start();
    let session = session(&h, "rep@acme.example");
    let rep2 = h.sf_user_id("rep2@acme.example");
    for kind in [RecordKind::Contact, RecordKind::Lead] {
        h.admin("POST", "reset-counts", json!({}));
        let email = format!("ada.{}@example.com", kind.sobject().to_lowercase());
        let outcome = save(
            &h,
            &session,
            &spec(kind, "Lovelace", &email, Some(rep2.clone())),
        )
        .unwrap();
        let counts = h.admin("GET", "counts", json!({}));
        assert_eq!(counts["total"], 1, "{counts}");
        assert_eq!(counts["POST /services/data/vXX.X/composite"], 1);
        assert!(outcome.created);
        let record = h.record(kind.sobject(), &outcome.record_id);
        assert_eq!(
            record["OwnerId"],
            rep2.as_str(),
            "{kind:?}: the assignment rule must not override the owner"
        );
        assert_eq!(record["CreatedById"], h.sf_user_id("rep@acme.example"));
        assert_eq!(
            record["LinkedIn_URL__c"],
            "https://www.linkedin.com/in/ada-lovelace/"
        );
        let task = h
            .records("Task")
            .into_iter()
            .find(|t| Some(t["Id"].as_str().unwrap()) == outcome.activity_id.as_deref())
            .unwrap();
        assert_eq!(
            (task["WhoId"].as_str(), task["TaskSubtype"].as_str()),
            (Some(outcome.record_id.as_str()), Some("Email"))
        );
    }
}

#[test]
fn a_contact_is_linked_to_its_account_created_in_the_same_call_or_found_by_name() {
    use salesforce::account::{account_lookup_request, parse_account_lookup, AccountMatch};
    let h = Harness::start();
    let session = session(&h, "rep@acme.example");
    let rep = h.sf_user_id("rep@acme.example");
    let lookup = |name: &str| {
        parse_account_lookup(&h.execute(&account_lookup_request(&session, name).unwrap())).unwrap()
    };
    assert_eq!(lookup("Analytical Engines"), AccountMatch::None);

    // No Account yet: ONE Composite call creates it and the Contact that references it.
    h.admin("POST", "reset-counts", json!({}));
    let mut first = spec(
        RecordKind::Contact,
        "Lovelace",
        "ada.acct@example.com",
        Some(rep.clone()),
    );
    first.new_account = Some("Analytical Engines".into());
    let request = salesforce::save::save_request(&session, &first)
        .unwrap()
        .unwrap();
    let answer = h.execute(&request);
    let outcome = salesforce::save::parse_save_response(&first, &answer).unwrap();
    assert_eq!(h.admin("GET", "counts", json!({}))["total"], 1);
    let account_id = salesforce::save::created_account_id(&answer).expect("the Account's id");
    let contact = h.record("Contact", &outcome.record_id);
    assert_eq!(contact["AccountId"], account_id.as_str());
    assert!(
        !contact["Description"]
            .as_str()
            .unwrap_or_default()
            .contains("Company:"),
        "a linked Contact does not repeat the company in its description"
    );
    let account = h.record("Account", &account_id);
    assert_eq!(account["Name"], "Analytical Engines");
    assert_eq!(account["OwnerId"], rep.as_str());

    // Found by name now (case-insensitively, as Salesforce compares): a plain AccountId.
    assert_eq!(
        lookup("analytical engines"),
        AccountMatch::One(account_id.clone())
    );
    let mut second = spec(
        RecordKind::Contact,
        "Byron",
        "byron.acct@example.com",
        Some(rep),
    );
    second.account_id = Some(account_id.clone());
    let outcome = save(&h, &session, &second).unwrap();
    let contact = h.record("Contact", &outcome.record_id);
    assert_eq!(contact["AccountId"], account_id.as_str());
    assert_eq!(
        h.records("Account")
            .iter()
            .filter(|a| a["Name"] == "Analytical Engines")
            .count(),
        1,
        "no second Account"
    );

    // Two Accounts of one name: ambiguous, never a guess.
    let dup = h.sf_create(
        &h.sf_login("rep@acme.example"),
        "Account",
        json!({"Name": "Analytical Engines"}),
        &[],
    );
    assert_eq!(dup.status, 201, "{}", dup.body);
    assert_eq!(lookup("Analytical Engines"), AccountMatch::Ambiguous);
}

#[test]
fn lookup_users_identity_and_permission_round_trips() {
    let h = Harness::start();
    let session = session(&h, "rep@acme.example");
    let created = save(
        &h,
        &session,
        &spec(
            RecordKind::Contact,
            "O'Brien",
            "o'brien+x@example.com",
            None,
        ),
    )
    .unwrap();
    let lookup = salesforce::lookup::lookup_request(
        &session,
        RecordKind::Contact,
        Some("O'Brien+X@example.com"),
        None,
    )
    .unwrap()
    .unwrap();
    let found = salesforce::lookup::parse_lookup(RecordKind::Contact, &h.execute(&lookup))
        .unwrap()
        .unwrap();
    assert_eq!(found.id, created.record_id);
    assert_eq!(found.owner_name.as_deref(), Some("Rita Rep"));
    let by_url = salesforce::lookup::lookup_request(
        &session,
        RecordKind::Contact,
        None,
        Some("https://www.linkedin.com/in/ada-lovelace"),
    )
    .unwrap()
    .unwrap();
    let found = salesforce::lookup::parse_lookup(RecordKind::Contact, &h.execute(&by_url)).unwrap();
    assert_eq!(found.map(|f| f.id), Some(created.record_id));
    let users =
        salesforce::users::parse_users(&h.execute(&salesforce::users::users_request(&session)))
            .unwrap();
    assert_eq!(users.users.len(), 9);
    assert!(users
        .users
        .iter()
        .any(|u| u.email.as_deref() == Some("gone@acme.example") && !u.active));
    for (user, admin) in [("admin@acme.example", true), ("rep@acme.example", false)] {
        let s = SfSession::new(h.url(), h.sf_login(user));
        let request = salesforce::permission::permission_request(&s, &h.sf_user_id(user)).unwrap();
        let facts =
            salesforce::permission::parse_permission_response(&h.execute(&request)).unwrap();
        let level = salesforce::permission::decide_permission(&facts);
        assert_eq!(
            level == crm::Permission::Admin,
            admin,
            "{user}: {level:?} from {facts:?}"
        );
    }
}

#[test]
fn oauth_with_the_crates_pkce_then_identity_refresh_and_revoke() {
    let h = Harness::start();
    let host = LoginHost::MyDomain(h.url());
    let verifier = crm::pkce::verifier_from_random(&[7u8; 32]);
    let redirect = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/";
    let url = oauth::authorize_url(&oauth::AuthorizeParams {
        login_host: host.clone(),
        client_id: "leadline-sandbox-client".into(),
        redirect_uri: redirect.into(),
        code_challenge: crm::pkce::challenge_s256(&verifier),
        state: crm::pkce::state_from_random(&[9u8; 16]),
        scope: String::new(),
    })
    .unwrap();
    let location = h.authorize(
        url.trim_start_matches(&h.url()),
        "rep2@acme.example",
        "allow",
    );
    let code = query_param(&location, "code").unwrap();
    let exchange =
        oauth::code_exchange_request(&host, "leadline-sandbox-client", redirect, &code, &verifier)
            .unwrap();
    let token = oauth::parse_token_response(&h.execute(&exchange)).unwrap();
    assert_eq!(token.instance_url, h.url());
    assert_eq!(
        token.user_id(),
        Some(h.sf_user_id("rep2@acme.example").as_str())
    );
    let identity_request = salesforce::identity::identity_request(&token.session(), &token.id);
    let identity = salesforce::identity::parse_identity(&h.execute(&identity_request)).unwrap();
    assert_eq!(identity.username, "rep2@acme.example");
    assert_eq!(identity.display_name.as_deref(), Some("Remy Rep"));
    assert_eq!(identity.org_id, sandbox::seed::org_id());
    let refresh = token.refresh_token.clone().unwrap();
    let refreshed = oauth::parse_token_response(
        &h.execute(&oauth::refresh_request(&host, "leadline-sandbox-client", &refresh).unwrap()),
    )
    .unwrap();
    assert_ne!(refreshed.access_token, token.access_token);
    oauth::parse_revoke_response(&h.execute(&oauth::revoke_request(&host, &refresh).unwrap()))
        .unwrap();
    let again = oauth::parse_token_response(
        &h.execute(&oauth::refresh_request(&host, "leadline-sandbox-client", &refresh).unwrap()),
    );
    assert!(
        matches!(again, Err(CrmError::Api(ref e)) if e.code == "invalid_grant"),
        "{again:?}"
    );
}

/// Every listed error code: produced by the sandbox, parsed by the crate (one row each).
#[test]
fn every_listed_error_code_is_produced_and_parsed() {
    let h = Harness::start();
    let rep = session(&h, "rep@acme.example");
    let readonly = session(&h, "readonly@acme.example");
    let unknown_owner = "005Hs0000000999".to_string();
    let gone = h.sf_user_id("gone@acme.example");

    // Through the crate's own save request.
    let rows: Vec<(&str, &SfSession, SaveSpec, &str)> = vec![
        (
            "read-only user",
            &readonly,
            spec(RecordKind::Contact, "A", "a1@example.com", None),
            "INSUFFICIENT_ACCESS_OR_READONLY",
        ),
        (
            "unknown owner",
            &rep,
            spec(
                RecordKind::Contact,
                "B",
                "b1@example.com",
                Some(unknown_owner),
            ),
            "INVALID_CROSS_REFERENCE_KEY",
        ),
        (
            "inactive owner",
            &rep,
            spec(RecordKind::Lead, "C", "c1@example.com", Some(gone)),
            "INACTIVE_OWNER_OR_USER",
        ),
    ];
    for (situation, session, spec, code) in rows {
        let (got, _) = api_code(save(&h, session, &spec));
        assert_eq!(got, code, "{situation}");
    }
    // DUPLICATES_DETECTED carries the matched id into `duplicate_ids`.
    let first = save(
        &h,
        &rep,
        &spec(RecordKind::Contact, "D", "dup@example.com", None),
    )
    .unwrap();
    let (code, err) = api_code(save(
        &h,
        &rep,
        &spec(RecordKind::Contact, "D2", "DUP@example.com", None),
    ));
    assert_eq!(code, "DUPLICATES_DETECTED");
    let CrmError::Api(api) = err else {
        unreachable!()
    };
    assert_eq!(api.duplicate_ids, vec![first.record_id.clone()]);
    assert!(api.hint.is_some());
    // A single create answers the misspelled `duplicateResut`; the crate reads it too.
    let single = salesforce::save::create_request(
        &rep,
        &spec(RecordKind::Contact, "D3", "dup@example.com", None),
    )
    .unwrap();
    match salesforce::save::parse_create_response(&h.execute(&single)) {
        Err(CrmError::Api(e)) => assert_eq!(
            (e.code.as_str(), e.duplicate_ids.clone()),
            ("DUPLICATES_DETECTED", vec![first.record_id.clone()])
        ),
        other => panic!("{other:?}"),
    }
    // Fields the crate already validates itself: sent raw, parsed by the crate.
    for (body, code) in [
        (
            json!({"FirstName": "No last name"}),
            "REQUIRED_FIELD_MISSING",
        ),
        (json!({"LastName": "x".repeat(81)}), "STRING_TOO_LONG"),
    ] {
        let reply = h.sf_create(&rep.access_token, "Contact", body, &[]);
        let parsed = crm::error::api_error_from_response(
            crm::error::Crm::Salesforce,
            reply.status,
            &reply.body,
        );
        assert_eq!((parsed.code.as_str(), parsed.fields.len()), (code, 1));
    }
    // Org-wide refusals.
    h.admin("POST", "settings", json!({"api_disabled": true}));
    let (code, _) = api_code(save(
        &h,
        &rep,
        &spec(RecordKind::Contact, "E", "e1@example.com", None),
    ));
    assert_eq!(code, "API_DISABLED_FOR_ORG");
    h.admin(
        "POST",
        "settings",
        json!({"api_disabled": false, "api_limit": 0}),
    );
    let (code, err) = api_code(save(
        &h,
        &rep,
        &spec(RecordKind::Contact, "F", "f1@example.com", None),
    ));
    assert_eq!(code, "REQUEST_LIMIT_EXCEEDED");
    assert_eq!(err.retry(), Retry::Backoff);
    h.admin("POST", "settings", json!({"api_limit": 15000}));
    // Session expiry.
    h.admin("POST", "expire-tokens", json!({}));
    let (code, err) = api_code(save(
        &h,
        &rep,
        &spec(RecordKind::Contact, "G", "g1@example.com", None),
    ));
    assert_eq!(code, "INVALID_SESSION_ID");
    assert_eq!(err.retry(), Retry::RefreshToken);
}

#[test]
fn usage_header_is_read_by_the_crate() {
    let h = Harness::start();
    let rep = session(&h, "rep@acme.example");
    let response = h.execute(&salesforce::users::users_request(&rep));
    let usage = crm::ApiUsage::from_response(&response).expect("Sforce-Limit-Info parsed");
    assert_eq!(
        (usage.used, usage.limit),
        (1, 15000),
        "the token call is free, the query is call 1"
    );
}

#[test]
fn bulk_save_is_one_composite_dedupe_and_one_create_per_chunk() {
    let h = Harness::start();
    let rep = session(&h, "rep@acme.example");
    let existing = save(
        &h,
        &rep,
        &spec(RecordKind::Contact, "Known", "known@example.com", None),
    )
    .unwrap();
    let mut stored_bare = spec(RecordKind::Contact, "Bare", "bare@example.com", None);
    stored_bare.prospect.linkedin_url = Some("https://www.linkedin.com/in/stored-bare".into());
    stored_bare.activity = None;
    let bare = save(&h, &rep, &stored_bare).unwrap();
    let mut specs: Vec<SaveSpec> = (0..230)
        .map(|i| {
            let mut s = spec(
                RecordKind::Contact,
                &format!("Bulk{i}"),
                &format!("bulk.person.{i}@example-company.com"),
                None,
            );
            s.prospect.linkedin_url = Some(format!(
                "https://www.linkedin.com/in/bulk-person-{i}-5a7b9c/"
            ));
            s.activity = None;
            s
        })
        .collect();
    specs[5].prospect.email = Some("KNOWN@example.com".into());
    // Known by LinkedIn URL only, in another spelling than the one stored (no slash).
    specs[7].prospect.linkedin_url =
        Some("http://LinkedIn.com/in/stored-bare/?trk=public_profile".into());
    h.admin("POST", "reset-counts", json!({}));
    let mut bulk = salesforce::BulkSave::new(rep.clone(), specs);
    let calls = run_bulk(&h, &mut bulk);
    let results = bulk.results();
    assert_eq!(results.len(), 230);
    assert!(
        results.iter().all(|r| r.outcome.is_ok()),
        "{:?}",
        results.iter().find(|r| r.outcome.is_err())
    );
    for (i, known) in [(5, &existing), (7, &bare)] {
        let linked = results[i].outcome.as_ref().unwrap();
        assert_eq!(
            (linked.record_id.as_str(), linked.created),
            (known.record_id.as_str(), false),
            "spec {i}"
        );
    }
    assert_eq!(
        h.records("Contact").len(),
        230,
        "228 new plus the two known ones"
    );
    let counts = h.admin("GET", "counts", json!({}));
    assert_eq!(
        calls, 4,
        "2 chunks × (Composite dedupe + Collections create): {counts}"
    );
    assert_eq!(counts["POST /services/data/vXX.X/composite"], 2, "{counts}");
    assert_eq!(
        counts["POST /services/data/vXX.X/composite/sobjects"], 2,
        "{counts}"
    );
    assert!(
        counts["GET /services/data/vXX.X/query"].is_null(),
        "{counts}"
    );
    assert_eq!(counts["total"], calls, "{counts}");
}

/// Runs a bulk save against the sandbox; resolves to the number of calls.
fn run_bulk(h: &Harness, bulk: &mut salesforce::BulkSave) -> usize {
    let mut calls = 0;
    while let Some(request) = bulk.next_request() {
        calls += 1;
        assert!(calls < 20, "runaway bulk save");
        bulk.on_response(h.execute(&request)).unwrap();
    }
    calls
}

#[test]
fn bulk_contacts_are_linked_to_the_one_account_of_their_company_or_to_one_created_for_them() {
    use salesforce::bulk::AccountLink;
    let h = Harness::start();
    let rep = session(&h, "rep@acme.example");
    let rep_id = h.sf_user_id("rep@acme.example");
    let token = h.sf_login("rep@acme.example");
    let account = |name: &str| {
        let made = h.sf_create(&token, "Account", json!({ "Name": name }), &[]);
        assert_eq!(made.status, 201, "{}", made.body);
        made.json()["id"].as_str().unwrap().to_string()
    };
    let engines = account("Analytical Engines");
    account("Twin Corp");
    account("Twin Corp");
    // Company per person; `None` = no company.
    let people = [
        Some("Analytical Engines"),
        Some("Twin Corp"),
        Some("Brand New Co"),
        Some("  brand new co "),
        None,
    ];
    let specs: Vec<SaveSpec> = people
        .iter()
        .enumerate()
        .map(|(i, company)| {
            let mut s = spec(
                RecordKind::Contact,
                &format!("Acct{i}"),
                &format!("acct.{i}@example.com"),
                Some(rep_id.clone()),
            );
            s.prospect.linkedin_url = None;
            s.activity = None;
            s.prospect.company = company.map(str::to_string);
            s.new_account = company.map(str::to_string);
            s
        })
        .collect();
    h.admin("POST", "reset-counts", json!({}));
    let mut bulk = salesforce::BulkSave::new(rep.clone(), specs.clone());
    let calls = run_bulk(&h, &mut bulk);
    let counts = h.admin("GET", "counts", json!({}));
    assert_eq!(
        calls, 3,
        "dedupe + Account lookups in one call, Accounts, Contacts: {counts}"
    );
    let made: Vec<_> = h
        .records("Account")
        .into_iter()
        .filter(|a| a["Name"] == "Brand New Co")
        .collect();
    assert_eq!(
        made.len(),
        1,
        "one Account for the three who work there: {made:?}"
    );
    let new_id = made[0]["Id"].as_str().unwrap().to_string();
    assert_eq!(made[0]["OwnerId"], rep_id.as_str());
    let links = bulk.account_links().to_vec();
    assert_eq!(links[0], Some(AccountLink::Linked(engines.clone())));
    assert_eq!(links[1], Some(AccountLink::Ambiguous));
    assert_eq!(links[2], Some(AccountLink::Created(new_id.clone())));
    assert_eq!(
        links[3],
        Some(AccountLink::Created(new_id.clone())),
        "same name, other spelling"
    );
    assert_eq!(links[4], None, "no company");

    let results = bulk.results();
    let record = |i: usize| {
        let id = results[i].outcome.as_ref().unwrap().record_id.clone();
        h.record("Contact", &id)
    };
    assert_eq!(record(0)["AccountId"], engines.as_str());
    assert!(record(1)["AccountId"].is_null());
    assert!(
        record(1)["Description"]
            .as_str()
            .unwrap()
            .contains("Company: Twin Corp"),
        "unlinked: the company stays visible"
    );
    assert_eq!(record(2)["AccountId"], new_id.as_str());
    assert_eq!(record(3)["AccountId"], new_id.as_str());
    assert!(record(4)["AccountId"].is_null());

    // Again: everyone is found; the lookups ride in the one dedupe call; nothing is created.
    h.admin("POST", "reset-counts", json!({}));
    let mut again = salesforce::BulkSave::new(rep, specs);
    assert_eq!(run_bulk(&h, &mut again), 1);
    assert!(again
        .results()
        .iter()
        .all(|r| r.outcome.as_ref().is_ok_and(|o| !o.created)));
    assert_eq!(h.records("Account").len(), 4);
}

#[test]
fn composite_holds_five_queries_and_refuses_a_sixth() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let v = "/services/data/v66.0";
    let queries = |n: usize| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| json!({"method": "GET", "referenceId": format!("q{i}"),
                "url": format!("{v}/query?q=SELECT%20Id%20FROM%20Contact%20WHERE%20Email%20%3D%20%27q{i}%40example.com%27")}))
            .collect()
    };
    let five = h.json(
        "POST",
        &format!("{v}/composite"),
        &token,
        &json!({"allOrNone": false, "compositeRequest": queries(5)}),
        &[],
    );
    assert_eq!(five.status, 200);
    let subs = five.json()["compositeResponse"].as_array().unwrap().clone();
    assert_eq!(subs.len(), 5);
    assert!(subs
        .iter()
        .all(|s| s["httpStatusCode"] == 200 && s["body"]["records"].is_array()));
    let six = h.json(
        "POST",
        &format!("{v}/composite"),
        &token,
        &json!({"allOrNone": false, "compositeRequest": queries(6)}),
        &[],
    );
    assert_eq!(six.status, 200, "refused inside the Composite answer");
    let subs = six.json()["compositeResponse"].as_array().unwrap().clone();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0]["httpStatusCode"], 400);
    assert_eq!(subs[0]["body"][0]["errorCode"], "LIMIT_EXCEEDED");
    assert!(subs[0]["referenceId"].is_null());
}
