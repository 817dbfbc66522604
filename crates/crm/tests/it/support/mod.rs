//! Golden request/response pairs and the one request checker every builder is tested with.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use crm::http::parse_query;
use crm::{HttpRequest, HttpResponse};
use serde_json::Value;

/// One recorded exchange: the request a builder must produce and the answer to feed back.
pub struct Exchange {
    pub request: Option<Value>,
    pub response: HttpResponse,
}

/// Loads `tests/golden/<name>.json` (`{"source": …, "exchanges": [{request, response}]}`).
pub fn load(name: &str) -> Vec<Exchange> {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        v.get("source").is_some(),
        "{path}: every golden file names its source"
    );
    v["exchanges"]
        .as_array()
        .unwrap_or_else(|| panic!("{path}: no exchanges"))
        .iter()
        .map(|x| Exchange {
            request: x.get("request").cloned(),
            response: response(&x["response"]),
        })
        .collect()
}

/// A golden file as plain JSON (for table files such as `sf_errors`).
pub fn raw(name: &str) -> Value {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// The single exchange of a file.
pub fn load_one(name: &str) -> Exchange {
    let mut all = load(name);
    assert_eq!(all.len(), 1, "{name}: expected one exchange");
    all.remove(0)
}

fn response(v: &Value) -> HttpResponse {
    let body = match &v["body"] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    HttpResponse {
        status: u16::try_from(v["status"].as_u64().unwrap()).unwrap(),
        headers: pairs(&v["headers"]),
        body,
    }
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p[0].as_str().unwrap().to_string(),
                        p[1].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Compares a built request with a golden one: method; scheme, host and path; query
/// parameters decoded (order-free); the exact header set (names case-insensitive); JSON
/// bodies structurally, form bodies as decoded pairs.
pub fn check_request(actual: &HttpRequest, golden: &Value) {
    let ctx = golden["url"].as_str().unwrap();
    assert_eq!(
        actual.method,
        golden["method"].as_str().unwrap(),
        "method of {ctx}"
    );
    let (a_base, a_query) = split_url(&actual.url);
    let (g_base, g_query) = split_url(ctx);
    assert_eq!(a_base, g_base, "URL without query");
    assert_eq!(
        sorted(parse_query(&a_query)),
        sorted(parse_query(&g_query)),
        "query of {ctx}"
    );
    let norm = |h: Vec<(String, String)>| {
        sorted(
            h.into_iter()
                .map(|(n, v)| (n.to_ascii_lowercase(), v))
                .collect(),
        )
    };
    assert_eq!(
        norm(actual.headers.clone()),
        norm(pairs(&golden["headers"])),
        "headers of {ctx}"
    );
    match (&golden["body"], &actual.body) {
        (Value::Null, None) => {}
        (Value::String(form), Some(body)) => {
            assert_eq!(
                sorted(parse_query(body)),
                sorted(parse_query(form)),
                "form body of {ctx}"
            )
        }
        (json, Some(body)) => {
            let actual: Value = serde_json::from_str(body)
                .unwrap_or_else(|e| panic!("{ctx}: body is not JSON: {e}"));
            assert_eq!(&actual, json, "JSON body of {ctx}");
        }
        (g, a) => panic!("{ctx}: body mismatch: golden {g}, actual {a:?}"),
    }
}

fn split_url(url: &str) -> (String, String) {
    match url.split_once('?') {
        Some((b, q)) => (b.to_string(), q.to_string()),
        None => (url.to_string(), String::new()),
    }
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

/// A save of `prospect` as a new `record`: no owner, no activity, no Account, nothing known.
pub fn save_of(record: crm::RecordKind, prospect: crm::Prospect) -> crm::SaveSpec {
    crm::SaveSpec {
        record,
        prospect,
        owner_id: None,
        existing_id: None,
        activity: None,
        description: None,
        account_id: None,
        new_account: None,
    }
}
