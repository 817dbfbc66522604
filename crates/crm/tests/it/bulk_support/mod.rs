//! A fake org for the bulk tests: it knows the records it is given, answers Composite
//! dedupe calls subrequest by subrequest, and creates whatever it is asked to.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use crm::http::{parse_query, percent_decode};
use crm::{HttpRequest, HttpResponse};
use serde_json::{json, Value};

/// The JSON body of a request.
pub fn body(req: &HttpRequest) -> Value {
    serde_json::from_str(req.body.as_deref().unwrap()).unwrap()
}

/// Is this the Composite dedupe call (and not a Collections create)?
pub fn is_dedupe(req: &HttpRequest) -> bool {
    req.method == "POST" && req.url.ends_with("/services/data/v66.0/composite")
}

/// The subrequest URLs of a Composite dedupe call (each a `GET`).
pub fn subrequest_urls(req: &HttpRequest) -> Vec<String> {
    assert!(is_dedupe(req), "not a Composite call: {}", req.url);
    let b = body(req);
    assert_eq!(b["allOrNone"], json!(false));
    b["compositeRequest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["method"], "GET");
            s["url"].as_str().unwrap().to_string()
        })
        .collect()
}

/// The SOQL of a subrequest URL.
pub fn soql(url: &str) -> String {
    parse_query(url.split_once('?').unwrap().1)[0].1.clone()
}

fn ok(body: Value) -> HttpResponse {
    HttpResponse {
        status: 200,
        headers: vec![],
        body: body.to_string(),
    }
}

/// An org that knows `known` (query records): a query returns those whose `Email` or
/// `LinkedIn_URL__c` literal appears in its SOQL (compared as SOQL does, ignoring case).
pub fn answer_with(req: &HttpRequest, known: &[Value]) -> HttpResponse {
    if is_dedupe(req) {
        let results: Vec<Value> = subrequest_urls(req)
            .iter()
            .enumerate()
            .map(|(i, url)| {
                let q = soql(url).to_lowercase();
                let records: Vec<Value> = known
                    .iter()
                    .filter(|r| {
                        ["Email", "LinkedIn_URL__c"].iter().any(|f| {
                            r[f].as_str()
                                .is_some_and(|v| q.contains(&format!("'{}'", v.to_lowercase())))
                        })
                    })
                    .cloned()
                    .collect();
                json!({"body": {"totalSize": records.len(), "done": true, "records": records},
                    "httpHeaders": {}, "httpStatusCode": 200, "referenceId": format!("dedupe{i}")})
            })
            .collect();
        return ok(json!({ "compositeResponse": results }));
    }
    assert!(req.url.ends_with("/composite/sobjects"), "{}", req.url);
    let n = body(req)["records"].as_array().unwrap().len();
    ok(Value::Array(
        (0..n)
            .map(|i| json!({"id": format!("00Q{i:015}"), "success": true, "errors": []}))
            .collect(),
    ))
}

/// An org that knows nobody.
pub fn answer(req: &HttpRequest) -> HttpResponse {
    answer_with(req, &[])
}

/// Decodes a percent-encoded URL part (for readable assertions).
pub fn decoded(s: &str) -> String {
    percent_decode(s)
}
