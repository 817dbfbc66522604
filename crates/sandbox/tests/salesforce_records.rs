//! The Salesforce REST emulation: records, the org's rules and every error code the product
//! maps, one row per situation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::Harness;
use serde_json::{json, Value};

const V: &str = "/services/data/v66.0";

#[test]
fn create_retrieve_update_delete() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let created = h.sf_create(
        &token,
        "Contact",
        json!({"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"}),
        &[],
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        created.json(),
        json!({"id": id, "success": true, "errors": []})
    );
    assert_eq!((id.len(), &id[..3]), (18, "003"));
    assert_eq!(
        created.header("location"),
        Some(format!("{V}/sobjects/Contact/{id}").as_str())
    );
    let record = h
        .get(&format!("{V}/sobjects/Contact/{id}"), Some(&token))
        .json();
    assert_eq!(record["attributes"]["type"], "Contact");
    assert_eq!(record["Name"], "Ada Lovelace");
    let rep = h.sf_user_id("rep@acme.example");
    assert_eq!(
        (record["CreatedById"].as_str(), record["OwnerId"].as_str()),
        (Some(rep.as_str()), Some(rep.as_str()))
    );
    let patched = h.json(
        "PATCH",
        &format!("{V}/sobjects/Contact/{id}"),
        &token,
        &json!({"Title": "CTO"}),
        &[],
    );
    assert_eq!(patched.status, 204);
    let some = h
        .get(
            &format!("{V}/sobjects/Contact/{id}?fields=Title,LastName"),
            Some(&token),
        )
        .json();
    assert_eq!(
        (some["Title"].as_str(), some.get("Email")),
        (Some("CTO"), None)
    );
    assert_eq!(
        h.send(
            "DELETE",
            &format!("{V}/sobjects/Contact/{id}"),
            &[("authorization", &format!("Bearer {token}"))],
            None
        )
        .status,
        204
    );
    let gone = h.get(&format!("{V}/sobjects/Contact/{id}"), Some(&token));
    assert_eq!(
        (gone.status, gone.sf_error_code()),
        (404, "NOT_FOUND".to_string())
    );
}

#[test]
fn created_by_is_always_the_token_user_and_owner_is_kept() {
    let h = Harness::start();
    let token = h.sf_login("integration@acme.example");
    let rep = h.sf_user_id("rep@acme.example");
    let reply = h.sf_create(
        &token,
        "Contact",
        json!({"LastName": "Byron", "OwnerId": rep, "CreatedById": rep}),
        &[],
    );
    assert_eq!(
        reply.sf_error_code(),
        "INVALID_FIELD_FOR_INSERT_UPDATE",
        "CreatedById cannot be set"
    );
    let reply = h.sf_create(
        &token,
        "Contact",
        json!({"LastName": "Byron", "OwnerId": &rep[..15]}),
        &[],
    );
    assert_eq!(reply.status, 201);
    let stored = h.records("Contact");
    assert_eq!(
        stored[0]["OwnerId"],
        rep.as_str(),
        "15-char ids are stored as 18"
    );
    assert_eq!(
        stored[0]["CreatedById"],
        h.sf_user_id("integration@acme.example")
    );
    assert_eq!(
        stored[0]["LastModifiedById"],
        h.sf_user_id("integration@acme.example")
    );
    assert!(stored[0]["CreatedDate"]
        .as_str()
        .unwrap()
        .ends_with("+0000"));
}

