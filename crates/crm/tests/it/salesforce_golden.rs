//! Salesforce builders and parsers against the golden request/response pairs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use crm::salesforce::{
    bulk::BulkSave, identity, lookup, oauth, permission, save, users, LoginHost, SfSession,
};
use crm::{
    ActivityKind, ActivityLog, ApiUsage, CrmError, Permission, Prospect, RecordKind, Retry,
    SaveSpec,
};
use support::{check_request, load, load_one};

const REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/";
const REP: &str = "005000000000003AAA";

fn session() -> SfSession {
    SfSession::new(
        "https://acme.my.salesforce.com",
        "00D5g000004xYzA!AR0AQtoken",
    )
}

fn acme() -> LoginHost {
    LoginHost::MyDomain("acme.my.salesforce.com".into())
}

fn ada(kind: RecordKind) -> SaveSpec {
    support::save_of(
        kind,
        Prospect {
            first_name: Some("Ada".into()),
            last_name: "Lovelace".into(),
            email: Some("ada@example.com".into()),
            ..Prospect::default()
        },
    )
}

fn api(e: CrmError) -> Box<crm::ApiError> {
    match e {
        CrmError::Api(a) => a,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[test]
fn code_exchange_and_token() {
    let x = load_one("sf_oauth_code_exchange");
    let req = oauth::code_exchange_request(
        &LoginHost::Production,
        "3MVG9leadline",
        REDIRECT,
        "aPrxYXyxzkuBzbiLcR",
        "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
    )
    .unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let token = oauth::parse_token_response(&x.response).unwrap();
    assert_eq!(token.instance_url, "https://acme.my.salesforce.com");
    assert_eq!(
        token.refresh_token.as_deref(),
        Some("5Aep861leadlineRefresh")
    );
    assert_eq!(token.issued_at_ms(), Some(1_767_225_600_000));
    assert_eq!(token.user_id(), Some("0055g00000A1b2cAAB"));
    assert_eq!(token.session().api_version, "66.0");
}

#[test]
fn refresh_with_revoked_token_says_reconnect() {
    let x = load_one("sf_oauth_refresh_invalid_grant");
    let req = oauth::refresh_request(&acme(), "3MVG9leadline", "5Aep861leadlineRefresh").unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let err = oauth::parse_token_response(&x.response).unwrap_err();
    assert_eq!(err.retry(), Retry::Never);
    let e = api(err);
    assert_eq!((e.status, e.code.as_str()), (400, "invalid_grant"));
    assert!(e
        .hint
        .unwrap()
        .contains("Reconnect your Salesforce account in Options"));
}

#[test]
fn revoke() {
    let xs = load("sf_oauth_revoke");
    let req = oauth::revoke_request(&acme(), "5Aep861leadlineRefresh").unwrap();
    check_request(&req, xs[0].request.as_ref().unwrap());
    assert!(oauth::parse_revoke_response(&xs[0].response).is_ok());
    let e = api(oauth::parse_revoke_response(&xs[1].response).unwrap_err());
    assert_eq!(e.code, "invalid_token");
}

#[test]
fn authorize_url_carries_pkce_and_state() {
    let url = oauth::authorize_url(&oauth::AuthorizeParams {
        login_host: LoginHost::Sandbox,
        client_id: "3MVG9leadline".into(),
        redirect_uri: REDIRECT.into(),
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        state: "st8".into(),
        scope: String::new(),
    })
    .unwrap();
    let (base, query) = url.split_once('?').unwrap();
    assert_eq!(
        base,
        "https://test.salesforce.com/services/oauth2/authorize"
    );
    let mut q = crm::http::parse_query(query);
    q.sort();
    let want = [
        ("client_id", "3MVG9leadline"),
        (
            "code_challenge",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        ),
        ("code_challenge_method", "S256"),
        ("redirect_uri", REDIRECT),
        ("response_type", "code"),
        ("scope", "api refresh_token id"),
        ("state", "st8"),
    ];
    let got: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(got, want);
}

#[test]
fn identity() {
    let x = load_one("sf_identity");
    let req = identity::identity_request(
        &session(),
        "https://login.salesforce.com/id/00D5g000004xYzAEAU/0055g00000A1b2cAAB",
    );
    check_request(&req, x.request.as_ref().unwrap());
    let id = identity::parse_identity(&x.response).unwrap();
    assert_eq!(
        (
            id.user_id.as_str(),
            id.org_id.as_str(),
            id.username.as_str()
        ),
        (
            "0055g00000A1b2cAAB",
            "00D5g000004xYzAEAU",
            "rep@acme.example"
        )
    );
    assert_eq!(id.display_name.as_deref(), Some("Rita Rep"));
    assert_eq!(id.email.as_deref(), Some("rita.rep@acme.example"));
}

#[test]
fn users_follow_next_records_url() {
    let xs = load("sf_users");
    check_request(
        &users::users_request(&session()),
        xs[0].request.as_ref().unwrap(),
    );
    let page = users::parse_users(&xs[0].response).unwrap();
    assert_eq!(page.users.len(), 2);
    assert!(!page.users[1].active);
    let next = page.next_records_url.unwrap();
    check_request(
        &session().next_records_request(&next),
        xs[1].request.as_ref().unwrap(),
    );
    let page2 = users::parse_users(&xs[1].response).unwrap();
    assert_eq!(page2.users[0].email.as_deref(), Some("rep@acme.example"));
    assert_eq!(page2.next_records_url, None);
    assert_eq!(
        ApiUsage::from_response(&xs[0].response),
        Some(ApiUsage {
            used: 25,
            limit: 15000
        })
    );
}

#[test]
fn lookup_escapes_and_finds_owner() {
    let xs = load("sf_lookup_contact");
    let req = lookup::lookup_request(
        &session(),
        RecordKind::Contact,
        Some("o'brien+ada@example.com"),
        Some("https://www.linkedin.com/in/ada-lovelace/"),
    )
    .unwrap()
    .unwrap();
    check_request(&req, xs[0].request.as_ref().unwrap());
    let hit = lookup::parse_lookup(RecordKind::Contact, &xs[0].response)
        .unwrap()
        .unwrap();
    assert_eq!(hit.id, "0035g00000Lm9NoAAJ");
    assert_eq!(hit.owner_name.as_deref(), Some("Rita Rep"));
    assert_eq!(
        lookup::parse_lookup(RecordKind::Contact, &xs[1].response).unwrap(),
        None
    );
    assert_eq!(
        lookup::lookup_request(&session(), RecordKind::Lead, None, Some(" ")).unwrap(),
        None
    );
    // Another spelling of the same profile asks for exactly the same keys.
    let other = lookup::lookup_request(
        &session(),
        RecordKind::Contact,
        Some("o'brien+ada@example.com"),
        Some("http://uk.linkedin.com/in/ada-lovelace/details/experience/?trk=x"),
    )
    .unwrap()
    .unwrap();
    check_request(&other, xs[0].request.as_ref().unwrap());
}

#[test]
fn save_creates_contact_and_task_in_one_call() {
    let x = load_one("sf_save_created");
    let mut spec = ada(RecordKind::Contact);
    spec.prospect.title = Some("CTO".into());
    spec.prospect.company = Some("Analytical Engines Ltd".into());
    spec.prospect.linkedin_url = Some("https://www.linkedin.com/in/ada-lovelace/".into());
    spec.prospect.headline = Some("Poet of science".into());
    spec.prospect.location = Some("London".into());
    spec.owner_id = Some(REP.into());
    spec.description = Some("Saved by Rita Rep via Leadline".into());
    spec.activity = Some(ActivityLog {
        kind: ActivityKind::Email,
        subject: "Intro".into(),
        body: "Hi Ada, ...".into(),
        date: "2026-03-02".into(),
    });
    let req = save::save_request(&session(), &spec).unwrap().unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let out = save::parse_save_response(&spec, &x.response).unwrap();
    assert_eq!(out.record_id, "0035g00000Lm9NoAAJ");
    assert_eq!(out.activity_id.as_deref(), Some("00T5g00000Ab1CdEAF"));
    assert!(out.created);
    assert_eq!(
        (out.object.as_str(), out.owner_id.as_deref()),
        ("Contact", Some(REP))
    );
}

#[test]
fn duplicate_rule_under_all_or_none_reports_matched_ids() {
    let x = load_one("sf_save_duplicate_halted");
    let mut spec = ada(RecordKind::Lead);
    spec.activity = Some(ActivityLog {
        kind: ActivityKind::Call,
        subject: String::new(),
        body: String::new(),
        date: "2026-03-02".into(),
    });
    let req = save::save_request(&session(), &spec).unwrap().unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let err = save::parse_save_response(&spec, &x.response).unwrap_err();
    assert_eq!(err.retry(), Retry::Never);
    assert_eq!(err.duplicate_ids(), ["00Q5g00000AbCdEEAV"]);
    let e = api(err);
    assert_eq!((e.status, e.code.as_str()), (400, "DUPLICATES_DETECTED"));
    assert!(e.is_duplicate());
}

#[test]
fn existing_record_gets_only_the_task() {
    let x = load_one("sf_save_existing");
    let mut spec = ada(RecordKind::Lead);
    spec.existing_id = Some("00Q5g00000AbCdEEAV".into());
    spec.owner_id = Some(REP.into());
    assert_eq!(
        save::save_request(&session(), &spec).unwrap(),
        None,
        "nothing to log"
    );
    spec.activity = Some(ActivityLog {
        kind: ActivityKind::Call,
        subject: "Discovery call".into(),
        body: "Talked budget.".into(),
        date: "2026-03-03".into(),
    });
    let req = save::save_request(&session(), &spec).unwrap().unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let out = save::parse_save_response(&spec, &x.response).unwrap();
    assert_eq!(
        (
            out.record_id.as_str(),
            out.created,
            out.activity_id.as_deref()
        ),
        ("00Q5g00000AbCdEEAV", false, Some("00T5g00000Ab1CeEAF"))
    );
}

#[test]
fn single_create_parses_duplicate_resut() {
    let xs = load("sf_create_lead_duplicate");
    let mut spec = ada(RecordKind::Lead);
    spec.prospect.company = Some("Analytical Engines Ltd".into());
    spec.owner_id = Some(REP.into());
    let req = save::create_request(&session(), &spec).unwrap();
    check_request(&req, xs[0].request.as_ref().unwrap());
    let err = save::parse_create_response(&xs[0].response).unwrap_err();
    assert_eq!(err.duplicate_ids(), ["00Q5g00000AbCdEEAV"]);
    assert_eq!(
        save::parse_create_response(&xs[1].response).unwrap(),
        "00Q5g00000XyZ12EAB"
    );
}

#[test]
fn every_listed_error_code_maps_to_retry_and_hint() {
    let v = support::raw("sf_errors");
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for c in cases {
        let body = match &c["body"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let resp = crm::HttpResponse {
            status: u16::try_from(c["status"].as_u64().unwrap()).unwrap(),
            headers: vec![],
            body,
        };
        // Any parser reports the same error; use the lookup parser.
        let err = lookup::parse_lookup(RecordKind::Contact, &resp).unwrap_err();
        let want_retry = match c["retry"].as_str().unwrap() {
            "refresh_token" => Retry::RefreshToken,
            "backoff" => Retry::Backoff,
            _ => Retry::Never,
        };
        let code = c["code"].as_str().unwrap();
        assert_eq!(err.retry(), want_retry, "{code}");
        let e = api(err);
        assert_eq!(e.code, code);
        let hint = e.hint.clone().unwrap_or_default();
        assert!(
            hint.contains(c["hint_contains"].as_str().unwrap()),
            "{code}: {hint}"
        );
        let fields: Vec<String> = serde_json::from_value(c["fields"].clone()).unwrap();
        assert_eq!(e.fields, fields, "{code}");
    }
}

#[test]
fn bulk_dedupes_then_creates_only_new_people() {
    let xs = load("sf_bulk_partial");
    let mut specs = Vec::new();
    for (email, last, company) in [
        (
            "ada@example.com",
            "Lovelace",
            Some("Analytical Engines Ltd"),
        ),
        ("bob@example.com", "Bob", None),
        ("cy@example.com", "Cy", None),
    ] {
        let mut s = ada(RecordKind::Lead);
        s.prospect.first_name = None;
        s.prospect.last_name = last.into();
        s.prospect.email = Some(email.into());
        s.prospect.company = company.map(str::to_string);
        s.owner_id = Some(REP.into());
        specs.push(s);
    }
    let mut bulk = BulkSave::new(session(), specs);
    for x in &xs {
        let req = bulk.next_request().expect("a request per golden exchange");
        check_request(&req, x.request.as_ref().unwrap());
        bulk.on_response(x.response.clone()).unwrap();
    }
    assert_eq!(bulk.next_request(), None, "2 calls for one chunk");
    let results = bulk.results();
    let ada = results[0].outcome.as_ref().unwrap();
    assert_eq!(
        (ada.record_id.as_str(), ada.created),
        ("00Q5g00000XyZ12EAB", true)
    );
    let bob = results[1].outcome.as_ref().unwrap();
    assert_eq!(
        (bob.record_id.as_str(), bob.created),
        ("00Q5g00000AbCdEEAV", false)
    );
    assert_eq!(bob.owner_id.as_deref(), Some("005000000000001AAA"));
    let cy = results[2].outcome.as_ref().unwrap_err();
    assert_eq!(cy.code, "INACTIVE_OWNER_OR_USER");
    assert!(cy.hint.is_some());
}

#[test]
fn permission_from_one_composite_call() {
    let x = load_one("sf_permission");
    let req = permission::permission_request(&session(), REP).unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let facts = permission::parse_permission_response(&x.response).unwrap();
    assert_eq!(facts.profile_name.as_deref(), Some("Standard User"));
    assert!(facts.contact.createable && facts.task.createable && !facts.task.updateable);
    assert_eq!(permission::decide_permission(&facts), Permission::Standard);
}
