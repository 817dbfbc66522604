//! The Salesforce connect flow as a state machine (`saves::api::ConnectFlow`): the requests it
//! sends in order, what each answer does to it (an unreadable permission is "unknown", a
//! failing directory page keeps the users read so far, a refused token or identity ends it),
//! and what `connect_finish` stores.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crm::HttpResponse;
use saves::api::{self, ConnectFlow, Finished};
use serde_json::{json, Value};

const REDIRECT: &str = "https://abc.chromiumapp.org/oauth2";
const INSTANCE: &str = "https://acme.my.salesforce.com";

fn team() -> Value {
    json!({"config": {"crm": "salesforce", "client_id": "key", "me_email": "rep@acme.example"}})
}

fn start(team: &Value, back: &str) -> Result<ConnectFlow, Value> {
    let start = json!({"kind": "oauth", "role": "team_sync", "redirect_uri": REDIRECT,
        "returned_url": back, "state": "s1", "verifier": "v1"});
    ConnectFlow::start(
        serde_json::from_value(team.clone()).unwrap(),
        serde_json::from_value(start).unwrap(),
        "",
    )
}

fn answer(status: u16, body: Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.to_string(),
    }
}

fn token() -> HttpResponse {
    answer(
        200,
        json!({"access_token": "00Daccess", "refresh_token": "5Aep-refresh",
        "instance_url": INSTANCE, "id": "https://login.salesforce.com/id/00D000/005I",
        "token_type": "Bearer", "issued_at": "1", "signature": "x"}),
    )
}

fn identity() -> HttpResponse {
    answer(
        200,
        json!({"user_id": "005I", "organization_id": "00D000",
        "username": "integration@acme.example", "email": "integration@acme.example",
        "display_name": "Ivan Integration"}),
    )
}

fn users_page(ids: &[&str], next: Option<&str>) -> HttpResponse {
    let records: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"attributes": {"type": "User"}, "Id": id, "Name": format!("User {id}"),
            "Email": format!("{id}@acme.example"), "IsActive": true})
        })
        .collect();
    let mut body = json!({"totalSize": records.len(), "done": next.is_none(), "records": records});
    if let Some(next) = next {
        body["nextRecordsUrl"] = json!(next);
    }
    answer(200, body)
}

fn url(flow: &ConnectFlow) -> String {
    flow.next_request().unwrap().unwrap().url
}

#[test]
fn a_sign_in_that_came_back_wrong_sends_nothing() {
    let forged = start(&team(), &format!("{REDIRECT}?code=c1&state=other")).unwrap_err();
    assert_eq!(forged["error"]["code"], "state_mismatch");
    let denied = start(
        &team(),
        &format!("{REDIRECT}?error=access_denied&error_description=end-user+denied&state=s1"),
    )
    .unwrap_err();
    assert_eq!(denied["error"]["code"], "access_denied");
    let elsewhere = start(&team(), "https://evil.example/oauth2?code=c1&state=s1").unwrap_err();
    assert_eq!(elsewhere["error"]["code"], "redirect_mismatch");
}

#[test]
fn exchange_identity_permission_and_every_directory_page_in_order() {
    let mut flow = start(&team(), &format!("{REDIRECT}?code=c1&state=s1")).unwrap();
    let exchange = flow.next_request().unwrap().unwrap();
    assert_eq!(
        exchange.url,
        "https://login.salesforce.com/services/oauth2/token"
    );
    let body = exchange.body.unwrap_or_default();
    for part in [
        "grant_type=authorization_code",
        "code=c1",
        "code_verifier=v1",
    ] {
        assert!(body.contains(part), "{body} lacks {part}");
    }
    flow.on_response(&token()).unwrap();
    assert_eq!(url(&flow), "https://login.salesforce.com/id/00D000/005I");
    flow.on_response(&identity()).unwrap();
    assert!(url(&flow).starts_with(INSTANCE), "the permission query");
    flow.on_response(&answer(
        200,
        json!({"compositeResponse": [{"referenceId": "Profile", "httpStatusCode": 200,
        "body": {"records": [{"Profile": {"Name": "System Administrator",
        "PermissionsModifyAllData": true, "PermissionsViewAllData": true}}]}}]}),
    ))
    .unwrap();
    assert!(url(&flow).contains("/query"), "the directory");
    flow.on_response(&users_page(
        &["005I", "005R"],
        Some("/services/data/v66.0/query/01g-2000"),
    ))
    .unwrap();
    assert_eq!(
        url(&flow),
        format!("{INSTANCE}/services/data/v66.0/query/01g-2000")
    );
    flow.on_response(&users_page(&["005G"], None)).unwrap();
    assert!(flow.next_request().unwrap().is_none());
    let finished = flow.finished().unwrap();
    let Finished::Salesforce {
        ref identity,
        ref users,
        permission,
        ..
    } = finished
    else {
        panic!("a Salesforce connect finishes as Salesforce");
    };
    assert_eq!(identity.user_id, "005I");
    assert_eq!(users.len(), 3);
    assert_eq!(permission, Some(crm::Permission::Admin));

    let done = api::connect_finish(
        &team(),
        &serde_json::to_value(&finished).unwrap(),
        "2026-12-03T12:00:00Z",
    );
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["permission_checked"], true);
    assert_eq!(done["connection"]["name"], "Ivan Integration");
    assert_eq!(done["connection"]["permission"], "admin");
    assert_eq!(done["team"]["crm_users"].as_array().unwrap().len(), 3);
    let text = done.to_string();
    assert!(
        !text.contains("00Daccess") && !text.contains("5Aep-refresh"),
        "no token in the stored team or the answer: {text}"
    );
}

