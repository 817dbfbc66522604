//! The Composite dedupe step: per-subrequest answers, a failed subrequest retried as a whole,
//! `nextRecordsUrl` pages, LinkedIn URLs matched in any spelling, and the Account lookups that
//! ride in it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::bulk_support;

use bulk_support::{answer, answer_with, is_dedupe, soql, subrequest_urls};
use crm::salesforce::bulk::{AccountLink, BulkSave};
use crm::salesforce::SfSession;
use crm::{HttpResponse, Prospect, RecordKind, Retry, SaveSpec};
use serde_json::json;

fn person(i: usize, email: Option<&str>, linkedin: Option<&str>) -> SaveSpec {
    crate::support::save_of(
        RecordKind::Contact,
        Prospect {
            last_name: format!("Person {i}"),
            email: email.map(str::to_string),
            linkedin_url: linkedin.map(str::to_string),
            ..Prospect::default()
        },
    )
}

fn session() -> SfSession {
    SfSession::new("https://acme.my.salesforce.com", "t")
}

fn long_emails(n: usize) -> Vec<SaveSpec> {
    (0..n)
        .map(|i| {
            let email = format!("{}{i:03}@example.com", "x".repeat(60));
            person(i, Some(&email), None)
        })
        .collect()
}

#[test]
fn a_failed_subrequest_fails_the_call_and_the_same_call_is_retried() {
    let mut bulk = BulkSave::new(session(), long_emails(200));
    let first = bulk.next_request().unwrap();
    let urls = subrequest_urls(&first);
    assert!(urls.len() >= 2);
    let mut results: Vec<serde_json::Value> = (0..urls.len())
        .map(|i| {
            json!({"body": {"totalSize": 0, "done": true, "records": []},
            "httpHeaders": {}, "httpStatusCode": 200, "referenceId": format!("dedupe{i}")})
        })
        .collect();
    results[1] = json!({"body": [{"errorCode": "QUERY_TIMEOUT", "message": "Your query request was running for too long."}],
        "httpHeaders": {}, "httpStatusCode": 400, "referenceId": "dedupe1"});
    let resp = HttpResponse {
        status: 200,
        headers: vec![],
        body: json!({ "compositeResponse": results }).to_string(),
    };
    let err = bulk.on_response(resp).unwrap_err();
    assert!(
        err.to_string().contains("QUERY_TIMEOUT"),
        "the subrequest's own error: {err}"
    );
    assert_eq!(err.retry(), Retry::Never);
    assert_eq!(
        bulk.next_request().unwrap(),
        first,
        "the whole dedupe step again"
    );
    bulk.on_response(answer(&first)).unwrap();
    assert!(!is_dedupe(&bulk.next_request().unwrap()));
}

#[test]
fn a_short_or_mislabelled_answer_is_a_parse_error() {
    let mut bulk = BulkSave::new(session(), long_emails(3));
    let first = bulk.next_request().unwrap();
    for body in [
        json!({"compositeResponse": []}),
        json!({"compositeResponse": [{"body": {"done": true, "records": []}, "httpStatusCode": 200, "referenceId": "other"}]}),
        json!({"compositeResponse": [{"body": {"done": true}, "httpStatusCode": 200, "referenceId": "dedupe0"}]}),
        json!([]),
    ] {
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: body.to_string(),
        };
        assert!(bulk.on_response(resp).is_err(), "{body}");
        assert_eq!(bulk.next_request().unwrap(), first);
    }
}

