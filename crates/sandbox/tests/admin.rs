//! The admin / fault-injection API: counts, faults, latency, records, settings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use common::Harness;
use serde_json::json;

#[test]
fn counts_only_crm_api_calls_per_endpoint() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    h.admin("POST", "reset-counts", json!({}));
    h.sf_create(&token, "Contact", json!({"LastName": "A"}), &[]);
    h.sf_create(&token, "Contact", json!({"LastName": "B"}), &[]);
    h.get("/services/data/v62.0/sobjects", Some(&token));
    h.get("/crm/v3/owners", Some("pat-sandbox-integration"));
    h.sf_login("rep2@acme.example");
    let counts = h.admin("GET", "counts", json!({}));
    assert_eq!(counts["POST /services/data/vXX.X/sobjects/Contact"], 2);
    assert_eq!(counts["GET /services/data/vXX.X/sobjects"], 1);
    assert_eq!(counts["GET /crm/v3/owners"], 1);
    assert_eq!(counts["total"], 4, "OAuth calls are not counted: {counts}");
    h.admin("POST", "reset-counts", json!({}));
    assert_eq!(h.admin("GET", "counts", json!({}))["total"], 0);
}

#[test]
fn hosts_count_crm_requests_per_host_name() {
    let h = Harness::start();
    h.admin("POST", "reset-counts", json!({}));
    let token = h.sf_login("rep@acme.example");
    let auth = format!("Bearer {token}");
    let headers = [
        ("host", "acme--uat.sandbox.my.salesforce.com"),
        ("authorization", auth.as_str()),
    ];
    let reply = h.send("GET", "/services/data/v62.0/sobjects", &headers, None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    h.get("/", None);
    let hosts = h.admin("GET", "hosts", json!({}));
    assert_eq!(hosts["acme--uat.sandbox.my.salesforce.com"], 1, "{hosts}");
    assert_eq!(
        hosts["127.0.0.1"], 1,
        "the login, not the admin or home page: {hosts}"
    );
    h.admin("POST", "reset-counts", json!({}));
    assert_eq!(h.admin("GET", "hosts", json!({})), json!({}));
}

#[test]
fn faults_fail_the_next_n_calls_then_stop() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    h.admin("POST", "faults", json!({"status": 503, "count": 2}));
    let statuses: Vec<u16> = (0..3)
        .map(|_| h.get("/services/data/v66.0/sobjects", Some(&token)).status)
        .collect();
    assert_eq!(statuses, vec![503, 503, 200]);
    h.admin(
        "POST",
        "faults",
        json!({"status": 503, "count": 1, "path_prefix": "/crm/"}),
    );
    assert_eq!(
        h.get("/services/data/v66.0/sobjects", Some(&token)).status,
        200,
        "other prefixes are untouched"
    );
    assert_eq!(
        h.get("/crm/v3/owners", Some("pat-sandbox-integration"))
            .status,
        503
    );
}

#[test]
fn faults_carry_the_retry_after_a_test_asks_for() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let retry_after = |reply: &common::Reply| {
        reply
            .headers
            .iter()
            .filter(|(name, _)| name == "retry-after")
            .map(|(_, value)| value.clone())
            .collect::<Vec<_>>()
    };
    let sobjects = "/services/data/v66.0/sobjects";
    h.admin("POST", "faults", json!({"status": 503, "count": 1}));
    let plain = h.get(sobjects, Some(&token));
    assert_eq!((plain.status, retry_after(&plain)), (503, vec![]));
    h.admin("POST", "faults", json!({"status": 429, "count": 1}));
    let limited = h.get(sobjects, Some(&token));
    assert_eq!(
        (limited.status, retry_after(&limited)),
        (429, vec!["1".to_string()])
    );
    let set = h.admin(
        "POST",
        "faults",
        json!({"status": 503, "count": 2, "retry_after": 7}),
    );
    assert_eq!(set["retry_after"], 7);
    for _ in 0..2 {
        let asked = h.get(sobjects, Some(&token));
        assert_eq!(
            (asked.status, retry_after(&asked)),
            (503, vec!["7".to_string()])
        );
    }
    h.admin(
        "POST",
        "faults",
        json!({"status": 429, "count": 1, "retry_after": 3, "path_prefix": "/crm/"}),
    );
    let hubspot = h.get("/crm/v3/owners", Some("pat-sandbox-integration"));
    assert_eq!(
        (hubspot.status, retry_after(&hubspot)),
        (429, vec!["3".to_string()]),
        "one Retry-After, the one asked for"
    );
    assert_eq!(
        h.get(sobjects, Some(&token)).status,
        200,
        "the faults are used up"
    );
}

#[test]
fn latency_delays_requests() {
    let h = Harness::start();
    h.admin("POST", "latency", json!({"ms": 300}));
    let started = Instant::now();
    h.get("/crm/v3/owners", Some("pat-sandbox-integration"));
    assert!(started.elapsed().as_millis() >= 300);
    h.admin("POST", "latency", json!({"ms": 0}));
}

#[test]
fn records_and_settings_are_visible() {
    let h = Harness::start();
    let users = h.records("User");
    assert_eq!(
        users.len(),
        9,
        "admin, integration, readonly, gone and five standard reps"
    );
    assert!(users
        .iter()
        .any(|u| u["Username"] == "gone@acme.example" && u["IsActive"] == false));
    let settings = h.admin("POST", "settings", json!({"api_limit": 42}));
    assert_eq!(
        (
            settings["api_limit"].as_i64(),
            settings["lead_assignment_rule"].as_bool()
        ),
        (Some(42), Some(true))
    );
}
