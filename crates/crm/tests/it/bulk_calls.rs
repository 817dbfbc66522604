//! The bulk state machine's call budget: exactly 2·ceil(N/200) calls for plain saves (one
//! Composite dedupe call holding the chunk's queries, one Collections create), dedupe queries
//! split when a URL would be too long, one result per input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::bulk_support;

use bulk_support::{answer, body, is_dedupe, subrequest_urls};
use crm::http::parse_query;
use crm::salesforce::bulk::{BulkSave, MAX_QUERIES_PER_CALL, MAX_QUERY_URL_LEN};
use crm::salesforce::SfSession;
use crm::{ActivityKind, ActivityLog, HttpRequest, HttpResponse, Prospect, RecordKind, SaveSpec};

fn spec(i: usize, email: String) -> SaveSpec {
    crate::support::save_of(
        RecordKind::Lead,
        Prospect {
            last_name: format!("Person {i}"),
            email: Some(email),
            ..Prospect::default()
        },
    )
}

fn linkedin_only(i: usize, slug: &str) -> SaveSpec {
    let mut s = spec(i, String::new());
    s.prospect.email = None;
    s.prospect.linkedin_url = Some(format!("https://www.linkedin.com/in/{slug}/"));
    s
}

/// N new people (e-mail + LinkedIn URL, or LinkedIn URL only) through the fake org.
fn calls_for(n: usize, with_email: bool) -> Vec<HttpRequest> {
    let specs: Vec<SaveSpec> = (0..n)
        .map(|i| {
            let mut s = linkedin_only(i, &format!("person-{i}-a1b2c3d4"));
            if with_email {
                s.prospect.email = Some(format!("person.{i}@example-company.com"));
            }
            s
        })
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    assert!(bulk
        .results()
        .iter()
        .all(|r| r.outcome.as_ref().is_ok_and(|o| o.created)));
    sent
}

#[test]
fn two_hundred_people_cost_two_calls() {
    for with_email in [true, false] {
        let sent = calls_for(200, with_email);
        assert_eq!(sent.len(), 2, "with e-mail: {with_email}");
        assert!(is_dedupe(&sent[0]) && !is_dedupe(&sent[1]));
        let urls = subrequest_urls(&sent[0]);
        assert!(urls.len() > 1, "the keys need several queries, in one call");
        let soql: String = urls.iter().map(|u| bulk_support::soql(u)).collect();
        for i in [0, 199] {
            let url = format!("'https://www.linkedin.com/in/person-{i}-a1b2c3d4'");
            assert!(soql.contains(&url), "stored without the slash: {url}");
            let slash = format!("'https://www.linkedin.com/in/person-{i}-a1b2c3d4/'");
            assert!(soql.contains(&slash));
        }
    }
}

#[test]
fn a_thousand_people_cost_ten_calls() {
    for with_email in [true, false] {
        let sent = calls_for(1000, with_email);
        assert_eq!(sent.len(), 10, "with e-mail: {with_email}");
        let pattern: Vec<bool> = sent.iter().map(is_dedupe).collect();
        assert_eq!(pattern, [true, false].repeat(5));
    }
}

#[test]
fn twenty_five_people_cost_two_calls() {
    let sent = calls_for(25, true);
    assert_eq!(sent.len(), 2);
    assert_eq!(subrequest_urls(&sent[0]).len(), 1);
}

fn run(bulk: &mut BulkSave) -> Vec<HttpRequest> {
    let mut sent = Vec::new();
    while let Some(req) = bulk.next_request() {
        bulk.on_response(answer(&req)).unwrap();
        sent.push(req);
        assert!(sent.len() < 100);
    }
    sent
}

/// `saves` drives both CRMs' chunks through [`crm::BulkRun`]: through it, a Salesforce
/// chunk asks exactly the requests its own methods ask, and settles everyone the same way.
#[test]
fn a_chunk_driven_through_bulk_run_asks_its_own_requests() {
    let specs: Vec<SaveSpec> = (0..3)
        .map(|i| spec(i, format!("p{i}@example.com")))
        .collect();
    let session = || SfSession::new("https://acme.my.salesforce.com", "t");
    let mut own = BulkSave::new(session(), specs.clone());
    let expected = run(&mut own);
    let mut bulk = BulkSave::new(session(), specs);
    let driven: &mut dyn crm::BulkRun = &mut bulk;
    let mut sent = Vec::new();
    while let Some(req) = driven.next_request().unwrap() {
        let phase = driven.phase();
        driven.on_response(&answer(&req)).unwrap();
        sent.push((phase, req));
        assert!(sent.len() < 10);
    }
    let phases: Vec<crm::BulkPhase> = sent.iter().map(|(p, _)| *p).collect();
    assert_eq!(phases, [crm::BulkPhase::Lookup, crm::BulkPhase::Create]);
    let requests: Vec<HttpRequest> = sent.into_iter().map(|(_, r)| r).collect();
    assert_eq!(requests, expected);
    let created = |b: &BulkSave| -> Vec<bool> {
        b.results()
            .iter()
            .map(|r| r.outcome.as_ref().is_ok_and(|o| o.created))
            .collect()
    };
    assert_eq!(created(&bulk), [true, true, true]);
    assert_eq!(created(&bulk), created(&own));
}

