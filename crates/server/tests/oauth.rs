//! The server's own OAuth flows against the real sandbox org over real HTTPS, followed like a
//! browser: the admin connects team sync once on the server; reps sign in with OpenID
//! Connect and get a server session; HubSpot's code exchange runs with the server's secret
//! and leaves nothing behind. Each flow's refusals store nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/oauth.rs"]
mod oauth_common;

use common::{Session, TestServer};
use oauth_common::{query_param, Browser, Org, EXT_REDIRECT, PUBLIC_URL, SF_CLIENT_ID, SF_SECRET};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn server_for(org: &Org, secret: &str) -> TestServer {
    TestServer::start_with(|c| org.configure(c, secret)).await
}

fn sf_id(login: &str) -> String {
    sandbox::seed::user_by_email(login).unwrap().0
}

/// Runs the admin's connect: server → Salesforce login and consent → the server's callback.
/// Returns the callback's page and the callback URL (to replay it).
async fn connect(
    server: &TestServer,
    org: &Org,
    admin: &Session,
    login: &str,
) -> (oauth_common::Page, String) {
    let browser = Browser::new(server.addr);
    let start = browser
        .get("/api/admin/connect/salesforce", Some(&admin.token))
        .await;
    assert_eq!(start.status, 302, "{}", start.body);
    let authorize = start.location.unwrap();
    assert_eq!(query_param(&authorize, "client_id").unwrap(), SF_CLIENT_ID);
    assert_eq!(
        query_param(&authorize, "code_challenge_method").unwrap(),
        "S256"
    );
    assert!(query_param(&authorize, "code_challenge").unwrap().len() >= 43);
    assert!(query_param(&authorize, "state").unwrap().len() >= 32);
    assert_eq!(
        query_param(&authorize, "redirect_uri").unwrap(),
        format!("{PUBLIC_URL}/api/oauth/salesforce/callback")
    );
    let callback = org.log_in_and_allow(&authorize, login).await;
    assert!(callback.starts_with(PUBLIC_URL), "{callback}");
    (browser.get(&callback, None).await, callback)
}