#[test]
fn an_unreadable_permission_is_unknown_and_a_failing_page_keeps_what_was_read() {
    let mut flow = start(&team(), &format!("{REDIRECT}?code=c1&state=s1")).unwrap();
    flow.on_response(&token()).unwrap();
    flow.on_response(&identity()).unwrap();
    flow.on_response(&answer(
        403,
        json!([{"errorCode": "INSUFFICIENT_ACCESS", "message": "no"}]),
    ))
    .unwrap();
    flow.on_response(&users_page(
        &["005I"],
        Some("/services/data/v66.0/query/01g-2000"),
    ))
    .unwrap();
    flow.on_response(&answer(503, json!("unavailable")))
        .unwrap();
    assert!(flow.next_request().unwrap().is_none());
    let finished = serde_json::to_value(flow.finished().unwrap()).unwrap();
    assert_eq!(finished["permission"], "unknown");
    assert_eq!(finished["users"].as_array().unwrap().len(), 1);
    let done = api::connect_finish(&team(), &finished, "now");
    assert_eq!(done["permission_checked"], false);
    assert_eq!(done["connection"]["permission"], "unknown");
}

#[test]
fn a_refused_code_or_identity_ends_the_flow_with_the_reason() {
    let mut flow = start(&team(), &format!("{REDIRECT}?code=c1&state=s1")).unwrap();
    let refused = flow
        .on_response(&answer(
            400,
            json!({"error": "invalid_grant", "error_description": "expired authorization code"}),
        ))
        .unwrap_err();
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["error"]["code"], "invalid_grant");
    assert!(flow.finished().is_err(), "an ended flow is not finished");

    let mut flow = start(&team(), &format!("{REDIRECT}?code=c1&state=s1")).unwrap();
    flow.on_response(&token()).unwrap();
    let refused = flow
        .on_response(&answer(403, json!("Bad_OAuth_Token")))
        .unwrap_err();
    assert_eq!(refused["ok"], false);
}

#[test]
fn the_directory_is_read_at_most_max_pages() {
    let mut flow = start(&team(), &format!("{REDIRECT}?code=c1&state=s1")).unwrap();
    flow.on_response(&token()).unwrap();
    flow.on_response(&identity()).unwrap();
    flow.on_response(&answer(500, json!("down"))).unwrap();
    let mut sent = 3;
    while flow.next_request().unwrap().is_some() {
        flow.on_response(&users_page(
            &["005X"],
            Some("/services/data/v66.0/query/more"),
        ))
        .unwrap();
        sent += 1;
        assert!(sent <= ConnectFlow::MAX_STEPS, "the flow's own step limit");
    }
    // The exchange, the identity, the permission and every page: the flow's own limit, which
    // the engine's connect loop runs to (`engine::side_calls`), holds them all and no more.
    assert_eq!(sent, 3 + saves::api::MAX_PAGES);
    assert_eq!(sent, ConnectFlow::MAX_STEPS);
    let finished = serde_json::to_value(flow.finished().unwrap()).unwrap();
    assert_eq!(
        finished["users"].as_array().unwrap().len(),
        saves::api::MAX_PAGES
    );
}