#[test]
fn four_hundred_fifty_people_cost_six_calls() {
    let specs: Vec<SaveSpec> = (0..450)
        .map(|i| spec(i, format!("p{i}@example.com")))
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    assert_eq!(sent.len(), 6, "2 calls for each of 3 chunks");
    let kinds: Vec<bool> = sent.iter().map(is_dedupe).collect();
    assert_eq!(kinds, [true, false, true, false, true, false]);
    let creates: Vec<usize> = sent
        .iter()
        .filter(|r| !is_dedupe(r))
        .map(|r| body(r)["records"].as_array().unwrap().len())
        .collect();
    assert_eq!(creates, [200, 200, 50]);
    let results = bulk.results();
    assert_eq!(results.len(), 450);
    assert!(results
        .iter()
        .all(|r| r.outcome.as_ref().is_ok_and(|o| o.created)));
}

#[test]
fn long_keys_split_the_dedupe_query_but_not_the_call() {
    let specs: Vec<SaveSpec> = (0..200)
        .map(|i| spec(i, format!("{}{i:03}@example.com", "x".repeat(60))))
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    assert_eq!(sent.len(), 2, "one Composite dedupe call, one create");
    let urls = subrequest_urls(&sent[0]);
    assert!(urls.len() > 1, "200 long e-mails do not fit one URL");
    assert!(urls.len() <= MAX_QUERIES_PER_CALL);
    assert!(urls.iter().all(|u| u.len() <= MAX_QUERY_URL_LEN));
    let soql: String = urls
        .iter()
        .map(|u| parse_query(u.split_once('?').unwrap().1)[0].1.clone())
        .collect();
    for i in 0..200 {
        assert!(
            soql.contains(&format!("{i:03}@example.com'")),
            "e-mail {i} was looked up"
        );
    }
    assert!(!is_dedupe(&sent[1]));
}

/// E-mails and LinkedIn URLs share the dedupe queries without paying both conditions in
/// each: 100 people with a long e-mail and a long profile URL take 2 queries, not 3.
#[test]
fn long_emails_and_urls_take_as_few_queries_as_fit() {
    let specs: Vec<SaveSpec> = (0..100)
        .map(|i| {
            let mut s = spec(i, format!("{}{i}@example.com", "e".repeat(60)));
            s.record = RecordKind::Contact;
            s.prospect.linkedin_url =
                Some(format!("https://www.linkedin.com/in/{}{i}", "u".repeat(60)));
            s
        })
        .collect();
    let mut session = SfSession::new("https://acme.my.salesforce.com", "t");
    session.linkedin_field = Some("LinkedIn_URL__c".into());
    let bulk = BulkSave::new(session, specs);
    let urls = subrequest_urls(&bulk.next_request().unwrap());
    assert_eq!(urls.len(), 2);
    assert!(urls.iter().all(|u| u.len() <= MAX_QUERY_URL_LEN));
}

#[test]
fn keys_beyond_five_queries_take_another_composite_call() {
    // 240-character profile URLs (the field holds 255): no real slug is this long, but the
    // 5-query cap must hold.
    let specs: Vec<SaveSpec> = (0..200)
        .map(|i| linkedin_only(i, &format!("{}{i:03}", "y".repeat(209))))
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    let dedupes: Vec<&HttpRequest> = sent.iter().filter(|r| is_dedupe(r)).collect();
    assert!(dedupes.len() > 1);
    let per_call: Vec<usize> = dedupes.iter().map(|r| subrequest_urls(r).len()).collect();
    assert!(per_call
        .iter()
        .all(|&n| (1..=MAX_QUERIES_PER_CALL).contains(&n)));
    assert!(per_call[..per_call.len() - 1]
        .iter()
        .all(|&n| n == MAX_QUERIES_PER_CALL));
    assert_eq!(sent.len(), dedupes.len() + 1, "then one create");
}