async fn connections(server: &TestServer, admin: &Session) -> Vec<serde_json::Value> {
    server
        .get("/api/admin/connections", &admin.token)
        .await
        .body["connections"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_connects_team_sync_once_on_the_server() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    let admin = server.admin("Acme", "integration@acme.example").await;
    let (page, callback) = connect(&server, &org, &admin, "integration@acme.example").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let integration = sf_id("integration@acme.example");
    assert!(page.body.contains("Salesforce connected"));
    assert!(page.body.contains(&integration), "{}", page.body);
    assert!(page.body.contains(&sandbox::seed::org_id()));

    let stored = connections(&server, &admin).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["member_id"], admin.member.as_str());
    assert_eq!(stored[0]["crm_user_id"], integration.as_str());
    assert_eq!(stored[0]["crm_email"], "integration@acme.example");
    assert_eq!(stored[0]["permission"], "admin");
    assert_eq!(stored[0]["instance_url"], org.url().as_str());
    let team = server.get("/api/team", &admin.token).await;
    assert_eq!(team.body["state"]["team_sync"], admin.member.as_str());
    // One approval for the integration user on the server's app, whatever the browsers.
    assert_eq!(
        org.approvals("integration@acme.example", SF_CLIENT_ID)
            .await,
        1
    );
    // The client secret never reaches the database or a file of the data directory.
    assert!(!server.data_files_contain(SF_SECRET.as_bytes()));

    // The same callback again: the state is used, nothing changes.
    let again = Browser::new(server.addr).get(&callback, None).await;
    assert_eq!(again.status, 400);
    assert!(again.body.contains("already used"), "{}", again.body);
    assert_eq!(connections(&server, &admin).await.len(), 1);
    assert_eq!(
        org.approvals("integration@acme.example", SF_CLIENT_ID)
            .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_or_expired_state_stores_nothing_and_reps_cannot_start_a_connect() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    let admin = server.admin("Acme", "integration@acme.example").await;
    let browser = Browser::new(server.addr);

    let start = browser
        .get("/api/admin/connect/salesforce", Some(&admin.token))
        .await;
    let authorize = start.location.unwrap();
    let callback = org
        .log_in_and_allow(&authorize, "integration@acme.example")
        .await;
    let code = query_param(&callback, "code").unwrap();
    let forged = browser
        .get(
            &format!("/api/oauth/salesforce/callback?code={code}&state=forged-state-value"),
            None,
        )
        .await;
    assert_eq!(forged.status, 400);
    assert!(forged.body.contains("unknown state"), "{}", forged.body);
    let missing = browser
        .get(&format!("/api/oauth/salesforce/callback?code={code}"), None)
        .await;
    assert_eq!(missing.status, 400);

    // Expire the real state in the database, then come back with it.
    server.sql("UPDATE oauth_states SET expires_at = 0").await;
    let expired = browser.get(&callback, None).await;
    assert_eq!(expired.status, 400);
    assert!(expired.body.contains("expired"), "{}", expired.body);
    assert!(connections(&server, &admin).await.is_empty());
    assert_eq!(
        org.approvals("integration@acme.example", SF_CLIENT_ID)
            .await,
        0
    );

    let rep = server.rep(&admin, "rep@acme.example").await;
    let refused = browser
        .get("/api/admin/connect/salesforce", Some(&rep.token))
        .await;
    assert_eq!(refused.status, 403);
    let anonymous = browser.get("/api/admin/connect/salesforce", None).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_consent_says_so_and_stores_nothing() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    let admin = server.admin("Acme", "integration@acme.example").await;
    let browser = Browser::new(server.addr);
    let start = browser
        .get("/api/admin/connect/salesforce", Some(&admin.token))
        .await;
    let callback = org
        .log_in_and(&start.location.unwrap(), "integration@acme.example", "deny")
        .await;
    assert_eq!(query_param(&callback, "error").unwrap(), "access_denied");
    let page = browser.get(&callback, None).await;
    assert_eq!(page.status, 400);
    assert!(page.body.contains("access_denied"), "{}", page.body);
    assert!(connections(&server, &admin).await.is_empty());
    // The state is spent: the same answer cannot be replayed.
    let again = browser.get(&callback, None).await;
    assert!(again.body.contains("already used"), "{}", again.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_the_right_client_secret_gets_invalid_client_and_stores_nothing() {
    let org = Org::start();
    let server = server_for(&org, "not-the-secret").await;
    let admin = server.admin("Acme", "integration@acme.example").await;
    let (page, _) = connect(&server, &org, &admin, "integration@acme.example").await;
    assert_eq!(page.status, 502, "{}", page.body);
    assert!(page.body.contains("invalid_client"), "{}", page.body);
    assert!(!page.body.contains("not-the-secret"));
    assert!(connections(&server, &admin).await.is_empty());
    assert_eq!(
        org.approvals("integration@acme.example", SF_CLIENT_ID)
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oauth_routes_say_what_to_configure() {
    let server = TestServer::start().await;
    let admin = server.admin("Acme", "admin@acme.example").await;
    let answer = server
        .get("/api/admin/connect/salesforce", &admin.token)
        .await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(answer.error_code(), "oauth_not_configured");
    assert!(answer.text.contains("LEADLINE_SF_CLIENT_ID"));
}

/// Starts a rep's sign-in in the browser and follows it through the sandbox to the server's
/// callback; returns the callback's answer.
async fn sign_in(server: &TestServer, org: &Org, login: &str) -> oauth_common::Page {
    let browser = Browser::new(server.addr);
    let start = browser
        .get(
            &format!(
                "/api/sign-in/salesforce?redirect={}&state=ext-state-1",
                crm::http::percent_encode(EXT_REDIRECT)
            ),
            None,
        )
        .await;
    assert_eq!(start.status, 302, "{}", start.body);
    let authorize = start.location.unwrap();
    // Identity only, at the host the server knows, never one the client names.
    assert!(authorize.starts_with(&format!("{}/services/oauth2/authorize?", org.url())));
    assert_eq!(query_param(&authorize, "scope").unwrap(), "openid");
    let callback = org.log_in_and_allow(&authorize, login).await;
    browser.get(&callback, None).await
}

async fn finish(server: &TestServer, code: &str) -> common::Answer {
    server
        .call(
            Method::POST,
            "/api/sign-in/finish",
            None,
            Some(&json!({ "code": code })),
        )
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_the_admin_added_signs_in_with_salesforce_and_gets_a_session() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    let admin = server.admin("Acme", "integration@acme.example").await;
    let (page, _) = connect(&server, &org, &admin, "integration@acme.example").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let added = server
        .post(
            "/api/admin/members",
            &admin.token,
            json!({ "email": "rep@acme.example", "crm_user_id": sf_id("rep@acme.example") }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    let member_id = added.body["member"]["id"].as_str().unwrap().to_owned();

    let back = sign_in(&server, &org, "rep@acme.example").await;
    assert_eq!(back.status, 302, "{}", back.body);
    let location = back.location.unwrap();
    assert!(
        location.starts_with(&format!("{EXT_REDIRECT}?")),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").unwrap(), "ext-state-1");
    let code = query_param(&location, "code").unwrap();
    // The sign-in kept no Salesforce token and used up no approval.
    assert_eq!(org.approvals("rep@acme.example", SF_CLIENT_ID).await, 0);
    assert!(!server.data_files_contain(code.as_bytes()));

    let session = finish(&server, &code).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    let token = session.body["session"].as_str().unwrap();
    let team = server.get("/api/team", token).await;
    assert_eq!(team.status, StatusCode::OK);
    assert_eq!(team.body["me"]["id"], member_id.as_str());
    assert_eq!(team.body["me"]["role"], "rep");

    // The code works once; a forged one never.
    let again = finish(&server, &code).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    assert_eq!(again.error_code(), "sign_in_code_used");
    let forged = finish(&server, &format!("{}x", &code[..code.len() - 1])).await;
    assert_eq!(forged.error_code(), "invalid_sign_in_code");
    // The admin can revoke the session like any other.
    server
        .post(
            &format!("/api/admin/members/{member_id}/revoke-sessions"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(
        server.get("/api/team", token).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_user_or_another_org_is_refused_and_gets_no_code() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    let admin = server.admin("Acme", "integration@acme.example").await;

    // No team knows the org yet: a sign-in is from "another org".
    let early = sign_in(&server, &org, "rep@acme.example").await;
    let (error, why) = early.refused_to_extension("ext-state-1");
    assert_eq!(error, "access_denied");
    assert!(
        why.starts_with("your Salesforce org (") && why.contains("is not the org of this team"),
        "{why}"
    );

    let (page, _) = connect(&server, &org, &admin, "integration@acme.example").await;
    assert_eq!(page.status, 200, "{}", page.body);
    // A user of the org whom the admin did not add.
    let unknown = sign_in(&server, &org, "readonly@acme.example").await;
    let (error, why) = unknown.refused_to_extension("ext-state-1");
    assert_eq!(error, "access_denied");
    assert!(
        why.contains("your Salesforce user (readonly@acme.example, ")
            && why.contains("is not a member of the team: ask your admin to add you"),
        "{why}"
    );

    // The team moves to another org: the same member's sign-in from this org is refused.
    server
        .post(
            "/api/admin/members",
            &admin.token,
            json!({ "email": "rep@acme.example", "crm_user_id": sf_id("rep@acme.example") }),
        )
        .await;
    server
        .sql("UPDATE teams SET crm_org_id = '00DOTHER00000000001'")
        .await;
    let other = sign_in(&server, &org, "rep@acme.example").await;
    let (error, why) = other.refused_to_extension("ext-state-1");
    assert_eq!(error, "access_denied");
    assert!(why.contains("not the org of this team"), "{why}");
    // And the admin's connect from this org is refused too, storing nothing new.
    let before = connections(&server, &admin).await;
    let (refused, _) = connect(&server, &org, &admin, "admin@acme.example").await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(connections(&server, &admin).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_accepts_only_the_extensions_redirect() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    for bad in ["https://evil.example/", "http://localhost/cb"] {
        let answer = server
            .call(
                Method::GET,
                &format!(
                    "/api/sign-in/salesforce?redirect={}",
                    crm::http::percent_encode(bad)
                ),
                None,
                None,
            )
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.error_code(), "invalid_redirect");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_exchanges_a_reps_hubspot_code_and_keeps_nothing_of_the_tokens() {
    let org = Org::start();
    let server = server_for(&org, SF_SECRET).await;
    let admin = server
        .admin_on("Acme", "admin@acme.example", "hubspot")
        .await;
    let rep = server.rep(&admin, "rep@acme.example").await;
    let authorize = format!(
        "{}/oauth/authorize?client_id=leadline-hubspot-client&redirect_uri={}&scope={}&state=hs",
        org.url(),
        crm::http::percent_encode(EXT_REDIRECT),
        crm::http::percent_encode("oauth crm.objects.contacts.write")
    );
    let location = org.log_in_and_allow(&authorize, "rep@acme.example").await;
    let code = query_param(&location, "code").unwrap();

    let unsigned = server
        .call(Method::POST, "/api/hubspot/token", None, Some(&json!({})))
        .await;
    assert_eq!(unsigned.status, StatusCode::UNAUTHORIZED);
    let answer = server
        .post(
            "/api/hubspot/token",
            &rep.token,
            json!({ "grant_type": "authorization_code", "code": code, "redirect_uri": EXT_REDIRECT }),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let access = answer.body["access_token"].as_str().unwrap().to_owned();
    let refresh = answer.body["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(answer.body["hub_id"], sandbox::seed::HUB_ID);
    let refreshed = server
        .post(
            "/api/hubspot/token",
            &rep.token,
            json!({ "grant_type": "refresh_token", "refresh_token": refresh }),
        )
        .await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.text);
    let second = refreshed.body["access_token"].as_str().unwrap().to_owned();
    // The code is spent: HubSpot's refusal comes back as a clear error.
    let reused = server
        .post(
            "/api/hubspot/token",
            &rep.token,
            json!({ "grant_type": "authorization_code", "code": code, "redirect_uri": EXT_REDIRECT }),
        )
        .await;
    assert_eq!(reused.status, StatusCode::BAD_GATEWAY);
    assert_eq!(reused.error_code(), "crm_refused");
    // HubSpot's own OAuth code is relayed, so the extension words it as HubSpot's answer.
    assert_eq!(
        reused.body["error"]["crm_error"], "invalid_grant",
        "{}",
        reused.text
    );
    // Nothing of the tokens (nor the secret) is in any file of the data directory.
    for secret in [
        &access,
        &refresh,
        &second,
        &code,
        &"leadline-hubspot-secret".to_owned(),
    ] {
        assert!(
            !server.data_files_contain(secret.as_bytes()),
            "{secret} stored"
        );
    }
}