#[test]
fn lead_assignment_rule_runs_unless_auto_assign_is_false() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let rep = h.sf_user_id("rep@acme.example");
    let admin = h.sf_user_id("admin@acme.example");
    let lead = json!({"LastName": "Hopper", "Company": "Navy", "OwnerId": rep});
    let assigned = h.sf_create(&token, "Lead", lead.clone(), &[]).json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let kept = h
        .sf_create(
            &token,
            "Lead",
            json!({"LastName": "Hopper2", "Company": "Navy", "OwnerId": rep}),
            &[("Sforce-Auto-Assign", "FALSE")],
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let owner = |id: &str| {
        h.get(&format!("{V}/sobjects/Lead/{id}"), Some(&token))
            .json()["OwnerId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(owner(&assigned), admin);
    assert_eq!(owner(&kept), rep);
    h.admin("POST", "settings", json!({"lead_assignment_rule": false}));
    let off = h
        .sf_create(
            &token,
            "Lead",
            json!({"LastName": "Hopper3", "Company": "Navy"}),
            &[],
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(owner(&off), rep);
}

/// One row per error code: who calls, what they send, what comes back.
#[test]
fn every_error_code_the_product_maps() {
    let h = Harness::start();
    let rep_token = h.sf_login("rep@acme.example");
    let readonly_token = h.sf_login("readonly@acme.example");
    let gone = h.sf_user_id("gone@acme.example");
    h.sf_create(
        &rep_token,
        "Contact",
        json!({"LastName": "Dup", "Email": "dup@example.com"}),
        &[],
    );
    let unknown_user = "005Hs0000000999";
    let rows: Vec<(&str, &str, Value, u16, &str)> = vec![
        (
            "read-only user writes",
            &readonly_token,
            json!({"LastName": "X"}),
            400,
            "INSUFFICIENT_ACCESS_OR_READONLY",
        ),
        (
            "owner does not exist",
            &rep_token,
            json!({"LastName": "X", "OwnerId": unknown_user}),
            400,
            "INVALID_CROSS_REFERENCE_KEY",
        ),
        (
            "owner is inactive",
            &rep_token,
            json!({"LastName": "X", "OwnerId": gone}),
            400,
            "INACTIVE_OWNER_OR_USER",
        ),
        (
            "owner id malformed",
            &rep_token,
            json!({"LastName": "X", "OwnerId": "nope"}),
            400,
            "MALFORMED_ID",
        ),
        (
            "duplicate email, other case",
            &rep_token,
            json!({"LastName": "X", "Email": "DUP@example.com"}),
            400,
            "DUPLICATES_DETECTED",
        ),
        (
            "no LastName",
            &rep_token,
            json!({"FirstName": "X"}),
            400,
            "REQUIRED_FIELD_MISSING",
        ),
        (
            "LastName over 80",
            &rep_token,
            json!({"LastName": "x".repeat(81)}),
            400,
            "STRING_TOO_LONG",
        ),
        (
            "FirstName over 40",
            &rep_token,
            json!({"LastName": "X", "FirstName": "y".repeat(41)}),
            400,
            "STRING_TOO_LONG",
        ),
        (
            "Title over 128",
            &rep_token,
            json!({"LastName": "X", "Title": "t".repeat(129)}),
            400,
            "STRING_TOO_LONG",
        ),
        (
            "Email over 80",
            &rep_token,
            json!({"LastName": "X", "Email": format!("{}@example.com", "e".repeat(70))}),
            400,
            "STRING_TOO_LONG",
        ),
        (
            "unknown field",
            &rep_token,
            json!({"LastName": "X", "Nope__c": 1}),
            400,
            "INVALID_FIELD",
        ),
        (
            "Id in body",
            &rep_token,
            json!({"LastName": "X", "Id": "003Hs0000000001AAA"}),
            400,
            "INVALID_FIELD",
        ),
    ];
    for (situation, token, body, status, code) in rows {
        let reply = h.sf_create(token, "Contact", body, &[]);
        assert_eq!(
            (reply.status, reply.sf_error_code().as_str()),
            (status, code),
            "{situation}: {}",
            reply.body
        );
        assert!(reply.json()[0]["message"].is_string(), "{situation}");
    }
    let long_subject = h.sf_create(&rep_token, "Task", json!({"Subject": "s".repeat(256)}), &[]);
    assert_eq!(long_subject.sf_error_code(), "STRING_TOO_LONG");
    let lead = h.sf_create(&rep_token, "Lead", json!({"LastName": "X"}), &[]);
    assert_eq!(lead.json()[0]["fields"], json!(["Company"]));
    assert_eq!(
        lead.json()[0]["message"],
        "Required fields are missing: [Company]"
    );
}

#[test]
fn duplicates_detected_carries_the_misspelled_detail_and_allow_save_bypasses_it() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let first = h
        .sf_create(
            &token,
            "Lead",
            json!({"LastName": "A", "Company": "C", "Email": "a@example.com"}),
            &[],
        )
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let dup = h.sf_create(
        &token,
        "Lead",
        json!({"LastName": "B", "Company": "C", "Email": "A@Example.com"}),
        &[],
    );
    let body = dup.json();
    assert_eq!(body[0]["errorCode"], "DUPLICATES_DETECTED");
    let detail = &body[0]["duplicateResut"];
    assert_eq!(detail["duplicateRuleEntityType"], "Lead");
    assert_eq!(
        detail["matchResults"][0]["matchRecords"][0]["record"]["Id"],
        first.as_str()
    );
    let saved = h.sf_create(
        &token,
        "Lead",
        json!({"LastName": "B", "Company": "C", "Email": "a@example.com"}),
        &[("Sforce-Duplicate-Rule-Header", "allowSave=true")],
    );
    assert_eq!(saved.status, 201);
    h.admin("POST", "settings", json!({"duplicate_rule": false}));
    assert_eq!(
        h.sf_create(
            &token,
            "Lead",
            json!({"LastName": "C", "Company": "C", "Email": "a@example.com"}),
            &[]
        )
        .status,
        201
    );
}

#[test]
fn api_usage_header_limit_and_disabled_org() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let first = h.get(&format!("{V}/sobjects"), Some(&token));
    assert_eq!(first.header("sforce-limit-info"), Some("api-usage=1/15000"));
    let second = h.get(&format!("{V}/sobjects"), Some(&token));
    assert_eq!(
        second.header("sforce-limit-info"),
        Some("api-usage=2/15000")
    );
    h.admin("POST", "settings", json!({"api_limit": 3}));
    assert_eq!(h.get(&format!("{V}/sobjects"), Some(&token)).status, 200);
    let over = h.get(&format!("{V}/sobjects"), Some(&token));
    assert_eq!(
        (over.status, over.sf_error_code()),
        (403, "REQUEST_LIMIT_EXCEEDED".to_string())
    );
    assert_eq!(over.header("sforce-limit-info"), Some("api-usage=3/3"));
    h.admin(
        "POST",
        "settings",
        json!({"api_limit": 100, "api_disabled": true}),
    );
    let disabled = h.get(&format!("{V}/sobjects"), Some(&token));
    assert_eq!(
        (disabled.status, disabled.sf_error_code()),
        (403, "API_DISABLED_FOR_ORG".to_string())
    );
    // The version list is not an API call.
    assert_eq!(h.get("/services/data/", None).status, 200);
}

#[test]
fn describe_reflects_the_callers_profile() {
    let h = Harness::start();
    for (user, writable) in [("rep@acme.example", true), ("readonly@acme.example", false)] {
        let token = h.sf_login(user);
        let d = h
            .get(&format!("{V}/sobjects/Lead/describe"), Some(&token))
            .json();
        assert_eq!(d["createable"], writable, "{user}");
        let last = d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "LastName")
            .unwrap()
            .clone();
        assert_eq!(
            (last["createable"].as_bool(), last["length"].as_u64()),
            (Some(writable), Some(80))
        );
        let name = d["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Name")
            .unwrap()
            .clone();
        assert_eq!(name["createable"], false);
    }
}