#[test]
fn next_records_pages_are_followed_in_the_next_composite_call() {
    let mut bulk = BulkSave::new(session(), vec![person(0, Some("ada@example.com"), None)]);
    let first = bulk.next_request().unwrap();
    let page1 = json!({"compositeResponse": [{"body": {"totalSize": 2001, "done": false,
        "nextRecordsUrl": "/services/data/v66.0/query/01gD0000002HU6KIAW-2000", "records": []},
        "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "dedupe0"}]});
    bulk.on_response(HttpResponse {
        status: 200,
        headers: vec![],
        body: page1.to_string(),
    })
    .unwrap();
    let second = bulk.next_request().unwrap();
    assert_ne!(second, first);
    assert_eq!(
        subrequest_urls(&second),
        ["/services/data/v66.0/query/01gD0000002HU6KIAW-2000"]
    );
    let page2 = json!({"compositeResponse": [{"body": {"totalSize": 2001, "done": true,
        "records": [{"attributes": {"type": "Contact"}, "Id": "003000000000001AAA",
            "Email": "Ada@Example.com", "OwnerId": "005000000000001AAA"}]},
        "httpHeaders": {}, "httpStatusCode": 200, "referenceId": "dedupe0"}]});
    bulk.on_response(HttpResponse {
        status: 200,
        headers: vec![],
        body: page2.to_string(),
    })
    .unwrap();
    assert_eq!(
        bulk.next_request(),
        None,
        "found on page 2: nothing to create"
    );
    let o = bulk.results()[0].outcome.clone().unwrap();
    assert_eq!(
        (o.record_id.as_str(), o.created),
        ("003000000000001AAA", false)
    );
}

#[test]
fn linkedin_urls_are_looked_up_canonically_and_match_records_without_the_slash() {
    let specs = vec![
        person(
            0,
            None,
            Some("http://LinkedIn.com/in/ada-lovelace?trk=public_profile"),
        ),
        person(1, None, Some("https://uk.linkedin.com/in/ada-lovelace/")),
        person(
            2,
            None,
            Some("https://www.linkedin.com/in/grace-hopper#experience"),
        ),
    ];
    let stored = [
        json!({"attributes": {"type": "Contact"}, "Id": "003000000000007AAA",
        "Email": null, "LinkedIn_URL__c": "https://www.linkedin.com/in/ada-lovelace",
        "OwnerId": "005000000000002AAA"}),
    ];
    let mut bulk = BulkSave::new(session(), specs);
    let dedupe = bulk.next_request().unwrap();
    let q = soql(&subrequest_urls(&dedupe)[0]);
    assert!(
        q.contains("LinkedIn_URL__c IN ('https://www.linkedin.com/in/ada-lovelace', 'https://www.linkedin.com/in/ada-lovelace/', 'https://www.linkedin.com/in/grace-hopper', 'https://www.linkedin.com/in/grace-hopper/')"),
        "two spellings of Ada are one pair of keys: {q}"
    );
    assert!(!q.contains("trk") && !q.contains("uk.linkedin"));
    bulk.on_response(answer_with(&dedupe, &stored)).unwrap();
    let create = bulk.next_request().unwrap();
    let records = bulk_support::body(&create)["records"].clone();
    assert_eq!(records.as_array().unwrap().len(), 1, "only Grace is new");
    bulk.on_response(answer_with(&create, &stored)).unwrap();
    assert_eq!(bulk.next_request(), None);
    let results = bulk.results();
    for i in [0, 1] {
        let o = results[i].outcome.clone().unwrap();
        assert_eq!(
            (o.record_id.as_str(), o.created),
            ("003000000000007AAA", false)
        );
        assert_eq!(o.owner_id.as_deref(), Some("005000000000002AAA"));
    }
    assert!(results[2].outcome.as_ref().unwrap().created);
}

#[test]
fn two_spellings_of_one_new_profile_are_created_once() {
    let specs = vec![
        person(0, None, Some("https://www.linkedin.com/in/ada-lovelace/")),
        person(1, None, Some("http://linkedin.com/in/ada-lovelace")),
    ];
    let mut bulk = BulkSave::new(session(), specs);
    let dedupe = bulk.next_request().unwrap();
    bulk.on_response(answer(&dedupe)).unwrap();
    let create = bulk.next_request().unwrap();
    assert_eq!(
        bulk_support::body(&create)["records"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    bulk.on_response(answer(&create)).unwrap();
    let results = bulk.results();
    let (a, b) = (
        results[0].outcome.clone().unwrap(),
        results[1].outcome.clone().unwrap(),
    );
    assert_eq!(a.record_id, b.record_id);
    assert!(a.created && !b.created);
}

/// Two people, each twice in one chunk (two spellings of their profile): each is created
/// once, and each second copy links to its own twin's record, never to the other person's.
#[test]
fn each_second_copy_links_to_its_own_twin() {
    let specs = vec![
        person(0, None, Some("https://www.linkedin.com/in/ada-lovelace/")),
        person(1, None, Some("https://www.linkedin.com/in/grace-hopper/")),
        person(2, None, Some("http://linkedin.com/in/ada-lovelace")),
        person(3, None, Some("http://linkedin.com/in/grace-hopper")),
    ];
    let mut bulk = BulkSave::new(session(), specs);
    let dedupe = bulk.next_request().unwrap();
    bulk.on_response(answer(&dedupe)).unwrap();
    let create = bulk.next_request().unwrap();
    let sent = bulk_support::body(&create)["records"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(sent, 2, "Ada and Grace, once each");
    bulk.on_response(answer(&create)).unwrap();
    let ids: Vec<String> = bulk
        .results()
        .iter()
        .map(|r| r.outcome.clone().unwrap().record_id)
        .collect();
    assert_ne!(ids[0], ids[1]);
    assert_eq!((&ids[2], &ids[3]), (&ids[0], &ids[1]));
}

/// A person the dedupe found carries the record's job as the CRM has it (a Contact's
/// `Title` and its Account's name, a Lead's `Company`): what tells a job change.
#[test]
fn a_found_person_carries_the_records_job() {
    let specs = vec![
        person(0, Some("ada@example.com"), None),
        person(1, Some("grace@example.com"), None),
    ];
    let stored = [
        json!({"attributes": {"type": "Contact"}, "Id": "003000000000007AAA",
            "Email": "ada@example.com", "Title": "Analyst",
            "Account": {"Name": "Babbage & Co"}, "OwnerId": "005000000000002AAA"}),
        json!({"attributes": {"type": "Lead"}, "Id": "00Q000000000008AAA",
            "Email": "grace@example.com", "Title": "Rear Admiral", "Company": "US Navy",
            "OwnerId": "005000000000002AAA"}),
    ];
    let mut bulk = BulkSave::new(session(), specs);
    let dedupe = bulk.next_request().unwrap();
    bulk.on_response(answer_with(&dedupe, &stored)).unwrap();
    let jobs: Vec<Option<(Option<String>, Option<String>)>> = bulk
        .results()
        .iter()
        .map(|r| {
            let job = r.outcome.clone().unwrap().crm_job?;
            Some((job.title, job.company))
        })
        .collect();
    assert_eq!(
        jobs,
        [
            Some((Some("Analyst".into()), Some("Babbage & Co".into()))),
            Some((Some("Rear Admiral".into()), Some("US Navy".into()))),
        ]
    );
}

/// Each person of a chunk is told which Account they got: the two who work at Acme (any
/// spelling) the one Account of that name the dedupe call's Account lookup found, the one
/// who named no company none.
#[test]
fn each_person_is_told_the_account_they_were_linked_to() {
    let mut specs: Vec<SaveSpec> = (0..3)
        .map(|i| person(i, Some(&format!("p{i}@example.com")), None))
        .collect();
    specs[0].new_account = Some("Acme".into());
    specs[1].new_account = Some(" ACME ".into());
    let mut bulk = BulkSave::new(session(), specs);
    let first = bulk.next_request().unwrap();
    let results: Vec<serde_json::Value> = subrequest_urls(&first)
        .iter()
        .enumerate()
        .map(|(i, url)| {
            let records = if soql(url).contains("FROM Account") {
                json!([{"attributes": {"type": "Account"}, "Id": "001A", "Name": "Acme"}])
            } else {
                json!([])
            };
            json!({"body": {"totalSize": records.as_array().unwrap().len(), "done": true, "records": records},
                "httpHeaders": {}, "httpStatusCode": 200, "referenceId": format!("dedupe{i}")})
        })
        .collect();
    bulk.on_response(HttpResponse {
        status: 200,
        headers: vec![],
        body: json!({ "compositeResponse": results }).to_string(),
    })
    .unwrap();
    while let Some(req) = bulk.next_request() {
        bulk.on_response(answer(&req)).unwrap();
    }
    let linked = Some(AccountLink::Linked("001A".into()));
    assert_eq!(bulk.account_links(), [linked.clone(), linked, None]);
}

/// A chunk's companies are looked up together: thirty people at thirty companies cost one
/// Account query in the dedupe call, naming all thirty, not a query each.
#[test]
fn a_chunks_companies_take_one_account_query() {
    let specs: Vec<SaveSpec> = (0..30)
        .map(|i| {
            let mut p = person(i, Some(&format!("p{i}@example.com")), None);
            p.new_account = Some(format!("Company {i}"));
            p
        })
        .collect();
    let bulk = BulkSave::new(session(), specs);
    let first = bulk.next_request().unwrap();
    let accounts: Vec<String> = subrequest_urls(&first)
        .iter()
        .map(|url| soql(url))
        .filter(|q| q.contains("FROM Account"))
        .collect();
    assert_eq!(accounts.len(), 1, "{accounts:#?}");
    for i in 0..30 {
        assert!(
            accounts[0].contains(&format!("'Company {i}'")),
            "{i}: {}",
            accounts[0]
        );
    }
}
