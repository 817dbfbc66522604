//! The HubSpot emulation: OAuth with a required secret, contacts (409 on duplicates, read by
//! email, search, batch), owners, engagements with associations, auth errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{enc, query_param, Harness};
use serde_json::{json, Value};

const PAT: &str = "pat-sandbox-integration";
const REDIRECT: &str = "https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/hubspot";

fn oauth_tokens(h: &Harness, user: &str) -> Value {
    let path = format!(
        "/oauth/authorize?client_id=leadline-hubspot-client&redirect_uri={}&scope={}&state=st",
        enc(REDIRECT),
        enc("oauth crm.objects.contacts.write")
    );
    let location = h.authorize(&path, user, "allow");
    let code = query_param(&location, "code").unwrap();
    let no_secret = h.form(
        "/oauth/v1/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "leadline-hubspot-client"),
            ("redirect_uri", REDIRECT),
            ("code", &code),
        ],
    );
    assert_eq!(no_secret.status, 400, "client_secret is required");
    let reply = h.form(
        "/oauth/v1/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "leadline-hubspot-client"),
            ("client_secret", "leadline-hubspot-secret"),
            ("redirect_uri", REDIRECT),
            ("code", &code),
        ],
    );
    // The failed attempt consumed nothing: a bad client never reaches the code.
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()
}

#[test]
fn oauth_flow_token_info_and_refresh() {
    let h = Harness::start();
    let tokens = oauth_tokens(&h, "rep@acme.example");
    assert_eq!(tokens["token_type"], "bearer");
    assert_eq!(tokens["expires_in"], 1800);
    assert_eq!(
        (tokens["hub_id"].as_u64(), tokens["user_id"].as_u64()),
        (Some(24_681_357), Some(9_586_003))
    );
    let access = tokens["access_token"].as_str().unwrap();
    let info = h
        .get(&format!("/oauth/v1/access-tokens/{access}"), None)
        .json();
    assert_eq!(
        (info["user"].as_str(), info["user_id"].as_u64()),
        (Some("rep@acme.example"), Some(9_586_003))
    );
    let owner = h
        .get("/crm/v3/owners/9586003?idProperty=userId", Some(access))
        .json();
    assert_eq!(owner["id"], "41629003");
    let refreshed = h.form(
        "/oauth/v1/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "leadline-hubspot-client"),
            ("client_secret", "leadline-hubspot-secret"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    );
    assert_eq!(refreshed.status, 200);
    let dated = h.form(
        "/oauth/2026-03/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "leadline-hubspot-client"),
            ("client_secret", "leadline-hubspot-secret"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    );
    assert_eq!(dated.status, 200, "{}", dated.body);
    let introspect = |secret: &str| {
        h.form(
            "/oauth/2026-03/token/introspect",
            &[
                ("client_id", "leadline-hubspot-client"),
                ("client_secret", secret),
                ("token", access),
            ],
        )
    };
    assert_eq!(
        introspect("wrong").status,
        400,
        "introspection needs the secret"
    );
    let info = introspect("leadline-hubspot-secret").json();
    assert_eq!(
        (info["active"].as_bool(), info["user_id"].as_u64()),
        (Some(true), Some(9_586_003))
    );
    assert_ne!(refreshed.json()["access_token"], tokens["access_token"]);
    let bad = h.form(
        "/oauth/v1/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", "leadline-hubspot-client"),
            ("client_secret", "leadline-hubspot-secret"),
            ("refresh_token", "nope"),
        ],
    );
    assert_eq!(
        (bad.json()["status"].as_str(), bad.json()["error"].as_str()),
        (Some("BAD_REFRESH_TOKEN"), Some("invalid_grant"))
    );
    h.admin("POST", "expire-tokens", json!({}));
    let expired = h.get("/crm/v3/objects/contacts", Some(access));
    assert_eq!(
        (expired.status, expired.json()["category"].as_str()),
        (401, Some("EXPIRED_AUTHENTICATION"))
    );
    let none = h.get("/crm/v3/objects/contacts", None);
    assert_eq!(
        (none.status, none.json()["category"].as_str()),
        (401, Some("INVALID_AUTHENTICATION"))
    );
}

fn create_contact(h: &Harness, path: &str, props: Value) -> common::Reply {
    h.json("POST", path, PAT, &json!({"properties": props}), &[])
}

