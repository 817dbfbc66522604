//! The connection model through the JSON face the worker uses: HubSpot personal OAuth (state,
//! PKCE, the secret only in requests), rule 7 on connect, rule 9 on the team sync choice, and
//! team settings by policy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use saves::api;
use serde_json::{json, Value};

const REDIRECT: &str = "https://abc.chromiumapp.org/oauth2";
const SECRET: &str = "hs-client-secret-value";

fn hubspot_team() -> Value {
    json!({
        "config": {"crm": "hubspot", "client_id": "hs-client", "me_email": "rep@acme.example"},
        "connections": [{"role": "team_sync", "crm_user_id": "41629002", "name": "Ivan", "email": "integration@acme.example",
            "permission": "admin", "instance_url": "https://api.hubapi.com"}],
    })
}

fn owner(id: &str, email: &str) -> Value {
    json!({"id": id, "name": email, "email": email, "active": true})
}

fn form(request: &Value) -> String {
    request["body"].as_str().unwrap_or_default().to_owned()
}

/// The core's connect flow for `team`, started as the worker starts it.
fn flow(team: &Value, start: Value, secret: &str) -> Result<api::ConnectFlow, Value> {
    api::ConnectFlow::start(
        serde_json::from_value(team.clone()).unwrap(),
        serde_json::from_value(start).unwrap(),
        secret,
    )
}

fn oauth(back: &str, state: &str) -> Value {
    json!({"kind": "oauth", "role": "personal", "redirect_uri": REDIRECT, "returned_url": back,
        "state": state, "verifier": "v1"})
}

fn answer(status: u16, body: &str) -> crm::HttpResponse {
    crm::HttpResponse {
        status,
        headers: vec![],
        body: body.into(),
    }
}

fn next(flow: &api::ConnectFlow) -> Value {
    serde_json::to_value(flow.next_request().unwrap().unwrap()).unwrap()
}

fn hubspot_owner(id: &str, user_id: u64, email: &str) -> Value {
    json!({"id": id, "email": email, "firstName": "", "lastName": "", "userId": user_id, "archived": false})
}

fn finish(team: &Value, finished: Value) -> Value {
    api::connect_finish(team, &finished, "2026-11-23T09:00:00Z")
}

#[test]
fn hubspot_authorize_url_carries_state_and_pkce() {
    let start = api::oauth_start(&hubspot_team(), REDIRECT, &[7u8; 48]);
    assert_eq!(start["ok"], true, "{start}");
    let url = start["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://app.hubspot.com/oauth/authorize?"),
        "{url}"
    );
    assert!(url.contains("client_id=hs-client"));
    assert!(url.contains(&format!("state={}", start["state"].as_str().unwrap())));
    assert!(url.contains("code_challenge_method=S256"));
    assert!(
        !url.contains(start["verifier"].as_str().unwrap()),
        "only the challenge goes out"
    );
}

#[test]
fn in_server_mode_the_sign_in_is_for_the_team_servers_hubspot_app() {
    let mut team = hubspot_team();
    team["config"]["client_id"] = Value::Null; // a rep enters no client id in server mode
    team["team_server_snapshot"] = json!({
        "team": {"id": "t_1", "name": "Acme", "crm": "hubspot", "hubspot_client_id": "server-hs-app"},
        "me": {"id": "m_1", "email": "rep@acme.example"},
        "state": {"users": [], "team_sync": null},
    });
    let start = api::oauth_start(&team, REDIRECT, &[7u8; 48]);
    assert_eq!(start["ok"], true, "{start}");
    assert!(
        start["url"]
            .as_str()
            .unwrap()
            .contains("client_id=server-hs-app"),
        "{start}"
    );
    // Without the snapshot (solo mode) the browser's own app is asked for.
    team["team_server_snapshot"] = Value::Null;
    assert_eq!(
        api::oauth_start(&team, REDIRECT, &[7u8; 48])["error"]["code"],
        "missing_client_id"
    );
}

