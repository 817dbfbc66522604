//! Reps' "Sign in with HubSpot" through the server, against the sandbox's HubSpot emulation
//! over real HTTPS, followed like a browser: the team's HubSpot account is the one its
//! private-app token belongs to (bound when the admin stores it); a sign-in asks HubSpot only
//! who the user is (`oauth` scope), is matched to a member by their HubSpot owner (read with
//! the team's own token) or, for a member with no CRM user yet, by HubSpot's login e-mail; a
//! sign-in from another HubSpot account or by a HubSpot user who is no member goes back to the
//! extension with the refusal and no code; the server keeps no HubSpot token of it and revokes
//! the sign-in's grant.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/oauth.rs"]
mod oauth_common;

use std::net::SocketAddr;

use common::{Session, TestServer};
use oauth_common::{query_param, Browser, Org, EXT_REDIRECT, PUBLIC_URL, SF_SECRET};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The sandbox's private-app token (acts for integration@acme.example).
const PRIVATE_APP_TOKEN: &str = "pat-sandbox-integration";
/// HubSpot owner ids of the sandbox's seed.
const REP_OWNER: &str = "41629003";
const REP2_OWNER: &str = "41629004";
const ADMIN_OWNER: &str = "41629001";
/// The sandbox's HubSpot app.
const HS_CLIENT_ID: &str = "leadline-hubspot-client";

/// A server whose OAuth apps are the sandbox's (its HubSpot app pages at the sandbox too) and
/// whose CRM client reaches the sandbox as `api.hubapi.com`.
async fn server_for(org: &Org) -> TestServer {
    let addr: SocketAddr = org.url().strip_prefix("https://").unwrap().parse().unwrap();
    let ca = org.sandbox.data_dir().join("cert.pem");
    TestServer::start_with(|config| {
        org.configure(config, SF_SECRET);
        if let Some(app) = config.oauth.hubspot.as_mut() {
            app.app_url = org.url();
        }
        config.push.crm_ca_file = Some(ca);
        config.push.crm_resolve = vec![("api.hubapi.com".to_owned(), addr)];
    })
    .await
}

/// A HubSpot team whose admin stored the sandbox's private-app token (so the team is bound to
/// the sandbox's HubSpot account).
async fn hubspot_team(server: &TestServer, name: &str, admin_email: &str) -> Session {
    let admin = server.admin_on(name, admin_email, "hubspot").await;
    let stored = server
        .post(
            &format!("/api/admin/connections/{}/private-app", admin.member),
            &admin.token,
            json!({ "token": PRIVATE_APP_TOKEN, "email": "integration@acme.example" }),
        )
        .await;
    assert_eq!(stored.status, StatusCode::CREATED, "{}", stored.text);
    admin
}