#[test]
fn twins_in_one_batch_are_created_once_and_activities_follow() {
    let mut specs = vec![
        spec(0, "same@example.com".into()),
        spec(1, "SAME@example.com".into()),
    ];
    specs[1].activity = Some(ActivityLog {
        kind: ActivityKind::Note,
        subject: "n".into(),
        body: String::new(),
        date: "2026-01-05".into(),
    });
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    assert_eq!(sent.len(), 3, "dedupe, create, tasks");
    let results = bulk.results();
    let (a, b) = (
        results[0].outcome.as_ref().unwrap(),
        results[1].outcome.as_ref().unwrap(),
    );
    assert_eq!(a.record_id, b.record_id);
    assert!(a.created && !b.created);
    assert!(b.activity_id.is_some() && a.activity_id.is_none());
}

/// A Task the CRM refuses fails that person's save with the CRM's own error; the others'
/// Tasks are kept.
#[test]
fn a_refused_task_fails_that_person_with_the_crms_error() {
    let specs: Vec<SaveSpec> = (0..2)
        .map(|i| {
            let mut s = spec(i, format!("p{i}@example.com"));
            s.activity = Some(ActivityLog {
                kind: ActivityKind::Note,
                subject: "n".into(),
                body: String::new(),
                date: "2026-01-05".into(),
            });
            s
        })
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    for _ in 0..2 {
        let req = bulk.next_request().unwrap();
        bulk.on_response(answer(&req)).unwrap();
    }
    let tasks = bulk.next_request().unwrap();
    assert!(tasks.url.ends_with("/composite/sobjects"), "{}", tasks.url);
    bulk.on_response(HttpResponse {
        status: 200,
        headers: vec![],
        body: serde_json::json!([
            {"id": "00T000000000001AAA", "success": true, "errors": []},
            {"success": false, "errors": [{"statusCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                "message": "Tasks need a due date", "fields": []}]}])
        .to_string(),
    })
    .unwrap();
    assert!(bulk.next_request().is_none());
    let results = bulk.results();
    let kept = results[0].outcome.as_ref().unwrap();
    assert_eq!(kept.activity_id.as_deref(), Some("00T000000000001AAA"));
    let refused = results[1].outcome.as_ref().unwrap_err();
    assert_eq!(refused.code, "FIELD_CUSTOM_VALIDATION_EXCEPTION");
}

#[test]
fn invalid_specs_fail_alone() {
    let mut specs = vec![
        spec(0, "ok@example.com".into()),
        spec(1, "bad@example.com".into()),
    ];
    specs[1].prospect.last_name = " ".into();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    run(&mut bulk);
    let results = bulk.results();
    assert!(results[0].outcome.is_ok());
    assert_eq!(
        results[1].outcome.as_ref().unwrap_err().code,
        "INVALID_INPUT"
    );
}

#[test]
fn a_failed_call_is_retried_as_is_with_a_fresh_token() {
    let specs: Vec<SaveSpec> = (0..3)
        .map(|i| spec(i, format!("p{i}@example.com")))
        .collect();
    let mut bulk = BulkSave::new(
        SfSession::new("https://acme.my.salesforce.com", "old"),
        specs,
    );
    let first = bulk.next_request().unwrap();
    let expired = HttpResponse {
        status: 401,
        headers: vec![],
        body: r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#
            .into(),
    };
    let err = bulk.on_response(expired).unwrap_err();
    assert_eq!(err.retry(), crm::Retry::RefreshToken);
    bulk.set_access_token("new");
    let again = bulk.next_request().unwrap();
    assert_eq!(again.url, first.url, "same step after an error");
    assert_eq!(again.header("Authorization"), Some("Bearer new"));
    bulk.on_response(answer(&again)).unwrap();
    let create = bulk.next_request().unwrap();
    assert_eq!(create.header("Authorization"), Some("Bearer new"));
    let busy = HttpResponse {
        status: 503,
        headers: vec![],
        body: "busy".into(),
    };
    assert_eq!(
        bulk.on_response(busy).unwrap_err().retry(),
        crm::Retry::Backoff
    );
    assert_eq!(bulk.next_request().unwrap(), create);
    bulk.on_response(answer(&create)).unwrap();
    assert_eq!(bulk.next_request(), None);
    assert!(bulk.results().iter().all(|r| r.outcome.is_ok()));
}