#[test]
fn contacts_create_conflict_read_by_email_and_versioned_paths() {
    let h = Harness::start();
    let created = create_contact(
        &h,
        "/crm/v3/objects/contacts",
        json!({"email": "Ada@Example.com", "firstname": "Ada", "lastname": "Lovelace", "hubspot_owner_id": "41629003"}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    assert_eq!(created.json()["properties"]["hs_object_id"], id.as_str());
    let conflict = create_contact(
        &h,
        "/crm/objects/2026-03/contacts",
        json!({"email": "ada@example.com"}),
    );
    assert_eq!(conflict.status, 409);
    assert_eq!(conflict.json()["category"], "CONFLICT");
    assert_eq!(
        conflict.json()["message"],
        format!("Contact already exists. Existing ID: {id}")
    );
    assert!(conflict.json()["correlationId"].is_string());
    let by_email = h.get("/crm/v3/objects/contacts/ADA%40example.com?idProperty=email&properties=email,hubspot_owner_id", Some(PAT));
    assert_eq!(by_email.status, 200, "{}", by_email.body);
    assert_eq!(
        (
            by_email.json()["id"].as_str(),
            by_email.json()["properties"]["hubspot_owner_id"].as_str()
        ),
        (Some(id.as_str()), Some("41629003"))
    );
    let same = h
        .get(&format!("/crm/objects/2026-03/contacts/{id}"), Some(PAT))
        .json();
    assert_eq!(same["properties"]["email"], "ada@example.com");
    let missing = h.get(
        "/crm/v3/objects/contacts/nobody%40example.com?idProperty=email",
        Some(PAT),
    );
    assert_eq!(
        (missing.status, missing.json()["category"].as_str()),
        (404, Some("OBJECT_NOT_FOUND"))
    );
    let records = h.records("contacts");
    assert_eq!(records.len(), 1);
}

#[test]
fn validation_errors() {
    let h = Harness::start();
    for (props, code) in [
        (json!({"email": "x@@bad"}), "INVALID_EMAIL"),
        (
            json!({"email": "ok@example.com", "hubspot_owner_id": "999"}),
            "INVALID_OPTION",
        ),
        (
            json!({"email": "ok2@example.com", "hubspot_owner_id": "41629006"}),
            "INVALID_OPTION",
        ),
        (json!({"nope_property": "x"}), "PROPERTY_DOESNT_EXIST"),
    ] {
        let reply = create_contact(&h, "/crm/v3/objects/contacts", props.clone());
        assert_eq!(
            (reply.status, reply.json()["category"].as_str()),
            (400, Some("VALIDATION_ERROR")),
            "{props}"
        );
        assert!(
            reply.json()["message"].as_str().unwrap().contains(code),
            "{props}: {}",
            reply.body
        );
    }
}

#[test]
fn enumeration_properties_take_only_their_internal_values() {
    let h = Harness::start();
    // The label ("Lead") and a near miss ("LEAD") are refused; nothing is stored.
    for (path, props) in [
        (
            "contacts",
            json!({"email": "a@example.com", "lifecyclestage": "Lead"}),
        ),
        (
            "contacts",
            json!({"email": "b@example.com", "hs_lead_status": "new"}),
        ),
        (
            "tasks",
            json!({"hs_timestamp": "2026-03-01T10:00:00.000Z", "hs_task_status": "Done"}),
        ),
    ] {
        let reply = create_contact(&h, &format!("/crm/v3/objects/{path}"), props.clone());
        assert_eq!(
            (reply.status, reply.json()["category"].as_str()),
            (400, Some("VALIDATION_ERROR")),
            "{props}: {}",
            reply.body
        );
        let message = reply.json()["message"].as_str().unwrap().to_string();
        assert!(
            message.starts_with("Property values were not valid: [{"),
            "{message}"
        );
        let items: Value =
            serde_json::from_str(message.trim_start_matches("Property values were not valid: "))
                .unwrap();
        assert_eq!(items[0]["error"], "INVALID_OPTION", "{message}");
        assert_eq!(items[0]["isValid"], false);
        assert_eq!(reply.json()["errors"][0]["code"], "INVALID_OPTION");
    }
    assert!(h.records("contacts").is_empty());
    assert!(h.records("tasks").is_empty());
    let created = create_contact(
        &h,
        "/crm/v3/objects/contacts",
        json!({"email": "c@example.com", "lifecyclestage": "lead", "hs_lead_status": "NEW"}),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_str().unwrap().to_string();
    let update = h.json(
        "PATCH",
        &format!("/crm/v3/objects/contacts/{id}"),
        PAT,
        &json!({"properties": {"lifecyclestage": "Customer"}}),
        &[],
    );
    assert_eq!(update.status, 400, "{}", update.body);
    assert!(update.body.contains("INVALID_OPTION"));
}

#[test]
fn search_batch_owners_and_engagements() {
    let h = Harness::start();
    // Search right after the batch create: the indexing lag has its own test below.
    h.admin("POST", "settings", json!({"hs_search_delay_ms": 0}));
    let inputs: Vec<Value> = (0..3).map(|i| json!({"properties": {"email": format!("b{i}@example.com"), "lastname": format!("B{i}")}})).collect();
    let batch = h.json(
        "POST",
        "/crm/v3/objects/contacts/batch/create",
        PAT,
        &json!({"inputs": inputs}),
        &[],
    );
    assert_eq!(batch.status, 201, "{}", batch.body);
    assert_eq!(
        (
            batch.json()["status"].as_str(),
            batch.json()["results"].as_array().map(Vec::len)
        ),
        (Some("COMPLETE"), Some(3))
    );
    let over: Vec<Value> = (0..101)
        .map(|i| json!({"properties": {"lastname": format!("n{i}")}}))
        .collect();
    assert_eq!(
        h.json(
            "POST",
            "/crm/v3/objects/contacts/batch/create",
            PAT,
            &json!({"inputs": over}),
            &[]
        )
        .status,
        400
    );
    let dup = h.json(
        "POST",
        "/crm/v3/objects/contacts/batch/create",
        PAT,
        &json!({"inputs": [{"properties": {"email": "b0@example.com"}}]}),
        &[],
    );
    assert_eq!(dup.status, 409);
    let search = h.json("POST", "/crm/v3/objects/contacts/search", PAT, &json!({
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "B1@example.com"}]}],
        "properties": ["email", "lastname"], "limit": 1
    }), &[]).json();
    assert_eq!(
        (
            search["total"].as_u64(),
            search["results"][0]["properties"]["lastname"].as_str()
        ),
        (Some(1), Some("B1"))
    );
    let owners = h
        .get("/crm/v3/owners?email=rep2%40acme.example", Some(PAT))
        .json();
    assert_eq!(owners["results"][0]["id"], "41629004");
    let active = h.get("/crm/v3/owners", Some(PAT)).json();
    assert_eq!(active["results"].as_array().unwrap().len(), 8);
    let archived = h.get("/crm/v3/owners?archived=true", Some(PAT)).json();
    assert_eq!(archived["results"][0]["email"], "gone@acme.example");
    let contact_id = batch.json()["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let note = h.json("POST", "/crm/v3/objects/notes", PAT, &json!({
        "properties": {"hs_note_body": "Met at a conference", "hs_timestamp": "2026-03-01T10:00:00.000Z", "hubspot_owner_id": "41629003"},
        "associations": [{"to": {"id": contact_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]
    }), &[]);
    assert_eq!(note.status, 201, "{}", note.body);
    let with_notes = h
        .get(
            &format!("/crm/v3/objects/contacts/{contact_id}?associations=notes"),
            Some(PAT),
        )
        .json();
    assert_eq!(
        with_notes["associations"]["notes"]["results"][0]["id"],
        note.json()["id"]
    );
    let no_timestamp = h.json(
        "POST",
        "/crm/v3/objects/notes",
        PAT,
        &json!({"properties": {"hs_note_body": "x"}}),
        &[],
    );
    assert_eq!(no_timestamp.status, 400);
    let bad_assoc = h.json("POST", "/crm/v3/objects/notes", PAT, &json!({
        "properties": {"hs_timestamp": "2026-03-01T10:00:00.000Z"},
        "associations": [{"to": {"id": "999999"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202}]}]
    }), &[]);
    assert_eq!(bad_assoc.status, 400);
}

