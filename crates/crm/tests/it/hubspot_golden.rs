//! HubSpot builders and parsers against the golden request/response pairs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support;

use crm::hubspot::{contacts, oauth, owners, HsSave, HsSession};
use crm::{
    ActivityKind, ActivityLog, CrmError, HsRateLimit, Prospect, RecordKind, Retry, SaveSpec,
};
use support::{check_request, load, load_one};

const REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/";
const BASE: &str = "https://api.hubapi.com";

fn session() -> HsSession {
    HsSession::new("CNeXleadlineHubSpotToken")
}

fn dated() -> HsSession {
    HsSession {
        objects_path_version: "2026-03".into(),
        ..session()
    }
}

fn spec(email: &str, last: &str) -> SaveSpec {
    support::save_of(
        RecordKind::Contact,
        Prospect {
            last_name: last.into(),
            email: Some(email.into()),
            ..Prospect::default()
        },
    )
}

#[test]
fn token_exchange_requires_secret_and_reports_hub_and_user() {
    let xs = load("hs_oauth_token");
    let req = oauth::code_exchange_request(
        BASE,
        oauth::DEFAULT_OAUTH_VERSION,
        "hs-client",
        "hs-secret",
        REDIRECT,
        "hs-code-1",
        Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
    );
    check_request(&req, xs[0].request.as_ref().unwrap());
    let t = oauth::parse_token_response(&xs[0].response).unwrap();
    assert_eq!(
        (t.hub_id, t.user_id, t.expires_in),
        (Some(62515), Some(9_586_504), Some(1800))
    );
    assert_eq!(t.scopes.len(), 3);
    let req = oauth::refresh_request(BASE, "2026-03", "hs-client", "hs-secret", "na1-ab12-cd34");
    check_request(&req, xs[1].request.as_ref().unwrap());
    let err = oauth::parse_token_response(&xs[1].response).unwrap_err();
    assert_eq!(err.retry(), Retry::Never);
    assert!(err
        .hint()
        .unwrap()
        .contains("Reconnect your HubSpot account"));
}

#[test]
fn owners_and_owner_of_user() {
    let xs = load("hs_owners");
    check_request(
        &owners::owners_request(&session(), false, None),
        xs[0].request.as_ref().unwrap(),
    );
    let page = owners::parse_owners(&xs[0].response).unwrap();
    assert_eq!(page.after.as_deref(), Some("2"));
    assert_eq!(page.users[0].id, "41629779");
    assert_eq!(page.users[0].name.as_deref(), Some("Rita Rep"));
    assert_eq!(page.users[1].id, "41629780", "numeric ids become strings");
    check_request(
        &owners::owner_by_user_id_request(&session(), "9586504"),
        xs[1].request.as_ref().unwrap(),
    );
    let me = owners::parse_owner(&xs[1].response).unwrap();
    assert!(me.active);
    assert_eq!(me.email.as_deref(), Some("rep@acme.example"));
}

#[test]
fn contact_by_email_is_found_or_absent() {
    let xs = load("hs_contact_by_email");
    let req = contacts::contact_by_email_request(&session(), "ada+test@example.com").unwrap();
    check_request(&req, xs[0].request.as_ref().unwrap());
    let hit = contacts::parse_contact_lookup(&xs[0].response)
        .unwrap()
        .unwrap();
    assert_eq!(
        (hit.id.as_str(), hit.owner_id.as_deref()),
        ("512", Some("41629779"))
    );
    assert_eq!(
        contacts::parse_contact_lookup(&xs[1].response).unwrap(),
        None
    );
}

#[test]
fn conflict_links_existing_contact_then_logs_note() {
    let xs = load("hs_save_conflict_then_note");
    let mut s = spec("ada@example.com", "Lovelace");
    s.prospect.first_name = Some("Ada".into());
    s.prospect.title = Some("CTO".into());
    s.prospect.company = Some("Analytical Engines Ltd".into());
    s.owner_id = Some("41629779".into());
    s.description = Some("Saved by Rita Rep via Leadline".into());
    s.activity = Some(ActivityLog {
        kind: ActivityKind::Note,
        subject: "Met at SaaStr".into(),
        body: "Great chat.".into(),
        date: "2026-03-02".into(),
    });
    let mut save = HsSave::new(session(), s);
    for x in &xs {
        let req = save.next_request().unwrap().unwrap();
        check_request(&req, x.request.as_ref().unwrap());
        save.on_response(&x.response).unwrap();
    }
    assert_eq!(save.next_request().unwrap(), None);
    let out = save.outcome().unwrap();
    assert_eq!((out.record_id.as_str(), out.created), ("12345", false));
    assert_eq!(out.activity_id.as_deref(), Some("9001"));
}

#[test]
fn rate_limited_create_backs_off() {
    let x = load_one("hs_create_429");
    let mut s = spec("ada@example.com", "Lovelace");
    s.record = RecordKind::Lead;
    let req = contacts::create_contact_request(&dated(), &s).unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let err = contacts::parse_create_contact(&x.response).unwrap_err();
    assert_eq!(err.retry(), Retry::Backoff);
    let CrmError::Api(e) = err else {
        panic!("api error expected")
    };
    assert_eq!((e.status, e.code.as_str()), (429, "RATE_LIMITS"));
    let limits = HsRateLimit::from_response(&x.response).unwrap();
    assert_eq!(
        (limits.max, limits.remaining, limits.retry_after_secs),
        (Some(110), Some(0), Some(10))
    );
}

#[test]
fn batch_create_reports_each_input() {
    let x = load_one("hs_batch_create_207");
    let specs = vec![
        spec("ada@example.com", "Lovelace"),
        spec("x@@example", "Broken"),
    ];
    let req = contacts::batch_create_request(&dated(), &specs).unwrap();
    check_request(&req, x.request.as_ref().unwrap());
    let results = contacts::parse_batch_create(&specs, &x.response).unwrap();
    assert_eq!(results[0].as_deref(), Ok("601"));
    let e = results[1].as_ref().unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.fields.as_slice()),
        ("VALIDATION_ERROR", &["email".to_string()][..])
    );
    let too_many = vec![spec("a@b.c", "L"); 101];
    assert!(contacts::batch_create_request(&dated(), &too_many).is_err());
    // The limit itself is one batch.
    let req = contacts::batch_create_request(&dated(), &too_many[..100]).unwrap();
    let body: serde_json::Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
    assert_eq!(body["inputs"].as_array().unwrap().len(), 100);
}

#[test]
fn contact_stores_the_canonical_linkedin_url() {
    let s = HsSession {
        linkedin_property: Some("linkedin_url".into()),
        ..session()
    };
    let mut x = spec("ada@example.com", "Lovelace");
    x.prospect.linkedin_url = Some("https://m.linkedin.com/in/ada-lovelace?trk=x".into());
    let props = contacts::contact_properties(&s, &x).unwrap();
    assert_eq!(
        props["linkedin_url"],
        "https://www.linkedin.com/in/ada-lovelace/"
    );
}