#[test]
fn exchange_needs_the_secret_and_checks_state() {
    let team = hubspot_team();
    let back = format!("{REDIRECT}?code=c1&state=s1");
    let missing = flow(&team, oauth(&back, "s1"), " ").unwrap_err();
    assert_eq!(missing["error"]["code"], "missing_client_secret");
    let forged = flow(&team, oauth(&back, "other"), SECRET).unwrap_err();
    assert_eq!(forged["error"]["code"], "state_mismatch");
    let ok = flow(&team, oauth(&back, "s1"), SECRET).unwrap();
    let request = next(&ok);
    assert!(request["url"]
        .as_str()
        .unwrap()
        .ends_with("/oauth/2026-03/token"));
    let body = form(&request);
    for part in [
        "grant_type=authorization_code",
        "code=c1",
        "code_verifier=v1",
        "client_secret=hs-client-secret-value",
    ] {
        assert!(body.contains(part), "{body} lacks {part}");
    }
}

#[test]
fn token_and_owner_become_a_personal_connection_without_secrets() {
    let back = format!("{REDIRECT}?code=c1&state=s1");
    let mut f = flow(&hubspot_team(), oauth(&back, "s1"), SECRET).unwrap();
    f.on_response(&answer(200,
        r#"{"access_token":"CNaccess","refresh_token":"na1-refresh","expires_in":1800,"hub_id":1,"user_id":9586003}"#))
        .unwrap();
    let req = next(&f);
    assert!(req["url"]
        .as_str()
        .unwrap()
        .contains("/crm/v3/owners/9586003?idProperty=userId"));
    assert_eq!(req["headers"][0][1], "Bearer CNaccess");
    f.on_response(&answer(
        200,
        &hubspot_owner("41629003", 9586003, "Rep@Acme.example").to_string(),
    ))
    .unwrap();
    assert!(next(&f)["url"].as_str().unwrap().contains("/crm/v3/owners"));
    let page = json!({"results": [hubspot_owner("41629002", 1, "integration@acme.example"),
        hubspot_owner("41629003", 9586003, "rep@acme.example")]});
    f.on_response(&answer(200, &page.to_string())).unwrap();
    assert!(f.next_request().unwrap().is_none(), "one page, no more");
    let finished = f.finished().unwrap();
    assert_eq!(finished.role(), saves::Role::Personal);
    assert_eq!(
        finished.token().refresh_token.as_deref(),
        Some("na1-refresh")
    );
    let done = finish(&hubspot_team(), serde_json::to_value(&finished).unwrap());
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["connection"]["crm_user_id"], "41629003");
    assert_eq!(done["connection"]["email"], "rep@acme.example");
    // The connection is named as the owner list names the owner (here, without a first or
    // last name in HubSpot, by the e-mail as HubSpot writes it).
    assert_eq!(done["connection"]["name"], "Rep@Acme.example");
    assert_eq!(done["team"]["crm_users"].as_array().unwrap().len(), 2);
    assert_eq!(done["note"], Value::Null);
    let text = done.to_string();
    assert!(
        !text.contains("CNaccess") && !text.contains("na1-refresh"),
        "{text}"
    );
    let view = api::state_view(&done["team"], &Value::Null, &Value::Null, &json!({}));
    let text = view.to_string();
    assert!(!text.contains("CNaccess") && !text.contains("na1-refresh") && !text.contains(SECRET));
    assert_eq!(view["team_sync"], "team_sync_user");
    assert_eq!(view["team_sync_choices"][0]["connected"], true);
}

/// The rep's connect flow with the token exchanged and their own owner read: it asks next for
/// the owner list.
fn flow_at_owner_list() -> api::ConnectFlow {
    let back = format!("{REDIRECT}?code=c1&state=s1");
    let token = r#"{"access_token":"CNaccess","refresh_token":"na1-refresh","expires_in":1800,"user_id":9586003}"#;
    let mut f = flow(&hubspot_team(), oauth(&back, "s1"), SECRET).unwrap();
    f.on_response(&answer(200, token)).unwrap();
    f.on_response(&answer(
        200,
        &hubspot_owner("41629003", 9586003, "rep@acme.example").to_string(),
    ))
    .unwrap();
    assert!(next(&f)["url"].as_str().unwrap().contains("/crm/v3/owners"));
    f
}

/// The owner list is read page by page, by HubSpot's `paging.next.after` cursor: an owner on
/// the second page is a CRM user too.
#[test]
fn every_page_of_the_owner_list_is_read() {
    let mut f = flow_at_owner_list();
    let first = json!({"results": [hubspot_owner("41629002", 1, "integration@acme.example")],
        "paging": {"next": {"after": "41629002", "link": "https://api.hubapi.com/crm/v3/owners?after=41629002"}}});
    f.on_response(&answer(200, &first.to_string())).unwrap();
    let req = next(&f);
    let url = req["url"].as_str().unwrap();
    assert!(
        url.contains("/crm/v3/owners") && url.contains("after=41629002"),
        "{url}"
    );
    let last = json!({"results": [hubspot_owner("41629003", 9586003, "rep@acme.example")]});
    f.on_response(&answer(200, &last.to_string())).unwrap();
    assert!(
        f.next_request().unwrap().is_none(),
        "no page after the last"
    );
    let finished = serde_json::to_value(f.finished().unwrap()).unwrap();
    let ids: Vec<&str> = finished["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["41629002", "41629003"]);
}

#[test]
fn a_failed_owner_list_is_no_failure_but_a_failed_owner_is() {
    let mut f = flow_at_owner_list();
    f.on_response(&answer(503, "unavailable")).unwrap();
    let finished = serde_json::to_value(f.finished().unwrap()).unwrap();
    assert_eq!(
        finished["users"],
        json!([]),
        "the owner list is a convenience"
    );
    let back = format!("{REDIRECT}?code=c1&state=s1");
    let token = r#"{"access_token":"CNaccess","refresh_token":"na1-refresh","expires_in":1800,"user_id":9586003}"#;
    let mut f = flow(&hubspot_team(), oauth(&back, "s1"), SECRET).unwrap();
    f.on_response(&answer(200, token)).unwrap();
    let refused = f.on_response(&answer(404, r#"{"status":"error","message":"not found"}"#));
    assert_eq!(refused.unwrap_err()["ok"], false);
}

#[test]
fn another_users_hubspot_account_is_refused_by_the_core() {
    let done = finish(
        &hubspot_team(),
        json!({"kind": "hubspot", "role": "personal",
            "token": {"access_token": "a", "refresh_token": "r", "instance_url": "https://api.hubapi.com", "id": "1"},
            "owner": owner("41629002", "integration@acme.example"), "users": []}),
    );
    assert_eq!(done["ok"], false);
    assert_eq!(done["error"]["code"], "duplicate_crm_account");
    assert!(done["error"]["message"]
        .as_str()
        .unwrap()
        .contains("integration@acme.example"));
}

#[test]
fn refresh_uses_the_secret_and_keeps_the_refresh_token() {
    let old = json!({"access_token": "old", "refresh_token": "na1-r", "instance_url": "https://api.hubapi.com", "id": "9586003"});
    let req = api::hubspot_refresh_request(&hubspot_team(), &old, SECRET);
    assert!(form(&req["request"]).contains("grant_type=refresh_token"));
    assert!(form(&req["request"]).contains("refresh_token=na1-r"));
    assert_eq!(
        api::hubspot_refresh_request(&hubspot_team(), &old, "")["error"]["code"],
        "missing_client_secret"
    );
    let fresh = api::parse_hubspot_refresh(
        &json!({"status": 200, "headers": [], "body": r#"{"access_token":"new","expires_in":1800}"#}),
        &old,
    );
    assert_eq!(fresh["token"]["access_token"], "new");
    assert_eq!(fresh["token"]["refresh_token"], "na1-r");
    assert_eq!(fresh["token"]["id"], "9586003");
    let refused = api::parse_hubspot_refresh(
        &json!({"status": 400, "headers": [], "body": r#"{"status":"BAD_REFRESH_TOKEN","message":"refresh token is invalid, expired or revoked","error":"invalid_grant"}"#}),
        &old,
    );
    assert_eq!(refused["ok"], false);
    assert_eq!(refused["reconnect"], true);
}

#[test]
fn team_sync_choice_goes_through_the_core() {
    let refused = api::ui_message(
        &hubspot_team(),
        &json!({"kind": "set_team_sync", "app_user": "me"}),
    );
    assert_eq!(refused["error"]["code"], "team_sync_not_connected");
    let mut team = hubspot_team();
    team["connections"].as_array_mut().unwrap().push(json!({"role": "personal", "crm_user_id": "41629003",
        "name": "Rita", "email": "rep@acme.example", "permission": "standard", "instance_url": "https://api.hubapi.com"}));
    let chosen = api::ui_message(&team, &json!({"kind": "set_team_sync", "app_user": "me"}));
    assert_eq!(chosen["ok"], true, "{chosen}");
    assert_eq!(chosen["reply"]["copy_personal_token"], true);
    assert_eq!(chosen["reply"]["warnings"], json!(["team_sync_not_admin"]));
    let view = api::state_view(&chosen["team"], &Value::Null, &Value::Null, &json!({}));
    assert_eq!(view["team_sync"], "me");
    assert_eq!(view["team_sync_choices"].as_array().unwrap().len(), 1);
}

#[test]
fn policy_wins_and_import_cannot_override_it() {
    let merged = api::apply_policy(
        &hubspot_team(),
        &json!({"client_id": "from-policy", "settings": {"match_account": true}}),
    );
    assert_eq!(merged["ok"], true, "{merged}");
    assert_eq!(
        merged["locked"],
        json!(["client_id", "settings.match_account"])
    );
    let team = merged["team"].clone();
    assert_eq!(team["config"]["client_id"], "from-policy");
    let imported = api::ui_message(
        &team,
        &json!({"kind": "import_settings", "json": r#"{"crm":"hubspot","client_id":"from-file","company_domain":"acme.example","settings":{"match_account":false}}"#}),
    );
    assert_eq!(imported["team"]["config"]["client_id"], "from-policy");
    assert_eq!(imported["team"]["config"]["company_domain"], "acme.example");
    assert_eq!(imported["team"]["settings"]["match_account"], true);
    let view = api::state_view(&imported["team"], &Value::Null, &Value::Null, &json!({}));
    assert_eq!(view["policy"]["active"], true);
    let bad = api::apply_policy(&team, &json!({"crm": "pipedrive"}));
    assert_eq!(bad["error"]["code"], "invalid_policy");
    let cleared = api::apply_policy(&team, &Value::Null);
    assert_eq!(cleared["locked"], json!([]));
}

#[test]
fn garbage_in_is_a_typed_refusal_never_a_panic() {
    for bad in [Value::Null, json!("x"), json!([1, 2]), json!({"config": 7})] {
        for answer in [
            api::connect_finish(&bad, &bad, "now"),
            api::connect_finish(&hubspot_team(), &bad, "now"),
            api::hubspot_refresh_request(&bad, &bad, SECRET),
            api::parse_hubspot_refresh(&bad, &bad),
            api::ui_message(&bad, &json!({"kind": "set_team_sync", "app_user": "me"})),
        ] {
            assert_eq!(answer["ok"], false, "{bad} → {answer}");
            assert!(answer["error"]["code"].is_string());
        }
    }
    assert_eq!(api::apply_policy(&json!("x"), &json!({}))["ok"], false);
}

#[test]
fn a_hubspot_team_without_the_secret_is_told_what_to_do() {
    let needs = |extras: Value| {
        api::state_view(&hubspot_team(), &Value::Null, &Value::Null, &extras)["needs"].clone()
    };
    assert!(needs(json!({}))
        .as_array()
        .unwrap()
        .contains(&json!("hubspot_client_secret")));
    assert!(!needs(json!({"hubspot_client_secret_set": true}))
        .as_array()
        .unwrap()
        .contains(&json!("hubspot_client_secret")));
    // Server mode: the team server holds the secret; nothing to enter in this browser.
    assert!(!needs(json!({"hubspot_via_team_server": true}))
        .as_array()
        .unwrap()
        .contains(&json!("hubspot_client_secret")));
}

#[test]
fn a_private_app_push_is_created_by_no_user_and_says_so() {
    let msg = json!({"kind": "preview", "source": "linkedin_extension", "push": "single"});
    let preview = api::preview(&hubspot_team(), &msg);
    assert_eq!(
        preview["decision"]["created_by"]["name"], "the private app (HubSpot records no user)",
        "{preview}"
    );
    // The rep's own OAuth grant made team sync: HubSpot records that user.
    let mut mine = hubspot_team();
    mine["team_sync_is_mine"] = json!(true);
    let preview = api::preview(&mine, &msg);
    assert_eq!(
        preview["decision"]["created_by"]["name"], "Ivan",
        "{preview}"
    );
}

#[test]
fn a_refused_private_app_token_is_named_with_its_fix_and_the_vendor_text_kept_apart() {
    let refused = answer(
        401,
        r#"{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication","category":"INVALID_AUTHENTICATION"}"#,
    );
    let owners_refused = |token: &str, stated: &str| {
        let mut f = flow(
            &hubspot_team(),
            json!({"kind": "private_app", "token": token, "email": "integration@acme.example",
                "stated": stated}),
            "",
        )
        .unwrap();
        assert!(next(&f)["url"].as_str().unwrap().contains("/crm/v3/owners"));
        f.on_response(&refused).unwrap_err()
    };
    let said = owners_refused("pat-na1-11111111", "private_app_token");
    let e = &said["error"];
    assert_eq!(
        e["message"],
        "HubSpot refused this private-app token (401)."
    );
    assert_eq!(
        e["hint"],
        "Copy it again from HubSpot → Settings → Integrations → Private apps."
    );
    assert!(e["details"]
        .as_str()
        .unwrap()
        .starts_with("Authentication credentials not found"));
    let key = owners_refused("opaque-service-key", "service_key");
    assert_eq!(
        key["error"]["message"],
        "HubSpot refused this service key (401)."
    );
    // A `pat-` token is a private-app token even when said to be a service key.
    let pat = owners_refused("pat-eu1-22222222", "service_key");
    assert_eq!(
        pat["error"]["message"],
        "HubSpot refused this private-app token (401)."
    );
    let back = format!("{REDIRECT}?code=c1&state=s1");
    let mut f = flow(&hubspot_team(), oauth(&back, "s1"), SECRET).unwrap();
    let secret = f
        .on_response(&answer(
            400,
            r#"{"status":"BAD_CLIENT_SECRET","message":"missing or invalid client secret"}"#,
        ))
        .unwrap_err();
    assert_eq!(
        secret["error"]["message"],
        "HubSpot refused this client secret (BAD_CLIENT_SECRET)."
    );
}

#[test]
fn a_token_not_in_the_private_app_format_is_refused_before_hubspot_is_asked_unless_said_to_be_a_service_key(
) {
    for start in [
        json!({"kind": "private_app", "token": "opaque-key", "email": "integration@acme.example"}),
        json!({"kind": "private_app", "token": "opaque-key", "email": "integration@acme.example",
            "stated": "private_app_token"}),
    ] {
        let refused = flow(&hubspot_team(), start, "").unwrap_err();
        assert_eq!(refused["error"]["code"], "not_a_private_app_token");
        assert_eq!(
            refused["error"]["message"],
            "This is not a HubSpot private-app token: those start with “pat-”."
        );
        assert!(refused["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("if you pasted a service key (HubSpot → Development → Keys → Service keys), say it is a service key"));
    }
    // Said to be a service key, it is asked about, and the stored token keeps its kind.
    let f = flow(
        &hubspot_team(),
        json!({"kind": "private_app", "token": "opaque-key", "email": "integration@acme.example",
            "stated": "service_key"}),
        "",
    )
    .unwrap();
    assert!(next(&f)["url"].as_str().unwrap().contains("/crm/v3/owners"));
}

#[test]
fn the_private_app_user_is_required_with_the_reason() {
    let users = json!([owner("41629002", "integration@acme.example")]);
    let private_app = |email: &str| {
        finish(
            &hubspot_team(),
            json!({"kind": "private_app", "email": email, "users": users,
                "token": {"access_token": "pat-x", "refresh_token": null, "instance_url": "https://api.hubapi.com", "id": ""}}),
        )
    };
    let missing = private_app(" ");
    assert_eq!(missing["error"]["code"], "missing_private_app_user");
    assert!(missing["error"]["hint"]
        .as_str()
        .unwrap()
        .starts_with("HubSpot records no user as creator"));
    let ok = private_app("integration@acme.example");
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["connection"]["permission"], "admin");
}

#[test]
fn a_planned_private_app_save_and_bulk_chunk_say_hubspot_records_no_user() {
    for push in ["single", "bulk"] {
        let msg = json!({"kind": "save", "source": "linkedin_extension", "push": push,
            "page_url": null, "activity": null,
            "prospects": [{"full_name": "Ada Lovelace", "email": "ada@example.com"}]});
        let plan = api::plan_save(&hubspot_team(), &msg, "s1", &Value::Null, &Value::Null, 0.0);
        assert_eq!(plan["ok"], true, "{plan}");
        let text = plan["entries"].to_string();
        assert!(
            text.contains("the private app (HubSpot records no user)"),
            "{push}: {text}"
        );
    }
}

/// Server mode: the team server performs the exchange and refreshes (the browser has no
/// secret); HubSpot's refusal relayed by the server reads as HubSpot's own, the server's own
/// refusals are no reconnect.
#[test]
fn in_server_mode_the_team_server_exchanges_and_refreshes_and_no_secret_is_sent() {
    let broker = api::HubspotBroker::from_value(
        &json!({"team_server": "https://leadline.acme.example/", "session": "lls_session"}),
    );
    assert!(
        !format!("{broker:?}").contains("lls_session"),
        "Debug hides the session"
    );
    let old = json!({"access_token": "old", "refresh_token": "na1-r", "instance_url": "https://api.hubapi.com", "id": "9586003"});
    let req = api::hubspot_refresh_request_via(&hubspot_team(), &old, &broker);
    assert_eq!(req["ok"], true, "{req}");
    let request = &req["request"];
    assert_eq!(request["method"], "POST");
    assert_eq!(
        request["url"],
        "https://leadline.acme.example/api/hubspot/token"
    );
    let headers = request["headers"].to_string();
    assert!(headers.contains("Bearer lls_session"), "{headers}");
    let body: Value = serde_json::from_str(request["body"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"grant_type": "refresh_token", "refresh_token": "na1-r"})
    );
    assert!(!request.to_string().contains("client_secret"));

    // The code exchange of a sign-in goes to the server too.
    let mut f = api::ConnectFlow::start_via(
        serde_json::from_value(hubspot_team()).unwrap(),
        serde_json::from_value(oauth(&format!("{REDIRECT}?code=c0de&state=s1"), "s1")).unwrap(),
        &broker,
    )
    .unwrap();
    let exchange = next(&f);
    assert_eq!(
        exchange["url"],
        "https://leadline.acme.example/api/hubspot/token"
    );
    let body: Value = serde_json::from_str(exchange["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["grant_type"], "authorization_code");
    assert_eq!(body["code"], "c0de");
    assert_eq!(body["redirect_uri"], REDIRECT);
    assert_eq!(body["code_verifier"], "v1");
    // A server that cannot exchange says so, in words for the rep.
    let refused = f.on_response(&answer(
        503,
        r#"{"error":{"code":"oauth_not_configured","message":"this server has no HubSpot app configured"}}"#,
    ));
    let refused = refused.unwrap_err();
    assert_eq!(
        refused["error"]["code"], "oauth_not_configured",
        "{refused}"
    );

    // The server's answer with tokens is read like HubSpot's.
    let fresh = api::parse_hubspot_refresh(
        &json!({"status": 200, "headers": [], "body": r#"{"access_token":"new","refresh_token":null,"expires_in":1800,"hub_id":24681357,"user_id":9586003}"#}),
        &old,
    );
    assert_eq!(fresh["token"]["access_token"], "new", "{fresh}");
    assert_eq!(fresh["token"]["refresh_token"], "na1-r");
    // HubSpot refused the refresh (relayed): a reconnect, in the words of a solo refusal.
    let relayed = api::parse_hubspot_refresh(
        &json!({"status": 502, "headers": [], "body": r#"{"error":{"code":"crm_refused","message":"HubSpot refused: invalid_grant: refresh token is invalid, expired or revoked","crm_error":"invalid_grant","crm_description":"refresh token is invalid, expired or revoked"}}"#}),
        &old,
    );
    let solo = api::parse_hubspot_refresh(
        &json!({"status": 400, "headers": [], "body": r#"{"status":"BAD_REFRESH_TOKEN","message":"refresh token is invalid, expired or revoked","error":"invalid_grant","error_description":"refresh token is invalid, expired or revoked"}"#}),
        &old,
    );
    assert_eq!(relayed["reconnect"], true, "{relayed}");
    assert_eq!(
        relayed["error"]["code"], solo["error"]["code"],
        "{relayed} {solo}"
    );
    assert_eq!(
        relayed["error"]["hint"], solo["error"]["hint"],
        "{relayed} {solo}"
    );
    // The session ended: the connection is fine, the rep signs in to the server again.
    let ended = api::parse_hubspot_refresh(
        &json!({"status": 401, "headers": [], "body": r#"{"error":{"code":"unauthorized","message":"sign in again"}}"#}),
        &old,
    );
    assert_eq!(ended["reconnect"], false, "{ended}");
    assert_eq!(ended["error"]["code"], "team_server_session_ended");
    assert!(ended["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("Sign in to your team server again"));
    // A string is the solo secret, as before.
    let solo_broker = api::HubspotBroker::from_value(&json!(SECRET));
    let req = api::hubspot_refresh_request_via(&hubspot_team(), &old, &solo_broker);
    assert!(form(&req["request"]).contains(SECRET));
}
