//! A HubSpot team's team sync stored from the admin pages: the private-app token is checked
//! with HubSpot (the sandbox's emulation) before it replaces anything. A token HubSpot refuses
//! is not stored and the page says so in HubSpot's terms for this credential, naming the fix;
//! a wrong "saves for" user is refused by name; a working token becomes the team sync; a
//! refused replacement leaves the working token in use (and saves still go with it). No page
//! shows the token.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/pages.rs"]
mod pages;
#[path = "../../engine/tests/common/mod.rs"]
mod sandbox;

use std::time::Duration;

use common::{linkedin_save, TestServer};
use pages::signed_in_admin_for;
use reqwest::StatusCode;
use sandbox::{Sandbox, PINNED};

/// The sandbox's private-app token (acts for integration@acme.example).
const PRIVATE_APP_TOKEN: &str = "pat-sandbox-integration";
/// The sandbox's service key (acts for integration@acme.example; not in the `pat-` format).
const SERVICE_KEY: &str = "sandbox-service-key-integration";
/// integration@acme.example's HubSpot owner id (the sandbox's seed).
const INTEGRATION_OWNER: &str = "41629002";

/// A server whose CRM client reaches the sandbox, HubSpot's API host included (a HubSpot team
/// needs no Salesforce app).
async fn hubspot_server(sb: &Sandbox) -> TestServer {
    TestServer::start_with(|config| {
        config.push.crm_ca_file = Some(sb.cert_path());
        config.push.crm_resolve = PINNED
            .iter()
            .chain(&["api.hubapi.com"])
            .map(|h| (h.to_string(), sb.addr()))
            .collect();
        config.push.sweep_every = Duration::from_millis(200);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_stores_a_private_app_token_checked_with_hubspot_before_it_replaces_one() {
    let sb = Sandbox::start();
    let server = hubspot_server(&sb).await;
    let (browser, admin) =
        signed_in_admin_for(&server, "Initech", "admin@initech.example", "hubspot").await;
    let overview = browser.get("/admin").await;
    assert!(
        overview.body.contains("data-testid=\"private-app-form\""),
        "a HubSpot team gets the token form: {}",
        overview.body
    );
    assert!(
        !overview.body.contains("data-testid=\"connect-team-sync\""),
        "no Salesforce connect button for a HubSpot team"
    );
    let store = |token: &'static str, email: &'static str, csrf: String| {
        let browser = &browser;
        let member = admin.member.clone();
        async move {
            browser
                .post(
                    "/admin/connect/hubspot",
                    &[
                        ("csrf", &csrf),
                        ("member", &member),
                        ("email", email),
                        ("token", token),
                    ],
                )
                .await
        }
    };
    let connections = || async {
        server
            .get("/api/admin/connections", &admin.token)
            .await
            .body["connections"]
            .as_array()
            .unwrap()
            .clone()
    };

    // A token HubSpot refuses: nothing stored, and the words name this credential and the fix.
    let refused = store(
        "pat-na1-not-a-real-token",
        "integration@acme.example",
        overview.csrf(),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("HubSpot refused this private-app token (401)")
            && refused.body.contains("Private apps"),
        "{}",
        refused.body
    );
    assert!(
        !refused.body.contains("Reconnect your HubSpot account"),
        "{}",
        refused.body
    );
    assert!(
        connections().await.is_empty(),
        "a refused token is not stored"
    );

    // A working token for someone who is no HubSpot owner: refused by name, nothing stored.
    let nobody = store(PRIVATE_APP_TOKEN, "nobody@initech.example", overview.csrf()).await;
    assert_eq!(nobody.status, StatusCode::BAD_REQUEST, "{}", nobody.body);
    assert!(
        nobody
            .body
            .contains("No active HubSpot owner has the email")
            && nobody.body.contains("nobody@initech.example"),
        "{}",
        nobody.body
    );
    assert!(connections().await.is_empty());

    // The working token: stored for the owner HubSpot knows, and made the team sync.
    let stored = store(
        PRIVATE_APP_TOKEN,
        "integration@acme.example",
        overview.csrf(),
    )
    .await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert!(
        stored
            .body
            .contains("HubSpot accepted the private-app token: it is stored, sealed, and saves for integration@acme.example. It is now the team sync."),
        "{}",
        stored.body
    );
    let held = connections().await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0]["crm_user_id"], INTEGRATION_OWNER, "{held:?}");
    let team = server.get("/api/team", &admin.token).await.body;
    assert_eq!(team["state"]["team_sync"], admin.member.as_str(), "{team}");

    // Replacing it with a token HubSpot refuses: refused, and the page says the one in use stays.
    let replaced = store(
        "pat-na1-revoked-or-mistyped",
        "integration@acme.example",
        overview.csrf(),
    )
    .await;
    assert_eq!(
        replaced.status,
        StatusCode::BAD_REQUEST,
        "{}",
        replaced.body
    );
    assert!(
        replaced.body.contains("The token in use is unchanged."),
        "{}",
        replaced.body
    );
    assert_eq!(
        connections().await,
        held,
        "the working connection is untouched"
    );

    // And saves still go with the working token.
    let rep = server.rep(&admin, "rep@initech.example").await;
    let saved = server
        .post(
            "/api/saves",
            &rep.token,
            linkedin_save("hs-page-0001", "Ada Pages"),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["status"], "pushed", "{}", saved.text);

    // No page shows the token.
    for path in [
        "/admin",
        "/admin/members",
        "/admin/journal",
        "/admin/settings",
    ] {
        let page = browser.get(path).await.body;
        assert!(!page.contains(PRIVATE_APP_TOKEN), "{path} shows the token");
    }
}

/// A service key is what the admin says it is: pasted as a private-app token (the form's
/// default) it is refused before HubSpot is asked, with how to tell the two apart; said to be
/// a service key, a wrong one is refused in a service key's words and the right one is stored
/// and shown as a service key, on the page and in the team snapshot the extension reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_key_is_named_as_one_from_the_form_to_the_page() {
    let sb = Sandbox::start();
    let server = hubspot_server(&sb).await;
    let (browser, admin) =
        signed_in_admin_for(&server, "Keyco", "admin@keyco.example", "hubspot").await;
    let overview = browser.get("/admin").await;
    assert!(
        overview.body.contains("data-testid=\"private-app-kind\"")
            && overview.body.contains("Development → Keys → Service keys"),
        "the form asks what was pasted and says where each comes from: {}",
        overview.body
    );
    let store = |token: &'static str, kind: &'static str| {
        let (browser, member, csrf) = (&browser, admin.member.clone(), overview.csrf());
        async move {
            browser
                .post(
                    "/admin/connect/hubspot",
                    &[
                        ("csrf", csrf.as_str()),
                        ("member", &member),
                        ("email", "integration@acme.example"),
                        ("token", token),
                        ("kind", kind),
                    ],
                )
                .await
        }
    };

    let said_private = store(SERVICE_KEY, "private_app_token").await;
    assert_eq!(said_private.status, StatusCode::BAD_REQUEST);
    assert!(
        said_private
            .body
            .contains("This is not a HubSpot private-app token: those start with “pat-”.")
            && said_private.body.contains("say it is a service key"),
        "{}",
        said_private.body
    );
    let wrong = store("revoked-service-key", "service_key").await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong
            .body
            .contains("HubSpot refused this service key (401).")
            && wrong
                .body
                .contains("Copy it again from HubSpot → Development → Keys → Service keys."),
        "{}",
        wrong.body
    );
    let stored = store(SERVICE_KEY, "service_key").await;
    assert_eq!(stored.status, StatusCode::OK, "{}", stored.body);
    assert!(
        stored
            .body
            .contains("HubSpot accepted the service key: it is stored, sealed, and saves for integration@acme.example."),
        "{}",
        stored.body
    );
    assert!(
        stored
            .body
            .contains("HubSpot service key (sealed on the server)"),
        "{}",
        stored.body
    );
    assert!(!stored.body.contains(SERVICE_KEY), "no page shows the key");
    let team = server.get("/api/team", &admin.token).await.body;
    assert_eq!(
        team["connections"][0]["credential"], "service_key",
        "{team}"
    );
}
