//! The bulk state machine's call budget: at most 2·ceil(N/200) calls for plain saves, split
//! dedupe queries when the URL would be too long, one result per input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::http::parse_query;
use crm::salesforce::bulk::{BulkSave, MAX_QUERY_URL_LEN};
use crm::salesforce::SfSession;
use crm::{ActivityKind, ActivityLog, HttpRequest, HttpResponse, Prospect, RecordKind, SaveSpec};
use serde_json::{json, Value};

fn spec(i: usize, email: String) -> SaveSpec {
    SaveSpec {
        record: RecordKind::Lead,
        prospect: Prospect {
            last_name: format!("Person {i}"),
            email: Some(email),
            ..Prospect::default()
        },
        owner_id: None,
        existing_id: None,
        activity: None,
        description: None,
    }
}

/// A fake org that knows nobody and creates everything it is asked to.
fn answer(req: &HttpRequest) -> HttpResponse {
    let body = if req.method == "GET" {
        json!({"totalSize": 0, "done": true, "records": []})
    } else {
        let sent: Value = serde_json::from_str(req.body.as_deref().unwrap()).unwrap();
        let n = sent["records"].as_array().unwrap().len();
        Value::Array(
            (0..n)
                .map(|i| json!({"id": format!("00Q{i:015}"), "success": true, "errors": []}))
                .collect(),
        )
    };
    HttpResponse {
        status: 200,
        headers: vec![],
        body: body.to_string(),
    }
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

#[test]
fn four_hundred_fifty_people_cost_six_calls() {
    let specs: Vec<SaveSpec> = (0..450)
        .map(|i| spec(i, format!("p{i}@example.com")))
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    assert_eq!(sent.len(), 6, "2 calls for each of 3 chunks");
    let creates: Vec<usize> = sent
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| {
            serde_json::from_str::<Value>(r.body.as_deref().unwrap()).unwrap()["records"]
                .as_array()
                .unwrap()
                .len()
        })
        .collect();
    assert_eq!(creates, [200, 200, 50]);
    let results = bulk.results();
    assert_eq!(results.len(), 450);
    assert!(results
        .iter()
        .all(|r| r.outcome.as_ref().is_ok_and(|o| o.created)));
}

#[test]
fn long_keys_split_the_dedupe_query_under_the_url_limit() {
    let specs: Vec<SaveSpec> = (0..200)
        .map(|i| spec(i, format!("{}{i:03}@example.com", "x".repeat(60))))
        .collect();
    let mut bulk = BulkSave::new(SfSession::new("https://acme.my.salesforce.com", "t"), specs);
    let sent = run(&mut bulk);
    let queries: Vec<&HttpRequest> = sent.iter().filter(|r| r.method == "GET").collect();
    assert!(queries.len() > 1, "200 long e-mails do not fit one URL");
    assert!(queries.iter().all(|q| q.url.len() <= MAX_QUERY_URL_LEN));
    let soql: String = queries
        .iter()
        .map(|q| parse_query(q.url.split_once('?').unwrap().1)[0].1.clone())
        .collect();
    for i in 0..200 {
        assert!(
            soql.contains(&format!("{i:03}@example.com'")),
            "e-mail {i} was looked up"
        );
    }
    assert_eq!(sent.iter().filter(|r| r.method == "POST").count(), 1);
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
    assert_eq!(sent.len(), 3, "query, create, tasks");
    let results = bulk.results();
    let (a, b) = (
        results[0].outcome.as_ref().unwrap(),
        results[1].outcome.as_ref().unwrap(),
    );
    assert_eq!(a.record_id, b.record_id);
    assert!(a.created && !b.created);
    assert!(b.activity_id.is_some() && a.activity_id.is_none());
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
