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
/// integration@acme.example's HubSpot owner id (the sandbox's seed).
const INTEGRATION_OWNER: &str = "41629002";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_stores_a_private_app_token_checked_with_hubspot_before_it_replaces_one() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|config| {
        config.push.crm_ca_file = Some(sb.cert_path());
        config.push.crm_resolve = PINNED
            .iter()
            .chain(&["api.hubapi.com"])
            .map(|h| (h.to_string(), sb.addr()))
            .collect();
        config.push.sweep_every = Duration::from_millis(200);
    })
    .await;
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
            .contains("HubSpot accepted the token: it is stored, sealed, and saves for integration@acme.example. It is now the team sync."),
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
