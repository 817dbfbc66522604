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
fn exchange_needs_the_secret_and_checks_state() {
    let team = hubspot_team();
    let back = format!("{REDIRECT}?code=c1&state=s1");
    let missing = api::hubspot_oauth_exchange(&team, REDIRECT, &back, "s1", "v1", " ");
    assert_eq!(missing["error"]["code"], "missing_client_secret");
    let forged = api::hubspot_oauth_exchange(&team, REDIRECT, &back, "other", "v1", SECRET);
    assert_eq!(forged["error"]["code"], "state_mismatch");
    let ok = api::hubspot_oauth_exchange(&team, REDIRECT, &back, "s1", "v1", SECRET);
    assert_eq!(ok["ok"], true, "{ok}");
    assert!(ok["request"]["url"]
        .as_str()
        .unwrap()
        .ends_with("/oauth/2026-03/token"));
    let body = form(&ok["request"]);
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
    let token = api::parse_hubspot_token(&json!({"status": 200, "headers": [], "body":
        r#"{"access_token":"CNaccess","refresh_token":"na1-refresh","expires_in":1800,"hub_id":1,"user_id":9586003}"#}));
    assert_eq!(token["ok"], true, "{token}");
    assert_eq!(token["user_id"], "9586003");
    let req = api::hubspot_owner_request(&token["token"], "9586003");
    assert!(req["request"]["url"]
        .as_str()
        .unwrap()
        .contains("/crm/v3/owners/9586003?idProperty=userId"));
    let done = api::connected_hubspot(
        &hubspot_team(),
        &json!("personal"),
        &owner("41629003", "Rep@Acme.example"),
        &json!([
            owner("41629002", "integration@acme.example"),
            owner("41629003", "rep@acme.example")
        ]),
        "2026-11-23T09:00:00Z",
    );
    assert_eq!(done["ok"], true, "{done}");
    assert_eq!(done["connection"]["crm_user_id"], "41629003");
    assert_eq!(done["connection"]["email"], "rep@acme.example");
    assert_eq!(done["note"], Value::Null);
    let view = api::state_view(&done["team"], &Value::Null, &Value::Null, &json!({}));
    let text = view.to_string();
    assert!(!text.contains("CNaccess") && !text.contains("na1-refresh") && !text.contains(SECRET));
    assert_eq!(view["team_sync"], "team_sync_user");
    assert_eq!(view["team_sync_choices"][0]["connected"], true);
}

#[test]
fn another_users_hubspot_account_is_refused_by_the_core() {
    let done = api::connected_hubspot(
        &hubspot_team(),
        &json!("personal"),
        &owner("41629002", "integration@acme.example"),
        &json!([]),
        "now",
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
            api::hubspot_oauth_exchange(&bad, REDIRECT, "", "", "", SECRET),
            api::parse_hubspot_token(&bad),
            api::hubspot_owner_request(&bad, "1"),
            api::parse_hubspot_owner(&bad),
            api::connected_hubspot(&bad, &bad, &bad, &bad, "now"),
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
    let refused = json!({"status": 401, "headers": [], "body": r#"{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication","category":"INVALID_AUTHENTICATION"}"#});
    let answer = api::parse_hubspot_owners(&refused, &json!("private_app_token"));
    let e = &answer["error"];
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
    let key = api::parse_hubspot_owners(&refused, &json!("service_key"));
    assert_eq!(
        key["error"]["message"],
        "HubSpot refused this service key (401)."
    );
    let secret = api::parse_hubspot_token(&json!({"status": 400, "headers": [],
        "body": r#"{"status":"BAD_CLIENT_SECRET","message":"missing or invalid client secret"}"#}));
    assert_eq!(
        secret["error"]["message"],
        "HubSpot refused this client secret (BAD_CLIENT_SECRET)."
    );
}

#[test]
fn the_private_app_user_is_required_with_the_reason() {
    let users = json!([owner("41629002", "integration@acme.example")]);
    let missing = api::connected_private_app(&hubspot_team(), &users, " ", "now");
    assert_eq!(missing["error"]["code"], "missing_private_app_user");
    assert!(missing["error"]["hint"]
        .as_str()
        .unwrap()
        .starts_with("HubSpot records no user as creator"));
    let ok = api::connected_private_app(&hubspot_team(), &users, "integration@acme.example", "now");
    assert_eq!(ok["ok"], true, "{ok}");
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
