//! The Salesforce REST emulation: SOQL, Composite and sObject Collections.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{enc, Harness};
use serde_json::{json, Value};

const V: &str = "/services/data/v66.0";

fn query(h: &Harness, token: &str, soql: &str) -> common::Reply {
    h.get(&format!("{V}/query?q={}", enc(soql)), Some(token))
}

#[test]
fn soql_subset() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    for (last, email) in [
        ("O'Brien", "ob@example.com"),
        ("Back\\slash", "bs@example.com"),
        ("Plain", "p_1@example.com"),
        ("Plain", "p11@example.com"),
    ] {
        assert_eq!(
            h.sf_create(
                &token,
                "Contact",
                json!({"LastName": last, "Email": email, "FirstName": "Z"}),
                &[]
            )
            .status,
            201
        );
    }
    let cases: Vec<(&str, usize)> = vec![
        (r"SELECT Id FROM Contact WHERE LastName = 'O\'Brien'", 1),
        (r"SELECT Id FROM Contact WHERE LastName = 'back\\slash'", 1),
        ("SELECT Id FROM Contact WHERE Email IN ('ob@example.com', 'BS@example.com')", 2),
        (r"SELECT Id FROM Contact WHERE Email LIKE 'p\_1%'", 1),
        ("SELECT Id FROM Contact WHERE Email LIKE 'p_1%'", 2),
        ("SELECT Id FROM Contact WHERE LastName = 'Plain' AND (Email = 'p11@example.com' OR Email = 'x')", 1),
        ("SELECT Id FROM Contact WHERE Title = null", 4),
        ("SELECT Id FROM Contact WHERE LastName != 'Plain' LIMIT 1", 1),
        ("SELECT Id FROM User WHERE IsActive = true", 8),
        ("SELECT Id FROM User WHERE Profile.Name = 'System Administrator'", 2),
    ];
    for (soql, expected) in cases {
        let reply = query(&h, &token, soql);
        assert_eq!(reply.status, 200, "{soql}: {}", reply.body);
        assert_eq!(
            reply.json()["records"].as_array().unwrap().len(),
            expected,
            "{soql}"
        );
        assert_eq!(reply.json()["done"], true);
    }
    let count = query(
        &h,
        &token,
        "SELECT COUNT() FROM Contact WHERE LastName = 'Plain'",
    )
    .json();
    assert_eq!(
        (
            count["totalSize"].as_u64(),
            count["records"].as_array().map(Vec::len)
        ),
        (Some(2), Some(0))
    );
    let ordered = query(
        &h,
        &token,
        "SELECT Email, Owner.Name FROM Contact ORDER BY Email DESC LIMIT 2",
    )
    .json();
    assert_eq!(ordered["records"][0]["Email"], "p_1@example.com");
    assert_eq!(ordered["records"][0]["Owner"]["Name"], "Rita Rep");
    assert_eq!(ordered["records"][0]["Owner"]["attributes"]["type"], "User");
    for (bad, code) in [
        (
            r"SELECT Id FROM Contact WHERE LastName = 'a\qb'",
            "MALFORMED_QUERY",
        ),
        ("SELECT Id FROM Contact WHERE", "MALFORMED_QUERY"),
        ("SELECT Nope FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Nope", "INVALID_TYPE"),
    ] {
        let reply = query(&h, &token, bad);
        assert_eq!(
            (reply.status, reply.sf_error_code().as_str()),
            (400, code),
            "{bad}"
        );
    }
}