#[test]
fn injected_429_carries_rate_limit_headers() {
    let h = Harness::start();
    h.admin(
        "POST",
        "faults",
        json!({"status": 429, "count": 1, "path_prefix": "/crm/"}),
    );
    let limited = h.get("/crm/v3/owners", Some(PAT));
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["category"], "RATE_LIMITS");
    assert!(limited.header("x-hubspot-ratelimit-remaining").is_some());
    assert!(limited.header("x-hubspot-ratelimit-daily").is_some());
    assert_eq!(h.get("/crm/v3/owners", Some(PAT)).status, 200);
}

#[test]
fn search_lags_behind_reads_when_an_indexing_delay_is_set() {
    let h = Harness::start();
    h.admin("POST", "settings", json!({"hs_search_delay_ms": 400}));
    create_contact(
        &h,
        "/crm/v3/objects/contacts",
        json!({"email": "fresh@example.com"}),
    );
    let search = || {
        h.json("POST", "/crm/v3/objects/contacts/search", PAT, &json!({
            "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "fresh@example.com"}]}]
        }), &[]).json()["total"].as_u64()
    };
    assert_eq!(search(), Some(0), "not indexed yet");
    assert_eq!(
        h.get(
            "/crm/v3/objects/contacts/fresh%40example.com?idProperty=email",
            Some(PAT)
        )
        .status,
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(search(), Some(1));
}

#[test]
fn search_lags_two_seconds_by_default_as_hubspot_does() {
    let h = Harness::start();
    assert_eq!(
        h.admin("GET", "settings", json!({}))["hs_search_delay_ms"],
        2_000
    );
    create_contact(
        &h,
        "/crm/v3/objects/contacts",
        json!({"email": "lagging@example.com"}),
    );
    let found = h.json("POST", "/crm/v3/objects/contacts/search", PAT, &json!({
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "lagging@example.com"}]}]
    }), &[]).json()["total"].as_u64();
    assert_eq!(
        found,
        Some(0),
        "a record made just now is not in the index yet"
    );
}