/// The admin adds Rita by her HubSpot owner (the sandbox's rep@acme.example); answers her
/// member id.
async fn add_rita(server: &TestServer, admin: &Session) -> String {
    let added = server
        .post(
            "/api/admin/members",
            &admin.token,
            json!({ "email": "rita@initech.example", "crm_user_id": REP_OWNER }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text);
    added.body["member"]["id"].as_str().unwrap().to_owned()
}

/// Starts a HubSpot sign-in (for the extension, or the admin pages with `path`), follows it
/// through the sandbox as `login`, and answers the server callback's page.
async fn sign_in_at(server: &TestServer, org: &Org, path: &str, login: &str) -> oauth_common::Page {
    let browser = Browser::new(server.addr);
    let start = browser.get(path, None).await;
    assert_eq!(start.status, 302, "{}", start.body);
    let authorize = start.location.unwrap();
    // Identity only, at the HubSpot the server is configured with, for its own callback.
    assert!(
        authorize.starts_with(&format!("{}/oauth/authorize?", org.url())),
        "{authorize}"
    );
    assert_eq!(query_param(&authorize, "scope").unwrap(), "oauth");
    assert_eq!(query_param(&authorize, "client_id").unwrap(), HS_CLIENT_ID);
    assert_eq!(
        query_param(&authorize, "redirect_uri").unwrap(),
        format!("{PUBLIC_URL}/api/oauth/hubspot/callback")
    );
    assert_eq!(
        query_param(&authorize, "code_challenge_method").unwrap(),
        "S256"
    );
    let callback = org.log_in_and_allow(&authorize, login).await;
    assert!(callback.starts_with(PUBLIC_URL), "{callback}");
    let page = browser.get(&callback, None).await;
    // The state is spent: the same callback again is refused.
    let replay = browser.get(&callback, None).await;
    assert_eq!(replay.status, 400, "{}", replay.body);
    assert!(replay.body.contains("already used"), "{}", replay.body);
    page
}

async fn sign_in(
    server: &TestServer,
    org: &Org,
    login: &str,
    team: Option<&str>,
) -> oauth_common::Page {
    let team = team
        .map(|t| format!("&team={}", crm::http::percent_encode(t)))
        .unwrap_or_default();
    let path = format!(
        "/api/sign-in/hubspot?redirect={}&state=ext-hs-1{team}",
        crm::http::percent_encode(EXT_REDIRECT)
    );
    sign_in_at(server, org, &path, login).await
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

/// The refusal a sign-in the extension started comes back with (`access_denied`, and why).
fn refusal(page: &oauth_common::Page) -> String {
    let (error, why) = page.refused_to_extension("ext-hs-1");
    assert_eq!(error, "access_denied");
    why
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rep_the_admin_added_by_hubspot_owner_signs_in_with_hubspot_and_gets_a_session() {
    let org = Org::start();
    let server = server_for(&org).await;
    let admin = hubspot_team(&server, "Initech", "boss@initech.example").await;
    // Storing the team's token bound the team to that token's HubSpot account.
    assert_eq!(
        server
            .state
            .store
            .team_org(&admin.team)
            .await
            .unwrap()
            .as_deref(),
        Some(sandbox::seed::HUB_ID.to_string().as_str())
    );
    let member_id = add_rita(&server, &admin).await;

    let back = sign_in(&server, &org, "rep@acme.example", None).await;
    assert_eq!(back.status, 302, "{}", back.body);
    let location = back.location.unwrap();
    assert!(
        location.starts_with(&format!("{EXT_REDIRECT}?")),
        "{location}"
    );
    assert_eq!(query_param(&location, "state").unwrap(), "ext-hs-1");
    let code = query_param(&location, "code").unwrap();
    assert!(!server.data_files_contain(code.as_bytes()));

    let session = finish(&server, &code).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    let token = session.body["session"].as_str().unwrap();
    let team = server.get("/api/team", token).await;
    assert_eq!(team.status, StatusCode::OK);
    assert_eq!(team.body["me"]["id"], member_id.as_str());
    assert_eq!(team.body["me"]["role"], "rep");
    // Recorded like a Salesforce sign-in: their own connection is their browser's (rule 11).
    let me = team.body["state"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == member_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(me["personal"]["held"], "own_browser", "{me}");
    assert_eq!(me["personal"]["crm_user_id"], REP_OWNER);
    // The sign-in's own HubSpot grant was revoked: Rita has no live grant of the app.
    assert_eq!(org.approvals("rep@acme.example", HS_CLIENT_ID).await, 0);
    // Nothing the sign-in carried is in the server's files: not the code, not the session.
    assert!(!server.data_files_contain(token.as_bytes()));
    assert!(!server.data_files_contain(b"leadline-hubspot-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_whose_hubspot_account_was_never_recorded_is_bound_by_its_own_token_at_a_sign_in() {
    let org = Org::start();
    let server = server_for(&org).await;
    let admin = hubspot_team(&server, "Initech", "boss@initech.example").await;
    add_rita(&server, &admin).await;
    // A team whose token the server stored without asking HubSpot whose account it is (a
    // server from before it recorded HubSpot accounts, or `PUT /api/admin/connections`).
    server.sql("UPDATE teams SET crm_org_id = NULL").await;
    let org_of = |team: String| {
        let server = &server;
        async move { server.state.store.team_org(&team).await.unwrap() }
    };
    assert_eq!(org_of(admin.team.clone()).await, None);

    // Rita's sign-in asks HubSpot, with the team's own token, which account the team works
    // with: hers, so she is signed in, and the team is bound to it from now on.
    let back = sign_in(&server, &org, "rep@acme.example", None).await;
    assert_eq!(back.status, 302, "{}", back.body);
    let location = back.location.unwrap();
    let code = query_param(&location, "code").unwrap_or_else(|| panic!("{location}"));
    let session = finish(&server, &code).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    assert_eq!(
        org_of(admin.team.clone()).await,
        Some(sandbox::seed::HUB_ID.to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_named_by_email_only_is_matched_by_hubspots_login_email_and_keyed_by_owner() {
    let org = Org::start();
    let server = server_for(&org).await;
    let admin = hubspot_team(&server, "Initech", "boss@initech.example").await;
    let rep = server.rep(&admin, "rep2@acme.example").await;

    let back = sign_in(&server, &org, "rep2@acme.example", Some("Initech")).await;
    assert_eq!(back.status, 302, "{}", back.body);
    let code = query_param(&back.location.unwrap(), "code").unwrap();
    let session = finish(&server, &code).await;
    assert_eq!(session.status, StatusCode::CREATED, "{}", session.text);
    assert_eq!(session.body["member"]["id"], rep.member.as_str());
    // Their HubSpot owner is recorded: the next sign-in matches by owner, as for Salesforce.
    let members = server.get("/api/admin/members", &admin.token).await;
    let listed = members.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == rep.member.as_str())
        .unwrap()
        .clone();
    assert_eq!(listed["crm_user_id"], REP2_OWNER, "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_from_another_hubspot_account_or_by_a_stranger_get_no_code() {
    let org = Org::start();
    let server = server_for(&org).await;
    // No team is bound to the sandbox's HubSpot account yet.
    let globex = server
        .admin_on("Globex", "boss@globex.example", "hubspot")
        .await;
    let early = sign_in(&server, &org, "rep@acme.example", None).await;
    assert!(
        refusal(&early).contains(&format!(
            "your HubSpot account ({}) is not the HubSpot account of a team on this server",
            sandbox::seed::HUB_ID
        )),
        "{}",
        early.body
    );
    // Globex holds no HubSpot connection to ask HubSpot with: it stays bound to no account.
    assert_eq!(
        server.state.store.team_org(&globex.team).await.unwrap(),
        None
    );
    // Initech works with this HubSpot account, and Rita is its member; Globex works with
    // another account: a sign-in naming Globex is refused, even by a member of Initech, and a
    // token of this account does not replace Globex's connection.
    let admin = hubspot_team(&server, "Initech", "boss@initech.example").await;
    add_rita(&server, &admin).await;
    server
        .state
        .store
        .bind_team_org(&globex.team, "99999999")
        .await
        .unwrap();
    let other = sign_in(&server, &org, "rep@acme.example", Some("Globex")).await;
    assert!(
        refusal(&other).contains("is not the HubSpot account of this team"),
        "{}",
        other.body
    );
    let wrong_token = server
        .post(
            &format!("/api/admin/connections/{}/private-app", globex.member),
            &globex.token,
            json!({ "token": PRIVATE_APP_TOKEN, "email": "integration@acme.example" }),
        )
        .await;
    assert_eq!(
        wrong_token.status,
        StatusCode::CONFLICT,
        "{}",
        wrong_token.text
    );
    assert_eq!(wrong_token.error_code(), "other_hubspot_account");
    assert!(server
        .get("/api/admin/connections", &globex.token)
        .await
        .body["connections"]
        .as_array()
        .unwrap()
        .is_empty());

    // The right account, but a HubSpot user the admin never added.
    let stranger = sign_in(&server, &org, "readonly@acme.example", Some("Initech")).await;
    assert!(
        refusal(&stranger).contains(
            "your HubSpot user (readonly@acme.example, 9586005) is not a member of the team"
        ),
        "{}",
        stranger.body
    );
    // Nobody joined: the team still has its admin and Rita only.
    let members = server.get("/api/admin/members", &admin.token).await;
    assert_eq!(members.body["members"].as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_signs_in_to_the_admin_pages_with_hubspot() {
    let org = Org::start();
    let server = server_for(&org).await;
    let admin = hubspot_team(&server, "Initech", "boss@initech.example").await;
    let page = Browser::new(server.addr).get("/admin/sign-in", None).await;
    assert!(
        page.body.contains("data-testid=\"sign-in-hubspot\""),
        "{}",
        page.body
    );
    let set = server
        .set_crm(&admin, &admin.member, json!({ "crm_user_id": ADMIN_OWNER }))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    let back = sign_in_at(
        &server,
        &org,
        "/admin/sign-in/hubspot",
        "admin@acme.example",
    )
    .await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert!(
        back.body
            .contains("You are signed in as boss@initech.example"),
        "{}",
        back.body
    );
    // A rep of the team gets no admin session.
    server
        .post(
            "/api/admin/members",
            &admin.token,
            json!({ "email": "rita@initech.example", "crm_user_id": REP_OWNER }),
        )
        .await;
    let rep = sign_in_at(&server, &org, "/admin/sign-in/hubspot", "rep@acme.example").await;
    assert_eq!(rep.status, 403, "{}", rep.body);
    assert!(rep.body.contains("Admins only"), "{}", rep.body);
}