#[test]
fn composite_references_and_all_or_none() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let ok = h.json("POST", &format!("{V}/composite"), &token, &json!({
        "allOrNone": true,
        "compositeRequest": [
            {"method": "POST", "url": format!("{V}/sobjects/Account"), "referenceId": "acct", "body": {"Name": "Engines"}},
            {"method": "POST", "url": format!("{V}/sobjects/Contact"), "referenceId": "person", "body": {"LastName": "Lovelace", "AccountId": "@{acct.id}"}},
            {"method": "GET", "url": format!("{V}/query?q={}", enc("SELECT Id, Account.Name FROM Contact WHERE LastName = 'Lovelace'")), "referenceId": "found"},
            {"method": "POST", "url": format!("{V}/sobjects/Task"), "referenceId": "task", "body": {"WhoId": "@{found.records[0].Id}", "Subject": "Call", "TaskSubtype": "Call", "Status": "Completed"}}
        ]
    }), &[]);
    assert_eq!(ok.status, 200, "{}", ok.body);
    let subs = ok.json()["compositeResponse"].as_array().unwrap().clone();
    let statuses: Vec<u64> = subs
        .iter()
        .map(|s| s["httpStatusCode"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![201, 201, 200, 201], "{}", ok.body);
    assert_eq!(subs[2]["body"]["records"][0]["Account"]["Name"], "Engines");
    let task = &h.records("Task")[0];
    assert_eq!(task["WhoId"], subs[1]["body"]["id"]);
    assert_eq!(
        ok.header("sforce-limit-info"),
        Some("api-usage=1/15000"),
        "composite is one API call"
    );

    let failed = h.json("POST", &format!("{V}/composite"), &token, &json!({
        "allOrNone": true,
        "compositeRequest": [
            {"method": "POST", "url": format!("{V}/sobjects/Account"), "referenceId": "a2", "body": {"Name": "Rolled back"}},
            {"method": "POST", "url": format!("{V}/sobjects/Contact"), "referenceId": "c2", "body": {"FirstName": "No last name"}},
            {"method": "POST", "url": format!("{V}/sobjects/Task"), "referenceId": "t2", "body": {"WhoId": "@{c2.id}"}}
        ]
    }), &[]);
    assert_eq!(failed.status, 200);
    let subs = failed.json()["compositeResponse"]
        .as_array()
        .unwrap()
        .clone();
    let codes: Vec<&str> = subs
        .iter()
        .map(|s| s["body"][0]["errorCode"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        vec![
            "PROCESSING_HALTED",
            "REQUIRED_FIELD_MISSING",
            "PROCESSING_HALTED"
        ]
    );
    assert_eq!(
        h.records("Account").len(),
        1,
        "the first Account of the failed call was rolled back"
    );

    let too_many: Vec<Value> = (0..26).map(|i| json!({"method": "GET", "url": format!("{V}/sobjects"), "referenceId": format!("r{i}")})).collect();
    let refused = h.json(
        "POST",
        &format!("{V}/composite"),
        &token,
        &json!({"compositeRequest": too_many}),
        &[],
    );
    assert_eq!(refused.status, 400);
}

#[test]
fn composite_subrequest_headers_carry_auto_assign() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    let rep = h.sf_user_id("rep@acme.example");
    let reply = h.json("POST", &format!("{V}/composite"), &token, &json!({
        "compositeRequest": [
            {"method": "POST", "url": format!("{V}/sobjects/Lead"), "referenceId": "kept", "httpHeaders": {"Sforce-Auto-Assign": "FALSE"}, "body": {"LastName": "K", "Company": "C", "OwnerId": rep}},
            {"method": "POST", "url": format!("{V}/sobjects/Lead"), "referenceId": "assigned", "body": {"LastName": "A", "Company": "C", "OwnerId": rep}}
        ]
    }), &[]);
    let leads = h.records("Lead");
    assert_eq!(leads.len(), 2, "{}", reply.body);
    let owner_of = |last: &str| {
        leads.iter().find(|l| l["LastName"] == last).unwrap()["OwnerId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(owner_of("K"), rep);
    assert_eq!(owner_of("A"), h.sf_user_id("admin@acme.example"));
}

#[test]
fn sobject_collections_report_per_record() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    h.sf_create(
        &token,
        "Contact",
        json!({"LastName": "Existing", "Email": "taken@example.com"}),
        &[],
    );
    let reply = h.json("POST", &format!("{V}/composite/sobjects"), &token, &json!({
        "allOrNone": false,
        "records": [
            {"attributes": {"type": "Contact"}, "LastName": "One", "Email": "one@example.com"},
            {"attributes": {"type": "Contact"}, "LastName": "Two", "Email": "taken@example.com"},
            {"attributes": {"type": "Lead"}, "LastName": "Three"}
        ]
    }), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let results = reply.json();
    assert_eq!(results[0]["success"], true);
    assert_eq!(results[1]["errors"][0]["statusCode"], "DUPLICATES_DETECTED");
    assert!(results[1]["errors"][0].get("errorCode").is_none());
    assert_eq!(
        results[2]["errors"][0]["statusCode"],
        "REQUIRED_FIELD_MISSING"
    );
    let id = results[0]["id"].as_str().unwrap().to_string();
    let fetched = h
        .get(
            &format!(
                "{V}/composite/sobjects/Contact?ids={id},003Hs0000000999AAA&fields=Id,LastName"
            ),
            Some(&token),
        )
        .json();
    assert_eq!(
        (fetched[0]["LastName"].as_str(), fetched[1].is_null()),
        (Some("One"), true)
    );
    let updated = h
        .json(
            "PATCH",
            &format!("{V}/composite/sobjects"),
            &token,
            &json!({"records": [{"attributes": {"type": "Contact"}, "id": id, "Title": "Boss"}]}),
            &[],
        )
        .json();
    assert_eq!(updated[0]["success"], true);
    let all_or_none = h
        .json(
            "POST",
            &format!("{V}/composite/sobjects"),
            &token,
            &json!({
                "allOrNone": true,
                "records": [
                    {"attributes": {"type": "Contact"}, "LastName": "Fine"},
                    {"attributes": {"type": "Contact"}, "FirstName": "Broken"}
                ]
            }),
            &[],
        )
        .json();
    assert_eq!(
        all_or_none[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert!(h.records("Contact").iter().all(|c| c["LastName"] != "Fine"));
    let deleted = h
        .send(
            "DELETE",
            &format!("{V}/composite/sobjects?ids={id}"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .json();
    assert_eq!(deleted[0]["success"], true);
    let too_many: Vec<Value> = (0..201)
        .map(|i| json!({"attributes": {"type": "Contact"}, "LastName": format!("n{i}")}))
        .collect();
    assert_eq!(
        h.json(
            "POST",
            &format!("{V}/composite/sobjects"),
            &token,
            &json!({"records": too_many}),
            &[]
        )
        .status,
        400
    );
}

#[test]
fn query_pages_follow_next_records_url() {
    let h = Harness::start();
    let token = h.sf_login("rep@acme.example");
    for chunk in 0..3 {
        let records: Vec<Value> = (0..150)
            .map(
                |i| json!({"attributes": {"type": "Contact"}, "LastName": format!("P{chunk}-{i}")}),
            )
            .collect();
        let reply = h.json(
            "POST",
            &format!("{V}/composite/sobjects"),
            &token,
            &json!({"records": records}),
            &[],
        );
        assert_eq!(reply.status, 200);
    }
    let all = query(&h, &token, "SELECT Id FROM Contact").json();
    assert_eq!(
        (
            all["done"].as_bool(),
            all["records"].as_array().map(Vec::len)
        ),
        (Some(true), Some(450))
    );
    let mut url = format!(
        "{V}/query?q={}",
        common::enc("SELECT Id, LastName FROM Contact ORDER BY LastName")
    );
    let mut sizes = Vec::new();
    let mut names = Vec::new();
    loop {
        let auth = format!("Bearer {token}");
        let page = h
            .send(
                "GET",
                &url,
                &[
                    ("authorization", auth.as_str()),
                    ("Sforce-Query-Options", "batchSize=200"),
                ],
                None,
            )
            .json();
        assert_eq!(page["totalSize"], 450);
        let records = page["records"].as_array().unwrap();
        sizes.push(records.len());
        names.extend(
            records
                .iter()
                .map(|r| r["LastName"].as_str().unwrap().to_string()),
        );
        if page["done"] == true {
            assert!(page.get("nextRecordsUrl").is_none());
            break;
        }
        url = page["nextRecordsUrl"].as_str().unwrap().to_string();
    }
    assert_eq!(sizes, vec![200, 200, 50]);
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "pages keep the ORDER BY");
    let gone = h.get(&format!("{V}/query/01gHs0000000999-200"), Some(&token));
    assert_eq!(
        (gone.status, gone.sf_error_code().as_str()),
        (400, "INVALID_QUERY_LOCATOR")
    );
}
